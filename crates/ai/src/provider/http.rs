//! The HTTP plumbing both providers share: client settings, bounded
//! retries that honour `Retry-After`, bounded body reads, and a streaming
//! reader that turns bytes into server-sent events.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, SystemTime};

use backon::{ExponentialBuilder, Retryable};
use bytes::Bytes;
use futures::StreamExt;
use reqwest::StatusCode;
use reqwest::header::{HeaderMap, RETRY_AFTER};

use crate::ProviderError;
use crate::chat::vendor_label;
use crate::sse::{SseDecoder, SseError, SseEvent};

/// How many times and how long to retry a call that met a 429, a 5xx or a
/// refused connection.
///
/// A `Retry-After` header wins over the computed backoff when it asks for
/// no more than [`max_retry_after`](RetryPolicy::max_retry_after); when it
/// asks for more, the call fails at once with
/// [`ProviderError::RateLimited`] rather than hang.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct RetryPolicy {
    /// Retries after the first attempt.
    pub max_retries: usize,
    /// First backoff delay.
    pub min_delay: Duration,
    /// Largest backoff delay.
    pub max_delay: Duration,
    /// Longest `Retry-After` the provider will wait for.
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 3,
            min_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(8),
            max_retry_after: Duration::from_secs(30),
        }
    }
}

impl RetryPolicy {
    /// No retries at all.
    pub fn none() -> Self {
        RetryPolicy {
            max_retries: 0,
            ..RetryPolicy::default()
        }
    }

    /// Sets the number of retries.
    pub fn with_max_retries(mut self, max_retries: usize) -> Self {
        self.max_retries = max_retries;
        self
    }

    /// Sets the backoff range.
    pub fn with_delays(mut self, min_delay: Duration, max_delay: Duration) -> Self {
        self.min_delay = min_delay;
        self.max_delay = max_delay;
        self
    }

    /// Sets the longest `Retry-After` honoured.
    pub fn with_max_retry_after(mut self, max_retry_after: Duration) -> Self {
        self.max_retry_after = max_retry_after;
        self
    }
}

/// Timeouts, size bounds and retries for a provider's HTTP calls.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct HttpSettings {
    /// Bound on connecting.
    pub connect_timeout: Duration,
    /// Bound on a whole non-streamed call, per attempt.
    pub request_timeout: Duration,
    /// Bound on silence between two chunks of a streamed answer.
    pub stream_idle_timeout: Duration,
    /// Largest answer accepted, in bytes (a whole JSON answer, or the sum
    /// of a stream's bytes).
    pub max_response_bytes: usize,
    /// Retry policy.
    pub retry: RetryPolicy,
}

impl Default for HttpSettings {
    fn default() -> Self {
        HttpSettings {
            connect_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(120),
            stream_idle_timeout: Duration::from_secs(60),
            max_response_bytes: 8 << 20,
            retry: RetryPolicy::default(),
        }
    }
}

impl HttpSettings {
    /// Sets the retry policy.
    pub fn with_retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// Sets the per-attempt timeout of non-streamed calls.
    pub fn with_request_timeout(mut self, timeout: Duration) -> Self {
        self.request_timeout = timeout;
        self
    }

    /// Sets the idle bound of streamed calls.
    pub fn with_stream_idle_timeout(mut self, timeout: Duration) -> Self {
        self.stream_idle_timeout = timeout;
        self
    }

    /// Sets the answer size bound.
    pub fn with_max_response_bytes(mut self, limit: usize) -> Self {
        self.max_response_bytes = limit;
        self
    }

    /// Builds the HTTP client. Proxies from the environment are ignored:
    /// an unlisted hop between the gateway and a vendor is a disclosure
    /// no agreement covers.
    pub(crate) fn client(&self) -> Result<reqwest::Client, ProviderError> {
        reqwest::Client::builder()
            .connect_timeout(self.connect_timeout)
            .no_proxy()
            .redirect(reqwest::redirect::Policy::none())
            .https_only(false)
            .build()
            .map_err(|_| ProviderError::Config("the HTTP client could not be built"))
    }
}

