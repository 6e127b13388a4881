//! The client and its transport: host check, rate limits, retries,
//! tracing, error mapping, and the PHI gate for request bodies.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bytes::Bytes;
use phiguard_phi::{CategorySet, EgressError, PhiCategory, egress};
use phiguard_vendors::{Clearance, ClearanceRequest, VendorRegistry};
use reqwest::{Method, StatusCode};
use serde::Serialize;
use serde::de::DeserializeOwned;
use time::OffsetDateTime;
use tracing::Instrument;
use url::Url;

use crate::auth::Credentials;
use crate::error::{self, ApiMessage, BodyKind, Error};
use crate::labels::{LabelSchema, Place};
use crate::observer::{ClearedWrite, PhiWrite, PhiWriteObserver, PhiWriteOutcome};
use crate::ratelimit::{LocalRateLimiter, RateLimitSnapshot, RateLimiter};
use crate::retry::RetryPolicy;

/// The vendor registry's service id for ClickUp's REST API v2.
pub const CLICKUP_SERVICE: &str = "clickup-api-v2";

/// The purpose ClickUp writes are cleared for.
pub const STORE_PHI_PURPOSE: &str = "store_phi";

/// ClickUp's API root; routes start with `/v2/`.
pub const DEFAULT_BASE_URL: &str = "https://api.clickup.com/api";

/// Largest number of places, fields and checklists remembered for
/// labelling writes. Past it the memory is dropped and rebuilt from reads.
const PLACE_MEMORY: usize = 20_000;

/// A ClickUp API v2 client. Cheap to clone: clones share the connection
/// pool, the rate limiter and what the client learnt about places.
#[derive(Clone)]
pub struct ClickUpClient {
    pub(crate) inner: Arc<Inner>,
}

impl std::fmt::Debug for ClickUpClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClickUpClient")
            .field("base_url", &self.inner.base.as_str())
            .field("credentials", &self.inner.credentials)
            .finish_non_exhaustive()
    }
}

pub(crate) struct Inner {
    http: reqwest::Client,
    base: Url,
    credentials: Credentials,
    budget_key: String,
    limiter: Arc<dyn RateLimiter>,
    retry: RetryPolicy,
    gate: Gate,
    pub(crate) labels: Arc<LabelSchema>,
    memory: Mutex<Memory>,
    observer: Option<Arc<dyn PhiWriteObserver>>,
}

#[derive(Clone)]
enum Gate {
    Registry(Arc<VendorRegistry>),
    Test(Option<Clearance>),
}

/// What the client learnt from reads, to label writes.
#[derive(Default)]
struct Memory {
    tasks: HashMap<String, Place>,
    lists: HashMap<String, Place>,
    checklists: HashMap<String, Place>,
    field_names: HashMap<String, String>,
}

impl Memory {
    fn bound(&mut self) {
        let size =
            self.tasks.len() + self.lists.len() + self.checklists.len() + self.field_names.len();
        if size > PLACE_MEMORY {
            *self = Memory::default();
        }
    }
}

/// Builds a [`ClickUpClient`].
#[must_use]
pub struct ClientBuilder {
    credentials: Credentials,
    base_url: String,
    registry: Option<Arc<VendorRegistry>>,
    test_mode: bool,
    test_clearance: Option<Clearance>,
    test_hosts: Vec<String>,
    labels: Option<LabelSchema>,
    limiter: Option<Arc<dyn RateLimiter>>,
    retry: RetryPolicy,
    timeout: Duration,
    http: Option<reqwest::Client>,
    observer: Option<Arc<dyn PhiWriteObserver>>,
}

