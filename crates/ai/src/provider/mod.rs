//! AI providers: the wire protocols, and nothing else.
//!
//! A provider turns a [`ChatRequest`] into its vendor's JSON inside the
//! clearance's egress scope ([`AiProvider::encode`]), then sends the sealed
//! [`EgressBody`] and decodes the answer. Policy, minimum necessary,
//! redaction, clearance and audit belong to the [`Gateway`]; a provider
//! never sees a request before they ran.
//!
//! [`Gateway`]: crate::Gateway

mod anthropic;
mod http;
mod openai;

use async_trait::async_trait;
use phiguard_phi::EgressPermit;
use url::Url;

pub use anthropic::{
    AnthropicProvider, AnthropicProviderBuilder, DEFAULT_ANTHROPIC_VERSION, DEFAULT_MAX_TOKENS,
};
pub use http::{HttpSettings, RetryPolicy};
pub use openai::{DEFAULT_AZURE_API_VERSION, OpenAiProvider, OpenAiProviderBuilder};

use crate::{ChatCompletion, ChatRequest, ChatStream, EgressBody, ProviderError, ResponseMode};

/// A vendor's chat protocol.
///
/// Implementations speak the protocol only. The gateway checks
/// [`endpoint`](AiProvider::endpoint) against the vendor registry before
/// every call, so a provider must send to that URL and no other.
#[async_trait]
pub trait AiProvider: Send + Sync {
    /// The protocol's name for logs and the audit trail
    /// (`openai-chat-completions`, `anthropic-messages`).
    fn protocol(&self) -> &'static str;

    /// The model or deployment the provider asks for.
    fn model(&self) -> &str;

    /// The URL every request goes to. The gateway refuses to call a
    /// provider whose endpoint host the registry does not declare for the
    /// provider's service.
    fn endpoint(&self) -> &Url;

    /// Serializes `request` in the vendor's format under `permit`.
    ///
    /// # Errors
    ///
    /// [`ProviderError::Encode`] when the request holds PHI the permit does
    /// not cover.
    fn encode(
        &self,
        request: &ChatRequest,
        mode: ResponseMode,
        permit: &EgressPermit,
    ) -> Result<EgressBody, ProviderError>;

    /// Sends `body` and returns the whole answer.
    ///
    /// # Errors
    ///
    /// Transport, status, rate-limit and decoding errors, after the
    /// provider's bounded retries.
    async fn complete(&self, body: EgressBody) -> Result<ChatCompletion, ProviderError>;

    /// Sends `body` and returns the answer as a stream.
    ///
    /// # Errors
    ///
    /// As [`complete`](AiProvider::complete) for everything up to the
    /// response headers; errors after that arrive in the stream.
    async fn stream(&self, body: EgressBody) -> Result<ChatStream, ProviderError>;
}
