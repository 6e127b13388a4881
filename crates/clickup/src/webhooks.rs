//! Receiving ClickUp webhooks: signature check, typed payloads, duplicate
//! detection; and the webhook registration model.
//!
//! ClickUp signs each delivery: `X-Signature` is the lowercase hex
//! HMAC-SHA256 of the raw request body, keyed with the webhook's secret.
//! Verify the bytes as received: re-serialized JSON will not match.
//!
//! Payloads carry before/after values of whatever changed (a task name, a
//! description, a custom field): those are sealed as PHI here.

use std::collections::{HashSet, VecDeque};
use std::fmt;
use std::sync::Mutex;

use hmac::{Hmac, Mac};
use phiguard_phi::{Phi, PhiCategory};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Deserializer, Serialize};
use sha2::{Digest, Sha256};

use crate::error::Error;
use crate::models::{Timestamp, User, WebhookId, null_vec, opt_i64, opt_id, opt_string_or_number};

type HmacSha256 = Hmac<Sha256>;

macro_rules! event_kinds {
    ($($variant:ident => $wire:literal,)*) => {
        /// The events ClickUp delivers.
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum WebhookEventKind {
            $(
                #[doc = concat!("`", $wire, "`")]
                $variant,
            )*
            /// An event this client does not know yet.
            Unknown(String),
        }

        impl WebhookEventKind {
            /// Every documented event.
            pub const ALL: &'static [WebhookEventKind] = &[$(WebhookEventKind::$variant,)*];

            /// The wire name.
            pub fn as_str(&self) -> &str {
                match self {
                    $(WebhookEventKind::$variant => $wire,)*
                    WebhookEventKind::Unknown(name) => name,
                }
            }

            fn from_wire(name: &str) -> Self {
                match name {
                    $($wire => WebhookEventKind::$variant,)*
                    other => WebhookEventKind::Unknown(other.to_owned()),
                }
            }
        }
    };
}

event_kinds! {
    TaskCreated => "taskCreated",
    TaskUpdated => "taskUpdated",
    TaskDeleted => "taskDeleted",
    TaskPriorityUpdated => "taskPriorityUpdated",
    TaskStatusUpdated => "taskStatusUpdated",
    TaskAssigneeUpdated => "taskAssigneeUpdated",
    TaskDueDateUpdated => "taskDueDateUpdated",
    TaskTagUpdated => "taskTagUpdated",
    TaskMoved => "taskMoved",
    TaskCommentPosted => "taskCommentPosted",
    TaskCommentUpdated => "taskCommentUpdated",
    TaskTimeEstimateUpdated => "taskTimeEstimateUpdated",
    TaskTimeTrackedUpdated => "taskTimeTrackedUpdated",
    ListCreated => "listCreated",
    ListUpdated => "listUpdated",
    ListDeleted => "listDeleted",
    FolderCreated => "folderCreated",
    FolderUpdated => "folderUpdated",
    FolderDeleted => "folderDeleted",
    SpaceCreated => "spaceCreated",
    SpaceUpdated => "spaceUpdated",
    SpaceDeleted => "spaceDeleted",
    GoalCreated => "goalCreated",
    GoalUpdated => "goalUpdated",
    GoalDeleted => "goalDeleted",
    KeyResultCreated => "keyResultCreated",
    KeyResultUpdated => "keyResultUpdated",
    KeyResultDeleted => "keyResultDeleted",
}

impl fmt::Display for WebhookEventKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for WebhookEventKind {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let name = String::deserialize(d)?;
        Ok(WebhookEventKind::from_wire(&name))
    }
}

impl Serialize for WebhookEventKind {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// What an event is about.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Subject {
    /// A task.
    Task(String),
    /// A list.
    List(String),
    /// A folder.
    Folder(String),
    /// A space.
    Space(String),
    /// A goal.
    Goal(String),
    /// A key result.
    KeyResult(String),
    /// The payload named none of these.
    Unknown,
}

/// A delivered webhook event.
#[derive(Debug, Clone, Deserialize)]
#[non_exhaustive]
pub struct WebhookEvent {
    /// The event.
    pub event: WebhookEventKind,
    /// The webhook that delivered it.
    #[serde(default, deserialize_with = "opt_id")]
    pub webhook_id: Option<WebhookId>,
    /// Task events.
    #[serde(default, deserialize_with = "opt_string_or_number")]
    pub task_id: Option<String>,
    /// List events.
    #[serde(default, deserialize_with = "opt_string_or_number")]
    pub list_id: Option<String>,
    /// Folder events.
    #[serde(default, deserialize_with = "opt_string_or_number")]
    pub folder_id: Option<String>,
    /// Space events.
    #[serde(default, deserialize_with = "opt_string_or_number")]
    pub space_id: Option<String>,
    /// Goal events.
    #[serde(default, deserialize_with = "opt_string_or_number")]
    pub goal_id: Option<String>,
    /// Key result events.
    #[serde(default, deserialize_with = "opt_string_or_number")]
    pub key_result_id: Option<String>,
    /// What changed.
    #[serde(default, deserialize_with = "null_vec")]
    pub history_items: Vec<HistoryItem>,
}

