//! The operations of the fake ClickUp: one function per route family,
//! each reading and changing the [`Store`].
//!
//! Answers follow the shapes of ClickUp API v2 as its OpenAPI document shows
//! them. Error bodies follow ClickUp's `{"err": ..., "ECODE": ...}` form;
//! the ECODE values for errors ClickUp does not document are the sandbox's
//! own choice.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use super::state::{
    Checklist, ChecklistItem, Comment, CommentParent, Field, FieldScope, Folder, List, Space,
    Store, Tag, Task, User, View, ViewParent, Webhook, default_statuses,
};

/// Tasks per page of the task list endpoints, as in ClickUp.
pub(crate) const TASK_PAGE_SIZE: usize = 100;
/// Comments per page of the comment endpoints, as in ClickUp.
pub(crate) const COMMENT_PAGE_SIZE: usize = 25;

/// A parsed request, as the routes see it.
pub(crate) struct ApiRequest<'a> {
    pub(crate) method: &'a str,
    /// Path segments after `/api/v2`, percent-decoded.
    pub(crate) segments: Vec<String>,
    pub(crate) query: Vec<(String, String)>,
    pub(crate) body: &'a [u8],
}

impl ApiRequest<'_> {
    /// Every value of a query key, accepting both `key` and `key[]`.
    fn all(&self, key: &str) -> Vec<&str> {
        let bracketed = format!("{key}[]");
        self.query
            .iter()
            .filter(|(k, _)| *k == key || *k == bracketed)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    fn one(&self, key: &str) -> Option<&str> {
        self.all(key).into_iter().next()
    }

    fn flag(&self, key: &str) -> bool {
        matches!(self.one(key), Some("true" | "1"))
    }

    fn millis(&self, key: &str) -> Option<i64> {
        self.one(key).and_then(|v| v.parse().ok())
    }
}

/// What a route answers.
#[derive(Debug)]
pub(crate) enum Reply {
    Json(u16, Value),
    /// ClickUp answers some mistakes (a method a route does not have) with
    /// an HTML page rather than JSON.
    Html(u16, String),
}

fn ok(v: Value) -> Reply {
    Reply::Json(200, v)
}

fn empty() -> Reply {
    Reply::Json(200, json!({}))
}

pub(crate) fn error(status: u16, err: &str, ecode: &str) -> Reply {
    Reply::Json(status, json!({"err": err, "ECODE": ecode}))
}

fn not_found(what: &str) -> Reply {
    error(404, &format!("{what} not found"), "ITEM_015")
}

fn no_route() -> Reply {
    Reply::Html(
        404,
        "<!DOCTYPE html><html><head><title>Error</title></head>\
         <body><pre>Cannot handle this route</pre></body></html>"
            .into(),
    )
}

type Body = Map<String, Value>;

/// Reads one of a task's dates, for the `*_gt`/`*_lt` filters.
type TaskDate = fn(&Task) -> Option<i64>;

fn parse_body(req: &ApiRequest<'_>) -> Result<Body, Reply> {
    if req.body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Map::new());
    }
    match serde_json::from_slice::<Value>(req.body) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(error(
            400,
            "Request body must be a JSON object",
            "INPUT_001",
        )),
        Err(_) => Err(error(400, "Request body is not valid JSON", "INPUT_002")),
    }
}

fn str_field<'a>(body: &'a Body, key: &str) -> Option<&'a str> {
    body.get(key).and_then(Value::as_str)
}

/// Reads an id that ClickUp sends as a number or a string.
fn id_field(body: &Body, key: &str) -> Option<String> {
    match body.get(key)? {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn user_ids(v: Option<&Value>) -> Vec<u64> {
    v.and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_u64().or_else(|| x.as_str()?.parse().ok()))
                .collect()
        })
        .unwrap_or_default()
}

fn millis_field(body: &Body, key: &str) -> Option<Option<i64>> {
    match body.get(key)? {
        Value::Null => Some(None),
        Value::Number(n) => Some(n.as_i64()),
        Value::String(s) => Some(s.parse().ok()),
        _ => None,
    }
}

/// Text of a comment body: `comment_text`, or the text of its rich-text
/// blocks.
fn comment_text(body: &Body) -> Option<String> {
    if let Some(text) = str_field(body, "comment_text") {
        return Some(text.to_owned());
    }
    let blocks = body.get("comment")?.as_array()?;
    Some(
        blocks
            .iter()
            .filter_map(|b| b.get("text").and_then(Value::as_str))
            .collect::<String>(),
    )
}

impl Store {
    /// Answers one request. The caller has already checked the token,
    /// the rate limit and the fault switches.
    pub(crate) fn route(&mut self, req: &ApiRequest<'_>) -> Reply {
        let native = match self.native_task_id(req) {
            Ok(native) => native,
            Err(reply) => return reply,
        };
        let mut segs: Vec<&str> = req.segments.iter().map(String::as_str).collect();
        if let Some(native) = &native {
            segs[1] = native.as_str();
        }
        let result = match (req.method, segs.as_slice()) {
            ("GET", ["user"]) => Ok(ok(json!({"user": self.authorized_user_json()}))),
            ("GET", ["team"]) => Ok(ok(json!({"teams": [self.team_json()]}))),
            // A workspace the token was not granted, as ClickUp answers it.
            (_, ["team", team, ..]) if *team != self.team_id => {
                Ok(error(401, "Team not authorized", "OAUTH_027"))
            }
            ("GET", ["team", _, "seats"]) => Ok(self.seats()),
            ("GET", ["team", _, "plan"]) => {
                Ok(ok(json!({"plan_name": "Enterprise", "plan_id": 4})))
            }
            ("GET", ["team", _, "space"]) => Ok(self.get_spaces(req)),
            ("POST", ["team", _, "space"]) => self.create_space(req),
            ("GET", ["space", id]) => self.get_space(id),
            ("PUT", ["space", id]) => self.update_space(id, req),
            ("DELETE", ["space", id]) => self.remove(id, Kind::Space),
            ("GET", ["space", id, "folder"]) => self.get_folders(id, req),
            ("POST", ["space", id, "folder"]) => self.create_folder(id, req),
            ("GET", ["folder", id]) => self.get_folder(id),
            ("PUT", ["folder", id]) => self.update_folder(id, req),
            ("DELETE", ["folder", id]) => self.remove(id, Kind::Folder),
            ("GET", ["folder", id, "list"]) => self.get_lists(Some(id), None, req),
            ("POST", ["folder", id, "list"]) => self.create_list(Some(id), None, req),
            ("GET", ["space", id, "list"]) => self.get_lists(None, Some(id), req),
            ("POST", ["space", id, "list"]) => self.create_list(None, Some(id), req),
            ("GET", ["list", id]) => self.get_list(id),
            ("PUT", ["list", id]) => self.update_list(id, req),
            ("DELETE", ["list", id]) => self.remove(id, Kind::List),
            ("GET", ["list", id, "task"]) => self.list_tasks(id, req),
            ("POST", ["list", id, "task", task]) => self.task_in_list(id, task, true),
            ("DELETE", ["list", id, "task", task]) => self.task_in_list(id, task, false),
            ("POST", ["list", id, "task"]) => self.create_task(id, req),
            ("GET", ["task", id]) => self.get_task(id, req),
            ("PUT", ["task", id]) => self.update_task(id, req),
            ("DELETE", ["task", id]) => self.delete_task_route(id),
            ("GET", ["team", _, "task"]) => self.team_tasks(req),
            ("GET", ["list", id, "field"]) => self.list_fields(id),
            ("GET", ["folder", id, "field"]) => {
                self.scoped_fields(FieldScope::Folder((*id).into()))
            }
            ("GET", ["space", id, "field"]) => self.scoped_fields(FieldScope::Space((*id).into())),
            ("GET", ["team", _, "field"]) => self.scoped_fields(FieldScope::Workspace),
            ("POST", ["task", id, "field", field]) => self.set_field(id, field, req),
            ("DELETE", ["task", id, "field", field]) => self.remove_field(id, field),
            ("GET", ["task", id, "comment"]) => {
                self.get_comments(CommentParent::Task((*id).into()), req)
            }
            ("POST", ["task", id, "comment"]) => {
                self.create_comment(CommentParent::Task((*id).into()), req)
            }
            ("GET", ["list", id, "comment"]) => {
                self.get_comments(CommentParent::List((*id).into()), req)
            }
            ("POST", ["list", id, "comment"]) => {
                self.create_comment(CommentParent::List((*id).into()), req)
            }
            ("GET", ["view", id, "comment"]) => {
                self.get_comments(CommentParent::View((*id).into()), req)
            }
            ("POST", ["view", id, "comment"]) => {
                self.create_comment(CommentParent::View((*id).into()), req)
            }
            ("GET", ["comment", id, "reply"]) => {
                self.get_comments(CommentParent::Comment((*id).into()), req)
            }
            ("POST", ["comment", id, "reply"]) => {
                self.create_comment(CommentParent::Comment((*id).into()), req)
            }
            ("PUT", ["comment", id]) => self.update_comment(id, req),
            ("DELETE", ["comment", id]) => self.remove(id, Kind::Comment),
            ("POST", ["task", id, "checklist"]) => self.create_checklist(id, req),
            ("PUT", ["checklist", id]) => self.update_checklist(id, req),
            ("DELETE", ["checklist", id]) => self.remove(id, Kind::Checklist),
            ("POST", ["checklist", id, "checklist_item"]) => self.create_checklist_item(id, req),
            ("PUT", ["checklist", id, "checklist_item", item]) => {
                self.update_checklist_item(id, item, req)
            }
            ("DELETE", ["checklist", id, "checklist_item", item]) => {
                self.delete_checklist_item(id, item)
            }
            ("GET", ["space", id, "tag"]) => self.get_tags(id),
            ("POST", ["space", id, "tag"]) => self.create_tag(id, req),
            ("PUT", ["space", id, "tag", name]) => self.update_tag(id, name, req),
            ("DELETE", ["space", id, "tag", name]) => self.delete_tag(id, name),
            ("POST", ["task", id, "tag", name]) => self.tag_task(id, name, true),
            ("DELETE", ["task", id, "tag", name]) => self.tag_task(id, name, false),
            ("GET", ["task", id, "member"]) => self.task_members(id),
            ("GET", ["list", id, "member"]) => self.list_members(id),
            ("GET", ["team", _, "user", user]) => self.get_member(user),
            ("POST", ["team", _, "guest"]) => self.invite_guest(req),
            ("GET", ["team", _, "guest", guest]) => self.get_guest(guest),
            ("PUT", ["team", _, "guest", guest]) => self.edit_guest(guest, req),
            ("DELETE", ["team", _, "guest", guest]) => self.remove_guest(guest),
            ("POST", [kind @ ("task" | "list" | "folder"), id, "guest", guest]) => {
                self.share_with_guest(kind, id, guest, true)
            }
            ("DELETE", [kind @ ("task" | "list" | "folder"), id, "guest", guest]) => {
                self.share_with_guest(kind, id, guest, false)
            }
            ("GET", [kind @ ("team" | "space" | "folder" | "list"), id, "view"]) => {
                self.get_views(kind, id)
            }
            ("POST", [kind @ ("team" | "space" | "folder" | "list"), id, "view"]) => {
                self.create_view(kind, id, req)
            }
            ("GET", ["view", id]) => self.get_view(id),
            ("PUT", ["view", id]) => self.update_view(id, req),
            ("DELETE", ["view", id]) => self.remove(id, Kind::View),
            ("GET", ["view", id, "task"]) => self.view_tasks(id, req),
            ("GET", ["team", _, "webhook"]) => Ok(self.get_webhooks()),
            ("POST", ["team", _, "webhook"]) => self.create_webhook(req),
            ("PUT", ["webhook", id]) => self.update_webhook(id, req),
            ("DELETE", ["webhook", id]) => self.remove(id, Kind::Webhook),
            ("POST", ["task", id, "attachment"]) => self.attach(id, req),
            _ => Ok(no_route()),
        };
        result.unwrap_or_else(|reply| reply)
    }

