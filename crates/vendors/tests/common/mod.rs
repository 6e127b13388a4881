//! A small registry, written as TOML, that tests bend one field at a time.

#![allow(dead_code)]

use phiguard_phi::{CategorySet, PhiCategory};
use phiguard_vendors::{ClearanceRequest, VendorRegistry};
use time::OffsetDateTime;
use time::macros::datetime;

/// An instant when the fixture's agreement is in force.
pub(crate) const IN_FORCE: OffsetDateTime = datetime!(2026-06-01 12:00 UTC);

pub(crate) const SHA: &str = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

/// The agreement: signed, in force 2026-02-01 through 2027-01-31, for
/// `summarize`, clinical content and names, excluding web search and
/// requiring zero data retention.
pub(crate) fn signed_baa() -> String {
    format!(
        r#"id = "acme-baa"
status = "signed"
version = "v3"
signed_on = 2026-01-10
effective_on = 2026-02-01
expires_on = 2027-01-31
document_sha256 = "{SHA}"
document_location = "drive:/baa/acme-v3.pdf"
covered_services = ["acme-chat"]
permitted_purposes = ["summarize", "store"]
permitted_categories = ["clinical", "name"]
excluded_features = ["web_search"]
required_configuration = ["zero_data_retention"]
"#
    )
}

/// One vendor (`acme`) with one service (`acme-chat`) and one agreement.
pub(crate) struct Fixture {
    pub(crate) zone: &'static str,
    pub(crate) allowed_regions: &'static str,
    pub(crate) regions: &'static str,
    pub(crate) confirmed: &'static str,
    pub(crate) handling: String,
    /// The body of the `[[vendor.baa]]` table; empty for none.
    pub(crate) baa: String,
    /// The body of `[vendor.evaluation]`; empty for none.
    pub(crate) evaluation: String,
    /// Appended at the end of the file.
    pub(crate) extra: String,
}

impl Default for Fixture {
    fn default() -> Self {
        Fixture {
            zone: "UTC",
            allowed_regions: r#"["us", "eastus"]"#,
            regions: r#"["us"]"#,
            confirmed: r#"["zero_data_retention"]"#,
            handling: "retention_days = 0\ntrains_on_customer_data = false\n".into(),
            baa: signed_baa(),
            evaluation: "reviewer = \"Compliance\"\nreviewed_on = 2026-01-05\n\
                         next_review_due = 2027-06-30\n"
                .into(),
            extra: String::new(),
        }
    }
}

impl Fixture {
    pub(crate) fn toml(&self) -> String {
        let mut text = format!(
            r#"[registry]
time_zone = "{zone}"
max_retention_days = 30
allowed_regions = {allowed}
expiry_warning_days = 30

[purposes.summarize]
description = "Summarize"

[purposes.draft]
description = "Draft"

[purposes.store]
description = "Store in the system of record"
stores_data = true

[[vendor]]
id = "acme"
name = "Acme AI"

[[vendor.service]]
id = "acme-chat"
name = "Acme chat"
hosts = ["api.acme.example"]
regions = {regions}
confirmed_configuration = {confirmed}

[vendor.service.data_handling]
{handling}
"#,
            zone = self.zone,
            allowed = self.allowed_regions,
            regions = self.regions,
            confirmed = self.confirmed,
            handling = self.handling,
        );
        if !self.evaluation.is_empty() {
            text.push_str("\n[vendor.evaluation]\n");
            text.push_str(&self.evaluation);
        }
        if !self.baa.is_empty() {
            text.push_str("\n[[vendor.baa]]\n");
            text.push_str(&self.baa);
        }
        text.push_str(&self.extra);
        text
    }

    pub(crate) fn registry(&self) -> VendorRegistry {
        let text = self.toml();
        VendorRegistry::from_toml_str(&text).unwrap_or_else(|e| panic!("{e}\n{text}"))
    }

    /// The fixture with one line of the agreement replaced.
    pub(crate) fn baa_with(mut self, from: &str, to: &str) -> Self {
        assert!(self.baa.contains(from), "{from}");
        self.baa = self.baa.replace(from, to);
        self
    }
}

pub(crate) fn clinical() -> CategorySet {
    CategorySet::from(PhiCategory::ClinicalNote)
}

/// A request the default fixture clears.
pub(crate) fn request(at: OffsetDateTime) -> ClearanceRequest {
    ClearanceRequest::new("acme-chat", "summarize", clinical(), at)
}
