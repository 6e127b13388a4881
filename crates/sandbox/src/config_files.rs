//! The sandbox's own vendor registry and PHI labelling schema, written at
//! run time because the registry names the fake servers' ports.

use std::fmt::Write as _;

use crate::workspace::{CLINICAL_FIELD_LABELS, PATIENT_TAG, SeededWorkspace};

/// The ports the fake services listen on (all on 127.0.0.1).
pub(crate) struct Ports {
    pub(crate) clickup: u16,
    pub(crate) azure_openai: u16,
    pub(crate) anthropic: u16,
    pub(crate) openai: u16,
    pub(crate) mistral: u16,
}

/// A vendor registry in the format of `phiguard-vendors` that declares the
/// fake services, each on its own `127.0.0.1:port` host.
///
/// ClickUp, Azure OpenAI, OpenAI and Anthropic have signed agreements
/// (fictional, like everything in the sandbox); Mistral has none, so that
/// the refusal path can be shown.
pub(crate) fn registry_toml(ports: &Ports) -> String {
    let mut out = String::new();
    let _ = write!(
        out,
        r#"# Vendor registry of the phiguard sandbox: fake services on 127.0.0.1.
# Every agreement below is fictional and exists for tests and examples.

[registry]
utc_offset = "UTC"
max_retention_days = 30
allowed_regions = ["us", "eastus"]
expiry_warning_days = 90

[purposes.summarize]
description = "Summarize a task thread or a set of notes for the care team"

[purposes.draft]
description = "Draft a reply, a letter or a task update for a person to review"

[purposes.billing_code_suggestion]
description = "Suggest billing codes for a person to review"

[purposes.diagnosis]
description = "Suggest a diagnosis (no agreement below permits this)"

[purposes.store_phi]
description = "Write PHI into ClickUp, the system of record"
stores_data = true

[[vendor]]
id = "clickup"
name = "ClickUp (sandbox)"

[[vendor.service]]
id = "clickup-api-v2"
name = "ClickUp API v2 (sandbox)"
surface = "api"
hosts = ["127.0.0.1:{clickup}"]
regions = ["us"]

[vendor.service.data_handling]
customer_controlled_retention = true
deletion_on_request = true
trains_on_customer_data = false

[[vendor.baa]]
id = "sandbox-clickup-baa"
status = "signed"
version = "sandbox-1"
document_sha256 = "fcc377900aaca265dec69f079d75dc696f58b948df491e3147c474d3d29a8bb1"
document_location = "sandbox:/agreements/sandbox-clickup-baa.pdf"
signed_on = 2025-01-01
effective_on = 2025-01-01
expires_on = 2035-12-31
covered_services = ["clickup-api-v2"]
permitted_purposes = ["store_phi"]
permitted_categories = ["all"]

[[vendor]]
id = "microsoft"
name = "Azure OpenAI (sandbox)"

[[vendor.service]]
id = "azure-openai-chat"
name = "Azure OpenAI chat completions (sandbox)"
surface = "cloud_platform"
hosts = ["127.0.0.1:{azure}"]
regions = ["eastus"]

[vendor.service.data_handling]
retention_days = 0
deletion_on_request = true
trains_on_customer_data = false

[[vendor.baa]]
id = "sandbox-microsoft-baa"
status = "signed"
version = "sandbox-1"
document_sha256 = "8def5c645d23c3046fb1555e18c16f649a99f15a515d74a3a073f06b3a4e3695"
document_location = "sandbox:/agreements/sandbox-microsoft-baa.pdf"
signed_on = 2025-01-01
effective_on = 2025-01-01
expires_on = 2035-12-31
covered_services = ["azure-openai-chat"]
permitted_purposes = ["summarize", "draft", "billing_code_suggestion"]
permitted_categories = ["identifiers", "clinical"]

[[vendor]]
id = "openai"
name = "OpenAI (sandbox)"

[[vendor.service]]
id = "openai-api"
name = "OpenAI API (sandbox)"
surface = "api"
hosts = ["127.0.0.1:{openai}"]
regions = ["us"]

[vendor.service.data_handling]
retention_days = 0
deletion_on_request = true
trains_on_customer_data = false

[[vendor.baa]]
id = "sandbox-openai-baa"
status = "signed"
version = "sandbox-1"
document_sha256 = "a7620009f1d5edbea18892b4586b64525f54f10ce21c409914b3d237b14319d2"
document_location = "sandbox:/agreements/sandbox-openai-baa.pdf"
signed_on = 2025-01-01
effective_on = 2025-01-01
expires_on = 2035-12-31
covered_services = ["openai-api"]
permitted_purposes = ["summarize", "draft", "billing_code_suggestion"]
permitted_categories = ["clinical"]

[[vendor]]
id = "anthropic"
name = "Anthropic (sandbox)"

[[vendor.service]]
id = "anthropic-messages"
name = "Anthropic Messages API (sandbox)"
surface = "api"
hosts = ["127.0.0.1:{anthropic}"]
regions = ["us"]

[vendor.service.data_handling]
retention_days = 0
deletion_on_request = true
trains_on_customer_data = false

[[vendor.baa]]
id = "sandbox-anthropic-baa"
status = "signed"
version = "sandbox-1"
document_sha256 = "891cadb922d57f4d87a4383c2e3e2935b09902436947944164e97554adbf3749"
document_location = "sandbox:/agreements/sandbox-anthropic-baa.pdf"
signed_on = 2025-01-01
effective_on = 2025-01-01
expires_on = 2035-12-31
covered_services = ["anthropic-messages"]
permitted_purposes = ["summarize", "draft", "billing_code_suggestion"]
permitted_categories = ["identifiers", "clinical"]

# No business associate agreement: PHI to this service must be refused.
[[vendor]]
id = "mistral"
name = "Mistral AI (sandbox)"

[[vendor.service]]
id = "mistral-chat"
name = "Mistral chat completions (sandbox)"
surface = "api"
hosts = ["127.0.0.1:{mistral}"]
regions = ["us"]

[vendor.service.data_handling]
retention_days = 30
trains_on_customer_data = false

[[vendor.baa]]
id = "sandbox-mistral-none"
status = "none"
covered_services = ["mistral-chat"]
notes = "No agreement offered."
"#,
        clickup = ports.clickup,
        azure = ports.azure_openai,
        openai = ports.openai,
        anthropic = ports.anthropic,
        mistral = ports.mistral,
    );
    out
}

