//! What the examples share: the set-up of a guarded automation (sandbox or
//! real services, ClickUp client, AI gateway, audit log) and the flows the
//! examples run. The end-to-end tests in `tests/` include this file too, so
//! they check exactly what the examples do.

#![allow(dead_code, unreachable_pub)]

use std::collections::BTreeMap;
use std::error::Error;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use futures::TryStreamExt;
use phiguard::ai::{
    AiPolicy, AiRequest, AnthropicProvider, Gateway, OpenAiProvider, Principal, PurposeTable,
};
use phiguard::audit::{
    Action, Actor, AuditEvent, AuditLogOptions, AuditSink, Basis, CheckpointKey, DataSummary,
    JsonlAuditLog, Outcome, Target, VerifyOptions, VerifyReport,
};
use phiguard::clickup::models::{FieldValue, FreeText, NewComment, Task, TaskId};
use phiguard::clickup::observer::{PhiWrite, PhiWriteObserver, PhiWriteOutcome};
use phiguard::clickup::{ClickUpClient, Credentials, GetTaskOptions, LabelSchema, TaskQuery};
use phiguard::phi::{Phi, PhiCategory};
use phiguard::redact::{RedactionSession, Redactor};
use phiguard::sandbox::{AiService, Sandbox, SandboxConfig, StaffRole};
use phiguard::vendors::VendorRegistry;

/// Result type of the examples.
pub type AnyResult<T> = Result<T, Box<dyn Error + Send + Sync>>;

/// The label every AI text written back to ClickUp starts with.
pub const AI_DRAFT_LABEL: &str = "AI DRAFT (phiguard, not reviewed by a clinician)";

/// The repository's `examples/config` folder.
pub fn config_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples")
        .join("config")
}

/// A running automation: where ClickUp and the AI vendor are, and the
/// guard rails around them.
pub struct Automation {
    /// The sandbox, when the automation runs on it.
    pub sandbox: Option<Sandbox>,
    /// The ClickUp client (PHI-labelled reads, cleared writes).
    pub clickup: ClickUpClient,
    /// The guarded AI gateway.
    pub gateway: Gateway,
    /// The ClickUp client's reports of PHI writes, not yet audited.
    pub writes: Arc<WriteReports>,
    /// The audit log every transmission is recorded in.
    pub audit: Arc<JsonlAuditLog>,
    /// Where the audit log is.
    pub audit_path: PathBuf,
    /// The key that signs the log's checkpoints.
    pub checkpoint_key: CheckpointKey,
    /// The AI service the gateway calls.
    pub ai_service: String,
    /// The ClickUp list of intake tasks.
    pub intake_list: String,
    /// The people the examples act as.
    pub clinician: Principal,
    /// A billing clerk.
    pub billing: Principal,
}

/// Where the audit log goes: `PHIGUARD_AUDIT_LOG`, or a fresh temporary
/// folder.
pub fn audit_log_path() -> PathBuf {
    match std::env::var_os("PHIGUARD_AUDIT_LOG") {
        Some(path) => PathBuf::from(path),
        None => {
            let dir = std::env::temp_dir().join(format!(
                "phiguard-example-{}-{}",
                std::process::id(),
                time::OffsetDateTime::now_utc().unix_timestamp_nanos()
            ));
            dir.join("audit.jsonl")
        }
    }
}

fn random_key() -> Vec<u8> {
    use rand::RngCore;
    let mut key = vec![0_u8; 32];
    rand::thread_rng().fill_bytes(&mut key);
    key
}

/// Opens the audit log at `path`, signing checkpoints with `key`.
pub fn open_audit_log(path: &Path, key: &CheckpointKey) -> AnyResult<JsonlAuditLog> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let options = AuditLogOptions::default()
        .checkpoint_key(key.clone())
        .checkpoint_every(16);
    Ok(JsonlAuditLog::open(path, options)?)
}

