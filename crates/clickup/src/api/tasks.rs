use futures::stream::BoxStream;
use reqwest::Method;
use serde::Serialize;

use super::{Sealer, task_key};
use crate::client::{Call, ClickUpClient, segment};
use crate::error::Error;
use crate::labels::Place;
use crate::models::{
    Empty, InlineValue, ListId, NewTask, Task, TaskRef, TaskUpdate, TasksPage, Timestamp, ViewId,
    WorkspaceId,
};
use crate::pagination::{self, Page};

/// Sort order of task lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum OrderBy {
    /// By id.
    Id,
    /// By creation (ClickUp's default).
    Created,
    /// By last update.
    Updated,
    /// By due date.
    DueDate,
}

impl OrderBy {
    fn as_str(self) -> &'static str {
        match self {
            OrderBy::Id => "id",
            OrderBy::Created => "created",
            OrderBy::Updated => "updated",
            OrderBy::DueDate => "due_date",
        }
    }
}

/// A custom field filter: `{"field_id", "operator", "value"}`.
#[derive(Debug, Clone, Serialize)]
struct FieldFilter {
    field_id: String,
    operator: String,
    #[serde(skip_serializing_if = "serde_json::Value::is_null")]
    value: serde_json::Value,
}

/// Filters for task lists: every filter ClickUp documents for
/// `GET /v2/list/{list_id}/task` and `GET /v2/team/{team_id}/task`.
/// Filters that only one of them takes say so.
///
/// Filter values go into the query string: do not filter on PHI (a name in
/// a URL ends up in proxy logs). Filter by ids and dates.
#[derive(Debug, Clone, Default)]
#[must_use]
pub struct TaskQuery {
    archived: Option<bool>,
    include_markdown_description: Option<bool>,
    order_by: Option<OrderBy>,
    reverse: Option<bool>,
    subtasks: Option<bool>,
    statuses: Vec<String>,
    include_closed: Option<bool>,
    include_timl: Option<bool>,
    assignees: Vec<String>,
    watchers: Vec<String>,
    tags: Vec<String>,
    dates: Vec<(&'static str, i64)>,
    custom_fields: Vec<FieldFilter>,
    custom_items: Vec<i64>,
    parent: Option<String>,
    space_ids: Vec<String>,
    project_ids: Vec<String>,
    list_ids: Vec<String>,
}

impl TaskQuery {
    /// No filters: open tasks, top level only, by creation.
    pub fn new() -> Self {
        TaskQuery::default()
    }

    /// Archived tasks only (list endpoint).
    pub fn archived(mut self, on: bool) -> Self {
        self.archived = Some(on);
        self
    }

    /// Include `markdown_description`.
    pub fn include_markdown_description(mut self, on: bool) -> Self {
        self.include_markdown_description = Some(on);
        self
    }

    /// Sort order.
    pub fn order_by(mut self, order: OrderBy) -> Self {
        self.order_by = Some(order);
        self
    }

    /// Reverse the order.
    pub fn reverse(mut self, on: bool) -> Self {
        self.reverse = Some(on);
        self
    }

    /// Include subtasks.
    pub fn subtasks(mut self, on: bool) -> Self {
        self.subtasks = Some(on);
        self
    }

    /// Only tasks in this status (repeatable).
    pub fn status(mut self, status: impl Into<String>) -> Self {
        self.statuses.push(status.into());
        self
    }

    /// Include closed tasks.
    pub fn include_closed(mut self, on: bool) -> Self {
        self.include_closed = Some(on);
        self
    }

    /// Include tasks whose home is another list (list endpoint).
    pub fn include_timl(mut self, on: bool) -> Self {
        self.include_timl = Some(on);
        self
    }

    /// Only tasks assigned to this user (repeatable).
    pub fn assignee(mut self, user: impl Into<String>) -> Self {
        self.assignees.push(user.into());
        self
    }

    /// Only tasks watched by this user (repeatable; list endpoint).
    pub fn watcher(mut self, user: impl Into<String>) -> Self {
        self.watchers.push(user.into());
        self
    }

    /// Only tasks with this tag (repeatable).
    pub fn tag(mut self, tag: impl Into<String>) -> Self {
        self.tags.push(tag.into());
        self
    }

    /// Due after.
    pub fn due_after(mut self, at: Timestamp) -> Self {
        self.dates.push(("due_date_gt", at.as_millis()));
        self
    }

    /// Due before.
    pub fn due_before(mut self, at: Timestamp) -> Self {
        self.dates.push(("due_date_lt", at.as_millis()));
        self
    }

    /// Created after.
    pub fn created_after(mut self, at: Timestamp) -> Self {
        self.dates.push(("date_created_gt", at.as_millis()));
        self
    }

