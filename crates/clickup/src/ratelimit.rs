//! Pacing requests per token from ClickUp's rate-limit headers.
//!
//! ClickUp allows a number of requests per minute per token and reports
//! the budget on responses: `X-RateLimit-Limit`, `X-RateLimit-Remaining`
//! and `X-RateLimit-Reset` (a Unix time in seconds). The limiter waits
//! before a request when the budget is spent, spreads the last few
//! requests over what is left of the window, and after a 429 holds every
//! request on that token until the reset.
//!
//! [`RateLimiter`] is a trait so several processes sharing one token can
//! plug in a shared store; [`LocalRateLimiter`] is the in-process default,
//! shared by every clone of a client. It follows ClickUp's own window
//! rather than a fixed quota, which is why it is not built on `governor`
//! (a GCRA limiter needs the quota up front and drifts from the server's
//! window).
//!
//! Known limit: the local limiter only knows what this process saw. Other
//! processes on the same token spend the same budget unseen until the
//! next response's headers; plug in a shared backend for that.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use async_trait::async_trait;

/// What a response said about the token's budget.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct RateLimitSnapshot {
    /// Requests allowed per window.
    pub limit: Option<u64>,
    /// Requests left in the window.
    pub remaining: Option<u64>,
    /// When the window resets, Unix seconds.
    pub reset_at: Option<u64>,
}

impl RateLimitSnapshot {
    /// Reads the three headers; missing or malformed ones are `None`.
    pub fn from_headers(headers: &reqwest::header::HeaderMap) -> Self {
        let read = |name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().parse().ok())
        };
        RateLimitSnapshot {
            limit: read("x-ratelimit-limit"),
            remaining: read("x-ratelimit-remaining"),
            reset_at: read("x-ratelimit-reset"),
        }
    }

    /// True when at least one header was present.
    pub fn is_known(&self) -> bool {
        self.limit.is_some() || self.remaining.is_some() || self.reset_at.is_some()
    }
}

/// Decides how long a request on a token must wait.
///
/// `key` identifies the token's budget (see
/// [`crate::Credentials::budget_key`]), never the token itself.
#[async_trait]
pub trait RateLimiter: Send + Sync + std::fmt::Debug {
    /// How long to wait before sending a request on `key`.
    async fn delay(&self, key: &str) -> Duration;

    /// Records what a response said about the budget.
    async fn observe(&self, key: &str, snapshot: RateLimitSnapshot);

    /// Records a 429; returns how long to wait before trying again.
    async fn rate_limited(&self, key: &str, snapshot: RateLimitSnapshot) -> Duration;
}

/// Now as Unix seconds (fractional).
fn now_secs() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs_f64())
        .unwrap_or(0.0)
}

#[derive(Debug, Clone, Copy, Default)]
struct Budget {
    remaining: Option<u64>,
    reset_at: Option<u64>,
    /// Requests sent since the last observation, so concurrent callers do
    /// not all spend the same last unit.
    in_flight: u64,
    /// Hold everything until this Unix second (after a 429).
    blocked_until: Option<f64>,
}

/// In-process limiter: one budget per token key, behind a mutex.
#[derive(Debug)]
pub struct LocalRateLimiter {
    budgets: Mutex<HashMap<String, Budget>>,
    /// Below this many remaining requests, spread them over the window.
    pace_below: u64,
    /// Added to the reset time: ClickUp's clock and ours differ a little.
    slack: Duration,
    /// Longest single wait, so a bogus reset header cannot park a caller.
    max_wait: Duration,
}

impl Default for LocalRateLimiter {
    fn default() -> Self {
        LocalRateLimiter {
            budgets: Mutex::new(HashMap::new()),
            pace_below: 5,
            slack: Duration::from_millis(250),
            max_wait: Duration::from_secs(75),
        }
    }
}

impl LocalRateLimiter {
    /// A limiter with the default pacing.
    pub fn new() -> Self {
        LocalRateLimiter::default()
    }

    /// Longest wait allowed for one request (default 75 s).
    pub fn max_wait(mut self, max: Duration) -> Self {
        self.max_wait = max;
        self
    }

    /// Extra wait after the reset time (default 250 ms).
    pub fn slack(mut self, slack: Duration) -> Self {
        self.slack = slack;
        self
    }

