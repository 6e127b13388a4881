//! A tamper-evident audit trail of every transmission of PHI.
//!
//! phiguard records each AI request and response, ClickUp write, webhook
//! forward, refusal and configuration change as an [`AuditEvent`]: who
//! acted, what kind of data went where, under which business associate
//! agreement and policies, and how it ended. Events go to an
//! [`AuditSink`]; the file sink [`JsonlAuditLog`] writes them as JSON Lines
//! in a SHA-256 hash chain with periodic signed checkpoints, and
//! [`verify`] finds the first record that was modified, deleted,
//! inserted, reordered or cut off.
//!
//! # What it guarantees
//!
//! - An event cannot hold a [`Phi`](phiguard_phi::Phi) value: its fields
//!   are plain strings, numbers, categories and times. Bodies sent are
//!   summarised by size, category counts and a keyed digest
//!   ([`DigestKey`]), never stored.
//! - An append returns only after the record is synced to disk (each event
//!   on its own, or a group at once with [`Durability::GroupCommit`]).
//! - Concurrent appends form one chain in one order.
//! - Any byte changed in a record, and any record removed, added or moved,
//!   is found by [`verify`], which names the first bad record and why.
//!   Checkpoints signed with a deployment key (HMAC-SHA256 or Ed25519)
//!   stop someone with write access from recomputing the chain over
//!   earlier records.
//! - A line torn by a crash is reported as such, and reopening the log
//!   removes it, records the recovery and continues a valid chain.
//!
//! # What it does not
//!
//! - It detects, it does not prevent: someone who can write the files can
//!   delete them, cut records off the end, or rewrite the records after
//!   the last checkpoint. Publish an [`Anchor`] (a record's number and
//!   hash, from [`AuditReceipt::anchor`], [`JsonlAuditLog::checkpoint`] or
//!   the verification summary) somewhere they cannot write, and pass it to
//!   [`VerifyOptions::anchor`], to catch that.
//! - It does not encrypt the log; events hold no PHI, but they do name
//!   users, roles and vendors.
//! - It does not keep copies of what was sent.
//!
//! # Example
//!
//! ```
//! use phiguard_audit::{
//!     Action, Actor, AuditEvent, AuditLogOptions, AuditSink, CheckpointKey, DataSummary,
//!     DigestKey, JsonlAuditLog, Outcome, Target, VerifyOptions, verify,
//! };
//! use phiguard_phi::PhiCategory;
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # tokio::runtime::Builder::new_current_thread().build()?.block_on(async {
//! let dir = tempfile::tempdir()?;
//! let path = dir.path().join("audit.jsonl");
//! let signing = CheckpointKey::ed25519_from_seed(&[42; 32]);
//! let log = JsonlAuditLog::open(
//!     &path,
//!     AuditLogOptions::default().checkpoint_key(signing.clone()),
//! )?;
//!
//! let digests = DigestKey::new(vec![7u8; 32])?;
//! let body = br#"{"messages":[...]}"#;
//! let event = AuditEvent::new(Actor::new("u-17", "nurse"), Action::AiRequest)
//!     .purpose("summarize")
//!     .target(Target::new("microsoft", "azure-openai-chat", "example.openai.azure.com"))
//!     .data(DataSummary::new().category(PhiCategory::Diagnosis, 1).sent(&digests, body))
//!     .outcome(Outcome::Success);
//! let receipt = log.append(event).await?;
//! log.close().await?;
//!
//! let report = verify(&[path], &VerifyOptions::new().key(signing.verify_key()))?;
//! assert_eq!(report.events, 1);
//! assert_eq!(report.checkpoints, 1);
//! assert_eq!(report.head.seq, receipt.sequence() + 1);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! # })
//! # }
//! ```
//!
//! An event has nowhere to put a `Phi`:
//!
//! ```compile_fail
//! use phiguard_audit::{Action, Actor, AuditEvent};
//! use phiguard_phi::{Phi, PhiCategory};
//!
//! let name = Phi::new("Jane Doe".to_string(), PhiCategory::Name);
//! let event = AuditEvent::new(Actor::new(name, "nurse"), Action::AiRequest);
//! ```
//!
//! # Format
//!
//! One record per line: `seq`, `prev` (the previous record's hash),
//! `retain_until`, one of `segment` (each file's header), `event`,
//! `checkpoint`, `recovery`, and last `hash`, the SHA-256 of the line's
//! bytes without the `hash` member. A checkpoint signs
//! `phiguard-audit checkpoint v1`, the covered record's number and hash,
//! its time, algorithm and key id, one per line.

mod error;
mod event;
mod keys;
mod log;
mod record;
mod sink;
mod verify;

pub use error::{AuditError, BadRecordReason, KeyError, RecordLocation, VerifyError};
pub use event::{Action, Actor, AuditEvent, Basis, DataSummary, Outcome, Target};
pub use keys::{CheckpointKey, DigestKey, MIN_HMAC_KEY_LEN, SignatureAlgorithm, VerifyKey};
pub use log::{AuditLogOptions, Durability, JsonlAuditLog};
pub use sink::{AuditReceipt, AuditSink, MemoryAuditSink};
pub use verify::{
    Anchor, AnchorParseError, VerifiedLog, VerifyOptions, VerifyReport, read_verified, verify,
    verify_bytes,
};

/// How many years records are kept unless configured otherwise: HIPAA's
/// documentation retention (45 CFR 164.316(b)(2)).
pub const DEFAULT_RETENTION_YEARS: u16 = 6;
