//! Accuracy and speed of the default Safe Harbor redactor.
//!
//! ```text
//! cargo run --release -p phiguard-redact --example eval [-- --bytes N --seed S --save DIR]
//! ```
//!
//! Prints one table per annotated set (text from `gen_text.py`, the
//! presidio-research synthetic sentences, the crate's own clinical cases),
//! then the single-thread throughput on the generated text. With `--save
//! DIR` the generated text and its gold spans are kept there, so the
//! Python anchors can run on the very same file.

#[path = "../tests/support/eval.rs"]
mod eval;

use std::time::{Duration, Instant};

use phiguard_redact::{Detector, NameDetector, RedactionSession, Redactor};

/// Nanoseconds this thread has run on a CPU (Linux), from
/// `/proc/thread-self/schedstat`.
fn thread_cpu_ns() -> Option<u64> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    stat.split_whitespace().next()?.parse().ok()
}

fn arg(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
}

fn main() {
    let bytes: usize = arg("--bytes")
        .and_then(|v| v.parse().ok())
        .unwrap_or(1 << 20);
    let seed: u64 = arg("--seed").and_then(|v| v.parse().ok()).unwrap_or(7);
    let redactor = Redactor::safe_harbor();

    let Some(shared) = eval::shared() else {
        println!("../shared is absent: only the crate's own cases are scored");
        let mut score = eval::Score::default();
        for doc in eval::clinical_cases() {
            let found = eval::detect(&redactor, &doc.text);
            score.add(&doc, &found);
        }
        println!("{}", score.table("own clinical cases"));
        return;
    };

    // gen_text.py
    let generated =
        eval::gen_text(&shared, bytes, seed).expect("gen_text.py runs (python3 needed)");
    if let Some(dir) = arg("--save") {
        let dir = std::path::PathBuf::from(dir);
        std::fs::create_dir_all(&dir).expect("save dir");
        std::fs::write(dir.join("synth.txt"), &generated.text).expect("save text");
        println!(
            "saved the generated text to {}",
            dir.join("synth.txt").display()
        );
    }
    // The first pass of a freshly built redactor, before anything else has
    // run it: the lazy DFA builds its states as the text needs them, so
    // this pass costs more than the ones after it. (The word lists are
    // loaded once per process; load them first, as they are not the
    // redactor's.)
    let _ = NameDetector::new().detect("Mary", &mut Vec::new());
    let cold = {
        let cpu_start = thread_cpu_ns();
        let start = Instant::now();
        let fresh = Redactor::safe_harbor();
        let built = start.elapsed();
        let mut session = RedactionSession::new();
        std::hint::black_box(fresh.redact(&generated.text, &mut session).expect("redact"));
        let pass = start.elapsed() - built;
        let cpu = match (cpu_start, thread_cpu_ns()) {
            (Some(a), Some(b)) => Some(Duration::from_nanos(b.saturating_sub(a))),
            _ => None,
        };
        (built, pass, cpu)
    };

    let mut score = eval::Score::default();
    let found = eval::detect(&redactor, &generated.text);
    score.add(&generated, &found);
    println!(
        "{}",
        score.table(&format!(
            "gen_text.py --bytes {bytes} --seed {seed} ({} gold spans)",
            generated.gold.len()
        ))
    );

    let (overlap, full, touching) = eval::anchor_style(&generated, &found);
    println!(
        "as the Python bench scripts count (all {} gold spans, ages up to 89 included): \
         recall {overlap:.3} any-overlap / {full:.3} single-span full cover; \
         detected spans touching gold {touching:.3} (precision proxy)",
        generated.gold.len()
    );

    // presidio-research synthetic sentences
    let docs = eval::presidio(&shared, usize::MAX).expect("presidio-synth readable");
    let mut score = eval::Score::default();
    for doc in &docs {
        score.add(doc, &eval::detect(&redactor, &doc.text));
    }
    println!(
        "{}",
        score.table(&format!(
            "presidio-synth synth_dataset_v2 ({} sentences)",
            docs.len()
        ))
    );

    // Own cases
    let mut score = eval::Score::default();
    let cases = eval::clinical_cases();
    for doc in &cases {
        score.add(doc, &eval::detect(&redactor, &doc.text));
    }
    println!(
        "{}",
        score.table(&format!("own clinical cases ({} lines)", cases.len()))
    );

    // Throughput: median and best of several runs, one thread. Wall time,
    // and (on Linux) the thread's own CPU time, which other processes on
    // a busy machine do not inflate.
    let text = &generated.text;
    let mb = text.len() as f64 / 1e6;
    for (what, redact) in [("detect", false), ("redact (vault tokens)", true)] {
        let mut wall = Vec::new();
        let mut cpu = Vec::new();
        for _ in 0..9 {
            let mut session = RedactionSession::new();
            let cpu_start = thread_cpu_ns();
            let start = Instant::now();
            if redact {
                std::hint::black_box(redactor.redact(text, &mut session).expect("redact"));
            } else {
                std::hint::black_box(redactor.detect(text, &mut session).expect("detect"));
            }
            wall.push(start.elapsed());
            if let (Some(a), Some(b)) = (cpu_start, thread_cpu_ns()) {
                cpu.push(Duration::from_nanos(b.saturating_sub(a)));
            }
        }
        wall.sort();
        cpu.sort();
        print!(
            "throughput {what}: wall {:.1} MB/s median, {:.1} MB/s best",
            mb / wall[4].as_secs_f64(),
            mb / wall[0].as_secs_f64(),
        );
        if cpu.len() == wall.len() {
            print!(
                "; thread CPU time {:.1} MB/s median, {:.1} MB/s best",
                mb / cpu[4].as_secs_f64(),
                mb / cpu[0].as_secs_f64()
            );
        }
        println!(" ({} bytes)", text.len());
    }
    let (built, pass, cpu) = cold;
    print!(
        "first pass of a fresh redactor (redact, lazy DFA cold): wall {:.1} MB/s",
        mb / pass.as_secs_f64()
    );
    if let Some(cpu) = cpu {
        print!(
            "; thread CPU time {:.1} MB/s including the {:.1} ms build",
            mb / cpu.as_secs_f64(),
            built.as_secs_f64() * 1e3
        );
    }
    println!();
    let start = Instant::now();
    let _ = Redactor::safe_harbor();
    println!(
        "building a Safe Harbor redactor (word lists already loaded): {:.1} ms",
        start.elapsed().as_secs_f64() * 1e3
    );
}
