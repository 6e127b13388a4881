//! The [`Sandbox`] handle: starts the fakes and answers questions about
//! them.

use std::net::TcpListener;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use url::Url;
use wiremock::{Mock, MockServer, matchers::any};

use crate::ai::{AiRequest, AiResponder, AiShared};
use crate::clickup::{ClickUpResponder, ClickUpShared, RateLimiter, lock};
use crate::config_files::{self, Ports};
use crate::faults::{FaultInjector, Faults};
use crate::record::{RecordedRequest, Recorder};
use crate::webhooks::WebhookDelivery;
use crate::workspace::{self, DEFAULT_SEED, PlantedPhi, SeededWorkspace};

/// The environment variable naming a directory where the fake AI vendors
/// write each request body they receive, one file per request.
pub const RECORD_ENV: &str = "PHIGUARD_SANDBOX_RECORD";

/// ClickUp's Enterprise budget: high enough that examples never meet it.
const DEFAULT_RATE_LIMIT: u32 = 10_000;

/// How to start a [`Sandbox`].
///
/// The fields are public so a test can write
/// `SandboxConfig { seed: 3, ..Default::default() }`; the `with_` methods
/// do the same one field at a time.
#[derive(Debug, Clone, PartialEq)]
pub struct SandboxConfig {
    /// Seed of the workspace, its ids and the fault draws.
    pub seed: u64,
    /// Faults of the fake ClickUp.
    pub faults: Faults,
    /// Faults of the fake AI vendors.
    pub ai_faults: Faults,
    /// Requests per token per window before the fake ClickUp answers 429.
    pub rate_limit: u32,
    /// The rate-limit window (a minute, as in ClickUp).
    pub rate_limit_window: Duration,
    /// Where to write AI request bodies. `None` reads
    /// [`RECORD_ENV`] from the environment when the sandbox starts.
    pub record_dir: Option<PathBuf>,
    /// The API token the fake ClickUp accepts. `None` derives one from the
    /// seed (see [`Sandbox::clickup_token`]).
    pub clickup_token: Option<String>,
}

impl Default for SandboxConfig {
    fn default() -> Self {
        SandboxConfig {
            seed: DEFAULT_SEED,
            faults: Faults::none(),
            ai_faults: Faults::none(),
            rate_limit: DEFAULT_RATE_LIMIT,
            rate_limit_window: Duration::from_secs(60),
            record_dir: None,
            clickup_token: None,
        }
    }
}

impl SandboxConfig {
    /// The default configuration with another seed.
    pub fn with_seed(seed: u64) -> Self {
        SandboxConfig {
            seed,
            ..Self::default()
        }
    }

    /// Sets the faults of the fake ClickUp.
    #[must_use]
    pub fn faults(mut self, faults: Faults) -> Self {
        self.faults = faults;
        self
    }

    /// Sets the faults of the fake AI vendors.
    #[must_use]
    pub fn ai_faults(mut self, faults: Faults) -> Self {
        self.ai_faults = faults;
        self
    }

    /// Sets the per-window request budget of the fake ClickUp.
    #[must_use]
    pub fn rate_limit(mut self, requests: u32, window: Duration) -> Self {
        self.rate_limit = requests;
        self.rate_limit_window = window;
        self
    }

    /// Sets the directory AI request bodies are written to.
    #[must_use]
    pub fn record_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.record_dir = Some(dir.into());
        self
    }
}

/// Why the sandbox could not start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SandboxError {
    /// A local port could not be bound.
    #[error("could not bind a local port for the sandbox")]
    Bind(#[source] std::io::Error),
    /// The recording directory could not be created.
    #[error("could not create the sandbox recording directory")]
    RecordDir(#[source] std::io::Error),
}

/// A fake AI service of the sandbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum AiService {
    /// `azure-openai-chat`: Azure OpenAI deployments
    /// (`{base}/openai/deployments/{name}/chat/completions`). Signed BAA.
    AzureOpenAi,
    /// `openai-api`: OpenAI chat completions (`{base}/chat/completions`,
    /// base ending in `/v1`). Signed BAA for clinical content only.
    OpenAi,
    /// `anthropic-messages`: Anthropic Messages (`{base}/v1/messages`).
    /// Signed BAA.
    Anthropic,
    /// `mistral-chat`: OpenAI-compatible chat completions
    /// (`{base}/chat/completions`, base ending in `/v1`). No BAA.
    Mistral,
}

