//! What this crate prints or logs never carries text a caller passed in
//! that the registry does not declare, and never a PHI value.

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex};

use common::{Fixture, IN_FORCE, clinical};
use phiguard_phi::{CategorySet, PhiCategory};
use phiguard_vendors::{Clearance, ClearanceRequest, RefusalReason};

const PLANTED: [&str; 3] = ["Ada Quill", "555-0100", "MRN 88231"];

/// Collects everything a tracing subscriber writes.
#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn assert_clean(what: &str, text: &str) {
    for planted in PLANTED {
        assert!(!text.contains(planted), "{what} shows {planted:?}: {text}");
    }
}

#[test]
fn undeclared_text_from_the_caller_is_not_echoed() {
    let registry = Fixture::default().registry();
    let capture = Capture::default();
    let writer = capture.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();

    // Global, not scoped: tracing caches callsite interest process-wide,
    // and a scoped subscriber races with tests on other threads that reach
    // the same callsites first, so events go missing under load.
    tracing::subscriber::set_global_default(subscriber).unwrap();
    let refusals = {
        // A caller that put patient details where ids belong.
        let wrong_service =
            ClearanceRequest::new("Ada Quill 555-0100", "summarize", clinical(), IN_FORCE);
        let wrong_purpose = ClearanceRequest::new("acme-chat", "MRN 88231", clinical(), IN_FORCE);
        let granted = ClearanceRequest::new("acme-chat", "summarize", clinical(), IN_FORCE);
        assert!(registry.clear(&granted).is_ok());
        [wrong_service, wrong_purpose].map(|r| registry.clear(&r).unwrap_err())
    };

    assert!(refusals[0].has(&RefusalReason::UnknownService));
    assert!(refusals[1].has(&RefusalReason::UnknownPurpose));
    for refusal in &refusals {
        assert_clean("Display", &refusal.to_string());
        assert_clean("Debug", &format!("{refusal:?}"));
        assert_clean("Debug of reasons", &format!("{:?}", refusal.reasons()));
        assert!(refusal.to_string().contains("<undeclared>"));
    }
    // The caller can still see what it passed.
    assert_eq!(refusals[0].service_id(), "Ada Quill 555-0100");

    let logs = String::from_utf8(capture.0.lock().unwrap().clone()).unwrap();
    assert!(logs.contains("clearance granted"), "{logs}");
    assert!(logs.contains("clearance refused"), "{logs}");
    assert_clean("logs", &logs);
}

#[test]
fn declared_ids_are_shown() {
    let registry = Fixture::default().registry();
    let request = ClearanceRequest::new("acme-chat", "draft", clinical(), IN_FORCE);
    let refusal = registry.clear(&request).unwrap_err();
    let debug = format!("{refusal:?}");
    assert!(
        debug.contains("acme-chat") && debug.contains("draft"),
        "{debug}"
    );
}

#[test]
fn clearance_debug_names_ids_and_categories_only() {
    let registry = Fixture::default().registry();
    let clearance = registry
        .clear(&ClearanceRequest::new(
            "acme-chat",
            "summarize",
            CategorySet::from(PhiCategory::Name),
            IN_FORCE,
        ))
        .unwrap();
    let debug = format!("{clearance:?}");
    for expected in ["acme-chat", "acme-baa", "summarize", "name"] {
        assert!(debug.contains(expected), "{debug}");
    }
}

#[test]
fn test_clearances_are_marked_as_such() {
    let clearance = Clearance::for_tests("fake-ai", "summarize", clinical());
    assert_eq!(clearance.permit().sink(), "fake-ai");
    assert_eq!(clearance.permit().categories(), clinical());
    assert_eq!(clearance.baa_id(), "test-baa");
    assert_eq!(clearance.vendor_id(), "test-vendor");
}