    /// With `custom_task_ids=true&team_id=...`, the native id of the task
    /// a `/task/{custom id}/...` path names.
    fn native_task_id(&self, req: &ApiRequest<'_>) -> Result<Option<String>, Reply> {
        if !req.flag("custom_task_ids") || req.segments.first().map(String::as_str) != Some("task")
        {
            return Ok(None);
        }
        match req.one("team_id") {
            Some(team) if team == self.team_id => {}
            Some(_) => return Err(error(401, "Team not authorized", "OAUTH_027")),
            None => {
                return Err(error(
                    400,
                    "Team id is required with custom task ids",
                    "ITEM_156",
                ));
            }
        }
        let Some(custom) = req.segments.get(1) else {
            return Ok(None);
        };
        self.tasks
            .values()
            .find(|t| t.custom_id.as_deref() == Some(custom.as_str()))
            .map(|t| Some(t.id.clone()))
            .ok_or_else(|| not_found("Task"))
    }

    fn authorized_user_json(&self) -> Value {
        let mut v = self.user_json(self.authorized_user);
        v["week_start_day"] = json!(1);
        v["global_font_support"] = json!(true);
        v["timezone"] = json!("America/Chicago");
        v
    }

    pub(crate) fn team_json(&self) -> Value {
        let members: Vec<Value> = self
            .users
            .values()
            .map(|u| {
                let mut m = json!({"user": u.member_json()});
                if u.id != self.authorized_user {
                    m["invited_by"] = self.user_json(self.authorized_user);
                }
                m
            })
            .collect();
        json!({
            "id": self.team_id,
            "name": self.team_name,
            "color": "#2e7d6b",
            "avatar": null,
            "members": members,
        })
    }

    fn seats(&self) -> Reply {
        let members = self.users.values().filter(|u| u.role != 4).count();
        let guests = self.users.len() - members;
        ok(json!({
            "members": {"filled_members_seats": members, "total_member_seats": members,
                "empty_member_seats": 0},
            "guests": {"filled_guest_seats": guests, "total_guest_seats": 10,
                "empty_guest_seats": 10 - guests.min(10)},
        }))
    }

    // ---- spaces, folders, lists -------------------------------------

    fn get_spaces(&self, req: &ApiRequest<'_>) -> Reply {
        let archived = req.flag("archived");
        let mut spaces: Vec<&Space> = self
            .spaces
            .values()
            .filter(|s| s.archived == archived)
            .collect();
        spaces.sort_by_key(|s| s.seq);
        let spaces: Vec<Value> = spaces.into_iter().map(|s| self.space_json(s)).collect();
        ok(json!({"spaces": spaces}))
    }

    fn create_space(&mut self, req: &ApiRequest<'_>) -> Result<Reply, Reply> {
        let body = parse_body(req)?;
        let name = str_field(&body, "name")
            .filter(|n| !n.trim().is_empty())
            .ok_or_else(|| error(400, "Space name invalid", "SPC_001"))?;
        let id = self.insert_space(
            name,
            body.get("private")
                .and_then(Value::as_bool)
                .unwrap_or(false),
        );
        Ok(ok(self.space_json(&self.spaces[&id])))
    }

    pub(crate) fn insert_space(&mut self, name: &str, private: bool) -> String {
        let id = self.numeric_id();
        let seq = self.next_seq();
        let members = vec![self.authorized_user];
        self.spaces.insert(
            id.clone(),
            Space {
                id: id.clone(),
                name: name.to_owned(),
                private,
                archived: false,
                color: None,
                statuses: default_statuses(),
                members,
                seq,
            },
        );
        id
    }

    fn get_space(&self, id: &str) -> Result<Reply, Reply> {
        let space = self.spaces.get(id).ok_or_else(|| not_found("Space"))?;
        Ok(ok(self.space_json(space)))
    }

    fn update_space(&mut self, id: &str, req: &ApiRequest<'_>) -> Result<Reply, Reply> {
        let body = parse_body(req)?;
        let space = self.spaces.get_mut(id).ok_or_else(|| not_found("Space"))?;
        if let Some(name) = str_field(&body, "name") {
            space.name = name.to_owned();
        }
        if let Some(private) = body.get("private").and_then(Value::as_bool) {
            space.private = private;
        }
        if let Some(color) = str_field(&body, "color") {
            space.color = Some(color.to_owned());
        }
        if let Some(archived) = body.get("archived").and_then(Value::as_bool) {
            space.archived = archived;
        }
        Ok(ok(self.space_json(&self.spaces[id])))
    }

    fn get_folders(&self, space_id: &str, req: &ApiRequest<'_>) -> Result<Reply, Reply> {
        if !self.spaces.contains_key(space_id) {
            return Err(not_found("Space"));
        }
        let archived = req.flag("archived");
        let mut folders: Vec<&Folder> = self
            .folders
            .values()
            .filter(|f| f.space_id == space_id && f.archived == archived)
            .collect();
        folders.sort_by_key(|f| f.seq);
        let folders: Vec<Value> = folders.into_iter().map(|f| self.folder_json(f)).collect();
        Ok(ok(json!({"folders": folders})))
    }

    fn create_folder(&mut self, space_id: &str, req: &ApiRequest<'_>) -> Result<Reply, Reply> {
        let body = parse_body(req)?;
        if !self.spaces.contains_key(space_id) {
            return Err(not_found("Space"));
        }
        let name = str_field(&body, "name")
            .filter(|n| !n.trim().is_empty())
            .ok_or_else(|| error(400, "Folder name invalid", "FOLDER_001"))?;
        let id = self.insert_folder(space_id, name);
        Ok(ok(self.folder_json(&self.folders[&id])))
    }

    pub(crate) fn insert_folder(&mut self, space_id: &str, name: &str) -> String {
        let id = self.numeric_id();
        let seq = self.next_seq();
        self.folders.insert(
            id.clone(),
            Folder {
                id: id.clone(),
                name: name.to_owned(),
                space_id: space_id.to_owned(),
                archived: false,
                seq,
            },
        );
        id
    }

    fn get_folder(&self, id: &str) -> Result<Reply, Reply> {
        let folder = self.folders.get(id).ok_or_else(|| not_found("Folder"))?;
        Ok(ok(self.folder_json(folder)))
    }

    fn update_folder(&mut self, id: &str, req: &ApiRequest<'_>) -> Result<Reply, Reply> {
        let body = parse_body(req)?;
        let folder = self
            .folders
            .get_mut(id)
            .ok_or_else(|| not_found("Folder"))?;
        if let Some(name) = str_field(&body, "name") {
            folder.name = name.to_owned();
        }
        if let Some(archived) = body.get("archived").and_then(Value::as_bool) {
            folder.archived = archived;
        }
        Ok(ok(self.folder_json(&self.folders[id])))
    }

    fn get_lists(
        &self,
        folder_id: Option<&str>,
        space_id: Option<&str>,
        req: &ApiRequest<'_>,
    ) -> Result<Reply, Reply> {
        if let Some(f) = folder_id
            && !self.folders.contains_key(f)
        {
            return Err(not_found("Folder"));
        }
        if let Some(s) = space_id
            && !self.spaces.contains_key(s)
        {
            return Err(not_found("Space"));
        }
        let archived = req.flag("archived");
        let mut lists: Vec<&List> = self
            .lists
            .values()
            .filter(|l| l.archived == archived)
            .filter(|l| match (folder_id, space_id) {
                (Some(f), _) => l.folder_id.as_deref() == Some(f),
                (None, Some(s)) => l.space_id == s && l.folder_id.is_none(),
                (None, None) => false,
            })
            .collect();
        lists.sort_by_key(|l| l.seq);
        let lists: Vec<Value> = lists.into_iter().map(|l| self.list_json(l)).collect();
        Ok(ok(json!({"lists": lists})))
    }

