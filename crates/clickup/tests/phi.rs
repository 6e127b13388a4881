//! PHI tests: labelled reads arrive sealed, nothing planted shows in Debug,
//! Display or logs, and writes without ClickUp's clearance send nothing.

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex};

use common::{TOKEN, builder, registry};
use futures::TryStreamExt;
use phiguard_clickup::models::{FieldSlot, FieldValue, FieldWrite, NewComment, NewTask};
use phiguard_clickup::webhooks::{WebhookReceiver, sign};
use phiguard_clickup::{ClickUpClient, Credentials, Error, LabelSchema};
use phiguard_phi::{CategorySet, Phi, PhiCategory};
use phiguard_vendors::Clearance;
use secrecy::SecretString;
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const PATIENT: &str = "Zanzibar Quixote-Phelps";
const NOTE: &str = "suspected sarcoidosis, follow up";
const MRN: &str = "MRN-77889911";
const DOB: &str = "1504224000000";

const SCHEMA: &str = r#"
    unlisted_places = "no_phi"

    [[place]]
    kind = "space"
    id = "100"
    phi = true

    [[place]]
    kind = "list"
    id = "901"
    phi = true

    [[field]]
    name = "MRN"
    category = "medical_record_number"

    [[field]]
    id = "f-dob"
    category = "date"
"#;

fn planted() -> [&'static str; 4] {
    [PATIENT, NOTE, MRN, "sarcoidosis"]
}

fn assert_no_plants(text: &str) {
    for value in planted() {
        assert!(
            !text.contains(value),
            "planted value {value:?} leaked into: {text}"
        );
    }
    assert!(!text.contains(TOKEN), "token leaked into: {text}");
}

fn phi_task(id: &str, space: &str, list: &str) -> serde_json::Value {
    json!({
        "id": id,
        "name": PATIENT,
        "text_content": NOTE,
        "description": NOTE,
        "list": {"id": list}, "folder": {"id": "f", "hidden": true}, "space": {"id": space},
        "checklists": [{"id": "cl1", "name": "Plan", "items": [{"id": "i1", "name": NOTE}]}],
        "custom_fields": [
            {"id": "f-mrn", "name": "MRN", "type": "short_text", "value": MRN},
            {"id": "f-dob", "name": "Birth", "type": "date", "value": DOB},
            {"id": "f-sev", "name": "Severity", "type": "drop_down",
             "type_config": {"options": [{"id": "o0", "name": "Low", "orderindex": 0},
                                         {"id": "o1", "name": "High", "orderindex": 1}]},
             "value": 1},
            {"id": "f-note", "name": "Notes", "type": "text", "value": NOTE}
        ]
    })
}

fn client(server: &MockServer) -> ClickUpClient {
    builder(server)
        .labels(LabelSchema::from_toml_str(SCHEMA).unwrap())
        .test_clearance(Clearance::for_tests(
            "clickup-api-v2",
            "store_phi",
            CategorySet::all(),
        ))
        .build()
        .unwrap()
}

#[tokio::test]
async fn phi_task_arrives_sealed_and_debug_shows_no_values() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v2/task/t1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(phi_task("t1", "100", "500")))
        .mount(&server)
        .await;
    let task = client(&server)
        .task("t1", &Default::default())
        .await
        .unwrap();

    assert_eq!(task.name.category(), Some(PhiCategory::ClinicalNote));
    assert_eq!(task.name.as_phi().unwrap().expose_phi(), PATIENT);
    assert!(task.description.as_ref().unwrap().is_phi());
    assert!(task.checklists[0].items[0].name.as_ref().unwrap().is_phi());

    let mrn = task.field_named("MRN").unwrap().phi_value().unwrap();
    assert_eq!(mrn.category(), PhiCategory::MedicalRecordNumber);
    assert_eq!(*mrn.expose_phi(), FieldValue::Text(MRN.into()));
    let dob = task.field("f-dob").unwrap().phi_value().unwrap();
    assert_eq!(dob.category(), PhiCategory::Date);
    // Unlabelled free text in a PHI place is sealed too.
    assert!(task.field("f-note").unwrap().phi_value().is_some());
    // Unlabelled non-text values are released, dropdowns with both forms.
    assert_eq!(
        task.field("f-sev").unwrap().plain_value(),
        Some(&FieldValue::DropDown {
            orderindex: 1,
            option_id: Some("o1".into())
        })
    );

    assert_no_plants(&format!("{task:?} {task:#?}"));
    // Serializing sealed text without a clearance fails closed.
    assert!(serde_json::to_string(&task.name).is_err());
}