/// Parses `Retry-After`: delay-seconds or an HTTP date.
pub(crate) fn parse_retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(
        at.duration_since(SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}

/// Pulls an identifier-like error code out of a vendor error body: both
/// OpenAI (`{"error": {"type", "code"}}`) and Anthropic (`{"type":
/// "error", "error": {"type"}}`) shapes. The message is never read.
pub(crate) fn vendor_error_code(body: &[u8]) -> Option<String> {
    let value: serde_json::Value = serde_json::from_slice(body).ok()?;
    let error = value.get("error")?;
    ["code", "type"]
        .iter()
        .filter_map(|key| error.get(*key)?.as_str())
        .find_map(vendor_label)
}

/// What one attempt produced when it failed.
fn status_error(
    status: StatusCode,
    headers: &HeaderMap,
    body: &[u8],
    attempts: u32,
) -> ProviderError {
    if status == StatusCode::TOO_MANY_REQUESTS {
        return ProviderError::RateLimited {
            retry_after: parse_retry_after(headers),
            attempts,
        };
    }
    ProviderError::Status {
        status: status.as_u16(),
        vendor_code: vendor_error_code(body),
        retry_after: parse_retry_after(headers),
        attempts,
    }
}

/// Reads at most `limit` bytes of a body.
pub(crate) async fn read_bounded(
    response: reqwest::Response,
    limit: usize,
) -> Result<Vec<u8>, ProviderError> {
    let mut out = Vec::new();
    let mut stream = response.bytes_stream();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(ProviderError::transport)?;
        if out.len() + chunk.len() > limit {
            return Err(ProviderError::TooLarge { limit });
        }
        out.extend_from_slice(&chunk);
    }
    Ok(out)
}

/// Sends one POST, retrying per the policy, and returns the successful
/// response with the attempt count.
pub(crate) async fn send_with_retries(
    protocol: &'static str,
    host: &str,
    settings: &HttpSettings,
    build: impl Fn() -> reqwest::RequestBuilder,
    streaming: bool,
) -> Result<reqwest::Response, ProviderError> {
    let attempts = Arc::new(AtomicU32::new(0));
    let policy = &settings.retry;

    let attempt = || {
        let attempts = attempts.clone();
        let mut request = build();
        if !streaming {
            request = request.timeout(settings.request_timeout);
        }
        async move {
            let n = attempts.fetch_add(1, Ordering::Relaxed) + 1;
            let started = std::time::Instant::now();
            let sent = request.send().await;
            let latency_ms = started.elapsed().as_millis() as u64;
            let response = match sent {
                Ok(response) => response,
                Err(error) => {
                    let error = ProviderError::transport(error);
                    tracing::info!(protocol, host, attempt = n, latency_ms, error = %error, "vendor call");
                    return Err(error);
                }
            };
            let status = response.status();
            // Host and protocol only: the path may name a deployment and
            // the query is nobody's business in a log.
            tracing::info!(
                protocol,
                host,
                status = status.as_u16(),
                attempt = n,
                latency_ms,
                "vendor call"
            );
            if status.is_success() {
                return Ok(response);
            }
            let headers = response.headers().clone();
            // The body of an error is read only to find the vendor's code;
            // a few KiB are enough and an endless body must not hang us.
            let body = read_bounded(response, 64 << 10).await.unwrap_or_default();
            tracing::debug!(
                status = status.as_u16(),
                attempt = n,
                "vendor answered an error"
            );
            Err(status_error(status, &headers, &body, n))
        }
    };

    let backoff = ExponentialBuilder::default()
        .with_min_delay(policy.min_delay)
        .with_max_delay(policy.max_delay)
        .with_max_times(policy.max_retries)
        .with_jitter();
    let cap = policy.max_retry_after;

    attempt
        .retry(backoff)
        .sleep(tokio::time::sleep)
        .when(ProviderError::is_retryable)
        .adjust(move |error, backoff| {
            // `None` from the backoff means the retries are used up.
            let backoff = backoff?;
            let asked = match error {
                ProviderError::RateLimited { retry_after, .. }
                | ProviderError::Status { retry_after, .. } => *retry_after,
                _ => None,
            };
            match asked {
                Some(wait) if wait > cap => None,
                Some(wait) => Some(wait),
                None => Some(backoff),
            }
        })
        .await
}

/// Bytes in, events out: the state a streamed answer is read with.
pub(crate) struct EventReader {
    bytes: futures::stream::BoxStream<'static, reqwest::Result<Bytes>>,
    decoder: SseDecoder,
    ready: std::collections::VecDeque<SseEvent>,
    idle: Duration,
    limit: usize,
    seen: usize,
    ended: bool,
}

/// What the reader yields.
pub(crate) enum ReadEvent {
    /// A complete event.
    Event(SseEvent),
    /// The byte stream ended cleanly, on an event boundary.
    End,
}

/// What a protocol makes of one event.
pub(crate) enum Interpreted {
    /// Nothing to hand out (a ping, a start marker).
    Nothing,
    /// Hand this out and keep reading.
    Emit(crate::StreamEvent),
    /// Hand this out and stop: the vendor finished.
    Last(crate::StreamEvent),
}