    fn create_list(
        &mut self,
        folder_id: Option<&str>,
        space_id: Option<&str>,
        req: &ApiRequest<'_>,
    ) -> Result<Reply, Reply> {
        let body = parse_body(req)?;
        let space_id = match (folder_id, space_id) {
            (Some(f), _) => self
                .folders
                .get(f)
                .ok_or_else(|| not_found("Folder"))?
                .space_id
                .clone(),
            (None, Some(s)) if self.spaces.contains_key(s) => s.to_owned(),
            _ => return Err(not_found("Space")),
        };
        let name = str_field(&body, "name")
            .filter(|n| !n.trim().is_empty())
            .ok_or_else(|| error(400, "List name invalid", "SUBCAT_001"))?;
        let content = str_field(&body, "markdown_content")
            .or_else(|| str_field(&body, "content"))
            .unwrap_or_default();
        let id = self.insert_list(&space_id, folder_id, name, content, Vec::new());
        Ok(ok(self.list_json(&self.lists[&id])))
    }

    pub(crate) fn insert_list(
        &mut self,
        space_id: &str,
        folder_id: Option<&str>,
        name: &str,
        content: &str,
        members: Vec<u64>,
    ) -> String {
        let id = self.numeric_id();
        let seq = self.next_seq();
        self.lists.insert(
            id.clone(),
            List {
                id: id.clone(),
                name: name.to_owned(),
                content: content.to_owned(),
                space_id: space_id.to_owned(),
                folder_id: folder_id.map(str::to_owned),
                archived: false,
                members,
                seq,
            },
        );
        id
    }

    fn get_list(&self, id: &str) -> Result<Reply, Reply> {
        let list = self.lists.get(id).ok_or_else(|| not_found("List"))?;
        Ok(ok(self.list_json(list)))
    }

    fn update_list(&mut self, id: &str, req: &ApiRequest<'_>) -> Result<Reply, Reply> {
        let body = parse_body(req)?;
        let list = self.lists.get_mut(id).ok_or_else(|| not_found("List"))?;
        if let Some(name) = str_field(&body, "name") {
            list.name = name.to_owned();
        }
        if let Some(content) =
            str_field(&body, "markdown_content").or_else(|| str_field(&body, "content"))
        {
            list.content = content.to_owned();
        }
        if let Some(archived) = body.get("archived").and_then(Value::as_bool) {
            list.archived = archived;
        }
        Ok(ok(self.list_json(&self.lists[id])))
    }

    fn remove(&mut self, id: &str, kind: Kind) -> Result<Reply, Reply> {
        match kind {
            Kind::Space if self.spaces.contains_key(id) => self.delete_space(id),
            Kind::Folder if self.folders.contains_key(id) => self.delete_folder(id),
            Kind::List if self.lists.contains_key(id) => self.delete_list(id),
            Kind::Comment if self.comments.contains_key(id) => self.delete_comment(id),
            Kind::Checklist if self.checklists.contains_key(id) => {
                self.checklists.remove(id);
            }
            Kind::View if self.views.contains_key(id) => {
                self.views.remove(id);
                self.delete_comments_of(&CommentParent::View(id.to_owned()));
            }
            Kind::Webhook if self.webhooks.contains_key(id) => {
                self.webhooks.remove(id);
            }
            _ => return Err(not_found(kind.name())),
        }
        Ok(empty())
    }

    // ---- tasks ------------------------------------------------------

    fn list_tasks(&self, list_id: &str, req: &ApiRequest<'_>) -> Result<Reply, Reply> {
        if !self.lists.contains_key(list_id) {
            return Err(not_found("List"));
        }
        let timl = req.flag("include_timl");
        self.task_page(
            req,
            |t| t.list_id == list_id || (timl && t.extra_lists.iter().any(|l| l == list_id)),
            true,
        )
    }

    /// Adds a task to, or removes it from, a list other than its home.
    fn task_in_list(&mut self, list_id: &str, task_id: &str, add: bool) -> Result<Reply, Reply> {
        if !self.lists.contains_key(list_id) {
            return Err(not_found("List"));
        }
        let task = self
            .tasks
            .get_mut(task_id)
            .ok_or_else(|| not_found("Task"))?;
        if task.list_id == list_id {
            return Err(error(400, "Task already lives in this list", "ITEM_061"));
        }
        task.extra_lists.retain(|l| l != list_id);
        if add {
            task.extra_lists.push(list_id.to_owned());
        }
        Ok(empty())
    }

    fn team_tasks(&self, req: &ApiRequest<'_>) -> Result<Reply, Reply> {
        let spaces = req.all("space_ids");
        let folders = req.all("project_ids");
        let lists = req.all("list_ids");
        let parent = req.one("parent");
        let in_scope = |t: &Task| {
            let Some(list) = self.lists.get(&t.list_id) else {
                return false;
            };
            (spaces.is_empty() || spaces.contains(&list.space_id.as_str()))
                && (folders.is_empty()
                    || list
                        .folder_id
                        .as_deref()
                        .is_some_and(|f| folders.contains(&f)))
                && (lists.is_empty() || lists.contains(&list.id.as_str()))
                && parent.is_none_or(|p| t.parent.as_deref() == Some(p))
        };
        // Asking for the children of a task implies wanting subtasks.
        self.task_page(req, in_scope, parent.is_none())
    }

    fn view_tasks(&self, view_id: &str, req: &ApiRequest<'_>) -> Result<Reply, Reply> {
        let view = self.views.get(view_id).ok_or_else(|| not_found("View"))?;
        let parent = view.parent.clone();
        self.task_page(
            req,
            |t| {
                let Some(list) = self.lists.get(&t.list_id) else {
                    return false;
                };
                match &parent {
                    ViewParent::Workspace(_) => true,
                    ViewParent::Space(s) => list.space_id == *s,
                    ViewParent::Folder(f) => list.folder_id.as_deref() == Some(f.as_str()),
                    ViewParent::List(l) => list.id == *l,
                }
            },
            true,
        )
    }

    /// One page of tasks matching the common filters of the task list
    /// endpoints.
    fn task_page(
        &self,
        req: &ApiRequest<'_>,
        in_scope: impl Fn(&Task) -> bool,
        top_level_only_by_default: bool,
    ) -> Result<Reply, Reply> {
        let page: usize = match req.one("page") {
            None => 0,
            Some(p) => p
                .parse()
                .map_err(|_| error(400, "Page must be a number", "INPUT_003"))?,
        };
        let include_subtasks = req.flag("subtasks") || !top_level_only_by_default;
        let include_closed = req.flag("include_closed");
        let archived = req.flag("archived");
        let statuses: Vec<String> = req
            .all("statuses")
            .iter()
            .map(|s| s.to_lowercase())
            .collect();
        let assignees: Vec<u64> = req
            .all("assignees")
            .iter()
            .filter_map(|a| a.parse().ok())
            .collect();
        let tags: Vec<&str> = req.all("tags");
        let field_filters = match req.one("custom_fields") {
            Some(raw) => self.parse_field_filters(raw)?,
            None => Vec::new(),
        };
        let ranges: [(&str, TaskDate); 4] = [
            ("due_date", |t: &Task| t.due_date),
            ("date_created", |t: &Task| Some(t.date_created)),
            ("date_updated", |t: &Task| Some(t.date_updated)),
            ("date_done", |t: &Task| t.date_closed),
        ];

        let mut tasks: Vec<&Task> = self
            .tasks
            .values()
            .filter(|t| in_scope(t))
            .filter(|t| include_subtasks || t.parent.is_none())
            .filter(|t| t.archived == archived)
            .filter(|t| {
                let space = self
                    .lists
                    .get(&t.list_id)
                    .map(|l| l.space_id.as_str())
                    .unwrap_or("");
                include_closed || !statuses.is_empty() || !self.is_closed_status(space, &t.status)
            })
            .filter(|t| statuses.is_empty() || statuses.contains(&t.status.to_lowercase()))
            .filter(|t| assignees.is_empty() || t.assignees.iter().any(|a| assignees.contains(a)))
            .filter(|t| tags.is_empty() || t.tags.iter().any(|x| tags.contains(&x.as_str())))
            .filter(|t| {
                ranges.iter().all(|(name, get)| {
                    let v = get(t);
                    let gt = req.millis(&format!("{name}_gt"));
                    let lt = req.millis(&format!("{name}_lt"));
                    gt.is_none_or(|g| v.is_some_and(|v| v > g))
                        && lt.is_none_or(|l| v.is_some_and(|v| v < l))
                })
            })
            .filter(|t| field_filters.iter().all(|f| f.matches(t)))
            .collect();

        match req.one("order_by").unwrap_or("created") {
            "updated" => tasks.sort_by_key(|t| (t.date_updated, t.seq)),
            "due_date" => tasks.sort_by_key(|t| (t.due_date.unwrap_or(i64::MAX), t.seq)),
            "id" => tasks.sort_by(|a, b| a.id.cmp(&b.id)),
            _ => tasks.sort_by_key(|t| t.seq),
        }
        if req.flag("reverse") {
            tasks.reverse();
        }

        let start = page.saturating_mul(TASK_PAGE_SIZE).min(tasks.len());
        let end = (start + TASK_PAGE_SIZE).min(tasks.len());
        let page_tasks: Vec<Value> = tasks[start..end]
            .iter()
            .map(|t| {
                let mut v = self.task_json(t, false, false);
                with_markdown(&mut v, req);
                v
            })
            .collect();
        Ok(ok(
            json!({"tasks": page_tasks, "last_page": end >= tasks.len()}),
        ))
    }

