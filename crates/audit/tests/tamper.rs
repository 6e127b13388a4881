//! Tampering with a log in every way the issue names must be found:
//! flipped bytes, deleted, inserted, swapped and truncated records,
//! missing or reordered files, forged checkpoints.

use std::path::{Path, PathBuf};

use phiguard_audit::{
    Action, Actor, AuditEvent, AuditLogOptions, AuditSink as _, BadRecordReason, CheckpointKey,
    DataSummary, JsonlAuditLog, Outcome, Target, VerifyError, VerifyOptions, verify, verify_bytes,
};
use phiguard_phi::PhiCategory;
use sha2::{Digest as _, Sha256};

/// A value planted in events; no error message may ever show it.
const PLANTED: &str = "Planted-Jane-Doe-1962-03-14";

const HMAC_SECRET: &[u8] = b"audit-checkpoint-secret-for-tests";

fn key() -> CheckpointKey {
    CheckpointKey::hmac_sha256(HMAC_SECRET).unwrap()
}

/// Writes a sample log rotated over several files and returns each
/// file's bytes, oldest first.
fn sample_log(dir: &Path, events: usize, rotate_after: Option<u64>) -> Vec<Vec<u8>> {
    let path = dir.join("audit.jsonl");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    runtime.block_on(async {
        let log = JsonlAuditLog::open(
            &path,
            AuditLogOptions::default()
                .checkpoint_key(key())
                .checkpoint_every(3)
                .rotate_after_bytes(rotate_after),
        )
        .unwrap();
        for i in 0..events {
            let event = AuditEvent::new(
                Actor::new(format!("user-{i}"), "nurse").automation(PLANTED),
                Action::AiRequest,
            )
            .purpose("summarize")
            .target(Target::new("vendor", "service", "api.example.test"))
            .data(DataSummary::new().category(PhiCategory::Diagnosis, i as u64))
            .outcome(if i.is_multiple_of(2) {
                Outcome::Success
            } else {
                Outcome::refused(["no baa"])
            });
            log.append(event).await.unwrap();
        }
        log.close().await.unwrap();
    });
    log_files(dir)
        .iter()
        .map(|p| std::fs::read(p).unwrap())
        .collect()
}

/// The log's files, oldest first.
fn log_files(dir: &Path) -> Vec<PathBuf> {
    let mut rotated: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy();
            name.starts_with("audit.") && name.ends_with(".jsonl") && name != "audit.jsonl"
        })
        .collect();
    rotated.sort();
    rotated.push(dir.join("audit.jsonl"));
    rotated
}

fn check(segments: &[Vec<u8>], options: &VerifyOptions) -> Result<(), VerifyError> {
    let slices: Vec<&[u8]> = segments.iter().map(Vec::as_slice).collect();
    verify_bytes(&slices, options).map(|_| ())
}

fn with_key() -> VerifyOptions {
    VerifyOptions::new().key(key().verify_key())
}

/// The lines of a segment, each with its line end.
fn lines(segment: &[u8]) -> Vec<Vec<u8>> {
    segment
        .split_inclusive(|b| *b == b'\n')
        .map(<[u8]>::to_vec)
        .collect()
}

fn assert_safe(err: &VerifyError) {
    let shown = format!("{err} {err:?}");
    assert!(
        !shown.contains(PLANTED),
        "error shows event content: {shown}"
    );
    assert!(
        !shown.contains("user-"),
        "error shows event content: {shown}"
    );
}

#[test]
fn the_sample_log_verifies() {
    let dir = tempfile::tempdir().unwrap();
    let segments = sample_log(dir.path(), 12, Some(1500));
    assert!(segments.len() >= 3, "rotation should give several files");

    let slices: Vec<&[u8]> = segments.iter().map(Vec::as_slice).collect();
    let report = verify_bytes(&slices, &with_key()).unwrap();
    assert_eq!(report.events, 12);
    assert!(report.checkpoints >= 4);
    assert!(report.signatures_checked);
    assert_eq!(report.unsigned_tail, 0, "close signs the tail");
    assert!(report.starts_at_genesis());

    let files = log_files(dir.path());
    let from_files = verify(&files, &with_key()).unwrap();
    assert_eq!(from_files.head, report.head);
}

