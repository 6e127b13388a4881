//! Clearance decisions: each refusal reason, all of them together, and the
//! instants an agreement starts and stops being in force.

mod common;

use common::{Fixture, IN_FORCE, clinical, request};
use phiguard_phi::{CategorySet, Phi, PhiCategory, egress};
use phiguard_vendors::{ClearanceRequest, RefusalReason};
use time::macros::{date, datetime};

fn reasons(fixture: &Fixture, request: &ClearanceRequest) -> Vec<RefusalReason> {
    match fixture.registry().clear(request) {
        Ok(clearance) => panic!("expected a refusal, got {clearance:?}"),
        Err(refusal) => refusal.reasons().to_vec(),
    }
}

#[test]
fn granted_clearance_describes_itself() {
    let registry = Fixture::default().registry();
    let categories: CategorySet = [PhiCategory::Name, PhiCategory::Diagnosis]
        .into_iter()
        .collect();
    let request =
        ClearanceRequest::new("acme-chat", "summarize", categories, IN_FORCE).region("US");
    let clearance = registry.clear(&request).unwrap();

    assert_eq!(clearance.service_id(), "acme-chat");
    assert_eq!(clearance.vendor_id(), "acme");
    assert_eq!(clearance.baa_id(), "acme-baa");
    assert_eq!(clearance.baa_version(), "v3");
    assert_eq!(clearance.purpose(), "summarize");
    assert_eq!(clearance.region(), Some("us"));
    assert_eq!(clearance.granted_for(), IN_FORCE);
    // Minimum necessary: the permit covers what was asked for, not all the
    // agreement permits.
    assert_eq!(clearance.categories(), categories);
    assert_eq!(clearance.permit().categories(), categories);
    assert_eq!(clearance.permit().sink(), "acme-chat");
    assert!(!clearance.permit().covers(PhiCategory::Medication));
}

#[test]
fn the_permit_lets_exactly_the_cleared_categories_out() {
    #[derive(serde::Serialize)]
    struct Body {
        note: Phi<String>,
    }
    #[derive(serde::Serialize)]
    struct Wider {
        note: Phi<String>,
        patient: Phi<String>,
    }

    let registry = Fixture::default().registry();
    let clearance = registry.clear(&request(IN_FORCE)).unwrap();
    let note = || Phi::new("planted-note-7731".to_owned(), PhiCategory::ClinicalNote);

    let bytes = egress::to_json_vec(clearance.permit(), &Body { note: note() }).unwrap();
    assert!(
        String::from_utf8(bytes)
            .unwrap()
            .contains("planted-note-7731")
    );

    // A name was not asked for, though the agreement permits names.
    let wider = Wider {
        note: note(),
        patient: Phi::new("Planted Patientname".to_owned(), PhiCategory::Name),
    };
    let error = egress::to_json_vec(clearance.permit(), &wider).unwrap_err();
    let shown = format!("{error} {error:?}");
    assert!(
        shown.contains("name") && shown.contains("acme-chat"),
        "{shown}"
    );
    assert!(!shown.contains("Planted Patientname") && !shown.contains("planted-note"));
}

#[test]
fn unknown_service_and_purpose() {
    let fixture = Fixture::default();
    let unknown_service = ClearanceRequest::new("acme-chatt", "summarize", clinical(), IN_FORCE);
    assert_eq!(
        reasons(&fixture, &unknown_service),
        [RefusalReason::UnknownService]
    );

    let unknown_purpose = ClearanceRequest::new("acme-chat", "research", clinical(), IN_FORCE);
    assert_eq!(
        reasons(&fixture, &unknown_purpose),
        [RefusalReason::UnknownPurpose]
    );

    let both = ClearanceRequest::new("nope", "research", clinical(), IN_FORCE);
    assert_eq!(
        reasons(&fixture, &both),
        [RefusalReason::UnknownService, RefusalReason::UnknownPurpose]
    );
}

#[test]
fn no_baa_record_at_all() {
    let fixture = Fixture {
        baa: String::new(),
        ..Fixture::default()
    };
    assert_eq!(
        reasons(&fixture, &request(IN_FORCE)),
        [RefusalReason::NoBaa]
    );
}