    /// Reads the `custom_fields` filter. Known shortcoming: only `=`, `==`,
    /// `!=`, `!==`, `<`, `>`, `IS NULL` and `IS NOT NULL` are modelled;
    /// `RANGE`, `ANY`, `ALL`, `NOT ANY`, `NOT ALL`, `<=` and `>=` are
    /// answered 400, where ClickUp would filter.
    fn parse_field_filters(&self, raw: &str) -> Result<Vec<FieldFilter>, Reply> {
        let bad = || error(400, "Custom field filter is invalid", "FIELD_042");
        let parsed: Vec<Value> = serde_json::from_str(raw).map_err(|_| bad())?;
        parsed
            .into_iter()
            .map(|f| {
                let field_id = f.get("field_id").and_then(Value::as_str).ok_or_else(bad)?;
                let op = f.get("operator").and_then(Value::as_str).ok_or_else(bad)?;
                let op = match op {
                    "=" => FilterOp::Contains,
                    "==" => FilterOp::Equals,
                    "!=" | "!==" => FilterOp::NotEquals,
                    "IS NULL" => FilterOp::IsNull,
                    "IS NOT NULL" => FilterOp::IsNotNull,
                    "<" => FilterOp::Less,
                    ">" => FilterOp::Greater,
                    _ => {
                        return Err(error(
                            400,
                            "Custom field filter operator is not supported",
                            "FIELD_043",
                        ));
                    }
                };
                let mut value = f.get("value").cloned().unwrap_or(Value::Null);
                // Drop-down filters name an option by id; tasks store its index.
                if let (Some(field), Some(option)) = (self.fields.get(field_id), value.as_str())
                    && let Some(index) = drop_down_index(field, option)
                {
                    value = json!(index);
                }
                Ok(FieldFilter {
                    field_id: field_id.to_owned(),
                    op,
                    value,
                })
            })
            .collect()
    }

    fn get_task(&self, id: &str, req: &ApiRequest<'_>) -> Result<Reply, Reply> {
        let task = self.tasks.get(id).ok_or_else(|| not_found("Task"))?;
        let mut v = self.task_json(task, true, req.flag("include_subtasks"));
        with_markdown(&mut v, req);
        Ok(ok(v))
    }

