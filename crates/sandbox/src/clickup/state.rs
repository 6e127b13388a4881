//! The fake ClickUp's data: every object the routes can create, read,
//! change and delete, held in ordered maps so that a seed always produces
//! the same workspace and the same answers.

use std::collections::BTreeMap;

use rand::Rng;
use rand_chacha::ChaCha8Rng;
use serde_json::{Value, json};

/// The instant the seeded workspace was "created": 2026-01-05 09:00 UTC,
/// in Unix milliseconds. The store's clock moves forward from here by a
/// fixed step on every write, so answers never depend on the wall clock.
pub(crate) const EPOCH_MS: i64 = 1_767_603_600_000;
const CLOCK_STEP_MS: i64 = 60_000;

/// A workspace member or guest.
#[derive(Debug, Clone)]
pub(crate) struct User {
    pub(crate) id: u64,
    pub(crate) username: String,
    pub(crate) email: String,
    pub(crate) color: String,
    /// ClickUp's role numbers: 1 owner, 2 admin, 3 member, 4 guest.
    pub(crate) role: u8,
    pub(crate) custom_role: Option<(u64, String)>,
}

impl User {
    pub(crate) fn initials(&self) -> String {
        self.username
            .split_whitespace()
            .filter_map(|w| w.chars().next())
            .take(2)
            .collect::<String>()
            .to_uppercase()
    }

    pub(crate) fn short_json(&self) -> Value {
        json!({
            "id": self.id,
            "username": self.username,
            "email": self.email,
            "color": self.color,
            "initials": self.initials(),
            "profilePicture": null,
        })
    }

    pub(crate) fn member_json(&self) -> Value {
        let custom_role = self
            .custom_role
            .as_ref()
            .map(|(id, name)| json!({"id": id, "name": name}));
        json!({
            "id": self.id,
            "username": self.username,
            "email": self.email,
            "color": self.color,
            "profilePicture": null,
            "initials": self.initials(),
            "role": self.role,
            "custom_role": custom_role,
            "last_active": (EPOCH_MS - 3_600_000).to_string(),
            "date_joined": (EPOCH_MS - 86_400_000 * 200).to_string(),
            "date_invited": (EPOCH_MS - 86_400_000 * 201).to_string(),
        })
    }
}

/// A status a space offers; tasks name it on write.
#[derive(Debug, Clone)]
pub(crate) struct Status {
    pub(crate) status: String,
    pub(crate) kind: &'static str,
    pub(crate) color: &'static str,
}

impl Status {
    pub(crate) fn json(&self, orderindex: usize) -> Value {
        json!({
            "status": self.status,
            "type": self.kind,
            "orderindex": orderindex,
            "color": self.color,
        })
    }
}

/// The statuses every sandbox space uses.
pub(crate) fn default_statuses() -> Vec<Status> {
    vec![
        Status {
            status: "to do".into(),
            kind: "open",
            color: "#d3d3d3",
        },
        Status {
            status: "in progress".into(),
            kind: "custom",
            color: "#4194f6",
        },
        Status {
            status: "review".into(),
            kind: "custom",
            color: "#a875ff",
        },
        Status {
            status: "complete".into(),
            kind: "closed",
            color: "#6bc950",
        },
    ]
}

#[derive(Debug, Clone)]
pub(crate) struct Space {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) private: bool,
    pub(crate) archived: bool,
    pub(crate) color: Option<String>,
    pub(crate) statuses: Vec<Status>,
    pub(crate) members: Vec<u64>,
    pub(crate) seq: u64,
}

#[derive(Debug, Clone)]
pub(crate) struct Folder {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) space_id: String,
    pub(crate) archived: bool,
    pub(crate) seq: u64,
}

#[derive(Debug, Clone)]
pub(crate) struct List {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) content: String,
    pub(crate) space_id: String,
    /// `None` for a folderless list.
    pub(crate) folder_id: Option<String>,
    pub(crate) archived: bool,
    /// Members with explicit access (what `GET /list/{id}/member` shows).
    pub(crate) members: Vec<u64>,
    pub(crate) seq: u64,
}

/// Where a custom field was created; it applies to every list below.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum FieldScope {
    Workspace,
    Space(String),
    Folder(String),
    List(String),
}

#[derive(Debug, Clone)]
pub(crate) struct Field {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) kind: String,
    pub(crate) type_config: Value,
    pub(crate) scope: FieldScope,
    pub(crate) date_created: i64,
    pub(crate) hide_from_guests: bool,
}

