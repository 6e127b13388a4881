//! The sample registry in `examples/config/vendors.toml` loads, clears
//! what it should and refuses what it should.

use phiguard_phi::{CategorySet, PhiCategory};
use phiguard_vendors::{ClearanceRequest, RefusalReason, VendorRegistry};
use time::OffsetDateTime;
use time::macros::datetime;

const SAMPLE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../examples/config/vendors.toml"
);

const AT: OffsetDateTime = datetime!(2027-06-01 12:00 UTC);

fn sample() -> VendorRegistry {
    VendorRegistry::load(SAMPLE).expect("the sample registry loads")
}

fn request(service: &str, purpose: &str, categories: CategorySet) -> ClearanceRequest {
    ClearanceRequest::new(service, purpose, categories, AT)
}

#[test]
fn sample_declares_the_documented_services() {
    let registry = sample();
    let ids: Vec<&str> = registry.services().iter().map(|s| s.id()).collect();
    assert_eq!(
        ids,
        [
            "clickup-api-v2",
            "azure-openai-chat",
            "aws-bedrock",
            "openai-api",
            "anthropic-messages",
            "mistral-chat",
        ]
    );
    for purpose in [
        "summarize",
        "draft",
        "billing_code_suggestion",
        "diagnosis",
        "store_phi",
    ] {
        assert!(registry.purpose(purpose).is_some(), "{purpose}");
    }
}

#[test]
fn clickup_is_cleared_to_store_every_category() {
    let registry = sample();
    let clearance = registry
        .clear(&request("clickup-api-v2", "store_phi", CategorySet::all()))
        .unwrap();
    assert_eq!(clearance.permit().sink(), "clickup-api-v2");
    assert_eq!(clearance.permit().categories(), CategorySet::all());
    assert_eq!(clearance.vendor_id(), "clickup");
    assert_eq!(clearance.baa_id(), "clickup-baa");
    assert_eq!(clearance.baa_version(), "2025-06");

    // Storing is exempt from the retention limit; summarizing is not, and
    // ClickUp's agreement does not permit it either.
    let refusal = registry
        .clear(&request("clickup-api-v2", "summarize", CategorySet::all()))
        .unwrap_err();
    assert_eq!(
        refusal.reasons(),
        [
            RefusalReason::PurposeNotCovered,
            RefusalReason::RetentionTooLong {
                retention_days: None,
                max_days: 30
            },
        ]
    );
}

#[test]
fn ai_services_clear_their_purposes_and_never_diagnosis() {
    let registry = sample();
    let both = CategorySet::identifiers().union(CategorySet::clinical());
    let clinical = CategorySet::clinical();
    for (service, categories) in [
        ("azure-openai-chat", both),
        ("anthropic-messages", both),
        ("aws-bedrock", clinical),
        ("openai-api", clinical),
    ] {
        for purpose in ["summarize", "draft", "billing_code_suggestion"] {
            let clearance = registry
                .clear(&request(service, purpose, categories))
                .unwrap_or_else(|refusal| panic!("{refusal}"));
            assert_eq!(clearance.permit().sink(), service);
        }
        let refusal = registry
            .clear(&request(service, "diagnosis", categories))
            .unwrap_err();
        assert_eq!(refusal.reasons(), [RefusalReason::PurposeNotCovered]);
    }
}

#[test]
fn identifiers_are_refused_where_only_clinical_content_is_covered() {
    let registry = sample();
    let names = CategorySet::from(PhiCategory::Name);
    for service in ["aws-bedrock", "openai-api"] {
        let refusal = registry
            .clear(&request(service, "summarize", names))
            .unwrap_err();
        assert_eq!(
            refusal.reasons(),
            [RefusalReason::CategoryNotCovered { categories: names }]
        );
    }
}