#[tokio::test]
async fn task_outside_phi_places_is_plain_but_labelled_fields_stay_sealed() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v2/task/t2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(phi_task("t2", "200", "500")))
        .mount(&server)
        .await;
    let task = client(&server)
        .task("t2", &Default::default())
        .await
        .unwrap();
    assert_eq!(task.name.as_plain(), Some(PATIENT));
    assert!(matches!(
        task.field_named("MRN").unwrap().value,
        FieldSlot::Phi(_)
    ));
    assert!(task.field("f-note").unwrap().plain_value().is_some());
}

#[tokio::test]
async fn comments_of_a_phi_task_arrive_sealed() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v2/task/t1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(phi_task("t1", "100", "500")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v2/task/t1/comment"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"comments": [
            {"id": "c1", "comment": [{"text": NOTE}], "comment_text": NOTE, "date": "1700000000000",
             "user": {"id": 5, "username": "Dr Who"}}
        ]})))
        .expect(1)
        .mount(&server)
        .await;
    // The client reads the task once to learn where it lives.
    let comments: Vec<_> = client(&server)
        .task_comments("t1")
        .try_collect()
        .await
        .unwrap();
    assert_eq!(comments.len(), 1);
    assert!(comments[0].comment_text.is_phi());
    assert!(comments[0].comment[0].text.is_phi());
    assert_no_plants(&format!("{comments:?}"));
}

#[tokio::test]
async fn task_stream_labels_by_list() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v2/list/901/task"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "tasks": [{"id": "a", "name": PATIENT}], "last_page": true
        })))
        .mount(&server)
        .await;
    let tasks: Vec<_> = client(&server)
        .tasks(&"901".into(), &Default::default())
        .try_collect()
        .await
        .unwrap();
    // The task body names no place; the list it was read from is a PHI list.
    assert!(tasks[0].name.is_phi());
}

#[tokio::test]
async fn write_without_clickup_clearance_sends_nothing() {
    let server = MockServer::start().await;
    let Some(registry) = registry(&server, false) else {
        return;
    };
    let client = ClickUpClient::builder(Credentials::personal(TOKEN))
        .base_url(format!("{}/api", server.uri()))
        .registry(registry)
        .labels(LabelSchema::from_toml_str(SCHEMA).unwrap())
        .build()
        .unwrap();
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": "x"})))
        .mount(&server)
        .await;

    // Plain text bound for a PHI list is sealed, then refused.
    let error = client
        .create_task(&"901".into(), NewTask::new(PATIENT).description(NOTE))
        .await
        .unwrap_err();
    assert!(error.is_refused(), "{error:?}");
    let refusal = error.refusal().expect("registry refusal");
    assert!(!refusal.reasons().is_empty());
    assert_no_plants(&format!("{error} {error:?}"));

    let error = client
        .create_list_comment(
            &"901".into(),
            NewComment::new(Phi::new(NOTE.to_owned(), PhiCategory::ClinicalNote)),
        )
        .await
        .unwrap_err();
    assert!(error.is_refused());
    assert_no_plants(&format!("{error} {error:?}"));

    assert_eq!(
        server.received_requests().await.unwrap().len(),
        0,
        "a request reached clickup"
    );
}

