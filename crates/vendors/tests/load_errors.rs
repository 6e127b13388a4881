//! Every way a registry file can fail to load, and what the error says.

mod common;

use common::{Fixture, SHA};
use phiguard_vendors::{BaaStatus, IssueKind, LoadError, Position, VendorRegistry};
use time::macros::date;

fn load(text: &str) -> LoadError {
    match VendorRegistry::from_toml_str(text) {
        Ok(_) => panic!("expected a load error for:\n{text}"),
        Err(error) => error,
    }
}

/// The one semantic issue of `fixture`: (vendor, field, kind).
fn single_issue(fixture: &Fixture) -> (Option<String>, String, IssueKind) {
    let error = load(&fixture.toml());
    let issues = error.issues();
    assert_eq!(issues.len(), 1, "{error}");
    let issue = &issues[0];
    (
        issue.vendor().map(str::to_owned),
        issue.field().to_owned(),
        issue.kind().clone(),
    )
}

fn acme(field: &str, kind: IssueKind) -> (Option<String>, String, IssueKind) {
    (Some("acme".to_owned()), field.to_owned(), kind)
}

/// The position of a syntax error, and its message.
fn syntax(text: &str) -> (Position, String) {
    match load(text) {
        LoadError::Syntax {
            position: Some(position),
            message,
        } => (position, message),
        other => panic!("expected a positioned syntax error, got {other:?}"),
    }
}

/// The 1-based line of the first occurrence of `needle` in the fixture.
fn line_of(text: &str, needle: &str) -> usize {
    text.lines()
        .position(|l| l.contains(needle))
        .expect("needle in text")
        + 1
}

#[test]
fn unreadable_file() {
    let path = std::env::temp_dir().join("phiguard-vendors-no-such-registry.toml");
    let error = VendorRegistry::load(&path).unwrap_err();
    assert!(matches!(error, LoadError::Read { .. }), "{error:?}");
    let text = error.to_string();
    assert!(text.starts_with("cannot read vendor registry "), "{text}");
    assert!(text.contains("phiguard-vendors-no-such-registry.toml"));
    // The OS error is the source, not repeated in the message.
    let source = std::error::Error::source(&error).expect("a source");
    assert!(!text.contains(&source.to_string()));
}

#[test]
fn not_toml_at_line_and_column() {
    let text = Fixture::default()
        .toml()
        .replace("max_retention_days = 30", "max_retention_days = ");
    let (position, _) = syntax(&text);
    assert_eq!(position.line, line_of(&text, "max_retention_days"));
    assert_eq!(position.column, "max_retention_days = ".len() + 1);

    let error = load(&text);
    assert_eq!(error.position(), Some(position));
    let shown = error.to_string();
    assert!(
        shown.starts_with(&format!(
            "vendor registry syntax error at line {}, column {}: ",
            position.line, position.column
        )),
        "{shown}"
    );
}

#[test]
fn misspelled_field_is_an_error_not_a_default() {
    let fixture = Fixture {
        handling: "retention_dayz = 0\ntrains_on_customer_data = false\n".into(),
        ..Fixture::default()
    };
    let text = fixture.toml();
    let (position, message) = syntax(&text);
    assert_eq!(position.line, line_of(&text, "retention_dayz"));
    assert_eq!(position.column, 1);
    assert!(message.contains("retention_dayz"), "{message}");

    let top = format!("{}\n[registri]\nx = 1\n", Fixture::default().toml());
    let (position, message) = syntax(&top);
    assert_eq!(position.line, line_of(&top, "[registri]"));
    assert!(message.contains("registri"), "{message}");
}

#[test]
fn wrong_types_and_values() {
    for (from, to, needle) in [
        (
            "max_retention_days = 30",
            "max_retention_days = \"thirty\"",
            "\"thirty\"",
        ),
        ("max_retention_days = 30", "max_retention_days = -1", "= -1"),
        ("time_zone = \"UTC\"", "time_zone = \"EST\"", "\"EST\""),
        (
            "time_zone = \"UTC\"",
            "time_zone = \"America/Nowhere\"",
            "Nowhere",
        ),
        ("status = \"signed\"", "status = \"singed\"", "\"singed\""),
        (
            "effective_on = 2026-02-01",
            "effective_on = 2026-02-01T00:00:00Z",
            "2026-02-01T",
        ),
        (
            "effective_on = 2026-02-01",
            "effective_on = \"2026-02-01\"",
            "\"2026-02-01\"",
        ),
        (
            "effective_on = 2026-02-01",
            "effective_on = 2026-02-30",
            "2026-02-30",
        ),
    ] {
        let text = Fixture::default().toml().replacen(from, to, 1);
        assert_ne!(text, Fixture::default().toml(), "{from}");
        let (position, message) = syntax(&text);
        let line = line_of(&text, needle);
        assert_eq!(position.line, line, "{to}: {message}");
        let column = text.lines().nth(line - 1).unwrap().find(" = ").unwrap() + 4;
        assert_eq!(position.column, column, "{to}: {message}");
    }
}

