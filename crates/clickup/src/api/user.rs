use reqwest::Method;

use crate::client::{Call, ClickUpClient};
use crate::error::Error;
use crate::models::{User, UserEnvelope};

impl ClickUpClient {
    /// The user the token belongs to (`GET /v2/user`).
    ///
    /// # Errors
    ///
    /// Any [`Error`] from the transport or ClickUp.
    pub async fn authorized_user(&self) -> Result<User, Error> {
        let envelope: UserEnvelope = self
            .fetch(Call::new(Method::GET, "/v2/user", "/v2/user".into()))
            .await?;
        Ok(envelope.user)
    }
}
