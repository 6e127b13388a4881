//! Shared test fixtures: planted fake PHI, registries built from TOML
//! strings, a fake vendor that answers with the tokens it was sent, and
//! helpers to look at what reached it.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use async_trait::async_trait;
use phiguard_ai::{
    AiPolicy, AiRequest, AnthropicProvider, Gateway, GatewayBuilder, HttpSettings, OpenAiProvider,
    Principal, PurposeTable, RetryPolicy,
};
use phiguard_audit::{Action, AuditError, AuditEvent, AuditReceipt, AuditSink, MemoryAuditSink};
use phiguard_phi::{Phi, PhiCategory};
use phiguard_redact::Redactor;
use phiguard_vendors::VendorRegistry;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

// Planted fake PHI. None of it may reach a vendor in plain form except
// the clinical content, and none of it may reach a log or an error.
pub(crate) const NAME: &str = "Zebediah Quillfeather";
pub(crate) const PHONE: &str = "(555) 014-2231";
pub(crate) const EMAIL: &str = "zq.patient1987@example.net";
pub(crate) const VISIT: &str = "2026-03-14";
pub(crate) const SSN: &str = "078-05-1120";
pub(crate) const PLAN_ID: &str = "HPN-99812734";
pub(crate) const DIAGNOSIS: &str = "type 2 diabetes mellitus with peripheral neuropathy";
pub(crate) const MEDICATION: &str = "metformin 500 mg twice daily";
pub(crate) const BILLING_NOTE: &str = "self-pay balance carried from prior visit";
pub(crate) const NOTE: &str = "Zebediah Quillfeather called from (555) 014-2231 about worsening \
    numbness in both feet; reach him at zq.patient1987@example.net.";

/// Every identifier planted, which must never arrive raw.
pub(crate) const IDENTIFIERS: &[&str] = &[
    NAME,
    "Quillfeather",
    PHONE,
    "014-2231",
    EMAIL,
    VISIT,
    SSN,
    PLAN_ID,
];

/// Everything planted, which must never reach a log or an error.
pub(crate) const ALL_PHI: &[&str] = &[
    NAME,
    "Quillfeather",
    PHONE,
    "014-2231",
    EMAIL,
    VISIT,
    SSN,
    PLAN_ID,
    DIAGNOSIS,
    MEDICATION,
    BILLING_NOTE,
    "numbness",
];

