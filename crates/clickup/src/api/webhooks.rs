use reqwest::Method;
use serde::Serialize;

use crate::client::{Call, ClickUpClient, segment};
use crate::error::Error;
use crate::models::{Empty, WebhookId, WorkspaceId};
use crate::webhooks::{CreatedWebhook, Webhook, WebhookEventKind, Webhooks};

/// Body of CreateWebhook.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct NewWebhook {
    /// Where ClickUp delivers (HTTPS).
    pub endpoint: String,
    /// Events to deliver; `["*"]` for all.
    pub events: Vec<String>,
    /// Only events under this space.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub space_id: Option<String>,
    /// Only events under this folder.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub folder_id: Option<String>,
    /// Only events under this list.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub list_id: Option<String>,
    /// Only events of this task.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub task_id: Option<String>,
}

impl NewWebhook {
    /// A webhook for these events (empty: all events).
    pub fn new(endpoint: impl Into<String>, events: &[WebhookEventKind]) -> Self {
        let events = if events.is_empty() {
            vec!["*".to_owned()]
        } else {
            events.iter().map(|e| e.as_str().to_owned()).collect()
        };
        NewWebhook {
            endpoint: endpoint.into(),
            events,
            space_id: None,
            folder_id: None,
            list_id: None,
            task_id: None,
        }
    }

    /// Only events under a space.
    pub fn space(mut self, id: impl Into<String>) -> Self {
        self.space_id = Some(id.into());
        self
    }

    /// Only events under a folder.
    pub fn folder(mut self, id: impl Into<String>) -> Self {
        self.folder_id = Some(id.into());
        self
    }

    /// Only events under a list.
    pub fn list(mut self, id: impl Into<String>) -> Self {
        self.list_id = Some(id.into());
        self
    }

    /// Only events of a task.
    pub fn task(mut self, id: impl Into<String>) -> Self {
        self.task_id = Some(id.into());
        self
    }
}

/// Body of UpdateWebhook.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct WebhookUpdate {
    /// Delivery URL.
    pub endpoint: String,
    /// Events, comma separated or `*`.
    pub events: String,
    /// `active` re-enables a failing or suspended webhook.
    pub status: String,
}

impl WebhookUpdate {
    /// Sets endpoint and events, and marks the webhook active.
    pub fn new(endpoint: impl Into<String>, events: &[WebhookEventKind]) -> Self {
        let events = if events.is_empty() {
            "*".to_owned()
        } else {
            events
                .iter()
                .map(WebhookEventKind::as_str)
                .collect::<Vec<_>>()
                .join(",")
        };
        WebhookUpdate {
            endpoint: endpoint.into(),
            events,
            status: "active".to_owned(),
        }
    }

    /// Sets the status.
    pub fn status(mut self, status: impl Into<String>) -> Self {
        self.status = status.into();
        self
    }
}

impl ClickUpClient {
    /// Webhooks the caller created in a workspace
    /// (`GET /v2/team/{team_id}/webhook`).
    ///
    /// # Errors
    ///
    /// Any [`Error`] from the transport or ClickUp.
    pub async fn webhooks(&self, workspace: &WorkspaceId) -> Result<Vec<Webhook>, Error> {
        let call = Call::new(
            Method::GET,
            "/v2/team/{team_id}/webhook",
            format!("/v2/team/{workspace}/webhook"),
        );
        Ok(self.fetch::<Webhooks>(call).await?.webhooks)
    }

    /// Creates a webhook (`POST /v2/team/{team_id}/webhook`). The answer
    /// holds the signing secret: keep it as a secret.
    ///
    /// # Errors
    ///
    /// Any [`Error`] from the transport or ClickUp.
    pub async fn create_webhook(
        &self,
        workspace: &WorkspaceId,
        spec: &NewWebhook,
    ) -> Result<Webhook, Error> {
        let route = "/v2/team/{team_id}/webhook";
        let body = self.plain_json(route, spec)?;
        let call =
            Call::new(Method::POST, route, format!("/v2/team/{workspace}/webhook")).body(body);
        Ok(self.fetch::<CreatedWebhook>(call).await?.webhook)
    }

    /// Updates a webhook (`PUT /v2/webhook/{webhook_id}`).
    ///
    /// # Errors
    ///
    /// Any [`Error`] from the transport or ClickUp.
    pub async fn update_webhook(
        &self,
        webhook: &WebhookId,
        update: &WebhookUpdate,
    ) -> Result<Webhook, Error> {
        let route = "/v2/webhook/{webhook_id}";
        let body = self.plain_json(route, update)?;
        let call = Call::new(
            Method::PUT,
            route,
            format!("/v2/webhook/{}", segment(webhook.as_str())),
        )
        .body(body);
        Ok(self.fetch::<CreatedWebhook>(call).await?.webhook)
    }

    /// Deletes a webhook (`DELETE /v2/webhook/{webhook_id}`).
    ///
    /// # Errors
    ///
    /// Any [`Error`] from the transport or ClickUp.
    pub async fn delete_webhook(&self, webhook: &WebhookId) -> Result<(), Error> {
        let call = Call::new(
            Method::DELETE,
            "/v2/webhook/{webhook_id}",
            format!("/v2/webhook/{}", segment(webhook.as_str())),
        );
        self.fetch::<Empty>(call).await.map(drop)
    }
}
