//! Two requests phiguard refuses, and the audit events they leave.
//!
//! 1. A clinician asks for a summary from a vendor that signed no
//!    business associate agreement (`mistral-chat` in the sandbox
//!    registry): the registry refuses the clearance.
//! 2. A clinician asks AI for a final diagnosis: the policy forbids it
//!    whoever asks (rule `no-ai-final-diagnosis`).
//!
//! Nothing reaches any vendor; both refusals are in the verified audit log.
//!
//! ```sh
//! cargo run --example refused_flow
//! ```

mod common;

use std::process::ExitCode;

use common::AnyResult;
use phiguard::sandbox::AiService;

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("refused_flow: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> AnyResult<()> {
    let automation = common::on_sandbox(AiService::AzureOpenAi).await?;
    let tasks = common::list_tasks(&automation.clickup, &automation.intake_list).await?;
    let task = tasks.first().ok_or("no intake task")?;
    let clinician = &automation.clinician;
    println!("Audit log: {}", automation.audit_path.display());

    let attempts = [
        (
            "summarize",
            AiService::Mistral.service_id(),
            "a vendor without a BAA",
        ),
        (
            "diagnosis",
            AiService::AzureOpenAi.service_id(),
            "a final diagnosis",
        ),
    ];
    for (purpose, service, what) in attempts {
        match common::attempt(&automation, clinician, purpose, service, task).await? {
            Ok(()) => return Err(format!("{what}: the call was not refused").into()),
            Err(refusal) => println!("Refused ({what}, purpose {purpose}, {service}): {refusal}"),
        }
    }

    if let Some(sandbox) = &automation.sandbox {
        let sent = sandbox.ai_requests().len();
        println!("Requests that reached any AI vendor: {sent}");
        if sent > 0 {
            return Err("a refused request reached a vendor".into());
        }
    }

    let report = common::verify_audit(&automation).await?;
    let summary = common::audit_summary(&automation.audit_path)?;
    println!("Audit trail:");
    for (action, count) in &summary {
        println!("  {action}: {count}");
    }
    println!("Verified: {} events, head {}.", report.events, report.head);
    Ok(())
}
