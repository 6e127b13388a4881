//! Chat requests and answers as providers see them, and the sealed body
//! that is the only thing a provider sends.

use std::fmt;
use std::pin::Pin;

use bytes::Bytes;
use futures::Stream;
use phiguard_phi::{CategorySet, EgressError, EgressPermit, Phi, egress};
use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};

use crate::ProviderError;

/// Who speaks a chat message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ChatRole {
    /// Instructions from the integration.
    System,
    /// The request itself.
    User,
    /// An earlier answer from the model.
    Assistant,
}

impl ChatRole {
    /// The role's name on the wire (`system`, `user`, `assistant`).
    pub fn as_str(self) -> &'static str {
        match self {
            ChatRole::System => "system",
            ChatRole::User => "user",
            ChatRole::Assistant => "assistant",
        }
    }
}

/// One piece of a message: plain text, or PHI that only a cleared egress
/// scope can write.
#[non_exhaustive]
pub enum Part {
    /// Text that holds no PHI (instructions, labels, vault tokens).
    Text(String),
    /// Text that holds PHI, typically clinical content after redaction.
    Phi(Phi<String>),
}

impl fmt::Debug for Part {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            // Plain parts are meant to be PHI-free, but a Debug dump is no
            // place to find out they were not.
            Part::Text(text) => write!(f, "Text({} bytes)", text.len()),
            Part::Phi(phi) => write!(f, "{phi:?}"),
        }
    }
}

/// Both wire protocols take a message's content as a list of text blocks:
/// `{"type": "text", "text": ...}`. A `Phi` part serializes its text only
/// under a permit that covers its category.
impl Serialize for Part {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(2))?;
        map.serialize_entry("type", "text")?;
        match self {
            Part::Text(text) => map.serialize_entry("text", text)?,
            Part::Phi(phi) => map.serialize_entry("text", phi)?,
        }
        map.end()
    }
}

/// One message of a chat.
#[derive(Debug)]
pub struct ChatMessage {
    role: ChatRole,
    parts: Vec<Part>,
}

impl ChatMessage {
    /// A message with no parts yet.
    pub fn new(role: ChatRole) -> Self {
        ChatMessage {
            role,
            parts: Vec::new(),
        }
    }

    /// A message of one plain text part.
    pub fn text(role: ChatRole, text: impl Into<String>) -> Self {
        ChatMessage::new(role).with_text(text)
    }

    /// Appends a plain text part.
    pub fn with_text(mut self, text: impl Into<String>) -> Self {
        self.parts.push(Part::Text(text.into()));
        self
    }

    /// Appends a PHI part.
    pub fn with_phi(mut self, phi: Phi<String>) -> Self {
        self.parts.push(Part::Phi(phi));
        self
    }

    /// Appends a part.
    pub fn push(&mut self, part: Part) {
        self.parts.push(part);
    }

    /// Who speaks.
    pub fn role(&self) -> ChatRole {
        self.role
    }

    /// The parts, in order.
    pub fn parts(&self) -> &[Part] {
        &self.parts
    }

    /// The categories of the PHI parts.
    pub fn categories(&self) -> CategorySet {
        self.parts
            .iter()
            .filter_map(|part| match part {
                Part::Phi(phi) => Some(phi.category()),
                Part::Text(_) => None,
            })
            .collect()
    }
}

/// A chat request as a provider receives it.
///
/// The gateway builds it after minimum necessary and redaction; a provider
/// turns it into its wire format with [`AiProvider::encode`], inside the
/// clearance's egress scope.
///
/// [`AiProvider::encode`]: crate::AiProvider::encode
#[derive(Debug, Default)]
pub struct ChatRequest {
    messages: Vec<ChatMessage>,
    max_tokens: Option<u32>,
    temperature: Option<f32>,
}

impl ChatRequest {
    /// An empty request.
    pub fn new() -> Self {
        ChatRequest::default()
    }

    /// Appends a message.
    pub fn message(mut self, message: ChatMessage) -> Self {
        self.messages.push(message);
        self
    }

    /// Caps the length of the answer, in the vendor's tokens.
    pub fn max_tokens(mut self, max_tokens: u32) -> Self {
        self.max_tokens = Some(max_tokens);
        self
    }

    /// Sampling temperature.
    pub fn temperature(mut self, temperature: f32) -> Self {
        self.temperature = Some(temperature);
        self
    }

    /// The messages, in order.
    pub fn messages(&self) -> &[ChatMessage] {
        &self.messages
    }

    /// The answer length cap, if set.
    pub fn max_tokens_value(&self) -> Option<u32> {
        self.max_tokens
    }

    /// The temperature, if set.
    pub fn temperature_value(&self) -> Option<f32> {
        self.temperature
    }

    /// The categories of every PHI part of every message.
    pub fn categories(&self) -> CategorySet {
        self.messages
            .iter()
            .fold(CategorySet::EMPTY, |all, m| all.union(m.categories()))
    }
}

/// Whether the provider should answer in one piece or as a stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ResponseMode {
    /// One JSON answer.
    Complete,
    /// Server-sent events.
    Stream,
}

/// A serialized request body, made inside an egress scope for one sink.
///
/// This is what providers send. It can only be made by
/// [`EgressBody::seal`], which serializes under an [`EgressPermit`]; the
/// permit comes from a vendor registry clearance. Code holding an
/// `EgressBody` therefore holds bytes that a business associate agreement
/// covers for the sink named by [`EgressBody::sink`], and nothing else.
///
/// Its `Debug` shows the sink and the length, never the bytes.
pub struct EgressBody {
    sink: String,
    categories: CategorySet,
    bytes: Bytes,
    mode: ResponseMode,
}

