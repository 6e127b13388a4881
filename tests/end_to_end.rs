//! End to end over the sandbox: each example's flow, checked from the
//! outside (what the fake vendor received, what ClickUp holds afterwards,
//! what the audit log says).

#[path = "../examples/common/mod.rs"]
mod common;

use common::{AI_DRAFT_LABEL, Automation};
use phiguard::sandbox::{AiService, SandboxConfig};

async fn automation(service: AiService) -> (Automation, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let automation = common::on_sandbox_with(
        SandboxConfig::default(),
        service,
        dir.path().join("audit.jsonl"),
    )
    .await
    .unwrap();
    (automation, dir)
}

/// The comments on a task, as the fake ClickUp holds them, read raw.
async fn comments_of(automation: &Automation, task: &str) -> Vec<String> {
    let sandbox = automation.sandbox.as_ref().unwrap();
    let url = format!("{}/v2/task/{task}/comment", sandbox.clickup_base_url());
    let body: serde_json::Value = reqwest::Client::new()
        .get(url)
        .header("Authorization", sandbox.clickup_token())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    body["comments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["comment_text"].as_str().unwrap_or_default().to_string())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clinical_summary_sends_no_raw_identifier_and_writes_back_restored_drafts() {
    for service in [AiService::AzureOpenAi, AiService::Anthropic] {
        let (automation, _dir) = automation(service).await;
        let sandbox = automation.sandbox.as_ref().unwrap();
        let planted = sandbox.planted_phi().clone();
        let tasks = common::list_tasks(&automation.clickup, &automation.intake_list)
            .await
            .unwrap();
        assert_eq!(tasks.len(), sandbox.workspace().intake_tasks.len());

        for task in &tasks {
            common::summarize_task(&automation, &automation.clinician, task)
                .await
                .unwrap();
        }

        // The vendor saw every task, and no identifier in raw form.
        let requests = sandbox.ai_requests();
        assert_eq!(requests.len(), tasks.len(), "{service:?}");
        let mut tokens_seen = 0;
        for request in &requests {
            let body = request.body_text();
            assert_eq!(
                planted.identifiers_in(&body),
                Vec::<&str>::new(),
                "{service:?}"
            );
            tokens_seen += common::vault_tokens(&body).len();
        }
        assert!(
            tokens_seen >= tasks.len(),
            "identifiers were replaced by vault tokens"
        );

        // The summaries purpose needs the clinical content: it arrives, under
        // the vendor's agreement.
        let clinical_sent = requests
            .iter()
            .filter(|r| {
                planted
                    .clinical
                    .iter()
                    .any(|v| r.body_text().contains(v.as_str()))
            })
            .count();
        assert!(
            clinical_sent > 0,
            "clinical content the purpose needs was sent"
        );

        // Every task got its draft back, labelled, with the values restored.
        for task in &tasks {
            let comments = comments_of(&automation, task.as_str()).await;
            let draft = comments
                .iter()
                .find(|c| c.starts_with(AI_DRAFT_LABEL))
                .unwrap_or_else(|| panic!("no AI draft on task {}", task.as_str()));
            assert!(
                common::vault_tokens(draft).is_empty(),
                "a token was left in the draft"
            );
            assert!(
                !planted.identifiers_in(draft).is_empty(),
                "the draft names the patient again"
            );
        }

        // The audit log holds every call and write, and verifies.
        let report = common::verify_audit(&automation).await.unwrap();
        let summary = common::audit_summary(&automation.audit_path).unwrap();
        assert_eq!(summary.get("ai_request"), Some(&tasks.len()));
        assert_eq!(summary.get("ai_response"), Some(&tasks.len()));
        assert_eq!(summary.get("clickup_write"), Some(&tasks.len()));
        assert_eq!(report.events, 3 * tasks.len() as u64);
        assert!(report.signatures_checked);

        // And the log itself holds no PHI.
        let log = std::fs::read_to_string(&automation.audit_path).unwrap();
        assert_eq!(planted.found_in(&log), Vec::<&str>::new());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn billing_codes_send_only_non_clinical_fields() {
    let (automation, _dir) = automation(AiService::AzureOpenAi).await;
    let tasks = common::list_tasks(&automation.clickup, &automation.intake_list)
        .await
        .unwrap();
    for task in &tasks {
        common::suggest_billing_codes(&automation, &automation.billing, task)
            .await
            .unwrap();
    }

    let sandbox = automation.sandbox.as_ref().unwrap();
    let planted = sandbox.planted_phi();
    let requests = sandbox.ai_requests();
    assert_eq!(requests.len(), tasks.len());
    for request in &requests {
        let body = request.body_text();
        assert_eq!(
            planted.found_in(&body),
            Vec::<&str>::new(),
            "beyond the minimum necessary"
        );
    }
    let summary = common::audit_summary(&automation.audit_path).unwrap();
    assert_eq!(summary.get("ai_request"), Some(&tasks.len()));
    common::verify_audit(&automation).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refused_flows_send_nothing_and_are_audited() {
    let (automation, _dir) = automation(AiService::AzureOpenAi).await;
    let tasks = common::list_tasks(&automation.clickup, &automation.intake_list)
        .await
        .unwrap();
    let task = &tasks[0];
    let clinician = &automation.clinician;

    let no_baa = common::attempt(&automation, clinician, "summarize", "mistral-chat", task)
        .await
        .unwrap()
        .unwrap_err();
    assert!(no_baa.to_string().contains("mistral-chat"), "{no_baa}");
    let diagnosis = common::attempt(
        &automation,
        clinician,
        "diagnosis",
        "azure-openai-chat",
        task,
    )
    .await
    .unwrap()
    .unwrap_err();
    assert!(
        diagnosis.to_string().contains("no-ai-final-diagnosis"),
        "{diagnosis}"
    );
    // Billing staff may not send clinical content, whatever the vendor.
    let billing = common::attempt(
        &automation,
        &automation.billing,
        "summarize",
        "azure-openai-chat",
        task,
    )
    .await
    .unwrap();
    assert!(billing.is_err());

    let sandbox = automation.sandbox.as_ref().unwrap();
    assert_eq!(
        sandbox.ai_requests().len(),
        0,
        "a refused call reached a vendor"
    );
    let summary = common::audit_summary(&automation.audit_path).unwrap();
    assert_eq!(summary.get("clearance_refusal"), Some(&1));
    assert_eq!(summary.get("policy_refusal"), Some(&2));
    assert_eq!(summary.get("ai_request"), None);
    common::verify_audit(&automation).await.unwrap();
}