impl Field {
    pub(crate) fn definition_json(&self) -> Value {
        json!({
            "id": self.id,
            "name": self.name,
            "type": self.kind,
            "type_config": self.type_config,
            "date_created": self.date_created.to_string(),
            "hide_from_guests": self.hide_from_guests,
            "required": false,
        })
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Task {
    pub(crate) id: String,
    pub(crate) seq: u64,
    pub(crate) name: String,
    pub(crate) description: String,
    pub(crate) status: String,
    pub(crate) list_id: String,
    pub(crate) parent: Option<String>,
    pub(crate) assignees: Vec<u64>,
    pub(crate) watchers: Vec<u64>,
    pub(crate) tags: Vec<String>,
    pub(crate) priority: Option<u8>,
    pub(crate) due_date: Option<i64>,
    pub(crate) start_date: Option<i64>,
    pub(crate) time_estimate: Option<i64>,
    pub(crate) points: Option<f64>,
    pub(crate) date_created: i64,
    pub(crate) date_updated: i64,
    pub(crate) date_closed: Option<i64>,
    pub(crate) archived: bool,
    pub(crate) creator: u64,
    pub(crate) field_values: BTreeMap<String, Value>,
    pub(crate) attachments: Vec<Value>,
    /// Guests the task was shared with.
    pub(crate) guests: Vec<u64>,
    /// Other lists the task was added to ("tasks in multiple lists").
    pub(crate) extra_lists: Vec<String>,
    /// The workspace's own id for the task (`INT-101`), if it has one.
    pub(crate) custom_id: Option<String>,
}

/// What a comment hangs on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum CommentParent {
    Task(String),
    List(String),
    View(String),
    /// A threaded reply to another comment.
    Comment(String),
}

#[derive(Debug, Clone)]
pub(crate) struct Comment {
    pub(crate) id: String,
    pub(crate) parent: CommentParent,
    pub(crate) text: String,
    pub(crate) user: u64,
    pub(crate) assignee: Option<u64>,
    pub(crate) resolved: bool,
    pub(crate) date: i64,
    pub(crate) hist_id: String,
}

#[derive(Debug, Clone)]
pub(crate) struct ChecklistItem {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) assignee: Option<u64>,
    pub(crate) resolved: bool,
    pub(crate) parent: Option<String>,
    pub(crate) date_created: i64,
}

#[derive(Debug, Clone)]
pub(crate) struct Checklist {
    pub(crate) id: String,
    pub(crate) task_id: String,
    pub(crate) name: String,
    pub(crate) orderindex: i64,
    pub(crate) date_created: i64,
    pub(crate) items: Vec<ChecklistItem>,
}

#[derive(Debug, Clone)]
pub(crate) struct Tag {
    pub(crate) name: String,
    pub(crate) fg: String,
    pub(crate) bg: String,
}

/// What a view belongs to, with ClickUp's parent type numbers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ViewParent {
    Workspace(String),
    Space(String),
    Folder(String),
    List(String),
}

impl ViewParent {
    pub(crate) fn json(&self) -> Value {
        let (id, kind) = match self {
            ViewParent::Workspace(id) => (id, 7),
            ViewParent::Space(id) => (id, 4),
            ViewParent::Folder(id) => (id, 5),
            ViewParent::List(id) => (id, 6),
        };
        json!({"id": id, "type": kind})
    }
}

#[derive(Debug, Clone)]
pub(crate) struct View {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) kind: String,
    pub(crate) parent: ViewParent,
    /// Settings the caller sent (grouping, filters, ...), echoed back.
    pub(crate) settings: serde_json::Map<String, Value>,
    pub(crate) seq: u64,
}

#[derive(Debug, Clone)]
pub(crate) struct Webhook {
    pub(crate) id: String,
    pub(crate) userid: u64,
    pub(crate) endpoint: String,
    pub(crate) events: Vec<String>,
    pub(crate) task_id: Option<String>,
    pub(crate) list_id: Option<String>,
    pub(crate) folder_id: Option<String>,
    pub(crate) space_id: Option<String>,
    pub(crate) status: String,
    pub(crate) fail_count: u64,
    pub(crate) secret: String,
}