    /// Created before.
    pub fn created_before(mut self, at: Timestamp) -> Self {
        self.dates.push(("date_created_lt", at.as_millis()));
        self
    }

    /// Updated after.
    pub fn updated_after(mut self, at: Timestamp) -> Self {
        self.dates.push(("date_updated_gt", at.as_millis()));
        self
    }

    /// Updated before.
    pub fn updated_before(mut self, at: Timestamp) -> Self {
        self.dates.push(("date_updated_lt", at.as_millis()));
        self
    }

    /// Done after.
    pub fn done_after(mut self, at: Timestamp) -> Self {
        self.dates.push(("date_done_gt", at.as_millis()));
        self
    }

    /// Done before.
    pub fn done_before(mut self, at: Timestamp) -> Self {
        self.dates.push(("date_done_lt", at.as_millis()));
        self
    }

    /// A custom field filter, e.g. `("<field id>", "=", json!("opt-id"))`;
    /// operators `=`, `<`, `<=`, `>`, `>=`, `!=`, `IS NULL`, `IS NOT NULL`,
    /// `RANGE`, `ANY`, `ALL`, `NOT ANY`, `NOT ALL`.
    pub fn custom_field(
        mut self,
        field_id: impl Into<String>,
        operator: impl Into<String>,
        value: serde_json::Value,
    ) -> Self {
        self.custom_fields.push(FieldFilter {
            field_id: field_id.into(),
            operator: operator.into(),
            value,
        });
        self
    }

    /// Only these task types (0 task, 1 milestone, or custom type ids).
    pub fn custom_item(mut self, id: i64) -> Self {
        self.custom_items.push(id);
        self
    }

    /// Subtasks of this task (workspace endpoint).
    pub fn parent(mut self, task: impl Into<String>) -> Self {
        self.parent = Some(task.into());
        self
    }

    /// Only these spaces (workspace endpoint).
    pub fn space(mut self, id: impl Into<String>) -> Self {
        self.space_ids.push(id.into());
        self
    }

    /// Only these folders (workspace endpoint; ClickUp calls them projects).
    pub fn folder(mut self, id: impl Into<String>) -> Self {
        self.project_ids.push(id.into());
        self
    }

    /// Only these lists (workspace endpoint).
    pub fn list(mut self, id: impl Into<String>) -> Self {
        self.list_ids.push(id.into());
        self
    }

    pub(crate) fn pairs(&self, page: u32) -> Vec<(&'static str, String)> {
        let mut pairs = vec![("page", page.to_string())];
        let flags = [
            ("archived", self.archived),
            (
                "include_markdown_description",
                self.include_markdown_description,
            ),
            ("reverse", self.reverse),
            ("subtasks", self.subtasks),
            ("include_closed", self.include_closed),
            ("include_timl", self.include_timl),
        ];
        for (key, value) in flags {
            if let Some(value) = value {
                pairs.push((key, value.to_string()));
            }
        }
        if let Some(order) = self.order_by {
            pairs.push(("order_by", order.as_str().to_owned()));
        }
        let arrays = [
            ("statuses[]", &self.statuses),
            ("assignees[]", &self.assignees),
            ("watchers[]", &self.watchers),
            ("tags[]", &self.tags),
            ("space_ids[]", &self.space_ids),
            ("project_ids[]", &self.project_ids),
            ("list_ids[]", &self.list_ids),
        ];
        for (key, values) in arrays {
            pairs.extend(values.iter().map(|v| (key, v.clone())));
        }
        pairs.extend(
            self.custom_items
                .iter()
                .map(|v| ("custom_items[]", v.to_string())),
        );
        for (key, ms) in &self.dates {
            pairs.push((key, ms.to_string()));
        }
        if !self.custom_fields.is_empty() {
            let json = serde_json::to_string(&self.custom_fields).unwrap_or_default();
            pairs.push(("custom_fields", json));
        }
        if let Some(parent) = &self.parent {
            pairs.push(("parent", parent.clone()));
        }
        pairs
    }
}

/// Options of `GET /v2/task/{task_id}`.
#[derive(Debug, Clone, Default)]
#[must_use]
pub struct GetTaskOptions {
    include_subtasks: bool,
    include_markdown_description: bool,
}

impl GetTaskOptions {
    /// Include subtasks.
    pub fn include_subtasks(mut self, on: bool) -> Self {
        self.include_subtasks = on;
        self
    }

    /// Include the markdown description.
    pub fn include_markdown_description(mut self, on: bool) -> Self {
        self.include_markdown_description = on;
        self
    }
}

impl ClickUpClient {
    /// Labels a task and remembers where it lives.
    pub(crate) fn label_task(&self, key: Option<&str>, task: &mut Task, context: &Place) {
        let mut place = self.labels().place_of_task(task);
        place.merge(context);
        self.labels().label_task_in(task, context);
        let key = key
            .map(str::to_owned)
            .unwrap_or_else(|| task.id.as_str().to_owned());
        self.remember_task(&key, &place, task);
    }

