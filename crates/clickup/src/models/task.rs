//! Tasks, subtasks, checklists, attachments and the bodies that write them.

use serde::{Deserialize, Serialize};

use super::common::{
    AttachmentId, ChecklistId, ChecklistItemId, FreeText, ListId, PlaceRef, Priority, Status, Tag,
    TaskId, Timestamp, User, UserId, WorkspaceId, null_vec, opt_bool, opt_f64, opt_i64, opt_id,
    opt_priority, opt_string_or_number, opt_timestamp, vec_or_one,
};
use super::field::{CustomField, InlineField};

/// A ClickUp task (or subtask: a task whose `parent` is set).
///
/// Name, description and other free text arrive sealed as PHI; a
/// [`crate::LabelSchema`] releases them for places that hold none.
#[derive(Debug, Clone, Default, Deserialize)]
#[non_exhaustive]
pub struct Task {
    /// Native task id.
    pub id: TaskId,
    /// Custom task id such as `DEV-123`, when the workspace uses them.
    #[serde(default, deserialize_with = "opt_string_or_number")]
    pub custom_id: Option<String>,
    /// Custom task type: 0 task, 1 milestone, or a custom type id.
    #[serde(default, deserialize_with = "opt_i64")]
    pub custom_item_id: Option<i64>,
    /// Task name.
    #[serde(default)]
    pub name: FreeText,
    /// Plain-text description.
    #[serde(default)]
    pub text_content: Option<FreeText>,
    /// Description.
    #[serde(default)]
    pub description: Option<FreeText>,
    /// Markdown description (with `include_markdown_description`).
    #[serde(default)]
    pub markdown_description: Option<FreeText>,
    /// Current status.
    #[serde(default)]
    pub status: Option<Status>,
    /// Position in the list (a decimal string on the wire).
    #[serde(default, deserialize_with = "opt_string_or_number")]
    pub orderindex: Option<String>,
    /// Created.
    #[serde(default, deserialize_with = "opt_timestamp")]
    pub date_created: Option<Timestamp>,
    /// Last updated.
    #[serde(default, deserialize_with = "opt_timestamp")]
    pub date_updated: Option<Timestamp>,
    /// Closed.
    #[serde(default, deserialize_with = "opt_timestamp")]
    pub date_closed: Option<Timestamp>,
    /// Done.
    #[serde(default, deserialize_with = "opt_timestamp")]
    pub date_done: Option<Timestamp>,
    /// Archived.
    #[serde(default, deserialize_with = "opt_bool")]
    pub archived: Option<bool>,
    /// Creator.
    #[serde(default)]
    pub creator: Option<User>,
    /// Assignees.
    #[serde(default, deserialize_with = "null_vec")]
    pub assignees: Vec<User>,
    /// Watchers.
    #[serde(default, deserialize_with = "null_vec")]
    pub watchers: Vec<User>,
    /// Checklists.
    #[serde(default, deserialize_with = "null_vec")]
    pub checklists: Vec<Checklist>,
    /// Tags.
    #[serde(default, deserialize_with = "null_vec")]
    pub tags: Vec<Tag>,
    /// Parent task, for subtasks.
    #[serde(default, deserialize_with = "opt_id")]
    pub parent: Option<TaskId>,
    /// Top-level ancestor, for nested subtasks.
    #[serde(default, deserialize_with = "opt_id")]
    pub top_level_parent: Option<TaskId>,
    /// Priority.
    #[serde(default, deserialize_with = "opt_priority")]
    pub priority: Option<Priority>,
    /// Due date.
    #[serde(default, deserialize_with = "opt_timestamp")]
    pub due_date: Option<Timestamp>,
    /// Start date.
    #[serde(default, deserialize_with = "opt_timestamp")]
    pub start_date: Option<Timestamp>,
    /// Sprint points.
    #[serde(default, deserialize_with = "opt_f64")]
    pub points: Option<f64>,
    /// Time estimate in milliseconds.
    #[serde(default, deserialize_with = "opt_i64")]
    pub time_estimate: Option<i64>,
    /// Time tracked in milliseconds.
    #[serde(default, deserialize_with = "opt_i64")]
    pub time_spent: Option<i64>,
    /// Custom fields that apply to the task, with values.
    #[serde(default, deserialize_with = "vec_or_one")]
    pub custom_fields: Vec<CustomField>,
    /// Dependencies.
    #[serde(default, deserialize_with = "null_vec")]
    pub dependencies: Vec<Dependency>,
    /// Linked tasks.
    #[serde(default, deserialize_with = "null_vec")]
    pub linked_tasks: Vec<LinkedTask>,
    /// Other lists the task is in.
    #[serde(default, deserialize_with = "null_vec")]
    pub locations: Vec<PlaceRef>,
    /// Workspace.
    #[serde(default, deserialize_with = "opt_id")]
    pub team_id: Option<WorkspaceId>,
    /// Link to the task in ClickUp.
    #[serde(default)]
    pub url: Option<String>,
    /// The caller's permission on the task.
    #[serde(default)]
    pub permission_level: Option<String>,
    /// Home list.
    #[serde(default)]
    pub list: Option<PlaceRef>,
    /// Folder (a placeholder with `hidden: true` for folderless lists).
    #[serde(default)]
    pub folder: Option<PlaceRef>,
    /// Space.
    #[serde(default)]
    pub space: Option<PlaceRef>,
    /// Subtasks (with `include_subtasks=true`).
    #[serde(default, deserialize_with = "null_vec")]
    pub subtasks: Vec<Task>,
    /// Attachments (single-task reads only).
    #[serde(default, deserialize_with = "null_vec")]
    pub attachments: Vec<Attachment>,
}

