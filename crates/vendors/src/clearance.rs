//! Clearance decisions: may this service receive these categories of PHI
//! for this purpose, now?

use std::fmt;

use phiguard_phi::{CategorySet, EgressPermit};
use time::{Date, OffsetDateTime};

use crate::{BaaRecord, BaaStatus, Service, VendorRegistry};

/// A question for the registry: may `service_id` receive PHI of
/// `categories` for `purpose` at instant `at`?
///
/// ```
/// use phiguard_phi::{CategorySet, PhiCategory};
/// use phiguard_vendors::ClearanceRequest;
/// use time::macros::datetime;
///
/// let request = ClearanceRequest::new(
///     "azure-openai-chat",
///     "summarize",
///     CategorySet::from(PhiCategory::ClinicalNote),
///     datetime!(2027-05-01 12:00 UTC),
/// )
/// .region("eastus");
/// assert_eq!(request.region_name(), Some("eastus"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClearanceRequest {
    service_id: String,
    purpose: String,
    categories: CategorySet,
    at: OffsetDateTime,
    region: Option<String>,
    features: Vec<String>,
}

impl ClearanceRequest {
    /// A request for `service_id`, `purpose` and `categories` at `at`.
    pub fn new(
        service_id: &str,
        purpose: &str,
        categories: CategorySet,
        at: OffsetDateTime,
    ) -> Self {
        ClearanceRequest {
            service_id: service_id.to_owned(),
            purpose: purpose.to_owned(),
            categories,
            at,
            region: None,
            features: Vec::new(),
        }
    }

    /// Names the region the request will be processed in. Without it, every
    /// region the service declares must be allowed.
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into().to_ascii_lowercase());
        self
    }

    /// Names a feature of the service the request uses (`web_search`,
    /// `image_input`...), so that a feature the agreement excludes is
    /// refused. Names compare in lowercase.
    ///
    /// Exclusions are a deny-list: a feature the agreement does not name
    /// is not refused, so name every feature a request relies on.
    pub fn feature(mut self, feature: impl Into<String>) -> Self {
        self.features.push(feature.into().to_ascii_lowercase());
        self
    }

    /// The service asked for.
    pub fn service_id(&self) -> &str {
        &self.service_id
    }

    /// The purpose asked for.
    pub fn purpose(&self) -> &str {
        &self.purpose
    }

    /// The categories asked for.
    pub fn categories(&self) -> CategorySet {
        self.categories
    }

    /// The instant the decision is for.
    pub fn at(&self) -> OffsetDateTime {
        self.at
    }

    /// The region named, lowercase.
    pub fn region_name(&self) -> Option<&str> {
        self.region.as_deref()
    }

    /// The features named.
    pub fn features(&self) -> &[String] {
        &self.features
    }
}

/// Proof that the registry cleared one service for one purpose and a set
/// of categories at one instant, under a named agreement.
///
/// It carries the [`EgressPermit`] that lets exactly those categories be
/// serialized for that service. Only [`VendorRegistry::clear`] makes one
/// (and, for tests, `Clearance::for_tests` behind the `test-clearance`
/// feature). A clearance answers for the instant it was asked about:
/// ask again for each transmission rather than keeping one around.
#[derive(Debug, Clone)]
pub struct Clearance {
    permit: EgressPermit,
    service_id: String,
    vendor_id: String,
    baa_id: String,
    baa_version: String,
    purpose: String,
    categories: CategorySet,
    region: Option<String>,
    granted_for: OffsetDateTime,
}

impl Clearance {
    /// The permit to serialize the cleared categories for this service.
    pub fn permit(&self) -> &EgressPermit {
        &self.permit
    }

    /// The cleared service; also the permit's sink.
    pub fn service_id(&self) -> &str {
        &self.service_id
    }

    /// The vendor that runs the service.
    pub fn vendor_id(&self) -> &str {
        &self.vendor_id
    }

    /// The agreement the clearance rests on.
    pub fn baa_id(&self) -> &str {
        &self.baa_id
    }

    /// That agreement's version.
    pub fn baa_version(&self) -> &str {
        &self.baa_version
    }

    /// The cleared purpose.
    pub fn purpose(&self) -> &str {
        &self.purpose
    }