    /// One task (`GET /v2/task/{task_id}`), labelled.
    ///
    /// # Errors
    ///
    /// Any [`Error`] from the transport or ClickUp.
    pub async fn task(
        &self,
        task: impl Into<TaskRef>,
        options: &GetTaskOptions,
    ) -> Result<Task, Error> {
        let task = task.into();
        let mut query = task.query();
        if options.include_subtasks {
            query.push(("include_subtasks", "true".into()));
        }
        if options.include_markdown_description {
            query.push(("include_markdown_description", "true".into()));
        }
        let call = Call::new(
            Method::GET,
            "/v2/task/{task_id}",
            format!("/v2/task/{}", segment(task.path_id())),
        )
        .query(query);
        let mut fetched: Task = self.fetch(call).await?;
        self.label_task(Some(&task_key(&task)), &mut fetched, &Place::default());
        Ok(fetched)
    }

    /// Seals a new or updated task's text for its place; returns the
    /// categories it now carries.
    fn seal_fields(&self, sealer: &mut Sealer, fields: &mut [crate::models::InlineField]) {
        for field in fields {
            let name = self.known_field_name(field.id.as_str());
            let labelled = self
                .labels()
                .field_category(field.id.as_str(), name.as_deref());
            let unknown_name = name.is_none() && self.labels().has_name_labels();
            let category = match labelled {
                Some(category) => Some(category),
                // Fail closed: a field that might be labelled by a name we
                // have not seen, or free text in a PHI place.
                None if unknown_name => Some(self.labels().text_category()),
                None if sealer.is_phi_place() => Some(self.labels().text_category()),
                None => None,
            };
            if let Some(category) = category {
                let value = std::mem::replace(
                    &mut field.value,
                    InlineValue::Plain(crate::models::FieldWrite::Button),
                );
                field.value = match value {
                    InlineValue::Plain(v) => InlineValue::Phi(phiguard_phi::Phi::new(v, category)),
                    InlineValue::Phi(p) => InlineValue::Phi(p),
                };
            }
            if let InlineValue::Phi(phi) = &field.value {
                sealer.categories.insert(phi.category());
            }
        }
    }

    /// Creates a task in a list (`POST /v2/list/{list_id}/task`).
    ///
    /// Text bound for a PHI list is sealed and written only inside
    /// ClickUp's clearance; without it nothing is sent.
    ///
    /// # Errors
    ///
    /// [`Error::Refused`] (or another refusal) when the body holds PHI and
    /// ClickUp is not cleared for it; otherwise any [`Error`].
    pub async fn create_task(&self, list: &ListId, mut task: NewTask) -> Result<Task, Error> {
        let route = "/v2/list/{list_id}/task";
        let place = self.list_place(list.as_str()).await?;
        let mut sealer = Sealer::new(self, &place);
        sealer.text(&mut task.name);
        sealer.opt(&mut task.description);
        sealer.opt(&mut task.markdown_content);
        self.seal_fields(&mut sealer, &mut task.custom_fields);
        let body = self.phi_json(route, &task, sealer.categories)?;

        let call = Call::new(Method::POST, route, format!("/v2/list/{list}/task")).body(body);
        let mut created: Task = self.fetch(call).await?;
        self.label_task(None, &mut created, &place);
        Ok(created)
    }

    /// Updates a task (`PUT /v2/task/{task_id}`).
    ///
    /// # Errors
    ///
    /// As [`ClickUpClient::create_task`].
    pub async fn update_task(
        &self,
        task: impl Into<TaskRef>,
        mut update: TaskUpdate,
    ) -> Result<Task, Error> {
        let route = "/v2/task/{task_id}";
        let task = task.into();
        let place = self.task_place(&task).await?;
        let mut sealer = Sealer::new(self, &place);
        sealer.opt(&mut update.name);
        sealer.opt(&mut update.description);
        sealer.opt(&mut update.markdown_content);
        let body = self.phi_json(route, &update, sealer.categories)?;

        let call = Call::new(
            Method::PUT,
            route,
            format!("/v2/task/{}", segment(task.path_id())),
        )
        .query(task.query())
        .body(body);
        let mut updated: Task = self.fetch(call).await?;
        self.label_task(Some(&task_key(&task)), &mut updated, &place);
        Ok(updated)
    }

    /// Deletes a task (`DELETE /v2/task/{task_id}`).
    ///
    /// # Errors
    ///
    /// Any [`Error`] from the transport or ClickUp.
    pub async fn delete_task(&self, task: impl Into<TaskRef>) -> Result<(), Error> {
        let task = task.into();
        let call = Call::new(
            Method::DELETE,
            "/v2/task/{task_id}",
            format!("/v2/task/{}", segment(task.path_id())),
        )
        .query(task.query());
        self.fetch::<Empty>(call).await.map(drop)
    }

