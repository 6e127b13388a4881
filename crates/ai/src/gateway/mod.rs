//! The guarded gateway: every AI call passes through it, in one order.

mod draft;
mod error;
mod request;

use std::collections::BTreeMap;
use std::sync::{Arc, RwLock};

use phiguard_audit::{
    Action, Actor, AuditEvent, AuditSink, Basis, DataSummary, DigestKey, Outcome, Target,
};
use phiguard_phi::{CategorySet, Phi, PhiCategory};
use phiguard_redact::{RedactionSession, Redactor};
use phiguard_vendors::{Clearance, ClearanceRequest, VendorRegistry};
use time::OffsetDateTime;

pub use draft::{AiDraft, AiDraftStream, DraftChunk};
pub use error::{GatewayError, Step};
pub use request::AiRequest;

use draft::CallFacts;
use request::NamedField;

use crate::{
    AiPolicy, AiProvider, ChatMessage, ChatRequest, ChatRole, ConfigError, ConfigurationItem,
    EgressBody, Part, Principal, PurposeTable, ResponseMode,
};

/// The guarded AI gateway.
///
/// Built once with [`Gateway::builder`], shared by reference (it is
/// `Send + Sync`). See the crate documentation for the order of the steps
/// each call goes through.
pub struct Gateway {
    registry: RwLock<Arc<VendorRegistry>>,
    policy: RwLock<Arc<AiPolicy>>,
    purposes: RwLock<Arc<PurposeTable>>,
    redactor: Redactor,
    audit: Arc<dyn AuditSink>,
    providers: BTreeMap<String, Arc<dyn AiProvider>>,
    digest_key: DigestKey,
    region: Option<String>,
}

impl std::fmt::Debug for Gateway {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Gateway")
            .field("services", &self.providers.keys().collect::<Vec<_>>())
            .field("region", &self.region)
            .finish_non_exhaustive()
    }
}

/// Builds a [`Gateway`]. Registry, policy, purposes, redactor, audit sink
/// and at least one provider are required; there is no setting that turns
/// a step off.
#[derive(Default)]
#[must_use]
pub struct GatewayBuilder {
    registry: Option<VendorRegistry>,
    policy: Option<AiPolicy>,
    purposes: Option<PurposeTable>,
    redactor: Option<Redactor>,
    audit: Option<Arc<dyn AuditSink>>,
    providers: BTreeMap<String, Arc<dyn AiProvider>>,
    digest_key: Option<DigestKey>,
    region: Option<String>,
}

impl GatewayBuilder {
    /// The vendor registry clearances come from.
    pub fn registry(mut self, registry: VendorRegistry) -> Self {
        self.registry = Some(registry);
        self
    }

    /// The role and purpose policy.
    pub fn policy(mut self, policy: AiPolicy) -> Self {
        self.policy = Some(policy);
        self
    }

    /// The minimum-necessary table.
    pub fn purposes(mut self, purposes: PurposeTable) -> Self {
        self.purposes = Some(purposes);
        self
    }

    /// The redactor (for instance `Redactor::safe_harbor()`).
    pub fn redactor(mut self, redactor: Redactor) -> Self {
        self.redactor = Some(redactor);
        self
    }

    /// Where audit events go.
    pub fn audit(mut self, sink: impl AuditSink + 'static) -> Self {
        self.audit = Some(Arc::new(sink));
        self
    }

    /// Where audit events go, shared.
    pub fn audit_shared(mut self, sink: Arc<dyn AuditSink>) -> Self {
        self.audit = Some(sink);
        self
    }

    /// The provider that speaks to `service_id` (a service of the
    /// registry). Its endpoint host must be declared for that service.
    pub fn provider(
        mut self,
        service_id: impl Into<String>,
        provider: impl AiProvider + 'static,
    ) -> Self {
        self.providers.insert(service_id.into(), Arc::new(provider));
        self
    }

    /// The provider for `service_id`, shared.
    pub fn provider_shared(
        mut self,
        service_id: impl Into<String>,
        provider: Arc<dyn AiProvider>,
    ) -> Self {
        self.providers.insert(service_id.into(), provider);
        self
    }

    /// The key for the digests of sent bodies in the audit trail. Without
    /// one, a random key is made per gateway: digests then prove that two
    /// events of one run saw the same body, but cannot be matched later.
    pub fn digest_key(mut self, key: DigestKey) -> Self {
        self.digest_key = Some(key);
        self
    }

