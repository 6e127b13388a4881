//! The fake ClickUp API v2: one wiremock responder in front of a stateful
//! store, with ClickUp's token check, per-token rate limit and the fault
//! switches.
//!
//! wiremock is used as the HTTP server and a single catch-all mock hands
//! every request to [`ClickUpResponder`], which routes by itself: ClickUp's
//! paths nest deeply and share prefixes, and one router over one store
//! keeps every operation consistent with the others.

pub(crate) mod render;
pub(crate) mod routes;
pub(crate) mod state;

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use wiremock::{Request, Respond, ResponseTemplate};

use crate::faults::{Fault, FaultInjector, PROXY_PAGE, truncate_json};
use crate::record::{RecordedRequest, Recorder};
use routes::{ApiRequest, Reply};
use state::Store;

/// Locks a mutex, carrying on with the data if a panicking thread
/// poisoned it: the fake must keep answering so a test sees the failure
/// it is about, not a cascade.
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// A fixed window of requests per token, the way ClickUp counts them.
#[derive(Debug)]
pub(crate) struct RateLimiter {
    pub(crate) limit: u32,
    pub(crate) window: Duration,
    windows: HashMap<String, (Instant, u64, u32)>,
}

/// The rate-limit headers of one answer, and whether the request may pass.
pub(crate) struct RateDecision {
    allowed: bool,
    limit: u32,
    remaining: u32,
    reset_unix: u64,
}

impl RateLimiter {
    pub(crate) fn new(limit: u32, window: Duration) -> Self {
        RateLimiter {
            limit,
            window,
            windows: HashMap::new(),
        }
    }

    pub(crate) fn check(&mut self, token: &str) -> RateDecision {
        let now = Instant::now();
        let now_unix = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let window = self.window;
        let entry = self.windows.entry(token.to_owned()).or_insert((
            now,
            now_unix + window.as_secs().max(1),
            0,
        ));
        if now.duration_since(entry.0) >= window {
            *entry = (now, now_unix + window.as_secs().max(1), 0);
        }
        let allowed = entry.2 < self.limit;
        if allowed {
            entry.2 += 1;
        }
        RateDecision {
            allowed,
            limit: self.limit,
            remaining: self.limit - entry.2,
            reset_unix: entry.1,
        }
    }
}

/// State shared by the responder and the [`crate::Sandbox`] handle.
#[derive(Debug)]
pub(crate) struct ClickUpShared {
    pub(crate) store: Mutex<Store>,
    pub(crate) limiter: Mutex<RateLimiter>,
    pub(crate) faults: Mutex<FaultInjector>,
    pub(crate) token: String,
    pub(crate) recorder: Recorder,
}

/// The wiremock responder of the fake ClickUp.
pub(crate) struct ClickUpResponder(pub(crate) Arc<ClickUpShared>);

impl Respond for ClickUpResponder {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let shared = &self.0;
        shared
            .recorder
            .push(RecordedRequest::from_wiremock(request, "clickup-api-v2"));
        let latency = lock(&shared.faults).faults.latency;
        let template = answer(shared, request);
        if latency.is_zero() {
            template
        } else {
            template.set_delay(latency)
        }
    }
}

fn reply_template(reply: Reply) -> ResponseTemplate {
    match reply {
        Reply::Json(status, body) => {
            let bytes = serde_json::to_vec(&body).unwrap_or_else(|_| b"{}".to_vec());
            ResponseTemplate::new(status).set_body_raw(bytes, "application/json")
        }
        Reply::Html(status, page) => {
            ResponseTemplate::new(status).set_body_raw(page.into_bytes(), "text/html")
        }
    }
}