impl WebhookEvent {
    /// What the event is about (the most specific id present).
    pub fn subject(&self) -> Subject {
        if let Some(id) = &self.task_id {
            Subject::Task(id.clone())
        } else if let Some(id) = &self.key_result_id {
            Subject::KeyResult(id.clone())
        } else if let Some(id) = &self.goal_id {
            Subject::Goal(id.clone())
        } else if let Some(id) = &self.list_id {
            Subject::List(id.clone())
        } else if let Some(id) = &self.folder_id {
            Subject::Folder(id.clone())
        } else if let Some(id) = &self.space_id {
            Subject::Space(id.clone())
        } else {
            Subject::Unknown
        }
    }
}

/// Deserializes any JSON value into sealed JSON text (`None` for null).
fn sealed_json<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Phi<String>>, D::Error> {
    let raw = Option::<serde_json::Value>::deserialize(d)?;
    Ok(match raw {
        None | Some(serde_json::Value::Null) => None,
        Some(value) => Some(Phi::new(value.to_string(), PhiCategory::Unclassified)),
    })
}

/// One change in an event.
#[derive(Debug, Clone, Deserialize)]
#[non_exhaustive]
pub struct HistoryItem {
    /// History id: one UI action can fire several events sharing it.
    #[serde(default, deserialize_with = "opt_string_or_number")]
    pub id: Option<String>,
    /// Change type.
    #[serde(default, rename = "type", deserialize_with = "opt_i64")]
    pub kind: Option<i64>,
    /// When.
    #[serde(default, deserialize_with = "crate::models::opt_timestamp")]
    pub date: Option<Timestamp>,
    /// What changed: `status`, `name`, `content`, `custom_field`, ...
    #[serde(default)]
    pub field: Option<String>,
    /// The parent (the list, for task events).
    #[serde(default, deserialize_with = "opt_string_or_number")]
    pub parent_id: Option<String>,
    /// Who made the change.
    #[serde(default)]
    pub user: Option<User>,
    /// The value before, as sealed JSON text.
    #[serde(default, deserialize_with = "sealed_json")]
    pub before: Option<Phi<String>>,
    /// The value after, as sealed JSON text.
    #[serde(default, deserialize_with = "sealed_json")]
    pub after: Option<Phi<String>>,
    /// Extra data, as sealed JSON text.
    #[serde(default, deserialize_with = "sealed_json")]
    pub data: Option<Phi<String>>,
    /// The comment, for comment events, as sealed JSON text.
    #[serde(default, deserialize_with = "sealed_json")]
    pub comment: Option<Phi<String>>,
}

/// Verifies `X-Signature` against the raw body in constant time.
///
/// # Errors
///
/// [`Error::BadSignature`] when the header is not hex or does not match.
pub fn verify_signature(secret: &SecretString, body: &[u8], signature: &str) -> Result<(), Error> {
    let expected = hex::decode(signature.trim()).map_err(|_| Error::BadSignature)?;
    let mut mac = HmacSha256::new_from_slice(secret.expose_secret().as_bytes())
        .map_err(|_| Error::BadSignature)?;
    mac.update(body);
    // `verify_slice` compares in constant time.
    mac.verify_slice(&expected).map_err(|_| Error::BadSignature)
}

/// The signature ClickUp would send for `body` (for tests and fakes).
pub fn sign(secret: &SecretString, body: &[u8]) -> String {
    let mut mac = HmacSha256::new_from_slice(secret.expose_secret().as_bytes())
        .expect("hmac takes keys of any length");
    mac.update(body);
    hex::encode(mac.finalize().into_bytes())
}

/// Delivery keys seen, and their order for forgetting the oldest.
#[derive(Debug, Default)]
struct Seen {
    keys: HashSet<[u8; 32]>,
    order: VecDeque<[u8; 32]>,
}

/// Remembers recent deliveries to spot repeats, in bounded memory.
#[derive(Debug)]
pub struct DuplicateGuard {
    capacity: usize,
    seen: Mutex<Seen>,
}

