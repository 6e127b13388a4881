//! Capture every log line of a whole run at the most verbose level and
//! look for the sandbox's planted PHI in it.

#[path = "../examples/common/mod.rs"]
mod common;

use std::io::Write;
use std::sync::{Arc, Mutex};

use phiguard::sandbox::{AiService, SandboxConfig};

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_whole_run_logs_no_planted_phi() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    tracing::subscriber::set_global_default(subscriber).unwrap();

    let dir = tempfile::tempdir().unwrap();
    let automation = common::on_sandbox_with(
        SandboxConfig::default(),
        AiService::AzureOpenAi,
        dir.path().join("audit.jsonl"),
    )
    .await
    .unwrap();
    let tasks = common::list_tasks(&automation.clickup, &automation.intake_list)
        .await
        .unwrap();
    for task in &tasks {
        common::summarize_task(&automation, &automation.clinician, task)
            .await
            .unwrap();
        common::suggest_billing_codes(&automation, &automation.billing, task)
            .await
            .unwrap();
    }
    let _ = common::attempt(
        &automation,
        &automation.clinician,
        "diagnosis",
        "azure-openai-chat",
        &tasks[0],
    )
    .await;
    let _ = common::attempt(
        &automation,
        &automation.clinician,
        "summarize",
        "mistral-chat",
        &tasks[0],
    )
    .await;
    common::verify_audit(&automation).await.unwrap();

    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    let planted = automation.sandbox.as_ref().unwrap().planted_phi();
    assert!(
        logs.lines().count() > 20,
        "the run logged too little to mean anything:\n{logs}"
    );
    assert_eq!(
        planted.found_in(&logs),
        Vec::<&str>::new(),
        "planted PHI in the logs"
    );
    assert!(
        !logs.contains(automation.sandbox.as_ref().unwrap().clickup_token()),
        "token logged"
    );
}