fn answer(shared: &ClickUpShared, request: &Request) -> ResponseTemplate {
    let Some(rest) = api_path(request.url.path()) else {
        return reply_template(Reply::Html(
            404,
            "<html><body>Not Found</body></html>".into(),
        ));
    };

    let token = request
        .headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .map(|v| v.strip_prefix("Bearer ").unwrap_or(v).trim().to_owned());
    let token = match token {
        None => {
            return reply_template(routes::error(
                401,
                "Authorization header required",
                "OAUTH_017",
            ));
        }
        Some(t) if t != shared.token => {
            return reply_template(routes::error(401, "Oauth token not found", "OAUTH_019"));
        }
        Some(t) => t,
    };

    let rate = lock(&shared.limiter).check(&token);
    let with_rate = |t: ResponseTemplate| {
        t.insert_header("X-RateLimit-Limit", rate.limit.to_string().as_str())
            .insert_header("X-RateLimit-Remaining", rate.remaining.to_string().as_str())
            .insert_header("X-RateLimit-Reset", rate.reset_unix.to_string().as_str())
    };
    if !rate.allowed {
        return with_rate(reply_template(routes::error(
            429,
            "Rate limit reached",
            "APP_002",
        )));
    }

    let fault = lock(&shared.faults).draw();
    match fault {
        Some(Fault::ServerError(status)) => {
            return with_rate(reply_template(routes::error(
                status,
                "Internal server error",
                "SERVER_001",
            )));
        }
        Some(Fault::HtmlPage) => {
            return with_rate(ResponseTemplate::new(200).set_body_raw(PROXY_PAGE, "text/html"));
        }
        Some(Fault::TruncatedJson) | None => {}
    }

    let segments: Vec<String> = rest
        .split('/')
        .filter(|s| !s.is_empty())
        .map(|s| {
            percent_encoding::percent_decode_str(s)
                .decode_utf8_lossy()
                .into_owned()
        })
        .collect();
    let query: Vec<(String, String)> = request
        .url
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let api_request = ApiRequest {
        method: request.method.as_str(),
        segments,
        query,
        body: &request.body,
    };

    if fault == Some(Fault::TruncatedJson) {
        // Render what a read would have shown, without running a write.
        let reply = if api_request.method == "GET" {
            lock(&shared.store).route(&api_request)
        } else {
            Reply::Json(200, serde_json::json!({"id": "0", "status": "pending"}))
        };
        let body = match reply {
            Reply::Json(_, v) => serde_json::to_vec(&v).unwrap_or_default(),
            Reply::Html(_, page) => page.into_bytes(),
        };
        return with_rate(
            ResponseTemplate::new(200).set_body_raw(truncate_json(&body), "application/json"),
        );
    }

    let reply = lock(&shared.store).route(&api_request);
    with_rate(reply_template(reply))
}

/// The part of a path after `/api/v2` (or `/v2`), if it is an API path.
fn api_path(path: &str) -> Option<&str> {
    let rest = path.strip_prefix("/api").unwrap_or(path);
    let rest = rest.strip_prefix("/v2")?;
    (rest.is_empty() || rest.starts_with('/')).then_some(rest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_paths_are_recognised_with_or_without_the_api_prefix() {
        assert_eq!(api_path("/api/v2/team"), Some("/team"));
        assert_eq!(api_path("/v2/task/abc"), Some("/task/abc"));
        assert_eq!(api_path("/api/v3/workspaces"), None);
        assert_eq!(api_path("/api/v20/team"), None);
    }

    #[test]
    fn limiter_counts_per_token_and_refuses_past_the_budget() {
        let mut limiter = RateLimiter::new(2, Duration::from_secs(60));
        let first = limiter.check("a");
        assert!(first.allowed);
        assert_eq!(first.remaining, 1);
        assert!(limiter.check("a").allowed);
        let third = limiter.check("a");
        assert!(!third.allowed);
        assert_eq!(third.remaining, 0);
        assert!(
            limiter.check("b").allowed,
            "another token has its own budget"
        );
    }

    #[test]
    fn limiter_window_resets() {
        let mut limiter = RateLimiter::new(1, Duration::from_millis(30));
        assert!(limiter.check("a").allowed);
        assert!(!limiter.check("a").allowed);
        std::thread::sleep(Duration::from_millis(40));
        assert!(limiter.check("a").allowed);
    }
}