#[test]
fn missing_required_table_or_field() {
    let text = Fixture::default()
        .toml()
        .replace("[registry]\n", "[registryy]\n");
    assert!(matches!(load(&text), LoadError::Syntax { .. }));

    let text = Fixture::default()
        .toml()
        .replace("trains_on_customer_data = false\n", "");
    let error = load(&text);
    assert!(matches!(error, LoadError::Syntax { .. }), "{error:?}");
    assert!(
        error.to_string().contains("trains_on_customer_data"),
        "{error}"
    );
}

#[test]
fn utc_offset_is_read_as_the_time_zone() {
    let text = Fixture::default()
        .toml()
        .replace("time_zone = \"UTC\"", "utc_offset = \"+02:00\"");
    let registry = VendorRegistry::from_toml_str(&text).unwrap();
    assert_eq!(registry.time_zone(), "+02:00");
    // Both at once is ambiguous.
    let both = Fixture::default().toml().replace(
        "time_zone = \"UTC\"",
        "time_zone = \"UTC\"\nutc_offset = \"UTC\"",
    );
    assert!(matches!(load(&both), LoadError::Syntax { .. }));
}

#[test]
fn column_counts_characters_not_bytes() {
    let text = Fixture::default()
        .toml()
        .replace("name = \"Acme AI\"", "name = \"Äcmé ÄÏ\" oops");
    let (position, _) = syntax(&text);
    assert_eq!(position.line, line_of(&text, "oops"));
    assert_eq!(position.column, "name = \"Äcmé ÄÏ\" ".chars().count() + 1);
}

#[test]
fn expiry_before_effective() {
    let fixture = Fixture::default().baa_with("expires_on = 2027-01-31", "expires_on = 2026-01-31");
    assert_eq!(
        single_issue(&fixture),
        acme(
            "baa[acme-baa].expires_on",
            IssueKind::ExpiryBeforeEffective {
                effective_on: date!(2026 - 02 - 01),
                expires_on: date!(2026 - 01 - 31),
            }
        )
    );
    let shown = load(&fixture.toml()).to_string();
    assert_eq!(
        shown,
        "vendor registry is invalid: vendor `acme`, field `baa[acme-baa].expires_on`: \
         expiry date 2026-01-31 is before the effective date 2026-02-01"
    );
}

#[test]
fn unknown_category_and_purpose() {
    let fixture = Fixture::default().baa_with(
        "permitted_categories = [\"clinical\", \"name\"]",
        "permitted_categories = [\"clinical\", \"names\"]",
    );
    assert_eq!(
        single_issue(&fixture),
        acme(
            "baa[acme-baa].permitted_categories",
            IssueKind::UnknownCategory {
                name: "names".into()
            }
        )
    );

    let fixture = Fixture::default().baa_with(
        "permitted_purposes = [\"summarize\", \"store\"]",
        "permitted_purposes = [\"summarize\", \"research\"]",
    );
    assert_eq!(
        single_issue(&fixture),
        acme(
            "baa[acme-baa].permitted_purposes",
            IssueKind::UnknownPurpose {
                name: "research".into()
            }
        )
    );
}

#[test]
fn duplicate_ids() {
    let second_vendor = Fixture {
        extra: "\n[[vendor]]\nid = \"acme\"\nname = \"Acme again\"\n".into(),
        ..Fixture::default()
    };
    assert_eq!(
        single_issue(&second_vendor),
        acme("id", IssueKind::Duplicate { id: "acme".into() })
    );

    let second_service = Fixture {
        extra: "\n[[vendor]]\nid = \"other\"\nname = \"Other\"\n\
                [[vendor.service]]\nid = \"acme-chat\"\nname = \"Copy\"\n\
                hosts = [\"api.other.example\"]\nregions = [\"us\"]\n\
                data_handling = { retention_days = 0, trains_on_customer_data = false }\n"
            .into(),
        ..Fixture::default()
    };
    assert_eq!(
        single_issue(&second_service),
        (
            Some("other".into()),
            "service[acme-chat].id".into(),
            IssueKind::Duplicate {
                id: "acme-chat".into()
            }
        )
    );

    let second_baa = Fixture {
        extra: "\n[[vendor.baa]]\nid = \"acme-baa\"\nstatus = \"requested\"\n".into(),
        ..Fixture::default()
    };
    assert_eq!(
        single_issue(&second_baa),
        acme(
            "baa[acme-baa].id",
            IssueKind::Duplicate {
                id: "acme-baa".into()
            }
        )
    );
}