#[tokio::test]
async fn test_mode_without_clearance_sends_nothing() {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
        .mount(&server)
        .await;
    let client = builder(&server)
        .labels(LabelSchema::all_phi())
        .build()
        .unwrap();
    let error = client
        .create_task_comment("t1", NewComment::new(NOTE))
        .await
        .unwrap_err();
    assert!(
        matches!(error, Error::NoClearanceSource { .. }),
        "{error:?}"
    );
    let error = client
        .set_field_value("t1", &"f".into(), FieldWrite::Text(MRN.into()))
        .await
        .unwrap_err();
    assert!(error.is_refused());
    let error = client
        .upload_attachment("t1", "scan.pdf", "application/pdf", b"%PDF".to_vec())
        .await
        .unwrap_err();
    assert!(error.is_refused());
    assert_eq!(server.received_requests().await.unwrap().len(), 0);
}

#[tokio::test]
async fn clearance_that_misses_a_category_sends_nothing() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v2/task/t1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(phi_task("t1", "100", "500")))
        .mount(&server)
        .await;
    let narrow = CategorySet::from(PhiCategory::ClinicalNote);
    let client = builder(&server)
        .labels(LabelSchema::from_toml_str(SCHEMA).unwrap())
        .test_clearance(Clearance::for_tests("clickup-api-v2", "store_phi", narrow))
        .build()
        .unwrap();
    // Learn the field's name from a read, then write the labelled field.
    client.task("t1", &Default::default()).await.unwrap();
    let error = client
        .set_field_value("t1", &"f-mrn".into(), FieldWrite::Text(MRN.into()))
        .await
        .unwrap_err();
    assert!(error.is_refused(), "{error:?}");
    assert!(error.to_string().contains("serialized"), "{error}");
    assert_no_plants(&format!("{error} {error:?}"));
    let posts = server
        .received_requests()
        .await
        .unwrap()
        .into_iter()
        .filter(|r| r.method == wiremock::http::Method::POST)
        .count();
    assert_eq!(posts, 0);
}

#[tokio::test]
async fn cleared_write_carries_the_text() {
    let server = MockServer::start().await;
    let Some(registry) = registry(&server, true) else {
        return;
    };
    Mock::given(method("POST"))
        .and(path("/api/v2/list/901/task"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"id": "new", "name": PATIENT, "list": {"id": "901"}})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let client = ClickUpClient::builder(Credentials::personal(TOKEN))
        .base_url(format!("{}/api", server.uri()))
        .registry(registry)
        .labels(LabelSchema::from_toml_str(SCHEMA).unwrap())
        .build()
        .unwrap();
    let created = client
        .create_task(&"901".into(), NewTask::new(PATIENT))
        .await
        .unwrap();
    assert!(created.name.is_phi());
    let sent = server.received_requests().await.unwrap();
    let body: serde_json::Value = serde_json::from_slice(&sent[0].body).unwrap();
    assert_eq!(body["name"], PATIENT);
}

