//! The on-disk record format, shared by the writer, the verifier and the
//! in-memory sink.
//!
//! One record per line (JSON Lines). Every record has a sequence number
//! `seq`, the hash of the record before it `prev` (64 zeros before the
//! first), a `retain_until` time, one entry (`segment`, `event`,
//! `checkpoint` or `recovery`), and last its own `hash`:
//!
//! ```text
//! {"seq":7,"prev":"9f..","retain_until":"2032-..","event":{..},"hash":"3c.."}
//! ```
//!
//! `hash` is the lowercase hex SHA-256 of the line's exact bytes with the
//! `,"hash":"…"` member removed (so the text ends in the `}` that closed
//! the record). Hashing the bytes as written, rather than a re-encoding,
//! means no canonical JSON form is needed and any byte changed in a line
//! changes its hash or its shape.

use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};
use time::{Date, Month, OffsetDateTime};

use crate::BadRecordReason;
use crate::event::AuditEvent;

/// The `prev` of the first record of a chain.
pub(crate) const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The format name in segment headers.
pub(crate) const FORMAT: &str = "phiguard-audit/1";

/// `,"hash":"` + 64 hex digits + `"}`.
const HASH_PREFIX: &[u8] = br#","hash":""#;
const HASH_SUFFIX_LEN: usize = HASH_PREFIX.len() + 64 + 2;

/// One record.
#[derive(Debug, Serialize, Deserialize)]
#[serde(try_from = "RawRecord")]
pub(crate) struct Record {
    pub(crate) seq: u64,
    pub(crate) prev: String,
    #[serde(with = "time::serde::rfc3339")]
    pub(crate) retain_until: OffsetDateTime,
    #[serde(flatten)]
    pub(crate) entry: Entry,
}

/// A record as read: the entry kinds as optional members, exactly one of
/// which must be present. Reading through this rather than a flattened
/// enum spares serde from buffering every record in an intermediate form.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRecord {
    seq: u64,
    prev: String,
    #[serde(with = "time::serde::rfc3339")]
    retain_until: OffsetDateTime,
    segment: Option<SegmentHeader>,
    event: Option<AuditEvent>,
    checkpoint: Option<Checkpoint>,
    recovery: Option<Recovery>,
}

impl TryFrom<RawRecord> for Record {
    type Error = &'static str;

    fn try_from(raw: RawRecord) -> Result<Self, Self::Error> {
        let entry = match (raw.segment, raw.event, raw.checkpoint, raw.recovery) {
            (Some(segment), None, None, None) => Entry::Segment(segment),
            (None, Some(event), None, None) => Entry::Event(event),
            (None, None, Some(checkpoint), None) => Entry::Checkpoint(checkpoint),
            (None, None, None, Some(recovery)) => Entry::Recovery(recovery),
            _ => return Err("a record holds exactly one entry"),
        };
        Ok(Record {
            seq: raw.seq,
            prev: raw.prev,
            retain_until: raw.retain_until,
            entry,
        })
    }
}

/// What a record holds.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
// Nearly every record is an event; boxing it would only add an allocation.
#[allow(clippy::large_enum_variant)]
pub(crate) enum Entry {
    /// The first record of every file.
    Segment(SegmentHeader),
    /// An audit event.
    Event(AuditEvent),
    /// A signature over the chain up to the record before.
    Checkpoint(Checkpoint),
    /// A note that a torn tail left by a crash was removed on reopening.
    Recovery(Recovery),
}

/// The header that opens each file of a log.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct SegmentHeader {
    pub(crate) format: String,
    /// 0 for the first file of a log, then one more per rotation.
    pub(crate) index: u64,
    #[serde(with = "time::serde::rfc3339")]
    pub(crate) created: OffsetDateTime,
    /// How long the deployment keeps records, in years.
    pub(crate) retention_years: u16,
}

/// A signed statement: "the chain up to record `head_seq`, whose hash is
/// `head`, is authentic".
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct Checkpoint {
    pub(crate) head_seq: u64,
    pub(crate) head: String,
    #[serde(with = "time::serde::rfc3339")]
    pub(crate) time: OffsetDateTime,
    pub(crate) alg: String,
    pub(crate) key_id: String,
    pub(crate) signature: String,
}