impl ClientBuilder {
    /// Where the API lives (default [`DEFAULT_BASE_URL`]); routes are
    /// appended to it (`{base}/v2/task/...`). Point it at a local fake for
    /// tests and the sandbox.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into();
        self
    }

    /// The vendor registry that declares ClickUp's hosts and clears PHI
    /// writes against ClickUp's business associate agreement.
    pub fn registry(mut self, registry: Arc<VendorRegistry>) -> Self {
        self.registry = Some(registry);
        self
    }

    /// Test mode: no registry. Requests may go only to hosts allowed with
    /// [`ClientBuilder::allow_test_host`]; PHI writes use the clearance
    /// given with [`ClientBuilder::test_clearance`], or are refused.
    pub fn test_mode(mut self) -> Self {
        self.test_mode = true;
        self
    }

    /// In test mode, the clearance PHI writes use.
    pub fn test_clearance(mut self, clearance: Clearance) -> Self {
        self.test_mode = true;
        self.test_clearance = Some(clearance);
        self
    }

    /// Allows a host (`127.0.0.1` or `127.0.0.1:8080`) that the registry
    /// does not declare, for tests and the sandbox.
    pub fn allow_test_host(mut self, host: impl Into<String>) -> Self {
        self.test_hosts.push(host.into());
        self
    }

    /// The PHI labelling schema (default: every place holds PHI).
    pub fn labels(mut self, labels: LabelSchema) -> Self {
        self.labels = Some(labels);
        self
    }

    /// A rate limiter shared with other clients or processes (default: an
    /// in-process [`LocalRateLimiter`]).
    pub fn rate_limiter(mut self, limiter: Arc<dyn RateLimiter>) -> Self {
        self.limiter = Some(limiter);
        self
    }

    /// Retry settings.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Timeout for one attempt (default 30 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// A preconfigured reqwest client (proxy, pool settings). Its own
    /// timeout applies instead of [`ClientBuilder::timeout`].
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// Reports every write that carried PHI (refused, delivered or
    /// unconfirmed) to `observer`, e.g. to feed an audit log.
    pub fn phi_write_observer(mut self, observer: Arc<dyn PhiWriteObserver>) -> Self {
        self.observer = Some(observer);
        self
    }

    /// Builds the client.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] for a bad base URL, or neither a registry nor test
    /// mode; [`Error::HostNotAllowed`] when the base URL's host is not
    /// declared for [`CLICKUP_SERVICE`] (nor allowed for tests).
    pub fn build(self) -> Result<ClickUpClient, Error> {
        let mut base =
            Url::parse(&self.base_url).map_err(|_| Error::Config("base url does not parse"))?;
        if !matches!(base.scheme(), "http" | "https") || base.host_str().is_none() {
            return Err(Error::Config("base url must be http or https with a host"));
        }
        if base.query().is_some() || !base.username().is_empty() || base.password().is_some() {
            return Err(Error::Config(
                "base url must not carry a query or credentials",
            ));
        }
        let trimmed = base.path().trim_end_matches('/').to_owned();
        base.set_path(&trimmed);

        let gate = match (self.registry, self.test_mode) {
            (Some(registry), _) => Gate::Registry(registry),
            (None, true) => Gate::Test(self.test_clearance),
            (None, false) => {
                return Err(Error::Config(
                    "a vendor registry (or explicit test mode) is required",
                ));
            }
        };
        check_host(&base, &gate, &self.test_hosts)?;

        let http = match self.http {
            Some(http) => http,
            None => reqwest::Client::builder()
                .timeout(self.timeout)
                .connect_timeout(Duration::from_secs(10))
                .user_agent(concat!("phiguard-clickup/", env!("CARGO_PKG_VERSION")))
                // Redirects could carry the Authorization header to a host
                // the registry never approved.
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .map_err(|_| Error::Config("http client could not be built"))?,
        };

        self.credentials.header_value()?;
        let budget_key = self.credentials.budget_key();
        Ok(ClickUpClient {
            inner: Arc::new(Inner {
                http,
                base,
                budget_key,
                credentials: self.credentials,
                limiter: self
                    .limiter
                    .unwrap_or_else(|| Arc::new(LocalRateLimiter::new())),
                retry: self.retry,
                gate,
                labels: Arc::new(self.labels.unwrap_or_default()),
                memory: Mutex::new(Memory::default()),
                observer: self.observer,
            }),
        })
    }
}

