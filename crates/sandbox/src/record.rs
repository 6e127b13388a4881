//! What the fake servers received, kept in memory for tests to inspect
//! and, for the AI vendors, optionally written to files.

use std::fmt;
use std::path::PathBuf;
use std::sync::Mutex;

use serde_json::Value;

use crate::clickup::lock;

/// One request a fake server received.
///
/// Bodies are kept as received: they are what a test checks for leaked
/// PHI. Request headers are not kept, so tokens and API keys are not
/// either. `Debug` shows the method, path and body length only.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RecordedRequest {
    /// The service id of the fake that received it, as in the sandbox
    /// vendor registry (`clickup-api-v2`, `azure-openai-chat`, ...).
    pub service_id: String,
    /// HTTP method.
    pub method: String,
    /// Path without the query string.
    pub path: String,
    /// The query string, if any.
    pub query: Option<String>,
    /// The body bytes.
    pub body: Vec<u8>,
}

impl RecordedRequest {
    pub(crate) fn from_wiremock(request: &wiremock::Request, service_id: &str) -> Self {
        RecordedRequest {
            service_id: service_id.to_owned(),
            method: request.method.as_str().to_owned(),
            path: request.url.path().to_owned(),
            query: request.url.query().map(str::to_owned),
            body: request.body.clone(),
        }
    }

    /// The body as text (invalid UTF-8 replaced).
    pub fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The body parsed as JSON, if it is JSON.
    pub fn body_json(&self) -> Option<Value> {
        serde_json::from_slice(&self.body).ok()
    }
}

impl fmt::Debug for RecordedRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RecordedRequest")
            .field("service_id", &self.service_id)
            .field("method", &self.method)
            .field("path", &self.path)
            .field("body_len", &self.body.len())
            .finish_non_exhaustive()
    }
}

/// An in-memory log of requests, with an optional directory that gets one
/// file per request body.
#[derive(Debug, Default)]
pub(crate) struct Recorder {
    requests: Mutex<Vec<RecordedRequest>>,
    dir: Option<PathBuf>,
}

impl Recorder {
    pub(crate) fn new(dir: Option<PathBuf>) -> Self {
        Recorder {
            requests: Mutex::new(Vec::new()),
            dir,
        }
    }

    /// Keeps a request; returns its sequence number (from 1).
    pub(crate) fn push(&self, request: RecordedRequest) -> usize {
        let mut requests = lock(&self.requests);
        requests.push(request);
        let seq = requests.len();
        if let Some(dir) = &self.dir {
            let last = &requests[seq - 1];
            let file = dir.join(format!("{seq:05}-{}.json", last.service_id));
            // A failed write must not fail the request the test is making;
            // it is reported through tracing, without the body.
            if let Err(error) = std::fs::write(&file, &last.body) {
                tracing::warn!(path = %file.display(), %error, "sandbox could not record a request body");
            }
        }
        seq
    }

    pub(crate) fn all(&self) -> Vec<RecordedRequest> {
        lock(&self.requests).clone()
    }

    pub(crate) fn clear(&self) {
        lock(&self.requests).clear();
    }
}