/// Starts the sandbox and builds the automation over it, calling the
/// given fake AI service.
pub async fn on_sandbox(service: AiService) -> AnyResult<Automation> {
    on_sandbox_with(SandboxConfig::default(), service, audit_log_path()).await
}

/// As [`on_sandbox`], with a sandbox configuration and an audit log path.
pub async fn on_sandbox_with(
    config: SandboxConfig,
    service: AiService,
    audit_path: PathBuf,
) -> AnyResult<Automation> {
    let sandbox = Sandbox::start(config).await?;

    // Configuration a compliance officer reviews: the sandbox's registry
    // and labels (its hosts and ids are only known once it runs), and the
    // repository's policy and minimum-necessary table.
    let registry_toml = sandbox.registry_toml();
    let registry = Arc::new(VendorRegistry::from_toml_str(&registry_toml)?);
    let writes = Arc::new(WriteReports::default());
    let labels = LabelSchema::from_toml_str(&sandbox.labels_toml())?;
    let policy = AiPolicy::load(config_dir().join("policy.cedar"))?;
    let purposes = PurposeTable::load(config_dir().join("purposes.toml"))?;

    let clickup = ClickUpClient::builder(Credentials::personal(sandbox.clickup_token()))
        .base_url(sandbox.clickup_base_url())
        .registry(registry)
        .labels(labels)
        .phi_write_observer(writes.clone())
        .build()?;

    let checkpoint_key = CheckpointKey::hmac_sha256(random_key())?;
    let audit = Arc::new(open_audit_log(&audit_path, &checkpoint_key)?);
    let mut gateway = Gateway::builder()
        .registry(VendorRegistry::from_toml_str(&registry_toml)?)
        .policy(policy)
        .purposes(purposes)
        .redactor(Redactor::safe_harbor())
        .audit_shared(audit.clone());
    // Every fake vendor is wired, the one without an agreement included:
    // which of them may receive what is the registry's decision alone.
    for fake in AiService::ALL {
        let base_url = sandbox.ai_base_url(fake).to_string();
        gateway = match fake {
            AiService::AzureOpenAi => gateway.provider(
                fake.service_id(),
                OpenAiProvider::azure("gpt-4o")
                    .base_url(base_url)
                    .api_key("sandbox")
                    .build()?,
            ),
            AiService::Anthropic => gateway.provider(
                fake.service_id(),
                AnthropicProvider::builder("claude-sonnet")
                    .base_url(base_url)
                    .api_key("sandbox")
                    .build()?,
            ),
            _ => gateway.provider(
                fake.service_id(),
                OpenAiProvider::openai("gpt-4o")
                    .base_url(base_url)
                    .api_key("sandbox")
                    .build()?,
            ),
        };
    }
    let gateway = gateway.build()?;

    let workspace = sandbox.workspace();
    let clinician = workspace
        .members_with(StaffRole::Provider)
        .first()
        .map(|m| Principal::new(m.id.to_string()).role("clinician"))
        .ok_or("the sandbox has no provider")?;
    let billing = workspace
        .members_with(StaffRole::Billing)
        .first()
        .map(|m| Principal::new(m.id.to_string()).role("billing"))
        .ok_or("the sandbox has no billing member")?;
    let intake_list = workspace.intake_list.id.clone();

    Ok(Automation {
        sandbox: Some(sandbox),
        clickup,
        gateway,
        writes,
        audit,
        audit_path,
        checkpoint_key,
        ai_service: service.service_id().to_string(),
        intake_list,
        clinician,
        billing,
    })
}

