//! Fake AI vendors speaking the OpenAI-compatible chat completions wire
//! format (plain `/v1/chat/completions` and Azure's
//! `/openai/deployments/{deployment}/chat/completions`) and the Anthropic
//! Messages format (`/v1/messages`), with and without streaming.
//!
//! The answer is deterministic: an extractive summary made of the first
//! sentences of what the user sent, followed by any token-like strings of
//! the input the summary left out, so a test can check that tokens come
//! back intact and are restored. A request that asks for billing codes
//! (the words "billing code" anywhere in its messages) gets a fixed code
//! suggestion instead, chosen from the visit type it mentions.

use std::sync::OnceLock;
use std::sync::{Arc, Mutex};

use regex::Regex;
use serde_json::{Value, json};
use wiremock::{Request, Respond, ResponseTemplate};

use crate::clickup::lock;
use crate::faults::{Fault, FaultInjector, PROXY_PAGE, truncate_json};
use crate::record::{RecordedRequest, Recorder};

/// How many sentences of the input the summary keeps.
const SUMMARY_SENTENCES: usize = 3;
/// Words per streamed chunk.
const WORDS_PER_CHUNK: usize = 4;
/// `created` of the first answer, in Unix seconds (2026-01-05 09:00 UTC).
const CREATED_BASE: u64 = 1_767_603_600;

/// The wire format of a request to a fake AI vendor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum AiWireFormat {
    /// OpenAI-compatible chat completions (also Azure OpenAI and Mistral).
    ChatCompletions,
    /// Anthropic Messages.
    AnthropicMessages,
}

/// One request a fake AI vendor received.
///
/// `Debug` shows everything but the body.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct AiRequest {
    /// The service id the request was sent to, as in the sandbox vendor
    /// registry.
    pub service_id: String,
    /// The wire format its path selected, if the path was one the fake
    /// knows.
    pub format: Option<AiWireFormat>,
    /// Path without the query string.
    pub path: String,
    /// Whether the request asked for a streamed answer.
    pub stream: bool,
    /// The body bytes, as received.
    pub body: Vec<u8>,
}

impl AiRequest {
    /// The body as text (invalid UTF-8 replaced).
    pub fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The body parsed as JSON, if it is JSON.
    pub fn body_json(&self) -> Option<Value> {
        serde_json::from_slice(&self.body).ok()
    }
}

impl std::fmt::Debug for AiRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AiRequest")
            .field("service_id", &self.service_id)
            .field("format", &self.format)
            .field("path", &self.path)
            .field("stream", &self.stream)
            .field("body_len", &self.body.len())
            .finish()
    }
}

/// State shared by every fake AI vendor of one sandbox.
#[derive(Debug)]
pub(crate) struct AiShared {
    pub(crate) recorder: Recorder,
    pub(crate) requests: Mutex<Vec<AiRequest>>,
    pub(crate) faults: Mutex<FaultInjector>,
}

/// The wiremock responder of one fake AI service.
pub(crate) struct AiResponder {
    pub(crate) shared: Arc<AiShared>,
    pub(crate) service_id: String,
}

fn format_of(path: &str) -> Option<AiWireFormat> {
    if path.ends_with("/chat/completions") {
        Some(AiWireFormat::ChatCompletions)
    } else if path.ends_with("/messages") {
        Some(AiWireFormat::AnthropicMessages)
    } else {
        None
    }
}

impl Respond for AiResponder {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let path = request.url.path().to_owned();
        let format = format_of(&path);
        let body_json: Option<Value> = serde_json::from_slice(&request.body).ok();
        let stream = body_json
            .as_ref()
            .and_then(|b| b.get("stream"))
            .and_then(Value::as_bool)
            .unwrap_or(false);
        let seq = self
            .shared
            .recorder
            .push(RecordedRequest::from_wiremock(request, &self.service_id));
        lock(&self.shared.requests).push(AiRequest {
            service_id: self.service_id.clone(),
            format,
            path: path.clone(),
            stream,
            body: request.body.clone(),
        });

        let (fault, latency) = {
            let mut faults = lock(&self.shared.faults);
            (faults.draw(), faults.faults.latency)
        };
        let template = self.answer(request, format, body_json, stream, seq, fault);
        if latency.is_zero() {
            template
        } else {
            template.set_delay(latency)
        }
    }
}