/// Turns a streamed response into a [`ChatStream`](crate::ChatStream),
/// with `on_event` interpreting each event and `on_end` deciding whether
/// the end of the bytes was a proper finish or a cut.
pub(crate) fn sse_stream<S: Send + 'static>(
    reader: EventReader,
    state: S,
    on_event: fn(&mut S, SseEvent) -> Result<Interpreted, ProviderError>,
    on_end: fn(&mut S) -> Result<crate::StreamEvent, ProviderError>,
) -> crate::ChatStream {
    let stream = futures::stream::unfold(Some((reader, state)), move |current| async move {
        let (mut reader, mut state) = current?;
        loop {
            let event = match reader.next().await {
                Err(error) => return Some((Err(error), None)),
                Ok(ReadEvent::End) => return Some((on_end(&mut state), None)),
                Ok(ReadEvent::Event(event)) => event,
            };
            match on_event(&mut state, event) {
                Err(error) => return Some((Err(error), None)),
                Ok(Interpreted::Nothing) => continue,
                Ok(Interpreted::Emit(out)) => return Some((Ok(out), Some((reader, state)))),
                Ok(Interpreted::Last(out)) => return Some((Ok(out), None)),
            }
        }
    });
    Box::pin(stream)
}

/// Parses a provider's base URL (without a trailing slash) and refuses
/// plain HTTP except to the loopback interface (where the sandbox and
/// tests run fake vendors): PHI crosses networks under TLS only.
pub(crate) fn parse_base_url(base_url: &str) -> Result<url::Url, ProviderError> {
    let url = url::Url::parse(base_url.trim_end_matches('/'))
        .map_err(|_| ProviderError::Config("the base URL does not parse"))?;
    match url.scheme() {
        "https" => Ok(url),
        "http" => {
            let loopback = match url.host() {
                Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
                Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
                Some(url::Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
                None => false,
            };
            if loopback {
                Ok(url)
            } else {
                Err(ProviderError::Config(
                    "plain http is allowed to loopback hosts only",
                ))
            }
        }
        _ => Err(ProviderError::Config("the base URL must be https")),
    }
}

impl EventReader {
    pub(crate) fn new(response: reqwest::Response, settings: &HttpSettings) -> Self {
        EventReader {
            bytes: response.bytes_stream().boxed(),
            decoder: SseDecoder::new(1 << 20),
            ready: Default::default(),
            idle: settings.stream_idle_timeout,
            limit: settings.max_response_bytes,
            seen: 0,
            ended: false,
        }
    }

    pub(crate) async fn next(&mut self) -> Result<ReadEvent, ProviderError> {
        loop {
            if let Some(event) = self.ready.pop_front() {
                return Ok(ReadEvent::Event(event));
            }
            if self.ended {
                return Ok(ReadEvent::End);
            }
            let next = tokio::time::timeout(self.idle, self.bytes.next())
                .await
                .map_err(|_| ProviderError::StreamStalled(self.idle))?;
            match next {
                None => {
                    self.ended = true;
                    if self.decoder.has_partial() {
                        return Err(ProviderError::StreamInterrupted);
                    }
                }
                Some(Err(_)) => return Err(ProviderError::StreamInterrupted),
                Some(Ok(chunk)) => {
                    self.seen += chunk.len();
                    if self.seen > self.limit {
                        return Err(ProviderError::TooLarge { limit: self.limit });
                    }
                    let mut out = Vec::new();
                    self.decoder.push(&chunk, &mut out).map_err(|e| match e {
                        SseError::TooLarge => ProviderError::TooLarge { limit: 1 << 20 },
                        SseError::InvalidUtf8 => ProviderError::Decode {
                            what: "stream is not UTF-8",
                        },
                    })?;
                    self.ready.extend(out);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    #[test]
    fn retry_after_in_seconds_and_as_a_date() {
        let mut headers = HeaderMap::new();
        headers.insert(RETRY_AFTER, HeaderValue::from_static("7"));
        assert_eq!(parse_retry_after(&headers), Some(Duration::from_secs(7)));

        let later = SystemTime::now() + Duration::from_secs(120);
        let date = httpdate::fmt_http_date(later);
        headers.insert(RETRY_AFTER, HeaderValue::from_str(&date).unwrap());
        let wait = parse_retry_after(&headers).unwrap();
        assert!(
            wait > Duration::from_secs(100) && wait <= Duration::from_secs(120),
            "{wait:?}"
        );

        headers.insert(RETRY_AFTER, HeaderValue::from_static("soon"));
        assert_eq!(parse_retry_after(&headers), None);
    }

    #[test]
    fn vendor_codes_never_carry_messages() {
        let openai = br#"{"error":{"message":"Ada Quill MRN 123","type":"invalid_request_error","code":null}}"#;
        assert_eq!(
            vendor_error_code(openai).as_deref(),
            Some("invalid_request_error")
        );
        let anthropic = br#"{"type":"error","error":{"type":"overloaded_error","message":"x"}}"#;
        assert_eq!(
            vendor_error_code(anthropic).as_deref(),
            Some("overloaded_error")
        );
        let hostile = br#"{"error":{"type":"Patient Ada Quill has diabetes"}}"#;
        assert_eq!(vendor_error_code(hostile), None);
        assert_eq!(vendor_error_code(b"<html>502 Bad Gateway</html>"), None);
    }
}
