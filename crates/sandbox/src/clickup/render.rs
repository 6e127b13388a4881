//! Objects of the store rendered in the JSON shapes ClickUp API v2 answers
//! with: ids of spaces, folders and lists as strings, user ids as numbers,
//! timestamps as strings of Unix milliseconds.

use serde_json::{Value, json};

use super::state::{
    Checklist, Comment, CommentParent, Folder, List, Space, Store, Task, View, Webhook,
};

const PRIORITIES: [(&str, &str); 4] = [
    ("urgent", "#f50000"),
    ("high", "#ffcc00"),
    ("normal", "#6fddff"),
    ("low", "#d8d8d8"),
];

fn ms(v: i64) -> Value {
    json!(v.to_string())
}

fn opt_ms(v: Option<i64>) -> Value {
    v.map_or(Value::Null, ms)
}

impl Store {
    pub(crate) fn space_json(&self, space: &Space) -> Value {
        let members: Vec<Value> = space
            .members
            .iter()
            .map(|id| json!({"user": self.user_json(*id)}))
            .collect();
        let statuses: Vec<Value> = space
            .statuses
            .iter()
            .enumerate()
            .map(|(i, s)| s.json(i))
            .collect();
        let on = json!({"enabled": true});
        json!({
            "id": space.id,
            "name": space.name,
            "private": space.private,
            "color": space.color,
            "avatar": null,
            "admin_can_manage": true,
            "archived": space.archived,
            "members": members,
            "statuses": statuses,
            "multiple_assignees": true,
            "features": {
                "due_dates": {"enabled": true, "start_date": true,
                    "remap_due_dates": false, "remap_closed_due_date": false},
                "time_tracking": on,
                "tags": on,
                "time_estimates": on,
                "checklists": on,
                "custom_fields": on,
                "remap_dependencies": on,
                "dependency_warning": on,
                "portfolios": {"enabled": false},
            },
        })
    }

    fn task_count(&self, list_id: &str) -> usize {
        self.tasks.values().filter(|t| t.list_id == list_id).count()
    }

    pub(crate) fn list_json(&self, list: &List) -> Value {
        let space = self.spaces.get(&list.space_id);
        let folder = match list.folder_id.as_ref().and_then(|f| self.folders.get(f)) {
            Some(f) => json!({"id": f.id, "name": f.name, "hidden": false, "access": true}),
            // Folderless lists carry a placeholder folder, as ClickUp's do.
            None => json!({"id": format!("{}0", list.space_id), "name": "hidden",
                "hidden": true, "access": true}),
        };
        let statuses: Vec<Value> = space
            .map(|s| {
                s.statuses
                    .iter()
                    .enumerate()
                    .map(|(i, st)| st.json(i))
                    .collect()
            })
            .unwrap_or_default();
        json!({
            "id": list.id,
            "name": list.name,
            "orderindex": list.seq,
            "content": list.content,
            "status": null,
            "priority": null,
            "assignee": null,
            "task_count": self.task_count(&list.id),
            "due_date": null,
            "due_date_time": false,
            "start_date": null,
            "start_date_time": null,
            "folder": folder,
            "space": {"id": list.space_id, "name": space.map(|s| s.name.clone()),
                "access": true},
            "inbound_address": format!("a.{}.sandbox@tasks.clickup.invalid", list.id),
            "archived": list.archived,
            "override_statuses": false,
            "statuses": statuses,
            "permission_level": "create",
        })
    }

    pub(crate) fn folder_json(&self, folder: &Folder) -> Value {
        let space = self.spaces.get(&folder.space_id);
        let lists: Vec<Value> = self
            .lists
            .values()
            .filter(|l| l.folder_id.as_deref() == Some(folder.id.as_str()) && !l.archived)
            .map(|l| self.list_json(l))
            .collect();
        let task_count: usize = self
            .lists
            .values()
            .filter(|l| l.folder_id.as_deref() == Some(folder.id.as_str()))
            .map(|l| self.task_count(&l.id))
            .sum();
        json!({
            "id": folder.id,
            "name": folder.name,
            "orderindex": folder.seq,
            "override_statuses": false,
            "hidden": false,
            "space": {"id": folder.space_id, "name": space.map(|s| s.name.clone()),
                "access": true},
            "task_count": task_count.to_string(),
            "archived": folder.archived,
            "lists": lists,
        })
    }

