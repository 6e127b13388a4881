//! Errors of the redaction engine.
//!
//! No error here ever carries text from the input: messages name the
//! detector, the operator or the category, never a value.

use std::borrow::Cow;

use phiguard_phi::PhiCategory;

/// Why a detector could not finish.
///
/// Returned by [`crate::Detector::detect`]. A detector that fails makes
/// the whole redaction fail: the gateway must not send text that was only
/// partly scanned.
///
/// The reason is a fixed description chosen by the detector's author. It
/// must never quote the input.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{reason}")]
pub struct DetectError {
    reason: Cow<'static, str>,
}

impl DetectError {
    /// A detection failure with a reason that is safe to log.
    ///
    /// Never put input text in `reason`: it ends up in logs.
    pub fn new(reason: impl Into<Cow<'static, str>>) -> Self {
        DetectError {
            reason: reason.into(),
        }
    }
}

/// Why an operator could not replace a span.
///
/// Returned by [`crate::Operator::apply`]; like [`DetectError`], the reason
/// must never quote the span.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{reason}")]
pub struct OperatorError {
    reason: Cow<'static, str>,
}

impl OperatorError {
    /// An operator failure with a reason that is safe to log.
    pub fn new(reason: impl Into<Cow<'static, str>>) -> Self {
        OperatorError {
            reason: reason.into(),
        }
    }
}

/// Everything that can go wrong while redacting.
///
/// Display is lowercase and safe to log: it names detectors, operators and
/// categories, never the text.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RedactError {
    /// A detector failed; nothing may be sent.
    #[error("detector `{detector}` failed")]
    Detector {
        /// The detector's name.
        detector: String,
        /// What it reported.
        #[source]
        source: DetectError,
    },
    /// A detector returned a span outside the text or not on character
    /// boundaries, so the text cannot be redacted reliably.
    #[error(
        "detector `{detector}` returned a span that is not on character boundaries of the text"
    )]
    InvalidSpan {
        /// The detector's name.
        detector: String,
    },
    /// An operator failed to replace a span.
    #[error("operator `{operator}` failed on a {category} span")]
    Operator {
        /// The operator's name.
        operator: String,
        /// The category of the span it was replacing.
        category: PhiCategory,
        /// What it reported.
        #[source]
        source: OperatorError,
    },
    /// A redactor was built from an invalid configuration.
    #[error("invalid redactor configuration: {0}")]
    Config(&'static str),
}
