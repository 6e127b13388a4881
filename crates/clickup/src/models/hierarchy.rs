//! Workspaces, spaces, folders, lists, members, guests, tags and views.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::common::{
    FolderId, ListId, PlaceRef, Priority, SpaceId, Status, Tag, Timestamp, User, UserId, ViewId,
    WorkspaceId, null_vec, opt_bool, opt_i64, opt_id, opt_string_or_number, opt_timestamp,
};
use super::task::Task;

/// The authorized user: `{"user": ...}`.
#[derive(Debug, Clone, Default, Deserialize)]
#[non_exhaustive]
pub struct UserEnvelope {
    /// The user.
    #[serde(default)]
    pub user: User,
}

/// A workspace (v2: a "team").
#[derive(Debug, Clone, Default, Deserialize)]
#[non_exhaustive]
pub struct Workspace {
    /// Workspace id.
    pub id: WorkspaceId,
    /// Name.
    #[serde(default)]
    pub name: Option<String>,
    /// Colour.
    #[serde(default)]
    pub color: Option<String>,
    /// Avatar URL.
    #[serde(default)]
    pub avatar: Option<String>,
    /// Members.
    #[serde(default, deserialize_with = "null_vec")]
    pub members: Vec<WorkspaceMember>,
}

/// A member of a workspace.
#[derive(Debug, Clone, Default, Deserialize)]
#[non_exhaustive]
pub struct WorkspaceMember {
    /// The user.
    #[serde(default)]
    pub user: User,
    /// Who invited them.
    #[serde(default)]
    pub invited_by: Option<User>,
}

/// `{"teams": [...]}`.
#[derive(Debug, Clone, Default, Deserialize)]
#[non_exhaustive]
pub struct Workspaces {
    /// Workspaces the token may use.
    #[serde(default, deserialize_with = "null_vec")]
    pub teams: Vec<Workspace>,
}

/// A space.
#[derive(Debug, Clone, Default, Deserialize)]
#[non_exhaustive]
pub struct Space {
    /// Space id.
    pub id: SpaceId,
    /// Name.
    #[serde(default)]
    pub name: Option<String>,
    /// Private.
    #[serde(default, deserialize_with = "opt_bool")]
    pub private: Option<bool>,
    /// Colour.
    #[serde(default)]
    pub color: Option<String>,
    /// Archived.
    #[serde(default, deserialize_with = "opt_bool")]
    pub archived: Option<bool>,
    /// Statuses.
    #[serde(default, deserialize_with = "null_vec")]
    pub statuses: Vec<Status>,
    /// Several assignees allowed.
    #[serde(default, deserialize_with = "opt_bool")]
    pub multiple_assignees: Option<bool>,
    /// ClickApps switched on (an open map: ClickUp adds keys).
    #[serde(default)]
    pub features: Option<serde_json::Map<String, Value>>,
    /// Members.
    #[serde(default, deserialize_with = "null_vec")]
    pub members: Vec<WorkspaceMember>,
}

/// `{"spaces": [...]}`.
#[derive(Debug, Clone, Default, Deserialize)]
#[non_exhaustive]
pub struct Spaces {
    /// Spaces.
    #[serde(default, deserialize_with = "null_vec")]
    pub spaces: Vec<Space>,
}

/// A folder.
#[derive(Debug, Clone, Default, Deserialize)]
#[non_exhaustive]
pub struct Folder {
    /// Folder id.
    pub id: FolderId,
    /// Name.
    #[serde(default)]
    pub name: Option<String>,
    /// Position.
    #[serde(default, deserialize_with = "opt_i64")]
    pub orderindex: Option<i64>,
    /// Own statuses.
    #[serde(default, deserialize_with = "opt_bool")]
    pub override_statuses: Option<bool>,
    /// Hidden.
    #[serde(default, deserialize_with = "opt_bool")]
    pub hidden: Option<bool>,
    /// Space.
    #[serde(default)]
    pub space: Option<PlaceRef>,
    /// Task count (a string on the wire).
    #[serde(default, deserialize_with = "opt_i64")]
    pub task_count: Option<i64>,
    /// Lists in the folder.
    #[serde(default, deserialize_with = "null_vec")]
    pub lists: Vec<List>,
    /// Parent folder, for subfolders.
    #[serde(default, deserialize_with = "opt_id")]
    pub parent_folder: Option<FolderId>,
    /// Archived.
    #[serde(default, deserialize_with = "opt_bool")]
    pub archived: Option<bool>,
}

/// `{"folders": [...]}`.
#[derive(Debug, Clone, Default, Deserialize)]
#[non_exhaustive]
pub struct Folders {
    /// Folders.
    #[serde(default, deserialize_with = "null_vec")]
    pub folders: Vec<Folder>,
}