impl AiResponder {
    fn answer(
        &self,
        request: &Request,
        format: Option<AiWireFormat>,
        body: Option<Value>,
        stream: bool,
        seq: usize,
        fault: Option<Fault>,
    ) -> ResponseTemplate {
        let Some(format) = format else {
            return vendor_error(None, 404, "not_found_error", "unknown endpoint");
        };
        if request.method.as_str() != "POST" {
            return vendor_error(
                Some(format),
                405,
                "invalid_request_error",
                "method not allowed",
            );
        }
        let has_credential = ["authorization", "api-key", "x-api-key"].iter().any(|h| {
            request
                .headers
                .get(*h)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| !v.trim().is_empty())
        });
        if !has_credential {
            return vendor_error(Some(format), 401, "authentication_error", "missing API key");
        }
        match fault {
            Some(Fault::ServerError(status)) => {
                return vendor_error(Some(format), status, "api_error", "the server had an error");
            }
            Some(Fault::HtmlPage) => {
                return ResponseTemplate::new(200).set_body_raw(PROXY_PAGE, "text/html");
            }
            _ => {}
        }
        let Some(body) = body else {
            return vendor_error(
                Some(format),
                400,
                "invalid_request_error",
                "body is not valid JSON",
            );
        };
        let Some(input) = user_text(&body) else {
            return vendor_error(
                Some(format),
                400,
                "invalid_request_error",
                "messages are required",
            );
        };
        let model = body
            .get("model")
            .and_then(Value::as_str)
            .map(str::to_owned)
            .or_else(|| deployment(request.url.path()))
            .unwrap_or_else(|| "sandbox-model".to_owned());
        let answer = if all_text(&body).to_lowercase().contains("billing code") {
            billing_suggestion(&input)
        } else {
            extractive_summary(&input)
        };
        let usage = Usage {
            input: word_count(&input),
            output: word_count(&answer),
        };

        let template = match (format, stream) {
            (AiWireFormat::ChatCompletions, false) => {
                json_template(&chat_completion(seq, &model, &answer, usage))
            }
            (AiWireFormat::ChatCompletions, true) => {
                let usage = include_usage(&body).then_some(usage);
                sse_template(chat_stream(seq, &model, &answer, usage))
            }
            (AiWireFormat::AnthropicMessages, false) => {
                json_template(&anthropic_message(seq, &model, &answer, usage))
            }
            (AiWireFormat::AnthropicMessages, true) => {
                sse_template(anthropic_stream(seq, &model, &answer, usage))
            }
        };
        if fault == Some(Fault::TruncatedJson) {
            let full = if stream {
                chat_or_anthropic_stream_bytes(format, seq, &model, &answer, usage)
            } else {
                serde_json::to_vec(&match format {
                    AiWireFormat::ChatCompletions => chat_completion(seq, &model, &answer, usage),
                    AiWireFormat::AnthropicMessages => {
                        anthropic_message(seq, &model, &answer, usage)
                    }
                })
                .unwrap_or_default()
            };
            let mime = if stream {
                "text/event-stream"
            } else {
                "application/json"
            };
            return ResponseTemplate::new(200).set_body_raw(truncate_json(&full), mime);
        }
        template
    }
}

fn chat_or_anthropic_stream_bytes(
    format: AiWireFormat,
    seq: usize,
    model: &str,
    answer: &str,
    usage: Usage,
) -> Vec<u8> {
    match format {
        AiWireFormat::ChatCompletions => chat_stream(seq, model, answer, None).into_bytes(),
        AiWireFormat::AnthropicMessages => anthropic_stream(seq, model, answer, usage).into_bytes(),
    }
}

#[derive(Clone, Copy)]
struct Usage {
    input: usize,
    output: usize,
}

fn json_template(v: &Value) -> ResponseTemplate {
    let bytes = serde_json::to_vec(v).unwrap_or_default();
    ResponseTemplate::new(200).set_body_raw(bytes, "application/json")
}

fn sse_template(body: String) -> ResponseTemplate {
    ResponseTemplate::new(200)
        .insert_header("Cache-Control", "no-cache")
        .set_body_raw(body.into_bytes(), "text/event-stream")
}

fn vendor_error(
    format: Option<AiWireFormat>,
    status: u16,
    kind: &str,
    message: &str,
) -> ResponseTemplate {
    let body = match format {
        Some(AiWireFormat::AnthropicMessages) => {
            json!({"type": "error", "error": {"type": kind, "message": message}})
        }
        _ => json!({"error": {"message": message, "type": kind, "param": null, "code": null}}),
    };
    let bytes = serde_json::to_vec(&body).unwrap_or_default();
    ResponseTemplate::new(status).set_body_raw(bytes, "application/json")
}

