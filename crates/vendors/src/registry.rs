//! Loading and checking the registry, and looking things up in it.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

use phiguard_phi::{CategorySet, PhiCategory};
use time::{Date, OffsetDateTime};

use crate::error::{Issue, IssueKind, LoadError};
use crate::file::{BaaFile, RegistryFile, ServiceFile, VendorFile};
use crate::host::{self, HostKey};
use crate::model::{BaaRecord, BaaStatus, Purpose, Service, Vendor};
use crate::zone::Zone;

/// The vendor registry: every business associate, its services and
/// agreements, and the registry-wide limits clearances are held to.
///
/// Built once from a reviewed TOML file and read-only afterwards; share it
/// behind an `Arc`.
#[derive(Debug, Clone)]
pub struct VendorRegistry {
    pub(crate) zone: Zone,
    pub(crate) max_retention_days: u32,
    pub(crate) allowed_regions: Vec<String>,
    pub(crate) expiry_warning_days: u32,
    pub(crate) purposes: BTreeMap<String, Purpose>,
    pub(crate) vendors: Vec<Vendor>,
    services: Vec<Service>,
    baas: Vec<BaaRecord>,
    service_index: HashMap<String, usize>,
    baa_index: HashMap<String, usize>,
    baa_of_service: HashMap<String, usize>,
    hosts: HashMap<HostKey, usize>,
}

impl VendorRegistry {
    /// Parses and checks a registry from TOML text.
    ///
    /// # Errors
    ///
    /// [`LoadError::Syntax`] with the line and column for text that is not
    /// TOML or has an unknown, missing or mistyped field;
    /// [`LoadError::Invalid`] listing every inconsistency (unknown
    /// categories or purposes, duplicate ids, services without hosts,
    /// hosts claimed twice, dates out of order...).
    pub fn from_toml_str(text: &str) -> Result<VendorRegistry, LoadError> {
        let file: RegistryFile =
            toml::from_str(text).map_err(|error| LoadError::syntax(text, &error))?;
        let registry = Builder::default().build(file)?;
        tracing::debug!(
            vendors = registry.vendors.len(),
            services = registry.services.len(),
            agreements = registry.baas.len(),
            time_zone = registry.time_zone(),
            "vendor registry loaded"
        );
        Ok(registry)
    }

