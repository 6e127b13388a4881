//! Calls that go through: what reaches the vendor, what comes back, what
//! the audit trail says.

use phiguard_ai::{AiRequest, GatewayError, Principal};
use phiguard_audit::{Action, MemoryAuditSink, Outcome};
use phiguard_phi::{Phi, PhiCategory};
use phiguard_redact::RedactionSession;
use wiremock::MockServer;

use crate::common::*;

#[tokio::test]
async fn openai_summary_sends_no_raw_identifiers_and_restores_the_answer() {
    let server = MockServer::start().await;
    mount(
        &server,
        FakeVendor {
            protocol: Protocol::OpenAi,
            cut: false,
        },
    )
    .await;
    let audit = MemoryAuditSink::new();
    let gateway = base(&audit)
        .registry(registry(&[Service {
            id: "fake-openai",
            host: authority(&server),
            baa: Baa::Covers("\"all\""),
        }]))
        .provider("fake-openai", openai_for(&server))
        .build()
        .unwrap();
    let mut session = RedactionSession::new();

    let draft = gateway
        .complete(
            &clinician(),
            "summarize",
            summary_request("fake-openai"),
            &mut session,
        )
        .await
        .unwrap();

    // What reached the vendor: one request, identifiers as tokens, the
    // clinical content the purpose needs in plain form, nothing dropped
    // by minimum necessary.
    let bodies = bodies(&server).await;
    assert_eq!(bodies.len(), 1);
    let body = &bodies[0];
    assert_no_phi("request body", body, IDENTIFIERS);
    assert!(
        !body.contains(BILLING_NOTE),
        "context the purpose does not declare was sent"
    );
    assert!(
        body.contains(DIAGNOSIS) && body.contains(MEDICATION),
        "clinical content missing"
    );
    assert!(body.contains("numbness"), "clinical note text missing");
    let tokens = tokens_in(body);
    assert!(
        tokens.iter().any(|t| t.starts_with("[[NAME_")),
        "{tokens:?}"
    );
    assert!(
        tokens.iter().any(|t| t.starts_with("[[PHONE_")),
        "{tokens:?}"
    );
    assert!(
        tokens.iter().any(|t| t.starts_with("[[EMAIL_")),
        "{tokens:?}"
    );
    assert!(!body.contains("@example.net"), "email partly in plain form");
    let received = &server.received_requests().await.unwrap()[0];
    assert_eq!(received.headers["authorization"], "Bearer sk-test-key");
    let json: serde_json::Value = serde_json::from_str(body).unwrap();
    assert_eq!(json["model"], "gpt-test");
    assert_eq!(json["messages"][0]["role"], "system");

    // The answer comes back with the values restored, as a draft.
    assert!(format!("{draft:?}").contains("Phi("));
    assert_no_phi("draft Debug", &format!("{draft:?}"), ALL_PHI);
    assert_eq!(draft.policy_ids(), ["clinicians-summarize-and-draft"]);
    assert_eq!(draft.baa_id(), "baa-fake-openai");
    assert!(draft.redactions()[&PhiCategory::Name] >= 1);
    let text = draft.accept();
    assert!(text.expose_phi().contains(NAME), "answer not re-identified");
    assert!(
        text.expose_phi().contains(PHONE),
        "answer not re-identified"
    );
    assert!(
        !text.expose_phi().contains("[["),
        "a token was left in the answer"
    );

    // The audit trail: intent then outcome, with counts and no values.
    let events = audit.events();
    assert_eq!(events.len(), 2);
    let intent = &events[0];
    assert_eq!(intent.action, Action::AiRequest);
    assert_eq!(intent.outcome, Outcome::Success);
    assert_eq!(intent.purpose.as_deref(), Some("summarize"));
    assert_eq!(intent.actor.user_id, "dr-ames");
    assert_eq!(intent.data.categories[&PhiCategory::Diagnosis], 1);
    assert!(
        !intent.data.categories.contains_key(&PhiCategory::Ssn),
        "dropped field counted as sent"
    );
    assert!(intent.data.redactions[&PhiCategory::Name] >= 1);
    assert!(intent.data.redactions[&PhiCategory::Phone] >= 1);
    assert!(intent.data.redactions[&PhiCategory::Email] >= 1);
    assert_eq!(intent.data.bytes_sent, body.len() as u64);
    assert!(intent.data.digest.is_some());
    let basis = intent.basis.as_ref().unwrap();
    assert_eq!(basis.baa_id.as_deref(), Some("baa-fake-openai"));
    assert_eq!(basis.baa_version.as_deref(), Some("7"));
    assert_eq!(basis.policy_ids, ["clinicians-summarize-and-draft"]);
    let target = intent.target.as_ref().unwrap();
    assert_eq!(target.service, "fake-openai");
    assert_eq!(target.vendor, "vendor-fake-openai");
    assert_eq!(intent.correlation_ids["clickup_task"], "86b1xyz");
    assert_eq!(events[1].action, Action::AiResponse);
    assert_eq!(events[1].outcome, Outcome::Success);
    assert_eq!(
        events[1].correlation_ids["call"],
        intent.correlation_ids["call"]
    );
    let trail = String::from_utf8(audit.to_jsonl()).unwrap();
    assert_no_phi("audit trail", &trail, ALL_PHI);
}