#[test]
fn baa_status_none_requested_terminated_expired() {
    let none = Fixture {
        baa: "id = \"acme-baa\"\nstatus = \"none\"\ncovered_services = [\"acme-chat\"]\n".into(),
        ..Fixture::default()
    };
    assert_eq!(reasons(&none, &request(IN_FORCE)), [RefusalReason::NoBaa]);

    let requested = Fixture::default().baa_with("status = \"signed\"", "status = \"requested\"");
    assert_eq!(
        reasons(&requested, &request(IN_FORCE)),
        [RefusalReason::BaaPending]
    );

    let terminated = Fixture::default().baa_with("status = \"signed\"", "status = \"terminated\"");
    assert_eq!(
        reasons(&terminated, &request(IN_FORCE)),
        [RefusalReason::Terminated]
    );

    // Marked expired by the office, even though the dates still run.
    let expired = Fixture::default().baa_with("status = \"signed\"", "status = \"expired\"");
    assert_eq!(
        reasons(&expired, &request(IN_FORCE)),
        [RefusalReason::Expired {
            last_day: Some(date!(2027 - 01 - 31))
        }]
    );
}

#[test]
fn takes_effect_at_the_first_instant_of_the_effective_date_utc() {
    let registry = Fixture::default().registry();
    let before = datetime!(2026-01-31 23:59:59.999_999_999 UTC);
    let refusal = registry.clear(&request(before)).unwrap_err();
    assert_eq!(
        refusal.reasons(),
        [RefusalReason::NotYetEffective {
            effective_on: date!(2026 - 02 - 01)
        }]
    );
    assert!(
        registry
            .clear(&request(datetime!(2026-02-01 00:00 UTC)))
            .is_ok()
    );
}

#[test]
fn in_force_through_the_whole_expiry_date_utc() {
    let registry = Fixture::default().registry();
    let last_instant = datetime!(2027-01-31 23:59:59.999_999_999 UTC);
    assert!(registry.clear(&request(last_instant)).is_ok());
    let refusal = registry
        .clear(&request(datetime!(2027-02-01 00:00 UTC)))
        .unwrap_err();
    assert_eq!(
        refusal.reasons(),
        [RefusalReason::Expired {
            last_day: Some(date!(2027 - 01 - 31))
        }]
    );
}

#[test]
fn boundaries_follow_the_registry_offset_west_of_utc() {
    let registry = Fixture {
        zone: "-05:00",
        ..Fixture::default()
    }
    .registry();
    assert_eq!(registry.time_zone(), "-05:00");

    // Midnight at -05:00 is 05:00 UTC.
    assert!(
        registry
            .clear(&request(datetime!(2026-02-01 04:59:59 UTC)))
            .is_err()
    );
    assert!(
        registry
            .clear(&request(datetime!(2026-02-01 05:00 UTC)))
            .is_ok()
    );
    // The same instant written in the registry's own offset.
    assert!(
        registry
            .clear(&request(datetime!(2026-02-01 00:00 -5)))
            .is_ok()
    );
    assert!(
        registry
            .clear(&request(datetime!(2026-01-31 23:59:59 -5)))
            .is_err()
    );

    // The agreement still runs at 04:59 UTC on 1 February: it is the 31st
    // of January in New York winter time.
    assert!(
        registry
            .clear(&request(datetime!(2027-02-01 04:59:59 UTC)))
            .is_ok()
    );
    assert!(
        registry
            .clear(&request(datetime!(2027-02-01 05:00 UTC)))
            .is_err()
    );
}

#[test]
fn boundaries_follow_the_registry_offset_east_of_utc() {
    let registry = Fixture {
        zone: "+05:30",
        ..Fixture::default()
    }
    .registry();
    // Midnight at +05:30 is 18:30 UTC the day before.
    assert!(
        registry
            .clear(&request(datetime!(2026-01-31 18:29:59 UTC)))
            .is_err()
    );
    assert!(
        registry
            .clear(&request(datetime!(2026-01-31 18:30 UTC)))
            .is_ok()
    );
    assert!(
        registry
            .clear(&request(datetime!(2027-01-31 18:29:59 UTC)))
            .is_ok()
    );
    assert!(
        registry
            .clear(&request(datetime!(2027-01-31 18:30 UTC)))
            .is_err()
    );
}

