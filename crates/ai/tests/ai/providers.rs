//! The wire protocols on their own: retries, Retry-After, hostile
//! answers, Azure's URL and headers.

use std::time::Duration;

use phiguard_ai::{
    AiProvider, ChatMessage, ChatRequest, ChatRole, HttpSettings, OpenAiProvider, ProviderError,
    ResponseMode, RetryPolicy,
};
use phiguard_phi::{CategorySet, Phi, PhiCategory};
use phiguard_vendors::Clearance;
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::common::*;

fn request() -> ChatRequest {
    ChatRequest::new()
        .message(ChatMessage::text(ChatRole::System, "be brief"))
        .message(
            ChatMessage::new(ChatRole::User)
                .with_text("note:\n")
                .with_phi(Phi::new(DIAGNOSIS.into(), PhiCategory::Diagnosis)),
        )
}

fn clearance(categories: &[PhiCategory]) -> Clearance {
    let set: CategorySet = categories.iter().copied().collect();
    Clearance::for_tests("svc", "summarize", set)
}

fn ok_answer() -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(serde_json::json!({
        "choices": [{"message": {"content": "fine"}, "finish_reason": "stop"}]
    }))
}

fn provider(server: &MockServer, retry: RetryPolicy) -> OpenAiProvider {
    OpenAiProvider::openai("gpt-test")
        .base_url(format!("{}/v1", server.uri()))
        .api_key("sk-test-key")
        .settings(HttpSettings::default().with_retry(retry))
        .build()
        .unwrap()
}

fn fast_retries(n: usize) -> RetryPolicy {
    RetryPolicy::default()
        .with_max_retries(n)
        .with_delays(Duration::from_millis(1), Duration::from_millis(5))
}

#[tokio::test]
async fn encoding_refuses_uncovered_categories() {
    let server = MockServer::start().await;
    let provider = provider(&server, RetryPolicy::none());
    let refused = provider.encode(
        &request(),
        ResponseMode::Complete,
        clearance(&[PhiCategory::Name]).permit(),
    );
    let error = refused.unwrap_err();
    assert!(matches!(error, ProviderError::Encode(_)), "{error:?}");
    assert!(error.to_string().len() < 200);
    assert_no_phi(
        "encode error",
        &format!("{error} {error:?} {:?}", std::error::Error::source(&error)),
        ALL_PHI,
    );

    let body = provider
        .encode(
            &request(),
            ResponseMode::Complete,
            clearance(&[PhiCategory::Diagnosis]).permit(),
        )
        .unwrap();
    assert_eq!(body.sink(), "svc");
    assert!(String::from_utf8_lossy(body.as_bytes()).contains(DIAGNOSIS));
    assert_no_phi("body Debug", &format!("{body:?}"), ALL_PHI);
}

#[tokio::test]
async fn retries_429_and_503_after_the_time_they_ask_for() {
    for status in [429, 503] {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(status).insert_header("retry-after", "1"))
            .up_to_n_times(1)
            .with_priority(1)
            .mount(&server)
            .await;
        Mock::given(method("POST"))
            .respond_with(ok_answer())
            .mount(&server)
            .await;

        let provider = provider(&server, fast_retries(2));
        let permit = clearance(&[PhiCategory::Diagnosis]);
        let body = provider
            .encode(&request(), ResponseMode::Complete, permit.permit())
            .unwrap();
        let started = std::time::Instant::now();
        let answer = provider.complete(body).await.unwrap();
        // The backoff alone is a few milliseconds: only Retry-After
        // explains a wait of about a second.
        let waited = started.elapsed();
        assert!(waited >= Duration::from_millis(900), "{status}: {waited:?}");
        assert_eq!(answer.text.expose_phi(), "fine");
        assert_eq!(server.received_requests().await.unwrap().len(), 2);
    }
}

#[tokio::test]
async fn retries_5xx_within_the_bound_then_gives_up() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(503).set_body_string("<html>upstream busy</html>"))
        .mount(&server)
        .await;
    let provider = provider(&server, fast_retries(2));
    let body = provider
        .encode(
            &request(),
            ResponseMode::Complete,
            clearance(&[PhiCategory::Diagnosis]).permit(),
        )
        .unwrap();
    let error = provider.complete(body).await.unwrap_err();
    match &error {
        ProviderError::Status {
            status,
            vendor_code,
            attempts,
            ..
        } => {
            assert_eq!((*status, vendor_code.as_deref(), *attempts), (503, None, 3));
        }
        other => panic!("{other:?}"),
    }
    assert!(!error.to_string().contains("html"));
    assert_eq!(server.received_requests().await.unwrap().len(), 3);
}

