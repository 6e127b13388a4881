//! Throughput of the default Safe Harbor redactor, one thread.
//!
//! Text comes from `../shared/bench/gen_text.py` (1 MB, seed 7) when
//! python3 and the shared folder are there, else from a built-in note
//! repeated to the same size.

// criterion_group! generates an undocumented function.
#![allow(missing_docs)]

use std::path::PathBuf;
use std::process::Command;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use phiguard_redact::{RedactionSession, Redactor};

fn corpus() -> String {
    let shared = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared"));
    let script = shared.join("bench/gen_text.py");
    if script.exists() {
        let dir = tempfile::tempdir().expect("temp dir");
        let out = dir.path().join("synth.txt");
        let status = Command::new("python3")
            .arg(&script)
            .arg(&out)
            .args(["--bytes", "1048576", "--seed", "7"])
            .status();
        if status.is_ok_and(|s| s.success())
            && let Ok(text) = std::fs::read_to_string(&out)
        {
            return text;
        }
    }
    println!("shared/bench/gen_text.py not usable: benchmarking a repeated built-in note");
    let note = "Patient: Mary Smith   MRN: 48213321   DOB: 03/14/1950\n\
                Daughter Grace White can be reached at (617) 555-0134. \
                Vital signs stable; afebrile, BP 128/82, HR 76. Continue metoprolol 25 mg PO BID.\n\n";
    note.repeat(1_048_576 / note.len() + 1)
}

fn bench(c: &mut Criterion) {
    let text = corpus();
    let redactor = Redactor::safe_harbor();
    let mut group = c.benchmark_group("safe_harbor");
    group.sample_size(20);
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.bench_function("detect_1mb", |b| {
        b.iter(|| {
            let mut session = RedactionSession::new();
            redactor.detect(&text, &mut session).expect("detect")
        })
    });
    group.bench_function("redact_1mb", |b| {
        b.iter(|| {
            let mut session = RedactionSession::new();
            redactor.redact(&text, &mut session).expect("redact")
        })
    });
    group.finish();

    let comment = "Daughter Grace White called from 617-555-0134 about Mr. Okafor's refill; \
                   MRN 48213321, seen 3/14. Continue metoprolol.";
    c.bench_function("redact_comment", |b| {
        b.iter(|| {
            let mut session = RedactionSession::new();
            redactor.redact(comment, &mut session).expect("redact")
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
