//! Planted fake PHI must not show in any Debug output, error message or
//! error source, and a failing detector or operator must fail the call.

use phiguard_phi::{Phi, PhiCategory};
use phiguard_redact::{
    DetectError, Detector, Operator, OperatorContext, OperatorError, RedactError, RedactionSession,
    Redactor, Span,
};

const PLANTED: &[&str] = &[
    "Zebulon",
    "Quarrington",
    "617-555-0134",
    "48213321",
    "Yarrowfield",
];

const NOTE: &str = "Patient: Zebulon Quarrington   MRN: 48213321\n\
                    Lives in Yarrowfield; call 617-555-0134 after 5.";

fn assert_clean(what: &str, output: &str) {
    for value in PLANTED {
        assert!(!output.contains(value), "{what} shows {value}: {output}");
    }
}

#[test]
fn debug_of_everything_hides_values() {
    let redactor = Redactor::builder()
        .safe_harbor_detectors()
        .deny("Yarrowfield", PhiCategory::GeographicSubdivision)
        .build()
        .unwrap();
    let mut session = RedactionSession::new();
    session.add_known(&Phi::new(
        "Zebulon Quarrington".to_string(),
        PhiCategory::Name,
    ));
    let redaction = redactor.redact(NOTE, &mut session).unwrap();

    assert_clean("redacted text", redaction.text());
    assert_clean("Redaction debug", &format!("{redaction:?}"));
    assert_clean("Redactor debug", &format!("{redactor:?}"));
    assert_clean("session debug", &format!("{session:?}"));
    assert_clean("vault debug", &format!("{:?}", session.vault()));
    assert_clean("spans debug", &format!("{:?}", redaction.spans()));

    let mut reidentifier = session.reidentifier();
    let _ = reidentifier.push(redaction.text());
    assert_clean("reidentifier debug", &format!("{reidentifier:?}"));
    let rest = reidentifier.finish();
    assert_clean("restored debug", &format!("{rest:?}"));

    // The values did go into the vault, and come back.
    assert_eq!(session.reidentify(redaction.text()).expose_phi(), NOTE);
}

struct Failing;

impl Detector for Failing {
    fn name(&self) -> &str {
        "failing"
    }

    fn detect(&self, _text: &str, _out: &mut Vec<Span>) -> Result<(), DetectError> {
        Err(DetectError::new("model server unavailable"))
    }
}

struct OffBoundary;

impl Detector for OffBoundary {
    fn name(&self) -> &str {
        "off_boundary"
    }

    fn detect(&self, text: &str, out: &mut Vec<Span>) -> Result<(), DetectError> {
        // Inside the first character of "é".
        let at = text.find('é').unwrap() + 1;
        out.push(Span::new(
            at,
            text.len(),
            PhiCategory::Name,
            1.0,
            "off_boundary",
        ));
        Ok(())
    }
}

struct Refusing;

impl Operator for Refusing {
    fn name(&self) -> &str {
        "refusing"
    }

    fn apply(
        &self,
        _span: &Span,
        _original: &str,
        _context: &mut OperatorContext<'_>,
        _out: &mut String,
    ) -> Result<(), OperatorError> {
        Err(OperatorError::new("no replacement available"))
    }
}

fn error_chain(error: &RedactError) -> String {
    let mut all = format!("{error} / {error:?}");
    let mut source = std::error::Error::source(error);
    while let Some(s) = source {
        all.push_str(&format!(" / {s} / {s:?}"));
        source = s.source();
    }
    all
}

#[test]
fn failures_fail_closed_without_quoting_the_text() {
    let mut session = RedactionSession::new();

    let redactor = Redactor::builder()
        .safe_harbor_detectors()
        .detector(Failing)
        .build()
        .unwrap();
    let error = redactor.redact(NOTE, &mut session).unwrap_err();
    assert!(matches!(error, RedactError::Detector { .. }));
    let chain = error_chain(&error);
    assert!(
        chain.contains("failing") && chain.contains("model server unavailable"),
        "{chain}"
    );
    assert_clean("detector error", &chain);

    let text = format!("{NOTE} café");
    let redactor = Redactor::builder().detector(OffBoundary).build().unwrap();
    let error = redactor.redact(&text, &mut session).unwrap_err();
    assert!(matches!(error, RedactError::InvalidSpan { .. }));
    assert_clean("span error", &error_chain(&error));

    let redactor = Redactor::builder()
        .safe_harbor_detectors()
        .operator(PhiCategory::Phone, Refusing)
        .build()
        .unwrap();
    let error = redactor.redact(NOTE, &mut session).unwrap_err();
    assert!(matches!(
        error,
        RedactError::Operator {
            category: PhiCategory::Phone,
            ..
        }
    ));
    let chain = error_chain(&error);
    assert!(
        chain.contains("refusing") && chain.contains("phone"),
        "{chain}"
    );
    assert_clean("operator error", &chain);
}

#[test]
fn redact_phi_keeps_the_category() {
    let redactor = Redactor::safe_harbor();
    let mut session = RedactionSession::new();
    let note = Phi::new(NOTE.to_string(), PhiCategory::ClinicalNote);
    let redacted = redactor.redact_phi(&note, &mut session).unwrap();
    assert_eq!(redacted.category(), PhiCategory::ClinicalNote);
    assert_clean("redacted PHI", redacted.expose_phi());
}
