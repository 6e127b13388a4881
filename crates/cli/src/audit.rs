//! `phiguard audit`.
//!
//! `phiguard audit verify FILE...` checks an audit log's hash chain and,
//! given a key, its checkpoint signatures. Exit status: 0 when intact
//! (one summary line on standard output), 1 when a record is bad (the
//! first bad record and why on standard error), 2 when the command could
//! not run (unreadable file, malformed key or anchor).
//!
//! The checkpoint key comes from `--key-file PATH`, or else from the
//! environment variable `PHIGUARD_AUDIT_VERIFY_KEY`; never from the
//! command line, where other users could read it in the process list.
//! Its text is `ed25519:<64 hex digits of the public key>` or
//! `hmac-sha256:<hex secret>`; several keys (after a key rotation) are
//! separated by whitespace or commas. Without a key the chain is checked
//! and the summary says that signatures were not.

use std::path::PathBuf;
use std::process::ExitCode;

use phiguard_audit::{Anchor, VerifyError, VerifyKey, VerifyOptions};

/// The environment variable holding checkpoint verification keys.
const KEY_ENV: &str = "PHIGUARD_AUDIT_VERIFY_KEY";

/// Subcommands of `phiguard audit`.
#[derive(Debug, clap::Subcommand)]
pub(crate) enum AuditCommand {
    /// Verify one or more audit log files.
    ///
    /// Give the files oldest first, the active file last, e.g.
    /// `audit.*.jsonl audit.jsonl`. Checkpoint keys are read from
    /// --key-file or else from PHIGUARD_AUDIT_VERIFY_KEY
    /// (`ed25519:<public key hex>` or `hmac-sha256:<secret hex>`).
    Verify {
        /// The log files, in order.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// A file holding the checkpoint verification key(s).
        #[arg(long, value_name = "PATH")]
        key_file: Option<PathBuf>,
        /// A record published outside the log, `SEQ:HASH`, that must be
        /// present unchanged (detects truncation and rewriting).
        #[arg(long, value_name = "SEQ:HASH")]
        anchor: Option<String>,
    },
}

pub(crate) fn run(command: AuditCommand) -> ExitCode {
    match execute(command) {
        Ok(summary) => {
            println!("phiguard audit verify: {summary}");
            ExitCode::SUCCESS
        }
        Err((code, message)) => {
            eprintln!("phiguard audit verify: {message}");
            ExitCode::from(code)
        }
    }
}

/// Runs the command: the summary line, or the exit code and message.
fn execute(command: AuditCommand) -> Result<String, (u8, String)> {
    let AuditCommand::Verify {
        files,
        key_file,
        anchor,
    } = command;

    let options = options(key_file, anchor).map_err(|message| (2, message))?;
    match phiguard_audit::verify(&files, &options) {
        Ok(report) => Ok(report.to_string()),
        Err(err @ VerifyError::BadRecord { .. }) => {
            Err((1, format!("FAILED: first bad record: {err}")))
        }
        Err(err) => Err((2, chain(&err))),
    }
}

fn options(key_file: Option<PathBuf>, anchor: Option<String>) -> Result<VerifyOptions, String> {
    let mut options = VerifyOptions::new();

    let keys = match key_file {
        Some(path) => Some(
            std::fs::read_to_string(&path)
                .map_err(|err| format!("cannot read key file {}: {err}", path.display()))?,
        ),
        None => std::env::var(KEY_ENV).ok(),
    };
    if let Some(keys) = keys {
        let specs: Vec<&str> = keys
            .split(|c: char| c.is_whitespace() || c == ',')
            .filter(|s| !s.is_empty())
            .collect();
        if specs.is_empty() {
            return Err("the checkpoint key is empty".to_owned());
        }
        for spec in specs {
            let key =
                VerifyKey::from_spec(spec).map_err(|err| format!("bad checkpoint key: {err}"))?;
            options = options.key(key);
        }
    }

    if let Some(anchor) = anchor {
        let anchor: Anchor = anchor
            .parse()
            .map_err(|err| format!("bad --anchor: {err}"))?;
        options = options.anchor(anchor);
    }
    Ok(options)
}