/// A labelling schema in the format of `phiguard-clickup` for the seeded
/// workspace: the Clinical space holds PHI, Operations does not, anything
/// else is treated as PHI, and the Clinical custom fields carry their
/// categories.
pub(crate) fn labels_toml(ws: &SeededWorkspace) -> String {
    let mut out = String::from(
        "# PHI labelling schema of the phiguard sandbox workspace.\n\
         # Generated from the seeded workspace; ids depend on the seed.\n\n\
         unlisted_places = \"phi\"\n\
         text_category = \"clinical_note\"\n\n",
    );
    for (id, phi, note) in [
        (
            &ws.clinical_space.id,
            true,
            "Clinical: intake, referrals, care plans, nurse line",
        ),
        (
            &ws.operations_space.id,
            false,
            "Operations: facilities and front desk, no patient data",
        ),
    ] {
        let _ = write!(
            out,
            "[[place]]\nkind = \"space\"\nid = \"{id}\"\nphi = {phi}\nnote = \"{note}\"\n\n"
        );
    }
    let _ = write!(
        out,
        "[[tag]]\nname = \"{PATIENT_TAG}\"\nnote = \"Every task about a named patient\"\n\n"
    );
    for label in CLINICAL_FIELD_LABELS {
        if let Some(category) = label.category {
            let _ = write!(
                out,
                "[[field]]\nname = \"{}\"\ncategory = \"{}\"\n\n",
                label.name,
                category.name()
            );
        }
    }
    out
}
