//! The crate's one error type.
//!
//! Every message is safe to log: it never holds a response body, a token,
//! a query string or a PHI value. What ClickUp said in its `err` field is
//! kept, but only behind [`Error::api_message`], because ClickUp may echo
//! input there.

use std::time::Duration;

use phiguard_phi::{EgressError, PhiCategory};
use phiguard_vendors::Refusal;

/// What went wrong talking to ClickUp, or preparing to.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// ClickUp answered with an error status and a JSON `{"err", "ECODE"}`
    /// body (or a 2xx carrying an `err` key).
    #[error("clickup answered {status} on {route}{}", ecode_suffix(.ecode))]
    Api {
        /// HTTP status.
        status: u16,
        /// The route template, e.g. `/v2/task/{task_id}`.
        route: &'static str,
        /// ClickUp's `ECODE`, e.g. `OAUTH_019` or `FIELD_011`.
        ecode: Option<String>,
        /// ClickUp's `err` text. Shown by neither Display nor Debug: ClickUp
        /// may echo input in it.
        message: Option<ApiMessage>,
    },

    /// ClickUp answered 429 and the retry budget for rate limits ran out.
    #[error("clickup rate limit hit on {route}; window resets in {reset_in:?}")]
    RateLimited {
        /// The route template.
        route: &'static str,
        /// Time left until `X-RateLimit-Reset`, when the header was present.
        reset_in: Option<Duration>,
    },

    /// An error status with a body that is not ClickUp's JSON error shape
    /// (an HTML page from a proxy, an empty body, plain text).
    #[error("clickup answered {status} on {route} with a {body} body instead of a json error")]
    UnexpectedBody {
        /// HTTP status.
        status: u16,
        /// The route template.
        route: &'static str,
        /// What the body looked like.
        body: BodyKind,
    },

    /// A 2xx body that does not match the model.
    ///
    /// Only the JSON path, line and column are kept; serde's message is
    /// dropped because it can quote the offending value.
    #[error(
        "clickup response on {route} did not match the model at `{path}` ({kind} at line {line}, column {column})"
    )]
    Decode {
        /// The route template.
        route: &'static str,
        /// JSON path of the failure, e.g. `tasks[3].custom_fields[0]`.
        path: String,
        /// `syntax`, `data` or `eof` (a truncated body).
        kind: &'static str,
        /// Line in the body.
        line: usize,
        /// Column in the body.
        column: usize,
    },

    /// No answer within the configured timeout, after every retry.
    #[error("clickup request on {route} timed out")]
    Timeout {
        /// The route template.
        route: &'static str,
    },

    /// Connection, TLS or protocol failure, after every retry.
    #[error("clickup request on {route} failed in transport")]
    Transport {
        /// The route template.
        route: &'static str,
        /// The underlying error, stripped of its URL.
        #[source]
        source: reqwest::Error,
    },

    /// The base URL's host is not declared by the vendor registry for the
    /// ClickUp service (or belongs to another service).
    #[error(
        "host `{host}` is not declared for the clickup service `{service}` in the vendor registry"
    )]
    HostNotAllowed {
        /// The host (and port when not the default).
        host: String,
        /// The service id the client writes to.
        service: String,
    },

    /// Writing PHI to ClickUp was refused by the vendor registry: nothing
    /// was sent.
    #[error("writing phi to clickup refused before sending")]
    Refused(#[source] Refusal),

    /// The client has no way to obtain ClickUp's clearance (built in test
    /// mode without one) and the body holds PHI: nothing was sent.
    #[error("request body holds phi ({categories}) and the client has no clearance source")]
    NoClearanceSource {
        /// The categories the body carried, as snake_case names.
        categories: String,
    },

    /// Serializing a request body failed, for example a PHI value outside
    /// ClickUp's clearance. Nothing was sent.
    #[error("request body for {route} could not be serialized")]
    Egress {
        /// The route template.
        route: &'static str,
        /// Names the category and sink, never the value.
        #[source]
        source: EgressError,
    },

    /// The client configuration is not usable.
    #[error("invalid client configuration: {0}")]
    Config(&'static str),

    /// The PHI labelling schema could not be loaded.
    #[error("invalid phi labelling schema")]
    Labels(#[source] crate::labels::LabelError),

    /// A webhook delivery failed its signature check.
    #[error("webhook signature does not match the body")]
    BadSignature,

    /// A webhook delivery was seen before (same webhook, event and history
    /// items).
    #[error("duplicate webhook delivery")]
    DuplicateDelivery,
}

/// ClickUp's `err` text, withheld from Debug because ClickUp may echo
/// request values in it. Read it with [`ApiMessage::as_str`].
#[derive(Clone, PartialEq, Eq)]
pub struct ApiMessage(String);

impl ApiMessage {
    pub(crate) fn new(text: String) -> Self {
        ApiMessage(text)
    }

    /// The text ClickUp sent. Review before logging it.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for ApiMessage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ApiMessage(withheld)")
    }
}

/// What a non-JSON error body looked like.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum BodyKind {
    /// No bytes at all.
    Empty,
    /// An HTML page.
    Html,
    /// Something else that is not ClickUp's JSON error.
    Other,
}

impl std::fmt::Display for BodyKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            BodyKind::Empty => "empty",
            BodyKind::Html => "html",
            BodyKind::Other => "non-json",
        })
    }
}

fn ecode_suffix(ecode: &Option<String>) -> String {
    match ecode {
        Some(code) => format!(" ({code})"),
        None => String::new(),
    }
}

impl Error {
    /// ClickUp's `ECODE`, when it sent one.
    pub fn ecode(&self) -> Option<&str> {
        match self {
            Error::Api { ecode, .. } => ecode.as_deref(),
            _ => None,
        }
    }

