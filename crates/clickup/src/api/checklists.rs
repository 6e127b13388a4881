use reqwest::Method;
use serde::Serialize;

use super::Sealer;
use crate::client::{Call, ClickUpClient, segment};
use crate::error::Error;
use crate::labels::Place;
use crate::models::{
    Checklist, ChecklistEnvelope, ChecklistId, ChecklistItemId, Empty, FreeText, TaskRef,
};

#[derive(Serialize)]
struct ChecklistBody {
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<FreeText>,
    #[serde(skip_serializing_if = "Option::is_none")]
    position: Option<i64>,
}

/// Body of CreateChecklistItem and EditChecklistItem.
#[derive(Debug, Clone, Default, Serialize)]
#[non_exhaustive]
pub struct ChecklistItemSpec {
    /// Item text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<FreeText>,
    /// Assignee user id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assignee: Option<i64>,
    /// Done (edit only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resolved: Option<bool>,
    /// Nest under another item (edit only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent: Option<ChecklistItemId>,
}

impl ChecklistItemSpec {
    /// An item with this text.
    pub fn new(name: impl Into<FreeText>) -> Self {
        ChecklistItemSpec {
            name: Some(name.into()),
            ..ChecklistItemSpec::default()
        }
    }

    /// Mark done or not.
    pub fn resolved(mut self, done: bool) -> Self {
        self.resolved = Some(done);
        self
    }

    /// Assign to a user.
    pub fn assignee(mut self, user: i64) -> Self {
        self.assignee = Some(user);
        self
    }
}

impl ClickUpClient {
    fn checklist_place(&self, checklist: &ChecklistId) -> Place {
        // Unknown checklists count as PHI places (fail closed).
        self.known_checklist_place(checklist.as_str())
            .unwrap_or_default()
    }

    fn label_checklist(&self, checklist: &mut Checklist, place: &Place) {
        let phi = self.labels().holds_phi(place);
        let category = self.labels().text_category();
        let apply = |text: &mut FreeText| {
            if phi {
                text.seal(category)
            } else {
                release(text)
            }
        };
        if let Some(name) = &mut checklist.name {
            apply(name);
        }
        for item in &mut checklist.items {
            if let Some(name) = &mut item.name {
                apply(name);
            }
        }
        if let Some(id) = &checklist.id {
            self.remember_checklist(id.as_str(), place.clone());
        }
    }

    /// Adds a checklist to a task (`POST /v2/task/{task_id}/checklist`).
    ///
    /// # Errors
    ///
    /// A refusal when the name is PHI and ClickUp is not cleared for it
    /// (nothing is sent); otherwise any [`Error`].
    pub async fn create_checklist(
        &self,
        task: impl Into<TaskRef>,
        name: impl Into<FreeText>,
    ) -> Result<Checklist, Error> {
        let route = "/v2/task/{task_id}/checklist";
        let task = task.into();
        let place = self.task_place(&task).await?;
        let mut body = ChecklistBody {
            name: Some(name.into()),
            position: None,
        };
        let mut sealer = Sealer::new(self, &place);
        sealer.opt(&mut body.name);
        let body = self.phi_json(route, &body, sealer.categories)?;
        let call = Call::new(
            Method::POST,
            route,
            format!("/v2/task/{}/checklist", segment(task.path_id())),
        )
        .query(task.query())
        .body(body);
        let mut created: ChecklistEnvelope = self.fetch(call).await?;
        self.label_checklist(&mut created.checklist, &place);
        Ok(created.checklist)
    }

    /// Renames or moves a checklist (`PUT /v2/checklist/{checklist_id}`).
    ///
    /// # Errors
    ///
    /// As [`ClickUpClient::create_checklist`].
    pub async fn edit_checklist(
        &self,
        checklist: &ChecklistId,
        name: Option<FreeText>,
        position: Option<i64>,
    ) -> Result<(), Error> {
        let route = "/v2/checklist/{checklist_id}";
        let place = self.checklist_place(checklist);
        let mut body = ChecklistBody { name, position };
        let mut sealer = Sealer::new(self, &place);
        sealer.opt(&mut body.name);
        let body = self.phi_json(route, &body, sealer.categories)?;
        let call = Call::new(
            Method::PUT,
            route,
            format!("/v2/checklist/{}", segment(checklist.as_str())),
        )
        .body(body);
        self.fetch::<Empty>(call).await.map(drop)
    }

