//! Verification: walk the chain across files and report the first bad
//! record.
//!
//! What verification proves, and what it cannot:
//! - Any change to a record's bytes, any record deleted, inserted or moved,
//!   and any file missing from the middle of the list breaks the chain at
//!   the first affected record.
//! - Someone who can write the files can still rewrite the records after
//!   the last checkpoint and recompute their hashes, or cut records off the
//!   end. Signed checkpoints bound the first to the records since the last
//!   checkpoint; an [`Anchor`] kept outside the log (a record's sequence
//!   number and hash, published elsewhere) catches both up to that record.
//!   Without an anchor, a log cut at a line boundary looks like a shorter
//!   intact log.

use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use crate::event::AuditEvent;
use crate::record::{Checkpoint, Entry, GENESIS, decode, split_lines};
use crate::{BadRecordReason, RecordLocation, VerifyError, VerifyKey};

/// A record's sequence number and hash, kept outside the log.
///
/// Text form: `SEQ:HASH`, as the verification summary prints it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Anchor {
    /// The record's sequence number.
    pub seq: u64,
    /// The record's hash, lowercase hex.
    pub hash: String,
}

impl fmt::Display for Anchor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.seq, self.hash)
    }
}

/// The text was not `SEQ:HASH`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("an anchor is a record number, a colon and a 64-digit lowercase hex hash")]
pub struct AnchorParseError;

impl FromStr for Anchor {
    type Err = AnchorParseError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let (seq, hash) = text.trim().split_once(':').ok_or(AnchorParseError)?;
        let seq = seq.parse().map_err(|_| AnchorParseError)?;
        let valid =
            hash.len() == 64 && hash.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
        if !valid {
            return Err(AnchorParseError);
        }
        Ok(Anchor {
            seq,
            hash: hash.to_owned(),
        })
    }
}

/// What to check besides the chain.
#[derive(Debug, Clone, Default)]
pub struct VerifyOptions {
    keys: Vec<VerifyKey>,
    anchor: Option<Anchor>,
}

impl VerifyOptions {
    /// Chain checks only: signatures are not checked.
    pub fn new() -> Self {
        VerifyOptions::default()
    }

    /// Checks checkpoint signatures with `key`; call again to add the keys
    /// of earlier rotations. Once any key is given, a checkpoint signed by
    /// a key not given is an error.
    pub fn key(mut self, key: VerifyKey) -> Self {
        self.keys.push(key);
        self
    }

    /// Requires the record `anchor` names to be present with that hash.
    pub fn anchor(mut self, anchor: Anchor) -> Self {
        self.anchor = Some(anchor);
        self
    }
}

/// What a successful verification found.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct VerifyReport {
    /// Files (segments) read.
    pub files: usize,
    /// Bytes read.
    pub bytes: u64,
    /// Records of every kind.
    pub records: u64,
    /// Audit events.
    pub events: u64,
    /// Checkpoints.
    pub checkpoints: u64,
    /// Whether checkpoint signatures were checked (a key was given).
    pub signatures_checked: bool,
    /// Records after the last checkpoint, protected by the hash chain
    /// alone.
    pub unsigned_tail: u64,
    /// Crash recoveries recorded in the log.
    pub recoveries: u64,
    /// The first file's segment number; 0 when the log starts at its
    /// beginning, more when earlier files were not given.
    pub first_segment: u64,
    /// The first record's sequence number.
    pub first_seq: u64,
    /// The last record: publish it to detect later truncation.
    pub head: Anchor,
    /// Whether an anchor was given and checked (an anchor older than the
    /// first file given cannot be).
    pub anchor_checked: bool,
}

impl VerifyReport {
    /// Whether the log starts at its first record.
    pub fn starts_at_genesis(&self) -> bool {
        self.first_seq == 0
    }
}

impl fmt::Display for VerifyReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "intact: {} file(s), {} records ({} events, {} checkpoints, {} recoveries), head {}",
            self.files, self.records, self.events, self.checkpoints, self.recoveries, self.head
        )?;
        if !self.starts_at_genesis() {
            write!(
                f,
                "; starts at segment {} record {} (earlier files not given)",
                self.first_segment, self.first_seq
            )?;
        }
        if self.signatures_checked {
            write!(f, "; signatures verified")?;
        } else {
            write!(f, "; signatures NOT checked (no key given)")?;
        }
        if self.unsigned_tail > 0 {
            write!(
                f,
                "; {} record(s) after the last checkpoint are protected by the hash chain only",
                self.unsigned_tail
            )?;
        }
        if self.anchor_checked {
            write!(f, "; anchor matched")?;
        }
        Ok(())
    }
}

/// A verified log's events and its report.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct VerifiedLog {
    /// What verification found.
    pub report: VerifyReport,
    /// Every event, in chain order.
    pub events: Vec<AuditEvent>,
}

