//! PHI that refuses to leave except through a cleared sink.
//!
//! [`Phi<T>`] wraps a value that holds protected health information, with
//! the [`PhiCategory`] it belongs to: one of the 18 Safe Harbor identifiers
//! or a kind of clinical content.
//!
//! # What this crate guarantees
//!
//! - `Debug` of a `Phi` prints its category and nothing else. There is no
//!   `Display`, no `Deref`, no conversion to a plain string; the value is
//!   read with [`Phi::expose_phi`] alone.
//! - Serializing a `Phi` fails closed. It writes the value only inside an
//!   egress scope whose [`EgressPermit`] covers its category, for exactly
//!   one synchronous serialization on one thread ([`egress`]). Anywhere
//!   else it returns an error that names the category and the sink.
//! - [`redacted`] serializes any structure with every `Phi` shown as
//!   `"[REDACTED:category]"`, for dumps that must be safe to keep.
//! - Deserializing is transparent, and a value of the wrong type is
//!   rejected with an error that does not quote it.
//! - The value lives on the heap and is zeroized when dropped
//!   (through `secrecy` and `zeroize`).
//!
//! # What it does not guarantee
//!
//! - Copies made before the value was wrapped (the request body it was
//!   parsed from, a `String` that grew and moved) are not zeroized, nor are
//!   values spilled to the stack or to registers.
//! - What [`Phi::expose_phi`] hands out is an ordinary reference: code that
//!   copies it into a log defeats the type. Review every call.
//! - Bytes produced inside an egress scope are plain PHI: they must go
//!   straight to the sink the permit names.
//! - A permit is only as good as its issuer. Permits are minted by the
//!   vendor registry when a business associate agreement covers the sink;
//!   the `permit-issuer` feature that allows minting is enabled there and
//!   nowhere else.
//!
//! # Example
//!
//! ```
//! use phiguard_phi::{redacted, Phi, PhiCategory};
//!
//! #[derive(serde::Serialize, Debug)]
//! struct Referral {
//!     patient: Phi<String>,
//!     reason: Phi<String>,
//!     clinic: String,
//! }
//!
//! let referral = Referral {
//!     patient: Phi::new("Ada Quill".into(), PhiCategory::Name),
//!     reason: Phi::new("suspected T2DM".into(), PhiCategory::Diagnosis),
//!     clinic: "North".into(),
//! };
//!
//! // Debug shows categories only.
//! assert!(!format!("{referral:?}").contains("Ada"));
//!
//! // Plain serialization is refused.
//! assert!(serde_json::to_string(&referral).is_err());
//!
//! // A redacted dump is fine.
//! let dump = redacted::to_json_string(&referral).unwrap();
//! assert_eq!(
//!     dump,
//!     r#"{"patient":"[REDACTED:name]","reason":"[REDACTED:diagnosis]","clinic":"North"}"#
//! );
//! ```

mod category;
pub mod de;
pub mod egress;
pub mod redacted;
mod value;

pub use category::{CategorySet, PhiCategory, PhiKind, UnknownCategory};
pub use egress::{EgressError, EgressPermit};
pub use value::Phi;
