//! Billing staff ask AI for billing-code suggestions.
//!
//! The billing clerk's request carries the whole task as context, but the
//! `billing_code_suggestion` purpose declares only non-clinical fields:
//! minimum necessary drops the description, the thread and the diagnosis
//! before the policy, redaction and the call. The example checks, on the
//! sandbox, that no clinical value and no raw identifier reached the
//! vendor.
//!
//! ```sh
//! cargo run --example billing_codes
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
            eprintln!("billing_codes: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> AnyResult<()> {
    let automation = common::on_sandbox(AiService::AzureOpenAi).await?;
    let tasks = common::list_tasks(&automation.clickup, &automation.intake_list).await?;
    println!("Audit log: {}", automation.audit_path.display());
    println!(
        "Billing clerk {} asks for billing codes:",
        automation.billing.user_id()
    );

    for task in &tasks {
        let suggestion =
            common::suggest_billing_codes(&automation, &automation.billing, task).await?;
        // The suggestion is PHI (it may name the patient): show its size,
        // not its text.
        println!(
            "  task {}: suggestion received ({} characters, {})",
            task.as_str(),
            suggestion.expose_phi().chars().count(),
            suggestion.category()
        );
    }

    if let Some(sandbox) = &automation.sandbox {
        let planted = sandbox.planted_phi();
        let mut clinical = 0;
        let mut raw_identifiers = 0;
        for request in sandbox.ai_requests() {
            let body = request.body_text();
            clinical += planted
                .clinical
                .iter()
                .filter(|v| body.contains(v.as_str()))
                .count();
            raw_identifiers += planted.identifiers_in(&body).len();
        }
        println!(
            "Sent: {} requests; clinical values in them: {clinical}; raw identifiers: {raw_identifiers}",
            sandbox.ai_requests().len()
        );
        if clinical + raw_identifiers > 0 {
            return Err("PHI beyond the minimum necessary reached the vendor".into());
        }
    }

    let report = common::verify_audit(&automation).await?;
    println!(
        "Audit log verified: {} events, head {}.",
        report.events, report.head
    );
    Ok(())
}