fn authority(url: &Url) -> String {
    let host = url.host_str().unwrap_or_default();
    match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_owned(),
    }
}

fn check_host(base: &Url, gate: &Gate, test_hosts: &[String]) -> Result<(), Error> {
    let host = base.host_str().unwrap_or_default();
    let with_port = authority(base);
    let allowed_for_tests = test_hosts
        .iter()
        .any(|h| h.eq_ignore_ascii_case(host) || h.eq_ignore_ascii_case(&with_port));
    if allowed_for_tests {
        return Ok(());
    }
    let declared = match gate {
        Gate::Registry(registry) => registry
            .service_for_url(base)
            .is_some_and(|service| service.id() == CLICKUP_SERVICE),
        Gate::Test(_) => false,
    };
    if declared {
        Ok(())
    } else {
        Err(Error::HostNotAllowed {
            host: with_port,
            service: CLICKUP_SERVICE.to_owned(),
        })
    }
}

/// A request body, kept as bytes so a retry can send it again.
pub(crate) enum Body {
    None,
    Json(Bytes),
    /// JSON serialized inside ClickUp's clearance.
    PhiJson(Bytes, ClearedWrite),
    Multipart {
        field: &'static str,
        file_name: String,
        mime: String,
        bytes: Bytes,
        cleared: Option<ClearedWrite>,
    },
}

impl Body {
    fn cleared(&self) -> Option<&ClearedWrite> {
        match self {
            Body::PhiJson(_, cleared) => Some(cleared),
            Body::Multipart { cleared, .. } => cleared.as_ref(),
            Body::None | Body::Json(_) => None,
        }
    }
}

/// One API call.
pub(crate) struct Call {
    pub(crate) method: Method,
    pub(crate) route: &'static str,
    pub(crate) path: String,
    pub(crate) query: Vec<(&'static str, String)>,
    pub(crate) body: Body,
    pub(crate) anonymous: bool,
}

impl Call {
    pub(crate) fn new(method: Method, route: &'static str, path: String) -> Self {
        Call {
            method,
            route,
            path,
            query: Vec::new(),
            body: Body::None,
            anonymous: false,
        }
    }

    pub(crate) fn query(mut self, pairs: impl IntoIterator<Item = (&'static str, String)>) -> Self {
        self.query.extend(pairs);
        self
    }

    pub(crate) fn body(mut self, body: Body) -> Self {
        self.body = body;
        self
    }
}

/// Percent-encodes one path segment (tag names, custom ids).
pub(crate) fn segment(raw: &str) -> String {
    url::form_urlencoded::byte_serialize(raw.as_bytes())
        .collect::<String>()
        .replace('+', "%20")
}

#[derive(serde::Deserialize)]
struct ApiErrorBody {
    #[serde(default)]
    err: Option<serde_json::Value>,
    #[serde(default, rename = "ECODE")]
    ecode: Option<String>,
    #[serde(default)]
    message: Option<String>,
}

fn api_error(status: u16, route: &'static str, body: &[u8]) -> Option<Error> {
    let parsed: ApiErrorBody = serde_json::from_slice(body).ok()?;
    if parsed.err.is_none() && parsed.ecode.is_none() {
        return None;
    }
    let text = match parsed.err {
        Some(serde_json::Value::String(s)) => Some(s),
        Some(other) => Some(other.to_string()),
        None => parsed.message,
    };
    Some(Error::Api {
        status,
        route,
        ecode: parsed.ecode,
        message: text.map(ApiMessage::new),
    })
}

fn body_kind(body: &[u8]) -> BodyKind {
    let start = body.iter().position(|b| !b.is_ascii_whitespace());
    match start {
        None => BodyKind::Empty,
        Some(i) if body[i] == b'<' => BodyKind::Html,
        Some(_) => BodyKind::Other,
    }
}

/// Maps a status and body to success or a typed error.
fn interpret(status: StatusCode, route: &'static str, body: Bytes) -> Result<Bytes, Error> {
    let code = status.as_u16();
    if status.is_success() {
        // ClickUp has been seen to send `{"err", "ECODE"}` with a 200; only
        // small bodies are checked, since error bodies are small.
        if body.len() < 2048
            && body.windows(5).any(|w| w == b"\"err\"")
            && let Some(error) = api_error(code, route, &body)
        {
            return Err(error);
        }
        return Ok(body);
    }
    if let Some(error) = api_error(code, route, &body) {
        return Err(error);
    }
    Err(Error::UnexpectedBody {
        status: code,
        route,
        body: body_kind(&body),
    })
}

fn transport_error(route: &'static str, error: reqwest::Error) -> Error {
    if error.is_timeout() {
        Error::Timeout { route }
    } else {
        Error::Transport {
            route,
            source: error.without_url(),
        }
    }
}

impl ClickUpClient {
    /// Starts building a client with these credentials.
    pub fn builder(credentials: Credentials) -> ClientBuilder {
        ClientBuilder {
            credentials,
            base_url: DEFAULT_BASE_URL.to_owned(),
            registry: None,
            test_mode: false,
            test_clearance: None,
            test_hosts: Vec::new(),
            labels: None,
            limiter: None,
            retry: RetryPolicy::default(),
            timeout: Duration::from_secs(30),
            http: None,
            observer: None,
        }
    }