    /// Reads and checks a registry file.
    ///
    /// # Errors
    ///
    /// [`LoadError::Read`] when the file cannot be read, otherwise as
    /// [`from_toml_str`](VendorRegistry::from_toml_str).
    pub fn load(path: impl AsRef<Path>) -> Result<VendorRegistry, LoadError> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|source| LoadError::Read {
            path: path.to_owned(),
            source,
        })?;
        Self::from_toml_str(&text)
    }

    /// The time zone agreement and review dates are read in, as the
    /// registry wrote it: `UTC`, a fixed offset such as `-05:00`, or an
    /// IANA name such as `America/New_York` (daylight saving time
    /// followed).
    pub fn time_zone(&self) -> &str {
        self.zone.name()
    }

    /// The first instant `baa` is in force: the start of its effective
    /// date in the registry's time zone. `None` when no date is recorded.
    pub fn in_force_from(&self, baa: &BaaRecord) -> Option<OffsetDateTime> {
        baa.effective_on().map(|day| self.zone.start_of(day))
    }

    /// The first instant `baa` is no longer in force: the start of the day
    /// after its expiry date in the registry's time zone. `None` when it
    /// has no fixed term.
    pub fn in_force_until(&self, baa: &BaaRecord) -> Option<OffsetDateTime> {
        // The day after the last representable date does not exist; such
        // an agreement never runs out.
        baa.expires_on()
            .and_then(Date::next_day)
            .map(|day| self.zone.start_of(day))
    }

    /// The longest retention, in days, a cleared service may have.
    pub fn max_retention_days(&self) -> u32 {
        self.max_retention_days
    }

    /// The regions PHI may be processed in, lowercase.
    pub fn allowed_regions(&self) -> &[String] {
        &self.allowed_regions
    }

    /// How many days ahead the registry wants expiry warnings.
    pub fn expiry_warning_days(&self) -> u32 {
        self.expiry_warning_days
    }

    /// The declared purposes, by name.
    pub fn purposes(&self) -> impl Iterator<Item = &Purpose> {
        self.purposes.values()
    }

    /// A declared purpose.
    pub fn purpose(&self, name: &str) -> Option<&Purpose> {
        self.purposes.get(name)
    }

    /// The vendors, in file order.
    pub fn vendors(&self) -> &[Vendor] {
        &self.vendors
    }

    /// A vendor by id.
    pub fn vendor(&self, id: &str) -> Option<&Vendor> {
        self.vendors.iter().find(|v| v.id() == id)
    }

    /// Every service, in file order.
    pub fn services(&self) -> &[Service] {
        &self.services
    }

    /// A service by id.
    pub fn service(&self, id: &str) -> Option<&Service> {
        self.service_index.get(id).map(|&i| &self.services[i])
    }

    /// Every agreement record, in file order.
    pub fn baas(&self) -> &[BaaRecord] {
        &self.baas
    }

    /// An agreement record by id.
    pub fn baa(&self, id: &str) -> Option<&BaaRecord> {
        self.baa_index.get(id).map(|&i| &self.baas[i])
    }

    /// The agreement record that covers a service, whatever its status.
    pub fn baa_for_service(&self, service_id: &str) -> Option<&BaaRecord> {
        self.baa_of_service.get(service_id).map(|&i| &self.baas[i])
    }

    /// The service that declares `host`, written `host` or `host:port`.
    ///
    /// Without a port, only hosts declared without a port match: a host
    /// declared with a port cannot be confirmed. See
    /// [`service_for_authority`](VendorRegistry::service_for_authority).
    pub fn service_for_host(&self, host: &str) -> Option<&Service> {
        let key = host::parse_authority(host)?;
        self.lookup(&key.host, key.port)
    }

    /// The service that declares `host` at `port`.
    ///
    /// Hosts compare case-insensitively and exactly: no suffix, prefix or
    /// wildcard matching, and `api.clickup.com.` (trailing dot) is not
    /// `api.clickup.com`. A host declared with a port matches that port
    /// only; a host declared without one matches any port.
    pub fn service_for_authority(&self, host: &str, port: Option<u16>) -> Option<&Service> {
        let host = host::normalize(host)?;
        self.lookup(&host, port)
    }

    /// The service that declares the host and port of `url`.
    ///
    /// Only `http` and `https` URLs match; the port is the URL's, or the
    /// scheme's default. Credentials, path and query play no part.
    pub fn service_for_url(&self, url: &url::Url) -> Option<&Service> {
        if !matches!(url.scheme(), "http" | "https") {
            return None;
        }
        let host = url.host()?.to_string();
        self.lookup(&host, url.port_or_known_default())
    }

    fn lookup(&self, host: &str, port: Option<u16>) -> Option<&Service> {
        let mut key = HostKey {
            host: host.to_owned(),
            port,
        };
        if port.is_some() {
            if let Some(&i) = self.hosts.get(&key) {
                return Some(&self.services[i]);
            }
            key.port = None;
        }
        self.hosts.get(&key).map(|&i| &self.services[i])
    }
}

/// Collects the registry and every issue found while building it.
#[derive(Default)]
struct Builder {
    issues: Vec<Issue>,
    vendors: Vec<Vendor>,
    services: Vec<Service>,
    baas: Vec<BaaRecord>,
    service_index: HashMap<String, usize>,
    baa_index: HashMap<String, usize>,
    baa_of_service: HashMap<String, usize>,
    hosts: HashMap<HostKey, usize>,
}

impl Builder {
    fn issue(&mut self, vendor: Option<&str>, field: impl Into<String>, kind: IssueKind) {
        self.issues.push(Issue {
            vendor: vendor.map(str::to_owned),
            field: field.into(),
            kind,
        });
    }

