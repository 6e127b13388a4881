//! One wiremock test per covered operation: method, path, query, headers
//! and body are matched; each mock expects exactly one call.

mod common;

use common::{TOKEN, cleared_client, plain_client, task_json};
use futures::TryStreamExt;
use phiguard_clickup::models::{
    CommentUpdate, FieldWrite, GuestPermission, GuestSpec, ListSpec, NewComment, NewTask,
    SpaceSpec, Tag, TaskUpdate, Timestamp, ViewSpec,
};
use phiguard_clickup::webhooks::WebhookEventKind;
use phiguard_clickup::{
    CommentCursor, GetTaskOptions, NewWebhook, OAuthApp, OrderBy, TaskQuery, TaskRef, WebhookUpdate,
};
use secrecy::{ExposeSecret, SecretString};
use serde_json::json;
use wiremock::matchers::{body_json, header, header_exists, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn ok(body: serde_json::Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(body)
}

async fn server() -> MockServer {
    MockServer::start().await
}

#[tokio::test]
async fn get_authorized_user() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path("/api/v2/user"))
        .and(header("authorization", TOKEN))
        .respond_with(ok(
            json!({"user": {"id": 123, "username": "Ops Bot", "timezone": "UTC"}}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let user = plain_client(&server).authorized_user().await.unwrap();
    assert_eq!(user.id.unwrap().as_str(), "123");
    assert_eq!(user.timezone.as_deref(), Some("UTC"));
}

#[tokio::test]
async fn get_workspaces() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path("/api/v2/team"))
        .respond_with(ok(
            json!({"teams": [{"id": "9001", "name": "Clinic", "members": null}]}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let teams = plain_client(&server).workspaces().await.unwrap();
    assert_eq!(teams[0].id.as_str(), "9001");
    assert!(teams[0].members.is_empty());
}

#[tokio::test]
async fn oauth_code_exchange_sends_no_authorization() {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path("/api/v2/oauth/token"))
        .and(body_json(
            json!({"client_id": "cid", "client_secret": "csecret", "code": "abc"}),
        ))
        .respond_with(ok(json!({"access_token": "oauth_tok"})))
        .expect(1)
        .mount(&server)
        .await;
    let client = plain_client(&server);
    let app = OAuthApp::new(
        "cid",
        SecretString::from("csecret"),
        "https://example.test/cb",
    );
    let creds = client.exchange_oauth_code(&app, "abc").await.unwrap();
    let received = server.received_requests().await.unwrap();
    assert!(received[0].headers.get("authorization").is_none());

    // The new token is sent as a bearer token.
    Mock::given(method("GET"))
        .and(path("/api/v2/user"))
        .and(header("authorization", "Bearer oauth_tok"))
        .respond_with(ok(json!({"user": {"id": 1}})))
        .expect(1)
        .mount(&server)
        .await;
    client
        .with_credentials(creds)
        .unwrap()
        .authorized_user()
        .await
        .unwrap();
    assert!(!format!("{app:?}").contains("csecret"));
}

#[tokio::test]
async fn spaces_crud() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path("/api/v2/team/9001/space"))
        .and(query_param("archived", "false"))
        .respond_with(ok(
            json!({"spaces": [{"id": 790, "name": "Care", "color": null}]}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v2/space/790"))
        .respond_with(ok(json!({"id": "790", "name": "Care"})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/v2/team/9001/space"))
        .and(body_json(
            json!({"name": "New", "multiple_assignees": true}),
        ))
        .respond_with(ok(json!({"id": "791", "name": "New"})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path("/api/v2/space/791"))
        .and(body_json(json!({"name": "Renamed"})))
        .respond_with(ok(json!({"id": "791", "name": "Renamed"})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/api/v2/space/791"))
        .respond_with(ok(json!({})))
        .expect(1)
        .mount(&server)
        .await;

    let client = plain_client(&server);
    let spaces = client.spaces(&"9001".into(), false).await.unwrap();
    assert_eq!(spaces[0].id.as_str(), "790");
    assert_eq!(
        client.space(&"790".into()).await.unwrap().name.as_deref(),
        Some("Care")
    );
    let created = client
        .create_space(
            &"9001".into(),
            &SpaceSpec::new("New").multiple_assignees(true),
        )
        .await
        .unwrap();
    assert_eq!(created.id.as_str(), "791");
    let renamed = client
        .update_space(&"791".into(), &SpaceSpec::new("Renamed"))
        .await
        .unwrap();
    assert_eq!(renamed.name.as_deref(), Some("Renamed"));
    client.delete_space(&"791".into()).await.unwrap();
}

#[tokio::test]
async fn folders_crud() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path("/api/v2/space/790/folder"))
        .and(query_param("archived", "true"))
        .respond_with(ok(
            json!({"folders": [{"id": "457", "task_count": "3", "lists": null}]}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v2/folder/457"))
        .respond_with(ok(json!({"id": "457", "name": "Intake"})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/v2/space/790/folder"))
        .and(body_json(json!({"name": "Referrals"})))
        .respond_with(ok(json!({"id": "458", "name": "Referrals"})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path("/api/v2/folder/458"))
        .and(body_json(json!({"name": "Referrals 2"})))
        .respond_with(ok(json!({"id": "458", "name": "Referrals 2"})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/api/v2/folder/458"))
        .respond_with(ok(json!({})))
        .expect(1)
        .mount(&server)
        .await;

    let client = plain_client(&server);
    let folders = client.folders(&"790".into(), true).await.unwrap();
    assert_eq!(folders[0].task_count, Some(3));
    assert_eq!(
        client.folder(&"457".into()).await.unwrap().name.as_deref(),
        Some("Intake")
    );
    assert_eq!(
        client
            .create_folder(&"790".into(), "Referrals")
            .await
            .unwrap()
            .id
            .as_str(),
        "458"
    );
    client
        .update_folder(&"458".into(), "Referrals 2")
        .await
        .unwrap();
    client.delete_folder(&"458".into()).await.unwrap();
}

#[tokio::test]
async fn lists_crud_and_folderless() {
    let server = server().await;
    let list = json!({"id": "124", "name": "Follow-ups", "task_count": 10,
        "folder": {"id": "456", "hidden": false}, "space": {"id": "789"}});
    Mock::given(method("GET"))
        .and(path("/api/v2/folder/456/list"))
        .and(query_param("archived", "false"))
        .respond_with(ok(json!({"lists": [list.clone()]})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v2/space/789/list"))
        .respond_with(ok(json!({"lists": []})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v2/list/124"))
        .respond_with(ok(list.clone()))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/v2/folder/456/list"))
        .and(body_json(json!({"name": "Labs", "content": "Lab orders"})))
        .respond_with(ok(json!({"id": "125", "name": "Labs"})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/v2/space/789/list"))
        .and(body_json(json!({"name": "Loose"})))
        .respond_with(ok(json!({"id": "126", "name": "Loose"})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path("/api/v2/list/125"))
        .and(body_json(json!({"name": "Labs 2"})))
        .respond_with(ok(json!({"id": "125", "name": "Labs 2"})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/api/v2/list/125"))
        .respond_with(ok(json!({})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/v2/list/125/task/9hx"))
        .respond_with(ok(json!({})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/api/v2/list/125/task/9hx"))
        .respond_with(ok(json!({})))
        .expect(1)
        .mount(&server)
        .await;

    let client = plain_client(&server);
    let lists = client.lists(&"456".into(), false).await.unwrap();
    assert_eq!(lists[0].task_count, Some(10));
    assert!(
        client
            .folderless_lists(&"789".into(), false)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        client
            .list("124")
            .await
            .unwrap()
            .space
            .unwrap()
            .id
            .as_deref(),
        Some("789")
    );
    client
        .create_list(&"456".into(), &ListSpec::new("Labs").content("Lab orders"))
        .await
        .unwrap();
    client
        .create_folderless_list(&"789".into(), &ListSpec::new("Loose"))
        .await
        .unwrap();
    client
        .update_list(&"125".into(), &ListSpec::new("Labs 2"))
        .await
        .unwrap();
    client.delete_list(&"125".into()).await.unwrap();
    client
        .add_task_to_list(&"125".into(), &"9hx".into())
        .await
        .unwrap();
    client
        .remove_task_from_list(&"125".into(), &"9hx".into())
        .await
        .unwrap();
}

#[tokio::test]
async fn get_task_with_custom_id_and_options() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path("/api/v2/task/DEV-42"))
        .and(query_param("custom_task_ids", "true"))
        .and(query_param("team_id", "9001"))
        .and(query_param("include_subtasks", "true"))
        .and(query_param("include_markdown_description", "true"))
        .respond_with(ok(json!({
            "id": "9hx", "custom_id": "DEV-42", "name": "Rota",
            "time_estimate": "8640000", "time_spent": 0, "points": null, "priority": null,
            "subtasks": [{"id": "9hy", "name": "Sub", "parent": "9hx"}],
        })))
        .expect(1)
        .mount(&server)
        .await;
    let client = plain_client(&server);
    let task = client
        .task(
            TaskRef::custom("DEV-42", "9001"),
            &GetTaskOptions::default()
                .include_subtasks(true)
                .include_markdown_description(true),
        )
        .await
        .unwrap();
    assert_eq!(task.custom_id.as_deref(), Some("DEV-42"));
    assert_eq!(task.time_estimate, Some(8_640_000));
    assert_eq!(task.subtasks[0].parent.as_ref().unwrap().as_str(), "9hx");
    assert_eq!(task.name.as_plain(), Some("Rota"));
}

#[tokio::test]
async fn create_update_delete_task() {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path("/api/v2/list/124/task"))
        .and(header("content-type", "application/json"))
        .and(body_json(json!({
            "name": "Order supplies", "description": "gloves", "assignees": [183],
            "tags": ["ops"], "status": "to do", "priority": 2,
            "due_date": 1_700_000_000_000_i64, "due_date_time": false, "parent": "9hx",
            "custom_fields": [{"id": "f-size", "value": "opt-large"}]
        })))
        .respond_with(ok(task_json("9hz", "Order supplies", "124", "789")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path("/api/v2/task/9hz"))
        .and(body_json(
            json!({"name": "Order more", "status": "done", "archived": false}),
        ))
        .respond_with(ok(task_json("9hz", "Order more", "124", "789")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/api/v2/task/9hz"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;

    let client = plain_client(&server);
    let task = NewTask::new("Order supplies")
        .description("gloves")
        .assignee(183)
        .tag("ops")
        .status("to do")
        .priority(2)
        .due(Timestamp::from_millis(1_700_000_000_000), false)
        .parent("9hx")
        .field(phiguard_clickup::models::InlineField::new(
            "f-size",
            FieldWrite::DropDownOption("opt-large".into()),
        ));
    let created = client.create_task(&"124".into(), task).await.unwrap();
    assert_eq!(created.id.as_str(), "9hz");
    let updated = client
        .update_task(
            "9hz",
            TaskUpdate::new()
                .name("Order more")
                .status("done")
                .archived(false),
        )
        .await
        .unwrap();
    assert_eq!(updated.name.as_plain(), Some("Order more"));
    client.delete_task("9hz").await.unwrap();
}

#[tokio::test]
async fn list_tasks_with_every_filter_kind() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path("/api/v2/list/124/task"))
        .and(query_param("page", "0"))
        .and(query_param("order_by", "due_date"))
        .and(query_param("reverse", "true"))
        .and(query_param("subtasks", "true"))
        .and(query_param("include_closed", "true"))
        .and(query_param("archived", "false"))
        .and(query_param("include_timl", "true"))
        .and(query_param("statuses[]", "to do"))
        .and(query_param("assignees[]", "183"))
        .and(query_param("watchers[]", "184"))
        .and(query_param("tags[]", "urgent"))
        .and(query_param("due_date_gt", "1000"))
        .and(query_param("date_updated_lt", "2000"))
        .and(query_param("custom_items[]", "1"))
        .and(query_param(
            "custom_fields",
            r#"[{"field_id":"f1","operator":"=","value":"x"}]"#,
        ))
        .respond_with(ok(
            json!({"tasks": [task_json("a1", "A", "124", "789")], "last_page": true}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let query = TaskQuery::new()
        .order_by(OrderBy::DueDate)
        .reverse(true)
        .subtasks(true)
        .include_closed(true)
        .archived(false)
        .include_timl(true)
        .status("to do")
        .assignee("183")
        .watcher("184")
        .tag("urgent")
        .due_after(Timestamp::from_millis(1000))
        .updated_before(Timestamp::from_millis(2000))
        .custom_item(1)
        .custom_field("f1", "=", json!("x"));
    let page = plain_client(&server)
        .tasks_page(&"124".into(), &query, 0)
        .await
        .unwrap();
    assert!(page.is_last);
    assert_eq!(page.items.len(), 1);
}

#[tokio::test]
async fn workspace_tasks_and_subtasks() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path("/api/v2/team/9001/task"))
        .and(query_param("space_ids[]", "789"))
        .and(query_param("project_ids[]", "456"))
        .and(query_param("list_ids[]", "124"))
        .respond_with(ok(json!({"tasks": [task_json("a1", "A", "124", "789")]})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v2/team/9001/task"))
        .and(query_param("parent", "9hx"))
        .and(query_param("subtasks", "true"))
        .respond_with(ok(
            json!({"tasks": [task_json("s1", "Sub", "124", "789")], "last_page": true}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let client = plain_client(&server);
    let query = TaskQuery::new().space("789").folder("456").list("124");
    let tasks: Vec<_> = client
        .workspace_tasks(&"9001".into(), &query)
        .try_collect()
        .await
        .unwrap();
    // A short page without `last_page` ends the stream.
    assert_eq!(tasks.len(), 1);
    let subtasks: Vec<_> = client
        .subtasks(&"9001".into(), &"9hx".into())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(subtasks[0].id.as_str(), "s1");
}

#[tokio::test]
async fn custom_fields_read_at_every_level() {
    let server = server().await;
    let field = json!({"fields": [{"id": "f1", "name": "Severity", "type": "drop_down",
        "type_config": {"options": [{"id": "o1", "name": "Low", "orderindex": 0}]}}]});
    for (route, level) in [
        ("/api/v2/list/124/field", "list"),
        ("/api/v2/folder/456/field", "folder"),
        ("/api/v2/space/789/field", "space"),
        ("/api/v2/team/9001/field", "team"),
    ] {
        Mock::given(method("GET"))
            .and(path(route))
            .respond_with(ok(field.clone()))
            .expect(1)
            .named(level)
            .mount(&server)
            .await;
    }
    let client = plain_client(&server);
    let fields = client.list_fields(&"124".into()).await.unwrap();
    assert_eq!(
        fields[0]
            .type_config
            .option_named("Low")
            .unwrap()
            .id
            .as_deref(),
        Some("o1")
    );
    assert_eq!(client.folder_fields(&"456".into()).await.unwrap().len(), 1);
    assert_eq!(client.space_fields(&"789".into()).await.unwrap().len(), 1);
    assert_eq!(
        client.workspace_fields(&"9001".into()).await.unwrap().len(),
        1
    );
}

#[tokio::test]
async fn set_every_field_kind_in_its_write_shape() {
    let server = server().await;
    let cases: Vec<(&str, FieldWrite, serde_json::Value)> = vec![
        (
            "text",
            FieldWrite::Text("hello".into()),
            json!({"value": "hello"}),
        ),
        ("number", FieldWrite::Number(8.0), json!({"value": 8.0})),
        (
            "currency",
            FieldWrite::Currency(12.5),
            json!({"value": 12.5}),
        ),
        (
            "dropdown",
            FieldWrite::DropDownOption("opt-1".into()),
            json!({"value": "opt-1"}),
        ),
        (
            "dropdown-index",
            FieldWrite::DropDownIndex(2),
            json!({"value": 2}),
        ),
        (
            "labels",
            FieldWrite::Labels(vec!["l1".into(), "l2".into()]),
            json!({"value": ["l1", "l2"]}),
        ),
        (
            "users",
            FieldWrite::Users {
                add: vec![1],
                rem: vec![2],
            },
            json!({"value": {"add": [1], "rem": [2]}}),
        ),
        (
            "tasks",
            FieldWrite::Tasks {
                add: vec!["t1".into()],
                rem: vec![],
            },
            json!({"value": {"add": ["t1"], "rem": []}}),
        ),
        (
            "date",
            FieldWrite::Date {
                at: Timestamp::from_millis(1_700_000_000_000),
                time: false,
            },
            json!({"value": 1_700_000_000_000_i64, "value_options": {"time": false}}),
        ),
        (
            "checkbox",
            FieldWrite::Checkbox(true),
            json!({"value": true}),
        ),
        ("rating", FieldWrite::Rating(3), json!({"value": 3})),
        (
            "progress",
            FieldWrite::ManualProgress(40.0),
            json!({"value": {"current": 40.0}}),
        ),
        (
            "location",
            FieldWrite::Location {
                lat: 1.5,
                lng: 2.5,
                formatted_address: "Main St".into(),
            },
            json!({"value": {"location": {"lat": 1.5, "lng": 2.5}, "formatted_address": "Main St"}}),
        ),
        (
            "files",
            FieldWrite::Attachments {
                add: vec!["a.png".into()],
                rem: vec![],
            },
            json!({"value": {"add": ["a.png"], "rem": []}}),
        ),
        ("button", FieldWrite::Button, json!({"value": true})),
    ];
    for (field, _, body) in &cases {
        Mock::given(method("POST"))
            .and(path(format!("/api/v2/task/9hx/field/{field}")))
            .and(body_json(body.clone()))
            .respond_with(ok(json!({})))
            .expect(1)
            .mount(&server)
            .await;
    }
    Mock::given(method("DELETE"))
        .and(path("/api/v2/task/9hx/field/text"))
        .respond_with(ok(json!({})))
        .expect(1)
        .mount(&server)
        .await;
    let client = plain_client(&server);
    for (field, value, _) in cases {
        client
            .set_field_value("9hx", &field.into(), value)
            .await
            .unwrap();
    }
    client
        .remove_field_value("9hx", &"text".into())
        .await
        .unwrap();
}

#[tokio::test]
async fn comments_create_update_delete_and_replies() {
    let server = server().await;
    let created = json!({"id": "458", "hist_id": "26508", "date": 1568036964079_i64});
    Mock::given(method("POST"))
        .and(path("/api/v2/task/9hx/comment"))
        .and(body_json(
            json!({"comment_text": "Called the pharmacy", "notify_all": true}),
        ))
        .respond_with(ok(created.clone()))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/v2/list/124/comment"))
        .and(body_json(
            json!({"comment_text": "List note", "notify_all": false, "assignee": 183}),
        ))
        .respond_with(ok(created.clone()))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/v2/view/3c-105/comment"))
        .respond_with(ok(created.clone()))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path("/api/v2/comment/458"))
        .and(body_json(
            json!({"comment_text": "Edited", "resolved": true}),
        ))
        .respond_with(ok(json!({})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/api/v2/comment/458"))
        .respond_with(ok(json!({})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v2/comment/458/reply"))
        .respond_with(ok(json!({"comments": [{"id": "459", "comment_text": "reply", "date": "1568036964080", "reply_count": "0"}]})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/v2/comment/458/reply"))
        .and(body_json(
            json!({"comment_text": "Thanks", "notify_all": false}),
        ))
        .respond_with(ok(created.clone()))
        .expect(1)
        .mount(&server)
        .await;

    let client = plain_client(&server);
    let made = client
        .create_task_comment(
            "9hx",
            NewComment::new("Called the pharmacy").notify_all(true),
        )
        .await
        .unwrap();
    assert_eq!(made.date, Some(Timestamp::from_millis(1568036964079)));
    client
        .create_list_comment(&"124".into(), NewComment::new("List note").assignee("183"))
        .await
        .unwrap();
    client
        .create_view_comment(&"3c-105".into(), NewComment::new("Chat"))
        .await
        .unwrap();
    client
        .update_comment(&"458".into(), CommentUpdate::new("Edited").resolved(true))
        .await
        .unwrap();
    client.delete_comment(&"458".into()).await.unwrap();
    let replies = client.replies(&"458".into()).await.unwrap();
    assert_eq!(replies[0].reply_count, Some(0));
    client
        .create_reply(&"458".into(), NewComment::new("Thanks"))
        .await
        .unwrap();
}

fn comment(id: usize, date: i64) -> serde_json::Value {
    json!({"id": id.to_string(), "comment": [{"text": "c"}], "comment_text": "c", "date": date.to_string()})
}

#[tokio::test]
async fn task_comments_page_by_start_and_start_id() {
    let server = server().await;
    let first: Vec<_> = (0..25).map(|i| comment(100 - i, 5000 - i as i64)).collect();
    let second: Vec<_> = (0..3).map(|i| comment(50 - i, 1000 - i as i64)).collect();
    Mock::given(method("GET"))
        .and(path("/api/v2/task/9hx/comment"))
        .and(query_param("start", "4976"))
        .and(query_param("start_id", "76"))
        .respond_with(ok(json!({"comments": second})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v2/task/9hx/comment"))
        .respond_with(ok(json!({"comments": first})))
        .expect(2)
        .mount(&server)
        .await;
    let client = plain_client(&server);
    let all: Vec<_> = client.task_comments("9hx").try_collect().await.unwrap();
    assert_eq!(all.len(), 28);
    let page = client.task_comments_page("9hx", None).await.unwrap();
    assert_eq!(CommentCursor::after(&page.items).unwrap().start_id, "76");
}

#[tokio::test]
async fn list_and_view_comment_streams() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path("/api/v2/list/124/comment"))
        .respond_with(ok(json!({"comments": [comment(1, 10)]})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v2/view/3c-105/comment"))
        .respond_with(ok(json!({"comments": []})))
        .expect(1)
        .mount(&server)
        .await;
    let client = plain_client(&server);
    let list: Vec<_> = client
        .list_comments(&"124".into())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(list.len(), 1);
    let view: Vec<_> = client
        .view_comments(&"3c-105".into())
        .try_collect()
        .await
        .unwrap();
    assert!(view.is_empty());
}

#[tokio::test]
async fn checklists_and_items() {
    let server = server().await;
    let checklist = json!({"checklist": {"id": "cl1", "task_id": "9hx", "name": "Prep", "orderindex": "1",
        "items": [{"id": "it1", "name": "Gloves", "orderindex": 2.5, "resolved": false, "children": null}]}});
    Mock::given(method("POST"))
        .and(path("/api/v2/task/9hx/checklist"))
        .and(body_json(json!({"name": "Prep"})))
        .respond_with(ok(checklist.clone()))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path("/api/v2/checklist/cl1"))
        .and(body_json(json!({"name": "Prep 2", "position": 1})))
        .respond_with(ok(json!({})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/v2/checklist/cl1/checklist_item"))
        .and(body_json(json!({"name": "Masks", "assignee": 183})))
        .respond_with(ok(checklist.clone()))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path("/api/v2/checklist/cl1/checklist_item/it1"))
        .and(body_json(json!({"name": "Gloves L", "resolved": true})))
        .respond_with(ok(checklist.clone()))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/api/v2/checklist/cl1/checklist_item/it1"))
        .respond_with(ok(json!({})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/api/v2/checklist/cl1"))
        .respond_with(ok(json!({})))
        .expect(1)
        .mount(&server)
        .await;
    use phiguard_clickup::ChecklistItemSpec;
    let client = plain_client(&server);
    let made = client.create_checklist("9hx", "Prep").await.unwrap();
    assert_eq!(made.items[0].orderindex, Some(2.5));
    client
        .edit_checklist(&"cl1".into(), Some("Prep 2".into()), Some(1))
        .await
        .unwrap();
    client
        .create_checklist_item(&"cl1".into(), ChecklistItemSpec::new("Masks").assignee(183))
        .await
        .unwrap();
    client
        .edit_checklist_item(
            &"cl1".into(),
            &"it1".into(),
            ChecklistItemSpec::new("Gloves L").resolved(true),
        )
        .await
        .unwrap();
    client
        .delete_checklist_item(&"cl1".into(), &"it1".into())
        .await
        .unwrap();
    client.delete_checklist(&"cl1".into()).await.unwrap();
}

#[tokio::test]
async fn tags_on_spaces_and_tasks() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path("/api/v2/space/789/tag"))
        .respond_with(ok(
            json!({"tags": [{"name": "urgent", "tag_fg": "#000", "tag_bg": "#fff"}]}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/v2/space/789/tag"))
        .and(body_json(
            json!({"tag": {"name": "new", "tag_fg": "#111", "tag_bg": "#222"}}),
        ))
        .respond_with(ok(json!({})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path("/api/v2/space/789/tag/needs%20review"))
        .respond_with(ok(json!({"tag": {"name": "reviewed"}})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/api/v2/space/789/tag/new"))
        .and(body_json(json!({"tag": {"name": "new"}})))
        .respond_with(ok(json!({})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/v2/task/DEV-1/tag/urgent"))
        .and(query_param("custom_task_ids", "true"))
        .and(query_param("team_id", "9001"))
        .respond_with(ok(json!({})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/api/v2/task/9hx/tag/urgent"))
        .respond_with(ok(json!({})))
        .expect(1)
        .mount(&server)
        .await;
    let client = plain_client(&server);
    assert_eq!(
        client.space_tags(&"789".into()).await.unwrap()[0]
            .name
            .as_deref(),
        Some("urgent")
    );
    let mut tag = Tag::default();
    tag.name = Some("new".into());
    tag.tag_fg = Some("#111".into());
    tag.tag_bg = Some("#222".into());
    client.create_space_tag(&"789".into(), &tag).await.unwrap();
    client
        .edit_space_tag(&"789".into(), "needs review", &tag)
        .await
        .unwrap();
    client.delete_space_tag(&"789".into(), "new").await.unwrap();
    client
        .add_tag_to_task(TaskRef::custom("DEV-1", "9001"), "urgent")
        .await
        .unwrap();
    client.remove_tag_from_task("9hx", "urgent").await.unwrap();
}

#[tokio::test]
async fn members_of_tasks_and_lists() {
    let server = server().await;
    let members = json!({"members": [{"id": 812, "username": "Nurse", "color": null}]});
    Mock::given(method("GET"))
        .and(path("/api/v2/task/9hx/member"))
        .respond_with(ok(members.clone()))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v2/list/124/member"))
        .respond_with(ok(members))
        .expect(1)
        .mount(&server)
        .await;
    let client = plain_client(&server);
    assert_eq!(
        client.task_members("9hx").await.unwrap()[0]
            .id
            .as_ref()
            .unwrap()
            .as_str(),
        "812"
    );
    assert_eq!(client.list_members(&"124".into()).await.unwrap().len(), 1);
}

#[tokio::test]
async fn guests() {
    let server = server().await;
    let guest = json!({"guest": {"user": {"id": 184, "email": "guest@example.com", "role": 4},
        "can_edit_tags": true, "shared": {"tasks": [], "lists": [], "folders": []}}});
    Mock::given(method("POST"))
        .and(path("/api/v2/team/9001/guest"))
        .and(body_json(
            json!({"email": "guest@example.com", "can_edit_tags": true}),
        ))
        .respond_with(ok(json!({"team": {"id": "9001", "members": []}})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v2/team/9001/guest/184"))
        .respond_with(ok(guest.clone()))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path("/api/v2/team/9001/guest/184"))
        .and(body_json(json!({"can_edit_tags": false})))
        .respond_with(ok(guest.clone()))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/api/v2/team/9001/guest/184"))
        .respond_with(ok(json!({"team": {"id": "9001"}})))
        .expect(1)
        .mount(&server)
        .await;
    for (verb, route, body) in [
        (
            "POST",
            "/api/v2/task/9hx/guest/184",
            Some(json!({"permission_level": "read"})),
        ),
        ("DELETE", "/api/v2/task/9hx/guest/184", None),
        (
            "POST",
            "/api/v2/list/124/guest/184",
            Some(json!({"permission_level": "comment"})),
        ),
        ("DELETE", "/api/v2/list/124/guest/184", None),
        (
            "POST",
            "/api/v2/folder/456/guest/184",
            Some(json!({"permission_level": "edit"})),
        ),
        ("DELETE", "/api/v2/folder/456/guest/184", None),
    ] {
        let mut mock = Mock::given(method(verb)).and(path(route));
        if let Some(body) = body {
            mock = mock.and(body_json(body));
        }
        mock.respond_with(ok(guest.clone()))
            .expect(1)
            .mount(&server)
            .await;
    }
    let client = plain_client(&server);
    let team = client
        .invite_guest(
            &"9001".into(),
            &GuestSpec::invite("guest@example.com").can_edit_tags(true),
        )
        .await
        .unwrap();
    assert_eq!(team.id.as_str(), "9001");
    assert_eq!(
        client
            .guest(&"9001".into(), &"184".into())
            .await
            .unwrap()
            .can_edit_tags,
        Some(true)
    );
    client
        .edit_guest(
            &"9001".into(),
            &"184".into(),
            &GuestSpec::default().can_edit_tags(false),
        )
        .await
        .unwrap();
    client
        .remove_guest(&"9001".into(), &"184".into())
        .await
        .unwrap();
    client
        .add_guest_to_task("9hx", &"184".into(), GuestPermission::Read)
        .await
        .unwrap();
    client
        .remove_guest_from_task("9hx", &"184".into())
        .await
        .unwrap();
    client
        .add_guest_to_list(&"124".into(), &"184".into(), GuestPermission::Comment)
        .await
        .unwrap();
    client
        .remove_guest_from_list(&"124".into(), &"184".into())
        .await
        .unwrap();
    client
        .add_guest_to_folder(&"456".into(), &"184".into(), GuestPermission::Edit)
        .await
        .unwrap();
    client
        .remove_guest_from_folder(&"456".into(), &"184".into())
        .await
        .unwrap();
}

#[tokio::test]
async fn views_and_view_tasks() {
    let server = server().await;
    let view =
        json!({"id": "3c-105", "name": "Board", "type": "board", "parent": {"id": 512, "type": 7}});
    for level in ["team/9001", "space/789", "folder/456", "list/124"] {
        Mock::given(method("GET"))
            .and(path(format!("/api/v2/{level}/view")))
            .respond_with(ok(json!({"views": [view.clone()], "required_views": {}})))
            .expect(1)
            .mount(&server)
            .await;
        Mock::given(method("POST"))
            .and(path(format!("/api/v2/{level}/view")))
            .and(body_json(json!({"name": "Board", "type": "board"})))
            .respond_with(ok(json!({"view": view.clone()})))
            .expect(1)
            .mount(&server)
            .await;
    }
    Mock::given(method("GET"))
        .and(path("/api/v2/view/3c-105"))
        .respond_with(ok(json!({"view": view.clone()})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path("/api/v2/view/3c-105"))
        .and(body_json(json!({"name": "Board 2", "type": "board"})))
        .respond_with(ok(json!({"view": view.clone()})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/api/v2/view/3c-105"))
        .respond_with(ok(json!({})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v2/view/3c-105/task"))
        .and(query_param("page", "0"))
        .respond_with(ok(
            json!({"tasks": [task_json("v1", "V", "124", "789")], "last_page": true}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let client = plain_client(&server);
    let spec = ViewSpec::new("Board", "board");
    assert_eq!(
        client.workspace_views(&"9001".into()).await.unwrap()[0]
            .parent
            .as_ref()
            .unwrap()
            .kind,
        Some(7)
    );
    client.space_views(&"789".into()).await.unwrap();
    client.folder_views(&"456".into()).await.unwrap();
    client.list_views(&"124".into()).await.unwrap();
    client
        .create_workspace_view(&"9001".into(), &spec)
        .await
        .unwrap();
    client
        .create_space_view(&"789".into(), &spec)
        .await
        .unwrap();
    client
        .create_folder_view(&"456".into(), &spec)
        .await
        .unwrap();
    client.create_list_view(&"124".into(), &spec).await.unwrap();
    assert_eq!(
        client.view(&"3c-105".into()).await.unwrap().kind.as_deref(),
        Some("board")
    );
    client
        .update_view(&"3c-105".into(), &ViewSpec::new("Board 2", "board"))
        .await
        .unwrap();
    client.delete_view(&"3c-105".into()).await.unwrap();
    let tasks: Vec<_> = client
        .view_tasks(&"3c-105".into())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(tasks.len(), 1);
}

#[tokio::test]
async fn webhooks_registration() {
    let server = server().await;
    let hook = json!({"id": "wh1", "userid": 183, "team_id": 108, "endpoint": "https://example.test/hook",
        "events": ["taskCreated", "docCreated"], "health": {"status": "active", "fail_count": 0},
        "secret": "SECRETVALUE123"});
    Mock::given(method("GET"))
        .and(path("/api/v2/team/9001/webhook"))
        .respond_with(ok(json!({"webhooks": [hook.clone()]})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/v2/team/9001/webhook"))
        .and(body_json(json!({"endpoint": "https://example.test/hook", "events": ["taskCreated", "taskCommentPosted"], "list_id": "124"})))
        .respond_with(ok(json!({"id": "wh1", "webhook": hook.clone()})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path("/api/v2/webhook/wh1"))
        .and(body_json(
            json!({"endpoint": "https://example.test/hook2", "events": "*", "status": "active"}),
        ))
        .respond_with(ok(json!({"id": "wh1", "webhook": hook.clone()})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/api/v2/webhook/wh1"))
        .respond_with(ok(json!({})))
        .expect(1)
        .mount(&server)
        .await;
    let client = plain_client(&server);
    let hooks = client.webhooks(&"9001".into()).await.unwrap();
    assert_eq!(hooks[0].team_id.as_deref(), Some("108"));
    assert_eq!(
        hooks[0].events[1],
        WebhookEventKind::Unknown("docCreated".into())
    );
    assert!(!format!("{:?}", hooks[0]).contains("SECRETVALUE"));
    let spec = NewWebhook::new(
        "https://example.test/hook",
        &[
            WebhookEventKind::TaskCreated,
            WebhookEventKind::TaskCommentPosted,
        ],
    )
    .list("124");
    let made = client.create_webhook(&"9001".into(), &spec).await.unwrap();
    assert_eq!(made.secret.unwrap().expose_secret(), "SECRETVALUE123");
    client
        .update_webhook(
            &"wh1".into(),
            &WebhookUpdate::new("https://example.test/hook2", &[]),
        )
        .await
        .unwrap();
    client.delete_webhook(&"wh1".into()).await.unwrap();
}

#[tokio::test]
async fn attachment_upload_is_multipart() {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path("/api/v2/task/9hx/attachment"))
        .and(header_exists("content-type"))
        .respond_with(ok(
            json!({"id": "ac4.png", "version": "0", "date": 1569988578766_i64,
            "title": "image.png", "extension": "png", "url": "https://example.test/a.png"}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let client = cleared_client(&server);
    let attachment = client
        .upload_attachment("9hx", "image.png", "image/png", b"\x89PNG fake".to_vec())
        .await
        .unwrap();
    assert_eq!(attachment.extension.as_deref(), Some("png"));
    let received = server.received_requests().await.unwrap();
    let content_type = received[0]
        .headers
        .get("content-type")
        .unwrap()
        .to_str()
        .unwrap();
    assert!(
        content_type.starts_with("multipart/form-data"),
        "{content_type}"
    );
    let body = String::from_utf8_lossy(&received[0].body);
    assert!(body.contains(r#"name="attachment""#), "{body}");
    assert!(body.contains(r#"filename="image.png""#), "{body}");
    // Sealed: the title came from a PHI place (everything is, here).
    assert!(attachment.title.unwrap().is_phi());
}
