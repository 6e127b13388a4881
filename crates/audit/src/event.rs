//! What one audit event records.
//!
//! Every field is a plain string, number, category or time: an event has no
//! generic parameter and no field that could hold a [`Phi`] value, so an
//! audit record cannot carry PHI unless a caller reads it out with
//! `expose_phi()` and pastes it into a string field on purpose, which a
//! reviewer can find with grep.
//!
//! [`Phi`]: phiguard_phi::Phi

use std::collections::BTreeMap;

use phiguard_phi::{CategorySet, PhiCategory};
use serde::{Deserialize, Serialize};
use time::{OffsetDateTime, UtcOffset};
use uuid::Uuid;

use crate::DigestKey;

/// One audited happening: a transmission out of the process, a refusal, or
/// a configuration change.
///
/// Build it with [`AuditEvent::new`] and the setters, then hand it to an
/// [`AuditSink`](crate::AuditSink). The sink sets [`id`](Self::id) when the
/// caller left it empty.
///
/// The field names follow NIST SP 800-53 AU-3 (who, what, where, when,
/// outcome, which rules decided) with FHIR AuditEvent's vocabulary where
/// it has a word for the idea.
///
/// ```
/// use phiguard_audit::{Action, Actor, AuditEvent, Basis, DataSummary, Outcome, Target};
/// use phiguard_phi::PhiCategory;
///
/// let event = AuditEvent::new(Actor::new("u-17", "nurse"), Action::AiRequest)
///     .purpose("summarize")
///     .target(Target::new("microsoft", "azure-openai-chat", "example.openai.azure.com"))
///     .data(DataSummary::new().category(PhiCategory::Diagnosis, 2).bytes_sent(512))
///     .basis(Basis::new("baa-msft-2025", "3").policy_id("nurse-may-summarize"))
///     .outcome(Outcome::Success)
///     .correlation("request", "req-42");
/// assert_eq!(event.data.categories[&PhiCategory::Diagnosis], 2);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AuditEvent {
    /// Time-ordered identifier (UUID version 7). Empty until a sink
    /// appends the event, unless the caller set one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<Uuid>,
    /// When the event happened, in UTC.
    #[serde(with = "time::serde::rfc3339")]
    pub time: OffsetDateTime,
    /// Who acted.
    pub actor: Actor,
    /// What kind of event this is.
    pub action: Action,
    /// The purpose of use the action served (`summarize`, `store_phi`, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purpose: Option<String>,
    /// Where the data went, when it went anywhere.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<Target>,
    /// What kind of data and how much; never the data itself.
    #[serde(default)]
    pub data: DataSummary,
    /// The agreement and policies that allowed or refused the action.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub basis: Option<Basis>,
    /// How it ended.
    pub outcome: Outcome,
    /// Identifiers that tie this event to others: a request id, an
    /// automation run, a ClickUp task id. Never PHI.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub correlation_ids: BTreeMap<String, String>,
}

impl AuditEvent {
    /// An event by `actor` doing `action`, now, with outcome
    /// [`Outcome::Success`] until [`outcome`](Self::outcome) says otherwise.
    pub fn new(actor: Actor, action: Action) -> Self {
        AuditEvent {
            id: None,
            time: OffsetDateTime::now_utc(),
            actor,
            action,
            purpose: None,
            target: None,
            data: DataSummary::default(),
            basis: None,
            outcome: Outcome::Success,
            correlation_ids: BTreeMap::new(),
        }
    }

    /// Sets the identifier; sinks generate one when it is absent.
    pub fn id(mut self, id: Uuid) -> Self {
        self.id = Some(id);
        self
    }

    /// Sets when the event happened; stored in UTC whatever the offset given.
    pub fn time(mut self, time: OffsetDateTime) -> Self {
        self.time = time.to_offset(UtcOffset::UTC);
        self
    }

    /// Sets the purpose of use.
    pub fn purpose(mut self, purpose: impl Into<String>) -> Self {
        self.purpose = Some(purpose.into());
        self
    }

    /// Sets where the data went.
    pub fn target(mut self, target: Target) -> Self {
        self.target = Some(target);
        self
    }

    /// Sets the summary of the data sent.
    pub fn data(mut self, data: DataSummary) -> Self {
        self.data = data;
        self
    }

