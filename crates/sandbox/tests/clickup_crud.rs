//! Stateful round trips through the fake ClickUp with raw HTTP calls:
//! what is created can be read back, changed and deleted.

mod common;

use common::{Api, start_default};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

fn ids(v: &Value, key: &str) -> Vec<String> {
    v[key]
        .as_array()
        .unwrap_or_else(|| panic!("no array {key}"))
        .iter()
        .map(|x| x["id"].as_str().expect("string id").to_owned())
        .collect()
}

#[tokio::test]
async fn hierarchy_matches_the_seeded_workspace() {
    let sandbox = start_default().await;
    let api = Api::new(&sandbox);
    let ws = sandbox.workspace();

    let user = api.get("/user").await;
    assert_eq!(user["user"]["id"].as_u64(), Some(ws.authorized_user));

    let teams = api.get("/team").await;
    assert_eq!(teams["teams"][0]["id"], json!(ws.workspace.id));
    let members = teams["teams"][0]["members"].as_array().unwrap();
    assert_eq!(members.len(), ws.members.len() + 1, "members and the guest");
    let guest = members
        .iter()
        .find(|m| m["user"]["id"].as_u64() == Some(ws.guest.id))
        .expect("the guest is a member");
    assert_eq!(guest["user"]["role"], json!(4));

    let spaces = api.get(&format!("/team/{}/space", ws.workspace.id)).await;
    let names: Vec<&str> = spaces["spaces"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Clinical", "Operations"]);
    assert_eq!(spaces["spaces"][0]["private"], json!(true));

    let folders = api
        .get(&format!("/space/{}/folder", ws.clinical_space.id))
        .await;
    assert_eq!(
        ids(&folders, "folders"),
        [
            ws.intake_folder.id.clone(),
            ws.referrals_folder.id.clone(),
            ws.care_plans_folder.id.clone()
        ]
    );
    let lists = api
        .get(&format!("/folder/{}/list", ws.intake_folder.id))
        .await;
    assert_eq!(ids(&lists, "lists"), vec![ws.intake_list.id.clone()]);
    let folderless = api
        .get(&format!("/space/{}/list", ws.clinical_space.id))
        .await;
    assert_eq!(
        ids(&folderless, "lists"),
        vec![ws.nurse_line_list.id.clone()]
    );
    assert_eq!(folderless["lists"][0]["folder"]["hidden"], json!(true));

    let fields = api.get(&format!("/list/{}/field", ws.intake_list.id)).await;
    let field_names: Vec<&str> = fields["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    for name in [
        "Patient name",
        "Date of birth",
        "MRN",
        "Phone",
        "Diagnosis",
        "Billing status",
        "Visit type",
    ] {
        assert!(
            field_names.contains(&name),
            "{name} missing from {field_names:?}"
        );
    }
    // Operations lists do not see the Clinical fields.
    let ops_fields = api
        .get(&format!("/list/{}/field", ws.front_desk_list.id))
        .await;
    assert_eq!(ops_fields["fields"].as_array().unwrap().len(), 0);

    let hooks = api.get(&format!("/team/{}/webhook", ws.workspace.id)).await;
    assert_eq!(ids(&hooks, "webhooks"), hooks_sorted(&ws.webhooks));
}

fn hooks_sorted(ids: &[String]) -> Vec<String> {
    let mut v = ids.to_vec();
    v.sort();
    v
}

#[tokio::test]
async fn tasks_round_trip_with_custom_fields() {
    let sandbox = start_default().await;
    let api = Api::new(&sandbox);
    let ws = sandbox.workspace();
    let f = &ws.clinical_fields;

    let visit_options = api.get(&format!("/list/{}/field", ws.intake_list.id)).await["fields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["id"] == json!(f.visit_type.id))
        .map(|x| x["type_config"]["options"].clone())
        .expect("visit type field");
    let telehealth = visit_options[2]["id"].as_str().unwrap().to_owned();

    let created = api
        .post(
            &format!("/list/{}/task", ws.intake_list.id),
            json!({
                "name": "Intake: Test Patient",
                "description": "Walk-in.",
                "assignees": [ws.authorized_user],
                "tags": ["new-patient"],
                "priority": 2,
                "custom_fields": [
                    {"id": f.patient_name.id, "value": "Test Patient"},
                    {"id": f.visit_type.id, "value": telehealth},
                ],
            }),
        )
        .await;
    let id = created["id"].as_str().unwrap().to_owned();
    assert_eq!(created["status"]["status"], json!("to do"));
    assert_eq!(created["list"]["id"], json!(ws.intake_list.id));

    let read = api.get(&format!("/task/{id}")).await;
    assert_eq!(read["name"], json!("Intake: Test Patient"));
    assert!(read.get("markdown_description").is_none());
    let with_md = api
        .get(&format!("/task/{id}?include_markdown_description=true"))
        .await;
    assert_eq!(with_md["markdown_description"], json!("Walk-in."));
    assert_eq!(read["priority"]["priority"], json!("high"));
    assert_eq!(read["tags"][0]["name"], json!("new-patient"));
    let field = |task: &Value, fid: &str| {
        task["custom_fields"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["id"] == json!(fid))
            .and_then(|x| x.get("value").cloned())
    };
    assert_eq!(
        field(&read, &f.patient_name.id),
        Some(json!("Test Patient"))
    );
    assert_eq!(
        field(&read, &f.visit_type.id),
        Some(json!(2)),
        "drop-downs read as the index"
    );

    let updated = api
        .put(
            &format!("/task/{id}"),
            json!({"name": "Intake: Renamed", "status": "in progress", "priority": null,
                "assignees": {"add": [], "rem": [ws.authorized_user]}}),
        )
        .await;
    assert_eq!(updated["status"]["status"], json!("in progress"));
    assert_eq!(updated["priority"], Value::Null);
    assert_eq!(updated["assignees"], json!([]));

    api.post(
        &format!("/task/{id}/field/{}", f.mrn.id),
        json!({"value": "RB-000001"}),
    )
    .await;
    api.post(
        &format!("/task/{id}/field/{}", f.date_of_birth.id),
        json!({"value": 86_400_000}),
    )
    .await;
    let read = api.get(&format!("/task/{id}")).await;
    assert_eq!(field(&read, &f.mrn.id), Some(json!("RB-000001")));
    assert_eq!(field(&read, &f.date_of_birth.id), Some(json!("86400000")));

    let removed = api.delete(&format!("/task/{id}/field/{}", f.mrn.id)).await;
    assert_eq!(removed.status, StatusCode::OK);
    let read = api.get(&format!("/task/{id}")).await;
    assert_eq!(field(&read, &f.mrn.id), None);

    // A value of the wrong kind and a field the list cannot see are refused.
    let bad = api
        .call(
            Method::POST,
            &format!("/task/{id}/field/{}", f.visit_type.id),
            Some(json!({"value": "nope"})),
        )
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert_eq!(bad.json()["ECODE"], json!("FIELD_011"));
    let ops_task = api
        .post(
            &format!("/list/{}/task", ws.front_desk_list.id),
            json!({"name": "Chore"}),
        )
        .await;
    let not_here = api
        .call(
            Method::POST,
            &format!(
                "/task/{}/field/{}",
                ops_task["id"].as_str().unwrap(),
                f.mrn.id
            ),
            Some(json!({"value": "x"})),
        )
        .await;
    assert_eq!(not_here.status, StatusCode::BAD_REQUEST);

    // Subtasks.
    let sub = api
        .post(
            &format!("/list/{}/task", ws.intake_list.id),
            json!({"name": "Sub", "parent": id}),
        )
        .await;
    let with_subtasks = api.get(&format!("/task/{id}?include_subtasks=true")).await;
    assert_eq!(with_subtasks["subtasks"][0]["id"], sub["id"]);
    assert_eq!(sub["top_level_parent"], json!(id));

    let deleted = api.delete(&format!("/task/{id}")).await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT);
    let gone = api.call(Method::GET, &format!("/task/{id}"), None).await;
    assert_eq!(gone.status, StatusCode::NOT_FOUND);
    assert!(gone.json()["err"].is_string());
    let sub_gone = api
        .call(
            Method::GET,
            &format!("/task/{}", sub["id"].as_str().unwrap()),
            None,
        )
        .await;
    assert_eq!(
        sub_gone.status,
        StatusCode::NOT_FOUND,
        "subtasks go with their parent"
    );
}

#[tokio::test]
async fn comments_replies_checklists_and_tags_round_trip() {
    let sandbox = start_default().await;
    let api = Api::new(&sandbox);
    let ws = sandbox.workspace();
    let task = &ws.intake_tasks[0].id;

    let before = api.get(&format!("/task/{task}/comment")).await["comments"]
        .as_array()
        .unwrap()
        .len();
    assert!(before >= 3, "seeded threads have three to five comments");

    let created = api
        .post(
            &format!("/task/{task}/comment"),
            json!({"comment_text": "AI draft: hello", "notify_all": false}),
        )
        .await;
    let cid = created["id"].as_str().unwrap().to_owned();
    assert!(created["date"].is_i64(), "create answers a numeric date");
    let listed = api.get(&format!("/task/{task}/comment")).await;
    assert_eq!(listed["comments"][0]["id"], json!(cid), "newest first");
    assert_eq!(
        listed["comments"][0]["comment_text"],
        json!("AI draft: hello")
    );

    api.put(
        &format!("/comment/{cid}"),
        json!({"comment_text": "AI draft: edited", "resolved": true}),
    )
    .await;
    api.post(
        &format!("/comment/{cid}/reply"),
        json!({"comment_text": "Reviewed."}),
    )
    .await;
    let replies = api.get(&format!("/comment/{cid}/reply")).await;
    assert_eq!(replies["comments"][0]["comment_text"], json!("Reviewed."));
    let listed = api.get(&format!("/task/{task}/comment")).await;
    assert_eq!(
        listed["comments"][0]["comment_text"],
        json!("AI draft: edited")
    );
    assert_eq!(listed["comments"][0]["resolved"], json!(true));
    assert_eq!(listed["comments"][0]["reply_count"], json!("1"));

    assert_eq!(
        api.delete(&format!("/comment/{cid}")).await.status,
        StatusCode::OK
    );
    let after = api.get(&format!("/task/{task}/comment")).await["comments"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(after, before);
    let empty = api
        .call(
            Method::POST,
            &format!("/task/{task}/comment"),
            Some(json!({"comment_text": " "})),
        )
        .await;
    assert_eq!(empty.status, StatusCode::BAD_REQUEST);

    // List comments.
    api.post(
        &format!("/list/{}/comment", ws.intake_list.id),
        json!({"comment_text": "List note", "assignee": ws.authorized_user, "notify_all": false}),
    )
    .await;
    let list_comments = api
        .get(&format!("/list/{}/comment", ws.intake_list.id))
        .await;
    assert_eq!(
        list_comments["comments"][0]["comment_text"],
        json!("List note")
    );

    // Checklists.
    let checklist = api
        .post(
            &format!("/task/{task}/checklist"),
            json!({"name": "Discharge"}),
        )
        .await;
    let clid = checklist["checklist"]["id"].as_str().unwrap().to_owned();
    let with_item = api
        .post(
            &format!("/checklist/{clid}/checklist_item"),
            json!({"name": "Call pharmacy"}),
        )
        .await;
    let item = with_item["checklist"]["items"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let resolved = api
        .put(
            &format!("/checklist/{clid}/checklist_item/{item}"),
            json!({"resolved": true}),
        )
        .await;
    assert_eq!(resolved["checklist"]["resolved"], json!(1));
    api.put(
        &format!("/checklist/{clid}"),
        json!({"name": "Discharge steps"}),
    )
    .await;
    let read = api.get(&format!("/task/{task}")).await;
    let names: Vec<&str> = read["checklists"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"Discharge steps"), "{names:?}");
    assert_eq!(
        api.delete(&format!("/checklist/{clid}/checklist_item/{item}"))
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        api.delete(&format!("/checklist/{clid}")).await.status,
        StatusCode::OK
    );
    assert_eq!(
        api.delete(&format!("/checklist/{clid}")).await.status,
        StatusCode::NOT_FOUND
    );

    // Tags.
    let space = &ws.clinical_space.id;
    api.post(
        &format!("/space/{space}/tag"),
        json!({"tag": {"name": "ai-draft", "tag_fg": "#000000", "tag_bg": "#ffffff"}}),
    )
    .await;
    api.post(&format!("/task/{task}/tag/ai-draft"), json!({}))
        .await;
    let read = api.get(&format!("/task/{task}")).await;
    assert!(
        read["tags"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["name"] == json!("ai-draft"))
    );
    api.put(
        &format!("/space/{space}/tag/ai-draft"),
        json!({"tag": {"name": "ai-reviewed", "fg_color": "#111111", "bg_color": "#222222"}}),
    )
    .await;
    let read = api.get(&format!("/task/{task}")).await;
    assert!(
        read["tags"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["name"] == json!("ai-reviewed"))
    );
    assert_eq!(
        api.delete(&format!("/task/{task}/tag/ai-reviewed"))
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        api.delete(&format!("/space/{space}/tag/ai-reviewed"))
            .await
            .status,
        StatusCode::OK
    );
    let tags = api.get(&format!("/space/{space}/tag")).await;
    assert!(
        !tags["tags"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["name"] == json!("ai-reviewed"))
    );
}

#[tokio::test]
async fn spaces_folders_lists_views_webhooks_guests_and_attachments_round_trip() {
    let sandbox = start_default().await;
    let api = Api::new(&sandbox);
    let ws = sandbox.workspace();
    let team = &ws.workspace.id;

    let space = api
        .post(
            &format!("/team/{team}/space"),
            json!({"name": "Research", "private": true}),
        )
        .await;
    let space_id = space["id"].as_str().unwrap().to_owned();
    api.put(
        &format!("/space/{space_id}"),
        json!({"name": "Research (IRB)"}),
    )
    .await;
    assert_eq!(
        api.get(&format!("/space/{space_id}")).await["name"],
        json!("Research (IRB)")
    );
    let folder = api
        .post(
            &format!("/space/{space_id}/folder"),
            json!({"name": "Studies"}),
        )
        .await;
    let folder_id = folder["id"].as_str().unwrap().to_owned();
    let list = api
        .post(
            &format!("/folder/{folder_id}/list"),
            json!({"name": "Enrolment"}),
        )
        .await;
    let list_id = list["id"].as_str().unwrap().to_owned();
    let loose = api
        .post(&format!("/space/{space_id}/list"), json!({"name": "Inbox"}))
        .await;
    api.put(&format!("/list/{list_id}"), json!({"name": "Enrollment"}))
        .await;
    assert_eq!(
        api.get(&format!("/list/{list_id}")).await["name"],
        json!("Enrollment")
    );
    api.put(&format!("/folder/{folder_id}"), json!({"name": "Trials"}))
        .await;
    assert_eq!(
        api.get(&format!("/folder/{folder_id}")).await["lists"][0]["id"],
        json!(list_id)
    );

    // Views and chat comments.
    let view = api
        .post(
            &format!("/list/{list_id}/view"),
            json!({"name": "Board", "type": "board", "grouping": {"field": "status"}}),
        )
        .await;
    let view_id = view["view"]["id"].as_str().unwrap().to_owned();
    assert_eq!(view["view"]["parent"], json!({"id": list_id, "type": 6}));
    assert_eq!(view["view"]["grouping"]["field"], json!("status"));
    api.put(&format!("/view/{view_id}"), json!({"name": "Kanban"}))
        .await;
    assert_eq!(
        api.get(&format!("/view/{view_id}")).await["view"]["name"],
        json!("Kanban")
    );
    api.post(
        &format!("/list/{list_id}/task"),
        json!({"name": "Screen subject 1"}),
    )
    .await;
    let view_tasks = api.get(&format!("/view/{view_id}/task")).await;
    assert_eq!(view_tasks["tasks"].as_array().unwrap().len(), 1);
    assert_eq!(view_tasks["last_page"], json!(true));
    assert_eq!(
        api.get(&format!("/list/{list_id}/view")).await["views"][0]["id"],
        json!(view_id)
    );
    assert_eq!(
        api.delete(&format!("/view/{view_id}")).await.status,
        StatusCode::OK
    );

    // Webhooks.
    let hook = api
        .post(&format!("/team/{team}/webhook"), json!({"endpoint": "https://example.org/hook", "events": ["taskCreated"], "space_id": space_id.parse::<u64>().unwrap()}))
        .await;
    let hook_id = hook["id"].as_str().unwrap().to_owned();
    assert_eq!(hook["webhook"]["space_id"], json!(space_id));
    assert_eq!(hook["webhook"]["secret"].as_str().unwrap().len(), 64);
    let updated = api
        .put(
            &format!("/webhook/{hook_id}"),
            json!({"events": "*", "status": "active"}),
        )
        .await;
    assert_eq!(updated["webhook"]["events"].as_array().unwrap().len(), 28);
    let bad = api
        .call(
            Method::POST,
            &format!("/team/{team}/webhook"),
            Some(json!({"endpoint": "not a url", "events": ["taskCreated"]})),
        )
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        api.delete(&format!("/webhook/{hook_id}")).await.status,
        StatusCode::OK
    );
    let hooks = api.get(&format!("/team/{team}/webhook")).await;
    assert_eq!(
        hooks["webhooks"].as_array().unwrap().len(),
        ws.webhooks.len()
    );

    // Guests and members.
    let guest = api
        .get(&format!("/team/{team}/guest/{}", ws.guest.id))
        .await;
    assert_eq!(
        guest["guest"]["shared"]["lists"][0]["id"],
        json!(ws.referrals_list.id)
    );
    let list_members = api
        .get(&format!("/list/{}/member", ws.referrals_list.id))
        .await;
    assert!(
        list_members["members"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["id"].as_u64() == Some(ws.guest.id))
    );
    let invited = api
        .post(
            &format!("/team/{team}/guest"),
            json!({"email": "auditor@example.org"}),
        )
        .await;
    let new_guest = invited["team"]["members"][0]["user"]["id"]
        .as_u64()
        .unwrap();
    let task = &ws.intake_tasks[0].id;
    let shared = api
        .post(
            &format!("/task/{task}/guest/{new_guest}"),
            json!({"permission_level": "read"}),
        )
        .await;
    assert_eq!(shared["guest"]["shared"]["tasks"][0]["id"], json!(task));
    let task_members = api.get(&format!("/task/{task}/member")).await;
    assert!(
        task_members["members"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["id"].as_u64() == Some(new_guest))
    );
    api.put(
        &format!("/team/{team}/guest/{new_guest}"),
        json!({"username": "Auditor"}),
    )
    .await;
    let removed = api.delete(&format!("/team/{team}/guest/{new_guest}")).await;
    assert_eq!(removed.status, StatusCode::OK);
    let gone = api
        .call(
            Method::GET,
            &format!("/team/{team}/guest/{new_guest}"),
            None,
        )
        .await;
    assert_eq!(gone.status, StatusCode::NOT_FOUND);
    let member = api
        .get(&format!("/team/{team}/user/{}", ws.members[0].id))
        .await;
    assert_eq!(
        member["member"]["user"]["username"],
        json!(ws.members[0].username)
    );

    // Attachments (multipart, part name "attachment").
    let form = reqwest::multipart::Form::new().part(
        "attachment",
        reqwest::multipart::Part::bytes(b"lab values".to_vec()).file_name("labs.txt"),
    );
    let response = api
        .http
        .post(format!(
            "{}/v2/task/{task}/attachment",
            sandbox.clickup_base_url()
        ))
        .header("Authorization", sandbox.clickup_token())
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let attachment: Value = response.json().await.unwrap();
    assert_eq!(attachment["title"], json!("labs.txt"));
    assert_eq!(attachment["extension"], json!("txt"));
    let read = api.get(&format!("/task/{task}")).await;
    assert_eq!(read["attachments"][0]["id"], attachment["id"]);
    assert_eq!(read["attachments"][0]["size"], json!(10));

    // Deleting a space takes everything below it.
    assert_eq!(
        api.delete(&format!("/space/{space_id}")).await.status,
        StatusCode::OK
    );
    for path in [
        format!("/folder/{folder_id}"),
        format!("/list/{list_id}"),
        format!("/list/{}", loose["id"].as_str().unwrap()),
    ] {
        assert_eq!(
            api.call(Method::GET, &path, None).await.status,
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
}

#[tokio::test]
async fn mistakes_get_clickup_style_errors() {
    let sandbox = start_default().await;
    let api = Api::new(&sandbox);
    let ws = sandbox.workspace();

    let no_token = api.call_with_token(Method::GET, "/user", None, None).await;
    assert_eq!(no_token.status, StatusCode::UNAUTHORIZED);
    assert_eq!(no_token.json()["ECODE"], json!("OAUTH_017"));
    let wrong = api
        .call_with_token(Method::GET, "/user", None, Some("pk_wrong"))
        .await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert_eq!(wrong.json()["ECODE"], json!("OAUTH_019"));
    let bearer = format!("Bearer {}", sandbox.clickup_token());
    let oauth = api
        .call_with_token(Method::GET, "/user", None, Some(&bearer))
        .await;
    assert_eq!(oauth.status, StatusCode::OK);

    let other_team = api.call(Method::GET, "/team/1/space", None).await;
    assert_eq!(other_team.status, StatusCode::UNAUTHORIZED);
    assert_eq!(other_team.json()["ECODE"], json!("OAUTH_027"));

    let wrong_method = api.call(Method::PATCH, "/user", None).await;
    assert_eq!(wrong_method.status, StatusCode::NOT_FOUND);
    assert!(
        wrong_method.text.contains("<html>"),
        "an HTML page, as ClickUp answers"
    );

    let url = format!(
        "{}/v2/list/{}/task",
        sandbox.clickup_base_url(),
        ws.intake_list.id
    );
    let broken = api
        .http
        .post(url)
        .header("Authorization", sandbox.clickup_token())
        .header("Content-Type", "application/json")
        .body("{\"name\": ")
        .send()
        .await
        .unwrap();
    assert_eq!(broken.status(), StatusCode::BAD_REQUEST);
    let body: Value = broken.json().await.unwrap();
    assert_eq!(body["ECODE"], json!("INPUT_002"));

    let no_name = api
        .call(
            Method::POST,
            &format!("/list/{}/task", ws.intake_list.id),
            Some(json!({"name": ""})),
        )
        .await;
    assert_eq!(no_name.status, StatusCode::BAD_REQUEST);
    let bad_status = api
        .call(
            Method::POST,
            &format!("/list/{}/task", ws.intake_list.id),
            Some(json!({"name": "x", "status": "teleported"})),
        )
        .await;
    assert_eq!(bad_status.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn a_task_can_live_in_several_lists() {
    let sandbox = start_default().await;
    let api = Api::new(&sandbox);
    let ws = sandbox.workspace();
    let task = &ws.intake_tasks[2].id;
    let care = &ws.care_plans_list.id;

    api.post(&format!("/list/{care}/task/{task}"), json!({}))
        .await;
    let plain = api.get(&format!("/list/{care}/task")).await;
    let timl = api
        .get(&format!("/list/{care}/task?include_timl=true"))
        .await;
    let count = |v: &Value| v["tasks"].as_array().unwrap().len();
    assert_eq!(count(&timl), count(&plain) + 1);
    let read = api.get(&format!("/task/{task}")).await;
    assert_eq!(read["locations"][0]["id"], json!(care));
    assert_eq!(
        read["list"]["id"],
        json!(ws.intake_list.id),
        "the home list stays"
    );

    let home = api
        .call(
            Method::POST,
            &format!("/list/{}/task/{task}", ws.intake_list.id),
            None,
        )
        .await;
    assert_eq!(home.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        api.delete(&format!("/list/{care}/task/{task}"))
            .await
            .status,
        StatusCode::OK
    );
    let timl = api
        .get(&format!("/list/{care}/task?include_timl=true"))
        .await;
    assert_eq!(count(&timl), count(&plain));
}

#[tokio::test]
async fn custom_task_ids_resolve_with_the_team_id() {
    let sandbox = start_default().await;
    let api = Api::new(&sandbox);
    let ws = sandbox.workspace();
    let task = &ws.intake_tasks[0].id;
    let custom = &ws.custom_task_ids[task];
    assert!(custom.starts_with("INT-"), "{custom}");

    let read = api
        .get(&format!(
            "/task/{custom}?custom_task_ids=true&team_id={}",
            ws.workspace.id
        ))
        .await;
    assert_eq!(read["id"], json!(task));
    assert_eq!(read["custom_id"], json!(custom));
    api.post(
        &format!(
            "/task/{custom}/comment?custom_task_ids=true&team_id={}",
            ws.workspace.id
        ),
        json!({"comment_text": "by custom id"}),
    )
    .await;
    let comments = api.get(&format!("/task/{task}/comment")).await;
    assert_eq!(
        comments["comments"][0]["comment_text"],
        json!("by custom id")
    );

    let no_team = api
        .call(
            Method::GET,
            &format!("/task/{custom}?custom_task_ids=true"),
            None,
        )
        .await;
    assert_eq!(no_team.status, StatusCode::BAD_REQUEST);
    let unknown = api
        .call(
            Method::GET,
            &format!(
                "/task/NOPE-1?custom_task_ids=true&team_id={}",
                ws.workspace.id
            ),
            None,
        )
        .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    let plain = api
        .call(Method::GET, &format!("/task/{custom}"), None)
        .await;
    assert_eq!(
        plain.status,
        StatusCode::NOT_FOUND,
        "without the flag a custom id is not an id"
    );
}

#[tokio::test]
async fn webhook_deliveries_are_signed_and_follow_subscriptions() {
    let sandbox = start_default().await;
    let api = Api::new(&sandbox);
    let ws = sandbox.workspace();
    let task = &ws.intake_tasks[0].id;
    let hooks = api.get(&format!("/team/{}/webhook", ws.workspace.id)).await;
    let secret_of = |id: &str| {
        hooks["webhooks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|h| h["id"] == json!(id))
            .map(|h| h["secret"].as_str().unwrap().to_owned())
            .unwrap()
    };
    // The first seeded webhook watches the Clinical space for three events.
    let clinical_hook = &ws.webhooks[0];

    api.post(
        &format!("/task/{task}/comment"),
        json!({"comment_text": "Latest note"}),
    )
    .await;
    let delivery = sandbox
        .webhook_delivery(clinical_hook, "taskCommentPosted", task)
        .expect("subscribed");
    let body: Value = serde_json::from_slice(&delivery.body).unwrap();
    assert_eq!(body["event"], json!("taskCommentPosted"));
    assert_eq!(body["task_id"], json!(task));
    assert_eq!(
        body["history_items"][0]["comment"]["text_content"],
        json!("Latest note")
    );
    assert_eq!(
        body["history_items"][0]["parent_id"],
        json!(ws.intake_list.id)
    );

    use hmac::Mac;
    let mut mac =
        hmac::Hmac::<sha2::Sha256>::new_from_slice(secret_of(clinical_hook).as_bytes()).unwrap();
    mac.update(&delivery.body);
    assert_eq!(delivery.signature, hex::encode(mac.finalize().into_bytes()));
    assert!(!format!("{delivery:?}").contains("Latest note"));

    assert!(
        sandbox
            .webhook_delivery(clinical_hook, "taskDeleted", task)
            .is_none(),
        "not subscribed"
    );
    let ops_task = api
        .post(
            &format!("/list/{}/task", ws.front_desk_list.id),
            json!({"name": "Chore"}),
        )
        .await;
    let ops_id = ops_task["id"].as_str().unwrap();
    assert!(
        sandbox
            .webhook_delivery(clinical_hook, "taskCreated", ops_id)
            .is_none(),
        "other space"
    );
    let everything = &ws.webhooks[1];
    let created = sandbox
        .webhook_delivery(everything, "taskCreated", ops_id)
        .expect("all events");
    let body: Value = serde_json::from_slice(&created.body).unwrap();
    assert_eq!(body["history_items"][0]["after"]["status"], json!("to do"));
    assert!(
        sandbox
            .webhook_delivery("nope", "taskCreated", ops_id)
            .is_none()
    );
}