    fn build(mut self, file: RegistryFile) -> Result<VendorRegistry, LoadError> {
        let settings = file.registry;
        let allowed_regions =
            self.regions(None, "registry.allowed_regions", settings.allowed_regions);
        if allowed_regions.is_empty() {
            self.issue(None, "registry.allowed_regions", IssueKind::Empty);
        }

        let mut purposes = BTreeMap::new();
        for (name, purpose) in file.purposes {
            self.check_name(None, &format!("purposes.{name}"), &name);
            purposes.insert(
                name.clone(),
                Purpose {
                    name,
                    description: purpose.description,
                    stores_data: purpose.stores_data,
                },
            );
        }

        let mut vendor_ids = HashSet::new();
        for vendor in file.vendors {
            if !vendor_ids.insert(vendor.id.clone()) {
                self.issue(
                    Some(&vendor.id),
                    "id",
                    IssueKind::Duplicate {
                        id: vendor.id.clone(),
                    },
                );
            }
            self.vendor(vendor, &purposes);
        }
        self.check_host_overlap();

        if !self.issues.is_empty() {
            return Err(LoadError::Invalid {
                issues: self.issues,
            });
        }
        Ok(VendorRegistry {
            zone: settings.time_zone,
            max_retention_days: settings.max_retention_days,
            allowed_regions,
            expiry_warning_days: settings.expiry_warning_days,
            purposes,
            vendors: self.vendors,
            services: self.services,
            baas: self.baas,
            service_index: self.service_index,
            baa_index: self.baa_index,
            baa_of_service: self.baa_of_service,
            hosts: self.hosts,
        })
    }

    fn vendor(&mut self, file: VendorFile, purposes: &BTreeMap<String, Purpose>) {
        let id = file.id;
        self.check_name(Some(&id), "id", &id);
        if file.name.trim().is_empty() {
            self.issue(Some(&id), "name", IssueKind::Empty);
        }
        if let Some(evaluation) = &file.evaluation {
            if evaluation.next_review_due < evaluation.reviewed_on {
                self.issue(
                    Some(&id),
                    "evaluation.next_review_due",
                    IssueKind::ReviewDueBeforeReview {
                        reviewed_on: evaluation.reviewed_on,
                        next_review_due: evaluation.next_review_due,
                    },
                );
            }
            if evaluation.reviewer.trim().is_empty() {
                self.issue(Some(&id), "evaluation.reviewer", IssueKind::Empty);
            }
        }

        let mut service_ids = Vec::new();
        for service in file.services {
            service_ids.push(service.id.clone());
            self.service(&id, service);
        }
        let mut baa_ids = Vec::new();
        for baa in file.baas {
            baa_ids.push(baa.id.clone());
            self.baa(&id, &service_ids, baa, purposes);
        }

        self.vendors.push(Vendor {
            id,
            name: file.name,
            legal_name: file.legal_name,
            evaluation: file.evaluation,
            service_ids,
            baa_ids,
        });
    }

    fn service(&mut self, vendor: &str, file: ServiceFile) {
        let at = |field: &str| format!("service[{}].{field}", file.id);
        self.check_name(Some(vendor), &at("id"), &file.id);
        if self.service_index.contains_key(&file.id) {
            self.issue(
                Some(vendor),
                at("id"),
                IssueKind::Duplicate {
                    id: file.id.clone(),
                },
            );
        }
        let index = self.services.len();

        if file.hosts.is_empty() {
            self.issue(Some(vendor), at("hosts"), IssueKind::ServiceWithoutHosts);
        }
        let mut hosts = Vec::new();
        for written in &file.hosts {
            let Some(key) = host::parse_declared(written) else {
                self.issue(
                    Some(vendor),
                    at("hosts"),
                    IssueKind::InvalidHost {
                        host: written.clone(),
                    },
                );
                continue;
            };
            match self.hosts.get(&key) {
                Some(&other) if other != index => {
                    let other_service = self.services[other].id.clone();
                    self.issue(
                        Some(vendor),
                        at("hosts"),
                        IssueKind::HostDeclaredTwice {
                            host: key.to_string(),
                            other_service,
                        },
                    );
                }
                Some(_) => {}
                None => {
                    hosts.push(key.to_string());
                    self.hosts.insert(key, index);
                }
            }
        }

        let regions = self.regions(Some(vendor), &at("regions"), file.regions);
        if regions.is_empty() {
            self.issue(
                Some(vendor),
                at("regions"),
                IssueKind::ServiceWithoutRegions,
            );
        }
        for name in &file.confirmed_configuration {
            self.check_name(Some(vendor), &at("confirmed_configuration"), name);
        }

        let handling = &file.data_handling;
        if handling.retention_days.is_some() == handling.customer_controlled_retention {
            self.issue(
                Some(vendor),
                at("data_handling.retention_days"),
                IssueKind::RetentionAmbiguous,
            );
        }
        if let Some(days) = handling.breach_notice_days
            && days > 60
        {
            self.issue(
                Some(vendor),
                at("data_handling.breach_notice_days"),
                IssueKind::BreachNoticeTooLong { days },
            );
        }

        self.service_index.entry(file.id.clone()).or_insert(index);
        self.services.push(Service {
            id: file.id,
            name: file.name,
            vendor_id: vendor.to_owned(),
            surface: file.surface,
            hosts,
            regions,
            confirmed_configuration: file.confirmed_configuration,
            data_handling: file.data_handling,
        });
    }