    /// The same client (registry, schema, limiter, retries, connection
    /// pool) acting with other credentials, e.g. after an OAuth exchange.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] when the token cannot be sent in a header.
    pub fn with_credentials(&self, credentials: Credentials) -> Result<ClickUpClient, Error> {
        credentials.header_value()?;
        let inner = &self.inner;
        Ok(ClickUpClient {
            inner: Arc::new(Inner {
                http: inner.http.clone(),
                base: inner.base.clone(),
                budget_key: credentials.budget_key(),
                credentials,
                limiter: inner.limiter.clone(),
                retry: inner.retry.clone(),
                gate: inner.gate.clone(),
                labels: inner.labels.clone(),
                memory: Mutex::new(Memory::default()),
                observer: inner.observer.clone(),
            }),
        })
    }

    /// Exchanges an OAuth authorization code for an access token
    /// (`POST /v2/oauth/token`). The request carries no `Authorization`
    /// header; the app's secret goes in the body.
    ///
    /// # Errors
    ///
    /// [`Error::Api`] with ClickUp's `OAUTH_*` code for a bad code or app;
    /// otherwise any [`Error`].
    pub async fn exchange_oauth_code(
        &self,
        app: &crate::auth::OAuthApp,
        code: &str,
    ) -> Result<Credentials, Error> {
        let route = "/v2/oauth/token";
        let body = self.plain_json(route, &app.exchange_body(code))?;
        let mut call = Call::new(Method::POST, route, route.to_owned()).body(body);
        call.anonymous = true;
        let token: crate::auth::AccessToken = self.fetch(call).await?;
        Ok(Credentials::OAuth(token.access_token))
    }

    /// The labelling schema in force.
    pub fn labels(&self) -> &LabelSchema {
        &self.inner.labels
    }

    /// The base URL requests go to.
    pub fn base_url(&self) -> &Url {
        &self.inner.base
    }

    fn url(&self, call: &Call) -> Url {
        let mut url = self.inner.base.clone();
        let path = format!("{}{}", url.path(), call.path);
        url.set_path(&path);
        if !call.query.is_empty() {
            let mut pairs = url.query_pairs_mut();
            for (key, value) in &call.query {
                pairs.append_pair(key, value);
            }
        }
        url
    }

