//! OpenAI-compatible chat completions: the OpenAI API and Azure OpenAI
//! deployments.

use async_trait::async_trait;
use phiguard_phi::{EgressPermit, Phi, PhiCategory};
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, HeaderValue};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use url::Url;

use super::AiProvider;
use super::http::{
    EventReader, HttpSettings, Interpreted, parse_base_url, read_bounded, send_with_retries,
    sse_stream, vendor_error_code,
};
use crate::chat::{Part, vendor_label};
use crate::sse::SseEvent;
use crate::{
    ChatCompletion, ChatRequest, ChatStream, EgressBody, ProviderError, ResponseMode, StreamEvent,
    Usage,
};

/// The Azure OpenAI `api-version` used when none is set.
pub const DEFAULT_AZURE_API_VERSION: &str = "2024-10-21";

#[derive(Clone)]
enum Flavor {
    OpenAi,
    Azure,
}

/// Chat completions over the OpenAI wire protocol.
///
/// Two flavours share it: the OpenAI API (`Authorization: Bearer`, the
/// model in the body, `{base}/chat/completions`) and Azure OpenAI
/// (`api-key` header, the deployment in the path,
/// `{base}/openai/deployments/{deployment}/chat/completions?api-version=...`).
///
/// ```
/// use phiguard_ai::{AiProvider, OpenAiProvider};
///
/// let azure = OpenAiProvider::azure("gpt-4o-notes")
///     .base_url("https://phiguard-sample.openai.azure.com")
///     .api_key("not-a-real-key")
///     .build()
///     .unwrap();
/// assert_eq!(azure.endpoint().host_str(), Some("phiguard-sample.openai.azure.com"));
/// ```
pub struct OpenAiProvider {
    flavor: Flavor,
    model: String,
    endpoint: Url,
    api_key: SecretString,
    client: reqwest::Client,
    settings: HttpSettings,
}

impl std::fmt::Debug for OpenAiProvider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OpenAiProvider")
            .field("protocol", &self.protocol())
            .field("model", &self.model)
            .field("host", &self.endpoint.host_str())
            .finish_non_exhaustive()
    }
}

/// Builds an [`OpenAiProvider`].
#[must_use]
pub struct OpenAiProviderBuilder {
    flavor: Flavor,
    model: String,
    base_url: String,
    api_version: String,
    api_key: Option<SecretString>,
    settings: HttpSettings,
}

impl OpenAiProvider {
    /// The OpenAI API with `model`; base URL `https://api.openai.com/v1`.
    pub fn openai(model: impl Into<String>) -> OpenAiProviderBuilder {
        OpenAiProviderBuilder {
            flavor: Flavor::OpenAi,
            model: model.into(),
            base_url: "https://api.openai.com/v1".into(),
            api_version: String::new(),
            api_key: None,
            settings: HttpSettings::default(),
        }
    }

    /// An Azure OpenAI `deployment`. Set the resource's base URL
    /// (`https://{resource}.openai.azure.com`) with
    /// [`base_url`](OpenAiProviderBuilder::base_url).
    pub fn azure(deployment: impl Into<String>) -> OpenAiProviderBuilder {
        OpenAiProviderBuilder {
            flavor: Flavor::Azure,
            model: deployment.into(),
            base_url: String::new(),
            api_version: DEFAULT_AZURE_API_VERSION.into(),
            api_key: None,
            settings: HttpSettings::default(),
        }
    }
}

impl OpenAiProviderBuilder {
    /// The base URL: the API root for OpenAI, the resource for Azure.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into();
        self
    }

    /// The API key, held as a secret.
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.api_key = Some(SecretString::from(key.into()));
        self
    }

    /// The Azure `api-version` (ignored for OpenAI).
    pub fn api_version(mut self, version: impl Into<String>) -> Self {
        self.api_version = version.into();
        self
    }

    /// Timeouts, bounds and retries.
    pub fn settings(mut self, settings: HttpSettings) -> Self {
        self.settings = settings;
        self
    }

    /// Builds the provider.
    ///
    /// # Errors
    ///
    /// [`ProviderError::Config`] when the key is missing, the base URL does
    /// not parse, or it is plain `http` to a host other than loopback.
    pub fn build(self) -> Result<OpenAiProvider, ProviderError> {
        let api_key = self
            .api_key
            .ok_or(ProviderError::Config("an API key is required"))?;
        let mut endpoint = parse_base_url(&self.base_url)?;
        if endpoint.cannot_be_a_base() || self.model.is_empty() {
            return Err(ProviderError::Config(
                "a model or deployment and a base URL are required",
            ));
        }
        {
            let mut segments = endpoint
                .path_segments_mut()
                .map_err(|_| ProviderError::Config("the base URL cannot take a path"))?;
            segments.pop_if_empty();
            match self.flavor {
                Flavor::OpenAi => {
                    segments.extend(["chat", "completions"]);
                }
                Flavor::Azure => {
                    segments.extend(["openai", "deployments", &self.model, "chat", "completions"]);
                }
            }
        }
        endpoint.set_query(None);
        if let Flavor::Azure = self.flavor {
            endpoint
                .query_pairs_mut()
                .append_pair("api-version", &self.api_version);
        }
        let client = self.settings.client()?;
        Ok(OpenAiProvider {
            flavor: self.flavor,
            model: self.model,
            endpoint,
            api_key,
            client,
            settings: self.settings,
        })
    }
}

