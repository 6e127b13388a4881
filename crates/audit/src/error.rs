//! Errors. None of them carries an event's content: only kinds, record
//! numbers, file paths and key ids, so every message is safe to log.

use std::fmt;
use std::io;
use std::path::PathBuf;

/// Appending to or opening an audit log failed.
///
/// When an append fails the event may not be durable: callers that must
/// fail closed treat any error as "not recorded" and send nothing.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AuditError {
    /// Reading, writing or syncing the log file failed.
    #[error("audit log i/o failed while {operation}")]
    Io {
        /// What the log was doing (`writing records`, `syncing`, ...).
        operation: &'static str,
        /// The operating system's error.
        #[source]
        source: io::Error,
    },
    /// The existing log's last complete record is not a valid record, so
    /// the chain cannot be continued safely. Run `phiguard audit verify`.
    #[error("audit log {path} ends with a damaged record ({reason}); not appending to it")]
    Damaged {
        /// The damaged file.
        path: PathBuf,
        /// Why it was refused.
        reason: BadRecordReason,
    },
    /// Another writer (in this process or another) has the log open.
    #[error("audit log {path} is already open for writing")]
    Locked {
        /// The active file.
        path: PathBuf,
    },
    /// An event could not be encoded.
    #[error("audit event could not be encoded")]
    Encode(#[source] serde_json::Error),
    /// The log was closed, or its writer stopped.
    #[error("audit log is closed")]
    Closed,
    /// An earlier write or sync failed; the log refuses further appends
    /// because what reached the disk is unknown. Reopen it to recover.
    #[error("audit log stopped after an earlier write failure")]
    Poisoned,
    /// The sink is unavailable (a test sink told to fail, a remote store
    /// that does not answer).
    #[error("audit sink unavailable")]
    Unavailable,
}

/// A key was malformed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum KeyError {
    /// An HMAC key shorter than the minimum.
    #[error("key is shorter than {min} bytes")]
    TooShort {
        /// The minimum length in bytes.
        min: usize,
    },
    /// The key text is not hexadecimal.
    #[error("key is not hexadecimal")]
    NotHex,
    /// The key has the wrong length for its algorithm.
    #[error("key must be {expected} bytes")]
    WrongLength {
        /// The length the algorithm needs.
        expected: usize,
    },
    /// The text form has no known `algorithm:` prefix.
    #[error("key text must start with hmac-sha256:, ed25519: or ed25519-seed:")]
    UnknownFormat,
    /// The bytes are not a valid Ed25519 public key.
    #[error("not a valid ed25519 public key")]
    InvalidPublicKey,
}

/// Where a bad record sits.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RecordLocation {
    /// The file, as given to the verifier (or `segment N` for bytes
    /// given in memory).
    pub file: PathBuf,
    /// The line number in that file, from 1.
    pub line: u64,
    /// The byte offset of the line's start in that file.
    pub offset: u64,
    /// The record's sequence number, when it could be read.
    pub seq: Option<u64>,
}

impl fmt::Display for RecordLocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} line {} (byte {})",
            self.file.display(),
            self.line,
            self.offset
        )?;
        if let Some(seq) = self.seq {
            write!(f, ", record {seq}")?;
        }
        Ok(())
    }
}

/// Why a record failed verification.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BadRecordReason {
    /// The line is not a well-formed record (not JSON, no hash, wrong
    /// fields): the record was modified, or a foreign line inserted.
    #[error("not a well-formed audit record (modified or inserted)")]
    Malformed,
    /// The content does not hash to the record's stored hash.
    #[error("content does not match its hash (modified)")]
    HashMismatch,
    /// Records between the previous one and this one are missing here:
    /// deleted, or moved later.
    #[error("expected record {expected}, found {found} (records deleted or moved)")]
    Gap {
        /// The sequence number that should have come next.
        expected: u64,
        /// The sequence number found.
        found: u64,
    },
    /// The sequence number goes backwards or repeats.
    #[error("expected record {expected}, found {found} (reordered, duplicated or inserted)")]
    OutOfOrder {
        /// The sequence number that should have come next.
        expected: u64,
        /// The sequence number found.
        found: u64,
    },
    /// The record does not name the previous record's hash.
    #[error("does not link to the record before it (inserted, deleted or reordered)")]
    BrokenLink,
    /// The first record of the chain claims a predecessor but starts at 0,
    /// or the first file's header is inconsistent.
    #[error("the chain's first record is not a valid start")]
    BadStart,
    /// A file does not begin with a segment header, or one appears inside
    /// a file.
    #[error("segment header missing or misplaced (files mixed, reordered or inserted)")]
    SegmentHeader,
    /// A file's segment number does not follow the previous file's.
    #[error(
        "segment {found} does not follow segment {expected_after} (files missing or out of order)"
    )]
    SegmentOrder {
        /// The previous file's segment number.
        expected_after: u64,
        /// This file's segment number.
        found: u64,
    },
    /// A checkpoint's signature does not verify.
    #[error("checkpoint signature does not verify (checkpoint or earlier records modified)")]
    BadSignature,
    /// A checkpoint names a key the verifier was not given.
    #[error("checkpoint signed by key {key_id}, which was not provided")]
    UnknownKey {
        /// The key id in the checkpoint.
        key_id: String,
    },
    /// A checkpoint's contents contradict the chain.
    #[error("checkpoint does not describe the record before it")]
    BadCheckpoint,
    /// The last line of the last file has no line end: a write was cut
    /// short, typically by a crash. Opening the log for append removes
    /// it and records a recovery entry.
    #[error("torn final line: a write was interrupted (crash); reopening the log repairs it")]
    TornFinalLine,
    /// A file other than the last ends in the middle of a line.
    #[error("file ends in the middle of a record (truncated)")]
    TruncatedFile,
    /// The log ends before a record an anchor names.
    #[error("log ends at record {last} but the anchor names record {anchor} (truncated)")]
    Truncated {
        /// The last record present.
        last: u64,
        /// The record the anchor names.
        anchor: u64,
    },
    /// The record an anchor names has another hash.
    #[error("record does not match the anchor (rewritten)")]
    AnchorMismatch,
}

/// Verification could not read the log, or found a bad record.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum VerifyError {
    /// A file could not be read.
    #[error("cannot read {path}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The operating system's error.
        #[source]
        source: io::Error,
    },
    /// No files were given, or all were empty.
    #[error("no audit records to verify")]
    Empty,
    /// The first bad record, and why.
    #[error("{location}: {reason}")]
    BadRecord {
        /// Where it is.
        location: RecordLocation,
        /// Why it is bad.
        reason: BadRecordReason,
    },
}

impl VerifyError {
    /// Why the first bad record is bad, when that is the failure.
    pub fn reason(&self) -> Option<&BadRecordReason> {
        match self {
            VerifyError::BadRecord { reason, .. } => Some(reason),
            _ => None,
        }
    }

    /// Where the first bad record is, when that is the failure.
    pub fn location(&self) -> Option<&RecordLocation> {
        match self {
            VerifyError::BadRecord { location, .. } => Some(location),
            _ => None,
        }
    }
}
