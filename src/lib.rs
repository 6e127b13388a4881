//! phiguard: ClickUp and AI integrations that handle protected health
//! information (PHI) safely by construction.
//!
//! This facade re-exports the workspace's crates, each behind a feature of
//! the same name (all on by default):
//!
//! | module | crate | what it does |
//! |---|---|---|
//! | [`phi`] | `phiguard-phi` | `Phi<T>`, PHI categories, egress permits |
//! | `vendors` | `phiguard-vendors` | vendor registry, BAA records, clearances |
//! | `redact` | `phiguard-redact` | detectors, operators, token vault, re-identification |
//! | `audit` | `phiguard-audit` | tamper-evident audit log |
//! | `clickup` | `phiguard-clickup` | typed ClickUp API v2 client with PHI labelling |
//! | `ai` | `phiguard-ai` | the guarded AI gateway |
//! | `sandbox` | `phiguard-sandbox` | fake ClickUp and AI vendors for examples and tests |
//!
//! The PHI contract these crates keep together is described in
//! `docs/architecture.md`; each crate's documentation says which part of
//! it that crate enforces.
//!
//! ```
//! use phiguard::phi::{Phi, PhiCategory};
//!
//! let mrn = Phi::new(String::from("MRN-0042"), PhiCategory::MedicalRecordNumber);
//! assert_eq!(format!("{mrn:?}"), "Phi(medical_record_number)");
//! assert!(serde_json::to_string(&mrn).is_err());
//! ```

pub use phiguard_phi as phi;

#[cfg(feature = "ai")]
pub use phiguard_ai as ai;
#[cfg(feature = "audit")]
pub use phiguard_audit as audit;
#[cfg(feature = "clickup")]
pub use phiguard_clickup as clickup;
#[cfg(feature = "redact")]
pub use phiguard_redact as redact;
#[cfg(feature = "sandbox")]
pub use phiguard_sandbox as sandbox;
#[cfg(feature = "vendors")]
pub use phiguard_vendors as vendors;
