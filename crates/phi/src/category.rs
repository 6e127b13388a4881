//! PHI categories: the 18 Safe Harbor identifiers and clinical content.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// Whether a category identifies a person or describes their health.
///
/// Policies treat the two differently: identifiers are replaced before any
/// AI call, clinical content may leave when a purpose needs it and a
/// business associate agreement covers it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PhiKind {
    /// One of the 18 identifiers of the HIPAA Safe Harbor method
    /// (45 CFR 164.514(b)(2)), or PHI whose kind was never declared.
    Identifier,
    /// Health content: diagnoses, medications, notes and the like.
    Clinical,
}

macro_rules! categories {
    ($(
        $(#[$doc:meta])*
        $variant:ident = $name:literal, $kind:ident;
    )*) => {
        /// What kind of protected health information a value holds.
        ///
        /// The first 18 variants are the Safe Harbor identifiers; the
        /// clinical variants describe health content. [`Unclassified`]
        /// is what a value gets when nobody declared its kind; it is
        /// handled as an identifier, the stricter of the two.
        ///
        /// The snake-case names (`"medical_record_number"`) are used in
        /// configuration files, audit records and error messages.
        ///
        /// [`Unclassified`]: PhiCategory::Unclassified
        #[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[derive(Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        #[non_exhaustive]
        pub enum PhiCategory {
            $( $(#[$doc])* $variant, )*
        }

        impl PhiCategory {
            /// Every category, identifiers first.
            pub const ALL: &'static [PhiCategory] = &[$(PhiCategory::$variant,)*];

            /// The snake-case name used in files, logs and errors.
            pub const fn name(self) -> &'static str {
                match self { $(PhiCategory::$variant => $name,)* }
            }

            /// Whether this category identifies or describes.
            pub const fn kind(self) -> PhiKind {
                match self { $(PhiCategory::$variant => PhiKind::$kind,)* }
            }
        }

        impl FromStr for PhiCategory {
            type Err = UnknownCategory;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($name => Ok(PhiCategory::$variant),)*
                    _ => Err(UnknownCategory { name: s.chars().take(64).collect() }),
                }
            }
        }
    };
}

categories! {
    /// Names of a person, their relatives, employers or household members.
    Name = "name", Identifier;
    /// Geographic units smaller than a state: street, city, county, ZIP.
    GeographicSubdivision = "geographic_subdivision", Identifier;
    /// Dates (other than year) tied to a person, and ages over 89.
    Date = "date", Identifier;
    /// Telephone numbers.
    Phone = "phone", Identifier;
    /// Fax numbers.
    Fax = "fax", Identifier;
    /// Email addresses.
    Email = "email", Identifier;
    /// Social Security numbers.
    Ssn = "ssn", Identifier;
    /// Medical record numbers.
    MedicalRecordNumber = "medical_record_number", Identifier;
    /// Health plan beneficiary numbers.
    HealthPlanBeneficiaryNumber = "health_plan_beneficiary_number", Identifier;
    /// Account numbers.
    AccountNumber = "account_number", Identifier;
    /// Certificate and license numbers.
    CertificateLicenseNumber = "certificate_license_number", Identifier;
    /// Vehicle identifiers and serial numbers, license plates included.
    VehicleIdentifier = "vehicle_identifier", Identifier;
    /// Device identifiers and serial numbers.
    DeviceIdentifier = "device_identifier", Identifier;
    /// Web URLs.
    Url = "url", Identifier;
    /// IP addresses.
    IpAddress = "ip_address", Identifier;
    /// Biometric identifiers, finger and voice prints included.
    BiometricIdentifier = "biometric_identifier", Identifier;
    /// Full-face photographs and comparable images.
    FullFacePhoto = "full_face_photo", Identifier;
    /// Any other unique identifying number, characteristic or code.
    OtherUniqueIdentifier = "other_unique_identifier", Identifier;
    /// PHI whose kind was not declared. Handled as an identifier.
    Unclassified = "unclassified", Identifier;
    /// Diagnoses, problems and conditions.
    Diagnosis = "diagnosis", Clinical;
    /// Medications, doses and prescriptions.
    Medication = "medication", Clinical;
    /// Procedures and treatments performed.
    Procedure = "procedure", Clinical;
    /// Laboratory and imaging results.
    LabResult = "lab_result", Clinical;
    /// Vital signs and measurements.
    VitalSign = "vital_sign", Clinical;
    /// Allergies and adverse reactions.
    Allergy = "allergy", Clinical;
    /// Immunizations.
    Immunization = "immunization", Clinical;
    /// Care and treatment plans.
    CarePlan = "care_plan", Clinical;
    /// Free-text clinical notes and task threads about a patient.
    ClinicalNote = "clinical_note", Clinical;
    /// Insurance, billing and payment details about a patient's care.
    Billing = "billing", Clinical;
}

impl PhiCategory {
    /// Whether this is one of the Safe Harbor identifiers (or unclassified).
    pub const fn is_identifier(self) -> bool {
        matches!(self.kind(), PhiKind::Identifier)
    }

    /// Whether this category describes health content.
    pub const fn is_clinical(self) -> bool {
        matches!(self.kind(), PhiKind::Clinical)
    }

    const fn bit(self) -> u64 {
        1 << (self as u8)
    }
}

impl fmt::Debug for PhiCategory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl fmt::Display for PhiCategory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A category name that phiguard does not know.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown PHI category `{name}`")]
pub struct UnknownCategory {
    name: String,
}

impl UnknownCategory {
    /// The name that was not recognized (at most 64 characters of it).
    pub fn name(&self) -> &str {
        &self.name
    }
}

