//! `phiguard redact`.

use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `phiguard redact`.
#[derive(Debug, clap::Args)]
pub(crate) struct RedactArgs {
    /// The file to redact; standard input when absent.
    file: Option<PathBuf>,
}

pub(crate) fn run(args: RedactArgs) -> ExitCode {
    let _ = args.file;
    eprintln!("phiguard redact: not built yet");
    ExitCode::from(2)
}
