//! Who may use AI for what: a Cedar policy, validated against the
//! gateway's schema when it is loaded.

use std::collections::{BTreeSet, HashSet};
use std::path::Path;
use std::str::FromStr;

use cedar_policy::{
    Authorizer, Context, Decision, Entities, Entity, EntityId, EntityTypeName, EntityUid, PolicyId,
    PolicySet, Request, RestrictedExpression, Schema, ValidationMode, Validator,
};
use phiguard_phi::CategorySet;

use crate::ConfigError;

/// The Cedar schema every policy is validated against (entity types
/// `User`, `Group`, `AiService`, `AiConfiguration`; actions `use_ai` and
/// `change_ai_configuration`).
pub const SCHEMA: &str = include_str!("schema.cedarschema");

/// The person (or automation acting for one) making a call.
///
/// Roles map to Cedar groups: a principal with role `clinician` is
/// `User::"<id>"` in `Group::"clinician"`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    user_id: String,
    roles: Vec<String>,
    automation: Option<String>,
}

impl Principal {
    /// A person, by a stable identifier (not a shared service account).
    pub fn new(user_id: impl Into<String>) -> Self {
        Principal {
            user_id: user_id.into(),
            roles: Vec::new(),
            automation: None,
        }
    }

    /// Adds a role (a Cedar group).
    pub fn role(mut self, role: impl Into<String>) -> Self {
        self.roles.push(role.into());
        self
    }

    /// Marks the call as made by an automation on the person's behalf.
    pub fn automation(mut self, name: impl Into<String>) -> Self {
        self.automation = Some(name.into());
        self
    }

    /// The person's identifier.
    pub fn user_id(&self) -> &str {
        &self.user_id
    }

    /// The roles.
    pub fn roles(&self) -> &[String] {
        &self.roles
    }

    /// The automation, if one acts for the person.
    pub fn automation_name(&self) -> Option<&str> {
        self.automation.as_deref()
    }
}

/// What the AI configuration change is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConfigurationItem {
    /// The vendor registry.
    Registry,
    /// The role and purpose policy.
    Policy,
    /// The minimum-necessary purposes table.
    Purposes,
}

impl ConfigurationItem {
    /// The Cedar resource id (`registry`, `policy`, `purposes`).
    pub fn as_str(self) -> &'static str {
        match self {
            ConfigurationItem::Registry => "registry",
            ConfigurationItem::Policy => "policy",
            ConfigurationItem::Purposes => "purposes",
        }
    }
}

/// The outcome of one authorization.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyDecision {
    allowed: bool,
    policy_ids: Vec<String>,
}

impl PolicyDecision {
    /// Whether the call is allowed.
    pub fn is_allowed(&self) -> bool {
        self.allowed
    }

    /// The `@id`s of the policies that decided, sorted. Empty for a
    /// default deny (no policy permitted the call).
    pub fn policy_ids(&self) -> &[String] {
        &self.policy_ids
    }
}

/// Why a decision could not be made. The gateway treats it as a refusal.
///
/// The message is Cedar's, about entities, attributes and types; requests
/// hold no PHI (purpose, category names, user and service ids), so
/// neither does it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the policy could not be evaluated: {0}")]
pub struct EvaluationError(String);

/// A loaded, validated role and purpose policy.
///
/// ```
/// use phiguard_ai::{AiPolicy, Principal};
/// use phiguard_phi::{CategorySet, PhiCategory};
///
/// let policy = AiPolicy::from_cedar(r#"
///     @id("clinicians-summarize")
///     permit (principal in Group::"clinician", action == Action::"use_ai", resource)
///     when { context.purpose == "summarize" };
/// "#).unwrap();
///
/// let nurse = Principal::new("u-17").role("clinician");
/// let notes: CategorySet = [PhiCategory::ClinicalNote].into_iter().collect();
/// let decision = policy.authorize_ai(&nurse, "summarize", notes, "azure-openai-chat").unwrap();
/// assert!(decision.is_allowed());
/// assert_eq!(decision.policy_ids(), ["clinicians-summarize"]);
/// ```
pub struct AiPolicy {
    policies: PolicySet,
    schema: Schema,
    authorizer: Authorizer,
    ids: Vec<String>,
}