/// A list.
#[derive(Debug, Clone, Default, Deserialize)]
#[non_exhaustive]
pub struct List {
    /// List id.
    pub id: ListId,
    /// Name.
    #[serde(default)]
    pub name: Option<String>,
    /// Position.
    #[serde(default, deserialize_with = "opt_i64")]
    pub orderindex: Option<i64>,
    /// List description.
    #[serde(default)]
    pub content: Option<String>,
    /// List status.
    #[serde(default)]
    pub status: Option<Status>,
    /// List priority.
    #[serde(default)]
    pub priority: Option<Priority>,
    /// Owner.
    #[serde(default)]
    pub assignee: Option<User>,
    /// Task count (string or number on the wire).
    #[serde(default, deserialize_with = "opt_i64")]
    pub task_count: Option<i64>,
    /// Due date.
    #[serde(default, deserialize_with = "opt_timestamp")]
    pub due_date: Option<Timestamp>,
    /// Start date.
    #[serde(default, deserialize_with = "opt_timestamp")]
    pub start_date: Option<Timestamp>,
    /// Folder (hidden placeholder for folderless lists).
    #[serde(default)]
    pub folder: Option<PlaceRef>,
    /// Space.
    #[serde(default)]
    pub space: Option<PlaceRef>,
    /// Archived.
    #[serde(default, deserialize_with = "opt_bool")]
    pub archived: Option<bool>,
    /// Own statuses.
    #[serde(default, deserialize_with = "opt_bool")]
    pub override_statuses: Option<bool>,
    /// Statuses.
    #[serde(default, deserialize_with = "null_vec")]
    pub statuses: Vec<Status>,
    /// The caller's permission.
    #[serde(default)]
    pub permission_level: Option<String>,
}

/// `{"lists": [...]}`.
#[derive(Debug, Clone, Default, Deserialize)]
#[non_exhaustive]
pub struct Lists {
    /// Lists.
    #[serde(default, deserialize_with = "null_vec")]
    pub lists: Vec<List>,
}

/// Body of CreateSpace and UpdateSpace.
#[derive(Debug, Clone, Default, Serialize)]
#[non_exhaustive]
pub struct SpaceSpec {
    /// Name.
    pub name: String,
    /// Several assignees allowed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub multiple_assignees: Option<bool>,
    /// ClickApps to switch on or off.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub features: Option<Value>,
    /// Colour.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub color: Option<String>,
    /// Private.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub private: Option<bool>,
}

impl SpaceSpec {
    /// A space with this name.
    pub fn new(name: impl Into<String>) -> Self {
        SpaceSpec {
            name: name.into(),
            ..SpaceSpec::default()
        }
    }

    /// Allow several assignees.
    pub fn multiple_assignees(mut self, on: bool) -> Self {
        self.multiple_assignees = Some(on);
        self
    }
}

/// Body of CreateList, CreateFolderlessList and UpdateList.
#[derive(Debug, Clone, Default, Serialize)]
#[non_exhaustive]
pub struct ListSpec {
    /// Name.
    pub name: String,
    /// Description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content: Option<String>,
    /// Due date.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub due_date: Option<Timestamp>,
    /// Priority 1..4.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub priority: Option<u8>,
    /// Owner user id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assignee: Option<i64>,
    /// List colour status.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
}

impl ListSpec {
    /// A list with this name.
    pub fn new(name: impl Into<String>) -> Self {
        ListSpec {
            name: name.into(),
            ..ListSpec::default()
        }
    }

    /// Sets the description.
    pub fn content(mut self, content: impl Into<String>) -> Self {
        self.content = Some(content.into());
        self
    }
}

/// A member of a task or list (explicit access only).
#[derive(Debug, Clone, Default, Deserialize)]
#[non_exhaustive]
pub struct Members {
    /// Members.
    #[serde(default, deserialize_with = "null_vec")]
    pub members: Vec<User>,
}

/// `{"tags": [...]}`.
#[derive(Debug, Clone, Default, Deserialize)]
#[non_exhaustive]
pub struct Tags {
    /// Tags.
    #[serde(default, deserialize_with = "null_vec")]
    pub tags: Vec<Tag>,
}

/// A guest of a workspace (Enterprise plans).
#[derive(Debug, Clone, Default, Deserialize)]
#[non_exhaustive]
pub struct Guest {
    /// The guest user.
    #[serde(default)]
    pub user: User,
    /// Who invited them.
    #[serde(default)]
    pub invited_by: Option<User>,
    /// May see time spent.
    #[serde(default, deserialize_with = "opt_bool")]
    pub can_see_time_spent: Option<bool>,
    /// May see time estimates.
    #[serde(default, deserialize_with = "opt_bool")]
    pub can_see_time_estimated: Option<bool>,
    /// May edit tags.
    #[serde(default, deserialize_with = "opt_bool")]
    pub can_edit_tags: Option<bool>,
    /// May create views.
    #[serde(default, deserialize_with = "opt_bool")]
    pub can_create_views: Option<bool>,
    /// What is shared with the guest.
    #[serde(default)]
    pub shared: Option<GuestShared>,
}

/// What is shared with a guest.
#[derive(Debug, Clone, Default, Deserialize)]
#[non_exhaustive]
pub struct GuestShared {
    /// Shared tasks.
    #[serde(default, deserialize_with = "null_vec")]
    pub tasks: Vec<Task>,
    /// Shared lists.
    #[serde(default, deserialize_with = "null_vec")]
    pub lists: Vec<List>,
    /// Shared folders.
    #[serde(default, deserialize_with = "null_vec")]
    pub folders: Vec<Folder>,
}