#[tokio::test]
async fn anthropic_draft_round_trip() {
    let server = MockServer::start().await;
    mount(
        &server,
        FakeVendor {
            protocol: Protocol::Anthropic,
            cut: false,
        },
    )
    .await;
    let audit = MemoryAuditSink::new();
    let gateway = base(&audit)
        .registry(registry(&[Service {
            id: "fake-claude",
            host: authority(&server),
            baa: Baa::Covers("\"identifiers\", \"clinical\""),
        }]))
        .provider("fake-claude", anthropic_for(&server))
        .build()
        .unwrap();
    let mut session = RedactionSession::new();
    let request = AiRequest::new()
        .instructions("Draft a short letter to the patient about the next visit.")
        .field("patient_name", Phi::new(NAME.into(), PhiCategory::Name))
        .field(
            "care_plan",
            Phi::new("recheck HbA1c in 3 months".into(), PhiCategory::CarePlan),
        )
        .field(
            "description",
            Phi::new(NOTE.into(), PhiCategory::ClinicalNote),
        )
        .max_tokens(400);

    // A single provider: the request need not name the service.
    let draft = gateway
        .complete(&clinician(), "draft", request, &mut session)
        .await
        .unwrap();

    let bodies = bodies(&server).await;
    assert_eq!(bodies.len(), 1);
    assert_no_phi("request body", &bodies[0], IDENTIFIERS);
    let json: serde_json::Value = serde_json::from_str(&bodies[0]).unwrap();
    assert_eq!(json["model"], "claude-test");
    assert_eq!(json["max_tokens"], 400);
    assert!(
        json["system"][0]["text"]
            .as_str()
            .unwrap()
            .starts_with("Draft a short letter")
    );
    assert_eq!(
        json["messages"].as_array().unwrap().len(),
        1,
        "system text must not be a message"
    );
    assert!(bodies[0].contains("HbA1c"));
    let received = &server.received_requests().await.unwrap()[0];
    assert_eq!(received.headers["x-api-key"], "ak-test-key");
    assert_eq!(received.headers["anthropic-version"], "2023-06-01");

    assert_eq!(draft.finish_reason(), Some("end_turn"));
    assert!(draft.preview().expose_phi().contains(NAME));
    assert_eq!(audit.events().len(), 2);
}

#[tokio::test]
async fn billing_staff_get_billing_code_suggestions_on_non_clinical_fields() {
    let server = MockServer::start().await;
    mount(
        &server,
        FakeVendor {
            protocol: Protocol::OpenAi,
            cut: false,
        },
    )
    .await;
    let audit = MemoryAuditSink::new();
    let gateway = base(&audit)
        .registry(registry(&[Service {
            id: "fake-openai",
            host: authority(&server),
            baa: Baa::Covers("\"all\""),
        }]))
        .provider("fake-openai", openai_for(&server))
        .build()
        .unwrap();
    let mut session = RedactionSession::new();
    let clerk = Principal::new("b-12").role("billing");
    let request = AiRequest::new()
        .field("patient_name", Phi::new(NAME.into(), PhiCategory::Name))
        .field(
            "billing_notes",
            Phi::new(BILLING_NOTE.into(), PhiCategory::Billing),
        )
        .field(
            "insurance_plan",
            Phi::new(PLAN_ID.into(), PhiCategory::HealthPlanBeneficiaryNumber),
        )
        // The whole task came along; its clinical fields are not needed
        // for this purpose and are dropped before the policy looks.
        .context(
            "diagnosis",
            Phi::new(DIAGNOSIS.into(), PhiCategory::Diagnosis),
        );

    let draft = gateway
        .complete(&clerk, "billing_code_suggestion", request, &mut session)
        .await;
    assert!(draft.is_ok(), "{draft:?}");
    let bodies = bodies(&server).await;
    assert_eq!(bodies.len(), 1);
    assert!(bodies[0].contains(BILLING_NOTE));
    assert!(!bodies[0].contains(DIAGNOSIS));
    assert_no_phi("request body", &bodies[0], IDENTIFIERS);
}

