//! Every refusal path: nothing reaches the vendor, and the audit trail
//! records why.

use phiguard_ai::{AiRequest, Gateway, GatewayError, Principal, Step};
use phiguard_audit::{Action, AuditEvent, MemoryAuditSink, Outcome};
use phiguard_phi::{Phi, PhiCategory};
use phiguard_redact::{DetectError, Detector, RedactionSession, Redactor, Span};
use phiguard_vendors::RefusalReason;
use wiremock::MockServer;

use crate::common::*;

/// A vendor that would answer, so a request that slips through would
/// succeed and be counted.
async fn vendor() -> MockServer {
    let server = MockServer::start().await;
    mount(
        &server,
        FakeVendor {
            protocol: Protocol::OpenAi,
            cut: false,
        },
    )
    .await;
    server
}

async fn assert_nothing_sent(server: &MockServer) {
    assert_eq!(
        bodies(server).await.len(),
        0,
        "a refused request reached the vendor"
    );
}

fn only_event(audit: &MemoryAuditSink) -> AuditEvent {
    let events = audit.events();
    assert_eq!(
        events.len(),
        1,
        "expected exactly one audit event, got {events:?}"
    );
    events.into_iter().next().unwrap()
}

fn assert_refusal_is_safe(error: &GatewayError, event: &AuditEvent) {
    assert_no_phi("error", &format!("{error} {error:?}"), ALL_PHI);
    assert_no_phi(
        "audit event",
        &serde_json::to_string(event).unwrap(),
        ALL_PHI,
    );
    assert!(!error.was_sent());
}

