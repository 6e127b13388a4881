//! The `Phi<T>` wrapper.

use std::fmt;

use secrecy::{ExposeSecret, SecretBox};
use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use zeroize::Zeroize;

use crate::PhiCategory;
use crate::egress::{self, Decision};

/// A value that holds protected health information.
///
/// The value sits on the heap and is zeroized when the `Phi` is dropped.
/// It has no `Display`; its `Debug` prints the category only
/// (`Phi(name)`). Reading it takes [`Phi::expose_phi`], a name meant to be
/// searched for in review.
///
/// Serializing it fails unless the serialization runs inside an egress
/// permit that covers the category (see [`crate::egress`]), or inside a
/// redacting serialization (see [`crate::redacted`]).
///
/// Deserializing is transparent: a `Phi<String>` reads from a JSON string.
/// The category is then [`PhiCategory::Unclassified`] unless a
/// `deserialize_with` helper from [`crate::de`] names it. A value that
/// does not match `T` is rejected with an error that withholds it.
///
/// ```
/// use phiguard_phi::{Phi, PhiCategory};
///
/// let mrn = Phi::new(String::from("MRN-0042"), PhiCategory::MedicalRecordNumber);
/// assert_eq!(format!("{mrn:?}"), "Phi(medical_record_number)");
/// assert_eq!(mrn.expose_phi(), "MRN-0042");
/// assert!(serde_json::to_string(&mrn).is_err());
/// ```
pub struct Phi<T: Zeroize> {
    value: SecretBox<T>,
    category: PhiCategory,
}

impl<T: Zeroize> Phi<T> {
    /// Wraps `value` as PHI of `category`.
    pub fn new(value: T, category: PhiCategory) -> Self {
        Phi {
            value: SecretBox::new(Box::new(value)),
            category,
        }
    }

    /// The category the value was labelled with.
    pub fn category(&self) -> PhiCategory {
        self.category
    }

    /// The same value under another category, for example once a labelling
    /// schema says what an unclassified field holds.
    pub fn with_category(mut self, category: PhiCategory) -> Self {
        self.category = category;
        self
    }

    /// Reads the value.
    ///
    /// Every call is a place where PHI leaves the wrapper: keep them few,
    /// and keep what they return out of logs and error messages.
    pub fn expose_phi(&self) -> &T {
        self.value.expose_secret()
    }

    /// Builds a new `Phi` of the same category from a view of this one,
    /// without exposing the value to the caller's scope.
    pub fn map<U: Zeroize>(&self, f: impl FnOnce(&T) -> U) -> Phi<U> {
        Phi::new(f(self.expose_phi()), self.category)
    }
}

impl<T: Zeroize + Clone> Clone for Phi<T> {
    fn clone(&self) -> Self {
        Phi::new(self.expose_phi().clone(), self.category)
    }
}

impl<T: Zeroize + PartialEq> PartialEq for Phi<T> {
    fn eq(&self, other: &Self) -> bool {
        self.category == other.category && self.expose_phi() == other.expose_phi()
    }
}

impl<T: Zeroize + Eq> Eq for Phi<T> {}

impl<T: Zeroize> fmt::Debug for Phi<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Phi({})", self.category)
    }
}

impl<T: Zeroize + Serialize> Serialize for Phi<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match egress::decide(self.category) {
            Decision::Permit => self.expose_phi().serialize(serializer),
            Decision::Redact => {
                serializer.collect_str(&format_args!("[REDACTED:{}]", self.category))
            }
            Decision::Refuse(refusal) => Err(serde::ser::Error::custom(refusal)),
        }
    }
}

impl<'de, T: Zeroize + Deserialize<'de>> Deserialize<'de> for Phi<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserialize_as(deserializer, PhiCategory::Unclassified)
    }
}

/// Deserializes a `Phi<T>` of `category`, replacing any error from `T`
/// with one that cannot quote the input.
pub(crate) fn deserialize_as<'de, D, T>(
    deserializer: D,
    category: PhiCategory,
) -> Result<Phi<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Zeroize + Deserialize<'de>,
{
    match T::deserialize(deserializer) {
        Ok(value) => Ok(Phi::new(value, category)),
        Err(_) => Err(D::Error::custom(format_args!(
            "a {category} value did not have the expected type (value withheld)"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_names_category_only() {
        let phi = Phi::new(String::from("Jane Q. Patient"), PhiCategory::Name);
        assert_eq!(format!("{phi:?}"), "Phi(name)");
        assert_eq!(format!("{phi:#?}"), "Phi(name)");
    }

    #[test]
    fn deserialize_is_transparent_and_unclassified() {
        let phi: Phi<String> = serde_json::from_str("\"555-0100\"").unwrap();
        assert_eq!(phi.expose_phi(), "555-0100");
        assert_eq!(phi.category(), PhiCategory::Unclassified);
        let relabelled = phi.with_category(PhiCategory::Phone);
        assert_eq!(relabelled.category(), PhiCategory::Phone);
    }

    #[test]
    fn deserialize_error_withholds_the_value() {
        let err = serde_json::from_str::<Phi<u64>>("\"Zebediah Quux\"").unwrap_err();
        let message = err.to_string();
        assert!(!message.contains("Zebediah"), "{message}");
        assert!(message.contains("unclassified"), "{message}");
    }

    #[test]
    fn map_keeps_category() {
        let phi = Phi::new(String::from("Jane"), PhiCategory::Name);
        let upper = phi.map(|s| s.to_uppercase());
        assert_eq!(upper.expose_phi(), "JANE");
        assert_eq!(upper.category(), PhiCategory::Name);
        assert_eq!(phi.clone(), phi);
    }
}