    /// The region every clearance is asked for (`eastus`).
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }

    /// Builds the gateway.
    ///
    /// # Errors
    ///
    /// [`ConfigError::Incomplete`] naming the first missing piece.
    pub fn build(self) -> Result<Gateway, ConfigError> {
        let missing = |what| ConfigError::Incomplete { missing: what };
        let digest_key = match self.digest_key {
            Some(key) => key,
            None => {
                let bytes: [u8; 32] = rand::random();
                DigestKey::new(bytes.to_vec()).map_err(|_| missing("a digest key"))?
            }
        };
        if self.providers.is_empty() {
            return Err(missing("a provider"));
        }
        Ok(Gateway {
            registry: RwLock::new(Arc::new(self.registry.ok_or(missing("a vendor registry"))?)),
            policy: RwLock::new(Arc::new(self.policy.ok_or(missing("a policy"))?)),
            purposes: RwLock::new(Arc::new(self.purposes.ok_or(missing("a purposes table"))?)),
            redactor: self.redactor.ok_or(missing("a redactor"))?,
            audit: self.audit.ok_or(missing("an audit sink"))?,
            providers: self.providers,
            digest_key,
            region: self.region,
        })
    }
}

/// What every event of one call shares.
struct CallContext {
    call_id: String,
    actor: Actor,
    purpose: String,
    service_id: String,
    correlation: Vec<(String, String)>,
    target: Option<Target>,
    data: DataSummary,
    basis: Basis,
}

impl CallContext {
    fn event(&self, action: Action) -> AuditEvent {
        let mut event = AuditEvent::new(self.actor.clone(), action)
            .purpose(self.purpose.clone())
            .correlation("call", self.call_id.clone())
            .data(self.data.clone())
            .basis(self.basis.clone());
        for (kind, id) in &self.correlation {
            event = event.correlation(kind.clone(), id.clone());
        }
        if let Some(target) = &self.target {
            event = event.target(target.clone());
        }
        event
    }
}

/// A request that passed every check and is ready to go.
struct Prepared {
    provider: Arc<dyn AiProvider>,
    body: EgressBody,
    context: CallContext,
    facts: CallFacts,
}

fn read<T: ?Sized>(lock: &RwLock<Arc<T>>) -> Arc<T> {
    // A panic elsewhere while swapping an Arc cannot leave it half-written.
    lock.read()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .clone()
}

fn write<T: ?Sized>(lock: &RwLock<Arc<T>>, value: Arc<T>) {
    *lock
        .write()
        .unwrap_or_else(|poisoned| poisoned.into_inner()) = value;
}

fn counts_of(fields: &[NamedField]) -> BTreeMap<PhiCategory, u64> {
    let mut counts = BTreeMap::new();
    for field in fields {
        *counts.entry(field.value.category()).or_insert(0) += 1;
    }
    counts
}

fn host_of(url: &url::Url) -> String {
    match (url.host_str(), url.port()) {
        (Some(host), Some(port)) => format!("{host}:{port}"),
        (Some(host), None) => host.to_owned(),
        _ => String::new(),
    }
}

/// Whether `needle` survives in `haystack`, ignoring case. Used to check
/// that an identifier field was replaced as a whole.
fn survives(haystack: &str, needle: &str) -> bool {
    let needle = needle.trim();
    !needle.is_empty() && haystack.to_lowercase().contains(&needle.to_lowercase())
}

impl Gateway {
    /// Starts a builder.
    pub fn builder() -> GatewayBuilder {
        GatewayBuilder::default()
    }

    /// Runs a call and returns the answer as a draft.
    ///
    /// `purpose` is a purpose of the minimum-necessary table; `session` is
    /// the patient's redaction session, whose vault turns tokens in the
    /// answer back into values.
    ///
    /// # Errors
    ///
    /// A [`GatewayError`] naming the step that refused or failed. Only
    /// [`GatewayError::Provider`] (and an audit failure after the call)
    /// means the request reached the vendor; every refusal is audited.
    pub async fn complete(
        &self,
        principal: &Principal,
        purpose: &str,
        request: AiRequest,
        session: &mut RedactionSession,
    ) -> Result<AiDraft, GatewayError> {
        let prepared = self
            .prepare(principal, purpose, request, session, ResponseMode::Complete)
            .await?;
        let Prepared {
            provider,
            body,
            context,
            facts,
        } = prepared;

        let outcome_event = context.event(Action::AiResponse);
        let completion = match provider.complete(body).await {
            Ok(completion) => completion,
            Err(error) => {
                let event = outcome_event.outcome(Outcome::failed(error.kind()));
                if let Err(audit) = self.audit.append(event).await {
                    tracing::error!(call_id = %facts.call_id, error = %audit, "failed call not audited");
                }
                tracing::warn!(call_id = %facts.call_id, error = %error, "AI call failed");
                return Err(GatewayError::Provider(error));
            }
        };

        self.audit
            .append(outcome_event.outcome(Outcome::Success))
            .await
            .map_err(|source| GatewayError::Audit {
                step: Step::Call,
                source,
            })?;

        let text = session.reidentify(completion.text.expose_phi());
        tracing::info!(call_id = %facts.call_id, "AI call answered");
        Ok(AiDraft::new(
            text,
            facts,
            completion.finish_reason,
            completion.usage,
        ))
    }