    async fn send_once(
        &self,
        call: &Call,
        url: &Url,
    ) -> Result<(StatusCode, RateLimitSnapshot, Bytes), reqwest::Error> {
        let mut request = self.inner.http.request(call.method.clone(), url.clone());
        if !call.anonymous
            && let Ok(auth) = self.inner.credentials.header_value()
        {
            request = request.header(reqwest::header::AUTHORIZATION, auth);
        }
        request = match &call.body {
            Body::None => request,
            Body::Json(bytes) | Body::PhiJson(bytes, _) => request
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(bytes.clone()),
            Body::Multipart {
                field,
                file_name,
                mime,
                bytes,
                ..
            } => {
                let part = reqwest::multipart::Part::stream(bytes.clone())
                    .file_name(file_name.clone())
                    .mime_str(mime)
                    .unwrap_or_else(|_| {
                        reqwest::multipart::Part::stream(bytes.clone()).file_name(file_name.clone())
                    });
                request.multipart(reqwest::multipart::Form::new().part(*field, part))
            }
        };
        let response = request.send().await?;
        let status = response.status();
        let snapshot = RateLimitSnapshot::from_headers(response.headers());
        let body = response.bytes().await?;
        Ok((status, snapshot, body))
    }

    /// Sends a call with pacing, retries and a tracing span; returns the
    /// body of a successful answer.
    pub(crate) async fn execute(&self, call: Call) -> Result<Bytes, Error> {
        let span = tracing::info_span!(
            "clickup.request",
            method = %call.method,
            route = call.route,
            status = tracing::field::Empty,
            latency_ms = tracing::field::Empty,
            attempts = tracing::field::Empty,
        );
        let route = call.route;
        let cleared = call.body.cleared().cloned();
        let result = self.execute_inner(call).instrument(span).await;
        if let Some(cleared) = cleared {
            let outcome = match &result {
                Ok(_) => PhiWriteOutcome::Delivered,
                Err(error) => PhiWriteOutcome::Unconfirmed {
                    reason: error.to_string(),
                },
            };
            self.report(route, cleared.categories, Some(&cleared), outcome);
        }
        result
    }

    fn report(
        &self,
        route: &'static str,
        categories: CategorySet,
        cleared: Option<&ClearedWrite>,
        outcome: PhiWriteOutcome,
    ) {
        if let Some(observer) = &self.inner.observer {
            observer.record(&PhiWrite {
                route,
                categories,
                baa_id: cleared.map(|c| c.baa_id.clone()),
                baa_version: cleared.map(|c| c.baa_version.clone()),
                outcome,
                at: OffsetDateTime::now_utc(),
            });
        }
    }

    async fn execute_inner(&self, call: Call) -> Result<Bytes, Error> {
        let inner = &self.inner;
        let url = self.url(&call);
        let retryable = inner.retry.allows(&call.method);
        let mut backoff = inner.retry.backoff();
        let mut rate_limit_waits = 0;
        let mut attempts = 0u32;
        let span = tracing::Span::current();

        loop {
            let wait = inner.limiter.delay(&inner.budget_key).await;
            if !wait.is_zero() {
                tracing::debug!(
                    wait_ms = wait.as_millis() as u64,
                    "pacing for the rate limit"
                );
                tokio::time::sleep(wait).await;
            }

            attempts += 1;
            let started = Instant::now();
            let sent = self.send_once(&call, &url).await;
            let latency = started.elapsed();
            span.record("latency_ms", latency.as_millis() as u64);
            span.record("attempts", attempts);

            let outcome = match sent {
                Ok((status, snapshot, body)) => {
                    span.record("status", status.as_u16());
                    inner.limiter.observe(&inner.budget_key, snapshot).await;
                    if status == StatusCode::TOO_MANY_REQUESTS {
                        // The server did not act on the request, so waiting
                        // out the window is safe for every method.
                        let wait = inner
                            .limiter
                            .rate_limited(&inner.budget_key, snapshot)
                            .await;
                        if rate_limit_waits < inner.retry.max_rate_limit_waits {
                            rate_limit_waits += 1;
                            tracing::warn!(
                                wait_ms = wait.as_millis() as u64,
                                "rate limited; waiting for the reset"
                            );
                            tokio::time::sleep(wait).await;
                            continue;
                        }
                        return Err(Error::RateLimited {
                            route: call.route,
                            reset_in: Some(wait),
                        });
                    }
                    interpret(status, call.route, body)
                }
                Err(error) => Err(transport_error(call.route, error)),
            };

            match outcome {
                Ok(body) => {
                    tracing::debug!("clickup request done");
                    return Ok(body);
                }
                Err(error) if retryable && error.is_transient() => match backoff.next() {
                    Some(delay) => {
                        tracing::warn!(error = %error, delay_ms = delay.as_millis() as u64, "retrying");
                        tokio::time::sleep(delay).await;
                    }
                    None => return Err(error),
                },
                Err(error) => return Err(error),
            }
        }
    }

