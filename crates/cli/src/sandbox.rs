//! `phiguard sandbox`: the embedded sandbox, from the command line.

use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use phiguard_sandbox::{AiService, DEFAULT_SEED, Sandbox, SandboxConfig, planted_phi};

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
    /// Run the sandbox's fake ClickUp and AI vendors until interrupted.
    ///
    /// Prints one JSON line with the base URLs and the API token, and
    /// writes the sandbox's vendor registry and labelling schema to
    /// `--config-dir` when given.
    Serve {
        /// Seed of the sandbox workspace.
        #[arg(long, default_value_t = DEFAULT_SEED)]
        seed: u64,
        /// Directory for `vendors.toml` and `labels.toml`.
        #[arg(long)]
        config_dir: Option<PathBuf>,
    },
}

pub(crate) fn run(command: SandboxCommand) -> ExitCode {
    match command {
        SandboxCommand::Phi { seed } => print_phi(seed),
        SandboxCommand::Serve { seed, config_dir } => serve(seed, config_dir),
    }
}

fn print_phi(seed: u64) -> ExitCode {
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

fn serve(seed: u64, config_dir: Option<PathBuf>) -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("phiguard sandbox serve: could not start a runtime: {error}");
            return ExitCode::from(1);
        }
    };
    runtime.block_on(async move {
        let sandbox = match Sandbox::start(SandboxConfig::with_seed(seed)).await {
            Ok(sandbox) => sandbox,
            Err(error) => {
                eprintln!("phiguard sandbox serve: {error}");
                return ExitCode::from(1);
            }
        };
        if let Some(dir) = &config_dir {
            let written = std::fs::create_dir_all(dir)
                .and_then(|()| std::fs::write(dir.join("vendors.toml"), sandbox.registry_toml()))
                .and_then(|()| std::fs::write(dir.join("labels.toml"), sandbox.labels_toml()));
            if let Err(error) = written {
                eprintln!("phiguard sandbox serve: could not write the configuration: {error}");
                return ExitCode::from(1);
            }
        }
        let ai: serde_json::Map<String, serde_json::Value> = AiService::ALL
            .iter()
            .map(|s| {
                (
                    s.service_id().to_owned(),
                    sandbox.ai_base_url(*s).as_str().into(),
                )
            })
            .collect();
        let ws = sandbox.workspace();
        let info = serde_json::json!({
            "clickup_base_url": sandbox.clickup_base_url(),
            "clickup_token": sandbox.clickup_token(),
            "workspace_id": ws.workspace.id,
            "intake_list_id": ws.intake_list.id,
            "ai_base_urls": ai,
        });
        {
            let mut stdout = std::io::stdout().lock();
            if writeln!(stdout, "{info}")
                .and_then(|()| stdout.flush())
                .is_err()
            {
                return ExitCode::from(1);
            }
        }
        match tokio::signal::ctrl_c().await {
            Ok(()) => ExitCode::SUCCESS,
            Err(error) => {
                eprintln!("phiguard sandbox serve: could not wait for Ctrl-C: {error}");
                ExitCode::from(1)
            }
        }
    })
}
