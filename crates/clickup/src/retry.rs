//! When and how often to try a request again.
//!
//! Transient failures (5xx, timeouts, connection errors) are retried with
//! exponential backoff and jitter, for idempotent methods only; POST is
//! retried only when the caller opts in, since ClickUp has no idempotency
//! keys and a retried create can create twice. 429s are handled apart: the
//! request waits for the rate-limit reset, up to `max_rate_limit_waits`
//! times.

use std::time::Duration;

use backon::{BackoffBuilder, ExponentialBuilder};

/// Retry settings. The default: 3 retries, 200 ms doubling to 5 s with
/// jitter, POST not retried, up to 3 waits for a rate-limit reset.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct RetryPolicy {
    /// Retries after the first attempt for transient failures.
    pub max_retries: usize,
    /// First backoff delay.
    pub min_delay: Duration,
    /// Longest backoff delay.
    pub max_delay: Duration,
    /// Retry POST requests too.
    pub retry_post: bool,
    /// How many 429s a request may wait out before failing.
    pub max_rate_limit_waits: usize,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 3,
            min_delay: Duration::from_millis(200),
            max_delay: Duration::from_secs(5),
            retry_post: false,
            max_rate_limit_waits: 3,
        }
    }
}

impl RetryPolicy {
    /// Never retry transient failures (429s are still waited out).
    pub fn none() -> Self {
        RetryPolicy {
            max_retries: 0,
            ..RetryPolicy::default()
        }
    }

    /// Sets the number of retries.
    pub fn max_retries(mut self, n: usize) -> Self {
        self.max_retries = n;
        self
    }

    /// Sets the backoff bounds.
    pub fn delays(mut self, min: Duration, max: Duration) -> Self {
        self.min_delay = min;
        self.max_delay = max;
        self
    }

    /// Retries POST too. Only for operations that are safe to repeat.
    pub fn retry_post(mut self, on: bool) -> Self {
        self.retry_post = on;
        self
    }

    /// Sets how many rate-limit resets a request may wait out.
    pub fn max_rate_limit_waits(mut self, n: usize) -> Self {
        self.max_rate_limit_waits = n;
        self
    }

    /// Whether a method may be retried.
    pub(crate) fn allows(&self, method: &reqwest::Method) -> bool {
        match *method {
            reqwest::Method::GET
            | reqwest::Method::PUT
            | reqwest::Method::DELETE
            | reqwest::Method::HEAD
            | reqwest::Method::OPTIONS => true,
            reqwest::Method::POST => self.retry_post,
            _ => false,
        }
    }

    /// The backoff delays for one request.
    pub(crate) fn backoff(&self) -> impl Iterator<Item = Duration> + use<> {
        ExponentialBuilder::default()
            .with_min_delay(self.min_delay)
            .with_max_delay(self.max_delay)
            .with_max_times(self.max_retries)
            .with_jitter()
            .build()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn post_only_when_opted_in() {
        let policy = RetryPolicy::default();
        assert!(policy.allows(&reqwest::Method::GET));
        assert!(!policy.allows(&reqwest::Method::POST));
        assert!(policy.retry_post(true).allows(&reqwest::Method::POST));
    }

    #[test]
    fn backoff_is_bounded() {
        let policy = RetryPolicy::default().max_retries(4);
        let delays: Vec<_> = policy.backoff().collect();
        assert_eq!(delays.len(), 4);
        assert!(delays.iter().all(|d| *d <= Duration::from_secs(10)));
    }
}
