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