    /// The cleared categories (those asked for, not all the agreement
    /// permits: minimum necessary).
    pub fn categories(&self) -> CategorySet {
        self.categories
    }

    /// The region the request named, if any.
    pub fn region(&self) -> Option<&str> {
        self.region.as_deref()
    }

    /// The instant the clearance was decided for.
    pub fn granted_for(&self) -> OffsetDateTime {
        self.granted_for
    }

    /// A clearance that no registry decided, for tests only.
    ///
    /// The vendor is `test-vendor`, the agreement `test-baa` version
    /// `test`, the instant the Unix epoch.
    #[cfg(feature = "test-clearance")]
    pub fn for_tests(service_id: &str, purpose: &str, categories: CategorySet) -> Self {
        Clearance {
            permit: EgressPermit::issue(service_id, categories),
            service_id: service_id.to_owned(),
            vendor_id: "test-vendor".to_owned(),
            baa_id: "test-baa".to_owned(),
            baa_version: "test".to_owned(),
            purpose: purpose.to_owned(),
            categories,
            region: None,
            granted_for: OffsetDateTime::UNIX_EPOCH,
        }
    }
}

/// The registry's refusal, with every reason that applied.
///
/// `Display` and `Debug` show the service id and purpose only when the
/// registry declares them: a string the registry does not know came from
/// the caller and could hold anything, so it is shown as `<undeclared>`.
#[derive(Clone, PartialEq, Eq)]
pub struct Refusal {
    service_id: String,
    purpose: String,
    categories: CategorySet,
    reasons: Vec<RefusalReason>,
}

impl Refusal {
    /// Every reason the request was refused for; never empty.
    pub fn reasons(&self) -> &[RefusalReason] {
        &self.reasons
    }

    /// The service asked for, as the caller wrote it.
    pub fn service_id(&self) -> &str {
        &self.service_id
    }

    /// The purpose asked for, as the caller wrote it.
    pub fn purpose(&self) -> &str {
        &self.purpose
    }

    /// The categories asked for.
    pub fn categories(&self) -> CategorySet {
        self.categories
    }

    /// Whether any reason equals `reason`.
    pub fn has(&self, reason: &RefusalReason) -> bool {
        self.reasons.contains(reason)
    }

    fn shown_service(&self) -> &str {
        shown(&self.service_id, !self.has(&RefusalReason::UnknownService))
    }

    fn shown_purpose(&self) -> &str {
        shown(&self.purpose, !self.has(&RefusalReason::UnknownPurpose))
    }
}

pub(crate) const UNDECLARED: &str = "<undeclared>";

fn shown(text: &str, declared: bool) -> &str {
    if declared { text } else { UNDECLARED }
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "clearance refused for service `{}`, purpose `{}`: ",
            self.shown_service(),
            self.shown_purpose()
        )?;
        for (i, reason) in self.reasons.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{reason}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Refusal")
            .field("service_id", &self.shown_service())
            .field("purpose", &self.shown_purpose())
            .field("categories", &self.categories)
            .field("reasons", &self.reasons)
            .finish()
    }
}

impl std::error::Error for Refusal {}

