//! The guarded AI gateway: what phiguard wraps around every AI call that
//! may touch protected health information (PHI).
//!
//! A [`Gateway`] takes a request from a person ([`Principal`]) for a
//! purpose of use, and runs it through these steps, in this order, every
//! time:
//!
//! 1. **Policy.** A Cedar policy ([`AiPolicy`]) decides whether the
//!    person's roles allow AI for this purpose, on these PHI categories,
//!    with this vendor service. The decision names the `@id`s of the
//!    policies that made it. The default policy a compliance officer
//!    reviews is `examples/config/policy.cedar`.
//! 2. **Minimum necessary.** The purposes table ([`PurposeTable`],
//!    `examples/config/purposes.toml`) lists the fields and categories
//!    each purpose needs. Context fields it does not list are dropped;
//!    a request that names an undeclared field, or carries an undeclared
//!    category, is refused.
//! 3. **Redaction** with the patient's `RedactionSession`: identifier
//!    fields are declared as known values, then every text is redacted,
//!    identifiers becoming vault tokens (same value, same token).
//! 4. **Clearance.** The vendor registry must clear the service for the
//!    purpose and for the categories that leave in plain form (clinical
//!    content; identifiers leave only as tokens).
//! 5. **Destination.** The provider's endpoint host must be one the
//!    registry declares for that same service.
//! 6. **Serialization** inside the clearance's egress scope, by the
//!    provider ([`AiProvider::encode`]), into an [`EgressBody`].
//! 7. **Audit of intent** (who, purpose, categories and counts, redaction
//!    counts per category, size and keyed digest of the body, BAA, policy
//!    ids). Then the call, then the **audit of the outcome**.
//! 8. **Re-identification** of the answer with the same session (streamed
//!    answers too, tokens split across chunks included), returned as an
//!    [`AiDraft`] that a person must [`accept`](AiDraft::accept) before it
//!    becomes a plain `Phi<String>`.
//!
//! # What it guarantees
//!
//! - It fails closed. A detector error, a policy that cannot be
//!   evaluated, a registry refusal, an undeclared host, an encoding error
//!   or an audit sink that cannot write: the request is not sent.
//! - There is no per-request or per-gateway switch that skips a step.
//! - Every call and every refusal writes an audit event; a refusal event
//!   names the step, the reasons and (when redaction ran) the counts.
//! - Providers only ever hold an [`EgressBody`], which only a permit from
//!   a registry clearance can produce; errors, `Debug` output and logs
//!   never carry request or answer text, vendor error messages, or URLs
//!   with queries.
//! - Calls retry on 429, 5xx and refused connections, within a bound,
//!   honouring `Retry-After` ([`RetryPolicy`]); answers and stream events
//!   are size-bounded, streams idle-bounded.
//!
//! # What it does not
//!
//! - Redaction is as good as its detectors: an identifier the detectors
//!   miss inside clinical free text leaves in plain form, under a
//!   clearance that covers only the clinical categories. Identifier
//!   *fields* are checked to be fully replaced.
//! - Instructions are plain text by type; they are redacted too, but a
//!   clinical note pasted into instructions is not recognized as clinical.
//! - A streamed answer is shown chunk by chunk before its outcome is
//!   audited; if that final audit write fails, the draft is withheld, but
//!   the chunks were already displayed.
//! - Accepting or rejecting a draft is logged, not audited.
//!
//! # Example
//!
//! A front-desk clerk asks for a summary of clinical notes: the policy
//! refuses, nothing is sent, and the refusal is audited with the rule that
//! decided it.
//!
//! ```
//! use phiguard_ai::{AiPolicy, AiRequest, Gateway, GatewayError, OpenAiProvider, Principal, PurposeTable};
//! use phiguard_audit::{Action, MemoryAuditSink};
//! use phiguard_phi::{Phi, PhiCategory};
//! use phiguard_redact::{RedactionSession, Redactor};
//! use phiguard_vendors::VendorRegistry;
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let registry = VendorRegistry::from_toml_str(r#"
//!     [registry]
//!     max_retention_days = 30
//!     allowed_regions = ["us"]
//!     [purposes.summarize]
//!     description = "Summarize a task thread"
//!     [[vendor]]
//!     id = "acme-ai"
//!     name = "Acme AI"
//!     [[vendor.service]]
//!     id = "acme-chat"
//!     name = "Acme chat completions"
//!     hosts = ["api.acme-ai.example"]
//!     regions = ["us"]
//!     data_handling = { retention_days = 0, trains_on_customer_data = false }
//!     [[vendor.baa]]
//!     id = "acme-baa"
//!     status = "signed"
//!     version = "1"
//!     signed_on = 2026-01-10
//!     effective_on = 2026-01-10
//!     expires_on = 2036-01-10
//!     document_sha256 = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
//!     document_location = "compliance-drive:/baa/acme.pdf"
//!     covered_services = ["acme-chat"]
//!     permitted_purposes = ["summarize"]
//!     permitted_categories = ["all"]
//! "#)?;
//! let policy = AiPolicy::from_cedar(r#"
//!     @id("clinicians-summarize")
//!     permit (principal in Group::"clinician", action == Action::"use_ai", resource)
//!     when { context.purpose == "summarize" };
//! "#)?;
//! let purposes = PurposeTable::from_toml_str(r#"
//!     [purposes.summarize]
//!     description = "Summarize a task thread"
//!     fields = ["description"]
//!     categories = ["clinical_note"]
//! "#)?;
//! let provider = OpenAiProvider::openai("gpt-4o")
//!     .base_url("https://api.acme-ai.example/v1")
//!     .api_key("from-the-environment")
//!     .build()?;
//! let audit = MemoryAuditSink::new();
//!
//! let gateway = Gateway::builder()
//!     .registry(registry)
//!     .policy(policy)
//!     .purposes(purposes)
//!     .redactor(Redactor::safe_harbor())
//!     .audit(audit.clone())
//!     .provider("acme-chat", provider)
//!     .build()?;
//!
//! let clerk = Principal::new("u-204").role("front_desk");
//! let request = AiRequest::new()
//!     .instructions("Summarize for the care team.")
//!     .field("description", Phi::new("Seen for chest pain.".into(), PhiCategory::ClinicalNote));
//! let mut session = RedactionSession::new();
//!
//! let refused = gateway.complete(&clerk, "summarize", request, &mut session).await;
//! assert!(matches!(refused, Err(GatewayError::PolicyDenied { .. })));
//! assert_eq!(audit.events()[0].action, Action::PolicyRefusal);
//! # Ok(())
//! # }
//! ```
//!
//! A clinician's call goes the same way and, when every step agrees,
//! returns a draft: `gateway.complete(..).await?.accept()` gives the
//! re-identified answer; `gateway.stream(..)` gives an [`AiDraftStream`].

mod chat;
mod error;
mod gateway;
mod policy;
pub mod provider;
mod purposes;
mod sse;

pub use chat::{
    ChatCompletion, ChatMessage, ChatRequest, ChatRole, ChatStream, EgressBody, Part, ResponseMode,
    StreamEvent, Usage,
};
pub use error::{ConfigError, ProviderError};
pub use gateway::{
    AiDraft, AiDraftStream, AiRequest, DraftChunk, Gateway, GatewayBuilder, GatewayError, Step,
};
pub use policy::{AiPolicy, ConfigurationItem, EvaluationError, PolicyDecision, Principal, SCHEMA};
pub use provider::{
    AiProvider, AnthropicProvider, AnthropicProviderBuilder, HttpSettings, OpenAiProvider,
    OpenAiProviderBuilder, RetryPolicy,
};
pub use purposes::{Purpose, PurposeTable};