    /// Executes and decodes the answer.
    pub(crate) async fn fetch<T: DeserializeOwned>(&self, call: Call) -> Result<T, Error> {
        let route = call.route;
        let body = self.execute(call).await?;
        let body = if body.iter().all(u8::is_ascii_whitespace) {
            Bytes::from_static(b"{}")
        } else {
            body
        };
        error::decode(route, &body)
    }

    /// Serializes a body that holds no PHI.
    pub(crate) fn plain_json<B: Serialize + ?Sized>(
        &self,
        route: &'static str,
        body: &B,
    ) -> Result<Body, Error> {
        serde_json::to_vec(body)
            .map(|bytes| Body::Json(Bytes::from(bytes)))
            .map_err(|_| Error::Egress {
                route,
                source: EgressError::NoScope {
                    category: PhiCategory::Unclassified,
                },
            })
    }

    /// Serializes a body that may hold PHI of `categories`, inside
    /// ClickUp's clearance when `categories` is not empty. Nothing is sent
    /// when the clearance is refused.
    pub(crate) fn phi_json<B: Serialize + ?Sized>(
        &self,
        route: &'static str,
        body: &B,
        categories: CategorySet,
    ) -> Result<Body, Error> {
        if categories.is_empty() {
            return self.plain_json(route, body);
        }
        let clearance = self.clearance(route, categories)?;
        let bytes = egress::to_json_vec(clearance.permit(), body)
            .map_err(|source| Error::Egress { route, source })?;
        tracing::info!(
            route,
            categories = %error::category_names(categories),
            baa = clearance.baa_id(),
            baa_version = clearance.baa_version(),
            "phi write cleared for clickup"
        );
        Ok(Body::PhiJson(
            Bytes::from(bytes),
            Self::cleared_write(&clearance, categories),
        ))
    }

    pub(crate) fn cleared_write(clearance: &Clearance, categories: CategorySet) -> ClearedWrite {
        ClearedWrite {
            categories,
            baa_id: clearance.baa_id().to_owned(),
            baa_version: clearance.baa_version().to_owned(),
        }
    }

    /// ClickUp's clearance for writing `categories` now.
    pub(crate) fn clearance(
        &self,
        route: &'static str,
        categories: CategorySet,
    ) -> Result<Clearance, Error> {
        let result = match &self.inner.gate {
            Gate::Registry(registry) => registry
                .clear(&ClearanceRequest::new(
                    CLICKUP_SERVICE,
                    STORE_PHI_PURPOSE,
                    categories,
                    OffsetDateTime::now_utc(),
                ))
                .map_err(Error::Refused),
            Gate::Test(Some(clearance)) => {
                match categories.difference(clearance.categories()).iter().next() {
                    None => Ok(clearance.clone()),
                    Some(category) => Err(Error::Egress {
                        route,
                        source: EgressError::NotCovered {
                            category,
                            sink: clearance.service_id().to_owned(),
                        },
                    }),
                }
            }
            Gate::Test(None) => Err(Error::NoClearanceSource {
                categories: error::category_names(categories),
            }),
        };
        if let Err(error) = &result {
            self.report(
                route,
                categories,
                None,
                PhiWriteOutcome::Refused {
                    reason: error.to_string(),
                },
            );
            tracing::warn!(route, categories = %error::category_names(categories), error = %error, "phi write refused");
        }
        result
    }

