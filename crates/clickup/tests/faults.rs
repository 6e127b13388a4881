//! Fault tests: rate limits, server errors, timeouts, bad bodies, bad
//! webhooks. Every error's Display and Debug is checked for the planted
//! values in the bodies that caused it.

mod common;

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use common::{TOKEN, builder, plain_client};
use phiguard_clickup::webhooks::{WebhookReceiver, sign};
use phiguard_clickup::{BodyKind, Error, LabelSchema, RetryPolicy};
use secrecy::SecretString;
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const PLANTED: &str = "Quillon Farraday";

fn assert_clean(error: &Error) {
    let shown = format!("{error} | {error:?}");
    assert!(!shown.contains(PLANTED), "planted value leaked: {shown}");
    assert!(!shown.contains(TOKEN), "token leaked: {shown}");
    assert!(!shown.contains("secret_q="), "query string leaked: {shown}");
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

#[tokio::test]
async fn waits_for_reset_after_429_then_succeeds() {
    let server = MockServer::start().await;
    let reset = unix_now() + 1;
    Mock::given(method("GET"))
        .and(path("/api/v2/user"))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("x-ratelimit-limit", "100")
                .insert_header("x-ratelimit-remaining", "0")
                .insert_header("x-ratelimit-reset", reset.to_string().as_str())
                .set_body_json(json!({"err": "Rate limit reached", "ECODE": "APP_002"})),
        )
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v2/user"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"user": {"id": 1}})))
        .expect(1)
        .mount(&server)
        .await;

    let started = Instant::now();
    let user = plain_client(&server).authorized_user().await.unwrap();
    assert_eq!(user.id.unwrap().as_str(), "1");
    // The reset is up to a second away, plus the limiter's slack.
    assert!(
        started.elapsed() >= Duration::from_millis(200),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn a_429_storm_ends_in_a_typed_error() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v2/team"))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("x-ratelimit-reset", unix_now().to_string().as_str())
                .set_body_string(PLANTED),
        )
        .expect(3)
        .mount(&server)
        .await;
    let client = builder(&server)
        .labels(LabelSchema::no_phi())
        .retry(RetryPolicy::none().max_rate_limit_waits(2))
        .build()
        .unwrap();
    let error = client.workspaces().await.unwrap_err();
    assert!(error.is_rate_limited(), "{error:?}");
    assert_eq!(error.status(), Some(429));
    assert_clean(&error);
}

#[tokio::test]
async fn paces_when_the_budget_is_spent_and_clones_share_it() {
    let server = MockServer::start().await;
    let reset = unix_now() + 1;
    Mock::given(method("GET"))
        .and(path("/api/v2/user"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("x-ratelimit-limit", "100")
                .insert_header("x-ratelimit-remaining", "0")
                .insert_header("x-ratelimit-reset", reset.to_string().as_str())
                .set_body_json(json!({"user": {"id": 1}})),
        )
        .expect(2)
        .mount(&server)
        .await;
    let client = plain_client(&server);
    client.authorized_user().await.unwrap();
    let clone = client.clone();
    let started = Instant::now();
    clone.authorized_user().await.unwrap();
    assert!(
        started.elapsed() >= Duration::from_millis(200),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn retries_5xx_then_succeeds() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v2/team"))
        .respond_with(ResponseTemplate::new(503).set_body_string(format!("<html>{PLANTED}</html>")))
        .up_to_n_times(2)
        .expect(2)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v2/team"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"teams": []})))
        .expect(1)
        .mount(&server)
        .await;
    let teams = plain_client(&server).workspaces().await.unwrap();
    assert!(teams.is_empty());
}

#[tokio::test]
async fn post_is_not_retried_unless_opted_in() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/v2/space/1/folder"))
        .respond_with(
            ResponseTemplate::new(500).set_body_json(json!({"err": PLANTED, "ECODE": "SRV_001"})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let error = plain_client(&server)
        .create_folder(&"1".into(), "F")
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(500));
    assert_eq!(error.ecode(), Some("SRV_001"));
    assert_eq!(error.api_message(), Some(PLANTED));
    assert_clean(&error);

    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/v2/space/1/folder"))
        .respond_with(ResponseTemplate::new(500))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/v2/space/1/folder"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": "9"})))
        .expect(1)
        .mount(&server)
        .await;
    let client = builder(&server)
        .labels(LabelSchema::no_phi())
        .retry(
            RetryPolicy::default()
                .delays(Duration::from_millis(5), Duration::from_millis(10))
                .retry_post(true),
        )
        .build()
        .unwrap();
    assert_eq!(
        client
            .create_folder(&"1".into(), "F")
            .await
            .unwrap()
            .id
            .as_str(),
        "9"
    );
}

