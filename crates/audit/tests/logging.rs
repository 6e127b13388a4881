//! What the log writes to `tracing` never includes event content.

use std::io::Write;
use std::sync::{Arc, Mutex};

use phiguard_audit::{Action, Actor, AuditEvent, AuditLogOptions, AuditSink as _, JsonlAuditLog};

const PLANTED: &str = "Planted-MRN-00417733";

#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn rotation_and_recovery_logs_hold_no_event_content() {
    let capture = Capture::default();
    let writer = capture.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .finish();
    // Global, so the writer thread's events are captured too (this test
    // binary holds this one test).
    tracing::subscriber::set_global_default(subscriber).unwrap();

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.jsonl");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let options = AuditLogOptions::default().rotate_after_bytes(Some(800));
    let planted_event = || {
        AuditEvent::new(Actor::new(PLANTED, "nurse"), Action::AiRequest)
            .correlation("task", PLANTED)
    };
    runtime.block_on(async {
        let log = JsonlAuditLog::open(&path, options.clone()).unwrap();
        for _ in 0..5 {
            log.append(planted_event()).await.unwrap();
        }
        log.close().await.unwrap();
    });

    // A torn line holding the planted value, then a reopen that removes it.
    let mut bytes = std::fs::read(&path).unwrap();
    bytes.extend_from_slice(format!(r#"{{"seq":99,"event":{{"actor":"{PLANTED}"#).as_bytes());
    std::fs::write(&path, bytes).unwrap();
    runtime.block_on(async {
        let log = JsonlAuditLog::open(&path, options).unwrap();
        log.append(planted_event()).await.unwrap();
        log.close().await.unwrap();
    });

    let logged = String::from_utf8(capture.0.lock().unwrap().clone()).unwrap();
    assert!(
        logged.contains("torn line"),
        "recovery not captured: {logged}"
    );
    assert!(
        logged.contains("rotated"),
        "rotation not captured: {logged}"
    );
    assert!(!logged.contains(PLANTED), "event content logged: {logged}");
}
