//! Everything the sandbox logs at the most verbose level, over a run that
//! moves planted PHI through both fakes, holds none of it.

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex};

use common::{Api, start};
use phiguard_sandbox::{AiService, SandboxConfig};
use reqwest::Method;
use serde_json::json;

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn a_run_logs_no_planted_phi() {
    let captured = Captured::default();
    let writer = captured.clone();
    // The fakes answer on wiremock's own threads, so the subscriber must be
    // global; this file holds this one test for that reason.
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .init();

    let dir = tempfile::tempdir().unwrap();
    let record = dir.path().join("bodies");
    let sandbox = start(SandboxConfig::default().record_dir(&record)).await;
    let api = Api::new(&sandbox);
    let ws = sandbox.workspace();
    let planted = sandbox.planted_phi().clone();

    let task = api.get(&format!("/task/{}", ws.intake_tasks[0].id)).await;
    let description = task["description"].as_str().unwrap().to_owned();
    assert!(
        !planted.found_in(&description).is_empty(),
        "the run carries PHI"
    );
    api.post(
        &format!("/task/{}/comment", ws.intake_tasks[0].id),
        json!({"comment_text": description}),
    )
    .await;
    let bad = api
        .call(
            Method::POST,
            &format!("/list/{}/task", ws.intake_list.id),
            Some(json!({"name": description, "status": "nope"})),
        )
        .await;
    assert!(bad.status.is_client_error());

    // Recording fails once the directory is gone: a warning, without the body.
    std::fs::remove_dir_all(&record).unwrap();
    let base = sandbox.ai_base_url(AiService::AzureOpenAi);
    reqwest::Client::new()
        .post(format!("{base}openai/deployments/d/chat/completions"))
        .header("api-key", "k")
        .json(&json!({"messages": [{"role": "user", "content": description}]}))
        .send()
        .await
        .unwrap();

    let log = String::from_utf8_lossy(&captured.0.lock().unwrap()).into_owned();
    assert!(
        log.contains("could not record"),
        "the failed write is reported: {log}"
    );
    assert!(log.contains("sandbox started"));
    assert_eq!(planted.found_in(&log), Vec::<&str>::new());
    assert!(!log.contains(&description));
    assert!(!format!("{sandbox:?}").contains(&description));
}