#[tokio::test]
async fn timeout_is_typed_and_retried() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v2/user"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_delay(Duration::from_secs(2))
                .set_body_json(json!({"user": {}})),
        )
        .mount(&server)
        .await;
    let client = builder(&server)
        .labels(LabelSchema::no_phi())
        .timeout(Duration::from_millis(150))
        .retry(
            RetryPolicy::default()
                .max_retries(1)
                .delays(Duration::from_millis(5), Duration::from_millis(5)),
        )
        .build()
        .unwrap();
    let error = client.authorized_user().await.unwrap_err();
    assert!(error.is_timeout(), "{error:?}");
    assert_clean(&error);
    // One try and one retry.
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

#[tokio::test]
async fn malformed_json_is_a_decode_error_without_values() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v2/task/t1"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_string(format!(r#"{{"id": "t1", "name": {PLANTED}}}"#)),
        )
        .mount(&server)
        .await;
    let error = plain_client(&server)
        .task("t1", &Default::default())
        .await
        .unwrap_err();
    assert!(error.is_decode(), "{error:?}");
    assert!(
        matches!(error, Error::Decode { kind: "syntax", .. }),
        "{error:?}"
    );
    assert_clean(&error);
}

#[tokio::test]
async fn wrong_types_are_a_decode_error_with_a_path() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v2/team"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"teams": [{"id": {"nested": PLANTED}}]})),
        )
        .mount(&server)
        .await;
    let error = plain_client(&server).workspaces().await.unwrap_err();
    assert!(error.to_string().contains("teams[0].id"), "{error}");
    assert_clean(&error);
}

#[tokio::test]
async fn html_error_page_is_typed() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .and(path("/api/v2/user"))
        .respond_with(
            ResponseTemplate::new(404)
                .insert_header("content-type", "text/html")
                .set_body_string(format!(
                    "<!DOCTYPE html><html><body>{PLANTED}</body></html>"
                )),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v2/user"))
        .respond_with(ResponseTemplate::new(502).set_body_string(format!("<html>{PLANTED}</html>")))
        .mount(&server)
        .await;
    let client = builder(&server)
        .labels(LabelSchema::no_phi())
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let error = client.authorized_user().await.unwrap_err();
    assert!(
        matches!(
            error,
            Error::UnexpectedBody {
                status: 502,
                body: BodyKind::Html,
                ..
            }
        ),
        "{error:?}"
    );
    assert_clean(&error);
}

#[tokio::test]
async fn empty_error_body_is_typed() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .and(path("/api/v2/task/t1"))
        .respond_with(ResponseTemplate::new(404))
        .mount(&server)
        .await;
    let error = plain_client(&server).delete_task("t1").await.unwrap_err();
    assert!(error.is_not_found());
    assert!(
        matches!(
            error,
            Error::UnexpectedBody {
                body: BodyKind::Empty,
                ..
            }
        ),
        "{error:?}"
    );
}

