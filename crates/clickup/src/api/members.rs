use reqwest::Method;

use crate::client::{Call, ClickUpClient, segment};
use crate::error::Error;
use crate::models::{ListId, Members, TaskRef, User};

impl ClickUpClient {
    /// Users with explicit access to a task (`GET /v2/task/{task_id}/member`).
    ///
    /// # Errors
    ///
    /// Any [`Error`] from the transport or ClickUp.
    pub async fn task_members(&self, task: impl Into<TaskRef>) -> Result<Vec<User>, Error> {
        let task = task.into();
        let call = Call::new(
            Method::GET,
            "/v2/task/{task_id}/member",
            format!("/v2/task/{}/member", segment(task.path_id())),
        );
        Ok(self.fetch::<Members>(call).await?.members)
    }

    /// Users with explicit access to a list (`GET /v2/list/{list_id}/member`).
    ///
    /// # Errors
    ///
    /// Any [`Error`] from the transport or ClickUp.
    pub async fn list_members(&self, list: &ListId) -> Result<Vec<User>, Error> {
        let call = Call::new(
            Method::GET,
            "/v2/list/{list_id}/member",
            format!("/v2/list/{list}/member"),
        );
        Ok(self.fetch::<Members>(call).await?.members)
    }
}