impl Checkpoint {
    /// The bytes a checkpoint signature covers. Domain-separated so a
    /// checkpoint signature cannot be replayed as anything else.
    pub(crate) fn message(
        head_seq: u64,
        head: &str,
        time: &str,
        alg: &str,
        key_id: &str,
    ) -> Vec<u8> {
        format!("phiguard-audit checkpoint v1\n{head_seq}\n{head}\n{time}\n{alg}\n{key_id}\n")
            .into_bytes()
    }
}

/// What a crash left behind and reopening removed.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct Recovery {
    #[serde(with = "time::serde::rfc3339")]
    pub(crate) time: OffsetDateTime,
    /// How many bytes of the unfinished line were removed.
    pub(crate) torn_bytes: u64,
    /// Their SHA-256, so the removal can be matched to a copy if one
    /// was kept.
    pub(crate) torn_sha256: String,
}

/// Where a chain stands: the next sequence number and the last hash.
#[derive(Debug, Clone)]
pub(crate) struct Chain {
    pub(crate) next_seq: u64,
    pub(crate) prev: String,
}

impl Chain {
    pub(crate) fn genesis() -> Self {
        Chain {
            next_seq: 0,
            prev: GENESIS.to_owned(),
        }
    }

    /// Encodes `entry` as the next record, appends its line to `out` and
    /// advances the chain. Returns the record's sequence number and hash.
    pub(crate) fn push(
        &mut self,
        entry: Entry,
        retain_until: OffsetDateTime,
        out: &mut Vec<u8>,
    ) -> Result<(u64, String), serde_json::Error> {
        let record = Record {
            seq: self.next_seq,
            prev: std::mem::take(&mut self.prev),
            retain_until,
            entry,
        };
        let encoded = encode(&record, out);
        let Record { seq, prev, .. } = record;
        match encoded {
            Ok(hash) => {
                self.next_seq = seq + 1;
                self.prev = hash.clone();
                Ok((seq, hash))
            }
            Err(err) => {
                self.prev = prev;
                Err(err)
            }
        }
    }
}

/// Appends the line for `record` (with its hash and a line end) to `out`
/// and returns the hash.
pub(crate) fn encode(record: &Record, out: &mut Vec<u8>) -> Result<String, serde_json::Error> {
    let start = out.len();
    if let Err(err) = serde_json::to_writer(&mut *out, record) {
        out.truncate(start);
        return Err(err);
    }
    let hash = hex::encode(Sha256::digest(&out[start..]));

    // Replace the closing brace with the hash member and close again.
    out.pop();
    out.extend_from_slice(HASH_PREFIX);
    out.extend_from_slice(hash.as_bytes());
    out.extend_from_slice(b"\"}\n");
    Ok(hash)
}

/// Checks one line (without its line end) against its own hash and parses
/// it. `scratch` is reused between calls to avoid an allocation per line.
///
/// Returns the record and its hash.
pub(crate) fn decode(
    line: &[u8],
    scratch: &mut Vec<u8>,
) -> Result<(Record, String), BadRecordReason> {
    let claimed = claimed_hash(line)?;
    let body = &line[..line.len() - HASH_SUFFIX_LEN];

    let mut hasher = Sha256::new();
    hasher.update(body);
    hasher.update(b"}");
    let actual = hex::encode(hasher.finalize());
    if actual.as_bytes() != claimed {
        return Err(BadRecordReason::HashMismatch);
    }

    scratch.clear();
    scratch.extend_from_slice(body);
    scratch.push(b'}');
    let record: Record = serde_json::from_slice(scratch).map_err(|_| BadRecordReason::Malformed)?;
    if !is_hash(&record.prev) {
        return Err(BadRecordReason::Malformed);
    }
    Ok((record, actual))
}

/// The hash a line claims, after checking the line's shape around it.
fn claimed_hash(line: &[u8]) -> Result<&[u8], BadRecordReason> {
    if line.len() < HASH_SUFFIX_LEN + 2 || line[0] != b'{' {
        return Err(BadRecordReason::Malformed);
    }
    let tail = &line[line.len() - HASH_SUFFIX_LEN..];
    let (prefix, rest) = tail.split_at(HASH_PREFIX.len());
    let (hash, close) = rest.split_at(64);
    if prefix != HASH_PREFIX || close != b"\"}" || !hash.iter().all(is_lower_hex) {
        return Err(BadRecordReason::Malformed);
    }
    Ok(hash)
}