#[tokio::test]
async fn truncated_body_is_an_eof_decode_error() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v2/list/1/task"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_string(format!(r#"{{"tasks": [{{"id": "a", "name": "{PLANTED}"#)),
        )
        .mount(&server)
        .await;
    let error = plain_client(&server)
        .tasks_page(&"1".into(), &Default::default(), 0)
        .await
        .unwrap_err();
    assert!(
        matches!(error, Error::Decode { kind: "eof", .. }),
        "{error:?}"
    );
    assert_clean(&error);
}

#[tokio::test]
async fn auth_errors_keep_the_ecode() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v2/user"))
        .respond_with(
            ResponseTemplate::new(401)
                .set_body_json(json!({"err": "Token invalid", "ECODE": "OAUTH_025"})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let error = plain_client(&server).authorized_user().await.unwrap_err();
    assert!(error.is_auth());
    assert_eq!(error.ecode(), Some("OAUTH_025"));
    assert!(error.to_string().contains("OAUTH_025"), "{error}");
    assert!(error.to_string().contains("/v2/user"), "{error}");
    assert_clean(&error);
}

#[tokio::test]
async fn query_strings_never_reach_errors() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v2/list/1/task"))
        .respond_with(
            ResponseTemplate::new(400)
                .set_body_json(json!({"err": "bad filter", "ECODE": "ITEM_001"})),
        )
        .mount(&server)
        .await;
    let query = phiguard_clickup::TaskQuery::new().tag("secret_q=1");
    let error = plain_client(&server)
        .tasks_page(&"1".into(), &query, 0)
        .await
        .unwrap_err();
    assert_clean(&error);
}

#[test]
fn wrong_signature_is_rejected() {
    let secret = SecretString::from("whsec_test");
    let receiver = WebhookReceiver::new(secret.clone());
    let body = format!(
        r#"{{"event":"taskUpdated","webhook_id":"w1","task_id":"t1","history_items":[{{"id":"h1","after":"{PLANTED}"}}]}}"#
    );
    let good = sign(&secret, body.as_bytes());
    let forged = sign(&SecretString::from("other"), body.as_bytes());
    let error = receiver.receive(body.as_bytes(), &forged).unwrap_err();
    assert!(matches!(error, Error::BadSignature));
    assert_clean(&error);
    // Tampered body with the good signature.
    let tampered = body.replace("t1", "t2");
    assert!(matches!(
        receiver.receive(tampered.as_bytes(), &good),
        Err(Error::BadSignature)
    ));
    assert!(matches!(
        receiver.receive(body.as_bytes(), "not hex"),
        Err(Error::BadSignature)
    ));
    assert!(receiver.receive(body.as_bytes(), &good).is_ok());
}

#[test]
fn replayed_webhook_is_detected() {
    let secret = SecretString::from("whsec_test");
    let receiver = WebhookReceiver::new(secret.clone()).remember(100);
    let body = br#"{"event":"taskCreated","webhook_id":"w1","task_id":"t1","history_items":[{"id":"h1","date":"1642734631523"}]}"#;
    let sig = sign(&secret, body);
    let event = receiver.receive(body, &sig).unwrap();
    assert_eq!(event.history_items[0].id.as_deref(), Some("h1"));
    assert!(matches!(
        receiver.receive(body, &sig),
        Err(Error::DuplicateDelivery)
    ));
    // The same history item re-sent with other whitespace is still a repeat.
    let respaced = br#"{"event": "taskCreated", "webhook_id": "w1", "task_id": "t1", "history_items": [{"id": "h1"}]}"#;
    let sig = sign(&secret, respaced);
    assert!(matches!(
        receiver.receive(respaced, &sig),
        Err(Error::DuplicateDelivery)
    ));
    // A new history item is not.
    let next = br#"{"event":"taskCreated","webhook_id":"w1","task_id":"t1","history_items":[{"id":"h2"}]}"#;
    assert!(receiver.receive(next, &sign(&secret, next)).is_ok());
}

#[test]
fn malformed_webhook_body_is_a_decode_error() {
    let secret = SecretString::from("whsec_test");
    let receiver = WebhookReceiver::new(secret.clone());
    let body = format!(r#"{{"event": 5, "x": "{PLANTED}"}}"#);
    let error = receiver
        .receive(body.as_bytes(), &sign(&secret, body.as_bytes()))
        .unwrap_err();
    assert!(error.is_decode());
    assert_clean(&error);
}
