//! A typed ClickUp API v2 client that keeps PHI sealed.
//!
//! `phiguard-clickup` reads and writes ClickUp (workspaces, spaces,
//! folders, lists, tasks and subtasks, custom fields, comments, checklists,
//! tags, members, guests, views, webhooks, attachments) for integrations
//! that handle protected health information.
//!
//! # What it guarantees
//!
//! - **Labelling.** A [`LabelSchema`] (TOML, reviewed by a compliance
//!   officer) says which spaces, folders and lists hold PHI and which
//!   custom fields carry which [`PhiCategory`](phiguard_phi::PhiCategory).
//!   Free text (task names, descriptions, comments, checklist items,
//!   attachment titles) parses sealed as [`phiguard_phi::Phi`] and is
//!   released as plain text only for places the schema declares free of
//!   PHI. Labelled custom field values stay sealed wherever they appear.
//! - **Egress.** A request body that holds PHI is serialized only inside
//!   ClickUp's own clearance from the vendor registry (service
//!   [`CLICKUP_SERVICE`], purpose [`STORE_PHI_PURPOSE`]). Without an active
//!   agreement covering the categories, the write fails with a typed
//!   refusal before any byte is sent. Text written to a PHI place is
//!   sealed even if the caller passed it plain.
//! - **Hosts.** The client talks only to a host the registry declares for
//!   [`CLICKUP_SERVICE`] (or one explicitly allowed for tests), and follows
//!   no redirects.
//! - **Logs and errors.** Tracing spans carry method, route template,
//!   status, latency and attempts; never bodies, tokens, query strings or
//!   PHI. Error messages hold no bodies and no values; ClickUp's own `err`
//!   text is kept behind [`Error::api_message`].
//! - **Transport.** Requests are paced per token from ClickUp's rate-limit
//!   headers and wait out a 429 until the reset; transient failures are
//!   retried with jittered backoff for idempotent methods (POST only on
//!   request). Pagination streams hold one page at a time.
//!
//! # What it does not guarantee
//!
//! - Response bodies are read into memory as bytes before parsing; those
//!   bytes are not zeroized, nor are JSON values held briefly while a
//!   custom field is typed.
//! - Where a write lands is learnt from earlier reads, or by reading the
//!   task or list once; chat views and checklists the client has not seen
//!   count as PHI places. A schema that is wrong is obeyed.
//! - Attachment bytes are not inspected: an upload to a PHI place needs
//!   ClickUp's clearance, whatever the file holds.
//! - JSON keys the models do not name are dropped, not kept: a field
//!   ClickUp adds stays invisible until it is modelled (kept, it could
//!   carry PHI past the labelling). Webhook `before`/`after`/`data` values
//!   are kept only as sealed JSON text.
//! - All free text in PHI places gets one category (the schema's
//!   `text_category`); the client does not look inside text to tell a
//!   name from a diagnosis (that is the redaction crate's job).
//! - Writes are not recorded in an audit log here: every write that
//!   carried PHI is reported (refused, delivered or unconfirmed, with
//!   categories and agreement id, never values) to a
//!   [`PhiWriteObserver`](observer::PhiWriteObserver) the caller plugs in,
//!   and logged as a tracing event; the audit trail is the caller's.
//!
//! # Example
//!
//! ```
//! use phiguard_clickup::{ClickUpClient, Credentials, LabelSchema};
//!
//! let labels = LabelSchema::from_toml_str(r#"
//!     unlisted_places = "no_phi"
//!
//!     [[place]]
//!     kind = "space"
//!     id = "90140001"
//!     phi = true
//!
//!     [[field]]
//!     name = "MRN"
//!     category = "medical_record_number"
//! "#)?;
//!
//! // Tests and the sandbox point the client at a local server; production
//! // code passes `.registry(Arc<VendorRegistry>)` instead of test mode.
//! let client = ClickUpClient::builder(Credentials::personal("pk_example"))
//!     .base_url("http://127.0.0.1:9/api")
//!     .test_mode()
//!     .allow_test_host("127.0.0.1")
//!     .labels(labels)
//!     .build()?;
//! assert_eq!(client.base_url().host_str(), Some("127.0.0.1"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod api;
mod auth;
mod client;
mod error;
pub mod labels;
pub mod models;
pub mod observer;
pub mod pagination;
pub mod ratelimit;
pub mod retry;
pub mod webhooks;

pub use api::{ChecklistItemSpec, GetTaskOptions, NewWebhook, OrderBy, TaskQuery, WebhookUpdate};
pub use auth::{AccessToken, Credentials, OAuthApp};
pub use client::{
    CLICKUP_SERVICE, ClickUpClient, ClientBuilder, DEFAULT_BASE_URL, STORE_PHI_PURPOSE,
};
pub use error::{ApiMessage, BodyKind, Error};
pub use labels::{LabelError, LabelSchema, Place};
pub use models::TaskRef;
pub use pagination::{CommentCursor, Page};
pub use ratelimit::{LocalRateLimiter, RateLimitSnapshot, RateLimiter};
pub use retry::RetryPolicy;

/// Decodes a ClickUp response body into a model the way the client does:
/// lenient models, value-free errors. For fakes, fixtures and conformance
/// checks.
///
/// # Errors
///
/// [`Error::Decode`] with the JSON path of the mismatch.
pub fn decode_response<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, Error> {
    error::decode("decode_response", body)
}