#[tokio::test]
async fn a_retry_after_beyond_the_bound_fails_at_once() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "3600"))
        .mount(&server)
        .await;
    let provider = provider(&server, fast_retries(3));
    let body = provider
        .encode(
            &request(),
            ResponseMode::Complete,
            clearance(&[PhiCategory::Diagnosis]).permit(),
        )
        .unwrap();
    let error = provider.complete(body).await.unwrap_err();
    assert!(
        matches!(error, ProviderError::RateLimited { retry_after: Some(d), attempts: 1 } if d == Duration::from_secs(3600)),
        "{error:?}"
    );
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn client_errors_are_not_retried_and_never_quote_the_vendor() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(400).set_body_json(serde_json::json!({
            "error": {"message": format!("Invalid content near '{DIAGNOSIS}'"), "type": "invalid_request_error"}
        })))
        .mount(&server)
        .await;
    let provider = provider(&server, fast_retries(3));
    let body = provider
        .encode(
            &request(),
            ResponseMode::Complete,
            clearance(&[PhiCategory::Diagnosis]).permit(),
        )
        .unwrap();
    let error = provider.complete(body).await.unwrap_err();
    assert!(
        matches!(&error, ProviderError::Status { status: 400, vendor_code: Some(c), .. } if c == "invalid_request_error")
    );
    assert_no_phi("error", &format!("{error} {error:?}"), ALL_PHI);
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn malformed_and_oversized_answers_are_typed_errors() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(200).set_body_string(format!("{{\"choices\": [\"{DIAGNOSIS}\"")),
        )
        .mount(&server)
        .await;
    let provider = provider(&server, RetryPolicy::none());
    let body = provider
        .encode(
            &request(),
            ResponseMode::Complete,
            clearance(&[PhiCategory::Diagnosis]).permit(),
        )
        .unwrap();
    let error = provider.complete(body).await.unwrap_err();
    assert!(matches!(error, ProviderError::Decode { .. }), "{error:?}");
    assert_no_phi("error", &format!("{error} {error:?}"), ALL_PHI);

    let big = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_string("x".repeat(4096)))
        .mount(&big)
        .await;
    let small = OpenAiProvider::openai("gpt-test")
        .base_url(format!("{}/v1", big.uri()))
        .api_key("k")
        .settings(
            HttpSettings::default()
                .with_max_response_bytes(1024)
                .with_retry(RetryPolicy::none()),
        )
        .build()
        .unwrap();
    let body = small
        .encode(
            &request(),
            ResponseMode::Complete,
            clearance(&[PhiCategory::Diagnosis]).permit(),
        )
        .unwrap();
    assert!(matches!(
        small.complete(body).await,
        Err(ProviderError::TooLarge { limit: 1024 })
    ));
}

#[tokio::test]
async fn a_body_sealed_for_streaming_is_refused_by_complete() {
    let server = MockServer::start().await;
    let provider = provider(&server, RetryPolicy::none());
    let body = provider
        .encode(
            &request(),
            ResponseMode::Stream,
            clearance(&[PhiCategory::Diagnosis]).permit(),
        )
        .unwrap();
    assert!(matches!(
        provider.complete(body).await,
        Err(ProviderError::ModeMismatch)
    ));
    assert_eq!(server.received_requests().await.unwrap().len(), 0);
}

#[tokio::test]
async fn azure_deployments_use_the_api_key_header_and_api_version() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/openai/deployments/notes-gpt4o/chat/completions"))
        .and(query_param("api-version", "2024-10-21"))
        .and(header("api-key", "azure-key"))
        .respond_with(ok_answer())
        .mount(&server)
        .await;
    let azure = OpenAiProvider::azure("notes-gpt4o")
        .base_url(server.uri())
        .api_key("azure-key")
        .build()
        .unwrap();
    let body = azure
        .encode(
            &request(),
            ResponseMode::Complete,
            clearance(&[PhiCategory::Diagnosis]).permit(),
        )
        .unwrap();
    let answer = azure.complete(body).await.unwrap();
    assert_eq!(answer.finish_reason.as_deref(), Some("stop"));
    let sent: serde_json::Value =
        serde_json::from_slice(&server.received_requests().await.unwrap()[0].body).unwrap();
    assert!(
        sent.get("model").is_none(),
        "Azure takes the deployment from the path"
    );
    assert!(
        server.received_requests().await.unwrap()[0]
            .headers
            .get("authorization")
            .is_none()
    );
}