#[tokio::test]
async fn hosts_outside_the_registry_are_refused() {
    let server = MockServer::start().await;
    let Some(registry) = registry(&server, true) else {
        return;
    };
    let error = ClickUpClient::builder(Credentials::personal(TOKEN))
        .base_url("http://127.0.0.2:9/api")
        .registry(registry.clone())
        .build()
        .unwrap_err();
    assert!(matches!(error, Error::HostNotAllowed { .. }), "{error:?}");
    // A host declared for another service is refused too.
    let error = ClickUpClient::builder(Credentials::personal(TOKEN))
        .base_url("https://phiguard-sample.openai.azure.com/api")
        .registry(registry)
        .build()
        .unwrap_err();
    assert!(matches!(error, Error::HostNotAllowed { .. }), "{error:?}");
    // ClickUp's real host, as the sample registry declares it, is allowed.
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/config/vendors.toml"
    );
    let sample = phiguard_vendors::VendorRegistry::load(path).expect("sample registry loads");
    let client = ClickUpClient::builder(Credentials::personal(TOKEN))
        .registry(Arc::new(sample))
        .build()
        .expect("api.clickup.com is declared for clickup-api-v2");
    assert_eq!(client.base_url().host_str(), Some("api.clickup.com"));
    // Neither registry nor test mode: refused.
    assert!(
        ClickUpClient::builder(Credentials::personal(TOKEN))
            .build()
            .is_err()
    );
}

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test(flavor = "current_thread")]
async fn logs_of_a_whole_run_hold_no_phi_tokens_or_queries() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    // The global default, not a scoped one: tracing caches per-callsite
    // interest process-wide, and a scoped subscriber races with tests on
    // other threads that reach the same callsites first (events then go
    // missing under load). Other tests' logs land here too, and must be
    // as clean.
    tracing::subscriber::set_global_default(subscriber).unwrap();

    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v2/task/t1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(phi_task("t1", "100", "500")))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/v2/task/t1/comment"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": "c9", "date": 1})))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v2/list/1/task"))
        .respond_with(
            ResponseTemplate::new(400).set_body_json(json!({"err": PATIENT, "ECODE": "X_1"})),
        )
        .mount(&server)
        .await;
    let client = client(&server);
    let task = client.task("t1", &Default::default()).await.unwrap();
    client
        .create_task_comment(&task, NewComment::new(NOTE))
        .await
        .unwrap();
    let query = phiguard_clickup::TaskQuery::new().tag(MRN);
    let _ = client.tasks_page(&"1".into(), &query, 0).await;
    let secret = SecretString::from("s");
    let body = format!(
        r#"{{"event":"taskUpdated","task_id":"t1","history_items":[{{"id":"h","after":"{PATIENT}"}}]}}"#
    );
    let event = WebhookReceiver::new(secret.clone())
        .receive(body.as_bytes(), &sign(&secret, body.as_bytes()))
        .unwrap();
    tracing::info!(event = ?event, "received");

    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(logs.contains("clickup.request"), "{logs}");
    assert!(
        logs.contains("/v2/task/{task_id}"),
        "route templates are logged: {logs}"
    );
    assert!(logs.contains("status=200"), "{logs}");
    assert!(logs.contains("phi write cleared"), "{logs}");
    assert_no_plants(&logs);
}

#[derive(Debug, Default)]
struct Recorder(Mutex<Vec<phiguard_clickup::observer::PhiWrite>>);

impl phiguard_clickup::observer::PhiWriteObserver for Recorder {
    fn record(&self, write: &phiguard_clickup::observer::PhiWrite) {
        self.0.lock().unwrap().push(write.clone());
    }
}

#[tokio::test]
async fn phi_writes_are_reported_without_values() {
    use phiguard_clickup::observer::PhiWriteOutcome;

    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/v2/list/901/comment"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": "c1", "date": 1})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/v2/list/901/task"))
        .respond_with(ResponseTemplate::new(500).set_body_string(NOTE))
        .expect(1)
        .mount(&server)
        .await;
    let recorder = Arc::new(Recorder::default());
    let narrow = CategorySet::from(PhiCategory::ClinicalNote);
    let client = builder(&server)
        .labels(LabelSchema::from_toml_str(SCHEMA).unwrap())
        .test_clearance(Clearance::for_tests("clickup-api-v2", "store_phi", narrow))
        .phi_write_observer(recorder.clone())
        .build()
        .unwrap();

    client
        .create_list_comment(&"901".into(), NewComment::new(NOTE))
        .await
        .unwrap();
    let refused = NewComment::new(Phi::new(PATIENT.to_owned(), PhiCategory::Name));
    client
        .create_list_comment(&"901".into(), refused)
        .await
        .unwrap_err();
    client
        .create_task(&"901".into(), NewTask::new(PATIENT))
        .await
        .unwrap_err();

    let records = recorder.0.lock().unwrap().clone();
    assert_eq!(records.len(), 3, "{records:?}");
    assert_eq!(records[0].outcome, PhiWriteOutcome::Delivered);
    assert_eq!(records[0].baa_id.as_deref(), Some("test-baa"));
    assert_eq!(records[0].route, "/v2/list/{list_id}/comment");
    assert!(matches!(
        records[1].outcome,
        PhiWriteOutcome::Refused { .. }
    ));
    assert!(records[1].categories.contains(PhiCategory::Name));
    assert!(matches!(
        records[2].outcome,
        PhiWriteOutcome::Unconfirmed { .. }
    ));
    assert_no_plants(&format!("{records:?}"));
}