/// Builds the automation against the real ClickUp and a real AI vendor
/// when the environment names them (`CLICKUP_TOKEN`, `CLICKUP_LIST_ID`,
/// `PHIGUARD_AI_BASE_URL`, `PHIGUARD_AI_KEY`); `None` otherwise.
///
/// `PHIGUARD_AI_SERVICE` picks the registry service (default
/// `azure-openai-chat`, an Azure OpenAI deployment named by
/// `PHIGUARD_AI_MODEL`); `PHIGUARD_VENDORS`, `PHIGUARD_LABELS`,
/// `PHIGUARD_POLICY` and `PHIGUARD_PURPOSES` override the sample files,
/// which a team must replace with its own reviewed ones.
pub async fn from_environment() -> AnyResult<Option<Automation>> {
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    let (Some(token), Some(list), Some(ai_base), Some(ai_key)) = (
        var("CLICKUP_TOKEN"),
        var("CLICKUP_LIST_ID"),
        var("PHIGUARD_AI_BASE_URL"),
        var("PHIGUARD_AI_KEY"),
    ) else {
        return Ok(None);
    };
    let path = |name: &str, default: &str| {
        var(name)
            .map(PathBuf::from)
            .unwrap_or_else(|| config_dir().join(default))
    };

    let registry = Arc::new(VendorRegistry::load(path(
        "PHIGUARD_VENDORS",
        "vendors.toml",
    ))?);
    let writes = Arc::new(WriteReports::default());
    let labels = LabelSchema::load(path("PHIGUARD_LABELS", "labels.toml"))?;
    let policy = AiPolicy::load(path("PHIGUARD_POLICY", "policy.cedar"))?;
    let purposes = PurposeTable::load(path("PHIGUARD_PURPOSES", "purposes.toml"))?;
    let service = var("PHIGUARD_AI_SERVICE").unwrap_or_else(|| "azure-openai-chat".into());
    let model = var("PHIGUARD_AI_MODEL").unwrap_or_else(|| "gpt-4o".into());

    let clickup = ClickUpClient::builder(Credentials::personal(token))
        .registry(registry)
        .labels(labels)
        .phi_write_observer(writes.clone())
        .build()?;
    let provider = if service.starts_with("azure") {
        OpenAiProvider::azure(model)
            .base_url(ai_base)
            .api_key(ai_key)
            .build()?
    } else {
        OpenAiProvider::openai(model)
            .base_url(ai_base)
            .api_key(ai_key)
            .build()?
    };

    let audit_path = audit_log_path();
    let checkpoint_key = match var("PHIGUARD_AUDIT_KEY") {
        Some(spec) => CheckpointKey::from_spec(&spec)?,
        None => CheckpointKey::hmac_sha256(random_key())?,
    };
    let audit = Arc::new(open_audit_log(&audit_path, &checkpoint_key)?);
    let gateway = Gateway::builder()
        .registry(VendorRegistry::load(path(
            "PHIGUARD_VENDORS",
            "vendors.toml",
        ))?)
        .policy(policy)
        .purposes(purposes)
        .redactor(Redactor::safe_harbor())
        .audit_shared(audit.clone())
        .provider(service.clone(), provider)
        .build()?;

    let user = var("PHIGUARD_USER_ID").unwrap_or_else(|| "clinician".into());
    Ok(Some(Automation {
        sandbox: None,
        clickup,
        gateway,
        writes,
        audit,
        audit_path,
        checkpoint_key,
        ai_service: service,
        intake_list: list,
        clinician: Principal::new(user.clone()).role("clinician"),
        billing: Principal::new(user).role("billing"),
    }))
}

/// What a task holds that an AI call may use, each piece still PHI.
pub struct TaskFacts {
    /// The task id.
    pub id: TaskId,
    /// Free-text fields by the names the purposes table uses.
    pub fields: BTreeMap<&'static str, Phi<String>>,
    /// Labelled identifier fields that no purpose needs (MRN, phone, date
    /// of birth): they are never sent, but text that repeats them must be
    /// redacted, so they are declared to the redaction session.
    pub identifiers: Vec<Phi<String>>,
    /// Custom fields the labelling schema declares free of PHI (visit
    /// type, billing status), by field name, drop-downs as option names.
    pub plain: BTreeMap<String, String>,
}