pub(crate) fn repo_file(relative: &str) -> String {
    let path = format!("{}/../../{relative}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("reading {path}: {e}"))
}

pub(crate) fn default_policy() -> AiPolicy {
    AiPolicy::from_cedar(&repo_file("examples/config/policy.cedar")).unwrap()
}

pub(crate) fn default_purposes() -> PurposeTable {
    PurposeTable::from_toml_str(&repo_file("examples/config/purposes.toml")).unwrap()
}

pub(crate) fn clinician() -> Principal {
    Principal::new("dr-ames").role("clinician")
}

/// The state of a service's agreement in a test registry.
pub(crate) enum Baa {
    /// Signed, in force, covering these categories (TOML list body).
    Covers(&'static str),
    /// Signed, but expired last year.
    Expired,
    /// No agreement at all.
    None,
}

pub(crate) struct Service {
    pub(crate) id: &'static str,
    pub(crate) host: String,
    pub(crate) baa: Baa,
}

pub(crate) fn registry(services: &[Service]) -> VendorRegistry {
    let mut toml = String::from(
        r#"
[registry]
max_retention_days = 30
allowed_regions = ["us"]

[purposes.summarize]
description = "Summarize"
[purposes.draft]
description = "Draft"
[purposes.billing_code_suggestion]
description = "Billing codes"
[purposes.diagnosis]
description = "Diagnosis"
"#,
    );
    for service in services {
        let id = service.id;
        toml.push_str(&format!(
            r#"
[[vendor]]
id = "vendor-{id}"
name = "Vendor {id}"

[[vendor.service]]
id = "{id}"
name = "Service {id}"
hosts = ["{host}"]
regions = ["us"]
data_handling = {{ retention_days = 0, trains_on_customer_data = false }}
"#,
            host = service.host
        ));
        let baa = match service.baa {
            Baa::None => format!(
                "[[vendor.baa]]\nid = \"baa-{id}\"\nstatus = \"none\"\ncovered_services = [\"{id}\"]\n"
            ),
            Baa::Covers(categories) => signed(id, "2035-12-31", categories),
            Baa::Expired => signed(id, "2025-06-30", "\"all\""),
        };
        toml.push_str(&baa);
    }
    VendorRegistry::from_toml_str(&toml).unwrap_or_else(|e| panic!("test registry: {e}"))
}

fn signed(id: &str, expires_on: &str, categories: &str) -> String {
    format!(
        r#"
[[vendor.baa]]
id = "baa-{id}"
status = "signed"
version = "7"
signed_on = 2025-01-01
effective_on = 2025-01-01
expires_on = {expires_on}
document_sha256 = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
document_location = "vault:/baa/{id}.pdf"
covered_services = ["{id}"]
permitted_purposes = ["summarize", "draft", "billing_code_suggestion"]
permitted_categories = [{categories}]
"#
    )
}

pub(crate) fn authority(server: &MockServer) -> String {
    server.address().to_string()
}

pub(crate) fn quick_settings() -> HttpSettings {
    HttpSettings::default()
        .with_retry(
            RetryPolicy::default().with_delays(Duration::from_millis(1), Duration::from_millis(5)),
        )
        .with_stream_idle_timeout(Duration::from_secs(5))
}

pub(crate) fn openai_for(server: &MockServer) -> OpenAiProvider {
    OpenAiProvider::openai("gpt-test")
        .base_url(format!("{}/v1", server.uri()))
        .api_key("sk-test-key")
        .settings(quick_settings())
        .build()
        .unwrap()
}

pub(crate) fn anthropic_for(server: &MockServer) -> AnthropicProvider {
    AnthropicProvider::builder("claude-test")
        .base_url(server.uri())
        .api_key("ak-test-key")
        .settings(quick_settings())
        .build()
        .unwrap()
}

/// A gateway builder with the default policy and purposes, the Safe
/// Harbor redactor and `audit`; registry and provider still to add.
pub(crate) fn base(audit: &MemoryAuditSink) -> GatewayBuilder {
    Gateway::builder()
        .policy(default_policy())
        .purposes(default_purposes())
        .redactor(Redactor::safe_harbor())
        .audit(audit.clone())
}

/// A summary request carrying every kind of planted PHI: declared
/// identifier and clinical fields, and context the purpose does not need.
pub(crate) fn summary_request(service: &str) -> AiRequest {
    AiRequest::new()
        .service(service)
        .instructions("Summarize the thread for the care team in two sentences.")
        .field("patient_name", Phi::new(NAME.into(), PhiCategory::Name))
        .field("visit_date", Phi::new(VISIT.into(), PhiCategory::Date))
        .field(
            "description",
            Phi::new(NOTE.into(), PhiCategory::ClinicalNote),
        )
        .field(
            "diagnosis",
            Phi::new(DIAGNOSIS.into(), PhiCategory::Diagnosis),
        )
        .field(
            "medications",
            Phi::new(MEDICATION.into(), PhiCategory::Medication),
        )
        .context("patient_ssn", Phi::new(SSN.into(), PhiCategory::Ssn))
        .context(
            "billing_notes",
            Phi::new(BILLING_NOTE.into(), PhiCategory::Billing),
        )
        .context(
            "insurance_plan",
            Phi::new(PLAN_ID.into(), PhiCategory::HealthPlanBeneficiaryNumber),
        )
        .correlation("clickup_task", "86b1xyz")
}

/// Wire protocol the fake vendor speaks.
#[derive(Clone, Copy)]
pub(crate) enum Protocol {
    OpenAi,
    Anthropic,
}

/// A fake vendor: answers with every vault token it received, so the
/// gateway has something to restore. Streams are sent in 3-character
/// deltas, so tokens always straddle deltas; `cut` stops a stream half
/// way without the closing events.
#[derive(Clone)]
pub(crate) struct FakeVendor {
    pub(crate) protocol: Protocol,
    pub(crate) cut: bool,
}

pub(crate) fn tokens_in(text: &str) -> Vec<String> {
    let mut tokens = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("[[") {
        let Some(len) = rest[start..].find("]]") else {
            break;
        };
        let token = &rest[start..start + len + 2];
        if !tokens.iter().any(|t| t == token) {
            tokens.push(token.to_owned());
        }
        rest = &rest[start + len + 2..];
    }
    tokens
}

pub(crate) fn answer_for(tokens: &[String]) -> String {
    format!(
        "Patient {} is stable; follow up in two weeks.",
        tokens.join(" / ")
    )
}

impl Respond for FakeVendor {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let body: serde_json::Value = serde_json::from_slice(&request.body).unwrap();
        let sent = String::from_utf8_lossy(&request.body).into_owned();
        let answer = answer_for(&tokens_in(&sent));
        let stream = body["stream"].as_bool().unwrap_or(false);
        match (self.protocol, stream) {
            (Protocol::OpenAi, false) => {
                ResponseTemplate::new(200).set_body_json(serde_json::json!({
                    "id": "chatcmpl-1", "object": "chat.completion", "model": "gpt-test",
                    "choices": [{"index": 0, "message": {"role": "assistant", "content": answer},
                                 "finish_reason": "stop"}],
                    "usage": {"prompt_tokens": 50, "completion_tokens": 12, "total_tokens": 62}
                }))
            }
            (Protocol::Anthropic, false) => {
                ResponseTemplate::new(200).set_body_json(serde_json::json!({
                    "id": "msg_1", "type": "message", "role": "assistant", "model": "claude-test",
                    "content": [{"type": "text", "text": answer}],
                    "stop_reason": "end_turn", "usage": {"input_tokens": 50, "output_tokens": 12}
                }))
            }
            (protocol, true) => {
                let sse = sse_body(protocol, &answer, self.cut);
                ResponseTemplate::new(200).set_body_raw(sse, "text/event-stream")
            }
        }
    }
}

pub(crate) fn sse_body(protocol: Protocol, answer: &str, cut: bool) -> String {
    let chars: Vec<char> = answer.chars().collect();
    let pieces: Vec<String> = chars.chunks(3).map(|c| c.iter().collect()).collect();
    let keep = if cut { pieces.len() / 2 } else { pieces.len() };
    let mut out = String::new();
    match protocol {
        Protocol::OpenAi => {
            for piece in &pieces[..keep] {
                let chunk = serde_json::json!({"choices": [{"index": 0, "delta": {"content": piece}, "finish_reason": null}]});
                out.push_str(&format!("data: {chunk}\n\n"));
            }
            if !cut {
                out.push_str("data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n");
                out.push_str("data: [DONE]\n\n");
            }
        }
        Protocol::Anthropic => {
            out.push_str("event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"usage\":{\"input_tokens\":50}}}\n\n");
            out.push_str("event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n");
            out.push_str("event: ping\ndata: {\"type\":\"ping\"}\n\n");
            for piece in &pieces[..keep] {
                let event = serde_json::json!({"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": piece}});
                out.push_str(&format!("event: content_block_delta\ndata: {event}\n\n"));
            }
            if !cut {
                out.push_str("event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n");
                out.push_str("event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},\"usage\":{\"output_tokens\":12}}\n\n");
                out.push_str("event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n");
            }
        }
    }
    out
}

