//! What the gateway hands back: an AI draft that a person accepts before
//! it becomes a plain value, whole or streamed.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use futures::StreamExt;
use phiguard_audit::{AuditEvent, AuditSink, Outcome};
use phiguard_phi::{Phi, PhiCategory};
use phiguard_redact::Reidentifier;

use super::{GatewayError, Step};
use crate::{ChatStream, ProviderError, StreamEvent, Usage};

/// Facts about one call, carried by its draft.
#[derive(Debug, Clone)]
pub(crate) struct CallFacts {
    pub(crate) call_id: String,
    pub(crate) service_id: String,
    pub(crate) purpose: String,
    pub(crate) model: String,
    pub(crate) policy_ids: Vec<String>,
    pub(crate) baa_id: String,
    pub(crate) redactions: BTreeMap<PhiCategory, u64>,
}

/// An AI answer, re-identified, waiting for a person to accept it.
///
/// The text is PHI (the patient's details are back in it) and stays
/// wrapped: [`preview`](AiDraft::preview) shows it for review as a
/// [`Phi`], and only [`accept`](AiDraft::accept) turns the draft into the
/// plain `Phi<String>` an integration may write back (to ClickUp, as a
/// labelled draft, under ClickUp's own clearance).
pub struct AiDraft {
    text: Phi<String>,
    facts: CallFacts,
    finish_reason: Option<String>,
    usage: Option<Usage>,
}

impl fmt::Debug for AiDraft {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AiDraft")
            .field("text", &self.text)
            .field("call_id", &self.facts.call_id)
            .field("service", &self.facts.service_id)
            .field("purpose", &self.facts.purpose)
            .field("finish_reason", &self.finish_reason)
            .finish_non_exhaustive()
    }
}

impl AiDraft {
    pub(crate) fn new(
        text: Phi<String>,
        facts: CallFacts,
        finish_reason: Option<String>,
        usage: Option<Usage>,
    ) -> Self {
        AiDraft {
            text,
            facts,
            finish_reason,
            usage,
        }
    }

    /// The draft text, for a reviewer to read.
    pub fn preview(&self) -> &Phi<String> {
        &self.text
    }

    /// Accepts the draft: the answer becomes a plain `Phi<String>`.
    pub fn accept(self) -> Phi<String> {
        tracing::info!(call_id = %self.facts.call_id, "AI draft accepted");
        self.text
    }

    /// Rejects the draft; the text is zeroized as it drops.
    pub fn reject(self) {
        tracing::info!(call_id = %self.facts.call_id, "AI draft rejected");
    }

    /// The call's id, as found in its audit events (correlation `call`).
    pub fn call_id(&self) -> &str {
        &self.facts.call_id
    }

    /// The vendor service that answered.
    pub fn service_id(&self) -> &str {
        &self.facts.service_id
    }

    /// The purpose of use.
    pub fn purpose(&self) -> &str {
        &self.facts.purpose
    }

    /// The model or deployment asked for.
    pub fn model(&self) -> &str {
        &self.facts.model
    }

    /// The `@id`s of the policies that allowed the call.
    pub fn policy_ids(&self) -> &[String] {
        &self.facts.policy_ids
    }

    /// The business associate agreement the call went under.
    pub fn baa_id(&self) -> &str {
        &self.facts.baa_id
    }

    /// How many values of each category were replaced before sending.
    pub fn redactions(&self) -> &BTreeMap<PhiCategory, u64> {
        &self.facts.redactions
    }

    /// Why the vendor stopped.
    pub fn finish_reason(&self) -> Option<&str> {
        self.finish_reason.as_deref()
    }

    /// Token counts, when the vendor reported them.
    pub fn usage(&self) -> Option<Usage> {
        self.usage
    }
}

/// A piece of a streamed answer, re-identified, for live display.
///
/// It stays [`Phi`]; the answer as a whole is only released through the
/// [`AiDraft`] that [`AiDraftStream::into_draft`] returns.
pub struct DraftChunk(Phi<String>);

impl fmt::Debug for DraftChunk {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DraftChunk({:?})", self.0)
    }
}

impl DraftChunk {
    /// The chunk's text.
    pub fn text(&self) -> &Phi<String> {
        &self.0
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    Streaming,
    Finished,
    Failed,
}

/// A streamed answer on its way back.
///
/// Read it with [`next_chunk`](AiDraftStream::next_chunk) for live
/// display, then take the whole answer as a draft with
/// [`into_draft`](AiDraftStream::into_draft) (which also reads whatever
/// is left). Vault tokens split across chunks are held back until they are
/// whole, then restored.
///
/// The outcome is audited when the vendor finishes or the stream fails
/// (a cut stream is recorded as failed). A stream dropped before its end
/// is recorded as failed (`abandoned`) by a task spawned on the current
/// Tokio runtime; without a runtime, only a log line records it.
pub struct AiDraftStream<'s> {
    inner: ChatStream,
    reidentifier: Option<Reidentifier<'s>>,
    text: String,
    audit: Arc<dyn AuditSink>,
    outcome_event: Option<AuditEvent>,
    facts: CallFacts,
    finish_reason: Option<String>,
    usage: Option<Usage>,
    state: State,
}