/// Text of a custom field value, kept sealed.
fn field_text(value: &Phi<FieldValue>) -> Option<Phi<String>> {
    let text = match value.expose_phi() {
        FieldValue::Text(s) | FieldValue::Email(s) | FieldValue::Phone(s) | FieldValue::Url(s) => {
            s.clone()
        }
        FieldValue::Date(at) => at
            .to_datetime()
            .map(|d| format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day()))?,
        FieldValue::Number(n) => n.to_string(),
        _ => return None,
    };
    Some(Phi::new(text, value.category()))
}

/// Free text as PHI: sealed text stays sealed, plain text (from a place
/// the schema declares free of PHI) is sealed as a clinical note so it can
/// go through the gateway like the rest.
fn sealed(text: &FreeText) -> Phi<String> {
    match text.as_phi() {
        Some(phi) => phi.clone(),
        None => Phi::new(
            text.as_plain().unwrap_or_default().to_string(),
            PhiCategory::ClinicalNote,
        ),
    }
}

/// Reads a task, its labelled fields and its comment thread.
pub async fn read_task(clickup: &ClickUpClient, id: &TaskId) -> AnyResult<TaskFacts> {
    let task: Task = clickup.task(id, &GetTaskOptions::default()).await?;
    let mut fields = BTreeMap::new();
    fields.insert("task_name", sealed(&task.name));
    if let Some(description) = task.text_content.as_ref().or(task.description.as_ref()) {
        fields.insert("description", sealed(description));
    }

    // The thread, oldest first, as one text.
    let mut comments: Vec<_> = clickup.task_comments(id).try_collect().await?;
    comments.reverse();
    if !comments.is_empty() {
        let mut thread = String::new();
        for comment in &comments {
            let text = sealed(&comment.comment_text);
            thread.push_str("- ");
            thread.push_str(text.expose_phi());
            thread.push('\n');
        }
        fields.insert("comments", Phi::new(thread, PhiCategory::ClinicalNote));
    }

    let mut identifiers = Vec::new();
    let mut plain = BTreeMap::new();
    for field in &task.custom_fields {
        if let (Some(name), Some(value)) = (&field.name, field.plain_value()) {
            let text = match value {
                FieldValue::DropDown { orderindex, .. } => field
                    .type_config
                    .option_at(*orderindex)
                    .and_then(|o| o.name.clone()),
                FieldValue::Text(s) => Some(s.clone()),
                _ => None,
            };
            if let Some(text) = text {
                plain.insert(name.clone(), text);
            }
        }
        let Some(value) = field.phi_value().and_then(field_text) else {
            continue;
        };
        match value.category() {
            PhiCategory::Name => {
                fields.insert("patient_name", value);
            }
            PhiCategory::Diagnosis => {
                fields.insert("diagnosis", value);
            }
            category if category.is_identifier() => identifiers.push(value),
            _ => {}
        }
    }
    Ok(TaskFacts {
        id: task.id.clone(),
        fields,
        identifiers,
        plain,
    })
}

/// The ids of the tasks of a list, in order.
pub async fn list_tasks(clickup: &ClickUpClient, list: &str) -> AnyResult<Vec<TaskId>> {
    let tasks: Vec<Task> = clickup
        .tasks(&list.into(), &TaskQuery::new())
        .try_collect()
        .await?;
    Ok(tasks
        .into_iter()
        .filter(|t| t.parent.is_none())
        .map(|t| t.id)
        .collect())
}

/// Collects the ClickUp client's reports of writes that carried PHI, so
/// that each can be recorded in the audit log with the agreement the client
/// itself cleared it under.
#[derive(Debug, Default)]
pub struct WriteReports(std::sync::Mutex<Vec<PhiWrite>>);

impl PhiWriteObserver for WriteReports {
    fn record(&self, write: &PhiWrite) {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(write.clone());
    }
}

impl WriteReports {
    fn take(&self) -> Vec<PhiWrite> {
        std::mem::take(&mut *self.0.lock().unwrap_or_else(|e| e.into_inner()))
    }
}