/// Everything the fake ClickUp holds.
#[derive(Debug)]
pub(crate) struct Store {
    rng: ChaCha8Rng,
    clock_ms: i64,
    seq: u64,
    pub(crate) team_id: String,
    pub(crate) team_name: String,
    pub(crate) authorized_user: u64,
    pub(crate) users: BTreeMap<u64, User>,
    pub(crate) spaces: BTreeMap<String, Space>,
    pub(crate) folders: BTreeMap<String, Folder>,
    pub(crate) lists: BTreeMap<String, List>,
    pub(crate) tasks: BTreeMap<String, Task>,
    pub(crate) fields: BTreeMap<String, Field>,
    pub(crate) comments: BTreeMap<String, Comment>,
    pub(crate) checklists: BTreeMap<String, Checklist>,
    pub(crate) tags: BTreeMap<String, Vec<Tag>>,
    pub(crate) views: BTreeMap<String, View>,
    pub(crate) webhooks: BTreeMap<String, Webhook>,
    /// Lists and folders shared with guests: (guest id, object id).
    pub(crate) guest_lists: Vec<(u64, String)>,
    pub(crate) guest_folders: Vec<(u64, String)>,
}

impl Store {
    pub(crate) fn new(rng: ChaCha8Rng) -> Self {
        Store {
            rng,
            clock_ms: EPOCH_MS,
            seq: 0,
            team_id: String::new(),
            team_name: String::new(),
            authorized_user: 0,
            users: BTreeMap::new(),
            spaces: BTreeMap::new(),
            folders: BTreeMap::new(),
            lists: BTreeMap::new(),
            tasks: BTreeMap::new(),
            fields: BTreeMap::new(),
            comments: BTreeMap::new(),
            checklists: BTreeMap::new(),
            tags: BTreeMap::new(),
            views: BTreeMap::new(),
            webhooks: BTreeMap::new(),
            guest_lists: Vec::new(),
            guest_folders: Vec::new(),
        }
    }

    pub(crate) fn rng(&mut self) -> &mut ChaCha8Rng {
        &mut self.rng
    }

    /// Advances the logical clock and returns the new instant.
    pub(crate) fn tick(&mut self) -> i64 {
        self.clock_ms += CLOCK_STEP_MS;
        self.clock_ms
    }

    pub(crate) fn next_seq(&mut self) -> u64 {
        self.seq += 1;
        self.seq
    }

    /// A numeric id of the kind ClickUp gives spaces, folders and lists:
    /// eleven digits, as a string.
    pub(crate) fn numeric_id(&mut self) -> String {
        loop {
            let n: u64 = self.rng.gen_range(90_100_000_000..90_199_999_999);
            let id = n.to_string();
            if !self.spaces.contains_key(&id)
                && !self.folders.contains_key(&id)
                && !self.lists.contains_key(&id)
                && id != self.team_id
            {
                return id;
            }
        }
    }

    /// A short alphanumeric task id such as `86b2x9kq1`.
    pub(crate) fn task_id(&mut self) -> String {
        const ALPHABET: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";
        loop {
            let tail: String = (0..7)
                .map(|_| ALPHABET[self.rng.gen_range(0..ALPHABET.len())] as char)
                .collect();
            let id = format!("86{tail}");
            if !self.tasks.contains_key(&id) {
                return id;
            }
        }
    }

    /// A random UUID (version 4 layout) from the seeded generator.
    pub(crate) fn uuid(&mut self) -> String {
        let bytes: [u8; 16] = self.rng.r#gen();
        let h: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        let variant = ["8", "9", "a", "b"][(bytes[8] & 3) as usize];
        format!(
            "{}-{}-4{}-{}{}-{}",
            &h[0..8],
            &h[8..12],
            &h[13..16],
            variant,
            &h[17..20],
            &h[20..32]
        )
    }

    /// A numeric comment id, as a string.
    pub(crate) fn comment_id(&mut self) -> String {
        loop {
            let id = self
                .rng
                .gen_range(90_000_000_000u64..99_999_999_999)
                .to_string();
            if !self.comments.contains_key(&id) {
                return id;
            }
        }
    }

    pub(crate) fn secret(&mut self) -> String {
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
        (0..64)
            .map(|_| ALPHABET[self.rng.gen_range(0..ALPHABET.len())] as char)
            .collect()
    }

    pub(crate) fn user_json(&self, id: u64) -> Value {
        match self.users.get(&id) {
            Some(user) => user.short_json(),
            None => json!({"id": id, "username": null, "email": null, "color": null,
                "initials": null, "profilePicture": null}),
        }
    }

    /// The space a list lives in, and its folder when it has one.
    pub(crate) fn list_location(&self, list_id: &str) -> Option<(&Space, Option<&Folder>)> {
        let list = self.lists.get(list_id)?;
        let space = self.spaces.get(&list.space_id)?;
        let folder = list.folder_id.as_ref().and_then(|f| self.folders.get(f));
        Some((space, folder))
    }

