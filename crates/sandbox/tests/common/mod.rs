//! Helpers shared by the sandbox's integration tests.

#![allow(dead_code, unreachable_pub)]

use phiguard_sandbox::{Sandbox, SandboxConfig};
use reqwest::{Method, StatusCode};
use serde_json::Value;

/// A raw HTTP client aimed at one sandbox's fake ClickUp.
pub struct Api<'a> {
    pub sandbox: &'a Sandbox,
    pub http: reqwest::Client,
}

/// A response reduced to what the tests look at.
pub struct Answer {
    pub status: StatusCode,
    pub headers: reqwest::header::HeaderMap,
    pub text: String,
}

impl Answer {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or_else(|_| {
            panic!(
                "status {} with a body that is not JSON ({} bytes)",
                self.status,
                self.text.len()
            )
        })
    }

    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    }
}

impl<'a> Api<'a> {
    pub fn new(sandbox: &'a Sandbox) -> Self {
        Api {
            sandbox,
            http: reqwest::Client::new(),
        }
    }

    pub async fn call(&self, method: Method, path: &str, body: Option<Value>) -> Answer {
        self.call_with_token(method, path, body, Some(self.sandbox.clickup_token()))
            .await
    }

    pub async fn call_with_token(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
        token: Option<&str>,
    ) -> Answer {
        let url = format!("{}/v2{path}", self.sandbox.clickup_base_url());
        let mut request = self.http.request(method, url);
        if let Some(token) = token {
            request = request.header("Authorization", token);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.expect("the sandbox answers");
        let status = response.status();
        let headers = response.headers().clone();
        let text = response.text().await.expect("a body");
        Answer {
            status,
            headers,
            text,
        }
    }

    pub async fn get(&self, path: &str) -> Value {
        let answer = self.call(Method::GET, path, None).await;
        assert_eq!(answer.status, StatusCode::OK, "GET {path}: {}", answer.text);
        answer.json()
    }

    pub async fn post(&self, path: &str, body: Value) -> Value {
        let answer = self.call(Method::POST, path, Some(body)).await;
        assert_eq!(
            answer.status,
            StatusCode::OK,
            "POST {path}: {}",
            answer.text
        );
        answer.json()
    }

    pub async fn put(&self, path: &str, body: Value) -> Value {
        let answer = self.call(Method::PUT, path, Some(body)).await;
        assert_eq!(answer.status, StatusCode::OK, "PUT {path}: {}", answer.text);
        answer.json()
    }

    pub async fn delete(&self, path: &str) -> Answer {
        self.call(Method::DELETE, path, None).await
    }
}

pub async fn start(config: SandboxConfig) -> Sandbox {
    Sandbox::start(config).await.expect("the sandbox starts")
}

pub async fn start_default() -> Sandbox {
    start(SandboxConfig::default()).await
}
