//! Crash test: a child process appends in a loop and is killed with
//! SIGKILL, many times over the same log. Every event the child saw
//! acknowledged must be in the log, and the chain must verify.
//!
//! This test binary is its own child: run with
//! `PHIGUARD_AUDIT_CRASH_CHILD=<log path>` it appends until killed,
//! printing each acknowledged event id on its own line.

use std::collections::HashSet;
use std::io::{BufRead as _, BufReader, Write as _};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use phiguard_audit::{
    Action, Actor, AuditEvent, AuditLogOptions, AuditSink as _, BadRecordReason, CheckpointKey,
    Durability, JsonlAuditLog, VerifyOptions, read_verified, verify,
};

const CHILD_ENV: &str = "PHIGUARD_AUDIT_CRASH_CHILD";
const KILLS: u64 = 20;

fn key() -> CheckpointKey {
    CheckpointKey::hmac_sha256(&b"crash-test-checkpoint-secret"[..]).unwrap()
}

fn options(round: u64) -> AuditLogOptions {
    // Alternate the durability modes so both are crashed.
    let durability = if round.is_multiple_of(2) {
        Durability::GroupCommit {
            max_delay: Duration::from_millis(1),
            max_batch: 32,
        }
    } else {
        Durability::SyncEachEvent
    };
    AuditLogOptions::default()
        .durability(durability)
        .checkpoint_key(key())
        .checkpoint_every(16)
        .rotate_after_bytes(Some(32 * 1024))
}

fn main() {
    if let Some(path) = std::env::var_os(CHILD_ENV) {
        let round = std::env::var("PHIGUARD_AUDIT_CRASH_ROUND")
            .ok()
            .and_then(|r| r.parse().ok())
            .unwrap_or(0);
        child(Path::new(&path), round);
        return;
    }
    // `cargo test -- --list` and filters: this target has one test.
    if std::env::args().any(|a| a == "--list") {
        println!("crash_and_recover: test");
        return;
    }
    parent();
    println!("test crash_and_recover ... ok");
}

/// Appends from four tasks until killed.
fn child(path: &Path, round: u64) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .build()
        .unwrap();
    runtime.block_on(async {
        let log = JsonlAuditLog::open(path, options(round)).expect("child opens the log");
        let mut tasks = Vec::new();
        for task in 0..4 {
            let log = log.clone();
            tasks.push(tokio::spawn(async move {
                for i in 0u64.. {
                    let event = AuditEvent::new(
                        Actor::new(format!("crash-{round}-{task}"), "automation"),
                        Action::AiRequest,
                    )
                    .correlation("n", i.to_string());
                    let receipt = log.append(event).await.expect("append");
                    let mut out = std::io::stdout().lock();
                    writeln!(out, "{}", receipt.event_id()).unwrap();
                    out.flush().unwrap();
                }
            }));
        }
        for task in tasks {
            task.await.unwrap();
        }
    });
}

fn log_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy();
            name.starts_with("audit.") && name.ends_with(".jsonl") && name != "audit.jsonl"
        })
        .collect();
    files.sort();
    let active = dir.join("audit.jsonl");
    if active.exists() {
        files.push(active);
    }
    files
}

fn parent() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.jsonl");
    let exe = std::env::current_exe().unwrap();
    let mut acknowledged = HashSet::new();
    let mut torn_seen = 0;
    let mut tears = 0;

    for round in 0..KILLS {
        let mut child = Command::new(&exe)
            .env(CHILD_ENV, &path)
            .env("PHIGUARD_AUDIT_CRASH_ROUND", round.to_string())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let reader = std::thread::spawn(move || {
            BufReader::new(stdout)
                .lines()
                .map_while(Result::ok)
                .collect::<Vec<_>>()
        });

        // Kill at varied moments: early (during open and recovery) and
        // later (mid-stream).
        let wait = 5 + (round * 37) % 120;
        std::thread::sleep(Duration::from_millis(wait));
        child.kill().unwrap(); // SIGKILL on Unix
        let status = child.wait().unwrap();
        assert!(
            !status.success(),
            "round {round}: the child should have been killed"
        );
        let lines = reader.join().unwrap();
        acknowledged.extend(lines.into_iter().filter(|l| !l.is_empty()));

        // Between crashes the log verifies, or ends in a torn line.
        let files = log_files(dir.path());
        if files.is_empty() {
            continue; // killed before the log was created
        }

        // SIGKILL cannot cut a write() in half, but a power loss can: in
        // some rounds, leave half a record at the end as one would.
        if round % 4 == 3 && path.exists() {
            let mut file = std::fs::OpenOptions::new()
                .append(true)
                .open(&path)
                .unwrap();
            let half = &br#"{"seq":999999,"prev":"00ff","retain_until":"2032-"#
                [..(round as usize % 40) + 5];
            file.write_all(half).unwrap();
            file.sync_all().unwrap();
            tears += 1;
        }
        match verify(&files, &VerifyOptions::new().key(key().verify_key())) {
            Ok(_) => {}
            Err(err) if err.reason() == Some(&BadRecordReason::TornFinalLine) => torn_seen += 1,
            Err(err) => panic!("round {round}: log broken after a crash: {err}"),
        }
    }

    // Reopening repairs any torn tail; then everything acknowledged is
    // there and the whole chain verifies.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    runtime.block_on(async {
        let log = JsonlAuditLog::open(&path, options(0)).unwrap();
        log.close().await.unwrap();
    });
    let files = log_files(dir.path());
    let log = read_verified(&files, &VerifyOptions::new().key(key().verify_key()))
        .unwrap_or_else(|err| panic!("final verification failed: {err}"));
    let present: HashSet<String> = log
        .events
        .iter()
        .map(|e| e.id.unwrap().to_string())
        .collect();
    let missing: Vec<_> = acknowledged.difference(&present).collect();
    assert!(
        missing.is_empty(),
        "{} acknowledged events missing, e.g. {:?}",
        missing.len(),
        missing.first()
    );
    assert!(
        log.report.recoveries >= tears,
        "{tears} torn tails left but {} recoveries recorded",
        log.report.recoveries
    );
    assert!(
        acknowledged.len() > 100,
        "the children acknowledged too few events ({}) to test anything",
        acknowledged.len()
    );
    eprintln!(
        "crash test: {KILLS} kills, {} acknowledged events all present, {} events in {} files, \
         {tears} torn tails planted, {} torn tails seen by verify, {} recoveries recorded",
        acknowledged.len(),
        log.report.events,
        files.len(),
        torn_seen,
        log.report.recoveries
    );
}
