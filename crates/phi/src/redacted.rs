//! Redacting serialization, for dumps that must be safe to keep or show.
//!
//! Inside these functions every [`Phi`](crate::Phi) serializes as the
//! string `"[REDACTED:category]"`, whatever its type. Nothing else changes.
//!
//! ```
//! use phiguard_phi::{redacted, Phi, PhiCategory};
//!
//! let phone = Phi::new(String::from("555-0100"), PhiCategory::Phone);
//! let json = redacted::to_json_string(&vec![phone]).unwrap();
//! assert_eq!(json, r#"["[REDACTED:phone]"]"#);
//! ```

use serde::{Serialize, Serializer};

use crate::egress::{self, EgressError};

/// Serializes `value` once with `serializer`, redacting every `Phi`.
///
/// # Errors
///
/// Whatever the serializer returns.
pub fn serialize<T, S>(value: &T, serializer: S) -> Result<S::Ok, S::Error>
where
    T: Serialize + ?Sized,
    S: Serializer,
{
    egress::with_frame(egress::redact_frame(), || value.serialize(serializer))
}

/// Serializes `value` to a JSON string, redacting every `Phi`.
///
/// # Errors
///
/// [`EgressError::Serialization`] when serde_json fails.
pub fn to_json_string<T: Serialize + ?Sized>(value: &T) -> Result<String, EgressError> {
    let mut out = Vec::with_capacity(256);
    serialize(value, &mut serde_json::Serializer::new(&mut out)).map_err(egress::classify)?;
    // serde_json writes valid UTF-8.
    String::from_utf8(out).map_err(|_| EgressError::Serialization { kind: "data" })
}

/// Serializes `value` to a `serde_json::Value`, redacting every `Phi`.
///
/// # Errors
///
/// [`EgressError::Serialization`] when serde_json fails.
pub fn to_json_value<T: Serialize + ?Sized>(value: &T) -> Result<serde_json::Value, EgressError> {
    serialize(value, serde_json::value::Serializer).map_err(egress::classify)
}
