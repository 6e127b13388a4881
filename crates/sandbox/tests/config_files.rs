//! The sandbox's generated vendor registry loads in `phiguard-vendors`
//! and clears what the examples need; the labelling schema has the shape
//! of the sample one and names the seeded workspace.

mod common;

use common::start_default;
use phiguard_phi::{CategorySet, PhiCategory};
use phiguard_sandbox::{AiService, CLINICAL_FIELD_LABELS};
use phiguard_vendors::{ClearanceRequest, RefusalReason, VendorRegistry};
use time::OffsetDateTime;

#[tokio::test]
async fn the_registry_names_every_fake_and_clears_by_agreement() {
    let sandbox = start_default().await;
    let registry =
        VendorRegistry::from_toml_str(&sandbox.registry_toml()).expect("the registry loads");

    let clickup = url::Url::parse(&format!("{}/v2/team", sandbox.clickup_base_url())).unwrap();
    assert_eq!(
        registry.service_for_url(&clickup).map(|s| s.id()),
        Some("clickup-api-v2")
    );
    for service in AiService::ALL {
        let url = sandbox.ai_base_url(service);
        assert_eq!(
            registry.service_for_url(&url).map(|s| s.id()),
            Some(service.service_id()),
            "{service:?}"
        );
        assert_eq!(
            registry
                .service_for_host(&sandbox.ai_host(service))
                .map(|s| s.id()),
            Some(service.service_id())
        );
    }
    // Another port on the same address belongs to no service.
    assert!(registry.service_for_host("127.0.0.1:1").is_none());

    let now = OffsetDateTime::now_utc();
    let everything = CategorySet::identifiers().union(CategorySet::clinical());
    let azure = registry
        .clear(
            &ClearanceRequest::new("azure-openai-chat", "summarize", everything, now)
                .region("eastus"),
        )
        .expect("Azure is cleared to summarize");
    assert_eq!(azure.permit().sink(), "azure-openai-chat");
    registry
        .clear(&ClearanceRequest::new(
            "anthropic-messages",
            "summarize",
            everything,
            now,
        ))
        .expect("Anthropic is cleared to summarize");
    registry
        .clear(&ClearanceRequest::new(
            "clickup-api-v2",
            "store_phi",
            CategorySet::all(),
            now,
        ))
        .expect("ClickUp is cleared to store PHI");

    let no_baa = registry
        .clear(&ClearanceRequest::new(
            "mistral-chat",
            "summarize",
            everything,
            now,
        ))
        .expect_err("Mistral has no agreement");
    assert!(no_baa.has(&RefusalReason::NoBaa), "{no_baa}");
    let diagnosis = registry
        .clear(&ClearanceRequest::new(
            "azure-openai-chat",
            "diagnosis",
            everything,
            now,
        ))
        .expect_err("no agreement permits diagnosis");
    assert!(
        diagnosis.has(&RefusalReason::PurposeNotCovered),
        "{diagnosis}"
    );
    let names = CategorySet::from_iter([PhiCategory::Name]);
    let openai = registry
        .clear(&ClearanceRequest::new(
            "openai-api",
            "summarize",
            names,
            now,
        ))
        .expect_err("the OpenAI agreement covers clinical content only");
    assert!(!openai.reasons().is_empty());
}

fn keys(table: &toml::Table) -> Vec<String> {
    let mut k: Vec<String> = table.keys().cloned().collect();
    k.sort();
    k
}

#[tokio::test]
async fn the_labels_have_the_sample_shape_and_name_the_workspace() {
    let sandbox = start_default().await;
    let ws = sandbox.workspace();
    let ours: toml::Table = sandbox.labels_toml().parse().expect("labels are TOML");
    let sample_path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/config/labels.toml"
    );
    let sample: toml::Table = std::fs::read_to_string(sample_path)
        .unwrap()
        .parse()
        .unwrap();

    assert_eq!(
        keys(&ours),
        keys(&sample),
        "same top-level keys as the sample"
    );
    let entries = |t: &toml::Table, key: &str| -> Vec<toml::Table> {
        t[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_table().unwrap().clone())
            .collect()
    };
    let sample_place_keys = keys(&entries(&sample, "place")[0]);
    let sample_field_keys = keys(&entries(&sample, "field")[0]);
    let places = entries(&ours, "place");
    assert!(places.iter().all(|p| keys(p) == sample_place_keys));
    let sample_tag_keys = keys(&entries(&sample, "tag")[0]);
    let tags = entries(&ours, "tag");
    assert!(tags.iter().all(|t| keys(t) == sample_tag_keys));
    assert_eq!(
        tags[0]["name"].as_str(),
        Some(phiguard_sandbox::PATIENT_TAG)
    );
    assert!(
        entries(&ours, "field")
            .iter()
            .all(|f| keys(f) == sample_field_keys)
    );
    assert_eq!(ours["unlisted_places"].as_str(), Some("phi"), "fail closed");

    let phi_of = |id: &str| {
        places
            .iter()
            .find(|p| p["id"].as_str() == Some(id))
            .and_then(|p| p["phi"].as_bool())
    };
    assert_eq!(phi_of(&ws.clinical_space.id), Some(true));
    assert_eq!(phi_of(&ws.operations_space.id), Some(false));

    let fields = entries(&ours, "field");
    for label in CLINICAL_FIELD_LABELS {
        let declared = fields
            .iter()
            .find(|f| f["name"].as_str() == Some(label.name));
        match label.category {
            Some(category) => {
                assert_eq!(
                    declared.and_then(|f| f["category"].as_str()),
                    Some(category.name())
                )
            }
            None => assert!(declared.is_none(), "{} is not PHI", label.name),
        }
    }
}