impl DuplicateGuard {
    /// Remembers up to `capacity` deliveries (oldest forgotten first).
    pub fn new(capacity: usize) -> Self {
        DuplicateGuard {
            capacity: capacity.max(1),
            seen: Mutex::new(Seen::default()),
        }
    }

    /// The key of a delivery: webhook, event, and history item ids when
    /// present, else a hash of the whole body.
    pub fn key(event: &WebhookEvent, body: &[u8]) -> [u8; 32] {
        let ids: Vec<&str> = event
            .history_items
            .iter()
            .filter_map(|h| h.id.as_deref())
            .collect();
        let mut hasher = Sha256::new();
        if ids.is_empty() {
            hasher.update(b"body:");
            hasher.update(body);
        } else {
            hasher.update(
                event
                    .webhook_id
                    .as_ref()
                    .map(|w| w.as_str())
                    .unwrap_or_default(),
            );
            hasher.update(b"\0");
            hasher.update(event.event.as_str());
            for id in ids {
                hasher.update(b"\0");
                hasher.update(id);
            }
        }
        hasher.finalize().into()
    }

    /// Records a key; true when it is new.
    pub fn first_time(&self, key: [u8; 32]) -> bool {
        let mut guard = self.seen.lock().unwrap_or_else(|e| e.into_inner());
        let Seen { keys: set, order } = &mut *guard;
        if !set.insert(key) {
            return false;
        }
        order.push_back(key);
        while order.len() > self.capacity {
            if let Some(old) = order.pop_front() {
                set.remove(&old);
            }
        }
        true
    }
}

/// Verifies, parses and de-duplicates deliveries for one webhook secret.
#[derive(Debug)]
pub struct WebhookReceiver {
    secret: SecretString,
    guard: DuplicateGuard,
}

impl WebhookReceiver {
    /// A receiver for a webhook's secret, remembering the last 10,000
    /// deliveries.
    pub fn new(secret: SecretString) -> Self {
        WebhookReceiver {
            secret,
            guard: DuplicateGuard::new(10_000),
        }
    }

    /// Changes how many deliveries are remembered.
    pub fn remember(mut self, capacity: usize) -> Self {
        self.guard = DuplicateGuard::new(capacity);
        self
    }

    /// Checks the signature, parses the event and rejects repeats.
    ///
    /// # Errors
    ///
    /// [`Error::BadSignature`], [`Error::Decode`] for a body that is not a
    /// webhook event, [`Error::DuplicateDelivery`] for a repeat.
    pub fn receive(&self, body: &[u8], signature: &str) -> Result<WebhookEvent, Error> {
        verify_signature(&self.secret, body, signature)?;
        let event: WebhookEvent = crate::error::decode("webhook delivery", body)?;
        if !self.guard.first_time(DuplicateGuard::key(&event, body)) {
            return Err(Error::DuplicateDelivery);
        }
        Ok(event)
    }
}

/// A registered webhook.
#[derive(Clone, Deserialize)]
#[non_exhaustive]
pub struct Webhook {
    /// Webhook id.
    #[serde(default, deserialize_with = "opt_id")]
    pub id: Option<WebhookId>,
    /// Owner user id.
    #[serde(default, deserialize_with = "opt_string_or_number")]
    pub userid: Option<String>,
    /// Workspace id (an integer on the wire here).
    #[serde(default, deserialize_with = "opt_string_or_number")]
    pub team_id: Option<String>,
    /// Delivery URL.
    #[serde(default)]
    pub endpoint: Option<String>,
    /// OAuth client id.
    #[serde(default)]
    pub client_id: Option<String>,
    /// Subscribed events.
    #[serde(default, deserialize_with = "null_vec")]
    pub events: Vec<WebhookEventKind>,
    /// Task filter.
    #[serde(default, deserialize_with = "opt_string_or_number")]
    pub task_id: Option<String>,
    /// List filter.
    #[serde(default, deserialize_with = "opt_string_or_number")]
    pub list_id: Option<String>,
    /// Folder filter.
    #[serde(default, deserialize_with = "opt_string_or_number")]
    pub folder_id: Option<String>,
    /// Space filter.
    #[serde(default, deserialize_with = "opt_string_or_number")]
    pub space_id: Option<String>,
    /// Delivery health.
    #[serde(default)]
    pub health: Option<WebhookHealth>,
    /// The signing secret.
    #[serde(default)]
    pub secret: Option<SecretString>,
}

impl fmt::Debug for Webhook {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Webhook")
            .field("id", &self.id)
            .field("endpoint", &self.endpoint)
            .field("events", &self.events)
            .field("health", &self.health)
            .finish_non_exhaustive()
    }
}