    fn create_task(&mut self, list_id: &str, req: &ApiRequest<'_>) -> Result<Reply, Reply> {
        let body = parse_body(req)?;
        if !self.lists.contains_key(list_id) {
            return Err(not_found("List"));
        }
        let name = str_field(&body, "name")
            .filter(|n| !n.trim().is_empty())
            .ok_or_else(|| error(400, "Task name invalid", "INPUT_005"))?;
        let parent = id_field(&body, "parent");
        if let Some(p) = &parent {
            match self.tasks.get(p) {
                Some(pt) if pt.list_id == list_id => {}
                _ => return Err(error(400, "Parent not child of list", "ITEM_137")),
            }
        }
        let mut values = BTreeMap::new();
        if let Some(fields) = body.get("custom_fields").and_then(Value::as_array) {
            for f in fields {
                let Some(fid) = f.get("id").and_then(Value::as_str) else {
                    return Err(error(400, "Custom field id missing", "FIELD_001"));
                };
                let value = f.get("value").cloned().unwrap_or(Value::Null);
                let stored = self.field_value_for_list(list_id, fid, value)?;
                values.insert(fid.to_owned(), stored);
            }
        }
        let space_id = self.lists[list_id].space_id.clone();
        let status = match str_field(&body, "status") {
            Some(s) => self.known_status(&space_id, s)?,
            None => "to do".to_owned(),
        };
        let new = NewTask {
            list_id: list_id.to_owned(),
            name: name.to_owned(),
            description: str_field(&body, "markdown_description")
                .or_else(|| str_field(&body, "description"))
                .unwrap_or_default()
                .to_owned(),
            status,
            parent,
            assignees: user_ids(body.get("assignees")),
            tags: body
                .get("tags")
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(|t| t.as_str().map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default(),
            priority: body
                .get("priority")
                .and_then(Value::as_u64)
                .and_then(|p| u8::try_from(p).ok()),
            due_date: millis_field(&body, "due_date").flatten(),
            field_values: values,
        };
        let id = self.insert_task(new);
        if let Some(task) = self.tasks.get_mut(&id) {
            task.start_date = millis_field(&body, "start_date").flatten();
            task.time_estimate = millis_field(&body, "time_estimate").flatten();
            task.points = body.get("points").and_then(Value::as_f64);
        }
        Ok(ok(self.task_json(&self.tasks[&id], true, false)))
    }

    pub(crate) fn insert_task(&mut self, new: NewTask) -> String {
        let id = self.task_id();
        let seq = self.next_seq();
        let now = self.tick();
        let creator = self.authorized_user;
        let space_id = self
            .lists
            .get(&new.list_id)
            .map(|l| l.space_id.clone())
            .unwrap_or_default();
        for tag in &new.tags {
            self.ensure_tag(&space_id, tag);
        }
        let closed = self.is_closed_status(&space_id, &new.status);
        self.tasks.insert(
            id.clone(),
            Task {
                id: id.clone(),
                seq,
                name: new.name,
                description: new.description,
                status: new.status,
                list_id: new.list_id,
                parent: new.parent,
                watchers: new.assignees.clone(),
                assignees: new.assignees,
                tags: new.tags,
                priority: new.priority,
                due_date: new.due_date,
                start_date: None,
                time_estimate: None,
                points: None,
                date_created: now,
                date_updated: now,
                date_closed: closed.then_some(now),
                archived: false,
                creator,
                field_values: new.field_values,
                attachments: Vec::new(),
                guests: Vec::new(),
                extra_lists: Vec::new(),
                custom_id: None,
            },
        );
        id
    }

    fn known_status(&self, space_id: &str, name: &str) -> Result<String, Reply> {
        let space = self.spaces.get(space_id);
        space
            .and_then(|s| {
                s.statuses
                    .iter()
                    .find(|st| st.status.eq_ignore_ascii_case(name))
            })
            .map(|st| st.status.clone())
            .ok_or_else(|| error(400, "Status not found", "CRTSK_001"))
    }

    fn update_task(&mut self, id: &str, req: &ApiRequest<'_>) -> Result<Reply, Reply> {
        let body = parse_body(req)?;
        let list_id = self
            .tasks
            .get(id)
            .ok_or_else(|| not_found("Task"))?
            .list_id
            .clone();
        let space_id = self
            .lists
            .get(&list_id)
            .map(|l| l.space_id.clone())
            .unwrap_or_default();
        let status = match str_field(&body, "status") {
            Some(s) => Some(self.known_status(&space_id, s)?),
            None => None,
        };
        let parent = match body.get("parent") {
            None => None,
            Some(Value::Null) => Some(None),
            Some(_) => {
                let p = id_field(&body, "parent").unwrap_or_default();
                if p == id || self.tasks.get(&p).is_none_or(|pt| pt.list_id != list_id) {
                    return Err(error(400, "Parent not child of list", "ITEM_137"));
                }
                Some(Some(p))
            }
        };
        let now = self.tick();
        let closed = status.as_ref().map(|s| self.is_closed_status(&space_id, s));
        let task = self.tasks.get_mut(id).ok_or_else(|| not_found("Task"))?;
        if let Some(name) = str_field(&body, "name") {
            if name.trim().is_empty() {
                return Err(error(400, "Task name invalid", "INPUT_005"));
            }
            task.name = name.to_owned();
        }
        if let Some(d) =
            str_field(&body, "markdown_description").or_else(|| str_field(&body, "description"))
        {
            task.description = d.to_owned();
        }
        if let Some(status) = status {
            task.status = status;
            task.date_closed = match closed {
                Some(true) => task.date_closed.or(Some(now)),
                _ => None,
            };
        }
        if let Some(parent) = parent {
            task.parent = parent;
        }
        match body.get("priority") {
            Some(Value::Null) => task.priority = None,
            Some(p) => task.priority = p.as_u64().and_then(|p| u8::try_from(p).ok()),
            None => {}
        }
        if let Some(d) = millis_field(&body, "due_date") {
            task.due_date = d;
        }
        if let Some(d) = millis_field(&body, "start_date") {
            task.start_date = d;
        }
        if let Some(d) = millis_field(&body, "time_estimate") {
            task.time_estimate = d;
        }
        if let Some(points) = body.get("points") {
            task.points = points.as_f64();
        }
        if let Some(archived) = body.get("archived").and_then(Value::as_bool) {
            task.archived = archived;
        }
        if let Some(change) = body.get("assignees") {
            let add = user_ids(change.get("add"));
            let rem = user_ids(change.get("rem"));
            task.assignees.retain(|a| !rem.contains(a));
            for a in add {
                if !task.assignees.contains(&a) {
                    task.assignees.push(a);
                }
            }
        }
        task.date_updated = now;
        Ok(ok(self.task_json(&self.tasks[id], true, false)))
    }

    fn delete_task_route(&mut self, id: &str) -> Result<Reply, Reply> {
        if !self.tasks.contains_key(id) {
            return Err(not_found("Task"));
        }
        self.delete_task(id);
        Ok(Reply::Json(204, json!({})))
    }

    // ---- custom fields ----------------------------------------------

    fn list_fields(&self, list_id: &str) -> Result<Reply, Reply> {
        if !self.lists.contains_key(list_id) {
            return Err(not_found("List"));
        }
        let fields: Vec<Value> = self
            .fields_for_list(list_id)
            .into_iter()
            .map(Field::definition_json)
            .collect();
        Ok(ok(json!({"fields": fields})))
    }

    fn scoped_fields(&self, scope: FieldScope) -> Result<Reply, Reply> {
        let exists = match &scope {
            FieldScope::Workspace => true,
            FieldScope::Space(id) => self.spaces.contains_key(id),
            FieldScope::Folder(id) => self.folders.contains_key(id),
            FieldScope::List(id) => self.lists.contains_key(id),
        };
        if !exists {
            return Err(not_found("Location"));
        }
        let fields: Vec<Value> = self
            .fields
            .values()
            .filter(|f| f.scope == scope)
            .map(Field::definition_json)
            .collect();
        Ok(ok(json!({"fields": fields})))
    }

    /// Checks a written value against the field's type and turns it into
    /// what a read of the task shows.
    fn field_value_for_list(
        &self,
        list_id: &str,
        field_id: &str,
        value: Value,
    ) -> Result<Value, Reply> {
        let field = self
            .fields_for_list(list_id)
            .into_iter()
            .find(|f| f.id == field_id)
            .ok_or_else(|| {
                error(
                    400,
                    "Custom field is not accessible from this task",
                    "FIELD_033",
                )
            })?;
        let invalid = || error(400, "Value is not valid for this custom field", "FIELD_014");
        let stored = match field.kind.as_str() {
            "drop_down" => match &value {
                Value::String(s) => json!(drop_down_index(field, s).ok_or_else(|| {
                    error(400, "Value must be an option index or uuid", "FIELD_011")
                })?),
                Value::Number(n) => {
                    let count = field.type_config["options"].as_array().map_or(0, Vec::len) as u64;
                    match n.as_u64() {
                        Some(i) if i < count => json!(i),
                        _ => {
                            return Err(error(
                                400,
                                "Value must be an option index or uuid",
                                "FIELD_011",
                            ));
                        }
                    }
                }
                _ => {
                    return Err(error(
                        400,
                        "Value must be an option index or uuid",
                        "FIELD_011",
                    ));
                }
            },
            "number" | "currency" | "emoji" => match &value {
                Value::Number(n) => json!(n.to_string()),
                Value::String(s) if s.parse::<f64>().is_ok() => json!(s),
                _ => return Err(invalid()),
            },
            "date" => match &value {
                Value::Number(n) => json!(n.to_string()),
                Value::String(s) if s.parse::<i64>().is_ok() => json!(s),
                _ => return Err(invalid()),
            },
            "text" | "short_text" | "email" | "phone" | "url" => match &value {
                Value::String(_) => value,
                _ => return Err(invalid()),
            },
            "checkbox" => match &value {
                Value::Bool(b) => json!(b.to_string()),
                Value::String(s) if s == "true" || s == "false" => value,
                _ => return Err(invalid()),
            },
            "users" => {
                let add = user_ids(value.get("add"));
                json!(add.iter().map(|id| self.user_json(*id)).collect::<Vec<_>>())
            }
            _ => value,
        };
        Ok(stored)
    }

    fn set_field(
        &mut self,
        task_id: &str,
        field_id: &str,
        req: &ApiRequest<'_>,
    ) -> Result<Reply, Reply> {
        let body = parse_body(req)?;
        let list_id = self
            .tasks
            .get(task_id)
            .ok_or_else(|| not_found("Task"))?
            .list_id
            .clone();
        let value = body
            .get("value")
            .cloned()
            .ok_or_else(|| error(400, "Value is required", "FIELD_013"))?;
        let stored = self.field_value_for_list(&list_id, field_id, value)?;
        let now = self.tick();
        if let Some(task) = self.tasks.get_mut(task_id) {
            task.field_values.insert(field_id.to_owned(), stored);
            task.date_updated = now;
        }
        Ok(empty())
    }

    fn remove_field(&mut self, task_id: &str, field_id: &str) -> Result<Reply, Reply> {
        let list_id = self
            .tasks
            .get(task_id)
            .ok_or_else(|| not_found("Task"))?
            .list_id
            .clone();
        if !self
            .fields_for_list(&list_id)
            .iter()
            .any(|f| f.id == field_id)
        {
            return Err(error(
                400,
                "Custom field is not accessible from this task",
                "FIELD_033",
            ));
        }
        let now = self.tick();
        if let Some(task) = self.tasks.get_mut(task_id) {
            task.field_values.remove(field_id);
            task.date_updated = now;
        }
        Ok(empty())
    }

    // ---- comments ---------------------------------------------------

    fn comment_parent_exists(&self, parent: &CommentParent) -> bool {
        match parent {
            CommentParent::Task(id) => self.tasks.contains_key(id),
            CommentParent::List(id) => self.lists.contains_key(id),
            CommentParent::View(id) => self.views.contains_key(id),
            CommentParent::Comment(id) => self.comments.contains_key(id),
        }
    }

    fn get_comments(&self, parent: CommentParent, req: &ApiRequest<'_>) -> Result<Reply, Reply> {
        if !self.comment_parent_exists(&parent) {
            return Err(not_found(parent_name(&parent)));
        }
        let mut comments: Vec<&Comment> = self
            .comments
            .values()
            .filter(|c| c.parent == parent)
            .collect();
        if let CommentParent::Comment(_) = parent {
            // Replies read oldest first and come in one piece.
            comments.sort_by(|a, b| (a.date, &a.id).cmp(&(b.date, &b.id)));
            let all: Vec<Value> = comments.into_iter().map(|c| self.comment_json(c)).collect();
            return Ok(ok(json!({"comments": all})));
        }
        comments.sort_by(|a, b| (b.date, &b.id).cmp(&(a.date, &a.id)));
        let start = req.millis("start");
        let start_id = req.one("start_id");
        let from = match (start, start_id) {
            (Some(start), Some(start_id)) => match comments.iter().position(|c| c.id == start_id) {
                Some(i) => i + 1,
                None => comments
                    .iter()
                    .position(|c| c.date < start)
                    .unwrap_or(comments.len()),
            },
            (Some(start), None) => comments
                .iter()
                .position(|c| c.date < start)
                .unwrap_or(comments.len()),
            _ => 0,
        };
        let page: Vec<Value> = comments
            .iter()
            .skip(from)
            .take(COMMENT_PAGE_SIZE)
            .map(|c| self.comment_json(c))
            .collect();
        Ok(ok(json!({"comments": page})))
    }

    fn create_comment(
        &mut self,
        parent: CommentParent,
        req: &ApiRequest<'_>,
    ) -> Result<Reply, Reply> {
        let body = parse_body(req)?;
        if !self.comment_parent_exists(&parent) {
            return Err(not_found(parent_name(&parent)));
        }
        let text = comment_text(&body)
            .filter(|t| !t.trim().is_empty())
            .ok_or_else(|| error(400, "Comment text is required", "COMM_002"))?;
        let assignee = body.get("assignee").and_then(Value::as_u64);
        let user = self.authorized_user;
        let id = self.insert_comment(parent.clone(), &text, user, assignee);
        let comment = &self.comments[&id];
        let (date, hist_id) = (comment.date, comment.hist_id.clone());
        if let CommentParent::Task(task_id) = &parent
            && let Some(task) = self.tasks.get_mut(task_id)
        {
            task.date_updated = date;
        }
        Ok(ok(json!({"id": id, "hist_id": hist_id, "date": date})))
    }

    pub(crate) fn insert_comment(
        &mut self,
        parent: CommentParent,
        text: &str,
        user: u64,
        assignee: Option<u64>,
    ) -> String {
        let id = self.comment_id();
        let date = self.tick();
        let hist_id = self.comment_id();
        self.comments.insert(
            id.clone(),
            Comment {
                id: id.clone(),
                parent,
                text: text.to_owned(),
                user,
                assignee,
                resolved: false,
                date,
                hist_id,
            },
        );
        id
    }

    fn update_comment(&mut self, id: &str, req: &ApiRequest<'_>) -> Result<Reply, Reply> {
        let body = parse_body(req)?;
        let comment = self
            .comments
            .get_mut(id)
            .ok_or_else(|| not_found("Comment"))?;
        if let Some(text) = comment_text(&body) {
            if text.trim().is_empty() {
                return Err(error(400, "Comment text is required", "COMM_002"));
            }
            comment.text = text;
        }
        match body.get("assignee") {
            Some(Value::Null) => comment.assignee = None,
            Some(a) => comment.assignee = a.as_u64(),
            None => {}
        }
        if let Some(resolved) = body.get("resolved").and_then(Value::as_bool) {
            comment.resolved = resolved;
        }
        Ok(empty())
    }

    // ---- checklists -------------------------------------------------

    fn create_checklist(&mut self, task_id: &str, req: &ApiRequest<'_>) -> Result<Reply, Reply> {
        let body = parse_body(req)?;
        if !self.tasks.contains_key(task_id) {
            return Err(not_found("Task"));
        }
        let name = str_field(&body, "name")
            .filter(|n| !n.trim().is_empty())
            .ok_or_else(|| error(400, "Checklist name invalid", "CHECK_001"))?;
        let id = self.insert_checklist(task_id, name, &[]);
        Ok(ok(
            json!({"checklist": self.checklist_json(&self.checklists[&id])}),
        ))
    }

    pub(crate) fn insert_checklist(&mut self, task_id: &str, name: &str, items: &[&str]) -> String {
        let id = self.uuid();
        let date_created = self.tick();
        let orderindex = self
            .checklists
            .values()
            .filter(|c| c.task_id == task_id)
            .count() as i64;
        let items = items
            .iter()
            .map(|name| ChecklistItem {
                id: self.uuid(),
                name: (*name).to_owned(),
                assignee: None,
                resolved: false,
                parent: None,
                date_created,
            })
            .collect();
        self.checklists.insert(
            id.clone(),
            Checklist {
                id: id.clone(),
                task_id: task_id.to_owned(),
                name: name.to_owned(),
                orderindex,
                date_created,
                items,
            },
        );
        id
    }

    fn update_checklist(&mut self, id: &str, req: &ApiRequest<'_>) -> Result<Reply, Reply> {
        let body = parse_body(req)?;
        let checklist = self
            .checklists
            .get_mut(id)
            .ok_or_else(|| not_found("Checklist"))?;
        if let Some(name) = str_field(&body, "name") {
            checklist.name = name.to_owned();
        }
        if let Some(position) = body.get("position").and_then(Value::as_i64) {
            checklist.orderindex = position;
        }
        Ok(empty())
    }

    fn create_checklist_item(&mut self, id: &str, req: &ApiRequest<'_>) -> Result<Reply, Reply> {
        let body = parse_body(req)?;
        if !self.checklists.contains_key(id) {
            return Err(not_found("Checklist"));
        }
        let name = str_field(&body, "name")
            .filter(|n| !n.trim().is_empty())
            .ok_or_else(|| error(400, "Checklist item name invalid", "CHECK_002"))?
            .to_owned();
        let item_id = self.uuid();
        let date_created = self.tick();
        let assignee = body.get("assignee").and_then(Value::as_u64);
        if let Some(checklist) = self.checklists.get_mut(id) {
            checklist.items.push(ChecklistItem {
                id: item_id,
                name,
                assignee,
                resolved: false,
                parent: None,
                date_created,
            });
        }
        Ok(ok(
            json!({"checklist": self.checklist_json(&self.checklists[id])}),
        ))
    }

    fn update_checklist_item(
        &mut self,
        id: &str,
        item_id: &str,
        req: &ApiRequest<'_>,
    ) -> Result<Reply, Reply> {
        let body = parse_body(req)?;
        let checklist = self
            .checklists
            .get_mut(id)
            .ok_or_else(|| not_found("Checklist"))?;
        let item = checklist
            .items
            .iter_mut()
            .find(|i| i.id == item_id)
            .ok_or_else(|| not_found("Checklist item"))?;
        if let Some(name) = str_field(&body, "name") {
            item.name = name.to_owned();
        }
        if let Some(resolved) = body.get("resolved").and_then(Value::as_bool) {
            item.resolved = resolved;
        }
        match body.get("assignee") {
            Some(Value::Null) => item.assignee = None,
            Some(a) => item.assignee = a.as_u64(),
            None => {}
        }
        match body.get("parent") {
            Some(Value::Null) => item.parent = None,
            Some(Value::String(p)) => item.parent = Some(p.clone()),
            _ => {}
        }
        Ok(ok(
            json!({"checklist": self.checklist_json(&self.checklists[id])}),
        ))
    }

    fn delete_checklist_item(&mut self, id: &str, item_id: &str) -> Result<Reply, Reply> {
        let checklist = self
            .checklists
            .get_mut(id)
            .ok_or_else(|| not_found("Checklist"))?;
        let before = checklist.items.len();
        checklist.items.retain(|i| i.id != item_id);
        if checklist.items.len() == before {
            return Err(not_found("Checklist item"));
        }
        Ok(empty())
    }

    // ---- tags -------------------------------------------------------

    fn get_tags(&self, space_id: &str) -> Result<Reply, Reply> {
        if !self.spaces.contains_key(space_id) {
            return Err(not_found("Space"));
        }
        let tags: Vec<Value> = self
            .tags
            .get(space_id)
            .map(|t| {
                t.iter()
                    .map(|t| {
                        json!({"name": t.name, "tag_fg": t.fg, "tag_bg": t.bg,
                        "creator": self.authorized_user})
                    })
                    .collect()
            })
            .unwrap_or_default();
        Ok(ok(json!({"tags": tags})))
    }

    pub(crate) fn ensure_tag(&mut self, space_id: &str, name: &str) {
        let tags = self.tags.entry(space_id.to_owned()).or_default();
        if !tags.iter().any(|t| t.name == name) {
            tags.push(Tag {
                name: name.to_owned(),
                fg: "#ffffff".into(),
                bg: "#7b68ee".into(),
            });
        }
    }

    fn create_tag(&mut self, space_id: &str, req: &ApiRequest<'_>) -> Result<Reply, Reply> {
        let body = parse_body(req)?;
        if !self.spaces.contains_key(space_id) {
            return Err(not_found("Space"));
        }
        let tag = body
            .get("tag")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        let name = str_field(&tag, "name")
            .filter(|n| !n.trim().is_empty())
            .ok_or_else(|| error(400, "Tag name invalid", "TAGS_001"))?;
        self.ensure_tag(space_id, name);
        if let Some(t) = self
            .tags
            .get_mut(space_id)
            .and_then(|t| t.iter_mut().find(|t| t.name == name))
        {
            if let Some(fg) = str_field(&tag, "tag_fg") {
                t.fg = fg.to_owned();
            }
            if let Some(bg) = str_field(&tag, "tag_bg") {
                t.bg = bg.to_owned();
            }
        }
        Ok(empty())
    }

    fn update_tag(
        &mut self,
        space_id: &str,
        name: &str,
        req: &ApiRequest<'_>,
    ) -> Result<Reply, Reply> {
        let body = parse_body(req)?;
        let tag_body = body
            .get("tag")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        let tag = self
            .tags
            .get_mut(space_id)
            .and_then(|t| t.iter_mut().find(|t| t.name == name))
            .ok_or_else(|| not_found("Tag"))?;
        if let Some(new_name) = str_field(&tag_body, "name") {
            tag.name = new_name.to_owned();
        }
        if let Some(fg) =
            str_field(&tag_body, "fg_color").or_else(|| str_field(&tag_body, "tag_fg"))
        {
            tag.fg = fg.to_owned();
        }
        if let Some(bg) =
            str_field(&tag_body, "bg_color").or_else(|| str_field(&tag_body, "tag_bg"))
        {
            tag.bg = bg.to_owned();
        }
        let renamed = json!({"name": tag.name, "fg_color": tag.fg, "bg_color": tag.bg});
        let new_name = tag.name.clone();
        if new_name != name {
            for task in self.tasks.values_mut() {
                for t in &mut task.tags {
                    if t == name {
                        new_name.clone_into(t);
                    }
                }
            }
        }
        Ok(ok(json!({"tag": renamed})))
    }

    fn delete_tag(&mut self, space_id: &str, name: &str) -> Result<Reply, Reply> {
        let tags = self
            .tags
            .get_mut(space_id)
            .ok_or_else(|| not_found("Tag"))?;
        let before = tags.len();
        tags.retain(|t| t.name != name);
        if tags.len() == before {
            return Err(not_found("Tag"));
        }
        for task in self.tasks.values_mut() {
            task.tags.retain(|t| t != name);
        }
        Ok(empty())
    }

    fn tag_task(&mut self, task_id: &str, name: &str, add: bool) -> Result<Reply, Reply> {
        let list_id = self
            .tasks
            .get(task_id)
            .ok_or_else(|| not_found("Task"))?
            .list_id
            .clone();
        let space_id = self
            .lists
            .get(&list_id)
            .map(|l| l.space_id.clone())
            .unwrap_or_default();
        if add {
            self.ensure_tag(&space_id, name);
        }
        let now = self.tick();
        if let Some(task) = self.tasks.get_mut(task_id) {
            if add {
                if !task.tags.iter().any(|t| t == name) {
                    task.tags.push(name.to_owned());
                }
            } else {
                task.tags.retain(|t| t != name);
            }
            task.date_updated = now;
        }
        Ok(empty())
    }

    // ---- members and guests -----------------------------------------

    fn member_list(&self, ids: &[u64]) -> Reply {
        let members: Vec<Value> = ids
            .iter()
            .map(|id| {
                let mut v = self.user_json(*id);
                v["profileInfo"] = json!({"display_profile": null, "verified_ambassador": null,
                    "verified_consultant": null, "top_tier_user": null});
                v
            })
            .collect();
        ok(json!({"members": members}))
    }

    fn list_members(&self, list_id: &str) -> Result<Reply, Reply> {
        let list = self.lists.get(list_id).ok_or_else(|| not_found("List"))?;
        let mut ids = list.members.clone();
        for (guest, shared) in &self.guest_lists {
            if shared == list_id && !ids.contains(guest) {
                ids.push(*guest);
            }
        }
        Ok(self.member_list(&ids))
    }

    fn task_members(&self, task_id: &str) -> Result<Reply, Reply> {
        let task = self.tasks.get(task_id).ok_or_else(|| not_found("Task"))?;
        let mut ids = self
            .lists
            .get(&task.list_id)
            .map(|l| l.members.clone())
            .unwrap_or_default();
        for id in task.assignees.iter().chain(&task.guests) {
            if !ids.contains(id) {
                ids.push(*id);
            }
        }
        Ok(self.member_list(&ids))
    }

    fn get_member(&self, user: &str) -> Result<Reply, Reply> {
        let user = user
            .parse::<u64>()
            .ok()
            .and_then(|id| self.users.get(&id))
            .filter(|u| u.role != 4)
            .ok_or_else(|| not_found("User"))?;
        Ok(ok(json!({"member": {"user": user.member_json(),
            "invited_by": self.user_json(self.authorized_user),
            "shared": {"tasks": [], "lists": [], "folders": []}}})))
    }

    fn guest_json(&self, guest: &User) -> Value {
        let tasks: Vec<Value> = self
            .tasks
            .values()
            .filter(|t| t.guests.contains(&guest.id))
            .map(|t| self.task_json(t, false, false))
            .collect();
        let lists: Vec<Value> = self
            .guest_lists
            .iter()
            .filter(|(g, _)| *g == guest.id)
            .filter_map(|(_, l)| self.lists.get(l))
            .map(|l| self.list_json(l))
            .collect();
        let folders: Vec<Value> = self
            .guest_folders
            .iter()
            .filter(|(g, _)| *g == guest.id)
            .filter_map(|(_, f)| self.folders.get(f))
            .map(|f| self.folder_json(f))
            .collect();
        json!({
            "user": guest.member_json(),
            "invited_by": self.user_json(self.authorized_user),
            "can_see_time_spent": false,
            "can_see_time_estimated": false,
            "can_edit_tags": false,
            "can_create_views": false,
            "shared": {"tasks": tasks, "lists": lists, "folders": folders},
        })
    }

    fn guest(&self, id: &str) -> Result<&User, Reply> {
        id.parse::<u64>()
            .ok()
            .and_then(|id| self.users.get(&id))
            .filter(|u| u.role == 4)
            .ok_or_else(|| not_found("Guest"))
    }

    fn invite_guest(&mut self, req: &ApiRequest<'_>) -> Result<Reply, Reply> {
        let body = parse_body(req)?;
        let email = str_field(&body, "email")
            .filter(|e| e.contains('@'))
            .ok_or_else(|| error(400, "Email invalid", "TEAM_056"))?
            .to_owned();
        if self
            .users
            .values()
            .any(|u| u.email.eq_ignore_ascii_case(&email))
        {
            return Err(error(400, "User already in workspace", "TEAM_057"));
        }
        let id = loop {
            let id = self.rng_u64(10_000_000..99_999_999);
            if !self.users.contains_key(&id) {
                break id;
            }
        };
        let username = email.split('@').next().unwrap_or_default().to_owned();
        self.users.insert(
            id,
            User {
                id,
                username,
                email,
                color: "#607d8b".into(),
                role: 4,
                custom_role: None,
            },
        );
        let mut team = self.team_json();
        team["members"] = json!([{"user": self.users[&id].member_json(),
            "invited_by": self.user_json(self.authorized_user)}]);
        Ok(ok(json!({"team": team})))
    }

    fn get_guest(&self, id: &str) -> Result<Reply, Reply> {
        let guest = self.guest(id)?;
        Ok(ok(json!({"guest": self.guest_json(guest)})))
    }

    fn edit_guest(&mut self, id: &str, req: &ApiRequest<'_>) -> Result<Reply, Reply> {
        let body = parse_body(req)?;
        let guest_id = self.guest(id)?.id;
        if let Some(user) = self.users.get_mut(&guest_id)
            && let Some(username) = str_field(&body, "username")
        {
            user.username = username.to_owned();
        }
        let guest = self.guest(id)?;
        Ok(ok(json!({"guest": self.guest_json(guest)})))
    }

    fn remove_guest(&mut self, id: &str) -> Result<Reply, Reply> {
        let guest_id = self.guest(id)?.id;
        self.users.remove(&guest_id);
        self.guest_lists.retain(|(g, _)| *g != guest_id);
        self.guest_folders.retain(|(g, _)| *g != guest_id);
        for task in self.tasks.values_mut() {
            task.guests.retain(|g| *g != guest_id);
        }
        let mut team = self.team_json();
        team["members"] = json!([]);
        Ok(ok(json!({"team": team})))
    }

    fn share_with_guest(
        &mut self,
        kind: &str,
        id: &str,
        guest: &str,
        add: bool,
    ) -> Result<Reply, Reply> {
        let guest_id = self.guest(guest)?.id;
        let pair = (guest_id, id.to_owned());
        match kind {
            "task" => {
                let task = self.tasks.get_mut(id).ok_or_else(|| not_found("Task"))?;
                task.guests.retain(|g| *g != guest_id);
                if add {
                    task.guests.push(guest_id);
                }
            }
            "list" => {
                if !self.lists.contains_key(id) {
                    return Err(not_found("List"));
                }
                self.guest_lists.retain(|p| *p != pair);
                if add {
                    self.guest_lists.push(pair);
                }
            }
            _ => {
                if !self.folders.contains_key(id) {
                    return Err(not_found("Folder"));
                }
                self.guest_folders.retain(|p| *p != pair);
                if add {
                    self.guest_folders.push(pair);
                }
            }
        }
        let guest = self.guest(guest)?;
        Ok(ok(json!({"guest": self.guest_json(guest)})))
    }

    fn rng_u64(&mut self, range: std::ops::Range<u64>) -> u64 {
        use rand::Rng;
        self.rng().gen_range(range)
    }

    // ---- views ------------------------------------------------------

    fn view_parent(&self, kind: &str, id: &str) -> Result<ViewParent, Reply> {
        match kind {
            "team" if id == self.team_id => Ok(ViewParent::Workspace(id.to_owned())),
            "space" if self.spaces.contains_key(id) => Ok(ViewParent::Space(id.to_owned())),
            "folder" if self.folders.contains_key(id) => Ok(ViewParent::Folder(id.to_owned())),
            "list" if self.lists.contains_key(id) => Ok(ViewParent::List(id.to_owned())),
            _ => Err(not_found("Location")),
        }
    }

    fn get_views(&self, kind: &str, id: &str) -> Result<Reply, Reply> {
        let parent = self.view_parent(kind, id)?;
        let mut views: Vec<&View> = self.views.values().filter(|v| v.parent == parent).collect();
        views.sort_by_key(|v| v.seq);
        let views: Vec<Value> = views.into_iter().map(|v| self.view_json(v)).collect();
        Ok(ok(json!({"views": views})))
    }

    fn create_view(&mut self, kind: &str, id: &str, req: &ApiRequest<'_>) -> Result<Reply, Reply> {
        let body = parse_body(req)?;
        let parent = self.view_parent(kind, id)?;
        let name = str_field(&body, "name")
            .filter(|n| !n.trim().is_empty())
            .ok_or_else(|| error(400, "View name invalid", "VIEW_001"))?
            .to_owned();
        let view_kind = str_field(&body, "type").unwrap_or("list").to_owned();
        let mut settings = body;
        settings.remove("name");
        settings.remove("type");
        let view_id = self.insert_view(parent, &name, &view_kind, settings);
        Ok(ok(json!({"view": self.view_json(&self.views[&view_id])})))
    }

    pub(crate) fn insert_view(
        &mut self,
        parent: ViewParent,
        name: &str,
        kind: &str,
        settings: Body,
    ) -> String {
        let seq = self.next_seq();
        let id = loop {
            let id = format!("3c-{}", self.rng_u64(100..999_999));
            if !self.views.contains_key(&id) {
                break id;
            }
        };
        self.views.insert(
            id.clone(),
            View {
                id: id.clone(),
                name: name.to_owned(),
                kind: kind.to_owned(),
                parent,
                settings,
                seq,
            },
        );
        id
    }

    fn get_view(&self, id: &str) -> Result<Reply, Reply> {
        let view = self.views.get(id).ok_or_else(|| not_found("View"))?;
        Ok(ok(json!({"view": self.view_json(view)})))
    }

    fn update_view(&mut self, id: &str, req: &ApiRequest<'_>) -> Result<Reply, Reply> {
        let body = parse_body(req)?;
        let view = self.views.get_mut(id).ok_or_else(|| not_found("View"))?;
        for (k, v) in body {
            match k.as_str() {
                "name" => {
                    if let Some(n) = v.as_str() {
                        view.name = n.to_owned();
                    }
                }
                "type" => {
                    if let Some(t) = v.as_str() {
                        view.kind = t.to_owned();
                    }
                }
                // Moving a view is not modelled; its parent stays.
                "parent" => {}
                _ => {
                    view.settings.insert(k, v);
                }
            }
        }
        Ok(ok(json!({"view": self.view_json(&self.views[id])})))
    }

    // ---- webhooks ---------------------------------------------------

    fn get_webhooks(&self) -> Reply {
        let hooks: Vec<Value> = self
            .webhooks
            .values()
            .map(|h| self.webhook_json(h))
            .collect();
        ok(json!({"webhooks": hooks}))
    }

    fn create_webhook(&mut self, req: &ApiRequest<'_>) -> Result<Reply, Reply> {
        let body = parse_body(req)?;
        let endpoint = str_field(&body, "endpoint")
            .filter(|e| {
                url::Url::parse(e).is_ok_and(|u| u.scheme() == "https" || u.scheme() == "http")
            })
            .ok_or_else(|| error(400, "Webhook endpoint invalid", "WH_001"))?
            .to_owned();
        let events = parse_events(body.get("events"))
            .ok_or_else(|| error(400, "Webhook events invalid", "WH_002"))?;
        let location = WebhookLocation {
            space_id: id_field(&body, "space_id"),
            folder_id: id_field(&body, "folder_id"),
            list_id: id_field(&body, "list_id"),
            task_id: id_field(&body, "task_id"),
        };
        let id = self.insert_webhook(&endpoint, events, location);
        let hook = self.webhook_json(&self.webhooks[&id]);
        Ok(ok(json!({"id": id, "webhook": hook})))
    }

    pub(crate) fn insert_webhook(
        &mut self,
        endpoint: &str,
        events: Vec<String>,
        at: WebhookLocation,
    ) -> String {
        let id = self.uuid();
        let secret = self.secret();
        let userid = self.authorized_user;
        self.webhooks.insert(
            id.clone(),
            Webhook {
                id: id.clone(),
                userid,
                endpoint: endpoint.to_owned(),
                events,
                task_id: at.task_id,
                list_id: at.list_id,
                folder_id: at.folder_id,
                space_id: at.space_id,
                status: "active".into(),
                fail_count: 0,
                secret,
            },
        );
        id
    }

    fn update_webhook(&mut self, id: &str, req: &ApiRequest<'_>) -> Result<Reply, Reply> {
        let body = parse_body(req)?;
        let events = match body.get("events") {
            Some(v) => Some(
                parse_events(Some(v))
                    .ok_or_else(|| error(400, "Webhook events invalid", "WH_002"))?,
            ),
            None => None,
        };
        let hook = self
            .webhooks
            .get_mut(id)
            .ok_or_else(|| not_found("Webhook"))?;
        if let Some(endpoint) = str_field(&body, "endpoint") {
            if url::Url::parse(endpoint).is_err() {
                return Err(error(400, "Webhook endpoint invalid", "WH_001"));
            }
            hook.endpoint = endpoint.to_owned();
        }
        if let Some(events) = events {
            hook.events = events;
        }
        if let Some(status) = str_field(&body, "status") {
            hook.status = status.to_owned();
            if status == "active" {
                hook.fail_count = 0;
            }
        }
        let hook = self.webhook_json(&self.webhooks[id]);
        Ok(ok(json!({"id": id, "webhook": hook})))
    }

    // ---- attachments ------------------------------------------------

    fn attach(&mut self, task_id: &str, req: &ApiRequest<'_>) -> Result<Reply, Reply> {
        if !self.tasks.contains_key(task_id) {
            return Err(not_found("Task"));
        }
        let (title, size) = multipart_file(req.body)
            .ok_or_else(|| error(400, "No attachment part in the request", "ATTCH_039"))?;
        let extension = title
            .rsplit_once('.')
            .map(|(_, e)| e.to_lowercase())
            .unwrap_or_default();
        let uuid = self.uuid();
        let id = if extension.is_empty() {
            uuid.clone()
        } else {
            format!("{uuid}.{extension}")
        };
        let date = self.tick();
        let url = format!("https://attachments.sandbox.invalid/{uuid}/{title}");
        let stored = json!({
            "id": id,
            "date": date,
            "title": title,
            "type": 1,
            "source": 1,
            "version": 0,
            "extension": extension,
            "thumbnail_small": null,
            "thumbnail_medium": null,
            "thumbnail_large": null,
            "is_folder": null,
            "mimetype": "application/octet-stream",
            "hidden": false,
            "parent_id": task_id,
            "size": size,
            "total_comments": 0,
            "resolved_comments": 0,
            "user": self.user_json(self.authorized_user),
            "deleted": false,
            "orientation": null,
            "url": url,
            "email_data": null,
            "url_w_query": url,
            "url_w_host": url,
        });
        if let Some(task) = self.tasks.get_mut(task_id) {
            task.attachments.push(stored);
        }
        Ok(ok(json!({
            "id": id,
            "version": "0",
            "date": date,
            "title": title,
            "extension": extension,
            "thumbnail_small": null,
            "thumbnail_large": null,
            "url": url,
        })))
    }
}

/// Fields of a new task, for [`Store::insert_task`].
pub(crate) struct NewTask {
    pub(crate) list_id: String,
    pub(crate) name: String,
    pub(crate) description: String,
    pub(crate) status: String,
    pub(crate) parent: Option<String>,
    pub(crate) assignees: Vec<u64>,
    pub(crate) tags: Vec<String>,
    pub(crate) priority: Option<u8>,
    pub(crate) due_date: Option<i64>,
    pub(crate) field_values: BTreeMap<String, Value>,
}

/// Where a webhook listens, for [`Store::insert_webhook`].
#[derive(Default)]
pub(crate) struct WebhookLocation {
    pub(crate) space_id: Option<String>,
    pub(crate) folder_id: Option<String>,
    pub(crate) list_id: Option<String>,
    pub(crate) task_id: Option<String>,
}

#[derive(Clone, Copy)]
enum Kind {
    Space,
    Folder,
    List,
    Comment,
    Checklist,
    View,
    Webhook,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Space => "Space",
            Kind::Folder => "Folder",
            Kind::List => "List",
            Kind::Comment => "Comment",
            Kind::Checklist => "Checklist",
            Kind::View => "View",
            Kind::Webhook => "Webhook",
        }
    }
}

