//! Detectors: what finds identifiers in text.
//!
//! A [`Detector`] appends the [`Span`]s it finds to a vector. The
//! [`crate::Redactor`] runs every detector it was built with over the same
//! text, then resolves overlaps between their spans.
//!
//! Built in:
//!
//! - [`PatternDetector`]: e-mail addresses, URLs, IPv4 and IPv6
//!   addresses, phone and fax numbers, SSNs, dates in the common numeric
//!   and written forms, ages over 89, medical record, health plan,
//!   account, certificate and license, vehicle and device numbers (with
//!   their cue words), payment card and IBAN numbers, long numbers, street
//!   addresses, P.O. boxes, "City, ST" and ZIP codes.
//! - [`NameDetector`]: person names from the US Census name lists and
//!   context cues, and city names.
//! - [`TermDetector`]: fixed terms (a deny-list), matched whatever their
//!   case, spacing and punctuation. The session's known values (the
//!   patient's own name, MRN, phone) use the same matcher.
//!
//! # Writing a detector
//!
//! ```
//! use phiguard_phi::PhiCategory;
//! use phiguard_redact::{DetectError, Detector, Redactor, RedactionSession, Span};
//!
//! /// Finds bed numbers such as "bed 12B", which identify a patient on a ward.
//! struct BedNumbers;
//!
//! impl Detector for BedNumbers {
//!     fn name(&self) -> &str {
//!         "bed_numbers"
//!     }
//!
//!     fn detect(&self, text: &str, out: &mut Vec<Span>) -> Result<(), DetectError> {
//!         for (at, _) in text.match_indices("bed ") {
//!             let value = at + 4;
//!             let end = text[value..]
//!                 .find(|c: char| !c.is_ascii_alphanumeric())
//!                 .map_or(text.len(), |n| value + n);
//!             if end > value {
//!                 out.push(Span::new(value, end, PhiCategory::OtherUniqueIdentifier, 0.9, "bed_numbers"));
//!             }
//!         }
//!         Ok(())
//!     }
//! }
//!
//! let redactor = Redactor::builder().detector(BedNumbers).build().unwrap();
//! let mut session = RedactionSession::new();
//! let redaction = redactor.redact("moved to bed 12B overnight", &mut session).unwrap();
//! assert!(!redaction.text().contains("12B"));
//! ```

mod names;
mod patterns;
mod swar;
pub(crate) mod terms;

pub use names::NameDetector;
pub use patterns::PatternDetector;
pub use terms::TermDetector;

use crate::error::DetectError;
use crate::span::Span;

/// Finds identifiers in text.
///
/// Implementations must be deterministic for a given text, must return
/// spans on UTF-8 character boundaries of `text` (the redactor refuses the
/// whole text otherwise), and must not log or keep the text.
///
/// Return an error rather than a partial result when something goes wrong:
/// the caller fails closed and sends nothing.
pub trait Detector: Send + Sync {
    /// A short, stable name, recorded in every span this detector finds.
    fn name(&self) -> &str;

    /// Appends every span found in `text` to `out`, in any order.
    ///
    /// # Errors
    ///
    /// When the text could not be scanned completely.
    fn detect(&self, text: &str, out: &mut Vec<Span>) -> Result<(), DetectError>;
}