impl Task {
    /// The custom field with this id.
    pub fn field(&self, id: &str) -> Option<&CustomField> {
        self.custom_fields.iter().find(|f| f.id.as_str() == id)
    }

    /// The custom field with this name.
    pub fn field_named(&self, name: &str) -> Option<&CustomField> {
        self.custom_fields
            .iter()
            .find(|f| f.name.as_deref() == Some(name))
    }

    /// The home list id.
    pub fn list_id(&self) -> Option<ListId> {
        self.list
            .as_ref()
            .and_then(|l| l.id.clone())
            .map(ListId::from)
    }
}

/// A page of tasks.
#[derive(Debug, Clone, Default, Deserialize)]
#[non_exhaustive]
pub struct TasksPage {
    /// Tasks on this page.
    #[serde(default, deserialize_with = "null_vec")]
    pub tasks: Vec<Task>,
    /// True on the last page (not every endpoint sends it).
    #[serde(default, deserialize_with = "opt_bool")]
    pub last_page: Option<bool>,
}

/// A dependency between two tasks.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct Dependency {
    /// The waiting task.
    #[serde(default, deserialize_with = "opt_id")]
    pub task_id: Option<TaskId>,
    /// The task it waits on.
    #[serde(default, deserialize_with = "opt_id")]
    pub depends_on: Option<TaskId>,
    /// Dependency type.
    #[serde(default, rename = "type", deserialize_with = "opt_i64")]
    pub kind: Option<i64>,
    /// Created.
    #[serde(default, deserialize_with = "opt_timestamp")]
    pub date_created: Option<Timestamp>,
    /// Who created it.
    #[serde(default, deserialize_with = "opt_id")]
    pub userid: Option<UserId>,
}

/// A link between two tasks.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct LinkedTask {
    /// One task.
    #[serde(default, deserialize_with = "opt_id")]
    pub task_id: Option<TaskId>,
    /// The other task.
    #[serde(default, deserialize_with = "opt_id")]
    pub link_id: Option<TaskId>,
    /// Created.
    #[serde(default, deserialize_with = "opt_timestamp")]
    pub date_created: Option<Timestamp>,
    /// Who created it.
    #[serde(default, deserialize_with = "opt_id")]
    pub userid: Option<UserId>,
}

/// A checklist on a task.
#[derive(Debug, Clone, Default, Deserialize)]
#[non_exhaustive]
pub struct Checklist {
    /// Checklist id.
    #[serde(default, deserialize_with = "opt_id")]
    pub id: Option<ChecklistId>,
    /// The task it belongs to.
    #[serde(default, deserialize_with = "opt_id")]
    pub task_id: Option<TaskId>,
    /// Checklist name.
    #[serde(default)]
    pub name: Option<FreeText>,
    /// Position (an integer or a string on the wire).
    #[serde(default, deserialize_with = "opt_f64")]
    pub orderindex: Option<f64>,
    /// Resolved items.
    #[serde(default, deserialize_with = "opt_i64")]
    pub resolved: Option<i64>,
    /// Unresolved items.
    #[serde(default, deserialize_with = "opt_i64")]
    pub unresolved: Option<i64>,
    /// Items.
    #[serde(default, deserialize_with = "null_vec")]
    pub items: Vec<ChecklistItem>,
}