    // Memory of places, for labelling writes.

    pub(crate) fn remember_task(&self, key: &str, place: &Place, task: &crate::models::Task) {
        let mut memory = self.inner.memory.lock().unwrap_or_else(|e| e.into_inner());
        memory.bound();
        memory.tasks.insert(key.to_owned(), place.clone());
        memory
            .tasks
            .insert(task.id.as_str().to_owned(), place.clone());
        if let Some(list) = &place.list {
            let entry = memory.lists.entry(list.clone()).or_default();
            entry.merge(place);
        }
        for checklist in &task.checklists {
            if let Some(id) = &checklist.id {
                memory
                    .checklists
                    .insert(id.as_str().to_owned(), place.clone());
            }
        }
        for field in &task.custom_fields {
            if let Some(name) = &field.name {
                memory
                    .field_names
                    .insert(field.id.as_str().to_owned(), name.clone());
            }
        }
    }

    pub(crate) fn remember_list(&self, list: &str, place: Place) {
        let mut memory = self.inner.memory.lock().unwrap_or_else(|e| e.into_inner());
        memory.bound();
        memory.lists.insert(list.to_owned(), place);
    }

    pub(crate) fn remember_checklist(&self, checklist: &str, place: Place) {
        let mut memory = self.inner.memory.lock().unwrap_or_else(|e| e.into_inner());
        memory.bound();
        memory.checklists.insert(checklist.to_owned(), place);
    }

    pub(crate) fn remember_field_names<'a>(
        &self,
        fields: impl IntoIterator<Item = &'a crate::models::CustomField>,
    ) {
        let mut memory = self.inner.memory.lock().unwrap_or_else(|e| e.into_inner());
        memory.bound();
        for field in fields {
            if let Some(name) = &field.name {
                memory
                    .field_names
                    .insert(field.id.as_str().to_owned(), name.clone());
            }
        }
    }

    pub(crate) fn known_task_place(&self, key: &str) -> Option<Place> {
        self.inner
            .memory
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .tasks
            .get(key)
            .cloned()
    }

    pub(crate) fn known_list_place(&self, list: &str) -> Option<Place> {
        self.inner
            .memory
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .lists
            .get(list)
            .cloned()
    }

    pub(crate) fn known_checklist_place(&self, checklist: &str) -> Option<Place> {
        self.inner
            .memory
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .checklists
            .get(checklist)
            .cloned()
    }

    pub(crate) fn known_field_name(&self, field: &str) -> Option<String> {
        self.inner
            .memory
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .field_names
            .get(field)
            .cloned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_and_empty_bodies_are_typed() {
        let err = interpret(
            StatusCode::BAD_GATEWAY,
            "/v2/x",
            Bytes::from_static(b"  <html>oops</html>"),
        )
        .unwrap_err();
        assert!(matches!(
            err,
            Error::UnexpectedBody {
                body: BodyKind::Html,
                status: 502,
                ..
            }
        ));
        let err = interpret(StatusCode::NOT_FOUND, "/v2/x", Bytes::new()).unwrap_err();
        assert!(matches!(
            err,
            Error::UnexpectedBody {
                body: BodyKind::Empty,
                ..
            }
        ));
    }

    #[test]
    fn err_on_200_is_an_error() {
        let err = interpret(
            StatusCode::OK,
            "/v2/x",
            Bytes::from_static(br#"{"err":"Team not authorized","ECODE":"OAUTH_027"}"#),
        )
        .unwrap_err();
        assert_eq!(err.ecode(), Some("OAUTH_027"));
        assert!(err.is_auth());
    }

    #[test]
    fn segments_are_encoded() {
        assert_eq!(segment("needs review/now"), "needs%20review%2Fnow");
    }
}
