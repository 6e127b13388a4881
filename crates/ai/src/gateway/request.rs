//! What an integration asks the gateway for.

use std::fmt;

use phiguard_phi::{CategorySet, Phi};

/// A named piece of PHI: a ClickUp task field, a custom field, a comment
/// thread.
pub(crate) struct NamedField {
    pub(crate) name: String,
    pub(crate) value: Phi<String>,
}

/// A request to the gateway: plain instructions, the fields the purpose
/// needs, and optionally a wider record to pick them from.
///
/// Two ways to hand over PHI, on purpose:
///
/// - [`field`](AiRequest::field) names a field the request needs. A field
///   the purpose does not declare makes the gateway refuse the request.
/// - [`context`](AiRequest::context) hands over a record (a whole task,
///   say). The gateway keeps the fields the purpose declares and drops the
///   rest before anything else happens to them.
///
/// ```
/// use phiguard_ai::AiRequest;
/// use phiguard_phi::{Phi, PhiCategory};
///
/// let request = AiRequest::new()
///     .service("azure-openai-chat")
///     .instructions("Summarize the visit for the care team in three sentences.")
///     .field("description", Phi::new("Follow-up for T2DM".into(), PhiCategory::ClinicalNote))
///     .context("patient_ssn", Phi::new("000-12-3456".into(), PhiCategory::Ssn))
///     .max_tokens(300);
/// // Debug names fields and categories, never values.
/// let shown = format!("{request:?}");
/// assert!(shown.contains("description") && !shown.contains("T2DM"));
/// ```
#[derive(Default)]
#[must_use]
pub struct AiRequest {
    pub(crate) service: Option<String>,
    pub(crate) instructions: Vec<String>,
    pub(crate) fields: Vec<NamedField>,
    pub(crate) context: Vec<NamedField>,
    pub(crate) max_tokens: Option<u32>,
    pub(crate) temperature: Option<f32>,
    pub(crate) correlation: Vec<(String, String)>,
}

impl AiRequest {
    /// An empty request.
    pub fn new() -> Self {
        AiRequest::default()
    }

    /// The vendor service to call (a service id from the registry). May
    /// be left out when the gateway has a single provider.
    pub fn service(mut self, service_id: impl Into<String>) -> Self {
        self.service = Some(service_id.into());
        self
    }

    /// Instructions from the integration (the system prompt). Plain text
    /// by type, yet still redacted before it leaves, in case it was
    /// templated with something it should not have been.
    pub fn instructions(mut self, text: impl Into<String>) -> Self {
        self.instructions.push(text.into());
        self
    }

    /// A field the request needs. The purpose must declare it.
    pub fn field(mut self, name: impl Into<String>, value: Phi<String>) -> Self {
        self.fields.push(NamedField {
            name: name.into(),
            value,
        });
        self
    }

    /// A field of a wider record; dropped unless the purpose declares it.
    pub fn context(mut self, name: impl Into<String>, value: Phi<String>) -> Self {
        self.context.push(NamedField {
            name: name.into(),
            value,
        });
        self
    }

    /// Caps the answer length, in the vendor's tokens.
    pub fn max_tokens(mut self, max_tokens: u32) -> Self {
        self.max_tokens = Some(max_tokens);
        self
    }

    /// Sampling temperature.
    pub fn temperature(mut self, temperature: f32) -> Self {
        self.temperature = Some(temperature);
        self
    }

    /// An identifier tying the call's audit events to something else (a
    /// ClickUp task id, an automation run). Never PHI.
    pub fn correlation(mut self, kind: impl Into<String>, id: impl Into<String>) -> Self {
        self.correlation.push((kind.into(), id.into()));
        self
    }

    /// The categories of every field and context field.
    pub fn categories(&self) -> CategorySet {
        self.fields
            .iter()
            .chain(&self.context)
            .map(|f| f.value.category())
            .collect()
    }
}

impl fmt::Debug for AiRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let fields: Vec<_> = self
            .fields
            .iter()
            .map(|f| (f.name.as_str(), f.value.category()))
            .collect();
        let context: Vec<_> = self
            .context
            .iter()
            .map(|f| (f.name.as_str(), f.value.category()))
            .collect();
        f.debug_struct("AiRequest")
            .field("service", &self.service)
            .field("instructions", &self.instructions.len())
            .field("fields", &fields)
            .field("context", &context)
            .field("max_tokens", &self.max_tokens)
            .finish_non_exhaustive()
    }
}
