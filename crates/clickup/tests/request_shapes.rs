//! Request bodies against ClickUp's OpenAPI document: every key the client
//! sends is a property the operation's schema declares, and every
//! SetCustomFieldValue request example is produced exactly by a
//! [`FieldWrite`].
//!
//! Reads the document beside the examples folder (see the conformance
//! test); skips with a printed line when it is not there.

use std::path::PathBuf;

use phiguard_clickup::models::{
    AssigneeChange, CommentUpdate, FieldWrite, GuestSpec, InlineField, ListSpec, NewComment,
    NewTask, SpaceSpec, TaskUpdate, Timestamp, ViewSpec,
};
use phiguard_clickup::webhooks::WebhookEventKind;
use phiguard_clickup::{ChecklistItemSpec, NewWebhook, WebhookUpdate};
use serde_json::Value;

fn examples_dir() -> Option<PathBuf> {
    let responses = std::env::var_os("CLICKUP_OPENAPI_EXAMPLES")
        .map(PathBuf::from)
        .or_else(|| {
            let fallback = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("../../../shared/reference/clickup-openapi/examples/responses");
            fallback.is_dir().then_some(fallback)
        })?;
    Some(responses.join(".."))
}

/// Request body properties per operation id, from the spec.
fn spec_properties(spec: &Value) -> std::collections::HashMap<String, Vec<String>> {
    let mut out = std::collections::HashMap::new();
    for ops in spec["paths"]
        .as_object()
        .into_iter()
        .flat_map(|p| p.values())
    {
        for op in ops.as_object().into_iter().flat_map(|o| o.values()) {
            let Some(id) = op["operationId"].as_str() else {
                continue;
            };
            let schema = &op["requestBody"]["content"]["application/json"]["schema"];
            if let Some(props) = schema["properties"].as_object() {
                out.insert(id.to_owned(), props.keys().cloned().collect());
            }
        }
    }
    out
}

/// Numbers compare by value (`8000` and `8000.0` are the same number).
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same(a, b))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        _ => a == b,
    }
}