impl std::fmt::Debug for AiPolicy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AiPolicy")
            .field("policy_ids", &self.ids)
            .finish_non_exhaustive()
    }
}

fn type_name(name: &str) -> EntityTypeName {
    // The names are this module's own constants and always parse.
    EntityTypeName::from_str(name).unwrap_or_else(|_| unreachable!("entity type {name}"))
}

fn uid(kind: &str, id: &str) -> EntityUid {
    EntityUid::from_type_name_and_id(type_name(kind), EntityId::new(id))
}

impl AiPolicy {
    /// Parses and validates Cedar policy text.
    ///
    /// Every policy must carry a unique `@id("...")` annotation: the id is
    /// what decisions and the audit trail name. Templates are not
    /// accepted.
    ///
    /// # Errors
    ///
    /// [`ConfigError::PolicySyntax`], [`ConfigError::PolicyInvalid`] (the
    /// schema disagrees: a misspelt attribute, a wrong type), or
    /// [`ConfigError::PolicyId`].
    pub fn from_cedar(text: &str) -> Result<Self, ConfigError> {
        let parsed = PolicySet::from_str(text).map_err(|e| ConfigError::PolicySyntax {
            message: first_line(&e.to_string()),
        })?;
        if parsed.templates().next().is_some() {
            return Err(ConfigError::PolicyInvalid {
                message: "templates are not supported".into(),
            });
        }

        let mut policies = PolicySet::new();
        let mut ids = Vec::new();
        for policy in parsed.policies() {
            let Some(id) = policy.annotation("id").filter(|id| !id.trim().is_empty()) else {
                return Err(ConfigError::PolicyId {
                    what: "without @id".into(),
                });
            };
            let id = id.to_owned();
            if ids.contains(&id) {
                return Err(ConfigError::PolicyId {
                    what: format!("duplicate @id \"{id}\""),
                });
            }
            policies
                .add(policy.new_id(PolicyId::new(&id)))
                .map_err(|e| ConfigError::PolicyInvalid {
                    message: first_line(&e.to_string()),
                })?;
            ids.push(id);
        }

        let (schema, _warnings) =
            Schema::from_cedarschema_str(SCHEMA).map_err(|e| ConfigError::PolicyInvalid {
                message: first_line(&e.to_string()),
            })?;
        let validation = Validator::new(schema.clone()).validate(&policies, ValidationMode::Strict);
        if let Some(error) = validation.validation_errors().next() {
            return Err(ConfigError::PolicyInvalid {
                message: first_line(&error.to_string()),
            });
        }

        Ok(AiPolicy {
            policies,
            schema,
            authorizer: Authorizer::new(),
            ids,
        })
    }