    fn baa(
        &mut self,
        vendor: &str,
        vendor_services: &[String],
        file: BaaFile,
        purposes: &BTreeMap<String, Purpose>,
    ) {
        let at = |field: &str| format!("baa[{}].{field}", file.id);
        self.check_name(Some(vendor), &at("id"), &file.id);
        if self.baa_index.contains_key(&file.id) {
            self.issue(
                Some(vendor),
                at("id"),
                IssueKind::Duplicate {
                    id: file.id.clone(),
                },
            );
        }
        let index = self.baas.len();

        if file.status == BaaStatus::Signed {
            let required = [
                ("version", file.version.is_none()),
                ("signed_on", file.signed_on.is_none()),
                ("effective_on", file.effective_on.is_none()),
                ("document_sha256", file.document_sha256.is_none()),
                ("document_location", file.document_location.is_none()),
            ];
            for (field, missing) in required {
                if missing {
                    self.issue(
                        Some(vendor),
                        at(field),
                        IssueKind::RequiredForStatus {
                            status: file.status,
                        },
                    );
                }
            }
        }
        if let (Some(effective_on), Some(expires_on)) = (file.effective_on, file.expires_on)
            && expires_on < effective_on
        {
            self.issue(
                Some(vendor),
                at("expires_on"),
                IssueKind::ExpiryBeforeEffective {
                    effective_on,
                    expires_on,
                },
            );
        }
        if let Some(digest) = &file.document_sha256
            && (digest.len() != 64 || !digest.bytes().all(|b| b.is_ascii_hexdigit()))
        {
            self.issue(
                Some(vendor),
                at("document_sha256"),
                IssueKind::InvalidSha256,
            );
        }

        for service in &file.covered_services {
            if !vendor_services.contains(service) {
                self.issue(
                    Some(vendor),
                    at("covered_services"),
                    IssueKind::UnknownService {
                        id: service.clone(),
                    },
                );
                continue;
            }
            if let Some(&other) = self.baa_of_service.get(service) {
                let other_baa = self.baas[other].id.clone();
                self.issue(
                    Some(vendor),
                    at("covered_services"),
                    IssueKind::ServiceCoveredTwice {
                        service: service.clone(),
                        other_baa,
                    },
                );
                continue;
            }
            self.baa_of_service.insert(service.clone(), index);
        }
        if file.covered_services.is_empty() && file.status == BaaStatus::Signed {
            self.issue(Some(vendor), at("covered_services"), IssueKind::Empty);
        }

        for purpose in &file.permitted_purposes {
            if !purposes.contains_key(purpose) {
                self.issue(
                    Some(vendor),
                    at("permitted_purposes"),
                    IssueKind::UnknownPurpose {
                        name: purpose.clone(),
                    },
                );
            }
        }
        let mut categories = CategorySet::EMPTY;
        for name in &file.permitted_categories {
            match category_names(name) {
                Some(set) => categories = categories.union(set),
                None => self.issue(
                    Some(vendor),
                    at("permitted_categories"),
                    IssueKind::UnknownCategory { name: name.clone() },
                ),
            }
        }
        for name in &file.excluded_features {
            self.check_name(Some(vendor), &at("excluded_features"), name);
        }
        for name in &file.required_configuration {
            self.check_name(Some(vendor), &at("required_configuration"), name);
        }

        self.baa_index.entry(file.id.clone()).or_insert(index);
        self.baas.push(BaaRecord {
            id: file.id,
            vendor_id: vendor.to_owned(),
            status: file.status,
            version: file.version,
            signed_on: file.signed_on,
            effective_on: file.effective_on,
            expires_on: file.expires_on,
            document_sha256: file.document_sha256.map(|d| d.to_ascii_lowercase()),
            document_location: file.document_location,
            counterparty_signatory: file.counterparty_signatory,
            covered_services: file.covered_services,
            permitted_purposes: file.permitted_purposes,
            permitted_categories: categories,
            excluded_features: file.excluded_features,
            required_configuration: file.required_configuration,
            notes: file.notes,
        });
    }

