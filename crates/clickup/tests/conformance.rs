//! Conformance: every response example in ClickUp's OpenAPI document that
//! belongs to an operation this client implements must deserialize into
//! the client's models.
//!
//! The examples folder comes from `CLICKUP_OPENAPI_EXAMPLES` (the
//! `examples/responses` folder); without it, from
//! `<workspace>/../shared/reference/clickup-openapi/examples/responses`
//! when that exists. `index.json` beside the folder marks the examples
//! that fail ClickUp's own schema: they are tried and reported apart, and
//! do not count toward the ratio.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use phiguard_clickup::decode_response;
use phiguard_clickup::models::{
    Attachment, ChecklistEnvelope, CommentsPage, CreatedComment, CustomField, Empty, Folder,
    Folders, GuestEnvelope, List, Members, Space, Spaces, Tags, Task, TasksPage, UserEnvelope,
    ViewEnvelope, Views, WorkspaceEnvelope, Workspaces,
};
use phiguard_clickup::webhooks::{CreatedWebhook, Webhooks};
use phiguard_clickup::{AccessToken, Error};

type Check = fn(&[u8]) -> Result<(), Error>;

fn check<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<(), Error> {
    decode_response::<T>(body).map(drop)
}

/// Operation id -> the model its 200 body decodes into, for every
/// operation the client implements.
fn covered() -> BTreeMap<&'static str, Check> {
    let mut map: BTreeMap<&'static str, Check> = BTreeMap::new();
    let mut add = |ops: &[&'static str], check: Check| {
        for op in ops {
            map.insert(op, check);
        }
    };
    add(&["GetAccessToken"], check::<AccessToken>);
    add(&["GetAuthorizedUser"], check::<UserEnvelope>);
    add(&["GetAuthorizedTeams"], check::<Workspaces>);
    add(&["GetSpaces"], check::<Spaces>);
    add(&["CreateSpace", "GetSpace", "UpdateSpace"], check::<Space>);
    add(&["GetFolders"], check::<Folders>);
    add(
        &["CreateFolder", "GetFolder", "UpdateFolder"],
        check::<Folder>,
    );
    add(
        &[
            "CreateList",
            "CreateFolderlessList",
            "GetList",
            "UpdateList",
            "GetFolderlessLists",
        ],
        check::<List>,
    );
    add(
        &["GetTasks", "GetFilteredTeamTasks", "GetViewTasks"],
        check::<TasksPage>,
    );
    add(&["CreateTask", "GetTask", "UpdateTask"], check::<Task>);
    add(&["GetAccessibleCustomFields"], check::<CustomField>);
    add(
        &[
            "GetTaskComments",
            "GetListComments",
            "GetChatViewComments",
            "GetThreadedComments",
        ],
        check::<CommentsPage>,
    );
    add(
        &[
            "CreateTaskComment",
            "CreateListComment",
            "CreateChatViewComment",
            "CreateThreadedComment",
        ],
        check::<CreatedComment>,
    );
    add(
        &[
            "CreateChecklist",
            "CreateChecklistItem",
            "EditChecklistItem",
        ],
        check::<ChecklistEnvelope>,
    );
    add(&["GetSpaceTags"], check::<Tags>);
    add(&["GetTaskMembers", "GetListMembers"], check::<Members>);
    add(
        &["InviteGuestToWorkspace", "RemoveGuestFromWorkspace"],
        check::<WorkspaceEnvelope>,
    );
    add(
        &[
            "EditGuestOnWorkspace",
            "AddGuestToTask",
            "RemoveGuestFromTask",
            "AddGuestToList",
            "RemoveGuestFromList",
            "AddGuestToFolder",
            "RemoveGuestFromFolder",
        ],
        check::<GuestEnvelope>,
    );
    add(
        &[
            "GetTeamViews",
            "GetSpaceViews",
            "GetFolderViews",
            "GetListViews",
        ],
        check::<Views>,
    );
    add(
        &[
            "CreateTeamView",
            "CreateSpaceView",
            "CreateFolderView",
            "CreateListView",
            "GetView",
            "UpdateView",
        ],
        check::<ViewEnvelope>,
    );
    add(&["GetWebhooks"], check::<Webhooks>);
    add(&["CreateWebhook", "UpdateWebhook"], check::<CreatedWebhook>);
    add(&["CreateTaskAttachment"], check::<Attachment>);
    add(
        &[
            "DeleteSpace",
            "DeleteFolder",
            "DeleteList",
            "AddTaskToList",
            "RemoveTaskFromList",
            "DeleteTask",
            "SetCustomFieldValue",
            "RemoveCustomFieldValue",
            "UpdateComment",
            "DeleteComment",
            "DeleteChecklist",
            "DeleteChecklistItem",
            "CreateSpaceTag",
            "EditSpaceTag",
            "DeleteSpaceTag",
            "AddTagToTask",
            "RemoveTagFromTask",
            "DeleteView",
            "DeleteWebhook",
        ],
        check::<Empty>,
    );
    map
}