impl AiService {
    /// Every fake AI service.
    pub const ALL: [AiService; 4] = [
        AiService::AzureOpenAi,
        AiService::OpenAi,
        AiService::Anthropic,
        AiService::Mistral,
    ];

    /// The service id in the sandbox vendor registry.
    pub fn service_id(self) -> &'static str {
        match self {
            AiService::AzureOpenAi => "azure-openai-chat",
            AiService::OpenAi => "openai-api",
            AiService::Anthropic => "anthropic-messages",
            AiService::Mistral => "mistral-chat",
        }
    }
}

/// A running sandbox. Dropping it stops every fake server.
pub struct Sandbox {
    clickup_server: MockServer,
    ai_servers: Vec<(AiService, MockServer)>,
    clickup: Arc<ClickUpShared>,
    ai: Arc<AiShared>,
    workspace: SeededWorkspace,
    planted: PlantedPhi,
}

impl std::fmt::Debug for Sandbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sandbox")
            .field("clickup", &self.clickup_server.uri())
            .field(
                "ai",
                &self
                    .ai_servers
                    .iter()
                    .map(|(s, m)| (s.service_id(), m.uri()))
                    .collect::<Vec<_>>(),
            )
            .finish_non_exhaustive()
    }
}

async fn serve(responder: impl wiremock::Respond + 'static) -> Result<MockServer, SandboxError> {
    let listener = TcpListener::bind("127.0.0.1:0").map_err(SandboxError::Bind)?;
    let server = MockServer::builder()
        .listener(listener)
        // The responders keep their own record; wiremock's would grow
        // without bound over a long run.
        .disable_request_recording()
        .start()
        .await;
    Mock::given(any())
        .respond_with(responder)
        .mount(&server)
        .await;
    Ok(server)
}