/// Verifies log files given in order (oldest first; the active file
/// last), and returns the first bad record if any.
///
/// # Errors
///
/// [`VerifyError::BadRecord`] for the first record that fails, with where
/// and why; [`VerifyError::Io`] when a file cannot be read;
/// [`VerifyError::Empty`] when there is nothing to verify.
pub fn verify(paths: &[PathBuf], options: &VerifyOptions) -> Result<VerifyReport, VerifyError> {
    let mut verifier = Verifier::new(options, false);
    for path in paths {
        let data = fs::read(path).map_err(|source| VerifyError::Io {
            path: path.clone(),
            source,
        })?;
        verifier.segment(path, &data)?;
    }
    verifier.finish().map(|log| log.report)
}

/// Verifies as [`verify`] does, and returns the events too.
///
/// # Errors
///
/// As [`verify`].
pub fn read_verified(
    paths: &[PathBuf],
    options: &VerifyOptions,
) -> Result<VerifiedLog, VerifyError> {
    let mut verifier = Verifier::new(options, true);
    for path in paths {
        let data = fs::read(path).map_err(|source| VerifyError::Io {
            path: path.clone(),
            source,
        })?;
        verifier.segment(path, &data)?;
    }
    verifier.finish()
}

/// Verifies segments held in memory, in order. Locations name them
/// `segment 0`, `segment 1`, ...
///
/// # Errors
///
/// As [`verify`], without [`VerifyError::Io`].
pub fn verify_bytes(
    segments: &[&[u8]],
    options: &VerifyOptions,
) -> Result<VerifyReport, VerifyError> {
    let mut verifier = Verifier::new(options, false);
    for (i, data) in segments.iter().enumerate() {
        verifier.segment(Path::new(&format!("segment {i}")), data)?;
    }
    verifier.finish().map(|log| log.report)
}

struct Last {
    seq: u64,
    hash: String,
    location: RecordLocation,
}

struct Verifier<'a> {
    options: &'a VerifyOptions,
    collect: bool,
    events: Vec<AuditEvent>,
    files: usize,
    bytes: u64,
    records: u64,
    event_count: u64,
    checkpoints: u64,
    unsigned_tail: u64,
    recoveries: u64,
    first: Option<(u64, u64)>,
    last: Option<Last>,
    segment_index: Option<u64>,
    anchor_checked: bool,
    /// The last file had a torn final line; reported only if nothing else
    /// is wrong and no file follows.
    torn: Option<RecordLocation>,
    scratch: Vec<u8>,
}

impl<'a> Verifier<'a> {
    fn new(options: &'a VerifyOptions, collect: bool) -> Self {
        Verifier {
            options,
            collect,
            events: Vec::new(),
            files: 0,
            bytes: 0,
            records: 0,
            event_count: 0,
            checkpoints: 0,
            unsigned_tail: 0,
            recoveries: 0,
            first: None,
            last: None,
            segment_index: None,
            anchor_checked: false,
            torn: None,
            scratch: Vec::new(),
        }
    }

    fn segment(&mut self, path: &Path, data: &[u8]) -> Result<(), VerifyError> {
        // A torn line is only acceptable at the very end of the log.
        if let Some(location) = self.torn.take() {
            return Err(VerifyError::BadRecord {
                location,
                reason: BadRecordReason::TruncatedFile,
            });
        }
        self.files += 1;
        self.bytes += data.len() as u64;

        let (lines, torn) = split_lines(data);
        if lines.is_empty() && torn.is_empty() {
            return Err(bad(path, 1, 0, None, BadRecordReason::SegmentHeader));
        }
        for (index, (offset, line)) in lines.iter().enumerate() {
            self.line(path, index as u64 + 1, *offset, line)?;
        }
        if !torn.is_empty() {
            let offset = data.len() as u64 - torn.len() as u64;
            self.torn = Some(RecordLocation {
                file: path.to_owned(),
                line: lines.len() as u64 + 1,
                offset,
                seq: None,
            });
        }
        Ok(())
    }

