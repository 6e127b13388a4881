//! What the registry records: vendors, their services, business associate
//! agreements, data handling and evaluations.

use std::fmt;

use phiguard_phi::CategorySet;
use serde::Deserialize;
use time::Date;

/// A business associate: a company that may receive PHI on the covered
/// entity's behalf, with the services it offers and the agreements signed
/// with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Vendor {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) legal_name: Option<String>,
    pub(crate) evaluation: Option<Evaluation>,
    pub(crate) service_ids: Vec<String>,
    pub(crate) baa_ids: Vec<String>,
}

impl Vendor {
    /// The vendor's id in the registry, for example `clickup`.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The name people use for the vendor.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The legal entity that signs the agreement, when recorded.
    pub fn legal_name(&self) -> Option<&str> {
        self.legal_name.as_deref()
    }

    /// The latest vendor evaluation, when one was recorded.
    pub fn evaluation(&self) -> Option<&Evaluation> {
        self.evaluation.as_ref()
    }

    /// The ids of the vendor's services, in file order.
    pub fn service_ids(&self) -> &[String] {
        &self.service_ids
    }

    /// The ids of the vendor's agreements, in file order.
    pub fn baa_ids(&self) -> &[String] {
        &self.baa_ids
    }
}

/// One endpoint family of a vendor, such as "ClickUp API v2" or "Azure
/// OpenAI chat completions": the unit a clearance is granted for, and the
/// sink named by its egress permit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Service {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) vendor_id: String,
    pub(crate) surface: Option<String>,
    pub(crate) hosts: Vec<String>,
    pub(crate) regions: Vec<String>,
    pub(crate) confirmed_configuration: Vec<String>,
    pub(crate) data_handling: DataHandling,
}

impl Service {
    /// The service id, for example `clickup-api-v2`. Egress permits name
    /// it as their sink.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The service's display name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The id of the vendor that runs the service.
    pub fn vendor_id(&self) -> &str {
        &self.vendor_id
    }

    /// How the service is reached (`api`, `cloud_platform`, `saas_ui`...),
    /// when recorded.
    pub fn surface(&self) -> Option<&str> {
        self.surface.as_deref()
    }

    /// The hosts the service is reached at, normalized: lowercase, with
    /// `:port` when the declaration named a port.
    pub fn hosts(&self) -> &[String] {
        &self.hosts
    }

    /// The regions the service processes data in, lowercase.
    pub fn regions(&self) -> &[String] {
        &self.regions
    }

    /// Configuration the covered entity has confirmed for its account with
    /// this service, such as `zero_data_retention`.
    pub fn confirmed_configuration(&self) -> &[String] {
        &self.confirmed_configuration
    }

    /// How the service handles the data it receives.
    pub fn data_handling(&self) -> &DataHandling {
        &self.data_handling
    }
}

/// Where a business associate agreement stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum BaaStatus {
    /// The vendor offers no agreement, or none was asked for.
    None,
    /// Asked for and not yet signed.
    Requested,
    /// Signed; in force between its effective and expiry dates.
    Signed,
    /// Ran out and was not renewed.
    Expired,
    /// Ended by either party.
    Terminated,
}

impl BaaStatus {
    /// The name used in the registry file.
    pub const fn name(self) -> &'static str {
        match self {
            BaaStatus::None => "none",
            BaaStatus::Requested => "requested",
            BaaStatus::Signed => "signed",
            BaaStatus::Expired => "expired",
            BaaStatus::Terminated => "terminated",
        }
    }
}

impl fmt::Display for BaaStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A business associate agreement (45 CFR 164.504(e)) as the compliance
/// office recorded it.
///
/// Dates are calendar days read in the registry's time zone. The
/// agreement is in force from the first instant of `effective_on` through
/// the last instant of `expires_on`: the expiry date is the last day
/// covered, as contracts usually word it. See
/// [`VendorRegistry::in_force_from`](crate::VendorRegistry::in_force_from).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaaRecord {
    pub(crate) id: String,
    pub(crate) vendor_id: String,
    pub(crate) status: BaaStatus,
    pub(crate) version: Option<String>,
    pub(crate) signed_on: Option<Date>,
    pub(crate) effective_on: Option<Date>,
    pub(crate) expires_on: Option<Date>,
    pub(crate) document_sha256: Option<String>,
    pub(crate) document_location: Option<String>,
    pub(crate) counterparty_signatory: Option<String>,
    pub(crate) covered_services: Vec<String>,
    pub(crate) permitted_purposes: Vec<String>,
    pub(crate) permitted_categories: CategorySet,
    pub(crate) excluded_features: Vec<String>,
    pub(crate) required_configuration: Vec<String>,
    pub(crate) notes: Option<String>,
}

impl BaaRecord {
    /// The agreement's id in the registry.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The id of the vendor that signed it.
    pub fn vendor_id(&self) -> &str {
        &self.vendor_id
    }

    /// Where the agreement stands.
    pub fn status(&self) -> BaaStatus {
        self.status
    }

    /// The agreement's version or revision label (required once signed).
    pub fn version(&self) -> Option<&str> {
        self.version.as_deref()
    }

    /// The day it was signed.
    pub fn signed_on(&self) -> Option<Date> {
        self.signed_on
    }

    /// The first day it is in force.
    pub fn effective_on(&self) -> Option<Date> {
        self.effective_on
    }