    /// Sets the agreement and policies that decided.
    pub fn basis(mut self, basis: Basis) -> Self {
        self.basis = Some(basis);
        self
    }

    /// Sets how the action ended.
    pub fn outcome(mut self, outcome: Outcome) -> Self {
        self.outcome = outcome;
        self
    }

    /// Adds a correlation identifier under `kind` (`request`, `run`,
    /// `task`, ...), replacing an earlier one of the same kind.
    pub fn correlation(mut self, kind: impl Into<String>, id: impl Into<String>) -> Self {
        self.correlation_ids.insert(kind.into(), id.into());
        self
    }
}

/// Who acted: a person, or an automation acting for one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    /// The acting user's identifier (a ClickUp user id, an SSO subject).
    pub user_id: String,
    /// The role the action was authorized under.
    pub role: String,
    /// The automation that acted on the user's behalf, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub automation: Option<String>,
}

impl Actor {
    /// A person acting directly.
    pub fn new(user_id: impl Into<String>, role: impl Into<String>) -> Self {
        Actor {
            user_id: user_id.into(),
            role: role.into(),
            automation: None,
        }
    }

    /// Marks the action as taken by `automation` on the user's behalf.
    pub fn automation(mut self, automation: impl Into<String>) -> Self {
        self.automation = Some(automation.into());
        self
    }
}

/// The kind of event.
///
/// Serialized as a snake_case name (`"ai_request"`); a name this version
/// does not know reads back as [`Action::Other`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Action {
    /// A request sent to an AI vendor.
    AiRequest,
    /// A response received from an AI vendor.
    AiResponse,
    /// A create or update sent to ClickUp.
    #[serde(rename = "clickup_write")]
    ClickUpWrite,
    /// A ClickUp webhook delivery forwarded to another service.
    WebhookForward,
    /// The role/purpose policy refused an action.
    PolicyRefusal,
    /// The vendor registry refused a clearance.
    ClearanceRefusal,
    /// A change to the vendor registry, policies or labelling schema.
    ConfigurationChange,
    /// Anything else, by name.
    #[serde(untagged)]
    Other(String),
}

/// Where data went.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Target {
    /// The vendor (business associate) id from the vendor registry.
    pub vendor: String,
    /// The vendor service id from the vendor registry.
    pub service: String,
    /// The endpoint host (and port, when not the default); never a path
    /// or query string, which may carry identifiers.
    pub host: String,
}

impl Target {
    /// A target from registry ids and the endpoint host.
    pub fn new(
        vendor: impl Into<String>,
        service: impl Into<String>,
        host: impl Into<String>,
    ) -> Self {
        Target {
            vendor: vendor.into(),
            service: service.into(),
            host: host.into(),
        }
    }
}

/// What kind of data an action sent and how much: counts and a keyed
/// digest, never values.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DataSummary {
    /// How many values of each PHI category were sent.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub categories: BTreeMap<PhiCategory, u64>,
    /// How many values of each category were replaced before sending.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub redactions: BTreeMap<PhiCategory, u64>,
    /// The size of the body sent, in bytes.
    #[serde(default)]
    pub bytes_sent: u64,
    /// A keyed digest of the bytes sent, from [`DigestKey::digest`]: it
    /// lets an investigator holding the key confirm which body was sent,
    /// and lets nobody else guess it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub digest: Option<String>,
}

impl DataSummary {
    /// An empty summary: nothing sent.
    pub fn new() -> Self {
        DataSummary::default()
    }

    /// Adds `count` values of `category` to what was sent.
    pub fn category(mut self, category: PhiCategory, count: u64) -> Self {
        *self.categories.entry(category).or_insert(0) += count;
        self
    }

    /// Counts one value for each category of `set` as sent.
    pub fn categories(mut self, set: CategorySet) -> Self {
        for category in set.iter() {
            *self.categories.entry(category).or_insert(0) += 1;
        }
        self
    }

    /// Adds `count` replaced values of `category`.
    pub fn redaction(mut self, category: PhiCategory, count: u64) -> Self {
        *self.redactions.entry(category).or_insert(0) += count;
        self
    }

    /// Sets the number of bytes sent.
    pub fn bytes_sent(mut self, bytes: u64) -> Self {
        self.bytes_sent = bytes;
        self
    }