    /// Reads and loads a policy file.
    ///
    /// # Errors
    ///
    /// [`ConfigError::Read`], or what [`AiPolicy::from_cedar`] returns.
    pub fn load(path: impl AsRef<Path>) -> Result<Self, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            what: "the policy file",
            source,
        })?;
        AiPolicy::from_cedar(&text)
    }

    /// The `@id`s of every policy, in file order.
    pub fn policy_ids(&self) -> &[String] {
        &self.ids
    }

    /// May `principal` send a request carrying `categories` to `service`
    /// for `purpose`?
    ///
    /// # Errors
    ///
    /// [`EvaluationError`] when a policy could not be evaluated
    /// (the gateway then refuses the call: Cedar skips a policy that
    /// errors, and a skipped `forbid` must not turn into an allow).
    pub fn authorize_ai(
        &self,
        principal: &Principal,
        purpose: &str,
        categories: CategorySet,
        service: &str,
    ) -> Result<PolicyDecision, EvaluationError> {
        let names = categories
            .iter()
            .map(|c| RestrictedExpression::new_string(c.name().into()));
        let context = Context::from_pairs([
            (
                "purpose".to_owned(),
                RestrictedExpression::new_string(purpose.to_owned()),
            ),
            (
                "categories".to_owned(),
                RestrictedExpression::new_set(names),
            ),
            (
                "automation".to_owned(),
                RestrictedExpression::new_bool(principal.automation.is_some()),
            ),
        ])
        .map_err(|e| EvaluationError(first_line(&e.to_string())))?;
        self.decide(principal, "use_ai", uid("AiService", service), context)
    }

    /// May `principal` change `item`?
    ///
    /// # Errors
    ///
    /// As [`AiPolicy::authorize_ai`].
    pub fn authorize_change(
        &self,
        principal: &Principal,
        item: ConfigurationItem,
    ) -> Result<PolicyDecision, EvaluationError> {
        let resource = uid("AiConfiguration", item.as_str());
        self.decide(
            principal,
            "change_ai_configuration",
            resource,
            Context::empty(),
        )
    }

    fn decide(
        &self,
        principal: &Principal,
        action: &str,
        resource: EntityUid,
        context: Context,
    ) -> Result<PolicyDecision, EvaluationError> {
        let user = uid("User", &principal.user_id);
        let groups: HashSet<EntityUid> = principal
            .roles
            .iter()
            .map(|role| uid("Group", role))
            .collect();
        let mut entities: Vec<Entity> = groups
            .iter()
            .map(|group| Entity::new_no_attrs(group.clone(), HashSet::new()))
            .collect();
        entities.push(Entity::new_no_attrs(user.clone(), groups));
        entities.push(Entity::new_no_attrs(resource.clone(), HashSet::new()));
        let entities = Entities::from_entities(entities, Some(&self.schema))
            .map_err(|e| EvaluationError(first_line(&e.to_string())))?;

        let request = Request::new(
            user,
            uid("Action", action),
            resource,
            context,
            Some(&self.schema),
        )
        .map_err(|e| EvaluationError(first_line(&e.to_string())))?;
        let response = self
            .authorizer
            .is_authorized(&request, &self.policies, &entities);

        if let Some(error) = response.diagnostics().errors().next() {
            return Err(EvaluationError(first_line(&error.to_string())));
        }
        let policy_ids: BTreeSet<String> = response
            .diagnostics()
            .reason()
            .map(|id| id.to_string())
            .collect();
        Ok(PolicyDecision {
            allowed: response.decision() == Decision::Allow,
            policy_ids: policy_ids.into_iter().collect(),
        })
    }
}