/// Adds `markdown_description` when the request asked for it, as ClickUp
/// does; the sandbox keeps one text, so it equals `description`.
fn with_markdown(task: &mut Value, req: &ApiRequest<'_>) {
    if req.flag("include_markdown_description") {
        task["markdown_description"] = task["description"].clone();
    }
}

fn parent_name(parent: &CommentParent) -> &'static str {
    match parent {
        CommentParent::Task(_) => "Task",
        CommentParent::List(_) => "List",
        CommentParent::View(_) => "View",
        CommentParent::Comment(_) => "Comment",
    }
}

const ALL_EVENTS: [&str; 28] = [
    "taskCreated",
    "taskUpdated",
    "taskDeleted",
    "taskPriorityUpdated",
    "taskStatusUpdated",
    "taskAssigneeUpdated",
    "taskDueDateUpdated",
    "taskTagUpdated",
    "taskMoved",
    "taskCommentPosted",
    "taskCommentUpdated",
    "taskTimeEstimateUpdated",
    "taskTimeTrackedUpdated",
    "listCreated",
    "listUpdated",
    "listDeleted",
    "folderCreated",
    "folderUpdated",
    "folderDeleted",
    "spaceCreated",
    "spaceUpdated",
    "spaceDeleted",
    "goalCreated",
    "goalUpdated",
    "goalDeleted",
    "keyResultCreated",
    "keyResultUpdated",
    "keyResultDeleted",
];