#[derive(Serialize)]
struct WireRequest<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    model: Option<&'a str>,
    messages: Vec<WireMessage<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    max_tokens: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    temperature: Option<f32>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    stream: bool,
}

#[derive(Serialize)]
struct WireMessage<'a> {
    role: &'static str,
    content: &'a [Part],
}

#[derive(Deserialize)]
struct WireResponse {
    #[serde(default)]
    model: Option<String>,
    #[serde(default)]
    choices: Vec<WireChoice>,
    #[serde(default)]
    usage: Option<WireUsage>,
}

#[derive(Deserialize)]
struct WireChoice {
    #[serde(default)]
    message: Option<WireContent>,
    #[serde(default)]
    delta: Option<WireContent>,
    #[serde(default)]
    finish_reason: Option<String>,
}

#[derive(Deserialize)]
struct WireContent {
    #[serde(default)]
    content: Option<Phi<String>>,
}

#[derive(Deserialize, Clone, Copy)]
struct WireUsage {
    #[serde(default)]
    prompt_tokens: u64,
    #[serde(default)]
    completion_tokens: u64,
}

impl From<WireUsage> for Usage {
    fn from(wire: WireUsage) -> Self {
        Usage {
            input_tokens: wire.prompt_tokens,
            output_tokens: wire.completion_tokens,
        }
    }
}

#[derive(Deserialize)]
struct WireChunk {
    #[serde(default)]
    choices: Vec<WireChoice>,
    #[serde(default)]
    usage: Option<WireUsage>,
    #[serde(default)]
    error: Option<serde_json::Value>,
}

#[derive(Default)]
struct StreamState {
    finish_reason: Option<String>,
    usage: Option<Usage>,
}

fn on_event(state: &mut StreamState, event: SseEvent) -> Result<Interpreted, ProviderError> {
    if event.data.trim() == "[DONE]" {
        return Ok(Interpreted::Last(StreamEvent::Finished {
            finish_reason: state.finish_reason.take(),
            usage: state.usage.take(),
        }));
    }
    let chunk: WireChunk =
        serde_json::from_str(&event.data).map_err(|_| ProviderError::Decode {
            what: "stream chunk is not the expected JSON",
        })?;
    if chunk.error.is_some() {
        let code = vendor_error_code(event.data.as_bytes());
        return Err(ProviderError::StreamError { vendor_code: code });
    }
    if let Some(usage) = chunk.usage {
        state.usage = Some(usage.into());
    }
    let mut text = None;
    // Only the first choice is read: the gateway never asks for more.
    if let Some(choice) = chunk.choices.into_iter().next() {
        if let Some(reason) = choice.finish_reason.as_deref().and_then(vendor_label) {
            state.finish_reason = Some(reason);
        }
        text = choice.delta.and_then(|d| d.content);
    }
    match text {
        Some(text) if !text.expose_phi().is_empty() => Ok(Interpreted::Emit(StreamEvent::Delta(
            text.with_category(PhiCategory::Unclassified),
        ))),
        _ => Ok(Interpreted::Nothing),
    }
}

fn on_end(state: &mut StreamState) -> Result<StreamEvent, ProviderError> {
    // Some OpenAI-compatible servers omit `[DONE]`; a finish reason is
    // then the vendor's word that the answer is complete.
    match state.finish_reason.take() {
        Some(reason) => Ok(StreamEvent::Finished {
            finish_reason: Some(reason),
            usage: state.usage.take(),
        }),
        None => Err(ProviderError::StreamInterrupted),
    }
}

impl OpenAiProvider {
    fn request(&self, body: bytes::Bytes) -> reqwest::RequestBuilder {
        let mut request = self
            .client
            .post(self.endpoint.clone())
            .header(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        request = match self.flavor {
            Flavor::OpenAi => request.header(
                AUTHORIZATION,
                format!("Bearer {}", self.api_key.expose_secret()),
            ),
            Flavor::Azure => request.header("api-key", self.api_key.expose_secret()),
        };
        request.body(body)
    }
}

#[async_trait]
impl AiProvider for OpenAiProvider {
    fn protocol(&self) -> &'static str {
        match self.flavor {
            Flavor::OpenAi => "openai-chat-completions",
            Flavor::Azure => "azure-openai-chat-completions",
        }
    }

    fn model(&self) -> &str {
        &self.model
    }

    fn endpoint(&self) -> &Url {
        &self.endpoint
    }

