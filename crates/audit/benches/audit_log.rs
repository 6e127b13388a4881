//! Audit log throughput: appends with a sync per event and with group
//! commit, and verification in MB/s.
//!
//! Run: `cargo bench -p phiguard-audit --bench audit_log`. Appends sync
//! to the file system holding the system temporary directory, so the
//! figures measure that disk's `fdatasync`.
#![allow(missing_docs)]

use std::time::{Duration, Instant};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use phiguard_audit::{
    Action, Actor, AuditEvent, AuditLogOptions, AuditSink as _, Basis, CheckpointKey, DataSummary,
    Durability, JsonlAuditLog, Outcome, Target, VerifyOptions, verify_bytes,
};
use phiguard_phi::PhiCategory;

/// A typical AI-request event (about 600 bytes as a record).
fn event(n: u64) -> AuditEvent {
    AuditEvent::new(
        Actor::new(format!("user-{}", n % 50), "nurse").automation("nightly-summary"),
        Action::AiRequest,
    )
    .purpose("summarize")
    .target(Target::new(
        "microsoft",
        "azure-openai-chat",
        "example.openai.azure.com",
    ))
    .data(
        DataSummary::new()
            .category(PhiCategory::Diagnosis, 2)
            .category(PhiCategory::Medication, 3)
            .redaction(PhiCategory::Name, 4)
            .bytes_sent(2048)
            .digest(format!("hmac-sha256:{}", "ab".repeat(32))),
    )
    .basis(Basis::new("baa-msft-2025", "3").policy_id("nurse-may-summarize"))
    .outcome(Outcome::Success)
    .correlation("request", format!("req-{n}"))
}

fn options(durability: Durability) -> AuditLogOptions {
    AuditLogOptions::default()
        .durability(durability)
        .checkpoint_key(CheckpointKey::ed25519_from_seed(&[1; 32]))
        .checkpoint_every(1000)
        .rotate_after_bytes(Some(64 << 20))
}

/// Appends `total` events from `tasks` concurrent tasks; returns the
/// elapsed time.
fn append_concurrently(
    runtime: &tokio::runtime::Runtime,
    log: &JsonlAuditLog,
    tasks: u64,
    total: u64,
) -> Duration {
    runtime.block_on(async {
        let start = Instant::now();
        let mut handles = Vec::new();
        for t in 0..tasks {
            let log = log.clone();
            handles.push(tokio::spawn(async move {
                for i in 0..total / tasks {
                    log.append(event(t * 1_000_000 + i)).await.unwrap();
                }
            }));
        }
        for handle in handles {
            handle.await.unwrap();
        }
        start.elapsed()
    })
}

fn appends(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let mut group = c.benchmark_group("append");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(8));

    let cases = [
        ("sync_each_event/1_task", Durability::SyncEachEvent, 1, 64),
        (
            "sync_each_event/16_tasks",
            Durability::SyncEachEvent,
            16,
            64,
        ),
        (
            "group_commit_2ms/16_tasks",
            Durability::GroupCommit {
                max_delay: Duration::from_millis(2),
                max_batch: 256,
            },
            16,
            1024,
        ),
        (
            "group_commit_2ms/64_tasks",
            Durability::GroupCommit {
                max_delay: Duration::from_millis(2),
                max_batch: 256,
            },
            64,
            2048,
        ),
        (
            "group_commit_0ms/16_tasks",
            Durability::GroupCommit {
                max_delay: Duration::ZERO,
                max_batch: 256,
            },
            16,
            1024,
        ),
    ];
    for (name, durability, tasks, per_iter) in cases {
        let dir = tempfile::tempdir().unwrap();
        let log = JsonlAuditLog::open(dir.path().join("audit.jsonl"), options(durability)).unwrap();
        group.throughput(Throughput::Elements(per_iter));
        group.bench_function(name, |b| {
            b.iter_custom(|iters| {
                (0..iters)
                    .map(|_| append_concurrently(&runtime, &log, tasks, per_iter))
                    .sum()
            })
        });
        runtime.block_on(log.close()).unwrap();
    }
    group.finish();
}

fn verification(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.jsonl");
    let signing = CheckpointKey::ed25519_from_seed(&[1; 32]);
    let log = JsonlAuditLog::open(
        &path,
        options(Durability::GroupCommit {
            max_delay: Duration::from_millis(5),
            max_batch: 4096,
        })
        .rotate_after_bytes(None),
    )
    .unwrap();
    append_concurrently(&runtime, &log, 32, 20_000);
    runtime.block_on(log.close()).unwrap();
    let bytes = std::fs::read(&path).unwrap();

    let mut group = c.benchmark_group("verify");
    group.sample_size(10);
    group.throughput(Throughput::Bytes(bytes.len() as u64));
    group.bench_function("chain_only", |b| {
        b.iter(|| verify_bytes(&[&bytes], &VerifyOptions::new()).unwrap())
    });
    let keyed = VerifyOptions::new().key(signing.verify_key());
    group.bench_function("chain_and_ed25519_checkpoints", |b| {
        b.iter(|| verify_bytes(&[&bytes], &keyed).unwrap())
    });
    group.finish();
}

criterion_group!(benches, appends, verification);
criterion_main!(benches);
