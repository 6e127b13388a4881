//! Webhook deliveries the fake ClickUp would send: the JSON payload of one
//! event for one registered webhook, signed the way ClickUp signs them
//! (`X-Signature`: lowercase hex HMAC-SHA256 of the raw body, keyed with
//! the webhook's secret).
//!
//! Deliveries are built on request rather than sent, because the sandbox
//! has no network and tests want to hand the bytes to a receiver
//! themselves.

use std::fmt;

use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha2::Sha256;

use crate::clickup::state::{CommentParent, Store};

/// One signed webhook delivery.
///
/// Payloads of task events can hold PHI (task names, comment text), as
/// ClickUp's do; `Debug` shows the endpoint, event and length only.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct WebhookDelivery {
    /// Where ClickUp would POST it.
    pub endpoint: String,
    /// The event name (`taskCreated`, `taskCommentPosted`, ...).
    pub event: String,
    /// The raw JSON body.
    pub body: Vec<u8>,
    /// The `X-Signature` header value.
    pub signature: String,
}

impl fmt::Debug for WebhookDelivery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebhookDelivery")
            .field("endpoint", &self.endpoint)
            .field("event", &self.event)
            .field("body_len", &self.body.len())
            .finish_non_exhaustive()
    }
}

/// Lowercase hex HMAC-SHA256 of `body` under `secret`.
pub(crate) fn sign(secret: &str, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
    mac.update(body);
    hex::encode(mac.finalize().into_bytes())
}

impl Store {
    /// The delivery of `event` about `task_id` to webhook `webhook_id`,
    /// or `None` when the webhook does not exist, is not subscribed to the
    /// event, does not cover the task's location, or the task is unknown.
    pub(crate) fn webhook_delivery(
        &mut self,
        webhook_id: &str,
        event: &str,
        task_id: &str,
    ) -> Option<WebhookDelivery> {
        let hook = self.webhooks.get(webhook_id)?.clone();
        if !hook.events.iter().any(|e| e == event || e == "*") {
            return None;
        }
        let task = self.tasks.get(task_id)?.clone();
        let list = self.lists.get(&task.list_id)?.clone();
        let covered = hook.task_id.as_deref().is_none_or(|t| t == task.id)
            && hook.list_id.as_deref().is_none_or(|l| l == list.id)
            && hook
                .folder_id
                .as_deref()
                .is_none_or(|f| list.folder_id.as_deref() == Some(f))
            && hook.space_id.as_deref().is_none_or(|s| s == list.space_id);
        if !covered {
            return None;
        }

        let history_id = self.comment_id();
        let date = self.tick();
        let mut item = json!({
            "id": history_id,
            "type": 1,
            "date": date.to_string(),
            "field": field_of(event),
            "parent_id": list.id,
            "data": {},
            "source": null,
            "user": self.user_json(self.authorized_user),
            "before": null,
            "after": null,
        });
        match event {
            "taskStatusUpdated" | "taskCreated" => {
                item["after"] = self.status_json(&list.space_id, &task.status);
            }
            "taskCommentPosted" | "taskCommentUpdated" => {
                let latest = self
                    .comments
                    .values()
                    .filter(|c| c.parent == CommentParent::Task(task.id.clone()))
                    .max_by_key(|c| (c.date, c.id.clone()))?;
                item["comment"] = json!({
                    "id": latest.id,
                    "date": latest.date.to_string(),
                    "parent": task.id,
                    "type": 1,
                    "comment": [{"text": latest.text}],
                    "text_content": latest.text,
                    "userid": latest.user,
                });
                item["after"] = json!(latest.id);
            }
            "taskUpdated" => {
                item["after"] = json!(task.name);
            }
            _ => {}
        }
        let payload: Value = json!({
            "event": event,
            "webhook_id": hook.id,
            "task_id": task.id,
            "history_items": [item],
        });
        let body = serde_json::to_vec(&payload).ok()?;
        let signature = sign(&hook.secret, &body);
        Some(WebhookDelivery {
            endpoint: hook.endpoint,
            event: event.to_owned(),
            body,
            signature,
        })
    }
}

fn field_of(event: &str) -> &'static str {
    match event {
        "taskCreated" | "taskStatusUpdated" => "status",
        "taskCommentPosted" | "taskCommentUpdated" => "comment",
        "taskAssigneeUpdated" => "assignee_add",
        "taskTagUpdated" => "tag",
        "taskDueDateUpdated" => "due_date",
        "taskPriorityUpdated" => "priority",
        _ => "content",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_are_lowercase_hex_hmac_sha256() {
        // RFC 4231, test case 2.
        assert_eq!(
            sign("Jefe", b"what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }
}
