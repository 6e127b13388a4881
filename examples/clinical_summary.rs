//! The main example: a whole guarded automation.
//!
//! As a clinician, summarize every intake task of the Clinical space with
//! AI (minimum necessary, redaction, clearance, the call,
//! re-identification), post each summary back to its task as a comment
//! labelled as an AI draft, then print what was sent, a summary of the
//! audit trail and the result of verifying it.
//!
//! ```sh
//! cargo run --example clinical_summary
//! ```
//!
//! With no configuration it runs on the embedded sandbox: a fake ClickUp
//! workspace and a fake Azure OpenAI deployment on 127.0.0.1. With
//! `CLICKUP_TOKEN`, `CLICKUP_LIST_ID`, `PHIGUARD_AI_BASE_URL` and
//! `PHIGUARD_AI_KEY` set it runs against the real services (see
//! `common::from_environment`). The audit log goes to `PHIGUARD_AUDIT_LOG`
//! when set. `PHIGUARD_SHOW_SENT=1` prints the full text of each request
//! the AI vendor received (sandbox data only).

mod common;

use std::process::ExitCode;

use common::{AnyResult, Automation};
use phiguard::sandbox::AiService;

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("PHIGUARD_LOG")
                .unwrap_or_else(|_| "warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();

    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            // Every phiguard error's Display is safe to print.
            eprintln!("clinical_summary: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> AnyResult<()> {
    let automation = match common::from_environment().await? {
        Some(real) => {
            println!("Running against the real ClickUp and AI services named in the environment.");
            real
        }
        None => {
            println!("Running on the embedded sandbox (no account, no network).");
            common::on_sandbox(AiService::AzureOpenAi).await?
        }
    };
    println!("Audit log: {}", automation.audit_path.display());
    println!();

    summarize_intake(&automation).await?;
    show_what_was_sent(&automation);
    show_audit(&automation).await
}

async fn summarize_intake(automation: &Automation) -> AnyResult<()> {
    let tasks = common::list_tasks(&automation.clickup, &automation.intake_list).await?;
    println!(
        "Summarizing {} intake tasks as clinician {} with {}:",
        tasks.len(),
        automation.clinician.user_id(),
        automation.ai_service
    );
    for task in &tasks {
        let done = common::summarize_task(automation, &automation.clinician, task).await?;
        let replaced: Vec<String> = done
            .redactions
            .iter()
            .map(|(category, n)| format!("{n} {category}"))
            .collect();
        println!(
            "  task {}: summary posted as comment {} (identifiers replaced: {})",
            done.task.as_str(),
            done.comment.as_deref().unwrap_or("?"),
            if replaced.is_empty() {
                "none".to_string()
            } else {
                replaced.join(", ")
            }
        );
    }
    println!();
    Ok(())
}

/// Shows what the AI vendor received. Identifiers arrive as vault tokens;
/// the clinical content the purpose needs arrives as written, under the
/// vendor's agreement. By default only the tokens and sizes are printed so
/// the console stays free of clinical details too.
fn show_what_was_sent(automation: &Automation) {
    let Some(sandbox) = &automation.sandbox else {
        println!("What was sent: see the audit log (sizes, categories and digests).");
        return;
    };
    let show_all = std::env::var("PHIGUARD_SHOW_SENT").is_ok_and(|v| v == "1");
    let planted = sandbox.planted_phi();
    let requests = sandbox.ai_requests();
    println!("What the AI vendor received ({} requests):", requests.len());
    for (n, request) in requests.iter().enumerate() {
        let body = request.body_text();
        let tokens = common::vault_tokens(&body);
        let raw = planted.identifiers_in(&body).len();
        println!(
            "  request {}: {} bytes, {} distinct tokens such as {}, planted identifiers in raw form: {raw}",
            n + 1,
            body.len(),
            tokens.len(),
            tokens.iter().take(3).cloned().collect::<Vec<_>>().join(" ")
        );
        if show_all {
            println!("{body}");
        }
    }
    println!();
}

async fn show_audit(automation: &Automation) -> AnyResult<()> {
    let report = common::verify_audit(automation).await?;
    let summary = common::audit_summary(&automation.audit_path)?;
    println!("Audit trail:");
    for (action, count) in &summary {
        println!("  {action}: {count}");
    }
    println!(
        "Verified: {} events and {} signed checkpoints in {} file(s), chain intact, head {}.",
        report.events, report.checkpoints, report.files, report.head
    );
    Ok(())
}