    async fn task_page(
        &self,
        call: Call,
        number: u32,
        context: Place,
    ) -> Result<Page<Task>, Error> {
        let mut page: TasksPage = self.fetch(call).await?;
        for task in &mut page.tasks {
            self.label_task(None, task, &context);
        }
        let is_last = pagination::numbered_is_last(page.last_page, page.tasks.len());
        Ok(Page {
            items: page.tasks,
            number,
            is_last,
        })
    }

    /// One page of a list's tasks (`GET /v2/list/{list_id}/task`), labelled.
    ///
    /// # Errors
    ///
    /// Any [`Error`] from the transport or ClickUp.
    pub async fn tasks_page(
        &self,
        list: &ListId,
        query: &TaskQuery,
        page: u32,
    ) -> Result<Page<Task>, Error> {
        let call = Call::new(
            Method::GET,
            "/v2/list/{list_id}/task",
            format!("/v2/list/{list}/task"),
        )
        .query(query.pairs(page));
        self.task_page(call, page, Place::list(list.as_str())).await
    }

    /// Every page of a list's tasks, one request at a time.
    pub fn task_pages(
        &self,
        list: &ListId,
        query: &TaskQuery,
    ) -> BoxStream<'static, Result<Page<Task>, Error>> {
        let client = self.clone();
        let list = list.clone();
        let query = query.clone();
        pagination::numbered(0, move |n| {
            let client = client.clone();
            let list = list.clone();
            let query = query.clone();
            async move { client.tasks_page(&list, &query, n).await }
        })
    }

    /// Every task of a list, page by page (memory: one page).
    pub fn tasks(
        &self,
        list: &ListId,
        query: &TaskQuery,
    ) -> BoxStream<'static, Result<Task, Error>> {
        pagination::items(self.task_pages(list, query))
    }

    /// One page of a workspace's tasks, filtered
    /// (`GET /v2/team/{team_id}/task`), labelled.
    ///
    /// # Errors
    ///
    /// Any [`Error`] from the transport or ClickUp.
    pub async fn workspace_tasks_page(
        &self,
        workspace: &WorkspaceId,
        query: &TaskQuery,
        page: u32,
    ) -> Result<Page<Task>, Error> {
        let call = Call::new(
            Method::GET,
            "/v2/team/{team_id}/task",
            format!("/v2/team/{workspace}/task"),
        )
        .query(query.pairs(page));
        self.task_page(call, page, Place::default()).await
    }

    /// Every page of a workspace's filtered tasks.
    pub fn workspace_task_pages(
        &self,
        workspace: &WorkspaceId,
        query: &TaskQuery,
    ) -> BoxStream<'static, Result<Page<Task>, Error>> {
        let client = self.clone();
        let workspace = workspace.clone();
        let query = query.clone();
        pagination::numbered(0, move |n| {
            let client = client.clone();
            let workspace = workspace.clone();
            let query = query.clone();
            async move { client.workspace_tasks_page(&workspace, &query, n).await }
        })
    }

    /// Every task of a workspace matching the filters.
    pub fn workspace_tasks(
        &self,
        workspace: &WorkspaceId,
        query: &TaskQuery,
    ) -> BoxStream<'static, Result<Task, Error>> {
        pagination::items(self.workspace_task_pages(workspace, query))
    }

    /// Subtasks of a task: the workspace's tasks whose parent it is.
    pub fn subtasks(
        &self,
        workspace: &WorkspaceId,
        parent: &TaskRef,
    ) -> BoxStream<'static, Result<Task, Error>> {
        let query = TaskQuery::new()
            .parent(parent.path_id())
            .subtasks(true)
            .include_closed(true);
        self.workspace_tasks(workspace, &query)
    }

    /// One page of a view's tasks (`GET /v2/view/{view_id}/task`), labelled.
    ///
    /// # Errors
    ///
    /// Any [`Error`] from the transport or ClickUp.
    pub async fn view_tasks_page(&self, view: &ViewId, page: u32) -> Result<Page<Task>, Error> {
        let call = Call::new(
            Method::GET,
            "/v2/view/{view_id}/task",
            format!("/v2/view/{}/task", segment(view.as_str())),
        )
        .query([("page", page.to_string())]);
        self.task_page(call, page, Place::default()).await
    }

    /// Every task of a view.
    pub fn view_tasks(&self, view: &ViewId) -> BoxStream<'static, Result<Task, Error>> {
        let client = self.clone();
        let view = view.clone();
        pagination::items(pagination::numbered(0, move |n| {
            let client = client.clone();
            let view = view.clone();
            async move { client.view_tasks_page(&view, n).await }
        }))
    }
}