impl fmt::Debug for AiDraftStream<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AiDraftStream")
            .field("call_id", &self.facts.call_id)
            .field("received_bytes", &self.text.len())
            .finish_non_exhaustive()
    }
}

impl<'s> AiDraftStream<'s> {
    pub(crate) fn new(
        inner: ChatStream,
        reidentifier: Reidentifier<'s>,
        audit: Arc<dyn AuditSink>,
        outcome_event: AuditEvent,
        facts: CallFacts,
    ) -> Self {
        AiDraftStream {
            inner,
            reidentifier: Some(reidentifier),
            text: String::new(),
            audit,
            outcome_event: Some(outcome_event),
            facts,
            finish_reason: None,
            usage: None,
            state: State::Streaming,
        }
    }

    /// The next piece of the answer; `None` once the answer is complete.
    ///
    /// # Errors
    ///
    /// [`GatewayError::Provider`] when the stream fails or is cut off
    /// ([`ProviderError::StreamInterrupted`]); [`GatewayError::Audit`] when
    /// the outcome could not be recorded, in which case the draft is
    /// withheld.
    pub async fn next_chunk(&mut self) -> Option<Result<DraftChunk, GatewayError>> {
        if self.state != State::Streaming {
            return None;
        }
        loop {
            let event = self.inner.next().await;
            match event {
                Some(Ok(StreamEvent::Delta(delta))) => {
                    let Some(reidentifier) = self.reidentifier.as_mut() else {
                        continue;
                    };
                    let out = reidentifier.push(delta.expose_phi());
                    if out.expose_phi().is_empty() {
                        continue;
                    }
                    self.text.push_str(out.expose_phi());
                    return Some(Ok(DraftChunk(out)));
                }
                Some(Ok(StreamEvent::Finished {
                    finish_reason,
                    usage,
                })) => {
                    self.finish_reason = finish_reason;
                    self.usage = usage;
                    let tail = self.reidentifier.take().map(Reidentifier::finish);
                    if let Err(error) = self.record(Outcome::Success).await {
                        self.state = State::Failed;
                        return Some(Err(error));
                    }
                    self.state = State::Finished;
                    match tail {
                        Some(tail) if !tail.expose_phi().is_empty() => {
                            self.text.push_str(tail.expose_phi());
                            return Some(Ok(DraftChunk(tail)));
                        }
                        _ => return None,
                    }
                }
                Some(Err(error)) => return Some(Err(self.fail(error).await)),
                None => return Some(Err(self.fail(ProviderError::StreamInterrupted).await)),
            }
        }
    }

    /// Reads the rest of the answer and returns it as a draft.
    ///
    /// # Errors
    ///
    /// As [`next_chunk`](AiDraftStream::next_chunk); also when called after
    /// an error was already returned.
    pub async fn into_draft(mut self) -> Result<AiDraft, GatewayError> {
        while let Some(chunk) = self.next_chunk().await {
            chunk?;
        }
        if self.state != State::Finished {
            return Err(GatewayError::Provider(ProviderError::StreamInterrupted));
        }
        let text = Phi::new(std::mem::take(&mut self.text), PhiCategory::Unclassified);
        Ok(AiDraft::new(
            text,
            self.facts.clone(),
            self.finish_reason.take(),
            self.usage,
        ))
    }

    async fn fail(&mut self, error: ProviderError) -> GatewayError {
        self.state = State::Failed;
        self.reidentifier = None;
        self.text.clear();
        if let Err(audit) = self.record(Outcome::failed(error.kind())).await {
            tracing::error!(call_id = %self.facts.call_id, error = %audit, "stream failure not audited");
        }
        GatewayError::Provider(error)
    }

    async fn record(&mut self, outcome: Outcome) -> Result<(), GatewayError> {
        let Some(event) = self.outcome_event.take() else {
            return Ok(());
        };
        self.audit
            .append(event.outcome(outcome))
            .await
            .map(|_| ())
            .map_err(|source| GatewayError::Audit {
                step: Step::Call,
                source,
            })
    }
}

impl Drop for AiDraftStream<'_> {
    fn drop(&mut self) {
        let Some(event) = self.outcome_event.take() else {
            return;
        };
        let call_id = self.facts.call_id.clone();
        tracing::warn!(call_id = %call_id, "AI answer stream dropped before its end");
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            let audit = self.audit.clone();
            runtime.spawn(async move {
                if let Err(error) = audit.append(event.outcome(Outcome::failed("abandoned"))).await {
                    tracing::error!(call_id = %call_id, error = %error, "abandoned stream not audited");
                }
            });
        }
    }
}