async fn refused_by_registry(baa: Baa) -> (GatewayError, AuditEvent, MockServer) {
    let server = vendor().await;
    let audit = MemoryAuditSink::new();
    let gateway = base(&audit)
        .registry(registry(&[Service {
            id: "svc",
            host: authority(&server),
            baa,
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
    assert_nothing_sent(&server).await;
    let event = only_event(&audit);
    assert_refusal_is_safe(&error, &event);
    assert_eq!(event.action, Action::ClearanceRefusal);
    assert!(matches!(event.outcome, Outcome::Refused { .. }));
    // Redaction ran before the clearance: its counts are in the record.
    assert!(event.data.redactions[&PhiCategory::Name] >= 1);
    (error, event, server)
}

fn reasons(error: &GatewayError) -> Vec<RefusalReason> {
    match error {
        GatewayError::ClearanceRefused { refusal, .. } => refusal.reasons().to_vec(),
        other => panic!("expected a clearance refusal, got {other:?}"),
    }
}

#[tokio::test]
async fn no_baa() {
    let (error, event, _server) = refused_by_registry(Baa::None).await;
    assert!(reasons(&error).contains(&RefusalReason::NoBaa), "{error:?}");
    assert_eq!(event.target.unwrap().service, "svc");
}

#[tokio::test]
async fn expired_baa() {
    let (error, _, _server) = refused_by_registry(Baa::Expired).await;
    assert!(
        reasons(&error)
            .iter()
            .any(|r| matches!(r, RefusalReason::Expired { .. })),
        "{error:?}"
    );
}

#[tokio::test]
async fn category_not_covered() {
    // The agreement covers clinical notes but not diagnoses or medications.
    let (error, event, _server) =
        refused_by_registry(Baa::Covers("\"identifiers\", \"clinical_note\"")).await;
    let reasons = reasons(&error);
    let Some(RefusalReason::CategoryNotCovered { categories }) = reasons
        .iter()
        .find(|r| matches!(r, RefusalReason::CategoryNotCovered { .. }))
    else {
        panic!("{reasons:?}")
    };
    assert!(categories.contains(PhiCategory::Diagnosis));
    assert!(categories.contains(PhiCategory::Medication));
    let Outcome::Refused { reasons } = event.outcome else {
        unreachable!()
    };
    assert!(
        reasons.iter().any(|r| r.contains("diagnosis")),
        "{reasons:?}"
    );
}

#[tokio::test]
async fn host_not_declared() {
    let server = vendor().await;
    let audit = MemoryAuditSink::new();
    // The registry declares the service on another port of 127.0.0.1.
    let elsewhere = format!(
        "127.0.0.1:{}",
        server.address().port().wrapping_add(1).max(1)
    );
    let gateway = base(&audit)
        .registry(registry(&[Service {
            id: "svc",
            host: elsewhere,
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
        matches!(
            &error,
            GatewayError::HostNotDeclared {
                declared_by: None,
                ..
            }
        ),
        "{error:?}"
    );
    assert_eq!(error.step(), Step::Destination);
    assert_nothing_sent(&server).await;
    let event = only_event(&audit);
    assert_eq!(event.action, Action::ClearanceRefusal);
    assert_refusal_is_safe(&error, &event);
}

#[tokio::test]
async fn host_declared_by_another_service() {
    let server = vendor().await;
    let audit = MemoryAuditSink::new();
    // The provider configured for "svc" points at the host of "other",
    // whose agreement is not the one being cleared.
    let gateway = base(&audit)
        .registry(registry(&[
            Service {
                id: "svc",
                host: "127.0.0.1:9".into(),
                baa: Baa::Covers("\"all\""),
            },
            Service {
                id: "other",
                host: authority(&server),
                baa: Baa::Covers("\"all\""),
            },
        ]))
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
    match &error {
        GatewayError::HostNotDeclared { declared_by, .. } => {
            assert_eq!(declared_by.as_deref(), Some("other"));
        }
        other => panic!("{other:?}"),
    }
    assert_nothing_sent(&server).await;
    only_event(&audit);
}

async fn refused_by_policy(
    principal: Principal,
    purpose: &str,
    request: AiRequest,
) -> (GatewayError, AuditEvent) {
    let server = vendor().await;
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
        .complete(&principal, purpose, request, &mut session)
        .await
        .unwrap_err();
    assert_nothing_sent(&server).await;
    let event = only_event(&audit);
    assert_refusal_is_safe(&error, &event);
    assert_eq!(event.action, Action::PolicyRefusal);
    assert!(
        event.data.redactions.is_empty(),
        "redaction ran before the policy"
    );
    (error, event)
}

#[tokio::test]
async fn wrong_role_default_deny() {
    // AI administrators configure AI; no rule lets them use it on PHI.
    let admin = Principal::new("it-1").role("ai_admin");
    let (error, event) = refused_by_policy(admin, "summarize", summary_request("svc")).await;
    match &error {
        GatewayError::PolicyDenied { policy_ids } => {
            assert!(policy_ids.is_empty(), "{policy_ids:?}")
        }
        other => panic!("{other:?}"),
    }
    assert!(error.to_string().contains("default deny"));
    assert_eq!(event.actor.role, "ai_admin");
    assert_eq!(event.data.categories[&PhiCategory::Diagnosis], 1);
}

#[tokio::test]
async fn billing_staff_may_not_summarize_clinical_notes() {
    let billing = Principal::new("b-1").role("billing");
    let (error, _) = refused_by_policy(billing, "summarize", summary_request("svc")).await;
    match &error {
        GatewayError::PolicyDenied { policy_ids } => {
            assert_eq!(policy_ids, &["non-clinical-staff-no-clinical-content"]);
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn non_clinical_staff_may_not_send_clinical_content() {
    let desk = Principal::new("f-1").role("front_desk");
    // billing_code_suggestion does not declare `diagnosis`: named as a
    // field it is asked for, so the policy sees it.
    let request = AiRequest::new()
        .field(
            "billing_notes",
            Phi::new(BILLING_NOTE.into(), PhiCategory::Billing),
        )
        .field(
            "diagnosis",
            Phi::new(DIAGNOSIS.into(), PhiCategory::Diagnosis),
        );
    let (error, event) = refused_by_policy(desk, "billing_code_suggestion", request).await;
    match &error {
        GatewayError::PolicyDenied { policy_ids } => {
            assert_eq!(policy_ids, &["non-clinical-staff-no-clinical-content"]);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        event.basis.unwrap().policy_ids,
        ["non-clinical-staff-no-clinical-content"]
    );
}

#[tokio::test]
async fn diagnosis_purpose() {
    let (error, _) = refused_by_policy(clinician(), "diagnosis", summary_request("svc")).await;
    match &error {
        GatewayError::PolicyDenied { policy_ids } => {
            assert_eq!(policy_ids, &["no-ai-final-diagnosis"])
        }
        other => panic!("{other:?}"),
    }
    assert!(error.to_string().contains("no-ai-final-diagnosis"));
}

#[tokio::test]
async fn undeclared_field() {
    let request = summary_request("svc").field("ssn", Phi::new(SSN.into(), PhiCategory::Ssn));
    let (error, event) = refused_by_policy(clinician(), "summarize", request).await;
    assert!(
        matches!(&error, GatewayError::UndeclaredField { field, .. } if field == "ssn"),
        "{error:?}"
    );
    assert_eq!(error.step(), Step::MinimumNecessary);
    let Outcome::Refused { reasons } = event.outcome else {
        panic!()
    };
    assert!(reasons[0].contains("ssn"));
}

#[tokio::test]
async fn category_the_purpose_does_not_need() {
    // A declared field carrying PHI of a category the purpose does not
    // list (an SSN pasted into the description).
    let request = AiRequest::new().field("description", Phi::new(SSN.into(), PhiCategory::Ssn));
    let (error, _) = refused_by_policy(clinician(), "summarize", request).await;
    match &error {
        GatewayError::CategoryNotNeeded { categories, .. } => {
            assert!(categories.contains(PhiCategory::Ssn));
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn unknown_purpose() {
    let admin_clinician = Principal::new("dr-x").role("clinician");
    let policy = phiguard_ai::AiPolicy::from_cedar(
        r#"@id("anything") permit (principal, action == Action::"use_ai", resource);"#,
    )
    .unwrap();
    let server = vendor().await;
    let audit = MemoryAuditSink::new();
    let gateway = Gateway::builder()
        .policy(policy)
        .purposes(default_purposes())
        .redactor(Redactor::safe_harbor())
        .audit(audit.clone())
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
            &admin_clinician,
            "marketing",
            summary_request("svc"),
            &mut session,
        )
        .await
        .unwrap_err();
    assert!(
        matches!(error, GatewayError::UnknownPurpose { .. }),
        "{error:?}"
    );
    assert_nothing_sent(&server).await;
    only_event(&audit);
}

struct BrokenDetector;

impl Detector for BrokenDetector {
    fn name(&self) -> &str {
        "broken"
    }

    fn detect(&self, _text: &str, _out: &mut Vec<Span>) -> Result<(), DetectError> {
        Err(DetectError::new("model file missing"))
    }
}

#[tokio::test]
async fn detector_failure() {
    let server = vendor().await;
    let audit = MemoryAuditSink::new();
    let gateway = Gateway::builder()
        .policy(default_policy())
        .purposes(default_purposes())
        .redactor(
            Redactor::builder()
                .safe_harbor_detectors()
                .detector(BrokenDetector)
                .build()
                .unwrap(),
        )
        .audit(audit.clone())
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
    assert!(matches!(error, GatewayError::Redaction(_)), "{error:?}");
    assert_eq!(error.step(), Step::Redaction);
    assert_nothing_sent(&server).await;
    let event = only_event(&audit);
    assert_eq!(event.action, Action::AiRequest);
    assert_eq!(event.outcome, Outcome::failed("redaction"));
    assert_refusal_is_safe(&error, &event);
}

#[tokio::test]
async fn audit_sink_that_cannot_write() {
    let server = vendor().await;
    let audit = MemoryAuditSink::failing();
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
        matches!(
            error,
            GatewayError::Audit {
                step: Step::Audit,
                ..
            }
        ),
        "{error:?}"
    );
    assert_nothing_sent(&server).await;
    // A refusal with a broken sink is still a refusal, and says the trail
    // could not be written.
    let refused = gateway
        .complete(
            &Principal::new("f-1").role("front_desk"),
            "summarize",
            summary_request("svc"),
            &mut session,
        )
        .await
        .unwrap_err();
    assert!(
        matches!(
            refused,
            GatewayError::Audit {
                step: Step::Policy,
                ..
            }
        ),
        "{refused:?}"
    );
    assert_nothing_sent(&server).await;
}

#[tokio::test]
async fn audit_failure_on_intent_is_itself_recorded_when_possible() {
    let server = vendor().await;
    let sink = FlakySink::new(Action::AiRequest);
    let gateway = base(&MemoryAuditSink::new())
        .audit(sink.clone())
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
    assert!(matches!(error, GatewayError::Audit { .. }));
    assert_nothing_sent(&server).await;
    let events = sink.inner.events();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].outcome, Outcome::failed("audit_unavailable"));
}

#[tokio::test]
async fn a_policy_that_cannot_be_evaluated() {
    let policy = phiguard_ai::AiPolicy::from_cedar(
        r#"
        @id("clinicians") permit (principal in Group::"clinician", action == Action::"use_ai", resource);
        @id("broken") forbid (principal, action == Action::"use_ai", resource)
        when { 9223372036854775807 + 1 > 0 };
    "#,
    )
    .unwrap();
    let server = vendor().await;
    let audit = MemoryAuditSink::new();
    let gateway = Gateway::builder()
        .policy(policy)
        .purposes(default_purposes())
        .redactor(Redactor::safe_harbor())
        .audit(audit.clone())
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
    assert!(matches!(error, GatewayError::PolicyError(_)), "{error:?}");
    assert_nothing_sent(&server).await;
    let event = only_event(&audit);
    assert_eq!(event.action, Action::PolicyRefusal);
    assert_eq!(event.outcome, Outcome::failed("policy_error"));
}