fn is_lower_hex(b: &u8) -> bool {
    matches!(b, b'0'..=b'9' | b'a'..=b'f')
}

fn is_hash(text: &str) -> bool {
    text.len() == 64 && text.as_bytes().iter().all(is_lower_hex)
}

/// `now` plus `years` calendar years; 29 February moves to 1 March so
/// retention never ends early.
pub(crate) fn retain_until(now: OffsetDateTime, years: u16) -> OffsetDateTime {
    let date = now.date();
    let year = date.year().saturating_add(i32::from(years));
    let until = date
        .replace_year(year)
        .or_else(|_| Date::from_calendar_date(year, Month::March, 1))
        .unwrap_or(Date::MAX);
    now.replace_date(until)
}

/// Splits `data` into complete lines (without their line ends, with their
/// byte offsets) and the unfinished tail after the last line end.
pub(crate) fn split_lines(data: &[u8]) -> (Vec<(u64, &[u8])>, &[u8]) {
    let complete_len = data.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1);
    let (complete, torn) = data.split_at(complete_len);
    let mut lines = Vec::new();
    let mut offset = 0u64;
    if !complete.is_empty() {
        for line in complete[..complete.len() - 1].split(|b| *b == b'\n') {
            lines.push((offset, line));
            offset += line.len() as u64 + 1;
        }
    }
    (lines, torn)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::{Action, Actor};

    fn event_entry() -> Entry {
        Entry::Event(AuditEvent::new(Actor::new("u", "r"), Action::AiRequest))
    }

    #[test]
    fn encoded_lines_decode_and_chain() {
        let mut chain = Chain::genesis();
        let mut out = Vec::new();
        let now = OffsetDateTime::now_utc();
        let (s0, h0) = chain.push(event_entry(), now, &mut out).unwrap();
        let (s1, _) = chain.push(event_entry(), now, &mut out).unwrap();
        assert_eq!((s0, s1), (0, 1));

        let (lines, torn) = split_lines(&out);
        assert!(torn.is_empty());
        assert_eq!(lines.len(), 2);
        let mut scratch = Vec::new();
        let (r0, hash0) = decode(lines[0].1, &mut scratch).unwrap();
        assert_eq!(r0.prev, GENESIS);
        assert_eq!(hash0, h0);
        let (r1, _) = decode(lines[1].1, &mut scratch).unwrap();
        assert_eq!(r1.prev, h0);
        assert!(matches!(r1.entry, Entry::Event(_)));
    }

    #[test]
    fn uppercase_hash_is_refused() {
        let mut out = Vec::new();
        Chain::genesis()
            .push(event_entry(), OffsetDateTime::now_utc(), &mut out)
            .unwrap();
        out.pop();
        let n = out.len();
        let pos = (n - 66..n - 2)
            .find(|&i| out[i].is_ascii_lowercase())
            .expect("a hash has some letters");
        out[pos] = out[pos].to_ascii_uppercase();
        let mut scratch = Vec::new();
        assert_eq!(
            decode(&out, &mut scratch).unwrap_err(),
            BadRecordReason::Malformed
        );
    }

    #[test]
    fn retention_adds_calendar_years() {
        let leap = time::macros::datetime!(2024-02-29 10:00 UTC);
        assert_eq!(
            retain_until(leap, 6),
            time::macros::datetime!(2030-03-01 10:00 UTC)
        );
        let plain = time::macros::datetime!(2026-12-03 10:00 UTC);
        assert_eq!(
            retain_until(plain, 6),
            time::macros::datetime!(2032-12-03 10:00 UTC)
        );
    }

    #[test]
    fn split_lines_separates_the_torn_tail() {
        let (lines, torn) = split_lines(b"ab\ncd\nef");
        assert_eq!(lines, vec![(0, &b"ab"[..]), (3, &b"cd"[..])]);
        assert_eq!(torn, b"ef");
        let (lines, torn) = split_lines(b"partial");
        assert!(lines.is_empty());
        assert_eq!(torn, b"partial");
    }
}