/// Events as a list of names, or `"*"` for all of them; unknown names are
/// refused.
pub(crate) fn parse_events(v: Option<&Value>) -> Option<Vec<String>> {
    match v? {
        Value::String(s) if s == "*" => Some(ALL_EVENTS.iter().map(|e| (*e).to_owned()).collect()),
        Value::Array(items) if !items.is_empty() => items
            .iter()
            .map(|e| {
                let e = e.as_str()?;
                (e == "*" || ALL_EVENTS.contains(&e)).then(|| e.to_owned())
            })
            .collect(),
        _ => None,
    }
}

fn drop_down_index(field: &Field, option: &str) -> Option<usize> {
    if field.kind != "drop_down" {
        return None;
    }
    field.type_config["options"]
        .as_array()?
        .iter()
        .position(|o| o.get("id").and_then(Value::as_str) == Some(option))
}

/// The file name and size of the first file part of a multipart body.
///
/// Hand-written because the fake only needs these two facts; it does not
/// handle nested multipart bodies.
fn multipart_file(body: &[u8]) -> Option<(String, usize)> {
    let text = String::from_utf8_lossy(body);
    let boundary_line = text.lines().next()?.trim_end().to_owned();
    if !boundary_line.starts_with("--") {
        return None;
    }
    for part in text.split(boundary_line.as_str()).skip(1) {
        let (headers, content) = part
            .split_once("\r\n\r\n")
            .or_else(|| part.split_once("\n\n"))?;
        let disposition = headers
            .lines()
            .find(|l| l.to_ascii_lowercase().starts_with("content-disposition"))?;
        if let Some(start) = disposition.find("filename=\"") {
            let rest = &disposition[start + 10..];
            let name = rest.split('"').next()?.to_owned();
            let size = content
                .trim_end_matches("\r\n")
                .trim_end_matches("--")
                .len();
            return Some((name, size));
        }
    }
    None
}

