//! Anthropic Messages.

use async_trait::async_trait;
use phiguard_phi::{EgressPermit, Phi, PhiCategory};
use reqwest::header::{CONTENT_TYPE, HeaderValue};
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
    ChatCompletion, ChatRequest, ChatRole, ChatStream, EgressBody, ProviderError, ResponseMode,
    StreamEvent, Usage,
};

/// The `anthropic-version` header sent when none is set.
pub const DEFAULT_ANTHROPIC_VERSION: &str = "2023-06-01";

/// The answer cap used when a request sets none: the Messages API
/// requires one.
pub const DEFAULT_MAX_TOKENS: u32 = 1024;

/// Anthropic's Messages API (`POST {base}/v1/messages`, `x-api-key`,
/// `anthropic-version`). System messages go to the top-level `system`
/// field, as the protocol wants.
///
/// ```
/// use phiguard_ai::{AiProvider, AnthropicProvider};
///
/// let claude = AnthropicProvider::builder("claude-sonnet-4-5")
///     .api_key("not-a-real-key")
///     .build()
///     .unwrap();
/// assert_eq!(claude.endpoint().as_str(), "https://api.anthropic.com/v1/messages");
/// ```
pub struct AnthropicProvider {
    model: String,
    version: String,
    endpoint: Url,
    api_key: SecretString,
    client: reqwest::Client,
    settings: HttpSettings,
}

impl std::fmt::Debug for AnthropicProvider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AnthropicProvider")
            .field("model", &self.model)
            .field("host", &self.endpoint.host_str())
            .finish_non_exhaustive()
    }
}

/// Builds an [`AnthropicProvider`].
#[must_use]
pub struct AnthropicProviderBuilder {
    model: String,
    version: String,
    base_url: String,
    api_key: Option<SecretString>,
    settings: HttpSettings,
}

impl AnthropicProvider {
    /// A provider for `model`; base URL `https://api.anthropic.com`.
    pub fn builder(model: impl Into<String>) -> AnthropicProviderBuilder {
        AnthropicProviderBuilder {
            model: model.into(),
            version: DEFAULT_ANTHROPIC_VERSION.into(),
            base_url: "https://api.anthropic.com".into(),
            api_key: None,
            settings: HttpSettings::default(),
        }
    }
}

impl AnthropicProviderBuilder {
    /// The base URL (the sandbox's fake vendor, a regional endpoint).
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into();
        self
    }

    /// The API key, held as a secret.
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.api_key = Some(SecretString::from(key.into()));
        self
    }

    /// The `anthropic-version` header.
    pub fn version(mut self, version: impl Into<String>) -> Self {
        self.version = version.into();
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
    pub fn build(self) -> Result<AnthropicProvider, ProviderError> {
        let api_key = self
            .api_key
            .ok_or(ProviderError::Config("an API key is required"))?;
        let mut endpoint = parse_base_url(&self.base_url)?;
        if self.model.is_empty() {
            return Err(ProviderError::Config("a model is required"));
        }
        endpoint
            .path_segments_mut()
            .map_err(|_| ProviderError::Config("the base URL cannot take a path"))?
            .pop_if_empty()
            .extend(["v1", "messages"]);
        endpoint.set_query(None);
        let client = self.settings.client()?;
        Ok(AnthropicProvider {
            model: self.model,
            version: self.version,
            endpoint,
            api_key,
            client,
            settings: self.settings,
        })
    }
}

#[derive(Serialize)]
struct WireRequest<'a> {
    model: &'a str,
    max_tokens: u32,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    system: Vec<&'a Part>,
    messages: Vec<WireMessage<'a>>,
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
    content: Vec<WireBlock>,
    #[serde(default)]
    stop_reason: Option<String>,
    #[serde(default)]
    usage: Option<WireUsage>,
}

#[derive(Deserialize)]
struct WireBlock {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    text: Option<Phi<String>>,
}

#[derive(Deserialize, Clone, Copy, Default)]
struct WireUsage {
    #[serde(default)]
    input_tokens: u64,
    #[serde(default)]
    output_tokens: u64,
}

#[derive(Deserialize)]
struct WireEvent {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    delta: Option<WireDelta>,
    #[serde(default)]
    message: Option<WireStart>,
    #[serde(default)]
    usage: Option<WireUsage>,
}

#[derive(Deserialize)]
struct WireDelta {
    #[serde(rename = "type", default)]
    kind: Option<String>,
    #[serde(default)]
    text: Option<Phi<String>>,
    #[serde(default)]
    stop_reason: Option<String>,
}

#[derive(Deserialize)]
struct WireStart {
    #[serde(default)]
    usage: Option<WireUsage>,
}

#[derive(Default)]
struct StreamState {
    stop_reason: Option<String>,
    usage: Usage,
}