impl Sandbox {
    /// Generates the workspace for `config.seed` and starts the fake
    /// ClickUp and the fake AI vendors on random ports of 127.0.0.1.
    ///
    /// # Errors
    ///
    /// [`SandboxError::Bind`] when a port cannot be bound,
    /// [`SandboxError::RecordDir`] when the recording directory cannot be
    /// created.
    pub async fn start(config: SandboxConfig) -> Result<Sandbox, SandboxError> {
        let record_dir = config.record_dir.clone().or_else(|| {
            std::env::var_os(RECORD_ENV)
                .filter(|v| !v.is_empty())
                .map(PathBuf::from)
        });
        if let Some(dir) = &record_dir {
            std::fs::create_dir_all(dir).map_err(SandboxError::RecordDir)?;
        }

        let (store, workspace, planted) = workspace::generate(config.seed);
        let mut seeds = ChaCha8Rng::seed_from_u64(config.seed ^ 0x5eed_fa17);
        let token = config.clickup_token.clone().unwrap_or_else(|| {
            format!(
                "pk_{}_SANDBOX{:08X}",
                workspace.authorized_user, config.seed as u32
            )
        });
        let clickup = Arc::new(ClickUpShared {
            store: Mutex::new(store),
            limiter: Mutex::new(RateLimiter::new(
                config.rate_limit,
                config.rate_limit_window,
            )),
            faults: Mutex::new(FaultInjector::new(seeds.r#gen(), config.faults.clone())),
            token,
            recorder: Recorder::new(None),
        });
        let ai = Arc::new(AiShared {
            recorder: Recorder::new(record_dir),
            requests: Mutex::new(Vec::new()),
            faults: Mutex::new(FaultInjector::new(seeds.r#gen(), config.ai_faults.clone())),
        });

        let clickup_server = serve(ClickUpResponder(Arc::clone(&clickup))).await?;
        let mut ai_servers = Vec::new();
        for service in AiService::ALL {
            let responder = AiResponder {
                shared: Arc::clone(&ai),
                service_id: service.service_id().to_owned(),
            };
            ai_servers.push((service, serve(responder).await?));
        }
        tracing::debug!(clickup = %clickup_server.uri(), seed = config.seed, "sandbox started");
        Ok(Sandbox {
            clickup_server,
            ai_servers,
            clickup,
            ai,
            workspace,
            planted,
        })
    }

    /// The fake ClickUp's base URL, in the form of
    /// `https://api.clickup.com/api`: routes are `{base}/v2/...`.
    pub fn clickup_base_url(&self) -> String {
        format!("{}/api", self.clickup_server.uri())
    }

    /// The fake ClickUp's `host:port`, as the sandbox registry names it.
    pub fn clickup_host(&self) -> String {
        self.clickup_server.address().to_string()
    }

    /// The personal API token the fake ClickUp accepts (sent raw in
    /// `Authorization`, or as `Bearer`). Other tokens get 401.
    pub fn clickup_token(&self) -> &str {
        &self.clickup.token
    }

    /// The base URL of a fake AI service, as its client expects it (see
    /// [`AiService`] for the paths each one serves).
    pub fn ai_base_url(&self, service: AiService) -> Url {
        let uri = self.server(service).uri();
        let base = match service {
            AiService::OpenAi | AiService::Mistral => format!("{uri}/v1"),
            AiService::AzureOpenAi | AiService::Anthropic => uri,
        };
        Url::parse(&base).unwrap_or_else(|_| unreachable!("wiremock serves a valid http URI"))
    }

    /// A fake AI service's `host:port`, as the sandbox registry names it.
    pub fn ai_host(&self, service: AiService) -> String {
        self.server(service).address().to_string()
    }

    fn server(&self, service: AiService) -> &MockServer {
        self.ai_servers
            .iter()
            .find(|(s, _)| *s == service)
            .map(|(_, m)| m)
            .unwrap_or_else(|| unreachable!("every AI service is started"))
    }

    /// Ids and names of the seeded workspace.
    pub fn workspace(&self) -> &SeededWorkspace {
        &self.workspace
    }

    /// The synthetic PHI the seeded workspace holds.
    pub fn planted_phi(&self) -> &PlantedPhi {
        &self.planted
    }

    /// Every request the fake AI vendors received, in order.
    pub fn ai_requests(&self) -> Vec<AiRequest> {
        lock(&self.ai.requests).clone()
    }

    /// Every request the fake ClickUp received, in order (headers are not
    /// kept).
    pub fn clickup_requests(&self) -> Vec<RecordedRequest> {
        self.clickup.recorder.all()
    }

    /// Forgets the recorded requests (files already written stay).
    pub fn clear_recorded(&self) {
        lock(&self.ai.requests).clear();
        self.ai.recorder.clear();
        self.clickup.recorder.clear();
    }

    /// Changes the faults of the fake ClickUp from the next request on.
    pub fn set_faults(&self, faults: Faults) {
        lock(&self.clickup.faults).faults = faults;
    }

    /// Changes the faults of the fake AI vendors from the next request on.
    pub fn set_ai_faults(&self, faults: Faults) {
        lock(&self.ai.faults).faults = faults;
    }

    /// Changes the fake ClickUp's request budget per window; windows
    /// already open keep their count.
    pub fn set_rate_limit(&self, requests: u32) {
        lock(&self.clickup.limiter).limit = requests;
    }

    /// The signed delivery ClickUp would send to webhook `webhook_id` for
    /// `event` (`taskCreated`, `taskUpdated`, `taskStatusUpdated`,
    /// `taskCommentPosted`, ...) about `task_id`, built from the current
    /// state; `None` when the webhook is unknown, not subscribed to the
    /// event or not watching the task's location, or the task is unknown.
    pub fn webhook_delivery(
        &self,
        webhook_id: &str,
        event: &str,
        task_id: &str,
    ) -> Option<WebhookDelivery> {
        lock(&self.clickup.store).webhook_delivery(webhook_id, event, task_id)
    }

    /// A vendor registry (the `phiguard-vendors` TOML format) declaring
    /// the fakes as services on `127.0.0.1:port`: `clickup-api-v2`,
    /// `azure-openai-chat`, `openai-api` and `anthropic-messages` with
    /// signed agreements, `mistral-chat` with none.
    pub fn registry_toml(&self) -> String {
        let port = |s: AiService| self.server(s).address().port();
        config_files::registry_toml(&Ports {
            clickup: self.clickup_server.address().port(),
            azure_openai: port(AiService::AzureOpenAi),
            anthropic: port(AiService::Anthropic),
            openai: port(AiService::OpenAi),
            mistral: port(AiService::Mistral),
        })
    }

    /// A PHI labelling schema (the `phiguard-clickup` TOML format) for the
    /// seeded workspace.
    pub fn labels_toml(&self) -> String {
        config_files::labels_toml(&self.workspace)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_handle_can_be_shared_across_tasks() {
        fn shareable<T: Send + Sync + 'static>() {}
        shareable::<Sandbox>();
        shareable::<SandboxConfig>();
    }

    #[test]
    fn every_ai_service_has_a_distinct_id() {
        let mut ids: Vec<&str> = AiService::ALL.iter().map(|s| s.service_id()).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), AiService::ALL.len());
    }
}