#[tokio::test]
async fn a_stream_that_ends_without_a_finish_is_interrupted() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw(
                    "data: {\"choices\":[{\"delta\":{\"content\":\"hi\"}}]}\n\n",
                    "text/event-stream",
                )
                .set_delay(Duration::from_millis(600)),
        )
        .mount(&server)
        .await;
    // Late, then one delta, then the end of the bytes without `[DONE]`
    // or a finish reason: a cut answer.
    let provider = OpenAiProvider::openai("gpt-test")
        .base_url(format!("{}/v1", server.uri()))
        .api_key("k")
        .settings(HttpSettings::default().with_retry(RetryPolicy::none()))
        .build()
        .unwrap();
    let body = provider
        .encode(
            &request(),
            ResponseMode::Stream,
            clearance(&[PhiCategory::Diagnosis]).permit(),
        )
        .unwrap();
    let mut stream = provider.stream(body).await.unwrap();
    use futures::StreamExt;
    let first = stream.next().await.unwrap().unwrap();
    assert!(matches!(first, phiguard_ai::StreamEvent::Delta(_)));
    assert!(matches!(
        stream.next().await,
        Some(Err(ProviderError::StreamInterrupted))
    ));
    assert!(stream.next().await.is_none());
}

/// A vendor that sends response headers and `first` as one chunk of a
/// chunked body, then says nothing more for a long while.
async fn stalling_vendor(first: &'static str) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut buffer = vec![0u8; 64 * 1024];
                let _ = socket.read(&mut buffer).await;
                let head = "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n\
                            transfer-encoding: chunked\r\n\r\n";
                let _ = socket.write_all(head.as_bytes()).await;
                if !first.is_empty() {
                    let chunk = format!("{:x}\r\n{first}\r\n", first.len());
                    let _ = socket.write_all(chunk.as_bytes()).await;
                }
                let _ = socket.flush().await;
                tokio::time::sleep(Duration::from_secs(30)).await;
            });
        }
    });
    format!("http://{address}/v1")
}

#[tokio::test]
async fn a_stalled_stream_fails_after_the_idle_bound() {
    let base = stalling_vendor("data: {\"choices\":[{\"delta\":{\"content\":\"Hel\"}}]}\n\n").await;
    let provider = OpenAiProvider::openai("gpt-test")
        .base_url(base)
        .api_key("k")
        .settings(
            HttpSettings::default()
                .with_retry(RetryPolicy::none())
                .with_stream_idle_timeout(Duration::from_millis(300)),
        )
        .build()
        .unwrap();
    let permit = clearance(&[PhiCategory::Diagnosis]);
    let body = provider
        .encode(&request(), ResponseMode::Stream, permit.permit())
        .unwrap();
    let mut stream = provider.stream(body).await.unwrap();
    use futures::StreamExt;
    assert!(matches!(
        stream.next().await,
        Some(Ok(phiguard_ai::StreamEvent::Delta(_)))
    ));
    let started = std::time::Instant::now();
    let stalled = stream.next().await;
    assert!(
        matches!(stalled, Some(Err(ProviderError::StreamStalled(_)))),
        "{stalled:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[tokio::test]
async fn a_silent_vendor_times_out() {
    let base = stalling_vendor("").await;
    let provider = OpenAiProvider::openai("gpt-test")
        .base_url(base)
        .api_key("k")
        .settings(
            HttpSettings::default()
                .with_retry(RetryPolicy::none())
                .with_request_timeout(Duration::from_millis(300)),
        )
        .build()
        .unwrap();
    let permit = clearance(&[PhiCategory::Diagnosis]);
    let body = provider
        .encode(&request(), ResponseMode::Complete, permit.permit())
        .unwrap();
    let error = provider.complete(body).await.unwrap_err();
    assert!(
        matches!(
            error,
            ProviderError::Transport {
                kind: "timeout",
                ..
            }
        ),
        "{error:?}"
    );
    assert!(
        !error.is_retryable(),
        "a timed-out request may have been delivered"
    );
}