    fn encode(
        &self,
        request: &ChatRequest,
        mode: ResponseMode,
        permit: &EgressPermit,
    ) -> Result<EgressBody, ProviderError> {
        let wire = WireRequest {
            // Azure picks the model from the deployment in the path.
            model: matches!(self.flavor, Flavor::OpenAi).then_some(self.model.as_str()),
            messages: request
                .messages()
                .iter()
                .map(|m| WireMessage {
                    role: m.role().as_str(),
                    content: m.parts(),
                })
                .collect(),
            max_tokens: request.max_tokens_value(),
            temperature: request.temperature_value(),
            stream: mode == ResponseMode::Stream,
        };
        EgressBody::seal(permit, &wire, mode).map_err(ProviderError::Encode)
    }

    async fn complete(&self, body: EgressBody) -> Result<ChatCompletion, ProviderError> {
        if body.mode() != ResponseMode::Complete {
            return Err(ProviderError::ModeMismatch);
        }
        let bytes = body.shared_bytes();
        let response = send_with_retries(
            self.protocol(),
            self.endpoint.host_str().unwrap_or(""),
            &self.settings,
            || self.request(bytes.clone()),
            false,
        )
        .await?;
        let raw = read_bounded(response, self.settings.max_response_bytes).await?;
        let wire: WireResponse =
            serde_json::from_slice(&raw).map_err(|_| ProviderError::Decode {
                what: "answer is not the expected JSON",
            })?;
        let choice = wire
            .choices
            .into_iter()
            .next()
            .ok_or(ProviderError::Decode {
                what: "answer has no choices",
            })?;
        let text = choice
            .message
            .and_then(|m| m.content)
            .unwrap_or_else(|| Phi::new(String::new(), PhiCategory::Unclassified));
        Ok(ChatCompletion {
            text: text.with_category(PhiCategory::Unclassified),
            finish_reason: choice.finish_reason.as_deref().and_then(vendor_label),
            model: wire.model.as_deref().and_then(vendor_label),
            usage: wire.usage.map(Usage::from),
        })
    }

    async fn stream(&self, body: EgressBody) -> Result<ChatStream, ProviderError> {
        if body.mode() != ResponseMode::Stream {
            return Err(ProviderError::ModeMismatch);
        }
        let bytes = body.shared_bytes();
        let response = send_with_retries(
            self.protocol(),
            self.endpoint.host_str().unwrap_or(""),
            &self.settings,
            || self.request(bytes.clone()),
            true,
        )
        .await?;
        let reader = EventReader::new(response, &self.settings);
        Ok(sse_stream(reader, StreamState::default(), on_event, on_end))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_for_both_flavours() {
        let openai = OpenAiProvider::openai("gpt-4o")
            .base_url("http://127.0.0.1:9000/v1/")
            .api_key("k")
            .build()
            .unwrap();
        assert_eq!(
            openai.endpoint().as_str(),
            "http://127.0.0.1:9000/v1/chat/completions"
        );

        let azure = OpenAiProvider::azure("notes deploy")
            .base_url("https://x.openai.azure.com")
            .api_key("k")
            .api_version("2024-06-01")
            .build()
            .unwrap();
        assert_eq!(
            azure.endpoint().as_str(),
            "https://x.openai.azure.com/openai/deployments/notes%20deploy/chat/completions?api-version=2024-06-01"
        );
    }

    #[test]
    fn plain_http_only_to_loopback_and_a_key_is_required() {
        let remote = OpenAiProvider::openai("m")
            .base_url("http://api.example.com")
            .api_key("k");
        assert!(matches!(remote.build(), Err(ProviderError::Config(_))));
        let keyless = OpenAiProvider::openai("m");
        assert!(matches!(keyless.build(), Err(ProviderError::Config(_))));
    }

    #[test]
    fn stream_chunks_are_interpreted() {
        let mut state = StreamState::default();
        let delta = SseEvent {
            event: String::new(),
            data: r#"{"choices":[{"delta":{"content":"Hel"},"finish_reason":null}]}"#.into(),
        };
        match on_event(&mut state, delta).unwrap() {
            Interpreted::Emit(StreamEvent::Delta(text)) => assert_eq!(text.expose_phi(), "Hel"),
            _ => panic!("expected a delta"),
        }
        let stop = SseEvent {
            event: String::new(),
            data: r#"{"choices":[{"delta":{},"finish_reason":"stop"}]}"#.into(),
        };
        assert!(matches!(
            on_event(&mut state, stop).unwrap(),
            Interpreted::Nothing
        ));
        let done = SseEvent {
            event: String::new(),
            data: "[DONE]".into(),
        };
        assert!(matches!(
            on_event(&mut state, done).unwrap(),
            Interpreted::Last(StreamEvent::Finished {
                finish_reason: Some(_),
                ..
            })
        ));
        let mut cut = StreamState::default();
        assert!(matches!(
            on_end(&mut cut),
            Err(ProviderError::StreamInterrupted)
        ));
    }
}