/// Mounts a fake vendor on `server` at the protocol's path.
pub(crate) async fn mount(server: &MockServer, vendor: FakeVendor) {
    let route = match vendor.protocol {
        Protocol::OpenAi => "/v1/chat/completions",
        Protocol::Anthropic => "/v1/messages",
    };
    Mock::given(wiremock::matchers::method("POST"))
        .and(wiremock::matchers::path(route))
        .respond_with(vendor)
        .mount(server)
        .await;
}

/// Every body the server received.
pub(crate) async fn bodies(server: &MockServer) -> Vec<String> {
    server
        .received_requests()
        .await
        .expect("request recording is on")
        .iter()
        .map(|r| String::from_utf8_lossy(&r.body).into_owned())
        .collect()
}

pub(crate) fn assert_no_phi(what: &str, text: &str, planted: &[&str]) {
    for value in planted {
        assert!(
            !text.contains(value),
            "{what} holds planted PHI {value:?}: {text}"
        );
    }
}

/// An audit sink that fails on chosen events and records the rest.
#[derive(Clone)]
pub(crate) struct FlakySink {
    pub(crate) inner: MemoryAuditSink,
    pub(crate) fail_on: Action,
    pub(crate) failures: Arc<AtomicUsize>,
}

impl FlakySink {
    pub(crate) fn new(fail_on: Action) -> Self {
        FlakySink {
            inner: MemoryAuditSink::new(),
            fail_on,
            failures: Arc::new(AtomicUsize::new(0)),
        }
    }
}

#[async_trait]
impl AuditSink for FlakySink {
    async fn append(&self, event: AuditEvent) -> Result<AuditReceipt, AuditError> {
        if event.action == self.fail_on && matches!(event.outcome, phiguard_audit::Outcome::Success)
        {
            self.failures.fetch_add(1, Ordering::SeqCst);
            return MemoryAuditSink::failing().append(event).await;
        }
        self.inner.append(event).await
    }
}