/// The Azure deployment name in a path, if it is an Azure path.
fn deployment(path: &str) -> Option<String> {
    let rest = path.split("/deployments/").nth(1)?;
    rest.split('/').next().map(str::to_owned)
}

/// The text of every user message, in order. `None` when there are no
/// messages at all.
/// The text of every message and of the Anthropic `system` field.
fn all_text(body: &Value) -> String {
    let mut text = String::new();
    let mut take = |v: &Value| match v {
        Value::String(s) => text.push_str(s),
        Value::Array(parts) => {
            for p in parts {
                if let Some(t) = p.get("text").and_then(Value::as_str) {
                    text.push_str(t);
                }
                text.push('\n');
            }
        }
        _ => {}
    };
    if let Some(system) = body.get("system") {
        take(system);
    }
    for m in body
        .get("messages")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        if let Some(content) = m.get("content") {
            take(content);
        }
    }
    text
}

/// Office visit codes the fake suggests, by the visit type the request
/// mentions (first match wins).
const VISIT_CODES: [(&str, &str); 4] = [
    (
        "new patient",
        "99203 (new patient office visit, low complexity)",
    ),
    (
        "telehealth",
        "99213 with modifier 95 (established patient, telehealth)",
    ),
    ("referral", "99243 (office consultation)"),
    ("follow-up", "99213 (established patient office visit)"),
];

/// The fake vendors' answer to a billing code request: one code, then any
/// token-like strings of the input.
///
/// ```
/// let answer = phiguard_sandbox::billing_suggestion("Visit type: Follow-up.");
/// assert!(answer.starts_with("Suggested billing codes for review: 99213"));
/// ```
pub fn billing_suggestion(text: &str) -> String {
    let lower = text.to_lowercase();
    let code = VISIT_CODES
        .iter()
        .find(|(kind, _)| lower.contains(kind))
        .map_or(
            "99202 (new patient office visit, straightforward)",
            |(_, code)| code,
        );
    let mut answer = format!("Suggested billing codes for review: {code}.");
    let tokens = tokens_in(text);
    if !tokens.is_empty() {
        answer.push_str(&format!(" Also mentioned: {}.", tokens.join(", ")));
    }
    answer
}

fn user_text(body: &Value) -> Option<String> {
    let messages = body.get("messages")?.as_array()?;
    if messages.is_empty() {
        return None;
    }
    let texts: Vec<String> = messages
        .iter()
        .filter(|m| m.get("role").and_then(Value::as_str) == Some("user"))
        .filter_map(|m| match m.get("content")? {
            Value::String(s) => Some(s.clone()),
            Value::Array(parts) => Some(
                parts
                    .iter()
                    .filter_map(|p| p.get("text").and_then(Value::as_str))
                    .collect::<Vec<_>>()
                    .join("\n"),
            ),
            _ => None,
        })
        .collect();
    Some(texts.join("\n\n"))
}

fn word_count(s: &str) -> usize {
    s.split_whitespace().count()
}

fn token_pattern() -> &'static Regex {
    static PATTERN: OnceLock<Regex> = OnceLock::new();
    PATTERN.get_or_init(|| {
        // [[...]], {{...}}, <UPPER_1> and [UPPER...] forms: the shapes
        // redaction tokens commonly take.
        Regex::new(concat!(
            r"\[\[[^\[\]\n]{1,80}\]\]",
            r"|\{\{[^{}\n]{1,80}\}\}",
            r"|<[A-Z][A-Z0-9_:\-]{0,60}>",
            r"|\[[A-Z][A-Z0-9_]*(?:[:_\-][A-Za-z0-9_\-]+)*\]",
        ))
        .unwrap_or_else(|_| unreachable!("the token pattern is a valid regex"))
    })
}

/// Token-like strings of a text, in order of first appearance, each once.
pub(crate) fn tokens_in(text: &str) -> Vec<String> {
    let mut seen: Vec<String> = Vec::new();
    for m in token_pattern().find_iter(text) {
        if !seen.iter().any(|s| s == m.as_str()) {
            seen.push(m.as_str().to_owned());
        }
    }
    seen
}

const ABBREVIATIONS: [&str; 9] = ["Dr", "Mr", "Mrs", "Ms", "St", "vs", "e.g", "i.e", "No"];