    /// Deletes a checklist (`DELETE /v2/checklist/{checklist_id}`).
    ///
    /// # Errors
    ///
    /// Any [`Error`] from the transport or ClickUp.
    pub async fn delete_checklist(&self, checklist: &ChecklistId) -> Result<(), Error> {
        let call = Call::new(
            Method::DELETE,
            "/v2/checklist/{checklist_id}",
            format!("/v2/checklist/{}", segment(checklist.as_str())),
        );
        self.fetch::<Empty>(call).await.map(drop)
    }

    /// Adds an item to a checklist
    /// (`POST /v2/checklist/{checklist_id}/checklist_item`).
    ///
    /// # Errors
    ///
    /// As [`ClickUpClient::create_checklist`].
    pub async fn create_checklist_item(
        &self,
        checklist: &ChecklistId,
        mut item: ChecklistItemSpec,
    ) -> Result<Checklist, Error> {
        let route = "/v2/checklist/{checklist_id}/checklist_item";
        let place = self.checklist_place(checklist);
        let mut sealer = Sealer::new(self, &place);
        sealer.opt(&mut item.name);
        let body = self.phi_json(route, &item, sealer.categories)?;
        let call = Call::new(
            Method::POST,
            route,
            format!(
                "/v2/checklist/{}/checklist_item",
                segment(checklist.as_str())
            ),
        )
        .body(body);
        let mut updated: ChecklistEnvelope = self.fetch(call).await?;
        self.label_checklist(&mut updated.checklist, &place);
        Ok(updated.checklist)
    }

    /// Edits a checklist item
    /// (`PUT /v2/checklist/{checklist_id}/checklist_item/{checklist_item_id}`).
    ///
    /// # Errors
    ///
    /// As [`ClickUpClient::create_checklist`].
    pub async fn edit_checklist_item(
        &self,
        checklist: &ChecklistId,
        item_id: &ChecklistItemId,
        mut item: ChecklistItemSpec,
    ) -> Result<Checklist, Error> {
        let route = "/v2/checklist/{checklist_id}/checklist_item/{checklist_item_id}";
        let place = self.checklist_place(checklist);
        let mut sealer = Sealer::new(self, &place);
        sealer.opt(&mut item.name);
        let body = self.phi_json(route, &item, sealer.categories)?;
        let path = format!(
            "/v2/checklist/{}/checklist_item/{}",
            segment(checklist.as_str()),
            segment(item_id.as_str())
        );
        let mut updated: ChecklistEnvelope = self
            .fetch(Call::new(Method::PUT, route, path).body(body))
            .await?;
        self.label_checklist(&mut updated.checklist, &place);
        Ok(updated.checklist)
    }

    /// Deletes a checklist item
    /// (`DELETE /v2/checklist/{checklist_id}/checklist_item/{checklist_item_id}`).
    ///
    /// # Errors
    ///
    /// Any [`Error`] from the transport or ClickUp.
    pub async fn delete_checklist_item(
        &self,
        checklist: &ChecklistId,
        item: &ChecklistItemId,
    ) -> Result<(), Error> {
        let path = format!(
            "/v2/checklist/{}/checklist_item/{}",
            segment(checklist.as_str()),
            segment(item.as_str())
        );
        let call = Call::new(
            Method::DELETE,
            "/v2/checklist/{checklist_id}/checklist_item/{checklist_item_id}",
            path,
        );
        self.fetch::<Empty>(call).await.map(drop)
    }
}

fn release(text: &mut FreeText) {
    text.release();
}