/// One reason a clearance was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RefusalReason {
    /// The registry declares no service with that id.
    #[error("the registry declares no such service")]
    UnknownService,
    /// The registry declares no purpose with that name.
    #[error("the registry declares no such purpose")]
    UnknownPurpose,
    /// No agreement covers the service, or its status is `none`.
    #[error("no business associate agreement covers the service")]
    NoBaa,
    /// An agreement was requested and is not signed yet.
    #[error("the business associate agreement is requested but not signed")]
    BaaPending,
    /// The agreement was terminated.
    #[error("the business associate agreement was terminated")]
    Terminated,
    /// The agreement takes effect later.
    #[error("the business associate agreement takes effect on {effective_on}")]
    NotYetEffective {
        /// Its first day in force.
        effective_on: Date,
    },
    /// The agreement ran out.
    #[error("the business associate agreement expired{}", last_day.map(|d| format!(" after {d}")).unwrap_or_default())]
    Expired {
        /// Its last day in force, when recorded.
        last_day: Option<Date>,
    },
    /// The agreement does not permit the purpose.
    #[error("the business associate agreement does not permit this purpose")]
    PurposeNotCovered,
    /// The agreement does not permit some of the categories.
    #[error("the business associate agreement does not permit PHI of categories {}", names(*categories))]
    CategoryNotCovered {
        /// The categories asked for and not permitted.
        categories: CategorySet,
    },
    /// The region is not one the registry allows.
    #[error("region `{region}` is not allowed by the registry")]
    RegionNotAllowed {
        /// The region, lowercase.
        region: String,
    },
    /// The service does not declare the region asked for.
    #[error("the service does not declare region `{region}`")]
    RegionNotOffered {
        /// The region, lowercase.
        region: String,
    },
    /// The vendor trains models on customer data.
    #[error("the vendor trains models on customer data")]
    TrainsOnCustomerData,
    /// The vendor keeps data longer than the registry allows.
    #[error("the vendor keeps data {}, over the registry's limit of {max_days} days", retention(*retention_days))]
    RetentionTooLong {
        /// Days kept; `None` when retention is up to the customer, that
        /// is, unbounded.
        retention_days: Option<u32>,
        /// The registry's limit.
        max_days: u32,
    },
    /// The request uses a feature the agreement excludes.
    #[error("the business associate agreement excludes feature `{feature}`")]
    FeatureExcluded {
        /// The feature.
        feature: String,
    },
    /// Configuration the agreement requires is not confirmed for the
    /// service.
    #[error("required configuration not confirmed: {}", missing.join(", "))]
    ConfigurationNotConfirmed {
        /// The configuration names missing, in agreement order.
        missing: Vec<String>,
    },
}

fn names(categories: CategorySet) -> String {
    let names: Vec<&str> = categories.iter().map(|c| c.name()).collect();
    names.join(", ")
}

fn retention(days: Option<u32>) -> String {
    match days {
        Some(days) => format!("{days} days"),
        None => "for as long as the customer keeps it".to_owned(),
    }
}

impl VendorRegistry {
    /// Decides a [`ClearanceRequest`].
    ///
    /// The service must be covered by an agreement that is signed and in
    /// force at the request's instant, permits the purpose, every category
    /// asked for and every feature named, and whose required configuration
    /// is confirmed for the service. The service must run in an allowed
    /// region, must not train on customer data, and must keep data no
    /// longer than the registry's limit (unless the purpose is one that
    /// stores data).
    ///
    /// # Errors
    ///
    /// A [`Refusal`] listing every reason that applied, not only the
    /// first.
    pub fn clear(&self, request: &ClearanceRequest) -> Result<Clearance, Refusal> {
        let mut reasons = Vec::new();

        let service = self.service(request.service_id());
        let purpose = self.purpose(request.purpose());
        if service.is_none() {
            reasons.push(RefusalReason::UnknownService);
        }
        if purpose.is_none() {
            reasons.push(RefusalReason::UnknownPurpose);
        }
        let Some(service) = service else {
            return Err(self.refuse(request, reasons));
        };

        let baa = self.baa_for_service(service.id());
        self.check_agreement(request, service, baa, &mut reasons);
        self.check_region(request, service, &mut reasons);

        let handling = service.data_handling();
        if handling.trains_on_customer_data() {
            reasons.push(RefusalReason::TrainsOnCustomerData);
        }
        // An unknown purpose is held to the limit: only a declared
        // storing purpose lifts it.
        if !purpose.is_some_and(|p| p.stores_data()) {
            let over = match handling.retention_days() {
                Some(days) => days > self.max_retention_days,
                None => true,
            };
            if over {
                reasons.push(RefusalReason::RetentionTooLong {
                    retention_days: handling.retention_days(),
                    max_days: self.max_retention_days,
                });
            }
        }

        match baa {
            Some(baa) if reasons.is_empty() => {
                tracing::debug!(
                    service = service.id(),
                    purpose = request.purpose(),
                    baa = baa.id(),
                    "clearance granted"
                );
                Ok(Clearance {
                    permit: EgressPermit::issue(service.id(), request.categories()),
                    service_id: service.id().to_owned(),
                    vendor_id: service.vendor_id().to_owned(),
                    baa_id: baa.id().to_owned(),
                    baa_version: baa.version().unwrap_or_default().to_owned(),
                    purpose: request.purpose().to_owned(),
                    categories: request.categories(),
                    region: request.region_name().map(str::to_owned),
                    granted_for: request.at(),
                })
            }
            _ => Err(self.refuse(request, reasons)),
        }
    }

