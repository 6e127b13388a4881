//! `phiguard redact` end to end: text and span output, offsets in code
//! points, bad input.

use std::io::Write;
use std::process::{Command, Output, Stdio};

const PLANTED: &[&str] = &[
    "Zebulon",
    "Quarrington",
    "617-555-0134",
    "48213321",
    "03/14/1950",
];

fn note() -> String {
    // Non-ASCII before the PHI so that byte and code-point offsets differ.
    "Café ñoño — Patient: Zebulon Quarrington   MRN: 48213321   DOB: 03/14/1950\n\
     Daughter can be reached at 617-555-0134. BP 128/82, afebrile. ✓\n"
        .to_string()
}

fn phiguard(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_phiguard"))
        .arg("redact")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("phiguard runs");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin)
        .expect("write stdin");
    child.wait_with_output().expect("phiguard finishes")
}

fn assert_no_planted(output: &str) {
    for value in PLANTED {
        assert!(!output.contains(value), "{value} leaked into {output}");
    }
}

#[test]
fn redacts_standard_input_to_text() {
    let out = phiguard(&[], note().as_bytes());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert_no_planted(&text);
    assert!(text.contains("Patient: [NAME]"), "{text}");
    assert!(
        text.contains("BP 128/82, afebrile. ✓"),
        "clinical content kept: {text}"
    );
}

#[test]
fn spans_from_a_file_count_code_points() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("note.txt");
    std::fs::write(&path, note()).unwrap();

    let out = phiguard(&[path.to_str().unwrap(), "--format", "spans"], b"");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_no_planted(&stdout);

    let chars: Vec<char> = note().chars().collect();
    let mut found = Vec::new();
    let mut previous_end = 0;
    for line in stdout.lines() {
        let span: serde_json::Value = serde_json::from_str(line).unwrap();
        let object = span.as_object().unwrap();
        assert_eq!(object.len(), 3, "only start, end and category: {line}");
        let start = span["start"].as_u64().unwrap() as usize;
        let end = span["end"].as_u64().unwrap() as usize;
        assert!(
            start >= previous_end && start < end && end <= chars.len(),
            "{line}"
        );
        previous_end = end;
        let value: String = chars[start..end].iter().collect();
        found.push((value, span["category"].as_str().unwrap().to_string()));
    }
    for (value, category) in [
        ("Zebulon Quarrington", "name"),
        ("48213321", "medical_record_number"),
        ("03/14/1950", "date"),
        ("617-555-0134", "phone"),
    ] {
        assert!(
            found.iter().any(|(v, c)| v == value && c == category),
            "{value} as {category} not in {found:?}"
        );
    }
}

#[test]
fn refuses_input_that_is_not_utf8_without_echoing_it() {
    let out = phiguard(&[], b"Zebulon \xff\xfe Quarrington");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("not UTF-8"), "{stderr}");
    assert_no_planted(&stderr);
    assert!(out.stdout.is_empty());
}

#[test]
fn missing_file_is_a_clear_error() {
    let out = phiguard(&["/nonexistent/phiguard/Zebulon.txt"], b"");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("cannot read the input file"), "{stderr}");
    assert_no_planted(&stderr);
}