fn examples_folder() -> Option<(PathBuf, &'static str)> {
    if let Some(dir) = std::env::var_os("CLICKUP_OPENAPI_EXAMPLES") {
        return Some((PathBuf::from(dir), "CLICKUP_OPENAPI_EXAMPLES"));
    }
    let fallback = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/reference/clickup-openapi/examples/responses");
    fallback
        .is_dir()
        .then_some((fallback, "the shared folder beside the workspace"))
}

#[test]
fn response_examples_deserialize() {
    let Some((folder, source)) = examples_folder() else {
        println!(
            "conformance: skipped (CLICKUP_OPENAPI_EXAMPLES is unset and \
             ../shared/reference/clickup-openapi/examples/responses does not exist)"
        );
        return;
    };
    println!("examples folder: {} (from {source})", folder.display());

    let index_path = folder.join("../index.json");
    let index: Vec<serde_json::Value> =
        serde_json::from_slice(&std::fs::read(&index_path).expect("index.json beside responses/"))
            .expect("index.json parses");
    let covered = covered();

    let mut valid_total = 0;
    let mut valid_ok = 0;
    let mut failures = Vec::new();
    let mut invalid_total = 0;
    let mut invalid_ok = 0;
    let mut invalid_names = Vec::new();
    let mut operations_seen = std::collections::BTreeSet::new();

    for entry in &index {
        let file = entry["file"].as_str().unwrap_or_default();
        let Some(name) = file.strip_prefix("responses/") else {
            continue;
        };
        let op = entry["operationId"].as_str().unwrap_or_default();
        let Some(check) = covered.get(op) else {
            continue;
        };
        operations_seen.insert(op);
        let body = std::fs::read(folder.join(name)).expect("example file exists");
        let result = check(&body);
        // `None` marks array elements, which are not checked against a schema.
        let schema_valid = entry["validates_against_spec_schema"].as_bool() != Some(false);
        if schema_valid {
            valid_total += 1;
            match result {
                Ok(()) => valid_ok += 1,
                Err(error) => failures.push(format!("{name}: {error}")),
            }
        } else {
            invalid_total += 1;
            match result {
                Ok(()) => invalid_ok += 1,
                Err(error) => invalid_names.push(format!("{name} (fails: {error})")),
            }
        }
    }

    println!("conformance: {valid_ok}/{valid_total} response examples deserialize");
    for failure in &failures {
        println!("  failed: {failure}");
    }
    println!(
        "schema-invalid examples (listed in index.json, not counted): \
         {invalid_ok}/{invalid_total} deserialize anyway"
    );
    for name in &invalid_names {
        println!("  schema-invalid, not deserialized: {name}");
    }
    let missing: Vec<_> = covered
        .keys()
        .filter(|op| !operations_seen.contains(*op))
        .collect();
    println!("covered operations without a whole-response example: {missing:?}");

    assert!(
        valid_total >= 80,
        "expected the full example set, found {valid_total}"
    );
    assert!(
        valid_ok * 100 >= valid_total * 95,
        "conformance below 95%: {valid_ok}/{valid_total}"
    );
}