/// Splits text into sentences, never inside a token.
fn sentences(text: &str) -> Vec<String> {
    let protected: Vec<(usize, usize)> = token_pattern()
        .find_iter(text)
        .map(|m| (m.start(), m.end()))
        .collect();
    let inside_token = |i: usize| protected.iter().any(|(s, e)| i >= *s && i < *e);
    let mut out = Vec::new();
    let mut start = 0;
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    for (n, (i, c)) in chars.iter().enumerate() {
        let next = chars.get(n + 1).map(|(_, c)| *c);
        let boundary = match c {
            '.' | '!' | '?' => {
                next.is_none_or(char::is_whitespace) && !inside_token(*i) && {
                    let word = text[start..*i].split_whitespace().last().unwrap_or("");
                    *c != '.' || !ABBREVIATIONS.contains(&word)
                }
            }
            '\n' => next == Some('\n'),
            _ => false,
        };
        if boundary {
            let end = i + c.len_utf8();
            let s = text[start..end].trim();
            if !s.is_empty() {
                out.push(s.to_owned());
            }
            start = end;
        }
    }
    let tail = text[start..].trim();
    if !tail.is_empty() {
        out.push(tail.to_owned());
    }
    out
}

/// The fake vendors' answer to a text: its first sentences, then any
/// token-like strings they left out.
///
/// ```
/// let answer = phiguard_sandbox::extractive_summary(
///     "Seen today. Patient [[NAME_1]] is well. Plan unchanged. Call [[PHONE_1]].",
/// );
/// assert_eq!(
///     answer,
///     "Summary: Seen today. Patient [[NAME_1]] is well. Plan unchanged. \
///      Also mentioned: [[PHONE_1]]."
/// );
/// ```
pub fn extractive_summary(text: &str) -> String {
    let picked: Vec<String> = sentences(text)
        .into_iter()
        .take(SUMMARY_SENTENCES)
        .collect();
    let mut answer = if picked.is_empty() {
        "Summary: (nothing to summarize)".to_owned()
    } else {
        format!("Summary: {}", picked.join(" "))
    };
    let missing: Vec<String> = tokens_in(text)
        .into_iter()
        .filter(|t| !answer.contains(t.as_str()))
        .collect();
    if !missing.is_empty() {
        answer.push_str(&format!(" Also mentioned: {}.", missing.join(", ")));
    }
    answer
}

/// Pieces of an answer for streaming: a few words each, split at spaces
/// only, so tokens without spaces arrive whole.
fn chunks(answer: &str) -> Vec<String> {
    let words: Vec<&str> = answer.split(' ').collect();
    words
        .chunks(WORDS_PER_CHUNK)
        .enumerate()
        .map(|(i, c)| {
            let piece = c.join(" ");
            if i == 0 { piece } else { format!(" {piece}") }
        })
        .collect()
}

fn chat_completion(seq: usize, model: &str, answer: &str, usage: Usage) -> Value {
    json!({
        "id": format!("chatcmpl-sandbox-{seq:05}"),
        "object": "chat.completion",
        "created": CREATED_BASE + seq as u64,
        "model": model,
        "choices": [{
            "index": 0,
            "message": {"role": "assistant", "content": answer, "refusal": null},
            "logprobs": null,
            "finish_reason": "stop",
        }],
        "usage": {
            "prompt_tokens": usage.input,
            "completion_tokens": usage.output,
            "total_tokens": usage.input + usage.output,
        },
        "system_fingerprint": "fp_sandbox",
    })
}

/// Whether a chat completions request asked for a final usage chunk.
fn include_usage(body: &Value) -> bool {
    body.pointer("/stream_options/include_usage")
        .and_then(Value::as_bool)
        == Some(true)
}

fn chat_stream(seq: usize, model: &str, answer: &str, usage: Option<Usage>) -> String {
    let id = format!("chatcmpl-sandbox-{seq:05}");
    let created = CREATED_BASE + seq as u64;
    let chunk = |delta: Value, finish: Value| {
        json!({
            "id": id,
            "object": "chat.completion.chunk",
            "created": created,
            "model": model,
            "choices": [{"index": 0, "delta": delta, "logprobs": null, "finish_reason": finish}],
        })
    };
    let mut out = String::new();
    let mut push = |v: Value| {
        out.push_str("data: ");
        out.push_str(&v.to_string());
        out.push_str("\n\n");
    };
    push(chunk(
        json!({"role": "assistant", "content": ""}),
        Value::Null,
    ));
    for piece in chunks(answer) {
        push(chunk(json!({"content": piece}), Value::Null));
    }
    push(chunk(json!({}), json!("stop")));
    if let Some(usage) = usage {
        push(json!({
            "id": id,
            "object": "chat.completion.chunk",
            "created": created,
            "model": model,
            "choices": [],
            "usage": {
                "prompt_tokens": usage.input,
                "completion_tokens": usage.output,
                "total_tokens": usage.input + usage.output,
            },
        }));
    }
    out.push_str("data: [DONE]\n\n");
    out
}

