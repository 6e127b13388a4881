use reqwest::Method;

use crate::client::{Call, ClickUpClient};
use crate::error::Error;
use crate::models::{Workspace, Workspaces};

impl ClickUpClient {
    /// The workspaces ("teams") the token may use (`GET /v2/team`).
    ///
    /// # Errors
    ///
    /// Any [`Error`] from the transport or ClickUp.
    pub async fn workspaces(&self) -> Result<Vec<Workspace>, Error> {
        let all: Workspaces = self
            .fetch(Call::new(Method::GET, "/v2/team", "/v2/team".into()))
            .await?;
        Ok(all.teams)
    }
}