    fn refuse(&self, request: &ClearanceRequest, reasons: Vec<RefusalReason>) -> Refusal {
        debug_assert!(!reasons.is_empty());
        let refusal = Refusal {
            service_id: request.service_id().to_owned(),
            purpose: request.purpose().to_owned(),
            categories: request.categories(),
            reasons,
        };
        tracing::debug!(
            service = refusal.shown_service(),
            purpose = refusal.shown_purpose(),
            reasons = refusal.reasons.len(),
            "clearance refused"
        );
        refusal
    }

    fn check_agreement(
        &self,
        request: &ClearanceRequest,
        service: &Service,
        baa: Option<&BaaRecord>,
        reasons: &mut Vec<RefusalReason>,
    ) {
        let Some(baa) = baa else {
            reasons.push(RefusalReason::NoBaa);
            return;
        };
        match baa.status() {
            // No terms were agreed, so there is nothing more to check.
            BaaStatus::None => {
                reasons.push(RefusalReason::NoBaa);
                return;
            }
            BaaStatus::Requested => {
                reasons.push(RefusalReason::BaaPending);
                return;
            }
            BaaStatus::Terminated => reasons.push(RefusalReason::Terminated),
            BaaStatus::Expired => reasons.push(RefusalReason::Expired {
                last_day: baa.expires_on(),
            }),
            BaaStatus::Signed => {
                let at = request.at();
                if let Some(from) = self.in_force_from(baa)
                    && at < from
                {
                    reasons.push(RefusalReason::NotYetEffective {
                        effective_on: baa.effective_on().unwrap_or(from.date()),
                    });
                }
                if let Some(until) = self.in_force_until(baa)
                    && at >= until
                {
                    reasons.push(RefusalReason::Expired {
                        last_day: baa.expires_on(),
                    });
                }
            }
        }

        // The agreement's terms, reported even when it is not in force, so
        // that one answer says everything that must change.
        let purpose_known = self.purpose(request.purpose()).is_some();
        if purpose_known
            && !baa
                .permitted_purposes()
                .iter()
                .any(|p| p == request.purpose())
        {
            reasons.push(RefusalReason::PurposeNotCovered);
        }
        let uncovered = request.categories().difference(baa.permitted_categories());
        if !uncovered.is_empty() {
            reasons.push(RefusalReason::CategoryNotCovered {
                categories: uncovered,
            });
        }
        for feature in request.features() {
            if baa.excluded_features().iter().any(|f| f == feature) {
                reasons.push(RefusalReason::FeatureExcluded {
                    feature: feature.clone(),
                });
            }
        }
        let missing: Vec<String> = baa
            .required_configuration()
            .iter()
            .filter(|c| !service.confirmed_configuration().contains(c))
            .cloned()
            .collect();
        if !missing.is_empty() {
            reasons.push(RefusalReason::ConfigurationNotConfirmed { missing });
        }
    }

    fn check_region(
        &self,
        request: &ClearanceRequest,
        service: &Service,
        reasons: &mut Vec<RefusalReason>,
    ) {
        let allowed = |region: &str| self.allowed_regions.iter().any(|r| r == region);
        match request.region_name() {
            Some(region) => {
                if !service.regions().iter().any(|r| r == region) {
                    reasons.push(RefusalReason::RegionNotOffered {
                        region: region.to_owned(),
                    });
                }
                if !allowed(region) {
                    reasons.push(RefusalReason::RegionNotAllowed {
                        region: region.to_owned(),
                    });
                }
            }
            // Without a region the data may land in any region the service
            // runs in, so all of them must be allowed.
            None => {
                for region in service.regions() {
                    if !allowed(region) {
                        reasons.push(RefusalReason::RegionNotAllowed {
                            region: region.clone(),
                        });
                    }
                }
            }
        }
    }
}
