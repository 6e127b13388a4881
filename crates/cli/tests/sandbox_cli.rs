//! `phiguard sandbox phi` prints the planted values of the default seed.

use std::process::Command;

use phiguard_sandbox::{DEFAULT_SEED, planted_phi};
use serde_json::Value;

fn phiguard(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_phiguard"))
        .args(args)
        .output()
        .expect("the phiguard binary runs")
}

#[test]
fn sandbox_phi_prints_the_default_seeds_planted_values() {
    let output = phiguard(&["sandbox", "phi"]);
    assert!(output.status.success(), "exit status {:?}", output.status);
    let printed: Value = serde_json::from_slice(&output.stdout).expect("stdout is JSON");
    let object = printed.as_object().expect("a JSON object");
    let mut keys: Vec<&str> = object.keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(keys, ["clinical", "identifiers"]);

    let expected = planted_phi(DEFAULT_SEED);
    let strings = |key: &str| -> Vec<String> {
        printed[key]
            .as_array()
            .expect("an array")
            .iter()
            .map(|v| v.as_str().expect("strings").to_owned())
            .collect()
    };
    assert_eq!(strings("identifiers"), expected.identifiers);
    assert_eq!(strings("clinical"), expected.clinical);
    assert!(expected.identifiers.len() > 50 && !expected.clinical.is_empty());
}

#[test]
fn sandbox_phi_takes_a_seed() {
    let output = phiguard(&["sandbox", "phi", "--seed", "11"]);
    assert!(output.status.success());
    let printed: Value = serde_json::from_slice(&output.stdout).unwrap();
    let expected = planted_phi(11);
    assert_eq!(
        printed["identifiers"][0].as_str(),
        expected.identifiers.first().map(String::as_str)
    );
    assert_ne!(planted_phi(11), planted_phi(DEFAULT_SEED));
}

#[test]
fn sandbox_serve_answers_until_killed() {
    use std::io::BufRead;

    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_phiguard"))
        .args(["sandbox", "serve", "--config-dir"])
        .arg(dir.path())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("the phiguard binary runs");
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let info: Value = serde_json::from_str(&line).expect("one JSON line");

    // A plain HTTP/1.1 GET, to keep the test free of an HTTP client.
    let base = info["clickup_base_url"].as_str().unwrap();
    let authority = base.trim_start_matches("http://").trim_end_matches("/api");
    let answer = {
        use std::io::{Read, Write};
        let mut stream = std::net::TcpStream::connect(authority).unwrap();
        write!(
            stream,
            "GET /api/v2/list/{}/task HTTP/1.1\r\nHost: {authority}\r\nAuthorization: {}\r\nConnection: close\r\n\r\n",
            info["intake_list_id"].as_str().unwrap(),
            info["clickup_token"].as_str().unwrap()
        )
        .unwrap();
        let mut answer = String::new();
        stream.read_to_string(&mut answer).unwrap();
        answer
    };
    child.kill().unwrap();
    child.wait().unwrap();

    assert!(
        answer.starts_with("HTTP/1.1 200"),
        "{}",
        answer.lines().next().unwrap_or("")
    );
    assert!(answer.contains("\"last_page\":true"));
    let vendors = std::fs::read_to_string(dir.path().join("vendors.toml")).unwrap();
    assert!(
        vendors.contains(authority),
        "the registry names the served port"
    );
    assert!(dir.path().join("labels.toml").exists());
    assert_eq!(info["ai_base_urls"].as_object().unwrap().len(), 4);
}
