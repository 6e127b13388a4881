//! The vendor registry: which business associate may receive which PHI,
//! for which purpose, and when.
//!
//! A [`VendorRegistry`] is loaded from a TOML file the compliance office
//! reviews. It records each vendor, its services (with the hosts they are
//! reached at and the regions they run in), the business associate
//! agreement (BAA) covering them, how each service handles data, and the
//! latest vendor evaluation. From it, [`VendorRegistry::clear`] decides
//! whether one service may receive a set of PHI categories for one purpose
//! at one instant, and answers with a [`Clearance`] holding the
//! [`EgressPermit`](phiguard_phi::EgressPermit) that lets exactly those
//! categories be serialized for that service, or a [`Refusal`] that lists
//! every reason that applied.
//!
//! # What this crate guarantees
//!
//! - A registry with any inconsistency does not load: misspelled fields,
//!   unknown categories or purposes, duplicate ids, services without hosts,
//!   a host claimed by two services, dates out of order. Syntax errors
//!   carry a line and column; other errors name the vendor and the field.
//! - A clearance is granted only when a signed agreement is in force at
//!   the instant asked about and covers the service, the purpose, every
//!   category and every feature named, its required configuration is
//!   confirmed, the region is allowed, the vendor does not train on
//!   customer data and keeps data no longer than the registry allows.
//! - Outside this crate, a [`Clearance`] cannot be built except by
//!   [`VendorRegistry::clear`] (and `Clearance::for_tests`, behind the
//!   `test-clearance` feature meant for dev-dependencies).
//! - Host lookups ([`VendorRegistry::service_for_url`] and friends) are
//!   exact and case-insensitive, with ports honoured, so the HTTP layers
//!   can refuse a request to a host no service declares.
//! - Agreement dates are calendar days in the registry's time zone (UTC, a
//!   fixed offset, or an IANA zone with daylight saving time followed): an
//!   agreement is in force from the first instant of its effective date
//!   through the last instant of its expiry date.
//! - Messages (load errors, refusals, warnings) and log events hold ids,
//!   field names and dates from the registry. A service id or purpose the
//!   registry does not declare is shown as `<undeclared>`, since a caller
//!   may have put anything there.
//!
//! # What it does not do
//!
//! - It records what the compliance office says about an agreement; it
//!   cannot check the agreement itself. The sample registry in
//!   `examples/config/vendors.toml` must be verified against a team's own
//!   signed documents.
//! - One time zone applies to every date in the registry. An agreement
//!   signed under another jurisdiction's calendar must be entered with
//!   its dates shifted by hand.
//! - A clearance is an answer for one instant. It is not revoked when the
//!   agreement later lapses; ask again for every transmission.
//!
//! # Example
//!
//! ```
//! use phiguard_phi::{CategorySet, PhiCategory};
//! use phiguard_vendors::{ClearanceRequest, RefusalReason, VendorRegistry};
//! use time::macros::datetime;
//!
//! let registry = VendorRegistry::from_toml_str(r#"
//!     [registry]
//!     max_retention_days = 30
//!     allowed_regions = ["us"]
//!
//!     [purposes.summarize]
//!     description = "Summarize a task thread for the care team"
//!
//!     [purposes.diagnosis]
//!     description = "Suggest a diagnosis"
//!
//!     [[vendor]]
//!     id = "acme-ai"
//!     name = "Acme AI"
//!
//!     [[vendor.service]]
//!     id = "acme-chat"
//!     name = "Acme chat completions"
//!     hosts = ["api.acme-ai.example"]
//!     regions = ["us"]
//!     data_handling = { retention_days = 0, trains_on_customer_data = false }
//!
//!     [[vendor.baa]]
//!     id = "acme-baa-2026"
//!     status = "signed"
//!     version = "2026.1"
//!     signed_on = 2026-01-10
//!     effective_on = 2026-02-01
//!     expires_on = 2031-01-31
//!     document_sha256 = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
//!     document_location = "compliance-drive:/baa/acme-2026.pdf"
//!     covered_services = ["acme-chat"]
//!     permitted_purposes = ["summarize"]
//!     permitted_categories = ["clinical"]
//! "#)?;
//!
//! let now = datetime!(2027-03-01 09:30 UTC);
//!
//! // Clinical notes, to summarize: cleared, with a permit for that sink.
//! let notes = CategorySet::from(PhiCategory::ClinicalNote);
//! let clearance = registry.clear(&ClearanceRequest::new("acme-chat", "summarize", notes, now))?;
//! assert_eq!(clearance.permit().sink(), "acme-chat");
//! assert_eq!(clearance.baa_id(), "acme-baa-2026");
//!
//! // Names, to suggest a diagnosis: refused, with both reasons.
//! let names = CategorySet::from(PhiCategory::Name);
//! let refusal = registry
//!     .clear(&ClearanceRequest::new("acme-chat", "diagnosis", names, now))
//!     .unwrap_err();
//! assert_eq!(
//!     refusal.reasons(),
//!     [
//!         RefusalReason::PurposeNotCovered,
//!         RefusalReason::CategoryNotCovered { categories: names },
//!     ]
//! );
//! println!("{refusal}");
//!
//! // The HTTP layers map a request's host to the service that declares it.
//! let url = url::Url::parse("https://API.acme-ai.example/v1/chat")?;
//! assert_eq!(registry.service_for_url(&url).map(|s| s.id()), Some("acme-chat"));
//! let evil = url::Url::parse("https://api.acme-ai.example.evil.test/v1/chat")?;
//! assert!(registry.service_for_url(&evil).is_none());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # The registry file
//!
//! `examples/config/vendors.toml` at the repository root is a commented,
//! complete sample. In short: a `[registry]` table (`time_zone`,
//! `max_retention_days`, `allowed_regions`, `expiry_warning_days`), a
//! `[purposes.<name>]` table per purpose, and a `[[vendor]]` per business
//! associate with its `[[vendor.service]]`s (each with `data_handling`),
//! `[[vendor.baa]]` records and an optional `[vendor.evaluation]`.
//! Categories are [`PhiCategory`](phiguard_phi::PhiCategory) names, or the
//! shorthands `identifiers`, `clinical` and `all`.

mod clearance;
mod error;
mod file;
mod host;
mod model;
mod registry;
mod warning;
mod zone;

pub use clearance::{Clearance, ClearanceRequest, Refusal, RefusalReason};
pub use error::{Issue, IssueKind, LoadError, Position};
pub use model::{BaaRecord, BaaStatus, DataHandling, Evaluation, Purpose, Service, Vendor};
pub use registry::VendorRegistry;
pub use warning::Warning;