#[test]
fn every_byte_flip_is_detected() {
    let dir = tempfile::tempdir().unwrap();
    let segments = sample_log(dir.path(), 6, Some(1500));
    assert!(segments.len() >= 2);
    let keyless = VerifyOptions::new();
    let mut flips = 0;

    // Three masks: the low bit, the ASCII case bit, the high bit (which
    // makes invalid UTF-8). The chain alone, without the key, must catch
    // every one of them.
    for s in 0..segments.len() {
        for i in 0..segments[s].len() {
            for mask in [0x01u8, 0x20, 0x80] {
                let mut tampered = segments.clone();
                tampered[s][i] ^= mask;
                let err = check(&tampered, &keyless).expect_err(&format!(
                    "flip {mask:#04x} at byte {i} of file {s} undetected"
                ));
                assert_safe(&err);
                flips += 1;
            }
        }
    }
    assert!(flips > 5000, "sample too small: {flips} flips");
}

#[test]
fn deleted_records_are_detected() {
    let dir = tempfile::tempdir().unwrap();
    let segments = sample_log(dir.path(), 8, Some(1500));
    let original = {
        let slices: Vec<&[u8]> = segments.iter().map(Vec::as_slice).collect();
        verify_bytes(&slices, &with_key()).unwrap()
    };
    let anchored = with_key().anchor(original.head.clone());

    for s in 0..segments.len() {
        let file_lines = lines(&segments[s]);
        for i in 0..file_lines.len() {
            let mut tampered = segments.clone();
            let mut kept = file_lines.clone();
            kept.remove(i);
            tampered[s] = kept.concat();
            let last_of_log = s == segments.len() - 1 && i == file_lines.len() - 1;
            if last_of_log {
                // Cutting the last record off looks like a shorter log
                // unless the head was published: the anchor catches it.
                check(&tampered, &with_key()).unwrap();
                let err = check(&tampered, &anchored).unwrap_err();
                assert!(
                    matches!(err.reason(), Some(BadRecordReason::Truncated { .. })),
                    "{err}"
                );
            } else {
                let err = check(&tampered, &VerifyOptions::new())
                    .expect_err(&format!("deleting line {i} of file {s} undetected"));
                assert_safe(&err);
            }
        }
    }
}

#[test]
fn inserted_records_are_detected() {
    let dir = tempfile::tempdir().unwrap();
    let segments = sample_log(dir.path(), 6, Some(1500));

    for s in 0..segments.len() {
        let file_lines = lines(&segments[s]);
        for i in 0..file_lines.len() {
            // A copy of a genuine record (replay), right after itself.
            let mut tampered = segments.clone();
            let mut with_copy = file_lines.clone();
            with_copy.insert(i + 1, file_lines[i].clone());
            tampered[s] = with_copy.concat();
            check(&tampered, &VerifyOptions::new())
                .expect_err(&format!("copy of line {i} of file {s} undetected"));

            // A copy of a record from elsewhere in the log.
            let mut tampered = segments.clone();
            let donor = lines(&segments[(s + 1) % segments.len()]);
            let mut with_foreign = file_lines.clone();
            with_foreign.insert(i, donor[donor.len() / 2].clone());
            tampered[s] = with_foreign.concat();
            check(&tampered, &VerifyOptions::new()).expect_err(&format!(
                "foreign record before line {i} of file {s} undetected"
            ));
        }
    }

    // A line that is not a record at all.
    let mut tampered = segments.clone();
    let mut file_lines = lines(&tampered[0]);
    file_lines.insert(1, b"{\"note\":\"added by hand\"}\n".to_vec());
    tampered[0] = file_lines.concat();
    let err = check(&tampered, &VerifyOptions::new()).unwrap_err();
    assert_eq!(err.reason(), Some(&BadRecordReason::Malformed));
    assert_eq!(err.location().unwrap().line, 2);
}

#[test]
fn swapped_records_are_detected() {
    let dir = tempfile::tempdir().unwrap();
    let segments = sample_log(dir.path(), 6, Some(1500));

    for s in 0..segments.len() {
        let file_lines = lines(&segments[s]);
        for i in 0..file_lines.len() - 1 {
            let mut swapped = file_lines.clone();
            swapped.swap(i, i + 1);
            let mut tampered = segments.clone();
            tampered[s] = swapped.concat();
            let err = check(&tampered, &VerifyOptions::new()).expect_err(&format!(
                "swapping lines {i} and {} of file {s} undetected",
                i + 1
            ));
            let line = err.location().unwrap().line;
            assert!(line == i as u64 + 1 || line == i as u64 + 2, "{err}");
        }
    }
}