fn on_event(state: &mut StreamState, event: SseEvent) -> Result<Interpreted, ProviderError> {
    let wire: WireEvent = serde_json::from_str(&event.data).map_err(|_| ProviderError::Decode {
        what: "stream event is not the expected JSON",
    })?;
    match wire.kind.as_str() {
        "message_start" => {
            if let Some(usage) = wire.message.and_then(|m| m.usage) {
                state.usage.input_tokens = usage.input_tokens;
            }
            Ok(Interpreted::Nothing)
        }
        "content_block_delta" => match wire.delta {
            Some(WireDelta {
                kind: Some(kind),
                text: Some(text),
                ..
            }) if kind == "text_delta" && !text.expose_phi().is_empty() => Ok(Interpreted::Emit(
                StreamEvent::Delta(text.with_category(PhiCategory::Unclassified)),
            )),
            _ => Ok(Interpreted::Nothing),
        },
        "message_delta" => {
            if let Some(reason) = wire.delta.and_then(|d| d.stop_reason) {
                state.stop_reason = vendor_label(&reason);
            }
            if let Some(usage) = wire.usage {
                state.usage.output_tokens = usage.output_tokens;
            }
            Ok(Interpreted::Nothing)
        }
        "message_stop" => Ok(Interpreted::Last(StreamEvent::Finished {
            finish_reason: state.stop_reason.take(),
            usage: Some(state.usage),
        })),
        "error" => Err(ProviderError::StreamError {
            vendor_code: vendor_error_code(event.data.as_bytes()),
        }),
        // ping, content_block_start, content_block_stop, and event types
        // added later: nothing to hand out.
        _ => Ok(Interpreted::Nothing),
    }
}

fn on_end(_: &mut StreamState) -> Result<StreamEvent, ProviderError> {
    // A proper answer ends with `message_stop`, which ends the stream
    // before the bytes do.
    Err(ProviderError::StreamInterrupted)
}

impl AnthropicProvider {
    fn request(&self, body: bytes::Bytes) -> reqwest::RequestBuilder {
        self.client
            .post(self.endpoint.clone())
            .header(CONTENT_TYPE, HeaderValue::from_static("application/json"))
            .header("x-api-key", self.api_key.expose_secret())
            .header("anthropic-version", self.version.as_str())
            .body(body)
    }
}

#[async_trait]
impl AiProvider for AnthropicProvider {
    fn protocol(&self) -> &'static str {
        "anthropic-messages"
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
        let system = request
            .messages()
            .iter()
            .filter(|m| m.role() == ChatRole::System)
            .flat_map(|m| m.parts())
            .collect();
        let messages = request
            .messages()
            .iter()
            .filter(|m| m.role() != ChatRole::System)
            .map(|m| WireMessage {
                role: m.role().as_str(),
                content: m.parts(),
            })
            .collect();
        let wire = WireRequest {
            model: &self.model,
            max_tokens: request.max_tokens_value().unwrap_or(DEFAULT_MAX_TOKENS),
            system,
            messages,
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
        let mut text = String::new();
        for block in wire.content.iter().filter(|b| b.kind == "text") {
            if let Some(part) = &block.text {
                text.push_str(part.expose_phi());
            }
        }
        Ok(ChatCompletion {
            text: Phi::new(text, PhiCategory::Unclassified),
            finish_reason: wire.stop_reason.as_deref().and_then(vendor_label),
            model: wire.model.as_deref().and_then(vendor_label),
            usage: wire.usage.map(|u| Usage {
                input_tokens: u.input_tokens,
                output_tokens: u.output_tokens,
            }),
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

    fn event(data: &str) -> SseEvent {
        SseEvent {
            event: String::new(),
            data: data.into(),
        }
    }

    #[test]
    fn stream_events_are_interpreted() {
        let mut state = StreamState::default();
        let start = event(r#"{"type":"message_start","message":{"usage":{"input_tokens":12}}}"#);
        assert!(matches!(
            on_event(&mut state, start).unwrap(),
            Interpreted::Nothing
        ));
        let delta = event(
            r#"{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hi"}}"#,
        );
        match on_event(&mut state, delta).unwrap() {
            Interpreted::Emit(StreamEvent::Delta(text)) => assert_eq!(text.expose_phi(), "Hi"),
            _ => panic!("expected a delta"),
        }
        let end = event(
            r#"{"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":3}}"#,
        );
        assert!(matches!(
            on_event(&mut state, end).unwrap(),
            Interpreted::Nothing
        ));
        match on_event(&mut state, event(r#"{"type":"message_stop"}"#)).unwrap() {
            Interpreted::Last(StreamEvent::Finished {
                finish_reason,
                usage,
            }) => {
                assert_eq!(finish_reason.as_deref(), Some("end_turn"));
                assert_eq!(
                    usage,
                    Some(Usage {
                        input_tokens: 12,
                        output_tokens: 3
                    })
                );
            }
            _ => panic!("expected the finish"),
        }
        let error = event(r#"{"type":"error","error":{"type":"overloaded_error","message":"m"}}"#);
        match on_event(&mut state, error) {
            Err(ProviderError::StreamError { vendor_code }) => {
                assert_eq!(vendor_code.as_deref(), Some("overloaded_error"));
            }
            _ => panic!("expected a stream error"),
        }
    }

    #[test]
    fn endpoint_and_settings() {
        let provider = AnthropicProvider::builder("m")
            .base_url("http://127.0.0.1:4000/")
            .api_key("k")
            .build()
            .unwrap();
        assert_eq!(
            provider.endpoint().as_str(),
            "http://127.0.0.1:4000/v1/messages"
        );
        assert_eq!(provider.protocol(), "anthropic-messages");
    }
}
