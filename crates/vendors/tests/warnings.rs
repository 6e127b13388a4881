//! Warnings: agreements running out, lapsed records, overdue reviews.

mod common;

use common::Fixture;
use phiguard_vendors::Warning;
use time::macros::{date, datetime};

fn expiring(days_left: i64) -> Warning {
    Warning::BaaExpiringSoon {
        vendor_id: "acme".into(),
        baa_id: "acme-baa".into(),
        last_day: date!(2027 - 01 - 31),
        days_left,
    }
}

#[test]
fn nothing_to_say_while_all_is_well() {
    let registry = Fixture::default().registry();
    assert_eq!(registry.warnings(datetime!(2026-06-01 00:00 UTC), 30), []);
    assert_eq!(registry.expiry_warning_days(), 30);
}

#[test]
fn expiring_within_the_window() {
    let registry = Fixture::default().registry();
    // 30 days before the last day: inside a 30-day window, outside 29.
    let at = datetime!(2027-01-01 00:00 UTC);
    assert_eq!(registry.warnings(at, 30), [expiring(30)]);
    assert_eq!(registry.warnings(at, 29), []);
    // On the last day itself the agreement is still in force.
    assert_eq!(
        registry.warnings(datetime!(2027-01-31 23:59 UTC), 30),
        [expiring(0)]
    );
}

#[test]
fn lapsed_while_still_marked_signed() {
    let registry = Fixture::default().registry();
    let warnings = registry.warnings(datetime!(2027-02-01 00:00 UTC), 30);
    assert_eq!(
        warnings,
        [Warning::BaaLapsed {
            vendor_id: "acme".into(),
            baa_id: "acme-baa".into(),
            last_day: date!(2027 - 01 - 31),
        }]
    );
    assert_eq!(
        warnings[0].to_string(),
        "vendor `acme`: agreement `acme-baa` is marked signed but ran out after 2027-01-31"
    );
}

#[test]
fn days_are_counted_in_the_registry_offset() {
    let registry = Fixture {
        zone: "-05:00",
        ..Fixture::default()
    }
    .registry();
    // 04:00 UTC on 1 February is still 31 January at -05:00.
    assert_eq!(
        registry.warnings(datetime!(2027-02-01 04:00 UTC), 30),
        [expiring(0)]
    );
    assert!(matches!(
        registry.warnings(datetime!(2027-02-01 05:00 UTC), 30)[..],
        [Warning::BaaLapsed { .. }]
    ));
}

#[test]
fn days_are_counted_in_a_named_zone() {
    let registry = Fixture {
        zone: "America/Los_Angeles",
        ..Fixture::default()
    }
    .registry();
    // 07:59 UTC on 1 February is still 31 January in Los Angeles (UTC-8).
    assert_eq!(
        registry.warnings(datetime!(2027-02-01 07:59 UTC), 30),
        [expiring(0)]
    );
    assert!(matches!(
        registry.warnings(datetime!(2027-02-01 08:00 UTC), 30)[..],
        [Warning::BaaLapsed { .. }]
    ));
}

#[test]
fn records_not_signed_do_not_warn_about_expiry() {
    let registry = Fixture::default()
        .baa_with("status = \"signed\"", "status = \"expired\"")
        .registry();
    assert_eq!(registry.warnings(datetime!(2027-01-20 00:00 UTC), 30), []);
}

fn due_on_january_5() -> Fixture {
    Fixture {
        evaluation: "reviewer = \"Compliance\"\nreviewed_on = 2026-01-05\n\
                     next_review_due = 2027-01-05\n"
            .into(),
        ..Fixture::default()
    }
}

#[test]
fn overdue_review() {
    let registry = due_on_january_5()
        .baa_with("expires_on = 2027-01-31", "expires_on = 2030-01-31")
        .registry();
    // Due on 5 January 2027: not overdue that day, overdue the next.
    assert_eq!(registry.warnings(datetime!(2027-01-05 23:00 UTC), 30), []);
    let warnings = registry.warnings(datetime!(2027-01-06 00:00 UTC), 30);
    assert_eq!(
        warnings,
        [Warning::ReviewOverdue {
            vendor_id: "acme".into(),
            due: date!(2027 - 01 - 05),
        }]
    );
    assert_eq!(
        warnings[0].to_string(),
        "vendor `acme`: review was due on 2027-01-05"
    );
}

#[test]
fn signed_vendor_without_evaluation() {
    let registry = Fixture {
        evaluation: String::new(),
        ..Fixture::default()
    }
    .registry();
    assert_eq!(
        registry.warnings(datetime!(2026-06-01 00:00 UTC), 30),
        [Warning::NotEvaluated {
            vendor_id: "acme".into()
        }]
    );

    // A vendor without a signed agreement gets no PHI, so no nagging.
    let unsigned = Fixture {
        evaluation: String::new(),
        baa: String::new(),
        ..Fixture::default()
    }
    .registry();
    assert_eq!(unsigned.warnings(datetime!(2026-06-01 00:00 UTC), 30), []);
}

#[test]
fn everything_at_once() {
    let registry = due_on_january_5().registry();
    let warnings = registry.warnings(datetime!(2027-01-20 00:00 UTC), 30);
    assert_eq!(
        warnings,
        [
            expiring(11),
            Warning::ReviewOverdue {
                vendor_id: "acme".into(),
                due: date!(2027 - 01 - 05),
            },
        ]
    );
    assert_eq!(
        warnings[0].to_string(),
        "vendor `acme`: agreement `acme-baa` expires after 2027-01-31 (11 days left)"
    );
}