#[derive(Clone, Copy)]
enum FilterOp {
    Contains,
    Equals,
    NotEquals,
    IsNull,
    IsNotNull,
    Less,
    Greater,
}

struct FieldFilter {
    field_id: String,
    op: FilterOp,
    value: Value,
}

impl FieldFilter {
    fn matches(&self, task: &Task) -> bool {
        let stored = task.field_values.get(&self.field_id);
        let as_text = |v: &Value| match v {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        let as_num = |v: &Value| as_text(v).parse::<f64>().ok();
        match self.op {
            FilterOp::IsNull => stored.is_none(),
            FilterOp::IsNotNull => stored.is_some(),
            FilterOp::Equals => stored.is_some_and(|s| as_text(s) == as_text(&self.value)),
            FilterOp::NotEquals => stored.is_none_or(|s| as_text(s) != as_text(&self.value)),
            FilterOp::Contains => stored.is_some_and(|s| {
                as_text(s)
                    .to_lowercase()
                    .contains(&as_text(&self.value).to_lowercase())
            }),
            FilterOp::Less => stored
                .and_then(as_num)
                .zip(as_num(&self.value))
                .is_some_and(|(a, b)| a < b),
            FilterOp::Greater => stored
                .and_then(as_num)
                .zip(as_num(&self.value))
                .is_some_and(|(a, b)| a > b),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multipart_file_reads_name_and_size() {
        let body = b"--XyZ\r\nContent-Disposition: form-data; name=\"attachment\"; \
            filename=\"notes.txt\"\r\nContent-Type: text/plain\r\n\r\nhello\r\n--XyZ--\r\n";
        assert_eq!(multipart_file(body), Some(("notes.txt".into(), 5)));
        assert_eq!(multipart_file(b"not multipart"), None);
    }

    #[test]
    fn events_accept_star_and_known_names_only() {
        assert_eq!(parse_events(Some(&json!("*"))).map(|e| e.len()), Some(28));
        assert_eq!(
            parse_events(Some(&json!(["taskCreated"]))),
            Some(vec!["taskCreated".to_owned()])
        );
        assert_eq!(parse_events(Some(&json!(["taskExploded"]))), None);
        assert_eq!(parse_events(Some(&json!([]))), None);
    }
}