#[test]
fn request_bodies_use_only_declared_keys() {
    let Some(dir) = examples_dir() else {
        println!("request shapes: skipped (no examples folder; set CLICKUP_OPENAPI_EXAMPLES)");
        return;
    };
    let spec_path = dir.join("../clickup-api-v2-reference.json");
    let spec: Value =
        serde_json::from_slice(&std::fs::read(&spec_path).expect("spec beside examples"))
            .expect("spec parses");
    let properties = spec_properties(&spec);

    let task = NewTask::new("n")
        .description("d")
        .markdown("m")
        .assignee(1)
        .tag("t")
        .status("open")
        .priority(3)
        .due(Timestamp::from_millis(1), true)
        .parent("p")
        .field(InlineField::new("f", FieldWrite::Number(1.0)));
    let mut update = TaskUpdate::new()
        .name("n")
        .description("d")
        .markdown("m")
        .status("s")
        .priority(1)
        .archived(false);
    update.assignees = Some(AssigneeChange::default());
    let bodies: Vec<(&str, Value)> = vec![
        ("CreateTask", serde_json::to_value(&task).unwrap()),
        ("UpdateTask", serde_json::to_value(&update).unwrap()),
        (
            "CreateTaskComment",
            serde_json::to_value(NewComment::new("c").assignee("1")).unwrap(),
        ),
        (
            "CreateListComment",
            serde_json::to_value(NewComment::new("c").assignee("1")).unwrap(),
        ),
        (
            "UpdateComment",
            serde_json::to_value(CommentUpdate::new("c").resolved(true)).unwrap(),
        ),
        (
            "CreateChecklistItem",
            serde_json::to_value(ChecklistItemSpec::new("i").assignee(1)).unwrap(),
        ),
        (
            "EditChecklistItem",
            serde_json::to_value(ChecklistItemSpec::new("i").resolved(true)).unwrap(),
        ),
        (
            "CreateSpace",
            serde_json::to_value(SpaceSpec::new("s").multiple_assignees(true)).unwrap(),
        ),
        (
            "CreateList",
            serde_json::to_value(ListSpec::new("l").content("c")).unwrap(),
        ),
        (
            "CreateFolderlessList",
            serde_json::to_value(ListSpec::new("l").content("c")).unwrap(),
        ),
        (
            "InviteGuestToWorkspace",
            serde_json::to_value(GuestSpec::invite("g@example.test").can_edit_tags(true)).unwrap(),
        ),
        (
            "CreateListView",
            serde_json::to_value(ViewSpec::new("v", "list")).unwrap(),
        ),
        (
            "CreateWebhook",
            serde_json::to_value(
                NewWebhook::new("https://x.test", &[WebhookEventKind::TaskCreated]).list("1"),
            )
            .unwrap(),
        ),
        (
            "UpdateWebhook",
            serde_json::to_value(WebhookUpdate::new("https://x.test", &[])).unwrap(),
        ),
    ];

    let mut checked = 0;
    let mut problems = Vec::new();
    for (op, body) in &bodies {
        let Some(declared) = properties.get(*op) else {
            problems.push(format!("{op}: no request schema in the spec"));
            continue;
        };
        for key in body.as_object().expect("bodies are objects").keys() {
            checked += 1;
            if !declared.contains(key) {
                problems.push(format!("{op}: `{key}` is not declared"));
            }
        }
    }
    println!(
        "request shapes: {checked} keys in {} bodies checked against the spec",
        bodies.len()
    );
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn set_custom_field_value_examples_are_reproduced() {
    let Some(dir) = examples_dir() else {
        println!("request shapes: skipped (no examples folder; set CLICKUP_OPENAPI_EXAMPLES)");
        return;
    };
    let read = |name: &str| -> Value {
        serde_json::from_slice(
            &std::fs::read(dir.join("requests").join(name)).expect("example exists"),
        )
        .expect("example parses")
    };
    let cases: Vec<(&str, FieldWrite)> = vec![
        (
            "SetCustomFieldValue.json",
            FieldWrite::Text("https://clickup.com/api".into()),
        ),
        (
            "SetCustomFieldValue.2.json",
            FieldWrite::DropDownOption("uuid1234".into()),
        ),
        (
            "SetCustomFieldValue.3.json",
            FieldWrite::Text("user@company.com".into()),
        ),
        (
            "SetCustomFieldValue.4.json",
            FieldWrite::Text("+1 201 555 0123".into()),
        ),
        (
            "SetCustomFieldValue.5.json",
            FieldWrite::Date {
                at: Timestamp::from_millis(1667367645000),
                time: true,
            },
        ),
        (
            "SetCustomFieldValue.6.json",
            FieldWrite::Text("This is short or long text in a Custom Field.".into()),
        ),
        ("SetCustomFieldValue.7.json", FieldWrite::Number(-28.0)),
        ("SetCustomFieldValue.8.json", FieldWrite::Currency(8000.0)),
        (
            "SetCustomFieldValue.9.json",
            FieldWrite::Tasks {
                add: vec!["abcd1234".into(), "efghi5678".into()],
                rem: vec!["jklm9876".into(), "yuiop5678".into()],
            },
        ),
        (
            "SetCustomFieldValue.10.json",
            FieldWrite::Users {
                add: vec![123, 456],
                rem: vec![987, 765],
            },
        ),
        ("SetCustomFieldValue.11.json", FieldWrite::Rating(4)),
        (
            "SetCustomFieldValue.12.json",
            FieldWrite::ManualProgress(20.0),
        ),
        (
            "SetCustomFieldValue.13.json",
            FieldWrite::Labels(vec!["uuid1234".into(), "uuid9876".into()]),
        ),
        (
            "SetCustomFieldValue.14.json",
            FieldWrite::Location {
                lat: -28.016667,
                lng: 153.4,
                formatted_address: "Gold Coast QLD, Australia".into(),
            },
        ),
        ("SetCustomFieldValue.15.json", FieldWrite::Checkbox(true)),
    ];
    let mut matched = 0;
    let mut misses = Vec::new();
    for (file, write) in &cases {
        let expected = read(file);
        let ours = serde_json::to_value(write).unwrap();
        if same(&expected, &ours) {
            matched += 1;
        } else {
            misses.push(format!("{file}: expected {expected}, sent {ours}"));
        }
    }
    println!(
        "request shapes: {matched}/{} SetCustomFieldValue examples reproduced",
        cases.len()
    );
    assert!(misses.is_empty(), "{misses:#?}");
}