    /// Custom fields that apply to a list: created on it, its folder, its
    /// space or the workspace.
    pub(crate) fn fields_for_list(&self, list_id: &str) -> Vec<&Field> {
        let Some(list) = self.lists.get(list_id) else {
            return Vec::new();
        };
        self.fields
            .values()
            .filter(|f| match &f.scope {
                FieldScope::Workspace => true,
                FieldScope::Space(s) => *s == list.space_id,
                FieldScope::Folder(id) => list.folder_id.as_deref() == Some(id.as_str()),
                FieldScope::List(id) => *id == list.id,
            })
            .collect()
    }

    pub(crate) fn status_json(&self, space_id: &str, name: &str) -> Value {
        let statuses = self
            .spaces
            .get(space_id)
            .map(|s| s.statuses.clone())
            .unwrap_or_else(default_statuses);
        match statuses
            .iter()
            .enumerate()
            .find(|(_, s)| s.status.eq_ignore_ascii_case(name))
        {
            Some((i, s)) => {
                let mut v = s.json(i);
                v["id"] = json!(format!("p{space_id}_{i}"));
                v
            }
            None => json!({"status": name, "type": "custom", "orderindex": 0,
                "color": "#d3d3d3"}),
        }
    }

    /// Whether a status name is of the closed kind in the task's space.
    pub(crate) fn is_closed_status(&self, space_id: &str, name: &str) -> bool {
        self.spaces.get(space_id).is_some_and(|s| {
            s.statuses
                .iter()
                .any(|st| st.status.eq_ignore_ascii_case(name) && st.kind == "closed")
        })
    }

    pub(crate) fn comment_count(&self, parent: &CommentParent) -> usize {
        self.comments
            .values()
            .filter(|c| c.parent == *parent)
            .count()
    }

    /// Removes a task with its subtasks, comments and checklists.
    pub(crate) fn delete_task(&mut self, id: &str) {
        let children: Vec<String> = self
            .tasks
            .values()
            .filter(|t| t.parent.as_deref() == Some(id))
            .map(|t| t.id.clone())
            .collect();
        for child in children {
            self.delete_task(&child);
        }
        self.tasks.remove(id);
        self.delete_comments_of(&CommentParent::Task(id.to_owned()));
        self.checklists.retain(|_, c| c.task_id != id);
    }

    pub(crate) fn delete_comments_of(&mut self, parent: &CommentParent) {
        let ids: Vec<String> = self
            .comments
            .values()
            .filter(|c| c.parent == *parent)
            .map(|c| c.id.clone())
            .collect();
        for id in ids {
            self.delete_comment(&id);
        }
    }

    pub(crate) fn delete_comment(&mut self, id: &str) {
        self.comments.remove(id);
        self.delete_comments_of(&CommentParent::Comment(id.to_owned()));
    }

    pub(crate) fn delete_list(&mut self, id: &str) {
        let tasks: Vec<String> = self
            .tasks
            .values()
            .filter(|t| t.list_id == id)
            .map(|t| t.id.clone())
            .collect();
        for task in tasks {
            self.delete_task(&task);
        }
        self.lists.remove(id);
        for task in self.tasks.values_mut() {
            task.extra_lists.retain(|l| l != id);
        }
        self.fields
            .retain(|_, f| f.scope != FieldScope::List(id.to_owned()));
        self.delete_comments_of(&CommentParent::List(id.to_owned()));
        self.views
            .retain(|_, v| v.parent != ViewParent::List(id.to_owned()));
    }

    pub(crate) fn delete_folder(&mut self, id: &str) {
        let lists: Vec<String> = self
            .lists
            .values()
            .filter(|l| l.folder_id.as_deref() == Some(id))
            .map(|l| l.id.clone())
            .collect();
        for list in lists {
            self.delete_list(&list);
        }
        self.folders.remove(id);
        self.fields
            .retain(|_, f| f.scope != FieldScope::Folder(id.to_owned()));
        self.views
            .retain(|_, v| v.parent != ViewParent::Folder(id.to_owned()));
    }

    pub(crate) fn delete_space(&mut self, id: &str) {
        let lists: Vec<String> = self
            .lists
            .values()
            .filter(|l| l.space_id == id)
            .map(|l| l.id.clone())
            .collect();
        for list in lists {
            self.delete_list(&list);
        }
        let folders: Vec<String> = self
            .folders
            .values()
            .filter(|f| f.space_id == id)
            .map(|f| f.id.clone())
            .collect();
        for folder in folders {
            self.delete_folder(&folder);
        }
        self.spaces.remove(id);
        self.tags.remove(id);
        self.fields
            .retain(|_, f| f.scope != FieldScope::Space(id.to_owned()));
        self.views
            .retain(|_, v| v.parent != ViewParent::Space(id.to_owned()));
    }
}