#[test]
fn boundaries_follow_daylight_saving_time_in_a_named_zone() {
    // Effective in New York winter (UTC-5), last day in summer (UTC-4).
    let registry = Fixture {
        zone: "America/New_York",
        ..Fixture::default()
    }
    .baa_with("expires_on = 2027-01-31", "expires_on = 2026-07-31")
    .registry();
    assert_eq!(registry.time_zone(), "America/New_York");
    let baa = registry.baa("acme-baa").unwrap();
    assert_eq!(
        registry.in_force_from(baa),
        Some(datetime!(2026-02-01 05:00 UTC))
    );
    assert_eq!(
        registry.in_force_until(baa),
        Some(datetime!(2026-08-01 04:00 UTC))
    );

    let at = |instant| registry.clear(&request(instant));
    assert!(at(datetime!(2026-02-01 04:59:59.999_999_999 UTC)).is_err());
    assert!(at(datetime!(2026-02-01 05:00 UTC)).is_ok());
    assert!(at(datetime!(2026-08-01 03:59:59.999_999_999 UTC)).is_ok());
    let refusal = at(datetime!(2026-08-01 04:00 UTC)).unwrap_err();
    assert_eq!(
        refusal.reasons(),
        [RefusalReason::Expired {
            last_day: Some(date!(2026 - 07 - 31))
        }]
    );
}

#[test]
fn one_day_agreement() {
    let registry = Fixture::default()
        .baa_with("expires_on = 2027-01-31", "expires_on = 2026-02-01")
        .registry();
    assert!(
        registry
            .clear(&request(datetime!(2026-02-01 00:00 UTC)))
            .is_ok()
    );
    assert!(
        registry
            .clear(&request(datetime!(2026-02-01 23:59:59 UTC)))
            .is_ok()
    );
    assert!(
        registry
            .clear(&request(datetime!(2026-02-02 00:00 UTC)))
            .is_err()
    );
}

#[test]
fn agreement_without_fixed_term_runs_until_terminated() {
    let registry = Fixture::default()
        .baa_with("expires_on = 2027-01-31\n", "")
        .registry();
    assert!(
        registry
            .clear(&request(datetime!(2099-12-31 12:00 UTC)))
            .is_ok()
    );
}

#[test]
fn purpose_not_covered() {
    let fixture = Fixture::default();
    let draft = ClearanceRequest::new("acme-chat", "draft", clinical(), IN_FORCE);
    assert_eq!(
        reasons(&fixture, &draft),
        [RefusalReason::PurposeNotCovered]
    );
}

#[test]
fn category_not_covered_names_only_the_uncovered_ones() {
    let fixture = Fixture::default();
    let asked: CategorySet = [PhiCategory::Name, PhiCategory::Ssn, PhiCategory::Diagnosis]
        .into_iter()
        .chain([PhiCategory::Unclassified])
        .collect();
    let request = ClearanceRequest::new("acme-chat", "summarize", asked, IN_FORCE);
    let uncovered: CategorySet = [PhiCategory::Ssn, PhiCategory::Unclassified]
        .into_iter()
        .collect();
    assert_eq!(
        reasons(&fixture, &request),
        [RefusalReason::CategoryNotCovered {
            categories: uncovered
        }]
    );
}

#[test]
fn regions() {
    let fixture = Fixture::default();

    let eu = request(IN_FORCE).region("eu");
    assert_eq!(
        reasons(&fixture, &eu),
        [
            RefusalReason::RegionNotOffered {
                region: "eu".into()
            },
            RefusalReason::RegionNotAllowed {
                region: "eu".into()
            },
        ]
    );

    // Allowed by the registry, but the service does not run there.
    let eastus = request(IN_FORCE).region("eastus");
    assert_eq!(
        reasons(&fixture, &eastus),
        [RefusalReason::RegionNotOffered {
            region: "eastus".into()
        }]
    );

    // A service that also runs in the EU: fine when pinned to the US,
    // refused when the region is left open.
    let two = Fixture {
        regions: r#"["us", "EU"]"#,
        ..Fixture::default()
    };
    assert!(
        two.registry()
            .clear(&request(IN_FORCE).region("us"))
            .is_ok()
    );
    assert_eq!(
        reasons(&two, &request(IN_FORCE)),
        [RefusalReason::RegionNotAllowed {
            region: "eu".into()
        }]
    );
}

#[test]
fn trains_on_customer_data() {
    let fixture = Fixture {
        handling: "retention_days = 0\ntrains_on_customer_data = true\n".into(),
        ..Fixture::default()
    };
    assert_eq!(
        reasons(&fixture, &request(IN_FORCE)),
        [RefusalReason::TrainsOnCustomerData]
    );
}

