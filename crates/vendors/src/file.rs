//! The registry file as written: serde types that mirror the TOML.
//!
//! Every table denies unknown fields, so a misspelled key is a load error
//! with its line and column instead of a silently ignored setting. Values
//! that need the whole file to be checked (category and purpose names,
//! hosts, covered services) stay strings here and are checked when the
//! registry is built.

use std::collections::BTreeMap;

use serde::de::Error as _;
use serde::{Deserialize, Deserializer};
use time::{Date, Month};

use crate::model::{BaaStatus, DataHandling, Evaluation};
use crate::zone::Zone;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RegistryFile {
    pub(crate) registry: SettingsFile,
    #[serde(default)]
    pub(crate) purposes: BTreeMap<String, PurposeFile>,
    #[serde(default, rename = "vendor")]
    pub(crate) vendors: Vec<VendorFile>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SettingsFile {
    // `utc_offset` is accepted too: it reads naturally when the value is a
    // fixed offset.
    #[serde(default = "Zone::utc", alias = "utc_offset", deserialize_with = "zone")]
    pub(crate) time_zone: Zone,
    pub(crate) max_retention_days: u32,
    #[serde(default)]
    pub(crate) allowed_regions: Vec<String>,
    #[serde(default = "default_warning_days")]
    pub(crate) expiry_warning_days: u32,
}

fn default_warning_days() -> u32 {
    60
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PurposeFile {
    pub(crate) description: String,
    #[serde(default)]
    pub(crate) stores_data: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct VendorFile {
    pub(crate) id: String,
    pub(crate) name: String,
    #[serde(default)]
    pub(crate) legal_name: Option<String>,
    #[serde(default)]
    pub(crate) evaluation: Option<Evaluation>,
    #[serde(default, rename = "service")]
    pub(crate) services: Vec<ServiceFile>,
    #[serde(default, rename = "baa")]
    pub(crate) baas: Vec<BaaFile>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ServiceFile {
    pub(crate) id: String,
    pub(crate) name: String,
    #[serde(default)]
    pub(crate) surface: Option<String>,
    // Defaulted so that a missing list is reported as a semantic error that
    // names the vendor and service, like an empty one.
    #[serde(default)]
    pub(crate) hosts: Vec<String>,
    #[serde(default)]
    pub(crate) regions: Vec<String>,
    #[serde(default)]
    pub(crate) confirmed_configuration: Vec<String>,
    pub(crate) data_handling: DataHandling,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct BaaFile {
    pub(crate) id: String,
    pub(crate) status: BaaStatus,
    #[serde(default)]
    pub(crate) version: Option<String>,
    #[serde(default, deserialize_with = "option_date")]
    pub(crate) signed_on: Option<Date>,
    #[serde(default, deserialize_with = "option_date")]
    pub(crate) effective_on: Option<Date>,
    #[serde(default, deserialize_with = "option_date")]
    pub(crate) expires_on: Option<Date>,
    #[serde(default)]
    pub(crate) document_sha256: Option<String>,
    #[serde(default)]
    pub(crate) document_location: Option<String>,
    #[serde(default)]
    pub(crate) counterparty_signatory: Option<String>,
    #[serde(default)]
    pub(crate) covered_services: Vec<String>,
    #[serde(default)]
    pub(crate) permitted_purposes: Vec<String>,
    #[serde(default)]
    pub(crate) permitted_categories: Vec<String>,
    #[serde(default)]
    pub(crate) excluded_features: Vec<String>,
    #[serde(default)]
    pub(crate) required_configuration: Vec<String>,
    #[serde(default)]
    pub(crate) notes: Option<String>,
}

/// Reads a TOML local date (`2026-03-01`, unquoted) as a calendar date.
pub(crate) fn date<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Date, D::Error> {
    let value = toml::value::Datetime::deserialize(deserializer)?;
    to_date(&value).map_err(D::Error::custom)
}

pub(crate) fn option_date<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Date>, D::Error> {
    date(deserializer).map(Some)
}

fn to_date(value: &toml::value::Datetime) -> Result<Date, String> {
    const EXPECTED: &str = "expected a calendar date such as 2026-03-01, without time or offset";
    match (value.date, value.time, value.offset) {
        (Some(d), None, None) => {
            let month = Month::try_from(d.month).map_err(|_| EXPECTED.to_owned())?;
            Date::from_calendar_date(i32::from(d.year), month, d.day).map_err(|_| {
                format!(
                    "{}-{:02}-{:02} is not a calendar date",
                    d.year, d.month, d.day
                )
            })
        }
        _ => Err(EXPECTED.to_owned()),
    }
}

/// Reads a fixed offset or an IANA zone name.
fn zone<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Zone, D::Error> {
    let text = String::deserialize(deserializer)?;
    Zone::parse(&text).ok_or_else(|| {
        D::Error::custom(
            "expected \"UTC\", a fixed offset such as \"-05:00\", \
             or an IANA zone name such as \"America/New_York\"",
        )
    })
}