/// Records the ClickUp writes reported since the last call in the audit
/// log: who, where, what kinds of data, under which agreement, and how
/// each went.
pub async fn audit_clickup_writes(
    automation: &Automation,
    principal: &Principal,
    task: &TaskId,
) -> AnyResult<()> {
    let url = automation.clickup.base_url();
    let host = match url.port() {
        Some(port) => format!("{}:{port}", url.host_str().unwrap_or_default()),
        None => url.host_str().unwrap_or_default().to_string(),
    };
    let role = principal.roles().first().cloned().unwrap_or_default();
    for write in automation.writes.take() {
        let mut data = DataSummary::new();
        for category in write.categories.iter() {
            data = data.category(category, 1);
        }
        let basis = match (write.baa_id, write.baa_version) {
            (Some(id), Some(version)) => Basis::new(id, version),
            _ => Basis::default(),
        };
        let outcome = match write.outcome {
            PhiWriteOutcome::Delivered => Outcome::Success,
            PhiWriteOutcome::Refused { reason } => Outcome::refused([reason]),
            _ => Outcome::failed("unconfirmed"),
        };
        let event = AuditEvent::new(
            Actor::new(principal.user_id(), role.clone()),
            Action::ClickUpWrite,
        )
        .time(write.at)
        .purpose("store_phi")
        .target(Target::new("clickup", "clickup-api-v2", host.clone()))
        .data(data)
        .basis(basis)
        .outcome(outcome)
        .correlation("task", task.as_str());
        automation.audit.append(event).await?;
    }
    Ok(())
}

/// What one summarized task produced.
pub struct Summarized {
    /// The task.
    pub task: TaskId,
    /// The comment written back.
    pub comment: Option<String>,
    /// Identifiers replaced before the call, per category.
    pub redactions: BTreeMap<PhiCategory, u64>,
}

/// Summarizes one task with AI as `principal`, and writes the answer back
/// to the task as a comment labelled as an AI draft.
pub async fn summarize_task(
    automation: &Automation,
    principal: &Principal,
    task: &TaskId,
) -> AnyResult<Summarized> {
    let facts = read_task(&automation.clickup, task).await?;

    // One redaction session per patient: the same value always gets the
    // same token, and the answer's tokens are restored from its vault.
    let mut session = RedactionSession::new();
    for identifier in &facts.identifiers {
        session.add_known(identifier);
    }

    let mut request = AiRequest::new()
        .service(automation.ai_service.clone())
        .instructions(
            "Summarize this patient's intake task and its thread for the care team in \
             three sentences. Refer to people and dates exactly as they are written.",
        )
        .correlation("task", task.as_str());
    for (name, value) in facts.fields {
        request = request.field(name, value);
    }

    let draft = automation
        .gateway
        .complete(principal, "summarize", request, &mut session)
        .await?;
    let redactions = draft.redactions().clone();

    // The answer, restored locally, goes back to ClickUp as a labelled
    // draft. A person reviews it there; accepting it here only means the
    // automation takes it as its output.
    let answer = draft.accept();
    let body = answer.map(|text| format!("{AI_DRAFT_LABEL}\n\n{text}"));
    let written = automation
        .clickup
        .create_task_comment(task, NewComment::new(body))
        .await;
    audit_clickup_writes(automation, principal, task).await?;
    let created = written?;

    Ok(Summarized {
        task: task.clone(),
        comment: created.id.map(|id| id.as_str().to_string()),
        redactions,
    })
}

/// Verifies the automation's audit log with its checkpoint key.
pub async fn verify_audit(automation: &Automation) -> AnyResult<VerifyReport> {
    automation.audit.close().await?;
    let files = audit_files(&automation.audit_path)?;
    let options = VerifyOptions::new().key(automation.checkpoint_key.verify_key());
    Ok(phiguard::audit::verify(&files, &options)?)
}