#[test]
fn retention_limit_and_its_boundary() {
    let at_limit = Fixture {
        handling: "retention_days = 30\ntrains_on_customer_data = false\n".into(),
        ..Fixture::default()
    };
    assert!(at_limit.registry().clear(&request(IN_FORCE)).is_ok());

    let over = Fixture {
        handling: "retention_days = 31\ntrains_on_customer_data = false\n".into(),
        ..Fixture::default()
    };
    assert_eq!(
        reasons(&over, &request(IN_FORCE)),
        [RefusalReason::RetentionTooLong {
            retention_days: Some(31),
            max_days: 30
        }]
    );

    let kept = Fixture {
        handling: "customer_controlled_retention = true\ntrains_on_customer_data = false\n".into(),
        ..Fixture::default()
    };
    assert_eq!(
        reasons(&kept, &request(IN_FORCE)),
        [RefusalReason::RetentionTooLong {
            retention_days: None,
            max_days: 30
        }]
    );
    // Storing is the point of a storing purpose: no limit.
    let store = ClearanceRequest::new("acme-chat", "store", clinical(), IN_FORCE);
    assert!(kept.registry().clear(&store).is_ok());
    assert!(over.registry().clear(&store).is_ok());
}

#[test]
fn excluded_feature() {
    let fixture = Fixture::default();
    assert!(
        fixture
            .registry()
            .clear(&request(IN_FORCE).feature("vision"))
            .is_ok()
    );
    for written in ["web_search", "Web_Search"] {
        assert_eq!(
            reasons(&fixture, &request(IN_FORCE).feature(written)),
            [RefusalReason::FeatureExcluded {
                feature: "web_search".into()
            }]
        );
    }
}

#[test]
fn required_configuration_not_confirmed() {
    let fixture = Fixture {
        confirmed: r#"["store_false"]"#,
        ..Fixture::default()
    };
    assert_eq!(
        reasons(&fixture, &request(IN_FORCE)),
        [RefusalReason::ConfigurationNotConfirmed {
            missing: vec!["zero_data_retention".into()]
        }]
    );
}

#[test]
fn every_reason_is_collected_not_only_the_first() {
    let fixture = Fixture {
        regions: r#"["eu"]"#,
        confirmed: "[]",
        handling: "retention_days = 365\ntrains_on_customer_data = true\n".into(),
        ..Fixture::default()
    };
    let request = ClearanceRequest::new(
        "acme-chat",
        "draft",
        [PhiCategory::Ssn, PhiCategory::Medication]
            .into_iter()
            .collect(),
        datetime!(2027-03-01 00:00 UTC),
    )
    .region("eu")
    .feature("web_search");
    let ssn = CategorySet::from(PhiCategory::Ssn);
    assert_eq!(
        reasons(&fixture, &request),
        [
            RefusalReason::Expired {
                last_day: Some(date!(2027 - 01 - 31))
            },
            RefusalReason::PurposeNotCovered,
            RefusalReason::CategoryNotCovered { categories: ssn },
            RefusalReason::FeatureExcluded {
                feature: "web_search".into()
            },
            RefusalReason::ConfigurationNotConfirmed {
                missing: vec!["zero_data_retention".into()]
            },
            RefusalReason::RegionNotAllowed {
                region: "eu".into()
            },
            RefusalReason::TrainsOnCustomerData,
            RefusalReason::RetentionTooLong {
                retention_days: Some(365),
                max_days: 30
            },
        ]
    );

    // Not yet effective is reported alongside the terms too.
    let early = ClearanceRequest::new(
        "acme-chat",
        "draft",
        clinical(),
        IN_FORCE.replace_year(2025).unwrap(),
    );
    let got = reasons(&Fixture::default(), &early);
    assert_eq!(
        got,
        [
            RefusalReason::NotYetEffective {
                effective_on: date!(2026 - 02 - 01)
            },
            RefusalReason::PurposeNotCovered,
        ]
    );
}

#[test]
fn refusal_display_lists_every_reason() {
    let fixture = Fixture {
        handling: "retention_days = 90\ntrains_on_customer_data = true\n".into(),
        ..Fixture::default()
    };
    let asked = CategorySet::from(PhiCategory::Ssn);
    let request = ClearanceRequest::new("acme-chat", "draft", asked, IN_FORCE);
    let refusal = fixture.registry().clear(&request).unwrap_err();
    let text = refusal.to_string();
    assert_eq!(
        text,
        "clearance refused for service `acme-chat`, purpose `draft`: \
         the business associate agreement does not permit this purpose; \
         the business associate agreement does not permit PHI of categories ssn; \
         the vendor trains models on customer data; \
         the vendor keeps data 90 days, over the registry's limit of 30 days"
    );
    assert!(refusal.has(&RefusalReason::TrainsOnCustomerData));
    let error: Box<dyn std::error::Error> = Box::new(refusal);
    assert!(error.source().is_none());
}