#[test]
fn covered_services_must_be_the_vendors_own_and_covered_once() {
    let fixture = Fixture::default().baa_with(
        "covered_services = [\"acme-chat\"]",
        "covered_services = [\"acme-chat\", \"acme-embed\"]",
    );
    assert_eq!(
        single_issue(&fixture),
        acme(
            "baa[acme-baa].covered_services",
            IssueKind::UnknownService {
                id: "acme-embed".into()
            }
        )
    );

    let twice = Fixture {
        extra: "\n[[vendor.baa]]\nid = \"acme-baa-2\"\nstatus = \"requested\"\n\
                covered_services = [\"acme-chat\"]\n"
            .into(),
        ..Fixture::default()
    };
    assert_eq!(
        single_issue(&twice),
        acme(
            "baa[acme-baa-2].covered_services",
            IssueKind::ServiceCoveredTwice {
                service: "acme-chat".into(),
                other_baa: "acme-baa".into()
            }
        )
    );
}

#[test]
fn service_without_hosts_or_regions() {
    let empty = Fixture::default()
        .toml()
        .replace("hosts = [\"api.acme.example\"]", "hosts = []");
    let missing = Fixture::default()
        .toml()
        .replace("hosts = [\"api.acme.example\"]\n", "");
    for text in [empty, missing] {
        let error = load(&text);
        assert_eq!(error.issues().len(), 1, "{error}");
        assert_eq!(error.issues()[0].vendor(), Some("acme"));
        assert_eq!(error.issues()[0].field(), "service[acme-chat].hosts");
        assert_eq!(error.issues()[0].kind(), &IssueKind::ServiceWithoutHosts);
    }

    let fixture = Fixture {
        regions: "[]",
        ..Fixture::default()
    };
    assert_eq!(
        single_issue(&fixture),
        acme(
            "service[acme-chat].regions",
            IssueKind::ServiceWithoutRegions
        )
    );
}

#[test]
fn invalid_hosts() {
    for host in [
        "https://api.acme.example",
        "api.acme.example/v1",
        "api.acme.example:99999",
        "user@api.acme.example",
        "",
    ] {
        let text = Fixture::default().toml().replace(
            "hosts = [\"api.acme.example\"]",
            &format!("hosts = [\"{host}\"]"),
        );
        let error = load(&text);
        assert_eq!(
            error.issues()[0].kind(),
            &IssueKind::InvalidHost { host: host.into() },
            "{error}"
        );
    }
}

fn second_service(host: &str) -> Fixture {
    Fixture {
        extra: format!(
            "\n[[vendor]]\nid = \"other\"\nname = \"Other\"\n\
             [[vendor.service]]\nid = \"other-chat\"\nname = \"Other chat\"\n\
             hosts = [\"{host}\"]\nregions = [\"us\"]\n\
             data_handling = {{ retention_days = 0, trains_on_customer_data = false }}\n"
        ),
        ..Fixture::default()
    }
}

#[test]
fn a_host_declared_by_two_services() {
    for host in ["api.acme.example", "API.Acme.Example"] {
        assert_eq!(
            single_issue(&second_service(host)),
            (
                Some("other".into()),
                "service[other-chat].hosts".into(),
                IssueKind::HostDeclaredTwice {
                    host: "api.acme.example".into(),
                    other_service: "acme-chat".into()
                }
            )
        );
    }
    // Any port on one service and one port on another overlap too.
    assert_eq!(
        single_issue(&second_service("api.acme.example:8443")),
        (
            Some("other".into()),
            "service[other-chat].hosts".into(),
            IssueKind::HostDeclaredTwice {
                host: "api.acme.example:8443".into(),
                other_service: "acme-chat".into()
            }
        )
    );
    // Distinct ports on one address are distinct services.
    let two_ports = Fixture {
        extra: second_service("127.0.0.1:41001").extra,
        ..Fixture::default()
    };
    let text = two_ports.toml().replace(
        "hosts = [\"api.acme.example\"]",
        "hosts = [\"127.0.0.1:41000\"]",
    );
    assert!(VendorRegistry::from_toml_str(&text).is_ok());
}