fn first_line(message: &str) -> String {
    message
        .lines()
        .next()
        .unwrap_or("")
        .chars()
        .take(300)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use phiguard_phi::PhiCategory;

    const DEFAULT: &str = include_str!("../../../examples/config/policy.cedar");

    fn set(categories: &[PhiCategory]) -> CategorySet {
        categories.iter().copied().collect()
    }

    #[test]
    fn default_policy_loads_with_named_rules() {
        let policy = AiPolicy::from_cedar(DEFAULT).unwrap();
        assert_eq!(policy.policy_ids().len(), 5);
        assert!(
            policy
                .policy_ids()
                .iter()
                .any(|id| id == "no-ai-final-diagnosis")
        );
    }

    #[test]
    fn default_policy_decisions() {
        let policy = AiPolicy::from_cedar(DEFAULT).unwrap();
        let clinician = Principal::new("dr-1").role("clinician");
        let billing = Principal::new("b-1").role("billing");
        let desk = Principal::new("f-1").role("front_desk");
        let admin = Principal::new("a-1").role("ai_admin");
        let clinical = set(&[PhiCategory::Name, PhiCategory::Diagnosis]);
        let billing_only = set(&[PhiCategory::Name, PhiCategory::Billing]);
        let svc = "azure-openai-chat";

        let summarize = policy
            .authorize_ai(&clinician, "summarize", clinical, svc)
            .unwrap();
        assert!(summarize.is_allowed());
        assert_eq!(summarize.policy_ids(), ["clinicians-summarize-and-draft"]);
        assert!(
            policy
                .authorize_ai(&clinician, "draft", clinical, svc)
                .unwrap()
                .is_allowed()
        );

        let diagnosis = policy
            .authorize_ai(&clinician, "diagnosis", clinical, svc)
            .unwrap();
        assert!(!diagnosis.is_allowed());
        assert_eq!(diagnosis.policy_ids(), ["no-ai-final-diagnosis"]);

        let codes = policy.authorize_ai(&billing, "billing_code_suggestion", billing_only, svc);
        assert!(codes.unwrap().is_allowed());
        let clinical_codes = policy.authorize_ai(&desk, "billing_code_suggestion", clinical, svc);
        let clinical_codes = clinical_codes.unwrap();
        assert!(!clinical_codes.is_allowed());
        assert_eq!(
            clinical_codes.policy_ids(),
            ["non-clinical-staff-no-clinical-content"]
        );

        let summary_by_billing = policy.authorize_ai(&billing, "summarize", billing_only, svc);
        let summary_by_billing = summary_by_billing.unwrap();
        assert!(!summary_by_billing.is_allowed());
        assert!(
            summary_by_billing.policy_ids().is_empty(),
            "default deny names no policy"
        );

        let nobody = Principal::new("x");
        assert!(
            !policy
                .authorize_ai(&nobody, "summarize", clinical, svc)
                .unwrap()
                .is_allowed()
        );

        for item in [ConfigurationItem::Registry, ConfigurationItem::Policy] {
            assert!(policy.authorize_change(&admin, item).unwrap().is_allowed());
            assert!(
                !policy
                    .authorize_change(&clinician, item)
                    .unwrap()
                    .is_allowed()
            );
        }
        assert!(
            !policy
                .authorize_ai(&admin, "summarize", clinical, svc)
                .unwrap()
                .is_allowed()
        );
    }

    #[test]
    fn a_forbid_that_cannot_be_evaluated_refuses_instead_of_allowing() {
        // Cedar skips a policy whose evaluation errors; here that would
        // leave the permit standing. The overflow passes validation.
        let policy = AiPolicy::from_cedar(
            r#"
            @id("clinicians") permit (principal in Group::"clinician", action == Action::"use_ai", resource);
            @id("broken") forbid (principal, action == Action::"use_ai", resource)
            when { 9223372036854775807 + 1 > 0 };
        "#,
        )
        .unwrap();
        let clinician = Principal::new("dr-1").role("clinician");
        let result = policy.authorize_ai(&clinician, "summarize", CategorySet::EMPTY, "svc");
        let error = result.unwrap_err();
        assert!(
            error.to_string().contains("could not be evaluated"),
            "{error}"
        );
    }

    #[test]
    fn load_errors_are_typed() {
        assert!(matches!(
            AiPolicy::from_cedar("permit (principal, action, resource"),
            Err(ConfigError::PolicySyntax { .. })
        ));
        assert!(matches!(
            AiPolicy::from_cedar("permit (principal, action, resource);"),
            Err(ConfigError::PolicyId { .. })
        ));
        let duplicate = r#"
            @id("a") permit (principal, action == Action::"use_ai", resource);
            @id("a") forbid (principal, action == Action::"use_ai", resource);
        "#;
        assert!(matches!(
            AiPolicy::from_cedar(duplicate),
            Err(ConfigError::PolicyId { .. })
        ));
        let misspelt = r#"
            @id("typo") permit (principal, action == Action::"use_ai", resource)
            when { context.purpsoe == "summarize" };
        "#;
        assert!(matches!(
            AiPolicy::from_cedar(misspelt),
            Err(ConfigError::PolicyInvalid { .. })
        ));
    }
}