impl EgressBody {
    /// Serializes `wire` to JSON under `permit`.
    ///
    /// # Errors
    ///
    /// [`EgressError::NotCovered`] when `wire` holds PHI of a category the
    /// permit does not cover; other [`EgressError`]s when serialization
    /// fails for another reason.
    pub fn seal<T: Serialize + ?Sized>(
        permit: &EgressPermit,
        wire: &T,
        mode: ResponseMode,
    ) -> Result<Self, EgressError> {
        let bytes = egress::to_json_vec(permit, wire)?;
        Ok(EgressBody {
            sink: permit.sink().to_owned(),
            categories: permit.categories(),
            bytes: Bytes::from(bytes),
            mode,
        })
    }

    /// The sink (vendor service id) the body was sealed for.
    pub fn sink(&self) -> &str {
        &self.sink
    }

    /// The categories the sealing permit covered.
    pub fn categories(&self) -> CategorySet {
        self.categories
    }

    /// Whether the body asks for a streamed answer.
    pub fn mode(&self) -> ResponseMode {
        self.mode
    }

    /// The serialized body. Plain PHI: it goes to the sink and nowhere
    /// else (not to logs, not to errors).
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// Its length in bytes.
    pub fn len(&self) -> usize {
        self.bytes.len()
    }

    /// Whether it is empty (it never is, for a real request).
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    /// A cheap handle on the same bytes, for resending on retry.
    pub(crate) fn shared_bytes(&self) -> Bytes {
        self.bytes.clone()
    }
}

impl fmt::Debug for EgressBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EgressBody")
            .field("sink", &self.sink)
            .field("len", &self.bytes.len())
            .field("mode", &self.mode)
            .finish()
    }
}

/// Token counts a vendor reported.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Usage {
    /// Tokens in the request.
    pub input_tokens: u64,
    /// Tokens in the answer.
    pub output_tokens: u64,
}

impl Usage {
    /// Token counts.
    pub fn new(input_tokens: u64, output_tokens: u64) -> Self {
        Usage {
            input_tokens,
            output_tokens,
        }
    }
}

/// A vendor's answer, still holding vault tokens where identifiers were.
///
/// The text is PHI (it may echo clinical content) and is held as such.
#[derive(Debug)]
#[non_exhaustive]
pub struct ChatCompletion {
    /// The answer text.
    pub text: Phi<String>,
    /// Why the vendor stopped (`stop`, `end_turn`, `length`, ...).
    pub finish_reason: Option<String>,
    /// The model the vendor says answered.
    pub model: Option<String>,
    /// Token counts, when reported.
    pub usage: Option<Usage>,
}

impl ChatCompletion {
    /// An answer with `text` and nothing else known.
    pub fn new(text: Phi<String>) -> Self {
        ChatCompletion {
            text,
            finish_reason: None,
            model: None,
            usage: None,
        }
    }
}

/// One event of a streamed answer.
#[derive(Debug)]
#[non_exhaustive]
pub enum StreamEvent {
    /// More answer text. PHI, like the whole answer.
    Delta(Phi<String>),
    /// The vendor finished the answer. Nothing follows.
    Finished {
        /// Why the vendor stopped.
        finish_reason: Option<String>,
        /// Token counts, when reported.
        usage: Option<Usage>,
    },
}

/// A streamed answer: deltas, then exactly one [`StreamEvent::Finished`],
/// or an error (a stream that ends without `Finished` yields
/// [`ProviderError::StreamInterrupted`]).
pub type ChatStream = Pin<Box<dyn Stream<Item = Result<StreamEvent, ProviderError>> + Send>>;

/// Vendor-supplied short strings (finish reasons, model names, error
/// codes) are kept only when they look like identifiers, so a vendor that
/// echoes the prompt into such a field cannot smuggle PHI into logs.
pub(crate) fn vendor_label(value: &str) -> Option<String> {
    let ok = !value.is_empty()
        && value.len() <= 64
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.' | b':'));
    ok.then(|| value.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use phiguard_phi::PhiCategory;

    #[test]
    fn parts_serialize_as_text_blocks_and_phi_is_refused_without_permit() {
        let plain = Part::Text("hello".into());
        assert_eq!(
            serde_json::to_string(&plain).unwrap(),
            r#"{"type":"text","text":"hello"}"#
        );
        let phi = Part::Phi(Phi::new("BP 150/95".into(), PhiCategory::VitalSign));
        let err = serde_json::to_string(&phi).unwrap_err().to_string();
        assert!(!err.contains("150/95"), "{err}");
        assert!(format!("{phi:?}").contains("vital_sign"));
    }

    #[test]
    fn vendor_labels_keep_identifiers_only() {
        assert_eq!(vendor_label("end_turn").as_deref(), Some("end_turn"));
        assert_eq!(
            vendor_label("gpt-4o-2024-08-06").as_deref(),
            Some("gpt-4o-2024-08-06")
        );
        assert_eq!(vendor_label("Patient Ada Quill"), None);
        assert_eq!(vendor_label(""), None);
    }

    #[test]
    fn request_collects_categories() {
        let request = ChatRequest::new()
            .message(ChatMessage::text(ChatRole::System, "be brief"))
            .message(
                ChatMessage::new(ChatRole::User)
                    .with_phi(Phi::new("x".into(), PhiCategory::Diagnosis))
                    .with_phi(Phi::new("y".into(), PhiCategory::Medication)),
            );
        let set = request.categories();
        assert!(set.contains(PhiCategory::Diagnosis) && set.contains(PhiCategory::Medication));
        assert_eq!(set.len(), 2);
    }
}