    /// Runs a call and returns the answer as a stream.
    ///
    /// Same checks as [`complete`](Gateway::complete), in the same order;
    /// the answer is re-identified as it arrives.
    ///
    /// # Errors
    ///
    /// As [`complete`](Gateway::complete), for everything up to the start
    /// of the answer; later errors come from the stream.
    pub async fn stream<'s>(
        &self,
        principal: &Principal,
        purpose: &str,
        request: AiRequest,
        session: &'s mut RedactionSession,
    ) -> Result<AiDraftStream<'s>, GatewayError> {
        let prepared = self
            .prepare(principal, purpose, request, session, ResponseMode::Stream)
            .await?;
        let Prepared {
            provider,
            body,
            context,
            facts,
        } = prepared;

        let outcome_event = context.event(Action::AiResponse);
        let inner = match provider.stream(body).await {
            Ok(inner) => inner,
            Err(error) => {
                let event = outcome_event.outcome(Outcome::failed(error.kind()));
                if let Err(audit) = self.audit.append(event).await {
                    tracing::error!(call_id = %facts.call_id, error = %audit, "failed call not audited");
                }
                return Err(GatewayError::Provider(error));
            }
        };
        let session: &'s RedactionSession = session;
        Ok(AiDraftStream::new(
            inner,
            session.reidentifier(),
            self.audit.clone(),
            outcome_event,
            facts,
        ))
    }

    /// Replaces the vendor registry, if `principal` may change AI
    /// configuration. The change is audited either way.
    ///
    /// # Errors
    ///
    /// [`GatewayError::ConfigurationDenied`], [`GatewayError::PolicyError`]
    /// or [`GatewayError::Audit`]; the registry is then unchanged.
    pub async fn reload_registry(
        &self,
        principal: &Principal,
        registry: VendorRegistry,
    ) -> Result<(), GatewayError> {
        self.authorize_change(principal, ConfigurationItem::Registry)
            .await?;
        write(&self.registry, Arc::new(registry));
        Ok(())
    }

    /// Replaces the policy, if the current policy lets `principal` change
    /// AI configuration.
    ///
    /// # Errors
    ///
    /// As [`reload_registry`](Gateway::reload_registry).
    pub async fn reload_policy(
        &self,
        principal: &Principal,
        policy: AiPolicy,
    ) -> Result<(), GatewayError> {
        self.authorize_change(principal, ConfigurationItem::Policy)
            .await?;
        write(&self.policy, Arc::new(policy));
        Ok(())
    }

    /// Replaces the minimum-necessary table, if `principal` may change AI
    /// configuration.
    ///
    /// # Errors
    ///
    /// As [`reload_registry`](Gateway::reload_registry).
    pub async fn reload_purposes(
        &self,
        principal: &Principal,
        purposes: PurposeTable,
    ) -> Result<(), GatewayError> {
        self.authorize_change(principal, ConfigurationItem::Purposes)
            .await?;
        write(&self.purposes, Arc::new(purposes));
        Ok(())
    }

    async fn authorize_change(
        &self,
        principal: &Principal,
        item: ConfigurationItem,
    ) -> Result<(), GatewayError> {
        let policy = read(&self.policy);
        let event = AuditEvent::new(actor_of(principal), Action::ConfigurationChange)
            .correlation("configuration", item.as_str());
        let (event, result) = match policy.authorize_change(principal, item) {
            Err(detail) => (
                event.outcome(Outcome::failed("policy_error")),
                Err(GatewayError::PolicyError(detail)),
            ),
            Ok(decision) if !decision.is_allowed() => (
                event
                    .basis(Basis::policies(decision.policy_ids().iter().cloned()))
                    .outcome(Outcome::refused(["denied by policy"])),
                Err(GatewayError::ConfigurationDenied {
                    policy_ids: decision.policy_ids().to_vec(),
                }),
            ),
            Ok(decision) => (
                event.basis(Basis::policies(decision.policy_ids().iter().cloned())),
                Ok(()),
            ),
        };
        self.audit
            .append(event)
            .await
            .map_err(|source| GatewayError::Audit {
                step: Step::Policy,
                source,
            })?;
        result
    }

    /// Writes a refusal event and returns the refusal (or the audit
    /// failure, which is the graver of the two).
    async fn refuse(
        &self,
        context: &CallContext,
        action: Action,
        outcome: Outcome,
        error: GatewayError,
    ) -> GatewayError {
        tracing::warn!(
            call_id = %context.call_id,
            service = %context.service_id,
            purpose = %context.purpose,
            step = error.step().as_str(),
            error = %error,
            "AI call refused"
        );
        match self
            .audit
            .append(context.event(action).outcome(outcome))
            .await
        {
            Ok(_) => error,
            Err(source) => GatewayError::Audit {
                step: error.step(),
                source,
            },
        }
    }

    async fn prepare(
        &self,
        principal: &Principal,
        purpose: &str,
        request: AiRequest,
        session: &mut RedactionSession,
        mode: ResponseMode,
    ) -> Result<Prepared, GatewayError> {
        // One snapshot of the configuration for the whole call, so a
        // reload in the middle cannot mix two versions.
        let registry = read(&self.registry);
        let policy = read(&self.policy);
        let purposes = read(&self.purposes);

        let AiRequest {
            service,
            instructions,
            fields,
            context: record,
            max_tokens,
            temperature,
            correlation,
        } = request;
        let service_id = match service {
            Some(id) => id,
            None if self.providers.len() == 1 => {
                self.providers.keys().next().cloned().unwrap_or_default()
            }
            None => String::new(),
        };
        let call_id = uuid::Uuid::now_v7().to_string();
        let mut context = CallContext {
            call_id: call_id.clone(),
            actor: actor_of(principal),
            purpose: purpose.to_owned(),
            service_id: service_id.clone(),
            correlation,
            target: None,
            data: DataSummary::new(),
            basis: Basis::default(),
        };

        // Minimum necessary, part one: pick the declared fields out of the
        // record now, so the policy judges what would actually be sent.
        // The rest is dropped (and zeroized) here.
        let declared = purposes.get(purpose);
        let declares = |name: &str| declared.is_some_and(|p| p.declares_field(name));
        let (kept_record, dropped): (Vec<NamedField>, Vec<NamedField>) =
            record.into_iter().partition(|f| declares(&f.name));
        let dropped_count = dropped.len();
        drop(dropped);
        let undeclared: Vec<String> = fields
            .iter()
            .filter(|f| !declares(&f.name))
            .map(|f| f.name.clone())
            .collect();
        let mut kept = fields;
        kept.extend(kept_record);
        let asked: CategorySet = kept.iter().map(|f| f.value.category()).collect();
        let mut data = DataSummary::new();
        for (category, count) in counts_of(&kept) {
            data = data.category(category, count);
        }
        context.data = data;
        if dropped_count > 0 {
            tracing::debug!(call_id = %call_id, dropped = dropped_count, "context fields dropped");
        }

        // 1. Policy.
        let decision = match policy.authorize_ai(principal, purpose, asked, &service_id) {
            Ok(decision) => decision,
            Err(detail) => {
                let error = GatewayError::PolicyError(detail);
                return Err(self
                    .refuse(
                        &context,
                        Action::PolicyRefusal,
                        Outcome::failed("policy_error"),
                        error,
                    )
                    .await);
            }
        };
        context.basis = Basis::policies(decision.policy_ids().iter().cloned());
        if !decision.is_allowed() {
            let error = GatewayError::PolicyDenied {
                policy_ids: decision.policy_ids().to_vec(),
            };
            let outcome = Outcome::refused(["denied by policy"]);
            return Err(self
                .refuse(&context, Action::PolicyRefusal, outcome, error)
                .await);
        }

        // 2. Minimum necessary, part two: refuse what the purpose does not
        // declare.
        let Some(declared) = declared else {
            let error = GatewayError::UnknownPurpose {
                purpose: purpose.to_owned(),
            };
            let outcome = Outcome::refused(["purpose not declared"]);
            return Err(self
                .refuse(&context, Action::PolicyRefusal, outcome, error)
                .await);
        };
        if let Some(field) = undeclared.into_iter().next() {
            let reason = format!("field `{field}` not declared for the purpose");
            let error = GatewayError::UndeclaredField {
                field,
                purpose: purpose.to_owned(),
            };
            return Err(self
                .refuse(
                    &context,
                    Action::PolicyRefusal,
                    Outcome::refused([reason]),
                    error,
                )
                .await);
        }
        let extra = asked.difference(declared.categories());
        if !extra.is_empty() {
            let names: Vec<&str> = extra.iter().map(PhiCategory::name).collect();
            let reason = format!("categories not needed by the purpose: {}", names.join(", "));
            let error = GatewayError::CategoryNotNeeded {
                purpose: purpose.to_owned(),
                categories: extra,
            };
            return Err(self
                .refuse(
                    &context,
                    Action::PolicyRefusal,
                    Outcome::refused([reason]),
                    error,
                )
                .await);
        }

        // 3. Redaction with the session's vault. Identifier fields are
        // declared as known values first, so they are replaced wherever
        // they recur, in every other field too.
        let provider = self.providers.get(&service_id).cloned();
        let mut redactions = BTreeMap::new();
        let redacted = self.redact(&instructions, kept, session, &mut redactions);
        for (category, count) in &redactions {
            context.data = context.data.clone().redaction(*category, *count);
        }
        let Redacted {
            mut chat,
            raw_categories,
        } = match redacted {
            Ok(redacted) => redacted,
            Err(error) => {
                let outcome = Outcome::failed(error.step().as_str());
                return Err(self
                    .refuse(&context, Action::AiRequest, outcome, error)
                    .await);
            }
        };
        if let Some(max_tokens) = max_tokens {
            chat = chat.max_tokens(max_tokens);
        }
        if let Some(temperature) = temperature {
            chat = chat.temperature(temperature);
        }

        // 4. Clearance from the registry, for the categories that leave in
        // plain form (identifiers left as vault tokens).
        let vendor_id = registry
            .service(&service_id)
            .map(|s| s.vendor_id().to_owned())
            .unwrap_or_default();
        let endpoint_host = provider
            .as_ref()
            .map(|p| host_of(p.endpoint()))
            .unwrap_or_default();
        context.target = Some(Target::new(
            vendor_id,
            service_id.clone(),
            endpoint_host.clone(),
        ));
        let mut clearance_request = ClearanceRequest::new(
            &service_id,
            purpose,
            raw_categories,
            OffsetDateTime::now_utc(),
        );
        if let Some(region) = &self.region {
            clearance_request = clearance_request.region(region.clone());
        }
        let clearance: Clearance = match registry.clear(&clearance_request) {
            Ok(clearance) => clearance,
            Err(refusal) => {
                let reasons: Vec<String> =
                    refusal.reasons().iter().map(ToString::to_string).collect();
                let error = GatewayError::ClearanceRefused {
                    service: service_id.clone(),
                    refusal,
                };
                return Err(self
                    .refuse(
                        &context,
                        Action::ClearanceRefusal,
                        Outcome::refused(reasons),
                        error,
                    )
                    .await);
            }
        };
        let mut basis = Basis::new(clearance.baa_id(), clearance.baa_version());
        for id in decision.policy_ids() {
            basis = basis.policy_id(id.clone());
        }
        context.basis = basis;

        // 5. The provider's endpoint must be a host the registry declares
        // for this very service.
        let Some(provider) = provider else {
            let error = GatewayError::NoProvider {
                service: service_id.clone(),
            };
            let outcome = Outcome::refused(["no provider for the service"]);
            return Err(self
                .refuse(&context, Action::ClearanceRefusal, outcome, error)
                .await);
        };
        let declared_by = registry
            .service_for_url(provider.endpoint())
            .map(|s| s.id().to_owned());
        if declared_by.as_deref() != Some(service_id.as_str()) {
            let reason = match &declared_by {
                Some(other) => format!("host declared by another service `{other}`"),
                None => "host not declared in the vendor registry".to_owned(),
            };
            let error = GatewayError::HostNotDeclared {
                host: endpoint_host,
                service: service_id.clone(),
                declared_by,
            };
            return Err(self
                .refuse(
                    &context,
                    Action::ClearanceRefusal,
                    Outcome::refused([reason]),
                    error,
                )
                .await);
        }

        // 6. Serialization inside the clearance's egress scope.
        let body = match provider.encode(&chat, mode, clearance.permit()) {
            Ok(body) if body.sink() == service_id => body,
            Ok(_) => {
                let error = GatewayError::Egress(crate::ProviderError::Config(
                    "body sealed for another sink",
                ));
                return Err(self
                    .refuse(
                        &context,
                        Action::AiRequest,
                        Outcome::failed("serialization"),
                        error,
                    )
                    .await);
            }
            Err(error) => {
                let error = GatewayError::Egress(error);
                return Err(self
                    .refuse(
                        &context,
                        Action::AiRequest,
                        Outcome::failed("serialization"),
                        error,
                    )
                    .await);
            }
        };
        drop(chat);

        // 7. Audit of intent: nothing is sent unless this is recorded.
        context.data = context.data.clone().sent(&self.digest_key, body.as_bytes());
        let intent = context.event(Action::AiRequest);
        if let Err(source) = self.audit.append(intent).await {
            tracing::error!(call_id = %call_id, error = %source, "audit unavailable; AI call not sent");
            // Best effort: a sink that failed once may take the next event.
            let failed = context
                .event(Action::AiRequest)
                .outcome(Outcome::failed("audit_unavailable"));
            let _ = self.audit.append(failed).await;
            return Err(GatewayError::Audit {
                step: Step::Audit,
                source,
            });
        }

        let facts = CallFacts {
            call_id,
            service_id,
            purpose: purpose.to_owned(),
            model: provider.model().to_owned(),
            policy_ids: decision.policy_ids().to_vec(),
            baa_id: clearance.baa_id().to_owned(),
            redactions,
        };
        Ok(Prepared {
            provider,
            body,
            context,
            facts,
        })
    }

    /// Redacts the instructions and the kept fields into a chat request.
    fn redact(
        &self,
        instructions: &[String],
        fields: Vec<NamedField>,
        session: &mut RedactionSession,
        redactions: &mut BTreeMap<PhiCategory, u64>,
    ) -> Result<Redacted, GatewayError> {
        let mut add = |counts: &BTreeMap<PhiCategory, u64>| {
            for (category, count) in counts {
                *redactions.entry(*category).or_insert(0) += count;
            }
        };

        for field in fields.iter().filter(|f| f.value.category().is_identifier()) {
            session.add_known(&field.value);
        }

        let mut chat = ChatRequest::new();
        for text in instructions {
            let redaction = match self.redactor.redact(text, session) {
                Ok(redaction) => redaction,
                Err(error) => return Err(GatewayError::Redaction(error)),
            };
            add(redaction.counts());
            chat = chat.message(ChatMessage::text(ChatRole::System, redaction.text()));
        }

        let mut user = ChatMessage::new(ChatRole::User);
        let mut raw_categories = CategorySet::EMPTY;
        let mut failure = None;
        for field in &fields {
            let category = field.value.category();
            let redaction = match self.redactor.redact(field.value.expose_phi(), session) {
                Ok(redaction) => redaction,
                Err(error) => {
                    failure = Some(GatewayError::Redaction(error));
                    break;
                }
            };
            add(redaction.counts());
            user.push(Part::Text(format!("{}:\n", field.name)));
            if category.is_identifier() {
                // The whole value was declared known; if any of it is left,
                // the detector missed it and nothing may go.
                if survives(redaction.text(), field.value.expose_phi()) {
                    failure = Some(GatewayError::RedactionIncomplete);
                    break;
                }
                user.push(Part::Text(redaction.text().to_owned()));
            } else {
                raw_categories.insert(category);
                user.push(Part::Phi(Phi::new(redaction.text().to_owned(), category)));
            }
            user.push(Part::Text("\n\n".to_owned()));
        }
        if let Some(error) = failure {
            return Err(error);
        }
        if !fields.is_empty() {
            chat = chat.message(user);
        }
        Ok(Redacted {
            chat,
            raw_categories,
        })
    }
}

struct Redacted {
    chat: ChatRequest,
    raw_categories: CategorySet,
}

fn actor_of(principal: &Principal) -> Actor {
    let mut actor = Actor::new(principal.user_id(), principal.roles().join(","));
    if let Some(automation) = principal.automation_name() {
        actor = actor.automation(automation);
    }
    actor
}
