//! Typed ClickUp models: lenient on input, exact on output.
//!
//! Ids and millisecond timestamps arrive as strings or numbers, fields may
//! be missing or `null`, arrays may be `null`, enums carry an `Unknown`
//! catch-all. Unknown JSON keys are dropped rather than kept, because a key
//! this client does not know may hold PHI that would then escape labelling.

mod comment;
mod common;
mod field;
mod hierarchy;
mod task;

pub use comment::{
    Comment, CommentBlock, CommentUpdate, CommentsPage, CreatedComment, NewComment, Reaction,
};
pub use common::{
    AttachmentId, ChecklistId, ChecklistItemId, CommentId, Empty, FieldId, FolderId, FreeText,
    ListId, PlaceRef, Priority, SpaceId, Status, StatusKind, Tag, TaskId, Timestamp, User, UserId,
    ViewId, WebhookId, WorkspaceId,
};
pub(crate) use common::{null_vec, opt_i64, opt_id, opt_string_or_number, opt_timestamp};
pub use field::{
    CustomField, FieldOption, FieldSlot, FieldType, FieldValue, FieldWrite, InlineField,
    InlineValue, TypeConfig,
};
pub use hierarchy::{
    Folder, Folders, Guest, GuestEnvelope, GuestPermission, GuestShared, GuestSpec, List, ListSpec,
    Lists, Members, Space, SpaceSpec, Spaces, Tags, UserEnvelope, View, ViewEnvelope, ViewParent,
    ViewSpec, Views, Workspace, WorkspaceEnvelope, WorkspaceMember, Workspaces,
};
pub use task::{
    AssigneeChange, Attachment, Checklist, ChecklistEnvelope, ChecklistItem, Dependency,
    LinkedTask, NewTask, Task, TaskRef, TaskUpdate, TasksPage,
};

/// `{"fields": [...]}`.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[non_exhaustive]
pub struct Fields {
    /// Field definitions.
    #[serde(default, deserialize_with = "null_vec")]
    pub fields: Vec<CustomField>,
}