/// `{"guest": ...}`.
#[derive(Debug, Clone, Default, Deserialize)]
#[non_exhaustive]
pub struct GuestEnvelope {
    /// The guest.
    #[serde(default)]
    pub guest: Guest,
}

/// `{"team": ...}`, as inviting a guest answers.
#[derive(Debug, Clone, Default, Deserialize)]
#[non_exhaustive]
pub struct WorkspaceEnvelope {
    /// The workspace with its members.
    #[serde(default)]
    pub team: Workspace,
}

/// Body of InviteGuestToWorkspace and EditGuestOnWorkspace.
#[derive(Debug, Clone, Default, Serialize)]
#[non_exhaustive]
pub struct GuestSpec {
    /// Email (invite only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Display name (edit only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// May edit tags.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub can_edit_tags: Option<bool>,
    /// May see time spent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub can_see_time_spent: Option<bool>,
    /// May see time estimates.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub can_see_time_estimated: Option<bool>,
    /// May create views.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub can_create_views: Option<bool>,
    /// Custom role id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub custom_role_id: Option<i64>,
}

impl GuestSpec {
    /// An invitation for this email.
    pub fn invite(email: impl Into<String>) -> Self {
        GuestSpec {
            email: Some(email.into()),
            ..GuestSpec::default()
        }
    }

    /// Allow editing tags.
    pub fn can_edit_tags(mut self, on: bool) -> Self {
        self.can_edit_tags = Some(on);
        self
    }
}

/// The access a guest gets to a task, list or folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum GuestPermission {
    /// Read.
    Read,
    /// Comment.
    Comment,
    /// Edit.
    Edit,
    /// Create.
    Create,
}

/// A view.
#[derive(Debug, Clone, Default, Deserialize)]
#[non_exhaustive]
pub struct View {
    /// View id.
    #[serde(default, deserialize_with = "opt_id")]
    pub id: Option<ViewId>,
    /// Name.
    #[serde(default)]
    pub name: Option<String>,
    /// `list`, `board`, `calendar`, `form`, ...
    #[serde(default, rename = "type")]
    pub kind: Option<String>,
    /// Where it lives.
    #[serde(default)]
    pub parent: Option<ViewParent>,
    /// Created.
    #[serde(default, deserialize_with = "opt_timestamp")]
    pub date_created: Option<Timestamp>,
    /// Creator.
    #[serde(default, deserialize_with = "opt_id")]
    pub creator: Option<UserId>,
    /// Visibility.
    #[serde(default)]
    pub visibility: Option<String>,
    /// Protected.
    #[serde(default, deserialize_with = "opt_bool")]
    pub protected: Option<bool>,
    /// Position.
    #[serde(default, deserialize_with = "opt_i64")]
    pub orderindex: Option<i64>,
}

/// Where a view lives: 7 workspace, 4 space, 5 folder, 6 list.
#[derive(Debug, Clone, Default, Deserialize)]
#[non_exhaustive]
pub struct ViewParent {
    /// Parent id.
    #[serde(default, deserialize_with = "opt_string_or_number")]
    pub id: Option<String>,
    /// Parent kind.
    #[serde(default, rename = "type", deserialize_with = "opt_i64")]
    pub kind: Option<i64>,
}

/// `{"view": ...}`.
#[derive(Debug, Clone, Default, Deserialize)]
#[non_exhaustive]
pub struct ViewEnvelope {
    /// The view.
    #[serde(default)]
    pub view: View,
}

/// `{"views": [...]}` (workspace views also carry `required_views`).
#[derive(Debug, Clone, Default, Deserialize)]
#[non_exhaustive]
pub struct Views {
    /// Views.
    #[serde(default, deserialize_with = "null_vec")]
    pub views: Vec<View>,
}

/// Body of the CreateView operations and UpdateView.
///
/// Grouping, sorting, filters, columns and settings are sent as JSON: they
/// follow ClickUp's filter-view format, which changes often.
#[derive(Debug, Clone, Default, Serialize)]
#[non_exhaustive]
pub struct ViewSpec {
    /// Name.
    pub name: String,
    /// `list`, `board`, `calendar`, `table`, `timeline`, ...
    #[serde(rename = "type")]
    pub kind: String,
    /// Grouping.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grouping: Option<Value>,
    /// Divide.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub divide: Option<Value>,
    /// Sorting.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sorting: Option<Value>,
    /// Filters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub filters: Option<Value>,
    /// Columns.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub columns: Option<Value>,
    /// Settings.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub settings: Option<Value>,
}

impl ViewSpec {
    /// A view with a name and kind.
    pub fn new(name: impl Into<String>, kind: impl Into<String>) -> Self {
        ViewSpec {
            name: name.into(),
            kind: kind.into(),
            ..ViewSpec::default()
        }
    }
}
