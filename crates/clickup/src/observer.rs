//! Reports of writes that carried PHI to ClickUp, for an audit trail.
//!
//! This crate does not write the audit log itself (it sits below the audit
//! crate); it tells a [`PhiWriteObserver`] about every write whose body
//! held PHI: the refusals before sending, and the outcome of each write
//! that was sent. Reports name the route, the categories and the agreement
//! the write went under, never a value.

use std::fmt;

use phiguard_phi::CategorySet;
use time::OffsetDateTime;

/// What became of a write that carried PHI.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum PhiWriteOutcome {
    /// Refused before sending: no clearance. The reason is the error's
    /// Display (safe to log).
    Refused {
        /// Why.
        reason: String,
    },
    /// Sent, and ClickUp answered with success.
    Delivered,
    /// Sent, and no success came back (an error status, a timeout, a
    /// broken connection): ClickUp may or may not have stored it.
    Unconfirmed {
        /// What went wrong (the error's Display).
        reason: String,
    },
}

/// One report about a write that carried PHI.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PhiWrite {
    /// The route template, e.g. `/v2/list/{list_id}/task`.
    pub route: &'static str,
    /// The categories the body carried.
    pub categories: CategorySet,
    /// The agreement the write was cleared under (absent when refused).
    pub baa_id: Option<String>,
    /// Its version.
    pub baa_version: Option<String>,
    /// What happened.
    pub outcome: PhiWriteOutcome,
    /// When the report was made.
    pub at: OffsetDateTime,
}

/// Receives a report for every write that carried PHI.
///
/// Called synchronously on the request's task: keep it quick (queue the
/// record) and never fail the write from here.
pub trait PhiWriteObserver: Send + Sync + fmt::Debug {
    /// One write's report.
    fn record(&self, write: &PhiWrite);
}

/// What a cleared body remembers for the report after sending.
#[derive(Debug, Clone)]
pub(crate) struct ClearedWrite {
    pub(crate) categories: CategorySet,
    pub(crate) baa_id: String,
    pub(crate) baa_version: String,
}