/// An error and its sources, one after another.
fn chain(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use std::io::Write as _;

    use phiguard_audit::{
        Action, Actor, AuditEvent, AuditLogOptions, AuditSink as _, CheckpointKey, JsonlAuditLog,
    };

    use super::*;

    fn verify_command(
        files: Vec<PathBuf>,
        key_file: Option<PathBuf>,
        anchor: Option<String>,
    ) -> Result<String, (u8, String)> {
        execute(AuditCommand::Verify {
            files,
            key_file,
            anchor,
        })
    }

    fn write_log(dir: &std::path::Path, key: &CheckpointKey) -> PathBuf {
        let path = dir.join("audit.jsonl");
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        runtime.block_on(async {
            let log = JsonlAuditLog::open(
                &path,
                AuditLogOptions::default()
                    .checkpoint_key(key.clone())
                    .checkpoint_every(2),
            )
            .unwrap();
            for i in 0..5 {
                let event =
                    AuditEvent::new(Actor::new(format!("u-{i}"), "nurse"), Action::AiRequest);
                log.append(event).await.unwrap();
            }
            log.close().await.unwrap();
        });
        path
    }

    #[test]
    fn verify_reports_intact_tampered_and_unusable_logs() {
        let dir = tempfile::tempdir().unwrap();
        let key = CheckpointKey::ed25519_from_seed(&[3; 32]);
        let path = write_log(dir.path(), &key);
        let key_file = dir.path().join("audit.pub");
        std::fs::File::create(&key_file)
            .unwrap()
            .write_all(key.verify_key().public_spec().unwrap().as_bytes())
            .unwrap();

        // Intact, with and without the key.
        let summary = verify_command(vec![path.clone()], Some(key_file.clone()), None).unwrap();
        assert!(summary.starts_with("intact: 1 file(s)"), "{summary}");
        assert!(summary.contains("signatures verified"), "{summary}");

        // An anchor taken from the summary is accepted.
        let head = summary
            .split("head ")
            .nth(1)
            .and_then(|rest| rest.split(';').next())
            .unwrap()
            .to_owned();
        verify_command(
            vec![path.clone()],
            Some(key_file.clone()),
            Some(head.clone()),
        )
        .unwrap();

        // A wrong key is refused as a bad record.
        let other = dir.path().join("other.pub");
        let other_key = CheckpointKey::ed25519_from_seed(&[4; 32]).verify_key();
        std::fs::write(&other, other_key.public_spec().unwrap()).unwrap();
        let (code, message) = verify_command(vec![path.clone()], Some(other), None).unwrap_err();
        assert_eq!(code, 1, "{message}");
        assert!(message.contains("not provided"), "{message}");

        // A modified record: exit 1 naming the line.
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(&path, text.replacen("u-3", "u-9", 1)).unwrap();
        let (code, message) = verify_command(vec![path.clone()], Some(key_file), None).unwrap_err();
        assert_eq!(code, 1, "{message}");
        assert!(message.contains("audit.jsonl line"), "{message}");
        assert!(message.contains("modified"), "{message}");

        // Unusable input: exit 2.
        let missing = dir.path().join("missing.jsonl");
        let (code, _) = verify_command(vec![missing], None, None).unwrap_err();
        assert_eq!(code, 2);
        let (code, message) =
            verify_command(vec![path.clone()], None, Some("7:nothex".into())).unwrap_err();
        assert_eq!(code, 2, "{message}");
        let bad_key = dir.path().join("bad.key");
        std::fs::write(&bad_key, "rsa:0011").unwrap();
        let (code, message) = verify_command(vec![path], Some(bad_key), None).unwrap_err();
        assert_eq!(code, 2, "{message}");
    }
}
