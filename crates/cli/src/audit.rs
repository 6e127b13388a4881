//! `phiguard audit`.

use std::path::PathBuf;
use std::process::ExitCode;

/// Subcommands of `phiguard audit`.
#[derive(Debug, clap::Subcommand)]
pub(crate) enum AuditCommand {
    /// Verify one or more audit log files.
    Verify {
        /// The log files, in order.
        files: Vec<PathBuf>,
    },
}

pub(crate) fn run(command: AuditCommand) -> ExitCode {
    let AuditCommand::Verify { files } = command;
    let _ = files;
    eprintln!("phiguard audit verify: not built yet");
    ExitCode::from(2)
}