/// Delivery health: `active`, `failing` or `suspended`.
#[derive(Debug, Clone, Default, Deserialize)]
#[non_exhaustive]
pub struct WebhookHealth {
    /// Status.
    #[serde(default)]
    pub status: Option<String>,
    /// Consecutive failed events.
    #[serde(default, deserialize_with = "opt_i64")]
    pub fail_count: Option<i64>,
}

/// `{"webhooks": [...]}`.
#[derive(Debug, Clone, Deserialize)]
#[non_exhaustive]
pub struct Webhooks {
    /// Webhooks.
    #[serde(default, deserialize_with = "null_vec")]
    pub webhooks: Vec<Webhook>,
}

/// `{"id", "webhook"}`, as create and update answer.
#[derive(Debug, Clone, Deserialize)]
#[non_exhaustive]
pub struct CreatedWebhook {
    /// Webhook id.
    #[serde(default, deserialize_with = "opt_id")]
    pub id: Option<WebhookId>,
    /// The webhook.
    pub webhook: Webhook,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_round_trip_and_reject_tampering() {
        let secret = SecretString::from("whsec");
        let body = br#"{"event":"taskCreated","task_id":"1"}"#;
        let sig = sign(&secret, body);
        assert!(verify_signature(&secret, body, &sig).is_ok());
        assert!(verify_signature(&secret, b"{}", &sig).is_err());
        assert!(verify_signature(&secret, body, "zz").is_err());
    }

    #[test]
    fn guard_is_bounded() {
        let guard = DuplicateGuard::new(2);
        assert!(guard.first_time([1; 32]));
        assert!(!guard.first_time([1; 32]));
        assert!(guard.first_time([2; 32]));
        assert!(guard.first_time([3; 32]));
        // [1] was forgotten.
        assert!(guard.first_time([1; 32]));
    }

    #[test]
    fn every_event_family_names_its_subject() {
        let cases = [
            (
                r#"{"event":"taskStatusUpdated","task_id":"1vj37mc","history_items":[{"id":"28","type":1,"date":"1642734631523","field":"status","parent_id":"162641062","user":{"id":183},"before":{"status":null},"after":{"status":"to do"}}]}"#,
                WebhookEventKind::TaskStatusUpdated,
                Subject::Task("1vj37mc".into()),
            ),
            (
                r#"{"event":"listCreated","list_id":162641285,"history_items":[]}"#,
                WebhookEventKind::ListCreated,
                Subject::List("162641285".into()),
            ),
            (
                r#"{"event":"folderDeleted","folder_id":"96772049"}"#,
                WebhookEventKind::FolderDeleted,
                Subject::Folder("96772049".into()),
            ),
            (
                r#"{"event":"spaceUpdated","space_id":"54650507","history_items":null}"#,
                WebhookEventKind::SpaceUpdated,
                Subject::Space("54650507".into()),
            ),
            (
                r#"{"event":"goalCreated","goal_id":"a23e5a3d"}"#,
                WebhookEventKind::GoalCreated,
                Subject::Goal("a23e5a3d".into()),
            ),
            (
                r#"{"event":"keyResultUpdated","goal_id":"g","key_result_id":"k"}"#,
                WebhookEventKind::KeyResultUpdated,
                Subject::KeyResult("k".into()),
            ),
        ];
        for (body, kind, subject) in cases {
            let event: WebhookEvent = serde_json::from_str(body).unwrap();
            assert_eq!(event.event, kind);
            assert_eq!(event.subject(), subject);
        }
        let event: WebhookEvent = serde_json::from_str(cases_first()).unwrap();
        let after = event.history_items[0].after.as_ref().unwrap();
        assert_eq!(after.expose_phi(), r#"{"status":"to do"}"#);
        assert!(!format!("{event:?}").contains("to do"));
    }

    fn cases_first() -> &'static str {
        r#"{"event":"taskUpdated","task_id":"t","history_items":[{"id":"h","field":"name","after":{"status":"to do"}}]}"#
    }

    #[test]
    fn every_documented_kind_round_trips() {
        for kind in WebhookEventKind::ALL {
            let json = serde_json::to_string(kind).unwrap();
            let back: WebhookEventKind = serde_json::from_str(&json).unwrap();
            assert_eq!(&back, kind);
        }
    }

    #[test]
    fn unknown_events_are_kept() {
        let event: WebhookEvent =
            serde_json::from_str(r#"{"event":"docCreated","webhook_id":"w"}"#).unwrap();
        assert_eq!(event.event, WebhookEventKind::Unknown("docCreated".into()));
        assert_eq!(WebhookEventKind::ALL.len(), 28);
    }
}
