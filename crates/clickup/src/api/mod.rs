//! One module per ClickUp resource, each adding methods to
//! [`ClickUpClient`](crate::ClickUpClient).
//!
//! Reads are labelled with the client's schema before they are returned.
//! Writes find out where they land (from what the client has read, or by
//! reading the task or list once), seal free text bound for a PHI place,
//! and serialize PHI only inside ClickUp's clearance.

mod attachments;
mod checklists;
mod comments;
mod fields;
mod folders;
mod guests;
mod lists;
mod members;
mod spaces;
mod tags;
mod tasks;
mod user;
mod views;
mod webhooks;
mod workspaces;

pub use checklists::ChecklistItemSpec;
pub use tasks::{GetTaskOptions, OrderBy, TaskQuery};
pub use webhooks::{NewWebhook, WebhookUpdate};

use phiguard_phi::{CategorySet, PhiCategory};

use crate::client::ClickUpClient;
use crate::error::Error;
use crate::labels::Place;
use crate::models::{FreeText, TaskRef};

/// Cache key for a task reference.
pub(crate) fn task_key(task: &TaskRef) -> String {
    match task {
        TaskRef::Native(id) => id.as_str().to_owned(),
        TaskRef::Custom {
            custom_id,
            workspace,
        } => format!("custom:{workspace}:{custom_id}"),
    }
}

/// Seals free text bound for a PHI place and collects the categories of
/// everything sealed.
pub(crate) struct Sealer {
    phi_place: bool,
    category: PhiCategory,
    pub(crate) categories: CategorySet,
}

impl Sealer {
    pub(crate) fn new(client: &ClickUpClient, place: &Place) -> Self {
        let labels = client.labels();
        Sealer {
            phi_place: labels.holds_phi(place),
            category: labels.text_category(),
            categories: CategorySet::EMPTY,
        }
    }

    pub(crate) fn is_phi_place(&self) -> bool {
        self.phi_place
    }

    pub(crate) fn text(&mut self, text: &mut FreeText) {
        if self.phi_place && !text.is_phi() {
            text.seal(self.category);
        }
        if let Some(category) = text.category() {
            self.categories.insert(category);
        }
    }

    pub(crate) fn opt(&mut self, text: &mut Option<FreeText>) {
        if let Some(text) = text {
            self.text(text);
        }
    }
}

impl ClickUpClient {
    /// Where a task lives, for labelling: from memory, or by reading the
    /// task once. Without place declarations in the schema the answer does
    /// not depend on the place, so nothing is read.
    pub(crate) async fn task_place(&self, task: &TaskRef) -> Result<Place, Error> {
        if !self.labels().has_places() {
            return Ok(Place::default());
        }
        if let Some(place) = self.known_task_place(&task_key(task)) {
            return Ok(place);
        }
        let fetched = self.task(task.clone(), &GetTaskOptions::default()).await?;
        Ok(self.labels().place_of_task(&fetched))
    }

    /// Where a list lives: from memory, or by reading the list once when
    /// the schema declares folders or spaces.
    pub(crate) async fn list_place(&self, list: &str) -> Result<Place, Error> {
        if !self.labels().has_places() {
            return Ok(Place::default());
        }
        if self.labels().declares_list(list) {
            return Ok(Place::list(list));
        }
        if let Some(place) = self.known_list_place(list)
            && (place.space.is_some() || !self.labels().has_upper_places())
        {
            return Ok(place);
        }
        if !self.labels().has_upper_places() {
            return Ok(Place::list(list));
        }
        let fetched = self.list(list).await?;
        Ok(lists::place_of_list(&fetched))
    }
}
