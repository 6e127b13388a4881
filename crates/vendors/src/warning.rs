//! Things the compliance office should act on before they become refusals.

use std::fmt;

use time::{Date, OffsetDateTime};

use crate::{BaaStatus, VendorRegistry};

/// Something in the registry that needs attention soon.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Warning {
    /// A signed agreement runs out within the warning window.
    BaaExpiringSoon {
        /// The vendor.
        vendor_id: String,
        /// The agreement.
        baa_id: String,
        /// Its last day in force.
        last_day: Date,
        /// Whole days from today (in the registry's time zone) to the last
        /// day; `0` on the last day itself.
        days_left: i64,
    },
    /// An agreement still marked signed whose last day has passed: the
    /// record needs updating, and clearances under it are refused.
    BaaLapsed {
        /// The vendor.
        vendor_id: String,
        /// The agreement.
        baa_id: String,
        /// Its last day in force.
        last_day: Date,
    },
    /// A vendor review is past due.
    ReviewOverdue {
        /// The vendor.
        vendor_id: String,
        /// The day it was due.
        due: Date,
    },
    /// A vendor with a signed agreement has no evaluation on record.
    NotEvaluated {
        /// The vendor.
        vendor_id: String,
    },
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Warning::BaaExpiringSoon {
                vendor_id,
                baa_id,
                last_day,
                days_left,
            } => write!(
                f,
                "vendor `{vendor_id}`: agreement `{baa_id}` expires after {last_day} \
                 ({days_left} days left)"
            ),
            Warning::BaaLapsed {
                vendor_id,
                baa_id,
                last_day,
            } => write!(
                f,
                "vendor `{vendor_id}`: agreement `{baa_id}` is marked signed but ran out \
                 after {last_day}"
            ),
            Warning::ReviewOverdue { vendor_id, due } => {
                write!(f, "vendor `{vendor_id}`: review was due on {due}")
            }
            Warning::NotEvaluated { vendor_id } => write!(
                f,
                "vendor `{vendor_id}`: has a signed agreement and no evaluation on record"
            ),
        }
    }
}

impl VendorRegistry {
    /// What needs attention at `at`: signed agreements whose last day is
    /// within `within_days` days (or already past), overdue reviews, and
    /// vendors with a signed agreement but no evaluation.
    ///
    /// Days are counted as calendar days in the registry's time zone.
    /// Use [`expiry_warning_days`](VendorRegistry::expiry_warning_days)
    /// for the window the registry itself sets.
    pub fn warnings(&self, at: OffsetDateTime, within_days: u32) -> Vec<Warning> {
        let today = self.zone.date_of(at);
        let mut warnings = Vec::new();

        for vendor in &self.vendors {
            let mut signed = false;
            for baa in vendor.baa_ids().iter().filter_map(|id| self.baa(id)) {
                if baa.status() != BaaStatus::Signed {
                    continue;
                }
                signed = true;
                let Some(last_day) = baa.expires_on() else {
                    continue;
                };
                let days_left = (last_day - today).whole_days();
                if days_left < 0 {
                    warnings.push(Warning::BaaLapsed {
                        vendor_id: vendor.id().to_owned(),
                        baa_id: baa.id().to_owned(),
                        last_day,
                    });
                } else if days_left <= i64::from(within_days) {
                    warnings.push(Warning::BaaExpiringSoon {
                        vendor_id: vendor.id().to_owned(),
                        baa_id: baa.id().to_owned(),
                        last_day,
                        days_left,
                    });
                }
            }

            match vendor.evaluation() {
                Some(evaluation) if evaluation.next_review_due() < today => {
                    warnings.push(Warning::ReviewOverdue {
                        vendor_id: vendor.id().to_owned(),
                        due: evaluation.next_review_due(),
                    });
                }
                None if signed => warnings.push(Warning::NotEvaluated {
                    vendor_id: vendor.id().to_owned(),
                }),
                _ => {}
            }
        }
        warnings
    }
}