/// An item of a checklist.
#[derive(Debug, Clone, Default, Deserialize)]
#[non_exhaustive]
pub struct ChecklistItem {
    /// Item id.
    #[serde(default, deserialize_with = "opt_id")]
    pub id: Option<ChecklistItemId>,
    /// Item text.
    #[serde(default)]
    pub name: Option<FreeText>,
    /// Position (floats like 2.5 happen).
    #[serde(default, deserialize_with = "opt_f64")]
    pub orderindex: Option<f64>,
    /// Assignee.
    #[serde(default)]
    pub assignee: Option<User>,
    /// Done.
    #[serde(default, deserialize_with = "opt_bool")]
    pub resolved: Option<bool>,
    /// Parent item, for nested items.
    #[serde(default, deserialize_with = "opt_id")]
    pub parent: Option<ChecklistItemId>,
    /// Created.
    #[serde(default, deserialize_with = "opt_timestamp")]
    pub date_created: Option<Timestamp>,
    /// Nested items.
    #[serde(default, deserialize_with = "null_vec")]
    pub children: Vec<ChecklistItem>,
}

/// `{"checklist": ...}`, as checklist writes answer.
#[derive(Debug, Clone, Default, Deserialize)]
#[non_exhaustive]
pub struct ChecklistEnvelope {
    /// The checklist.
    #[serde(default)]
    pub checklist: Checklist,
}

/// A file attached to a task.
#[derive(Debug, Clone, Default, Deserialize)]
#[non_exhaustive]
pub struct Attachment {
    /// Attachment id.
    #[serde(default, deserialize_with = "opt_id")]
    pub id: Option<AttachmentId>,
    /// Version.
    #[serde(default, deserialize_with = "opt_string_or_number")]
    pub version: Option<String>,
    /// Uploaded.
    #[serde(default, deserialize_with = "opt_timestamp")]
    pub date: Option<Timestamp>,
    /// File name (sealed: names of clinical files identify patients).
    #[serde(default)]
    pub title: Option<FreeText>,
    /// File extension.
    #[serde(default)]
    pub extension: Option<String>,
    /// MIME type.
    #[serde(default)]
    pub mimetype: Option<String>,
    /// Size in bytes.
    #[serde(default, deserialize_with = "opt_i64")]
    pub size: Option<i64>,
    /// Download URL.
    #[serde(default)]
    pub url: Option<String>,
    /// Small thumbnail URL.
    #[serde(default)]
    pub thumbnail_small: Option<String>,
    /// Large thumbnail URL.
    #[serde(default)]
    pub thumbnail_large: Option<String>,
    /// Uploader.
    #[serde(default)]
    pub user: Option<User>,
}

/// How to name a task in a request: its native id, or a custom id with
/// the workspace it belongs to (sent as `custom_task_ids=true&team_id=`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TaskRef {
    /// A native id such as `9hx`.
    Native(TaskId),
    /// A custom id such as `DEV-123`.
    Custom {
        /// The custom id.
        custom_id: String,
        /// The workspace that issued it.
        workspace: WorkspaceId,
    },
}

impl TaskRef {
    /// A custom task id in a workspace.
    pub fn custom(custom_id: impl Into<String>, workspace: impl Into<WorkspaceId>) -> Self {
        TaskRef::Custom {
            custom_id: custom_id.into(),
            workspace: workspace.into(),
        }
    }

    /// The id as it goes into the path.
    pub fn path_id(&self) -> &str {
        match self {
            TaskRef::Native(id) => id.as_str(),
            TaskRef::Custom { custom_id, .. } => custom_id,
        }
    }

    /// The query pairs custom ids need.
    pub(crate) fn query(&self) -> Vec<(&'static str, String)> {
        match self {
            TaskRef::Native(_) => Vec::new(),
            TaskRef::Custom { workspace, .. } => {
                vec![
                    ("custom_task_ids", "true".into()),
                    ("team_id", workspace.to_string()),
                ]
            }
        }
    }
}

impl From<TaskId> for TaskRef {
    fn from(id: TaskId) -> Self {
        TaskRef::Native(id)
    }
}

impl From<&TaskId> for TaskRef {
    fn from(id: &TaskId) -> Self {
        TaskRef::Native(id.clone())
    }
}

impl From<&str> for TaskRef {
    fn from(id: &str) -> Self {
        TaskRef::Native(TaskId::new(id))
    }
}

impl From<&Task> for TaskRef {
    fn from(task: &Task) -> Self {
        TaskRef::Native(task.id.clone())
    }
}