/// A set of [`PhiCategory`] values, small and `Copy`.
///
/// ```
/// use phiguard_phi::{CategorySet, PhiCategory};
///
/// let set: CategorySet = [PhiCategory::Name, PhiCategory::Diagnosis].into_iter().collect();
/// assert!(set.contains(PhiCategory::Name));
/// assert!(!set.contains(PhiCategory::Ssn));
/// assert_eq!(set.len(), 2);
/// ```
#[derive(Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct CategorySet(u64);

impl CategorySet {
    /// The empty set.
    pub const EMPTY: CategorySet = CategorySet(0);

    /// A set holding every category.
    pub fn all() -> Self {
        PhiCategory::ALL.iter().copied().collect()
    }

    /// Every Safe Harbor identifier category (unclassified included).
    pub fn identifiers() -> Self {
        PhiCategory::ALL
            .iter()
            .copied()
            .filter(|c| c.is_identifier())
            .collect()
    }

    /// Every clinical category.
    pub fn clinical() -> Self {
        PhiCategory::ALL
            .iter()
            .copied()
            .filter(|c| c.is_clinical())
            .collect()
    }

    /// Whether `category` is in the set.
    pub const fn contains(self, category: PhiCategory) -> bool {
        self.0 & category.bit() != 0
    }

    /// Adds `category`; returns whether it was new.
    pub fn insert(&mut self, category: PhiCategory) -> bool {
        let new = !self.contains(category);
        self.0 |= category.bit();
        new
    }

    /// Removes `category`; returns whether it was present.
    pub fn remove(&mut self, category: PhiCategory) -> bool {
        let had = self.contains(category);
        self.0 &= !category.bit();
        had
    }

    /// The categories in both sets.
    pub const fn intersection(self, other: CategorySet) -> CategorySet {
        CategorySet(self.0 & other.0)
    }

    /// The categories in either set.
    pub const fn union(self, other: CategorySet) -> CategorySet {
        CategorySet(self.0 | other.0)
    }

    /// The categories of `self` that are not in `other`.
    pub const fn difference(self, other: CategorySet) -> CategorySet {
        CategorySet(self.0 & !other.0)
    }

    /// Whether every category of `self` is in `other`.
    pub const fn is_subset(self, other: CategorySet) -> bool {
        self.0 & !other.0 == 0
    }

    /// Whether the set is empty.
    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// How many categories the set holds.
    pub const fn len(self) -> usize {
        self.0.count_ones() as usize
    }

    /// The categories in declaration order.
    pub fn iter(self) -> impl Iterator<Item = PhiCategory> {
        PhiCategory::ALL
            .iter()
            .copied()
            .filter(move |c| self.contains(*c))
    }
}

impl FromIterator<PhiCategory> for CategorySet {
    fn from_iter<I: IntoIterator<Item = PhiCategory>>(iter: I) -> Self {
        let mut set = CategorySet::EMPTY;
        for category in iter {
            set.insert(category);
        }
        set
    }
}

impl Extend<PhiCategory> for CategorySet {
    fn extend<I: IntoIterator<Item = PhiCategory>>(&mut self, iter: I) {
        for category in iter {
            self.insert(category);
        }
    }
}

impl From<PhiCategory> for CategorySet {
    fn from(category: PhiCategory) -> Self {
        CategorySet(category.bit())
    }
}

impl fmt::Debug for CategorySet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.iter()).finish()
    }
}

impl Serialize for CategorySet {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter())
    }
}

impl<'de> Deserialize<'de> for CategorySet {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let list = Vec::<PhiCategory>::deserialize(deserializer)?;
        Ok(list.into_iter().collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn safe_harbor_has_eighteen_identifiers() {
        let declared = PhiCategory::ALL
            .iter()
            .filter(|c| c.is_identifier() && **c != PhiCategory::Unclassified)
            .count();
        assert_eq!(declared, 18);
    }

    #[test]
    fn identifiers_and_clinical_are_disjoint_and_cover_all() {
        let ids = CategorySet::identifiers();
        let clinical = CategorySet::clinical();
        assert!(ids.intersection(clinical).is_empty());
        assert_eq!(ids.union(clinical), CategorySet::all());
        assert!(clinical.contains(PhiCategory::Diagnosis));
        assert!(ids.contains(PhiCategory::Unclassified));
    }

    #[test]
    fn names_round_trip() {
        for category in PhiCategory::ALL {
            assert_eq!(category.name().parse::<PhiCategory>(), Ok(*category));
            let json = serde_json::to_string(category).unwrap();
            assert_eq!(json, format!("\"{}\"", category.name()));
        }
        assert!("diagnoses".parse::<PhiCategory>().is_err());
    }

    #[test]
    fn set_operations() {
        let mut set = CategorySet::EMPTY;
        assert!(set.insert(PhiCategory::Email));
        assert!(!set.insert(PhiCategory::Email));
        assert!(set.is_subset(CategorySet::identifiers()));
        assert!(set.remove(PhiCategory::Email));
        assert!(set.is_empty());
        let both: CategorySet = [PhiCategory::Billing, PhiCategory::Name]
            .into_iter()
            .collect();
        let names: Vec<_> = both.iter().collect();
        assert_eq!(names, [PhiCategory::Name, PhiCategory::Billing]);
        let json = serde_json::to_string(&both).unwrap();
        assert_eq!(json, r#"["name","billing"]"#);
        assert_eq!(serde_json::from_str::<CategorySet>(&json).unwrap(), both);
    }
}
