use reqwest::Method;

use crate::client::{Call, ClickUpClient};
use crate::error::Error;
use crate::models::{Empty, Space, SpaceId, SpaceSpec, Spaces, WorkspaceId};

impl ClickUpClient {
    /// Spaces of a workspace (`GET /v2/team/{team_id}/space`).
    ///
    /// # Errors
    ///
    /// Any [`Error`] from the transport or ClickUp.
    pub async fn spaces(
        &self,
        workspace: &WorkspaceId,
        archived: bool,
    ) -> Result<Vec<Space>, Error> {
        let call = Call::new(
            Method::GET,
            "/v2/team/{team_id}/space",
            format!("/v2/team/{workspace}/space"),
        )
        .query([("archived", archived.to_string())]);
        Ok(self.fetch::<Spaces>(call).await?.spaces)
    }

    /// One space (`GET /v2/space/{space_id}`).
    ///
    /// # Errors
    ///
    /// Any [`Error`] from the transport or ClickUp.
    pub async fn space(&self, space: &SpaceId) -> Result<Space, Error> {
        self.fetch(Call::new(
            Method::GET,
            "/v2/space/{space_id}",
            format!("/v2/space/{space}"),
        ))
        .await
    }

    /// Creates a space (`POST /v2/team/{team_id}/space`).
    ///
    /// # Errors
    ///
    /// Any [`Error`] from the transport or ClickUp.
    pub async fn create_space(
        &self,
        workspace: &WorkspaceId,
        spec: &SpaceSpec,
    ) -> Result<Space, Error> {
        let route = "/v2/team/{team_id}/space";
        let body = self.plain_json(route, spec)?;
        self.fetch(Call::new(Method::POST, route, format!("/v2/team/{workspace}/space")).body(body))
            .await
    }

    /// Updates a space (`PUT /v2/space/{space_id}`).
    ///
    /// # Errors
    ///
    /// Any [`Error`] from the transport or ClickUp.
    pub async fn update_space(&self, space: &SpaceId, spec: &SpaceSpec) -> Result<Space, Error> {
        let route = "/v2/space/{space_id}";
        let body = self.plain_json(route, spec)?;
        self.fetch(Call::new(Method::PUT, route, format!("/v2/space/{space}")).body(body))
            .await
    }

    /// Deletes a space (`DELETE /v2/space/{space_id}`).
    ///
    /// # Errors
    ///
    /// Any [`Error`] from the transport or ClickUp.
    pub async fn delete_space(&self, space: &SpaceId) -> Result<(), Error> {
        self.fetch::<Empty>(Call::new(
            Method::DELETE,
            "/v2/space/{space_id}",
            format!("/v2/space/{space}"),
        ))
        .await
        .map(drop)
    }
}