#[test]
fn dates_out_of_order_in_an_evaluation() {
    let fixture = Fixture {
        evaluation: "reviewer = \"Compliance\"\nreviewed_on = 2026-01-05\n\
                     next_review_due = 2025-01-05\n"
            .into(),
        ..Fixture::default()
    };
    assert_eq!(
        single_issue(&fixture),
        acme(
            "evaluation.next_review_due",
            IssueKind::ReviewDueBeforeReview {
                reviewed_on: date!(2026 - 01 - 05),
                next_review_due: date!(2025 - 01 - 05)
            }
        )
    );
}

#[test]
fn signed_agreement_needs_its_paperwork() {
    let fixture = Fixture::default().baa_with(&format!("document_sha256 = \"{SHA}\"\n"), "");
    assert_eq!(
        single_issue(&fixture),
        acme(
            "baa[acme-baa].document_sha256",
            IssueKind::RequiredForStatus {
                status: BaaStatus::Signed
            }
        )
    );
    let fixture = Fixture::default().baa_with(&SHA[..10], "zz");
    assert_eq!(
        single_issue(&fixture),
        acme("baa[acme-baa].document_sha256", IssueKind::InvalidSha256)
    );
}

#[test]
fn retention_must_be_given_one_way() {
    for handling in [
        "trains_on_customer_data = false\n",
        "retention_days = 0\ncustomer_controlled_retention = true\n\
         trains_on_customer_data = false\n",
    ] {
        let fixture = Fixture {
            handling: handling.into(),
            ..Fixture::default()
        };
        assert_eq!(
            single_issue(&fixture),
            acme(
                "service[acme-chat].data_handling.retention_days",
                IssueKind::RetentionAmbiguous
            )
        );
    }
}

#[test]
fn breach_notice_over_sixty_days() {
    let with = |days: u32| Fixture {
        handling: format!(
            "retention_days = 0\ntrains_on_customer_data = false\nbreach_notice_days = {days}\n"
        ),
        ..Fixture::default()
    };
    assert!(VendorRegistry::from_toml_str(&with(60).toml()).is_ok());
    assert_eq!(
        single_issue(&with(61)),
        acme(
            "service[acme-chat].data_handling.breach_notice_days",
            IssueKind::BreachNoticeTooLong { days: 61 }
        )
    );
}

#[test]
fn names_must_be_plain_and_lists_non_empty() {
    let text = Fixture::default()
        .toml()
        .replace("id = \"acme\"", "id = \"Acme Corp\"");
    let error = load(&text);
    let issue = &error.issues()[0];
    assert_eq!(issue.field(), "id");
    assert_eq!(
        issue.kind(),
        &IssueKind::InvalidName {
            name: "Acme Corp".into()
        }
    );

    let fixture = Fixture {
        allowed_regions: "[]",
        ..Fixture::default()
    };
    assert_eq!(
        single_issue(&fixture),
        (None, "registry.allowed_regions".into(), IssueKind::Empty)
    );
    let shown = load(&fixture.toml()).to_string();
    assert_eq!(
        shown,
        "vendor registry is invalid: field `registry.allowed_regions`: must not be empty"
    );
}

#[test]
fn every_issue_is_reported_at_once() {
    let fixture = Fixture {
        regions: "[]",
        handling: "retention_days = 0\ntrains_on_customer_data = false\nbreach_notice_days = 90\n"
            .into(),
        ..Fixture::default()
    }
    .baa_with("expires_on = 2027-01-31", "expires_on = 2020-01-01")
    .baa_with("\"clinical\", \"name\"", "\"clinicall\"");
    let error = load(&fixture.toml());
    let kinds: Vec<&IssueKind> = error.issues().iter().map(|i| i.kind()).collect();
    assert_eq!(kinds.len(), 4, "{error}");
    assert!(matches!(kinds[0], IssueKind::ServiceWithoutRegions));
    assert!(matches!(kinds[1], IssueKind::BreachNoticeTooLong { .. }));
    assert!(matches!(kinds[2], IssueKind::ExpiryBeforeEffective { .. }));
    assert!(matches!(kinds[3], IssueKind::UnknownCategory { .. }));
    let shown = error.to_string();
    assert_eq!(shown.matches("vendor `acme`").count(), 4, "{shown}");
}