/// Body of CreateTask. Build with [`NewTask::new`] and the setters.
#[derive(Debug, Clone, Default, Serialize)]
#[non_exhaustive]
pub struct NewTask {
    /// Name.
    pub name: FreeText,
    /// Plain description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<FreeText>,
    /// Markdown description (takes precedence over `description`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub markdown_content: Option<FreeText>,
    /// Assignee user ids.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub assignees: Vec<i64>,
    /// Tag names.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// Status name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// Priority 1 (urgent) .. 4 (low).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub priority: Option<u8>,
    /// Due date.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub due_date: Option<Timestamp>,
    /// Whether the due date has a time of day.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub due_date_time: Option<bool>,
    /// Start date.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_date: Option<Timestamp>,
    /// Time estimate in milliseconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time_estimate: Option<i64>,
    /// Notify everyone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notify_all: Option<bool>,
    /// Parent task (native id) to create a subtask.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent: Option<TaskId>,
    /// Custom task type.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub custom_item_id: Option<i64>,
    /// Custom field values to set at creation.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub custom_fields: Vec<InlineField>,
}

impl NewTask {
    /// A task with a name.
    pub fn new(name: impl Into<FreeText>) -> Self {
        NewTask {
            name: name.into(),
            ..NewTask::default()
        }
    }

    /// Sets the description.
    pub fn description(mut self, text: impl Into<FreeText>) -> Self {
        self.description = Some(text.into());
        self
    }

    /// Sets the markdown description.
    pub fn markdown(mut self, text: impl Into<FreeText>) -> Self {
        self.markdown_content = Some(text.into());
        self
    }

    /// Adds an assignee.
    pub fn assignee(mut self, user_id: i64) -> Self {
        self.assignees.push(user_id);
        self
    }

    /// Adds a tag.
    pub fn tag(mut self, name: impl Into<String>) -> Self {
        self.tags.push(name.into());
        self
    }

    /// Sets the status by name.
    pub fn status(mut self, status: impl Into<String>) -> Self {
        self.status = Some(status.into());
        self
    }

    /// Sets the priority (1 urgent .. 4 low).
    pub fn priority(mut self, level: u8) -> Self {
        self.priority = Some(level);
        self
    }

    /// Sets the due date.
    pub fn due(mut self, at: Timestamp, with_time: bool) -> Self {
        self.due_date = Some(at);
        self.due_date_time = Some(with_time);
        self
    }

    /// Makes it a subtask of `parent` (a native id: ClickUp rejects custom
    /// ids here).
    pub fn parent(mut self, parent: impl Into<TaskId>) -> Self {
        self.parent = Some(parent.into());
        self
    }

    /// Sets a custom field value at creation.
    pub fn field(mut self, field: InlineField) -> Self {
        self.custom_fields.push(field);
        self
    }
}

/// Body of UpdateTask: only the fields set are sent.
#[derive(Debug, Clone, Default, Serialize)]
#[non_exhaustive]
pub struct TaskUpdate {
    /// New name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<FreeText>,
    /// New description (`" "` clears it, as ClickUp documents).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<FreeText>,
    /// New markdown description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub markdown_content: Option<FreeText>,
    /// New status name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// New priority (1..4).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub priority: Option<u8>,
    /// New due date.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub due_date: Option<Timestamp>,
    /// New start date.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_date: Option<Timestamp>,
    /// New time estimate (ms).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time_estimate: Option<i64>,
    /// Move under another parent (native id).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent: Option<TaskId>,
    /// Archive or unarchive.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub archived: Option<bool>,
    /// Assignees to add and remove.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assignees: Option<AssigneeChange>,
}

impl TaskUpdate {
    /// An empty update.
    pub fn new() -> Self {
        TaskUpdate::default()
    }

    /// Renames the task.
    pub fn name(mut self, name: impl Into<FreeText>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// Replaces the description.
    pub fn description(mut self, text: impl Into<FreeText>) -> Self {
        self.description = Some(text.into());
        self
    }

    /// Replaces the markdown description.
    pub fn markdown(mut self, text: impl Into<FreeText>) -> Self {
        self.markdown_content = Some(text.into());
        self
    }

    /// Sets the status by name.
    pub fn status(mut self, status: impl Into<String>) -> Self {
        self.status = Some(status.into());
        self
    }

    /// Sets the priority.
    pub fn priority(mut self, level: u8) -> Self {
        self.priority = Some(level);
        self
    }

    /// Archives or unarchives.
    pub fn archived(mut self, archived: bool) -> Self {
        self.archived = Some(archived);
        self
    }
}

/// Assignees to add and remove in an update.
#[derive(Debug, Clone, Default, Serialize)]
#[non_exhaustive]
pub struct AssigneeChange {
    /// User ids to add.
    pub add: Vec<i64>,
    /// User ids to remove.
    pub rem: Vec<i64>,
}
