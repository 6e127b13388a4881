use phiguard_phi::{CategorySet, Phi};
use reqwest::Method;

use crate::client::{Call, ClickUpClient, segment};
use crate::error::Error;
use crate::labels::Place;
use crate::models::{
    CustomField, Empty, FieldId, FieldWrite, Fields, FolderId, ListId, SpaceId, TaskRef,
    WorkspaceId,
};

impl ClickUpClient {
    async fn fields_at(
        &self,
        route: &'static str,
        path: String,
        place: Place,
    ) -> Result<Vec<CustomField>, Error> {
        let mut fields: Fields = self.fetch(Call::new(Method::GET, route, path)).await?;
        self.labels().label_fields(&mut fields.fields, &place);
        self.remember_field_names(&fields.fields);
        Ok(fields.fields)
    }

    /// Custom fields a list's tasks can use (`GET /v2/list/{list_id}/field`).
    ///
    /// # Errors
    ///
    /// Any [`Error`] from the transport or ClickUp.
    pub async fn list_fields(&self, list: &ListId) -> Result<Vec<CustomField>, Error> {
        self.fields_at(
            "/v2/list/{list_id}/field",
            format!("/v2/list/{list}/field"),
            Place::list(list.as_str()),
        )
        .await
    }

    /// Custom fields created on a folder (`GET /v2/folder/{folder_id}/field`).
    ///
    /// # Errors
    ///
    /// Any [`Error`] from the transport or ClickUp.
    pub async fn folder_fields(&self, folder: &FolderId) -> Result<Vec<CustomField>, Error> {
        self.fields_at(
            "/v2/folder/{folder_id}/field",
            format!("/v2/folder/{folder}/field"),
            Place::folder(folder.as_str()),
        )
        .await
    }

    /// Custom fields created on a space (`GET /v2/space/{space_id}/field`).
    ///
    /// # Errors
    ///
    /// Any [`Error`] from the transport or ClickUp.
    pub async fn space_fields(&self, space: &SpaceId) -> Result<Vec<CustomField>, Error> {
        self.fields_at(
            "/v2/space/{space_id}/field",
            format!("/v2/space/{space}/field"),
            Place::space(space.as_str()),
        )
        .await
    }

    /// Custom fields created on the workspace (`GET /v2/team/{team_id}/field`).
    ///
    /// # Errors
    ///
    /// Any [`Error`] from the transport or ClickUp.
    pub async fn workspace_fields(
        &self,
        workspace: &WorkspaceId,
    ) -> Result<Vec<CustomField>, Error> {
        self.fields_at(
            "/v2/team/{team_id}/field",
            format!("/v2/team/{workspace}/field"),
            Place::default(),
        )
        .await
    }

    /// Sets a custom field's value on a task
    /// (`POST /v2/task/{task_id}/field/{field_id}`), in the field kind's
    /// write shape.
    ///
    /// The value is PHI when the schema labels the field (by id, or by a
    /// name learnt from reads), when the field's name is unknown and the
    /// schema labels fields by name, or when it is text bound for a PHI
    /// place. PHI is written only inside ClickUp's clearance.
    ///
    /// # Errors
    ///
    /// A refusal when the value is PHI and ClickUp is not cleared for it
    /// (nothing is sent); otherwise any [`Error`].
    pub async fn set_field_value(
        &self,
        task: impl Into<TaskRef>,
        field: &FieldId,
        value: FieldWrite,
    ) -> Result<(), Error> {
        let route = "/v2/task/{task_id}/field/{field_id}";
        let task = task.into();
        let place = self.task_place(&task).await?;
        let labels = self.labels();
        let name = self.known_field_name(field.as_str());
        let textual = matches!(value, FieldWrite::Text(_) | FieldWrite::Location { .. });
        let category = match labels.field_category(field.as_str(), name.as_deref()) {
            Some(category) => Some(category),
            None if name.is_none() && labels.has_name_labels() => Some(labels.text_category()),
            None if textual && labels.holds_phi(&place) => Some(labels.text_category()),
            None => None,
        };

        let body = match category {
            Some(category) => {
                let sealed = Phi::new(value, category);
                self.phi_json(route, &sealed, CategorySet::from(category))?
            }
            None => self.plain_json(route, &value)?,
        };
        let call = Call::new(
            Method::POST,
            route,
            format!(
                "/v2/task/{}/field/{}",
                segment(task.path_id()),
                segment(field.as_str())
            ),
        )
        .query(task.query())
        .body(body);
        self.fetch::<Empty>(call).await.map(drop)
    }

    /// Clears a custom field's value on a task
    /// (`DELETE /v2/task/{task_id}/field/{field_id}`).
    ///
    /// # Errors
    ///
    /// Any [`Error`] from the transport or ClickUp.
    pub async fn remove_field_value(
        &self,
        task: impl Into<TaskRef>,
        field: &FieldId,
    ) -> Result<(), Error> {
        let task = task.into();
        let call = Call::new(
            Method::DELETE,
            "/v2/task/{task_id}/field/{field_id}",
            format!(
                "/v2/task/{}/field/{}",
                segment(task.path_id()),
                segment(field.as_str())
            ),
        )
        .query(task.query());
        self.fetch::<Empty>(call).await.map(drop)
    }
}