/// The files of a log, in order: rotated segments (`audit.000001.jsonl`
/// beside `audit.jsonl`), then the active file.
pub fn audit_files(path: &Path) -> AnyResult<Vec<PathBuf>> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let stem = path
        .file_stem()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    let ext = path
        .extension()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    let mut rotated: Vec<(u64, PathBuf)> = std::fs::read_dir(dir)?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter_map(|p| {
            let name = p.file_name()?.to_str()?;
            let digits = name.strip_prefix(stem)?.strip_prefix('.')?;
            let digits = digits.strip_suffix(ext)?.strip_suffix('.')?;
            Some((digits.parse().ok()?, p.clone()))
        })
        .collect();
    rotated.sort();
    let mut rotated: Vec<PathBuf> = rotated.into_iter().map(|(_, p)| p).collect();
    rotated.push(path.to_path_buf());
    Ok(rotated)
}

/// Counts the audit events per action, for a summary.
pub fn audit_summary(path: &Path) -> AnyResult<BTreeMap<String, usize>> {
    let mut counts = BTreeMap::new();
    for file in audit_files(path)? {
        for line in std::fs::read_to_string(file)?.lines() {
            let Ok(record) = serde_json::from_str::<serde_json::Value>(line) else {
                continue;
            };
            if let Some(action) = record.pointer("/event/action").and_then(|a| a.as_str()) {
                *counts.entry(action.to_string()).or_insert(0) += 1;
            }
        }
    }
    Ok(counts)
}

/// The distinct vault tokens (`[[NAME_7F3K]]`) in a text, in order of first
/// appearance.
pub fn vault_tokens(text: &str) -> Vec<String> {
    let mut tokens: Vec<String> = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("[[") {
        let after = &rest[start..];
        let Some(end) = after.find("]]") else { break };
        let token = &after[..end + 2];
        let inner = &token[2..token.len() - 2];
        if !inner.is_empty()
            && inner.len() <= 40
            && inner
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
            && !tokens.iter().any(|t| t == token)
        {
            tokens.push(token.to_string());
        }
        rest = &after[end + 2..];
    }
    tokens
}

/// Asks AI, as `principal` (billing staff), for billing-code suggestions
/// for one task. The whole task is handed over as context; minimum
/// necessary keeps only the non-clinical fields the purpose declares and
/// drops the rest before anything else happens.
pub async fn suggest_billing_codes(
    automation: &Automation,
    principal: &Principal,
    task: &TaskId,
) -> AnyResult<Phi<String>> {
    let facts = read_task(&automation.clickup, task).await?;
    let mut session = RedactionSession::new();
    for identifier in &facts.identifiers {
        session.add_known(identifier);
    }

    let mut request = AiRequest::new()
        .service(automation.ai_service.clone())
        .instructions(
            "Suggest CPT evaluation-and-management codes for this visit, with one line of \
             reasoning each, for billing staff to review.",
        )
        .correlation("task", task.as_str());
    for (field, value) in &facts.plain {
        let name = match field.to_ascii_lowercase().as_str() {
            "visit type" => "visit_type",
            "billing status" => "billing_notes",
            _ => continue,
        };
        request = request.field(name, Phi::new(value.clone(), PhiCategory::Billing));
    }
    for (name, value) in facts.fields {
        request = request.context(name, value);
    }

    let draft = automation
        .gateway
        .complete(principal, "billing_code_suggestion", request, &mut session)
        .await?;
    Ok(draft.accept())
}

/// A refused call: the purpose or the vendor is not allowed. Returns the
/// gateway's error (safe to print) so the caller can show it.
pub async fn attempt(
    automation: &Automation,
    principal: &Principal,
    purpose: &str,
    service: &str,
    task: &TaskId,
) -> AnyResult<Result<(), phiguard::ai::GatewayError>> {
    let facts = read_task(&automation.clickup, task).await?;
    let mut session = RedactionSession::new();
    let mut request = AiRequest::new()
        .service(service)
        .instructions("Give the final diagnosis for this patient.")
        .correlation("task", task.as_str());
    for (name, value) in facts.fields {
        request = request.context(name, value);
    }
    Ok(automation
        .gateway
        .complete(principal, purpose, request, &mut session)
        .await
        .map(|_| ()))
}
