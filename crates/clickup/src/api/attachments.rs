use bytes::Bytes;
use phiguard_phi::CategorySet;
use reqwest::Method;

use crate::client::{Body, Call, ClickUpClient, segment};
use crate::error::Error;
use crate::models::{Attachment, TaskRef};

impl ClickUpClient {
    /// Uploads a file to a task (`POST /v2/task/{task_id}/attachment`,
    /// multipart, part `attachment`).
    ///
    /// A file attached to a task in a PHI place is PHI: it is sent only
    /// when ClickUp's clearance covers the schema's text category. The
    /// bytes are not inspected.
    ///
    /// # Errors
    ///
    /// A refusal when ClickUp is not cleared (nothing is sent); otherwise
    /// any [`Error`].
    pub async fn upload_attachment(
        &self,
        task: impl Into<TaskRef>,
        file_name: &str,
        mime: &str,
        bytes: impl Into<Bytes>,
    ) -> Result<Attachment, Error> {
        let route = "/v2/task/{task_id}/attachment";
        let task = task.into();
        let place = self.task_place(&task).await?;
        let mut cleared = None;
        if self.labels().holds_phi(&place) {
            let categories = CategorySet::from(self.labels().text_category());
            // Nothing is serialized here: the clearance itself is the gate.
            let clearance = self.clearance(route, categories)?;
            cleared = Some(ClickUpClient::cleared_write(&clearance, categories));
        }
        let body = Body::Multipart {
            field: "attachment",
            file_name: file_name.to_owned(),
            mime: mime.to_owned(),
            bytes: bytes.into(),
            cleared,
        };
        let call = Call::new(
            Method::POST,
            route,
            format!("/v2/task/{}/attachment", segment(task.path_id())),
        )
        .query(task.query())
        .body(body);
        let mut attachment: Attachment = self.fetch(call).await?;
        if let Some(title) = &mut attachment.title {
            if self.labels().holds_phi(&place) {
                title.seal(self.labels().text_category());
            } else {
                title.release();
            }
        }
        Ok(attachment)
    }
}