    fn line(
        &mut self,
        path: &Path,
        line_no: u64,
        offset: u64,
        line: &[u8],
    ) -> Result<(), VerifyError> {
        let fail = |seq, reason| Err(bad(path, line_no, offset, seq, reason));
        let (record, hash) = match decode(line, &mut self.scratch) {
            Ok(decoded) => decoded,
            Err(reason) => return fail(None, reason),
        };
        let seq = Some(record.seq);

        // Position in the chain.
        match &self.last {
            None => {
                let Entry::Segment(header) = &record.entry else {
                    return fail(seq, BadRecordReason::SegmentHeader);
                };
                let genesis = record.seq == 0;
                if genesis != (record.prev == GENESIS) || genesis != (header.index == 0) {
                    return fail(seq, BadRecordReason::BadStart);
                }
                self.first = Some((header.index, record.seq));
            }
            Some(last) => {
                let expected = last.seq + 1;
                if record.seq > expected {
                    return fail(
                        seq,
                        BadRecordReason::Gap {
                            expected,
                            found: record.seq,
                        },
                    );
                }
                if record.seq < expected {
                    return fail(
                        seq,
                        BadRecordReason::OutOfOrder {
                            expected,
                            found: record.seq,
                        },
                    );
                }
                if record.prev != last.hash {
                    return fail(seq, BadRecordReason::BrokenLink);
                }
            }
        }

        // What the record says.
        let first_line = line_no == 1;
        match &record.entry {
            Entry::Segment(header) => {
                if !first_line {
                    return fail(seq, BadRecordReason::SegmentHeader);
                }
                if let Some(previous) = self.segment_index
                    && header.index != previous + 1
                {
                    return fail(
                        seq,
                        BadRecordReason::SegmentOrder {
                            expected_after: previous,
                            found: header.index,
                        },
                    );
                }
                self.segment_index = Some(header.index);
                self.unsigned_tail += 1;
            }
            _ if first_line => return fail(seq, BadRecordReason::SegmentHeader),
            Entry::Event(event) => {
                self.event_count += 1;
                self.unsigned_tail += 1;
                if self.collect {
                    self.events.push(event.clone());
                }
            }
            Entry::Recovery(_) => {
                self.recoveries += 1;
                self.unsigned_tail += 1;
            }
            Entry::Checkpoint(checkpoint) => {
                if checkpoint.head != record.prev || Some(checkpoint.head_seq + 1) != seq {
                    return fail(seq, BadRecordReason::BadCheckpoint);
                }
                if !self.options.keys.is_empty() {
                    let Some(key) = self.options.keys.iter().find(|k| {
                        k.key_id() == checkpoint.key_id && k.algorithm().as_str() == checkpoint.alg
                    }) else {
                        return fail(
                            seq,
                            BadRecordReason::UnknownKey {
                                key_id: checkpoint.key_id.clone(),
                            },
                        );
                    };
                    if !verify_checkpoint(key, checkpoint) {
                        return fail(seq, BadRecordReason::BadSignature);
                    }
                }
                self.checkpoints += 1;
                self.unsigned_tail = 0;
            }
        }

        if let Some(anchor) = &self.options.anchor
            && anchor.seq == record.seq
        {
            if anchor.hash != hash {
                return fail(seq, BadRecordReason::AnchorMismatch);
            }
            self.anchor_checked = true;
        }

        self.records += 1;
        self.last = Some(Last {
            seq: record.seq,
            hash,
            location: RecordLocation {
                file: path.to_owned(),
                line: line_no,
                offset,
                seq,
            },
        });
        Ok(())
    }

    fn finish(mut self) -> Result<VerifiedLog, VerifyError> {
        if let Some(location) = self.torn.take() {
            return Err(VerifyError::BadRecord {
                location,
                reason: BadRecordReason::TornFinalLine,
            });
        }
        let (Some(last), Some((first_segment, first_seq))) = (self.last, self.first) else {
            return Err(VerifyError::Empty);
        };
        if let Some(anchor) = &self.options.anchor
            && anchor.seq > last.seq
        {
            return Err(VerifyError::BadRecord {
                location: last.location,
                reason: BadRecordReason::Truncated {
                    last: last.seq,
                    anchor: anchor.seq,
                },
            });
        }
        let report = VerifyReport {
            files: self.files,
            bytes: self.bytes,
            records: self.records,
            events: self.event_count,
            checkpoints: self.checkpoints,
            signatures_checked: !self.options.keys.is_empty(),
            unsigned_tail: self.unsigned_tail,
            recoveries: self.recoveries,
            first_segment,
            first_seq,
            head: Anchor {
                seq: last.seq,
                hash: last.hash,
            },
            anchor_checked: self.anchor_checked,
        };
        Ok(VerifiedLog {
            report,
            events: self.events,
        })
    }
}

fn verify_checkpoint(key: &VerifyKey, checkpoint: &Checkpoint) -> bool {
    let Ok(time) = checkpoint
        .time
        .format(&time::format_description::well_known::Rfc3339)
    else {
        return false;
    };
    let message = Checkpoint::message(
        checkpoint.head_seq,
        &checkpoint.head,
        &time,
        &checkpoint.alg,
        &checkpoint.key_id,
    );
    key.verify(&message, &checkpoint.signature)
}

fn bad(
    path: &Path,
    line: u64,
    offset: u64,
    seq: Option<u64>,
    reason: BadRecordReason,
) -> VerifyError {
    VerifyError::BadRecord {
        location: RecordLocation {
            file: path.to_owned(),
            line,
            offset,
            seq,
        },
        reason,
    }
}
