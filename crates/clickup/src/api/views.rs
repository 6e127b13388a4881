use reqwest::Method;

use crate::client::{Call, ClickUpClient, segment};
use crate::error::Error;
use crate::models::{
    Empty, FolderId, ListId, SpaceId, View, ViewEnvelope, ViewId, ViewSpec, Views, WorkspaceId,
};

impl ClickUpClient {
    async fn views_at(&self, route: &'static str, path: String) -> Result<Vec<View>, Error> {
        Ok(self
            .fetch::<Views>(Call::new(Method::GET, route, path))
            .await?
            .views)
    }

    async fn create_view_at(
        &self,
        route: &'static str,
        path: String,
        spec: &ViewSpec,
    ) -> Result<View, Error> {
        let body = self.plain_json(route, spec)?;
        Ok(self
            .fetch::<ViewEnvelope>(Call::new(Method::POST, route, path).body(body))
            .await?
            .view)
    }

    /// Views at the workspace level (`GET /v2/team/{team_id}/view`).
    ///
    /// # Errors
    ///
    /// Any [`Error`] from the transport or ClickUp.
    pub async fn workspace_views(&self, workspace: &WorkspaceId) -> Result<Vec<View>, Error> {
        self.views_at(
            "/v2/team/{team_id}/view",
            format!("/v2/team/{workspace}/view"),
        )
        .await
    }

    /// Views of a space (`GET /v2/space/{space_id}/view`).
    ///
    /// # Errors
    ///
    /// Any [`Error`] from the transport or ClickUp.
    pub async fn space_views(&self, space: &SpaceId) -> Result<Vec<View>, Error> {
        self.views_at(
            "/v2/space/{space_id}/view",
            format!("/v2/space/{space}/view"),
        )
        .await
    }

    /// Views of a folder (`GET /v2/folder/{folder_id}/view`).
    ///
    /// # Errors
    ///
    /// Any [`Error`] from the transport or ClickUp.
    pub async fn folder_views(&self, folder: &FolderId) -> Result<Vec<View>, Error> {
        self.views_at(
            "/v2/folder/{folder_id}/view",
            format!("/v2/folder/{folder}/view"),
        )
        .await
    }

    /// Views of a list (`GET /v2/list/{list_id}/view`).
    ///
    /// # Errors
    ///
    /// Any [`Error`] from the transport or ClickUp.
    pub async fn list_views(&self, list: &ListId) -> Result<Vec<View>, Error> {
        self.views_at("/v2/list/{list_id}/view", format!("/v2/list/{list}/view"))
            .await
    }

    /// Creates a workspace view (`POST /v2/team/{team_id}/view`).
    ///
    /// # Errors
    ///
    /// Any [`Error`] from the transport or ClickUp.
    pub async fn create_workspace_view(
        &self,
        workspace: &WorkspaceId,
        spec: &ViewSpec,
    ) -> Result<View, Error> {
        self.create_view_at(
            "/v2/team/{team_id}/view",
            format!("/v2/team/{workspace}/view"),
            spec,
        )
        .await
    }

    /// Creates a space view (`POST /v2/space/{space_id}/view`).
    ///
    /// # Errors
    ///
    /// Any [`Error`] from the transport or ClickUp.
    pub async fn create_space_view(&self, space: &SpaceId, spec: &ViewSpec) -> Result<View, Error> {
        self.create_view_at(
            "/v2/space/{space_id}/view",
            format!("/v2/space/{space}/view"),
            spec,
        )
        .await
    }

    /// Creates a folder view (`POST /v2/folder/{folder_id}/view`).
    ///
    /// # Errors
    ///
    /// Any [`Error`] from the transport or ClickUp.
    pub async fn create_folder_view(
        &self,
        folder: &FolderId,
        spec: &ViewSpec,
    ) -> Result<View, Error> {
        self.create_view_at(
            "/v2/folder/{folder_id}/view",
            format!("/v2/folder/{folder}/view"),
            spec,
        )
        .await
    }

    /// Creates a list view (`POST /v2/list/{list_id}/view`).
    ///
    /// # Errors
    ///
    /// Any [`Error`] from the transport or ClickUp.
    pub async fn create_list_view(&self, list: &ListId, spec: &ViewSpec) -> Result<View, Error> {
        self.create_view_at(
            "/v2/list/{list_id}/view",
            format!("/v2/list/{list}/view"),
            spec,
        )
        .await
    }

    /// One view (`GET /v2/view/{view_id}`).
    ///
    /// # Errors
    ///
    /// Any [`Error`] from the transport or ClickUp.
    pub async fn view(&self, view: &ViewId) -> Result<View, Error> {
        let call = Call::new(
            Method::GET,
            "/v2/view/{view_id}",
            format!("/v2/view/{}", segment(view.as_str())),
        );
        Ok(self.fetch::<ViewEnvelope>(call).await?.view)
    }

    /// Updates a view (`PUT /v2/view/{view_id}`).
    ///
    /// # Errors
    ///
    /// Any [`Error`] from the transport or ClickUp.
    pub async fn update_view(&self, view: &ViewId, spec: &ViewSpec) -> Result<View, Error> {
        let route = "/v2/view/{view_id}";
        let body = self.plain_json(route, spec)?;
        let call = Call::new(
            Method::PUT,
            route,
            format!("/v2/view/{}", segment(view.as_str())),
        )
        .body(body);
        Ok(self.fetch::<ViewEnvelope>(call).await?.view)
    }

    /// Deletes a view (`DELETE /v2/view/{view_id}`).
    ///
    /// # Errors
    ///
    /// Any [`Error`] from the transport or ClickUp.
    pub async fn delete_view(&self, view: &ViewId) -> Result<(), Error> {
        let call = Call::new(
            Method::DELETE,
            "/v2/view/{view_id}",
            format!("/v2/view/{}", segment(view.as_str())),
        );
        self.fetch::<Empty>(call).await.map(drop)
    }
}
