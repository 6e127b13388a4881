//! `phiguard sandbox`: facts about the embedded sandbox.

use std::io::Write as _;
use std::process::ExitCode;

use phiguard_sandbox::{DEFAULT_SEED, planted_phi};

/// Subcommands of `phiguard sandbox`.
#[derive(Debug, clap::Subcommand)]
pub(crate) enum SandboxCommand {
    /// Print the synthetic PHI values the seeded sandbox workspace holds.
    ///
    /// The output is JSON, `{"identifiers": [...], "clinical": [...]}`, for
    /// checks that search other output for any of these values. All of
    /// them are invented.
    Phi {
        /// Seed of the sandbox workspace.
        #[arg(long, default_value_t = DEFAULT_SEED)]
        seed: u64,
    },
}

pub(crate) fn run(command: SandboxCommand) -> ExitCode {
    let SandboxCommand::Phi { seed } = command;
    // The workspace is generated without starting any server.
    let planted = planted_phi(seed);
    let json = match serde_json::to_string_pretty(&planted) {
        Ok(json) => json,
        Err(error) => {
            eprintln!("phiguard sandbox phi: could not render the values: {error}");
            return ExitCode::from(1);
        }
    };
    let mut stdout = std::io::stdout().lock();
    match writeln!(stdout, "{json}") {
        Ok(()) => ExitCode::SUCCESS,
        // A closed pipe (`| head`) is not worth a panic.
        Err(_) => ExitCode::from(1),
    }
}