fn anthropic_message(seq: usize, model: &str, answer: &str, usage: Usage) -> Value {
    json!({
        "id": format!("msg_sandbox_{seq:05}"),
        "type": "message",
        "role": "assistant",
        "model": model,
        "content": [{"type": "text", "text": answer}],
        "stop_reason": "end_turn",
        "stop_sequence": null,
        "usage": {"input_tokens": usage.input, "output_tokens": usage.output},
    })
}

fn anthropic_stream(seq: usize, model: &str, answer: &str, usage: Usage) -> String {
    let mut out = String::new();
    let mut event = |name: &str, data: Value| {
        out.push_str("event: ");
        out.push_str(name);
        out.push_str("\ndata: ");
        out.push_str(&data.to_string());
        out.push_str("\n\n");
    };
    let mut start = anthropic_message(seq, model, "", usage);
    start["content"] = json!([]);
    start["stop_reason"] = Value::Null;
    start["usage"] = json!({"input_tokens": usage.input, "output_tokens": 1});
    event(
        "message_start",
        json!({"type": "message_start", "message": start}),
    );
    event(
        "content_block_start",
        json!({"type": "content_block_start", "index": 0,
            "content_block": {"type": "text", "text": ""}}),
    );
    event("ping", json!({"type": "ping"}));
    for piece in chunks(answer) {
        event(
            "content_block_delta",
            json!({"type": "content_block_delta", "index": 0,
                "delta": {"type": "text_delta", "text": piece}}),
        );
    }
    event(
        "content_block_stop",
        json!({"type": "content_block_stop", "index": 0}),
    );
    event(
        "message_delta",
        json!({"type": "message_delta",
            "delta": {"stop_reason": "end_turn", "stop_sequence": null},
            "usage": {"output_tokens": usage.output}}),
    );
    event("message_stop", json!({"type": "message_stop"}));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_do_not_split_inside_tokens_or_abbreviations() {
        let s = sentences("Seen by Dr. Marsh today. Call [[PHONE. 1]] now! Dose 2.5 mg? Done");
        assert_eq!(
            s,
            vec![
                "Seen by Dr. Marsh today.",
                "Call [[PHONE. 1]] now!",
                "Dose 2.5 mg?",
                "Done"
            ]
        );
    }

    #[test]
    fn summary_keeps_first_sentences_and_lists_left_out_tokens() {
        let text = "One [[A]]. Two. Three <NAME_2>. Four [[B]]. Five [REDACTED:phone].";
        let answer = extractive_summary(text);
        assert!(answer.starts_with("Summary: One [[A]]. Two. Three <NAME_2>."));
        assert!(answer.ends_with("Also mentioned: [[B]], [REDACTED:phone]."));
        assert!(!answer.contains("Four"));
    }

    #[test]
    fn billing_requests_get_a_code_by_visit_type() {
        assert!(billing_suggestion("Visit type: Telehealth").contains("modifier 95"));
        assert!(billing_suggestion("visit type new patient").contains("99203"));
        assert!(billing_suggestion("nothing known").contains("99202"));
        assert!(
            billing_suggestion("Referral for [[NAME_1]]").ends_with("Also mentioned: [[NAME_1]].")
        );
        let body = json!({"system": "Suggest a billing code.",
            "messages": [{"role": "user", "content": [{"type": "text", "text": "Follow-up"}]}]});
        assert!(all_text(&body).to_lowercase().contains("billing code"));
    }

    #[test]
    fn chunks_rejoin_to_the_answer() {
        let answer = "Summary: a b c d e f g [[TOKEN_1]] h.";
        assert_eq!(chunks(answer).concat(), answer);
    }

    #[test]
    fn user_text_reads_strings_and_parts() {
        let body = json!({"messages": [
            {"role": "system", "content": "be brief"},
            {"role": "user", "content": "first"},
            {"role": "user", "content": [{"type": "text", "text": "second"}]},
        ]});
        assert_eq!(user_text(&body).as_deref(), Some("first\n\nsecond"));
        assert_eq!(user_text(&json!({"messages": []})), None);
    }

    #[test]
    fn deployment_is_read_from_azure_paths() {
        assert_eq!(
            deployment("/openai/deployments/gpt-4o/chat/completions").as_deref(),
            Some("gpt-4o")
        );
        assert_eq!(deployment("/v1/chat/completions"), None);
    }
}
