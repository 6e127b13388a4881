//! Shared helpers for the wiremock tests.
#![allow(dead_code, unreachable_pub)]

use std::sync::Arc;
use std::time::Duration;

use phiguard_clickup::{ClickUpClient, ClientBuilder, Credentials, LabelSchema, RetryPolicy};
use phiguard_phi::CategorySet;
use phiguard_vendors::{Clearance, VendorRegistry};
use wiremock::MockServer;

pub const TOKEN: &str = "pk_test_token_0123456789";

/// A builder pointed at the mock server in test mode, fast retries.
pub fn builder(server: &MockServer) -> ClientBuilder {
    ClickUpClient::builder(Credentials::personal(TOKEN))
        .base_url(format!("{}/api", server.uri()))
        .test_mode()
        .allow_test_host("127.0.0.1")
        .retry(RetryPolicy::default().delays(Duration::from_millis(5), Duration::from_millis(20)))
        .timeout(Duration::from_secs(5))
}

/// A client for a workspace without PHI.
pub fn plain_client(server: &MockServer) -> ClickUpClient {
    builder(server)
        .labels(LabelSchema::no_phi())
        .build()
        .unwrap()
}

/// A client that treats everything as PHI and holds a test clearance for
/// every category.
pub fn cleared_client(server: &MockServer) -> ClickUpClient {
    builder(server)
        .labels(LabelSchema::all_phi())
        .test_clearance(Clearance::for_tests(
            "clickup-api-v2",
            "store_phi",
            CategorySet::all(),
        ))
        .build()
        .unwrap()
}

/// The sample vendor registry with ClickUp's host pointed at the mock
/// server; `store_phi_covered = false` drops the purpose from ClickUp's
/// agreement.
pub fn registry(server: &MockServer, store_phi_covered: bool) -> Option<Arc<VendorRegistry>> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/config/vendors.toml"
    );
    let Ok(text) = std::fs::read_to_string(path) else {
        println!("skipped: examples/config/vendors.toml is not there");
        return None;
    };
    let port = server.address().port();
    let mut text = text.replace(
        r#"hosts = ["api.clickup.com"]"#,
        &format!(r#"hosts = ["127.0.0.1:{port}"]"#),
    );
    if !store_phi_covered {
        let start = text
            .find(r#"id = "clickup-baa""#)
            .expect("sample has clickup-baa");
        let line = text[start..]
            .find(r#"permitted_purposes = ["store_phi"]"#)
            .expect("purpose line")
            + start;
        text.replace_range(
            line..line + r#"permitted_purposes = ["store_phi"]"#.len(),
            r#"permitted_purposes = ["summarize"]"#,
        );
    }
    Some(Arc::new(
        VendorRegistry::from_toml_str(&text).expect("sample registry loads"),
    ))
}

/// A minimal task in list `list`, space `space`.
pub fn task_json(id: &str, name: &str, list: &str, space: &str) -> serde_json::Value {
    serde_json::json!({
        "id": id,
        "name": name,
        "text_content": format!("{name} text"),
        "description": format!("{name} description"),
        "status": {"status": "to do", "color": "#d3d3d3", "orderindex": 0, "type": "open"},
        "date_created": "1700000000000",
        "list": {"id": list, "name": "List", "access": true},
        "folder": {"id": "f1", "name": "hidden", "hidden": true, "access": true},
        "space": {"id": space},
        "custom_fields": [],
    })
}
