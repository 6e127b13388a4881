//! `phiguard sandbox`.

use std::process::ExitCode;

/// Subcommands of `phiguard sandbox`.
#[derive(Debug, clap::Subcommand)]
pub(crate) enum SandboxCommand {
    /// Print the synthetic PHI values the seeded sandbox workspace holds.
    Phi,
}

pub(crate) fn run(command: SandboxCommand) -> ExitCode {
    let SandboxCommand::Phi = command;
    eprintln!("phiguard sandbox phi: not built yet");
    ExitCode::from(2)
}