    /// The last day it is in force; `None` for an agreement without a
    /// fixed term (it stays in force until terminated).
    pub fn expires_on(&self) -> Option<Date> {
        self.expires_on
    }

    /// SHA-256 of the signed document, lowercase hex.
    pub fn document_sha256(&self) -> Option<&str> {
        self.document_sha256.as_deref()
    }

    /// Where the signed copy is kept.
    pub fn document_location(&self) -> Option<&str> {
        self.document_location.as_deref()
    }

    /// Who signed for the vendor, when recorded.
    pub fn counterparty_signatory(&self) -> Option<&str> {
        self.counterparty_signatory.as_deref()
    }

    /// The ids of the services the agreement covers.
    pub fn covered_services(&self) -> &[String] {
        &self.covered_services
    }

    /// The purposes the agreement permits.
    pub fn permitted_purposes(&self) -> &[String] {
        &self.permitted_purposes
    }

    /// The PHI categories the agreement permits.
    pub fn permitted_categories(&self) -> CategorySet {
        self.permitted_categories
    }

    /// Features of the covered services that the agreement leaves out
    /// (web search, image input...).
    pub fn excluded_features(&self) -> &[String] {
        &self.excluded_features
    }

    /// Configuration the agreement requires, such as
    /// `zero_data_retention`.
    pub fn required_configuration(&self) -> &[String] {
        &self.required_configuration
    }

    /// Free-text notes by the compliance office.
    pub fn notes(&self) -> Option<&str> {
        self.notes.as_deref()
    }
}

/// How a service handles the data it receives.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DataHandling {
    #[serde(default)]
    pub(crate) retention_days: Option<u32>,
    #[serde(default)]
    pub(crate) customer_controlled_retention: bool,
    #[serde(default)]
    pub(crate) deletion_on_request: bool,
    pub(crate) trains_on_customer_data: bool,
    #[serde(default)]
    pub(crate) encryption_at_rest: Option<String>,
    #[serde(default)]
    pub(crate) encryption_in_transit: Option<String>,
    #[serde(default)]
    pub(crate) sub_processors: Vec<String>,
    #[serde(default)]
    pub(crate) breach_notice_days: Option<u32>,
}

impl DataHandling {
    /// How many days the vendor keeps inputs and outputs (abuse monitoring
    /// included); `0` under zero data retention. `None` when retention is
    /// controlled by the customer instead.
    pub fn retention_days(&self) -> Option<u32> {
        self.retention_days
    }

    /// Whether the service keeps data for as long as the customer keeps
    /// it, as a system of record does.
    pub fn customer_controlled_retention(&self) -> bool {
        self.customer_controlled_retention
    }

    /// Whether specific inputs can be deleted on request.
    pub fn deletion_on_request(&self) -> bool {
        self.deletion_on_request
    }

    /// Whether the vendor trains models on customer data.
    pub fn trains_on_customer_data(&self) -> bool {
        self.trains_on_customer_data
    }

    /// Encryption at rest, as the vendor describes it.
    pub fn encryption_at_rest(&self) -> Option<&str> {
        self.encryption_at_rest.as_deref()
    }

    /// Encryption in transit, as the vendor describes it.
    pub fn encryption_in_transit(&self) -> Option<&str> {
        self.encryption_in_transit.as_deref()
    }

    /// The vendor's sub-processors that may handle the data.
    pub fn sub_processors(&self) -> &[String] {
        &self.sub_processors
    }

    /// How many days the vendor has to report a breach.
    pub fn breach_notice_days(&self) -> Option<u32> {
        self.breach_notice_days
    }
}

/// The compliance office's latest review of a vendor.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Evaluation {
    pub(crate) reviewer: String,
    #[serde(deserialize_with = "crate::file::date")]
    pub(crate) reviewed_on: Date,
    #[serde(deserialize_with = "crate::file::date")]
    pub(crate) next_review_due: Date,
    #[serde(default)]
    pub(crate) questionnaire: Option<String>,
    #[serde(default)]
    pub(crate) risk_rating: Option<String>,
    #[serde(default)]
    pub(crate) notes: Option<String>,
}

impl Evaluation {
    /// Who reviewed the vendor.
    pub fn reviewer(&self) -> &str {
        &self.reviewer
    }

    /// The day of the review.
    pub fn reviewed_on(&self) -> Date {
        self.reviewed_on
    }

    /// The day the next review is due.
    pub fn next_review_due(&self) -> Date {
        self.next_review_due
    }

    /// The questionnaire used (HECVAT, SIG Lite, CAIQ...).
    pub fn questionnaire(&self) -> Option<&str> {
        self.questionnaire.as_deref()
    }

    /// The reviewer's risk rating.
    pub fn risk_rating(&self) -> Option<&str> {
        self.risk_rating.as_deref()
    }

    /// Free-text notes.
    pub fn notes(&self) -> Option<&str> {
        self.notes.as_deref()
    }
}

/// A purpose PHI may be sent for, declared once in the registry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Purpose {
    pub(crate) name: String,
    pub(crate) description: String,
    pub(crate) stores_data: bool,
}

impl Purpose {
    /// The purpose's name, for example `summarize`.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// What the purpose is, for the reviewer.
    pub fn description(&self) -> &str {
        &self.description
    }

    /// Whether keeping the data is the point of the purpose (writing to a
    /// system of record). The registry's retention limit does not apply to
    /// such purposes.
    pub fn stores_data(&self) -> bool {
        self.stores_data
    }
}
