//! Why the gateway refused or failed a call.

use phiguard_phi::CategorySet;
use phiguard_vendors::Refusal;

use crate::ProviderError;

/// Which step of the guarded pipeline refused or failed a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Step {
    /// Role and purpose policy.
    Policy,
    /// Minimum necessary.
    MinimumNecessary,
    /// Redaction.
    Redaction,
    /// Vendor registry clearance.
    Clearance,
    /// Host check against the registry.
    Destination,
    /// Serialization inside the egress scope.
    Serialization,
    /// Writing the audit trail.
    Audit,
    /// The vendor call.
    Call,
    /// Re-identification of the answer.
    Reidentification,
}

impl Step {
    /// The step's name in audit records and logs.
    pub fn as_str(self) -> &'static str {
        match self {
            Step::Policy => "policy",
            Step::MinimumNecessary => "minimum_necessary",
            Step::Redaction => "redaction",
            Step::Clearance => "clearance",
            Step::Destination => "destination",
            Step::Serialization => "serialization",
            Step::Audit => "audit",
            Step::Call => "call",
            Step::Reidentification => "reidentification",
        }
    }
}

/// Why the gateway did not return a draft.
///
/// Every variant except [`GatewayError::Provider`] and the stream errors
/// means nothing was sent to the vendor.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum GatewayError {
    /// The policy denied the call.
    #[error("denied by policy (determining policies: {})", list(.policy_ids))]
    PolicyDenied {
        /// The `@id`s of the policies that decided; empty when no policy
        /// permitted the call (default deny).
        policy_ids: Vec<String>,
    },
    /// The policy engine failed; the call is refused.
    #[error("refused because the policy engine failed")]
    PolicyError(#[source] crate::EvaluationError),
    /// The purpose is not in the minimum-necessary table.
    #[error("purpose `{purpose}` is not declared in the purposes table")]
    UnknownPurpose {
        /// The purpose asked for.
        purpose: String,
    },
    /// The request names a field the purpose does not declare.
    #[error("field `{field}` is not declared for purpose `{purpose}`")]
    UndeclaredField {
        /// The field name.
        field: String,
        /// The purpose.
        purpose: String,
    },
    /// The request carries PHI categories the purpose does not need.
    #[error("purpose `{purpose}` does not need PHI of categories {categories:?}")]
    CategoryNotNeeded {
        /// The purpose.
        purpose: String,
        /// The categories it does not declare.
        categories: CategorySet,
    },
    /// A detector failed, so the text could not be redacted.
    #[error("redaction failed; nothing was sent")]
    Redaction(#[source] phiguard_redact::RedactError),
    /// An identifier field survived redaction; nothing was sent.
    #[error("an identifier field was not fully replaced by redaction; nothing was sent")]
    RedactionIncomplete,
    /// The vendor registry refused a clearance.
    #[error("no clearance for service `{service}`")]
    ClearanceRefused {
        /// The service.
        service: String,
        /// The registry's reasons.
        #[source]
        refusal: Refusal,
    },
    /// No provider is configured for the service.
    #[error("no provider is configured for service `{service}`")]
    NoProvider {
        /// The service.
        service: String,
    },
    /// The provider's endpoint host is not declared for its service.
    #[error("host `{host}` is not declared for service `{service}` in the vendor registry")]
    HostNotDeclared {
        /// The provider's host (and port).
        host: String,
        /// The service the provider was configured for.
        service: String,
        /// The service that declares the host, if another one does.
        declared_by: Option<String>,
    },
    /// The request could not be serialized under the clearance.
    #[error("the request could not be serialized under its clearance")]
    Egress(#[source] ProviderError),
    /// The audit sink could not record the event; nothing was sent (or,
    /// after the call, the answer is withheld).
    #[error("the audit trail could not be written at step {}", .step.as_str())]
    Audit {
        /// The step whose event could not be written.
        step: Step,
        /// The sink's error.
        #[source]
        source: phiguard_audit::AuditError,
    },
    /// The vendor call failed.
    #[error("the vendor call failed")]
    Provider(#[source] ProviderError),
    /// The caller may not change the AI configuration.
    #[error("configuration change denied by policy (determining policies: {})", list(.policy_ids))]
    ConfigurationDenied {
        /// The `@id`s of the deciding policies.
        policy_ids: Vec<String>,
    },
}

fn list(ids: &[String]) -> String {
    if ids.is_empty() {
        "none, default deny".to_owned()
    } else {
        ids.join(", ")
    }
}

impl GatewayError {
    /// The pipeline step that refused or failed.
    pub fn step(&self) -> Step {
        match self {
            GatewayError::PolicyDenied { .. }
            | GatewayError::PolicyError(_)
            | GatewayError::ConfigurationDenied { .. } => Step::Policy,
            GatewayError::UnknownPurpose { .. }
            | GatewayError::UndeclaredField { .. }
            | GatewayError::CategoryNotNeeded { .. } => Step::MinimumNecessary,
            GatewayError::Redaction(_) | GatewayError::RedactionIncomplete => Step::Redaction,
            GatewayError::ClearanceRefused { .. } => Step::Clearance,
            GatewayError::NoProvider { .. } | GatewayError::HostNotDeclared { .. } => {
                Step::Destination
            }
            GatewayError::Egress(_) => Step::Serialization,
            GatewayError::Audit { step, .. } => *step,
            GatewayError::Provider(_) => Step::Call,
        }
    }

    /// Whether the request reached the vendor before this error.
    pub fn was_sent(&self) -> bool {
        matches!(self, GatewayError::Provider(_))
            || matches!(
                self,
                GatewayError::Audit {
                    step: Step::Call,
                    ..
                }
            )
    }
}
