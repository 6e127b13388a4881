//! A sandbox for phiguard: a stateful fake ClickUp API v2 and fake AI
//! vendors on 127.0.0.1, seeded with a small clinic's workspace full of
//! synthetic PHI.
//!
//! Examples and end-to-end tests run on it with no account and no
//! network. [`Sandbox::start`] binds every fake to a random local port and
//! returns a handle that knows their addresses, the sandbox's API token,
//! the ids of the seeded workspace ([`Sandbox::workspace`]), the synthetic
//! PHI it holds ([`Sandbox::planted_phi`]), a vendor registry naming the
//! fakes ([`Sandbox::registry_toml`]) and a labelling schema for the
//! workspace ([`Sandbox::labels_toml`]).
//!
//! # What it guarantees
//!
//! - The workspace is a function of the seed: the same seed gives the same
//!   ids, names, prose and planted values on every machine.
//! - What is created through the fake ClickUp can be read back, changed
//!   and deleted; lists page at 100 tasks with `last_page`, comments at 25
//!   with `start`/`start_id`; every answer carries ClickUp's
//!   `X-RateLimit-*` headers and the budget is enforced with 429s.
//! - Faults (a share of 5xx answers, malformed bodies, added latency) are
//!   drawn from a generator seeded by the sandbox seed, and a request that
//!   meets a fault changes nothing.
//! - The fake AI vendors answer deterministically (see
//!   [`extractive_summary`] and [`billing_suggestion`]) and record every
//!   request body: in memory ([`Sandbox::ai_requests`]) and, when
//!   `PHIGUARD_SANDBOX_RECORD` names a directory, one file per request
//!   there.
//! - Every patient detail is invented. `Debug` of recorded requests shows
//!   no body.
//!
//! # What it does not do
//!
//! - It is not ClickUp: it models the operations phiguard's client covers
//!   (user, workspaces, spaces, folders, lists, tasks and their filters,
//!   custom fields, comments and replies, checklists, tags, members,
//!   guests, views, webhooks, attachments) with the shapes of ClickUp's
//!   OpenAPI document, not every rule of the real service. Goals, time
//!   tracking, templates, dependencies and the v3 API are absent and
//!   answer 404.
//! - Webhooks are registered and listed but never sent: a test asks for
//!   a signed delivery with [`Sandbox::webhook_delivery`] and hands it to
//!   its receiver itself.
//! - Streaming answers arrive as one complete `text/event-stream` body,
//!   not spread over time.
//! - It keeps everything in memory, for the life of the handle: each test
//!   starts its own sandbox, and dropping the handle stops the servers.
//!
//! # Example
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), phiguard_sandbox::SandboxError> {
//! use phiguard_sandbox::{Sandbox, SandboxConfig};
//!
//! let sandbox = Sandbox::start(SandboxConfig::default()).await?;
//! let url = format!("{}/v2/list/{}/task", sandbox.clickup_base_url(),
//!     sandbox.workspace().intake_list.id);
//! let tasks: serde_json::Value = reqwest::Client::new()
//!     .get(url)
//!     .header("Authorization", sandbox.clickup_token())
//!     .send().await.unwrap()
//!     .json().await.unwrap();
//! assert_eq!(tasks["tasks"].as_array().unwrap().len(), 6);
//!
//! // Every intake task names a patient whose details were planted.
//! let first = tasks["tasks"][0]["description"].as_str().unwrap();
//! assert!(!sandbox.planted_phi().identifiers_in(first).is_empty());
//! # Ok(())
//! # }
//! ```

mod ai;
mod clickup;
mod config_files;
mod faults;
mod record;
mod sandbox;
mod webhooks;
mod workspace;

pub use ai::{AiRequest, AiWireFormat, billing_suggestion, extractive_summary};
pub use faults::Faults;
pub use record::RecordedRequest;
pub use sandbox::{AiService, RECORD_ENV, Sandbox, SandboxConfig, SandboxError};
pub use webhooks::WebhookDelivery;
pub use workspace::{
    CLINICAL_FIELD_LABELS, ClinicalFields, DEFAULT_SEED, FieldLabel, Member, NamedId, PATIENT_TAG,
    PlantedPhi, SeededWorkspace, StaffRole, planted_phi,
};