    /// Sets a digest computed elsewhere with [`DigestKey::digest`].
    pub fn digest(mut self, digest: impl Into<String>) -> Self {
        self.digest = Some(digest.into());
        self
    }

    /// Records the body that was sent: its length and its keyed digest.
    pub fn sent(mut self, key: &DigestKey, body: &[u8]) -> Self {
        self.bytes_sent = body.len() as u64;
        self.digest = Some(key.digest(body));
        self
    }
}

/// The agreement and policies that decided an action.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Basis {
    /// The business associate agreement record id from the vendor registry.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baa_id: Option<String>,
    /// The version of that record.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baa_version: Option<String>,
    /// The policies that decided, in the order they were applied.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub policy_ids: Vec<String>,
}

impl Basis {
    /// A basis naming a BAA record and its version.
    pub fn new(baa_id: impl Into<String>, baa_version: impl Into<String>) -> Self {
        Basis {
            baa_id: Some(baa_id.into()),
            baa_version: Some(baa_version.into()),
            policy_ids: Vec::new(),
        }
    }

    /// A basis of policies alone, for decisions no BAA was involved in
    /// (a policy refusal before any vendor was chosen).
    pub fn policies<I, S>(policy_ids: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Basis {
            baa_id: None,
            baa_version: None,
            policy_ids: policy_ids.into_iter().map(Into::into).collect(),
        }
    }

    /// Adds a policy that decided.
    pub fn policy_id(mut self, policy_id: impl Into<String>) -> Self {
        self.policy_ids.push(policy_id.into());
        self
    }
}

/// How an action ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Outcome {
    /// It was done.
    Success,
    /// A policy or the vendor registry refused it; nothing was sent.
    Refused {
        /// Every reason given, as safe-to-log text.
        reasons: Vec<String>,
    },
    /// It was attempted and failed.
    Failed {
        /// The kind of error (`timeout`, `http_status_503`, ...), never
        /// an error message that might quote a body.
        error_kind: String,
    },
}

impl Outcome {
    /// A refusal with the given reasons.
    pub fn refused<I, S>(reasons: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Outcome::Refused {
            reasons: reasons.into_iter().map(Into::into).collect(),
        }
    }

    /// A failure of the given kind.
    pub fn failed(error_kind: impl Into<String>) -> Self {
        Outcome::Failed {
            error_kind: error_kind.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_round_trips_through_json() {
        let event = AuditEvent::new(
            Actor::new("u-1", "physician").automation("nightly-summary"),
            Action::Other("export".into()),
        )
        .id(Uuid::now_v7())
        .target(Target::new("clickup", "clickup-api-v2", "api.clickup.com"))
        .data(
            DataSummary::new()
                .category(PhiCategory::MedicalRecordNumber, 1)
                .category(PhiCategory::MedicalRecordNumber, 2)
                .redaction(PhiCategory::Name, 4),
        )
        .basis(Basis::policies(["p1", "p2"]))
        .outcome(Outcome::refused(["no baa"]));

        let json = serde_json::to_string(&event).unwrap();
        assert!(json.contains(r#""medical_record_number":3"#), "{json}");
        assert!(json.contains(r#""action":"export""#), "{json}");
        assert!(json.contains(r#""status":"refused""#), "{json}");
        let back: AuditEvent = serde_json::from_str(&json).unwrap();
        assert_eq!(back, event);
    }

    #[test]
    fn known_actions_use_snake_case_names() {
        let json = serde_json::to_string(&Action::ClickUpWrite).unwrap();
        assert_eq!(json, r#""clickup_write""#);
        let back: Action = serde_json::from_str(r#""policy_refusal""#).unwrap();
        assert_eq!(back, Action::PolicyRefusal);
        let other: Action = serde_json::from_str(r#""vendor_change""#).unwrap();
        assert_eq!(other, Action::Other("vendor_change".into()));
    }

    #[test]
    fn time_is_stored_in_utc() {
        let at = time::macros::datetime!(2026-01-02 03:04:05 +02:00);
        let event = AuditEvent::new(Actor::new("u", "r"), Action::AiResponse).time(at);
        assert_eq!(event.time.offset(), UtcOffset::UTC);
        assert_eq!(event.time, at);
    }
}