#[tokio::test]
async fn configuration_changes_only_by_ai_admins_and_audited() {
    let server = MockServer::start().await;
    let audit = MemoryAuditSink::new();
    let services = [Service {
        id: "fake-openai",
        host: authority(&server),
        baa: Baa::Covers("\"all\""),
    }];
    let gateway = base(&audit)
        .registry(registry(&services))
        .provider("fake-openai", openai_for(&server))
        .build()
        .unwrap();

    let denied = gateway
        .reload_registry(&clinician(), registry(&services))
        .await;
    assert!(
        matches!(denied, Err(GatewayError::ConfigurationDenied { .. })),
        "{denied:?}"
    );
    let denied = gateway.reload_policy(&clinician(), default_policy()).await;
    assert!(matches!(
        denied,
        Err(GatewayError::ConfigurationDenied { .. })
    ));

    let admin = Principal::new("it-3").role("ai_admin");
    gateway
        .reload_registry(&admin, registry(&services))
        .await
        .unwrap();
    gateway
        .reload_policy(&admin, default_policy())
        .await
        .unwrap();
    gateway
        .reload_purposes(&admin, default_purposes())
        .await
        .unwrap();

    let events = audit.events();
    assert_eq!(events.len(), 5);
    assert!(
        events
            .iter()
            .all(|e| e.action == Action::ConfigurationChange)
    );
    assert!(matches!(events[0].outcome, Outcome::Refused { .. }));
    assert_eq!(events[2].outcome, Outcome::Success);
    assert_eq!(
        events[2].basis.as_ref().unwrap().policy_ids,
        ["ai-admins-change-configuration"]
    );
}