#[test]
fn truncation_is_detected() {
    let dir = tempfile::tempdir().unwrap();
    let segments = sample_log(dir.path(), 6, Some(1500));
    let head = {
        let slices: Vec<&[u8]> = segments.iter().map(Vec::as_slice).collect();
        verify_bytes(&slices, &VerifyOptions::new()).unwrap().head
    };
    let anchored = VerifyOptions::new().anchor(head);

    let last = segments.len() - 1;
    for cut in 0..segments[last].len() {
        let mut tampered = segments.clone();
        tampered[last].truncate(cut);
        let err = check(&tampered, &anchored).expect_err(&format!("cut at {cut} undetected"));
        let at_line_end = cut == 0 || segments[last][cut - 1] == b'\n';
        let reason = err.reason().cloned();
        if at_line_end {
            assert!(
                matches!(
                    reason,
                    Some(BadRecordReason::Truncated { .. } | BadRecordReason::SegmentHeader)
                ),
                "cut at {cut}: {err}"
            );
        } else {
            assert_eq!(
                reason,
                Some(BadRecordReason::TornFinalLine),
                "cut at {cut}: {err}"
            );
        }
    }

    // An earlier file cut short, even at a line end, breaks the link to
    // the next file.
    let mut tampered = segments.clone();
    let mut first = lines(&tampered[0]);
    first.pop();
    tampered[0] = first.concat();
    let err = check(&tampered, &VerifyOptions::new()).unwrap_err();
    assert!(
        matches!(err.reason(), Some(BadRecordReason::Gap { .. })),
        "{err}"
    );
    let mut tampered = segments.clone();
    tampered[0].pop();
    let err = check(&tampered, &VerifyOptions::new()).unwrap_err();
    assert_eq!(err.reason(), Some(&BadRecordReason::TruncatedFile), "{err}");
}

#[test]
fn missing_or_reordered_files_are_detected() {
    let dir = tempfile::tempdir().unwrap();
    let segments = sample_log(dir.path(), 12, Some(1500));
    assert!(segments.len() >= 3);

    let mut missing = segments.clone();
    missing.remove(1);
    let err = check(&missing, &VerifyOptions::new()).unwrap_err();
    assert!(
        matches!(err.reason(), Some(BadRecordReason::Gap { .. })),
        "{err}"
    );

    let mut reordered = segments.clone();
    reordered.swap(1, 2);
    check(&reordered, &VerifyOptions::new()).unwrap_err();

    // Starting from a later file is allowed (older files may be past
    // retention) and the report says so.
    let slices: Vec<&[u8]> = segments[1..].iter().map(Vec::as_slice).collect();
    let report = verify_bytes(&slices, &VerifyOptions::new()).unwrap();
    assert!(!report.starts_at_genesis());
    assert_eq!(report.first_segment, 1);
    assert!(report.to_string().contains("earlier files not given"));
}