    fn field_with_value(&self, task: &Task) -> Vec<Value> {
        self.fields_for_list(&task.list_id)
            .into_iter()
            .map(|field| {
                let mut v = field.definition_json();
                if let Some(value) = task.field_values.get(&field.id) {
                    v["value"] = value.clone();
                    if value.is_string() {
                        v["value_richtext"] = json!(null);
                    }
                }
                v
            })
            .collect()
    }

    pub(crate) fn checklist_json(&self, checklist: &Checklist) -> Value {
        let items: Vec<Value> = checklist
            .items
            .iter()
            .enumerate()
            .map(|(i, item)| {
                json!({
                    "id": item.id,
                    "name": item.name,
                    "orderindex": i,
                    "assignee": item.assignee.map(|a| self.user_json(a)),
                    "group_assignee": null,
                    "resolved": item.resolved,
                    "parent": item.parent,
                    "date_created": item.date_created.to_string(),
                    "children": [],
                })
            })
            .collect();
        let resolved = checklist.items.iter().filter(|i| i.resolved).count();
        json!({
            "id": checklist.id,
            "task_id": checklist.task_id,
            "name": checklist.name,
            "date_created": checklist.date_created.to_string(),
            "orderindex": checklist.orderindex,
            "creator": self.authorized_user,
            "resolved": resolved,
            "unresolved": checklist.items.len() - resolved,
            "items": items,
        })
    }

    /// A task as `GET /task/{id}` shows it; `full` adds what only the
    /// single-task answer carries (attachments, and subtasks on request).
    pub(crate) fn task_json(&self, task: &Task, full: bool, with_subtasks: bool) -> Value {
        let (space, folder) = match self.list_location(&task.list_id) {
            Some((s, f)) => (Some(s), f),
            None => (None, None),
        };
        let space_id = space.map(|s| s.id.clone()).unwrap_or_default();
        let list_name = self.lists.get(&task.list_id).map(|l| l.name.clone());
        let folder_json = match folder {
            Some(f) => json!({"id": f.id, "name": f.name, "hidden": false, "access": true}),
            None => json!({"id": format!("{space_id}0"), "name": "hidden", "hidden": true,
                "access": true}),
        };
        let priority = task.priority.and_then(|p| {
            let (name, color) = PRIORITIES.get(usize::from(p).checked_sub(1)?)?;
            Some(
                json!({"id": p.to_string(), "priority": name, "color": color,
                "orderindex": p.to_string()}),
            )
        });
        let users =
            |ids: &[u64]| -> Vec<Value> { ids.iter().map(|id| self.user_json(*id)).collect() };
        let tags: Vec<Value> = task
            .tags
            .iter()
            .map(|name| {
                let (fg, bg) = self
                    .tags
                    .get(&space_id)
                    .and_then(|tags| tags.iter().find(|t| t.name == *name))
                    .map(|t| (t.fg.clone(), t.bg.clone()))
                    .unwrap_or_else(|| ("#000000".into(), "#000000".into()));
                json!({"name": name, "tag_fg": fg, "tag_bg": bg,
                    "creator": self.authorized_user})
            })
            .collect();
        let checklists: Vec<Value> = self
            .checklists
            .values()
            .filter(|c| c.task_id == task.id)
            .map(|c| self.checklist_json(c))
            .collect();
        let top_level_parent = task.parent.as_ref().map(|p| self.top_level_parent(p));
        let mut v = json!({
            "id": task.id,
            "custom_id": task.custom_id,
            "custom_item_id": 0,
            "name": task.name,
            "text_content": task.description,
            "description": task.description,
            "status": self.status_json(&space_id, &task.status),
            "orderindex": format!("{}.00000000000000000000000000000000", task.seq),
            "date_created": ms(task.date_created),
            "date_updated": ms(task.date_updated),
            "date_closed": opt_ms(task.date_closed),
            "date_done": opt_ms(task.date_closed),
            "archived": task.archived,
            "creator": self.user_json(task.creator),
            "assignees": users(&task.assignees),
            "group_assignees": [],
            "watchers": users(&task.watchers),
            "checklists": checklists,
            "tags": tags,
            "parent": task.parent,
            "top_level_parent": top_level_parent,
            "priority": priority,
            "due_date": opt_ms(task.due_date),
            "start_date": opt_ms(task.start_date),
            "points": task.points,
            "time_estimate": task.time_estimate,
            "custom_fields": self.field_with_value(task),
            "dependencies": [],
            "linked_tasks": [],
            "locations": task
                .extra_lists
                .iter()
                .map(|l| json!({"id": l, "name": self.lists.get(l).map(|x| x.name.clone())}))
                .collect::<Vec<_>>(),
            "team_id": self.team_id,
            "url": format!("https://app.clickup.com/t/{}", task.id),
            "sharing": {"public": false, "public_share_expires_on": null,
                "public_fields": [], "token": null, "seo_optimized": false},
            "permission_level": "create",
            "list": {"id": task.list_id, "name": list_name, "access": true},
            "project": folder_json.clone(),
            "folder": folder_json,
            "space": {"id": space_id},
        });
        if full {
            v["attachments"] = json!(task.attachments);
        }
        if with_subtasks {
            let subtasks: Vec<Value> = self
                .tasks
                .values()
                .filter(|t| t.parent.as_deref() == Some(task.id.as_str()))
                .map(|t| self.task_json(t, false, false))
                .collect();
            v["subtasks"] = json!(subtasks);
        }
        v
    }

