//! `deserialize_with` helpers that label a `Phi` field with its category.
//!
//! A plain `Phi<T>` field deserializes as
//! [`Unclassified`](crate::PhiCategory::Unclassified). Name the category
//! with the helper of the same name; `Option<Phi<T>>` fields use the
//! `_opt` helper, with `#[serde(default)]` so a missing field reads as
//! `None`.
//!
//! ```
//! use phiguard_phi::{de, Phi, PhiCategory};
//!
//! #[derive(serde::Deserialize)]
//! struct Intake {
//!     #[serde(deserialize_with = "de::name")]
//!     patient: Phi<String>,
//!     #[serde(default, deserialize_with = "de::phone_opt")]
//!     phone: Option<Phi<String>>,
//! }
//!
//! let intake: Intake = serde_json::from_str(r#"{"patient": "Ada Quill"}"#).unwrap();
//! assert_eq!(intake.patient.category(), PhiCategory::Name);
//! assert!(intake.phone.is_none());
//! ```

use serde::{Deserialize, Deserializer};
use zeroize::Zeroize;

use crate::value::deserialize_as;
use crate::{Phi, PhiCategory};

/// Deserializes a `Phi<T>` labelled with `category`.
///
/// # Errors
///
/// An error that withholds the value when it does not match `T`.
pub fn with_category<'de, D, T>(deserializer: D, category: PhiCategory) -> Result<Phi<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Zeroize + Deserialize<'de>,
{
    deserialize_as(deserializer, category)
}

/// Deserializes an `Option<Phi<T>>` labelled with `category`; `null` is
/// `None`.
///
/// # Errors
///
/// An error that withholds the value when it does not match `T`.
pub fn option_with_category<'de, D, T>(
    deserializer: D,
    category: PhiCategory,
) -> Result<Option<Phi<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Zeroize + Deserialize<'de>,
{
    let inner: Option<Phi<T>> = Option::deserialize(deserializer)?;
    Ok(inner.map(|phi| phi.with_category(category)))
}

macro_rules! helpers {
    ($($one:ident, $opt:ident => $category:ident;)*) => {$(
        #[doc = concat!("Deserializes a `Phi<T>` labelled `", stringify!($category), "`.")]
        ///
        /// # Errors
        ///
        /// An error that withholds the value when it does not match `T`.
        pub fn $one<'de, D, T>(deserializer: D) -> Result<Phi<T>, D::Error>
        where
            D: Deserializer<'de>,
            T: Zeroize + Deserialize<'de>,
        {
            deserialize_as(deserializer, PhiCategory::$category)
        }

        #[doc = concat!("Deserializes an `Option<Phi<T>>` labelled `", stringify!($category), "`.")]
        ///
        /// # Errors
        ///
        /// An error that withholds the value when it does not match `T`.
        pub fn $opt<'de, D, T>(deserializer: D) -> Result<Option<Phi<T>>, D::Error>
        where
            D: Deserializer<'de>,
            T: Zeroize + Deserialize<'de>,
        {
            option_with_category(deserializer, PhiCategory::$category)
        }
    )*};
}

helpers! {
    name, name_opt => Name;
    geographic_subdivision, geographic_subdivision_opt => GeographicSubdivision;
    date, date_opt => Date;
    phone, phone_opt => Phone;
    fax, fax_opt => Fax;
    email, email_opt => Email;
    ssn, ssn_opt => Ssn;
    medical_record_number, medical_record_number_opt => MedicalRecordNumber;
    health_plan_beneficiary_number, health_plan_beneficiary_number_opt =>
        HealthPlanBeneficiaryNumber;
    account_number, account_number_opt => AccountNumber;
    certificate_license_number, certificate_license_number_opt => CertificateLicenseNumber;
    vehicle_identifier, vehicle_identifier_opt => VehicleIdentifier;
    device_identifier, device_identifier_opt => DeviceIdentifier;
    url, url_opt => Url;
    ip_address, ip_address_opt => IpAddress;
    biometric_identifier, biometric_identifier_opt => BiometricIdentifier;
    full_face_photo, full_face_photo_opt => FullFacePhoto;
    other_unique_identifier, other_unique_identifier_opt => OtherUniqueIdentifier;
    diagnosis, diagnosis_opt => Diagnosis;
    medication, medication_opt => Medication;
    procedure, procedure_opt => Procedure;
    lab_result, lab_result_opt => LabResult;
    vital_sign, vital_sign_opt => VitalSign;
    allergy, allergy_opt => Allergy;
    immunization, immunization_opt => Immunization;
    care_plan, care_plan_opt => CarePlan;
    clinical_note, clinical_note_opt => ClinicalNote;
    billing, billing_opt => Billing;
}