/// Recomputes every hash and link of a log, as someone with write access
/// but without the checkpoint key would after editing a record.
fn rechain(segments: &[Vec<u8>]) -> Vec<Vec<u8>> {
    let suffix_len = r#","hash":""#.len() + 64 + 2;
    let mut prev = "0".repeat(64);
    segments
        .iter()
        .map(|segment| {
            let mut out = Vec::new();
            for line in lines(segment) {
                let text = String::from_utf8(line).unwrap();
                let text = text.trim_end_matches('\n');
                let body = &text[..text.len() - suffix_len];
                let old_prev_start = body.find(r#""prev":""#).unwrap() + 8;
                let body = format!(
                    "{}{}{}}}",
                    &body[..old_prev_start],
                    prev,
                    &body[old_prev_start + 64..]
                );
                // A checkpoint repeats the hash it covers; a forger
                // rewrites that too.
                let body = match body.find(r#""head":""#) {
                    Some(at) => format!("{}{}{}", &body[..at + 8], prev, &body[at + 8 + 64..]),
                    None => body,
                };
                let hash = hex::encode(Sha256::digest(body.as_bytes()));
                out.extend_from_slice(&body.as_bytes()[..body.len() - 1]);
                out.extend_from_slice(format!(r#","hash":"{hash}"}}"#).as_bytes());
                out.push(b'\n');
                prev = hash;
            }
            out
        })
        .collect()
}

#[test]
fn a_rechained_forgery_is_caught_by_the_checkpoint_key() {
    let dir = tempfile::tempdir().unwrap();
    let segments = sample_log(dir.path(), 6, None);
    assert_eq!(
        rechain(&segments),
        segments,
        "rechain reproduces an honest log"
    );

    // Change who acted in the first event, then recompute the chain.
    let text = String::from_utf8(segments[0].clone()).unwrap();
    let forged = rechain(&[text.replacen("user-0", "user-X", 1).into_bytes()]);

    // The chain alone cannot tell (the documented limit)...
    check(&forged, &VerifyOptions::new()).unwrap();
    // ...the first checkpoint after the change can.
    let err = check(&forged, &with_key()).unwrap_err();
    assert_eq!(err.reason(), Some(&BadRecordReason::BadSignature), "{err}");
    assert_safe(&err);

    // A key that did not sign the log is named, not silently accepted.
    let other = CheckpointKey::hmac_sha256(&b"some-other-secret-0123456789"[..]).unwrap();
    let err = check(&segments, &VerifyOptions::new().key(other.verify_key())).unwrap_err();
    assert!(
        matches!(err.reason(), Some(BadRecordReason::UnknownKey { .. })),
        "{err}"
    );
    // After a key rotation, giving both keys works.
    check(
        &segments,
        &VerifyOptions::new()
            .key(other.verify_key())
            .key(key().verify_key()),
    )
    .unwrap();
}

#[test]
fn a_forged_signature_is_caught() {
    let dir = tempfile::tempdir().unwrap();
    let segments = sample_log(dir.path(), 6, None);
    let text = String::from_utf8(segments[0].clone()).unwrap();
    let at = text.find(r#""signature":""#).unwrap() + 13;
    let mut bytes = text.into_bytes();
    bytes[at] = if bytes[at] == b'0' { b'1' } else { b'0' };
    let forged = rechain(&[bytes]);

    check(&forged, &VerifyOptions::new()).unwrap();
    let err = check(&forged, &with_key()).unwrap_err();
    assert_eq!(err.reason(), Some(&BadRecordReason::BadSignature), "{err}");
}

#[test]
fn ed25519_checkpoints_verify_with_the_public_key_only() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.jsonl");
    let signing = CheckpointKey::ed25519_from_seed(&[5; 32]);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    runtime.block_on(async {
        let log = JsonlAuditLog::open(
            &path,
            AuditLogOptions::default()
                .checkpoint_key(signing.clone())
                .checkpoint_every(2),
        )
        .unwrap();
        for i in 0..5 {
            let event = AuditEvent::new(Actor::new(format!("u{i}"), "r"), Action::ClickUpWrite);
            log.append(event).await.unwrap();
        }
        log.close().await.unwrap();
    });

    let public =
        phiguard_audit::VerifyKey::from_spec(&signing.verify_key().public_spec().unwrap()).unwrap();
    let report = verify(&[path], &VerifyOptions::new().key(public)).unwrap();
    assert_eq!(report.events, 5);
    assert_eq!(report.checkpoints, 3);
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

    /// Arbitrary bytes spliced into a valid log never verify and never
    /// make the verifier panic.
    #[test]
    fn spliced_garbage_is_rejected(
        at in 0usize..10_000,
        garbage in proptest::collection::vec(proptest::prelude::any::<u8>(), 1..64),
    ) {
        let segments = sample_segments();
        let mut tampered = segments.to_vec();
        let at = at % (tampered[0].len() + 1);
        tampered[0].splice(at..at, garbage);
        proptest::prop_assert!(check(&tampered, &VerifyOptions::new()).is_err());
    }
}

/// One small sample log, written once for the property test.
fn sample_segments() -> &'static [Vec<u8>] {
    static SAMPLE: std::sync::OnceLock<Vec<Vec<u8>>> = std::sync::OnceLock::new();
    SAMPLE.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        sample_log(dir.path(), 4, None)
    })
}

#[test]
fn a_record_from_another_log_with_the_same_number_is_detected() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    let log_a = sample_log(a.path(), 6, None);
    let log_b = sample_log(b.path(), 6, None);
    let lines_a = lines(&log_a[0]);
    let lines_b = lines(&log_b[0]);

    // Each of B's records is self-consistent and has the right number for
    // its place in A; only the link to the record before gives it away.
    for i in 1..lines_a.len() {
        let mut spliced = lines_a.clone();
        spliced[i] = lines_b[i].clone();
        let err = check(&[spliced.concat()], &VerifyOptions::new())
            .expect_err(&format!("record {i} from another log undetected"));
        assert_eq!(err.reason(), Some(&BadRecordReason::BrokenLink), "{err}");
        assert_eq!(err.location().unwrap().line, i as u64 + 1);
    }
}
