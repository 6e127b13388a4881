//! The `phiguard` command line: redaction, audit verification and the
//! sandbox, over the library crates.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod audit;
mod redact;
mod sandbox;

/// PHI guard rails for ClickUp and AI integrations.
#[derive(Debug, Parser)]
#[command(name = "phiguard", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Redact PHI from text (a file, or standard input).
    Redact(redact::RedactArgs),
    /// Work with tamper-evident audit logs.
    #[command(subcommand)]
    Audit(audit::AuditCommand),
    /// The embedded sandbox ClickUp workspace and AI vendors.
    #[command(subcommand)]
    Sandbox(sandbox::SandboxCommand),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Redact(args) => redact::run(args),
        Command::Audit(command) => audit::run(command),
        Command::Sandbox(command) => sandbox::run(command),
    }
}
