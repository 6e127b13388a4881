//! Comments on tasks, lists and chat views, and threaded replies.

use serde::{Deserialize, Serialize};

use super::common::{
    CommentId, FreeText, Timestamp, User, UserId, null_vec, opt_bool, opt_i64, opt_id,
    opt_timestamp,
};

/// A comment (or a threaded reply).
#[derive(Debug, Clone, Default, Deserialize)]
#[non_exhaustive]
pub struct Comment {
    /// Comment id.
    #[serde(deserialize_with = "super::common::string_or_number")]
    pub id: String,
    /// Rich-text blocks.
    #[serde(default, deserialize_with = "null_vec")]
    pub comment: Vec<CommentBlock>,
    /// The comment as plain text.
    #[serde(default)]
    pub comment_text: FreeText,
    /// Author.
    #[serde(default)]
    pub user: Option<User>,
    /// Resolved.
    #[serde(default, deserialize_with = "opt_bool")]
    pub resolved: Option<bool>,
    /// Assignee.
    #[serde(default)]
    pub assignee: Option<User>,
    /// Who assigned it.
    #[serde(default)]
    pub assigned_by: Option<User>,
    /// Reactions.
    #[serde(default, deserialize_with = "null_vec")]
    pub reactions: Vec<Reaction>,
    /// Posted (the pagination cursor uses it).
    #[serde(default, deserialize_with = "opt_timestamp")]
    pub date: Option<Timestamp>,
    /// Number of replies (always 0 on replies).
    #[serde(default, deserialize_with = "opt_i64")]
    pub reply_count: Option<i64>,
}

impl Comment {
    /// The comment's id as a typed id.
    pub fn comment_id(&self) -> CommentId {
        CommentId::new(self.id.clone())
    }
}

/// One rich-text block of a comment.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[non_exhaustive]
pub struct CommentBlock {
    /// The block's text.
    #[serde(default)]
    pub text: FreeText,
    /// Block kind (`tag`, `emoticon`, ...), absent for text.
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
}

/// A reaction on a comment.
#[derive(Debug, Clone, Default, Deserialize)]
#[non_exhaustive]
pub struct Reaction {
    /// The emoji.
    #[serde(default)]
    pub reaction: Option<String>,
    /// When.
    #[serde(default, deserialize_with = "opt_timestamp")]
    pub date: Option<Timestamp>,
    /// Who.
    #[serde(default)]
    pub user: Option<User>,
}

/// `{"comments": [...]}`.
#[derive(Debug, Clone, Default, Deserialize)]
#[non_exhaustive]
pub struct CommentsPage {
    /// Comments, newest first.
    #[serde(default, deserialize_with = "null_vec")]
    pub comments: Vec<Comment>,
}

/// What ClickUp answers when a comment is created.
#[derive(Debug, Clone, Default, Deserialize)]
#[non_exhaustive]
pub struct CreatedComment {
    /// New comment id.
    #[serde(default, deserialize_with = "opt_id")]
    pub id: Option<CommentId>,
    /// History id.
    #[serde(default, deserialize_with = "super::common::opt_string_or_number")]
    pub hist_id: Option<String>,
    /// Posted.
    #[serde(default, deserialize_with = "opt_timestamp")]
    pub date: Option<Timestamp>,
}

impl CreatedComment {
    /// The new comment's id.
    pub fn comment_id(&self) -> Option<&CommentId> {
        self.id.as_ref()
    }
}

/// Body of CreateTaskComment, CreateListComment, CreateChatViewComment and
/// CreateThreadedComment.
#[derive(Debug, Clone, Default, Serialize)]
#[non_exhaustive]
pub struct NewComment {
    /// The comment text.
    pub comment_text: FreeText,
    /// Notify everyone on the task.
    pub notify_all: bool,
    /// Assign the comment to a user.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assignee: Option<i64>,
    /// Assign the comment to a user group (UUID).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group_assignee: Option<String>,
}

impl NewComment {
    /// A comment with this text, notifying no one.
    pub fn new(text: impl Into<FreeText>) -> Self {
        NewComment {
            comment_text: text.into(),
            ..NewComment::default()
        }
    }

    /// Notify everyone.
    pub fn notify_all(mut self, notify: bool) -> Self {
        self.notify_all = notify;
        self
    }

    /// Assign to a user.
    pub fn assignee(mut self, user: impl Into<UserId>) -> Self {
        self.assignee = user.into().as_str().parse().ok();
        self
    }
}

/// Body of UpdateComment.
#[derive(Debug, Clone, Default, Serialize)]
#[non_exhaustive]
pub struct CommentUpdate {
    /// New text.
    pub comment_text: FreeText,
    /// Assignee user id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assignee: Option<i64>,
    /// Resolved.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resolved: Option<bool>,
}

impl CommentUpdate {
    /// Replace the text.
    pub fn new(text: impl Into<FreeText>) -> Self {
        CommentUpdate {
            comment_text: text.into(),
            ..CommentUpdate::default()
        }
    }

    /// Mark resolved or not.
    pub fn resolved(mut self, resolved: bool) -> Self {
        self.resolved = Some(resolved);
        self
    }
}
