//! Streamed answers: re-identified across chunk boundaries, and a cut
//! stream is audited as failed.

use phiguard_ai::{GatewayError, ProviderError};
use phiguard_audit::{Action, MemoryAuditSink, Outcome};
use phiguard_redact::RedactionSession;
use wiremock::MockServer;

use crate::common::*;

async fn streaming_gateway(
    protocol: Protocol,
    cut: bool,
) -> (phiguard_ai::Gateway, MemoryAuditSink, MockServer) {
    let server = MockServer::start().await;
    mount(&server, FakeVendor { protocol, cut }).await;
    let audit = MemoryAuditSink::new();
    let builder = base(&audit).registry(registry(&[Service {
        id: "svc",
        host: authority(&server),
        baa: Baa::Covers("\"all\""),
    }]));
    let builder = match protocol {
        Protocol::OpenAi => builder.provider("svc", openai_for(&server)),
        Protocol::Anthropic => builder.provider("svc", anthropic_for(&server)),
    };
    (builder.build().unwrap(), audit, server)
}

async fn token_split_across_chunks_is_restored(protocol: Protocol) {
    let (gateway, audit, server) = streaming_gateway(protocol, false).await;
    let mut session = RedactionSession::new();
    let mut stream = gateway
        .stream(
            &clinician(),
            "summarize",
            summary_request("svc"),
            &mut session,
        )
        .await
        .unwrap();

    let mut shown = String::new();
    let mut chunks = 0;
    while let Some(chunk) = stream.next_chunk().await {
        let chunk = chunk.unwrap();
        let text = chunk.text().expose_phi();
        // A chunk never shows half a token.
        assert!(
            !text.contains("[[") && !text.contains("]]"),
            "partial token shown: {text:?}"
        );
        shown.push_str(text);
        chunks += 1;
    }
    assert!(chunks > 1, "the answer should arrive in pieces");
    let draft = stream.into_draft().await.unwrap();
    let text = draft.accept();
    assert_eq!(text.expose_phi(), &shown);
    assert!(shown.contains(NAME), "name not restored: {shown}");
    assert!(shown.contains(PHONE), "phone not restored: {shown}");

    let bodies = bodies(&server).await;
    assert_eq!(bodies.len(), 1);
    assert_no_phi("request body", &bodies[0], IDENTIFIERS);
    let json: serde_json::Value = serde_json::from_str(&bodies[0]).unwrap();
    assert_eq!(json["stream"], true);
    // The raw answer really had tokens spread over deltas.
    let events = audit.events();
    assert_eq!(events.len(), 2);
    assert_eq!(events[1].action, Action::AiResponse);
    assert_eq!(events[1].outcome, Outcome::Success);
}

#[tokio::test]
async fn openai_stream_restores_tokens_split_across_chunks() {
    token_split_across_chunks_is_restored(Protocol::OpenAi).await;
}

#[tokio::test]
async fn anthropic_stream_restores_tokens_split_across_chunks() {
    token_split_across_chunks_is_restored(Protocol::Anthropic).await;
}

async fn cut_stream_is_audited_as_failed(protocol: Protocol) {
    let (gateway, audit, _server) = streaming_gateway(protocol, true).await;
    let mut session = RedactionSession::new();
    let mut stream = gateway
        .stream(
            &clinician(),
            "summarize",
            summary_request("svc"),
            &mut session,
        )
        .await
        .unwrap();
    let mut error = None;
    while let Some(chunk) = stream.next_chunk().await {
        if let Err(e) = chunk {
            error = Some(e);
        }
    }
    let error = error.expect("a cut stream must fail");
    assert!(
        matches!(
            error,
            GatewayError::Provider(ProviderError::StreamInterrupted)
        ),
        "{error:?}"
    );
    assert!(error.was_sent());
    assert!(
        stream.into_draft().await.is_err(),
        "a cut answer must not become a draft"
    );
    let events = audit.events();
    assert_eq!(events.len(), 2);
    assert_eq!(events[1].action, Action::AiResponse);
    assert_eq!(events[1].outcome, Outcome::failed("stream_interrupted"));
}

#[tokio::test]
async fn openai_stream_cut_mid_way_is_audited_as_failed() {
    cut_stream_is_audited_as_failed(Protocol::OpenAi).await;
}

#[tokio::test]
async fn anthropic_stream_cut_mid_way_is_audited_as_failed() {
    cut_stream_is_audited_as_failed(Protocol::Anthropic).await;
}

#[tokio::test]
async fn a_stream_dropped_early_is_audited_as_abandoned() {
    let (gateway, audit, _server) = streaming_gateway(Protocol::OpenAi, false).await;
    let mut session = RedactionSession::new();
    let mut stream = gateway
        .stream(
            &clinician(),
            "summarize",
            summary_request("svc"),
            &mut session,
        )
        .await
        .unwrap();
    let first = stream.next_chunk().await;
    assert!(matches!(first, Some(Ok(_))));
    drop(stream);
    // The outcome is written by a spawned task.
    for _ in 0..100 {
        if audit.len() == 2 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    let events = audit.events();
    assert_eq!(events.len(), 2);
    assert_eq!(events[1].outcome, Outcome::failed("abandoned"));
}