    fn top_level_parent(&self, id: &str) -> String {
        let mut current = id.to_owned();
        // Bounded walk: a cycle cannot be created through the routes, but a
        // fake should not hang if one ever is.
        for _ in 0..64 {
            match self.tasks.get(&current).and_then(|t| t.parent.clone()) {
                Some(parent) => current = parent,
                None => break,
            }
        }
        current
    }

    pub(crate) fn comment_json(&self, comment: &Comment) -> Value {
        let replies = self.comment_count(&CommentParent::Comment(comment.id.clone()));
        let reply_count = if matches!(comment.parent, CommentParent::Comment(_)) {
            0
        } else {
            replies
        };
        json!({
            "id": comment.id,
            "comment": [{"text": comment.text}],
            "comment_text": comment.text,
            "user": self.user_json(comment.user),
            "resolved": comment.resolved,
            "assignee": comment.assignee.map(|a| self.user_json(a)),
            "assigned_by": comment.assignee.map(|_| self.user_json(comment.user)),
            "reactions": [],
            "date": ms(comment.date),
            "reply_count": reply_count.to_string(),
        })
    }

    pub(crate) fn view_json(&self, view: &View) -> Value {
        let mut v = json!({
            "id": view.id,
            "name": view.name,
            "type": view.kind,
            "parent": view.parent.json(),
            "protected": false,
            "date_created": ms(crate::clickup::state::EPOCH_MS),
        });
        if let Value::Object(map) = &mut v {
            for (k, val) in &view.settings {
                map.entry(k.clone()).or_insert_with(|| val.clone());
            }
        }
        v
    }

    pub(crate) fn webhook_json(&self, hook: &Webhook) -> Value {
        let team_id: Value = self
            .team_id
            .parse::<u64>()
            .map_or_else(|_| json!(self.team_id), |n| json!(n));
        json!({
            "id": hook.id,
            "userid": hook.userid,
            "team_id": team_id,
            "endpoint": hook.endpoint,
            "client_id": "SANDBOXCLIENT0000000000000000000",
            "events": hook.events,
            "task_id": hook.task_id,
            "list_id": hook.list_id,
            "folder_id": hook.folder_id,
            "space_id": hook.space_id,
            "health": {"status": hook.status, "fail_count": hook.fail_count},
            "secret": hook.secret,
        })
    }
}