    /// ClickUp's `err` text, when it sent one.
    ///
    /// Kept out of Display on purpose: ClickUp may echo request values in
    /// it. Review before logging.
    pub fn api_message(&self) -> Option<&str> {
        match self {
            Error::Api { message, .. } => message.as_ref().map(ApiMessage::as_str),
            _ => None,
        }
    }

    /// The HTTP status, when ClickUp answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api { status, .. } | Error::UnexpectedBody { status, .. } => Some(*status),
            Error::RateLimited { .. } => Some(429),
            _ => None,
        }
    }

    /// True for a 429 that outlasted the retry budget.
    pub fn is_rate_limited(&self) -> bool {
        matches!(self, Error::RateLimited { .. })
    }

    /// True when the token is missing, revoked or not authorized for the
    /// workspace (401, or an `OAUTH_*` code): re-authorize.
    pub fn is_auth(&self) -> bool {
        self.status() == Some(401) || self.ecode().is_some_and(|code| code.starts_with("OAUTH_"))
    }

    /// True when ClickUp said the thing does not exist (404).
    pub fn is_not_found(&self) -> bool {
        self.status() == Some(404)
    }

    /// True for a timeout after every retry.
    pub fn is_timeout(&self) -> bool {
        matches!(self, Error::Timeout { .. })
    }

    /// True when the response body did not match the model.
    pub fn is_decode(&self) -> bool {
        matches!(self, Error::Decode { .. })
    }

    /// True when PHI was kept from ClickUp because no clearance covered it.
    pub fn is_refused(&self) -> bool {
        matches!(
            self,
            Error::Refused(_) | Error::NoClearanceSource { .. } | Error::Egress { .. }
        )
    }

    /// The registry's refusal, when writing PHI was refused.
    pub fn refusal(&self) -> Option<&Refusal> {
        match self {
            Error::Refused(refusal) => Some(refusal),
            _ => None,
        }
    }

    /// True for errors worth retrying for an idempotent request.
    pub(crate) fn is_transient(&self) -> bool {
        match self {
            Error::Timeout { .. } | Error::Transport { .. } => true,
            Error::Api { status, .. } | Error::UnexpectedBody { status, .. } => *status >= 500,
            _ => false,
        }
    }
}

/// Names of a category set, for messages.
pub(crate) fn category_names(categories: phiguard_phi::CategorySet) -> String {
    categories
        .iter()
        .map(PhiCategory::name)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Turns a serde_path_to_error failure into [`Error::Decode`], dropping
/// serde's message.
pub(crate) fn decode_error(
    route: &'static str,
    error: serde_path_to_error::Error<serde_json::Error>,
) -> Error {
    let path = error.path().to_string();
    let inner = error.into_inner();
    let kind = match inner.classify() {
        serde_json::error::Category::Io => "io",
        serde_json::error::Category::Syntax => "syntax",
        serde_json::error::Category::Data => "data",
        serde_json::error::Category::Eof => "eof",
    };
    Error::Decode {
        route,
        path,
        kind,
        line: inner.line(),
        column: inner.column(),
    }
}

/// Parses JSON into `T` with a path-carrying, value-free error.
pub(crate) fn decode<T: serde::de::DeserializeOwned>(
    route: &'static str,
    body: &[u8],
) -> Result<T, Error> {
    // Fast path: the model alone. Paths are tracked only to explain a
    // failure, on a second pass.
    if let Ok(value) = serde_json::from_slice(body) {
        return Ok(value);
    }
    let mut de = serde_json::Deserializer::from_slice(body);
    let value: T = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let mut error = decode_error(route, e);
        // PHI fields turn every inner failure into a value-free "data"
        // error; a second, model-free pass tells broken JSON (syntax, a
        // truncated body) apart from a shape mismatch.
        if let Err(raw) = serde_json::from_slice::<serde::de::IgnoredAny>(body)
            && let Error::Decode {
                kind, line, column, ..
            } = &mut error
        {
            *kind = match raw.classify() {
                serde_json::error::Category::Eof => "eof",
                serde_json::error::Category::Syntax => "syntax",
                serde_json::error::Category::Io => "io",
                serde_json::error::Category::Data => "data",
            };
            *line = raw.line();
            *column = raw.column();
        }
        error
    })?;
    de.end().map_err(|inner| Error::Decode {
        route,
        path: String::from("."),
        kind: "syntax",
        line: inner.line(),
        column: inner.column(),
    })?;
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_and_client_are_thread_safe() {
        fn send_sync<T: Send + Sync + 'static>() {}
        send_sync::<Error>();
        send_sync::<crate::ClickUpClient>();
    }

    #[test]
    fn decode_error_does_not_quote_values() {
        #[derive(serde::Deserialize, Debug)]
        struct Probe {
            #[allow(dead_code)]
            n: u32,
        }
        let err = decode::<Probe>("/v2/x", br#"{"n": "Zelda Quarantine"}"#).unwrap_err();
        let shown = format!("{err} {err:?}");
        assert!(!shown.contains("Zelda"), "{shown}");
        assert!(shown.contains("`n`"), "{shown}");
    }

    #[test]
    fn api_error_display_hides_message() {
        let err = Error::Api {
            status: 400,
            route: "/v2/task/{task_id}/field/{field_id}",
            ecode: Some("FIELD_011".into()),
            message: Some(ApiMessage::new("value Jane Roe is not an option".into())),
        };
        let shown = format!("{err} {err:?}");
        assert!(shown.contains("FIELD_011"), "{shown}");
        assert!(!shown.contains("Jane"), "{shown}");
        assert_eq!(err.api_message(), Some("value Jane Roe is not an option"));
    }
}