#[tokio::test]
async fn logs_of_a_whole_run_hold_no_phi() {
    use std::io::Write;
    use std::sync::{Arc, Mutex};

    #[derive(Clone, Default)]
    struct Buffer(Arc<Mutex<Vec<u8>>>);
    impl Write for Buffer {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    let buffer = Buffer::default();
    let writer = buffer.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .finish();
    // Global, not scoped: tracing caches callsite interest process-wide,
    // and a scoped subscriber races with tests on other threads that reach
    // the same callsites first, so events go missing under load. The other
    // tests' logs land here too, and must be as clean.
    tracing::subscriber::set_global_default(subscriber).unwrap();

    let server = MockServer::start().await;
    mount(
        &server,
        FakeVendor {
            protocol: Protocol::OpenAi,
            cut: false,
        },
    )
    .await;
    let audit = MemoryAuditSink::new();
    let gateway = base(&audit)
        .registry(registry(&[Service {
            id: "fake-openai",
            host: authority(&server),
            baa: Baa::Covers("\"all\""),
        }]))
        .provider("fake-openai", openai_for(&server))
        .build()
        .unwrap();
    let mut session = RedactionSession::new();
    let draft = gateway
        .complete(
            &clinician(),
            "summarize",
            summary_request("fake-openai"),
            &mut session,
        )
        .await
        .unwrap();
    draft.reject();
    let refused = gateway
        .complete(
            &Principal::new("f-1").role("front_desk"),
            "summarize",
            summary_request("fake-openai"),
            &mut session,
        )
        .await
        .unwrap_err();
    assert_no_phi("error", &format!("{refused} {refused:?}"), ALL_PHI);
    let undeclared = gateway
        .complete(
            &clinician(),
            "summarize",
            summary_request("fake-openai").field("ssn", Phi::new(SSN.into(), PhiCategory::Ssn)),
            &mut session,
        )
        .await
        .unwrap_err();
    assert_no_phi("error", &format!("{undeclared} {undeclared:?}"), ALL_PHI);

    let logs = String::from_utf8(buffer.0.lock().unwrap().clone()).unwrap();
    assert!(
        logs.contains("AI call refused"),
        "the run logged nothing: {logs}"
    );
    assert_no_phi("logs", &logs, ALL_PHI);
    assert!(
        !logs.contains("sk-test-key"),
        "the API key reached the logs"
    );
}

#[tokio::test]
async fn an_email_holding_the_patients_name_is_replaced_whole() {
    let server = MockServer::start().await;
    mount(
        &server,
        FakeVendor {
            protocol: Protocol::OpenAi,
            cut: false,
        },
    )
    .await;
    let audit = MemoryAuditSink::new();
    let gateway = base(&audit)
        .registry(registry(&[Service {
            id: "svc",
            host: authority(&server),
            baa: Baa::Covers("\"all\""),
        }]))
        .provider("svc", openai_for(&server))
        .build()
        .unwrap();
    let mut session = RedactionSession::new();
    let note = "Reach the patient at zeb.quillfeather@example.net after 5pm.";
    let request = AiRequest::new()
        .field("patient_name", Phi::new(NAME.into(), PhiCategory::Name))
        .field(
            "description",
            Phi::new(note.into(), PhiCategory::ClinicalNote),
        );
    gateway
        .complete(&clinician(), "summarize", request, &mut session)
        .await
        .unwrap();
    let body = &bodies(&server).await[0];
    assert!(
        !body.contains("@example.net"),
        "email partly in plain form: {body}"
    );
}

/// The gateway is shared across tasks, and its calls run on any runtime
/// thread: both must stay `Send` (this test fails to compile otherwise).
#[tokio::test]
async fn gateway_and_its_calls_are_send() {
    fn assert_send_sync<T: Send + Sync>(_: &T) {}
    fn assert_send<T: Send>(_: &T) {}
    let server = MockServer::start().await;
    let audit = MemoryAuditSink::new();
    let gateway = base(&audit)
        .registry(registry(&[Service {
            id: "svc",
            host: authority(&server),
            baa: Baa::Covers("\"all\""),
        }]))
        .provider("svc", openai_for(&server))
        .build()
        .unwrap();
    assert_send_sync(&gateway);
    let mut session = RedactionSession::new();
    let clinician = clinician();
    let call = gateway.complete(
        &clinician,
        "summarize",
        summary_request("svc"),
        &mut session,
    );
    assert_send(&call);
    drop(call);
    let mut session = RedactionSession::new();
    let call = gateway.stream(
        &clinician,
        "summarize",
        summary_request("svc"),
        &mut session,
    );
    assert_send(&call);
}

/// A call that reaches the vendor and fails is audited as failed, and the
/// error holds nothing the vendor sent.
#[tokio::test]
async fn failed_calls_are_audited_with_their_kind() {
    let cases = [
        (
            wiremock::ResponseTemplate::new(200)
                .set_body_raw(format!("<html><body>{NAME}</body></html>"), "text/html"),
            "decode",
        ),
        (
            wiremock::ResponseTemplate::new(429).insert_header("retry-after", "0"),
            "rate_limited",
        ),
        (
            wiremock::ResponseTemplate::new(500).set_body_json(
                serde_json::json!({"error": {"message": NAME, "type": "server_error"}}),
            ),
            "status",
        ),
    ];
    for (answer, kind) in cases {
        let server = MockServer::start().await;
        wiremock::Mock::given(wiremock::matchers::method("POST"))
            .respond_with(answer)
            .mount(&server)
            .await;
        let audit = MemoryAuditSink::new();
        let gateway = base(&audit)
            .registry(registry(&[Service {
                id: "svc",
                host: authority(&server),
                baa: Baa::Covers("\"all\""),
            }]))
            .provider("svc", openai_for(&server))
            .build()
            .unwrap();
        let mut session = RedactionSession::new();
        let error = gateway
            .complete(
                &clinician(),
                "summarize",
                summary_request("svc"),
                &mut session,
            )
            .await
            .unwrap_err();
        assert!(
            matches!(error, GatewayError::Provider(_)),
            "{kind}: {error:?}"
        );
        assert!(error.was_sent());
        assert_no_phi("error", &format!("{error} {error:?}"), ALL_PHI);
        let events = audit.events();
        assert_eq!(events.len(), 2, "{kind}");
        assert_eq!(events[1].action, Action::AiResponse);
        assert_eq!(events[1].outcome, Outcome::failed(kind));
        // Retries stay within the policy's bound (3 retries).
        assert!(bodies(&server).await.len() <= 4, "{kind}");
    }
}