    fn wait_until(&self, until: f64, now: f64) -> Duration {
        let secs = (until - now).max(0.0);
        Duration::from_secs_f64(secs)
            .saturating_add(self.slack)
            .min(self.max_wait)
    }
}

#[async_trait]
impl RateLimiter for LocalRateLimiter {
    async fn delay(&self, key: &str) -> Duration {
        let now = now_secs();
        let mut budgets = self.budgets.lock().unwrap_or_else(|e| e.into_inner());
        let budget = budgets.entry(key.to_owned()).or_default();

        if let Some(until) = budget.blocked_until {
            if until > now {
                return self.wait_until(until, now);
            }
            budget.blocked_until = None;
        }

        let (Some(remaining), Some(reset_at)) = (budget.remaining, budget.reset_at) else {
            budget.in_flight += 1;
            return Duration::ZERO;
        };
        let reset = reset_at as f64;
        if reset <= now {
            // The window has rolled over; the next response will tell.
            budget.remaining = None;
            budget.in_flight = 1;
            return Duration::ZERO;
        }
        let left = remaining.saturating_sub(budget.in_flight);
        budget.in_flight += 1;
        if left == 0 {
            return self.wait_until(reset, now);
        }
        if left < self.pace_below {
            // Spread the last requests so a burst does not end in a 429.
            let spacing = (reset - now) / (left as f64 + 1.0);
            return Duration::from_secs_f64(spacing).min(self.max_wait);
        }
        Duration::ZERO
    }

    async fn observe(&self, key: &str, snapshot: RateLimitSnapshot) {
        if !snapshot.is_known() {
            return;
        }
        let mut budgets = self.budgets.lock().unwrap_or_else(|e| e.into_inner());
        let budget = budgets.entry(key.to_owned()).or_default();
        if snapshot.remaining.is_some() {
            budget.remaining = snapshot.remaining;
            budget.in_flight = 0;
        }
        if snapshot.reset_at.is_some() {
            budget.reset_at = snapshot.reset_at;
        }
    }

    async fn rate_limited(&self, key: &str, snapshot: RateLimitSnapshot) -> Duration {
        let now = now_secs();
        let mut budgets = self.budgets.lock().unwrap_or_else(|e| e.into_inner());
        let budget = budgets.entry(key.to_owned()).or_default();
        // Without a reset header, assume the rest of a one-minute window.
        let until = snapshot.reset_at.map(|r| r as f64).unwrap_or(now + 60.0);
        budget.blocked_until = Some(until);
        budget.remaining = Some(0);
        budget.reset_at = Some(until.ceil() as u64);
        budget.in_flight = 0;
        self.wait_until(until, now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snapshot(remaining: u64, reset_in: u64) -> RateLimitSnapshot {
        RateLimitSnapshot {
            limit: Some(100),
            remaining: Some(remaining),
            reset_at: Some(now_secs() as u64 + reset_in),
        }
    }

    #[tokio::test]
    async fn no_wait_with_budget_left() {
        let limiter = LocalRateLimiter::new();
        limiter.observe("k", snapshot(50, 30)).await;
        assert_eq!(limiter.delay("k").await, Duration::ZERO);
    }

    #[tokio::test]
    async fn waits_for_reset_when_spent() {
        let limiter = LocalRateLimiter::new();
        limiter.observe("k", snapshot(0, 20)).await;
        let wait = limiter.delay("k").await;
        assert!(wait >= Duration::from_secs(18), "{wait:?}");
        // Another token is unaffected.
        assert_eq!(limiter.delay("other").await, Duration::ZERO);
    }

    #[tokio::test]
    async fn paces_the_last_few() {
        let limiter = LocalRateLimiter::new();
        limiter.observe("k", snapshot(3, 40)).await;
        let wait = limiter.delay("k").await;
        assert!(
            wait > Duration::from_secs(5) && wait < Duration::from_secs(15),
            "{wait:?}"
        );
    }

    #[tokio::test]
    async fn blocks_after_429_until_reset() {
        let limiter = LocalRateLimiter::new();
        let wait = limiter.rate_limited("k", snapshot(0, 10)).await;
        assert!(wait >= Duration::from_secs(8), "{wait:?}");
        assert!(limiter.delay("k").await >= Duration::from_secs(8));
    }
}
