//! Runs the default Safe Harbor redactor over a file a given number of
//! times, for instruction counting:
//!
//! ```text
//! cargo build --release -p phiguard-redact --example passes
//! valgrind --tool=callgrind target/release/examples/passes detect FILE 1
//! valgrind --tool=callgrind target/release/examples/passes detect FILE 3
//! ```
//!
//! The difference of the two totals, halved, is the cost of one warm pass;
//! the first total is what a fresh process pays (word lists, build, and
//! the lazy DFA's states for this text). `redact` instead of `detect`
//! includes the vault tokens.

use phiguard_redact::{RedactionSession, Redactor};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (Some(mode), Some(path)) = (args.get(1), args.get(2)) else {
        eprintln!("usage: passes detect|redact FILE [PASSES]");
        std::process::exit(2);
    };
    let passes: usize = args.get(3).and_then(|n| n.parse().ok()).unwrap_or(1);
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(error) => {
            eprintln!("cannot read {path}: {error}");
            std::process::exit(2);
        }
    };
    let redactor = Redactor::safe_harbor();
    let mut spans = 0;
    for _ in 0..passes {
        let mut session = RedactionSession::new();
        spans += match mode.as_str() {
            "redact" => redactor
                .redact(&text, &mut session)
                .map(|r| r.spans().len()),
            _ => redactor.detect(&text, &mut session).map(|s| s.len()),
        }
        .expect("the built-in redactor does not fail");
    }
    println!("{passes} passes, {spans} spans");
}