#[test]
fn mistral_is_refused_for_lack_of_a_baa() {
    let registry = sample();
    let notes = CategorySet::from(PhiCategory::ClinicalNote);
    let refusal = registry
        .clear(&request("mistral-chat", "summarize", notes))
        .unwrap_err();
    // No agreement, and its only region is not one the sample allows.
    assert_eq!(
        refusal.reasons(),
        [
            RefusalReason::NoBaa,
            RefusalReason::RegionNotAllowed {
                region: "eu".into()
            },
        ]
    );
    let text = refusal.to_string();
    assert!(text.contains("mistral-chat"), "{text}");
    assert!(text.contains("no business associate agreement"), "{text}");
}

#[test]
fn sample_hosts_map_to_their_services() {
    let registry = sample();
    for (url, service) in [
        ("https://api.clickup.com/api/v2/task/abc", "clickup-api-v2"),
        (
            "https://phiguard-sample.openai.azure.com/openai/deployments/x/chat/completions",
            "azure-openai-chat",
        ),
        (
            "https://bedrock-runtime.us-east-1.amazonaws.com/model/x/invoke",
            "aws-bedrock",
        ),
        ("https://api.openai.com/v1/chat/completions", "openai-api"),
        (
            "https://api.anthropic.com/v1/messages",
            "anthropic-messages",
        ),
        ("https://api.mistral.ai/v1/chat/completions", "mistral-chat"),
    ] {
        let url = url::Url::parse(url).unwrap();
        assert_eq!(
            registry.service_for_url(&url).map(|s| s.id()),
            Some(service)
        );
    }
}

#[test]
fn sample_has_no_warnings_until_reviews_fall_due() {
    let registry = sample();
    let now = datetime!(2026-12-15 00:00 UTC);
    assert_eq!(registry.warnings(now, registry.expiry_warning_days()), []);
    // Reviews fall due in 2027, so a year later they are overdue.
    let later = datetime!(2028-06-01 00:00 UTC);
    assert!(!registry.warnings(later, 0).is_empty());
}

/// Every decision the registry makes over a grid of requests: which
/// (service, purpose, categories, feature) combinations it clears.
fn granted(registry: &VendorRegistry) -> Vec<String> {
    let services = [
        "clickup-api-v2",
        "azure-openai-chat",
        "aws-bedrock",
        "openai-api",
        "anthropic-messages",
        "mistral-chat",
    ];
    let purposes = [
        "summarize",
        "draft",
        "billing_code_suggestion",
        "diagnosis",
        "store_phi",
    ];
    let category_sets = [
        CategorySet::identifiers(),
        CategorySet::clinical(),
        CategorySet::all(),
    ];
    let features = [
        None,
        Some("web_search"),
        Some("image_input"),
        Some("stored_responses"),
        Some("clickup_brain"),
    ];
    let mut granted = Vec::new();
    for service in services {
        for purpose in purposes {
            for categories in category_sets {
                for feature in features {
                    let mut request = request(service, purpose, categories);
                    if let Some(feature) = feature {
                        request = request.feature(feature);
                    }
                    if registry.clear(&request).is_ok() {
                        granted.push(format!("{service} {purpose} {categories:?} {feature:?}"));
                    }
                }
            }
        }
    }
    granted
}

#[test]
fn a_truncated_sample_never_clears_more_than_the_whole_file() {
    let text = std::fs::read_to_string(SAMPLE).unwrap();
    let full = granted(&VendorRegistry::from_toml_str(&text).unwrap());
    assert!(full.len() > 10, "{full:?}");

    // Every line boundary, and a spread of cuts inside lines.
    let mut cuts: Vec<usize> = text.match_indices('\n').map(|(i, _)| i + 1).collect();
    cuts.extend((0..text.len()).step_by(29));
    let mut loaded = 0;
    for cut in cuts {
        let Some(prefix) = text.get(..cut) else {
            continue;
        };
        if let Ok(registry) = VendorRegistry::from_toml_str(prefix) {
            loaded += 1;
            for grant in granted(&registry) {
                assert!(
                    full.contains(&grant),
                    "cut at byte {cut} grants {grant}, which the whole file refuses"
                );
            }
        }
    }
    // Many cuts still load (between tables), so the check above ran.
    assert!(loaded > 20, "{loaded}");
}