    /// Lowercases region names and checks them.
    fn regions(&mut self, vendor: Option<&str>, field: &str, regions: Vec<String>) -> Vec<String> {
        regions
            .into_iter()
            .map(|region| {
                let region = region.to_ascii_lowercase();
                self.check_name(vendor, field, &region);
                region
            })
            .collect()
    }

    /// Ids and names: lowercase ASCII letters, digits, `_` and `-`, so they
    /// read the same in files, logs and audit records.
    fn check_name(&mut self, vendor: Option<&str>, field: &str, name: &str) {
        if name.is_empty() {
            self.issue(vendor, field, IssueKind::Empty);
        } else if !name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-')
        {
            self.issue(
                vendor,
                field,
                IssueKind::InvalidName {
                    name: name.chars().take(64).collect(),
                },
            );
        }
    }

    /// A host declared without a port by one service and with a port by
    /// another would make the owner of that port ambiguous to a reader.
    fn check_host_overlap(&mut self) {
        let mut overlaps = Vec::new();
        for (key, &index) in &self.hosts {
            if key.port.is_none() {
                continue;
            }
            let any_port = HostKey {
                host: key.host.clone(),
                port: None,
            };
            if let Some(&other) = self.hosts.get(&any_port)
                && other != index
            {
                overlaps.push((index, key.to_string(), other));
            }
        }
        overlaps.sort();
        for (index, host, other) in overlaps {
            let service = &self.services[index];
            let vendor = service.vendor_id.clone();
            let field = format!("service[{}].hosts", service.id);
            let other_service = self.services[other].id.clone();
            self.issue(
                Some(&vendor),
                field,
                IssueKind::HostDeclaredTwice {
                    host,
                    other_service,
                },
            );
        }
    }
}

/// A category name or one of the shorthands `identifiers`, `clinical`,
/// `all`.
fn category_names(name: &str) -> Option<CategorySet> {
    match name {
        "all" => Some(CategorySet::all()),
        "identifiers" => Some(CategorySet::identifiers()),
        "clinical" => Some(CategorySet::clinical()),
        _ => name.parse::<PhiCategory>().ok().map(CategorySet::from),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registry_and_decisions_cross_threads() {
        fn shared<T: Send + Sync + 'static>() {}
        shared::<VendorRegistry>();
        shared::<crate::Clearance>();
        shared::<crate::Refusal>();
        shared::<LoadError>();
    }

    #[test]
    fn category_shorthands() {
        assert_eq!(category_names("all"), Some(CategorySet::all()));
        assert_eq!(
            category_names("identifiers"),
            Some(CategorySet::identifiers())
        );
        assert_eq!(category_names("clinical"), Some(CategorySet::clinical()));
        assert_eq!(
            category_names("ssn"),
            Some(CategorySet::from(PhiCategory::Ssn))
        );
        assert_eq!(category_names("Ssn"), None);
        assert_eq!(category_names("identifier"), None);
    }
}
