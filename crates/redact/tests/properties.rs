//! Property tests: any UTF-8, long and repetitive input never panics,
//! spans are sound, redaction round-trips through the vault, and the
//! streaming re-identifier agrees with the whole-text one.

use std::sync::OnceLock;

use phiguard_redact::{RedactionSession, Redactor, Span};
use proptest::prelude::*;

fn redactor() -> &'static Redactor {
    static REDACTOR: OnceLock<Redactor> = OnceLock::new();
    REDACTOR.get_or_init(Redactor::safe_harbor)
}

/// Text made of pieces that trigger the detectors, glued with noise.
fn clinical_like() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("Patient: ".to_string()),
        Just("Dr. ".to_string()),
        Just("Mary Smith".to_string()),
        Just("Smith, John".to_string()),
        Just("pt john garcia".to_string()),
        Just("MRN 48213321".to_string()),
        Just("03/14/1950".to_string()),
        Just("March 14th, 2021".to_string()),
        Just("3/14".to_string()),
        Just("(617) 555-0134".to_string()),
        Just("123-45-6789".to_string()),
        Just("jane.doe@example.org".to_string()),
        Just("https://portal.example.org/p/1".to_string()),
        Just("10.1.2.3".to_string()),
        Just("4512 Oak Street".to_string()),
        Just("Springfield, IL 62704".to_string()),
        Just("93-year-old".to_string()),
        Just("BP 128/82".to_string()),
        Just("ÄÖÜ ñ 漢字 🙂".to_string()),
        Just("\u{200b}\u{301}".to_string()),
        "[ -~]{0,12}",
        any::<String>().prop_map(|s| s.chars().take(12).collect()),
    ];
    prop::collection::vec(piece, 0..24).prop_map(|v| v.join(" "))
}

fn check_spans(text: &str, spans: &[Span]) {
    let mut previous_end = 0;
    for span in spans {
        assert!(span.start < span.end && span.end <= text.len());
        assert!(text.is_char_boundary(span.start) && text.is_char_boundary(span.end));
        assert!(span.start >= previous_end, "spans sorted and disjoint");
        assert!(span.category.is_identifier());
        previous_end = span.end;
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn any_utf8_gives_sound_spans(text in any::<String>()) {
        let mut session = RedactionSession::new();
        let redaction = redactor().redact(&text, &mut session).unwrap();
        check_spans(&text, redaction.spans());
    }

    #[test]
    fn clinical_like_text_gives_sound_spans_and_keeps_the_rest(text in clinical_like()) {
        let mut session = RedactionSession::new();
        let redaction = redactor().redact(&text, &mut session).unwrap();
        check_spans(&text, redaction.spans());

        // Everything outside the spans is kept, in order.
        let mut rest = redaction.text();
        let mut last = 0;
        for span in redaction.spans() {
            let kept = &text[last..span.start];
            prop_assert!(rest.starts_with(kept));
            rest = &rest[kept.len()..];
            let token_end = rest.find("]]").map(|i| i + 2).unwrap();
            rest = &rest[token_end..];
            last = span.end;
        }
        prop_assert_eq!(rest, &text[last..]);

        let total: u64 = redaction.counts().values().sum();
        prop_assert_eq!(total as usize, redaction.spans().len());
    }

    #[test]
    fn redaction_round_trips_through_the_vault(text in clinical_like()) {
        let mut session = RedactionSession::new();
        let redaction = redactor().redact(&text, &mut session).unwrap();
        let restored = session.reidentify(redaction.text());
        prop_assert_eq!(restored.expose_phi(), &text);
    }

    #[test]
    fn streaming_reidentification_matches_whole(
        text in clinical_like(),
        cuts in prop::collection::vec(0usize..4096, 0..12),
    ) {
        let mut session = RedactionSession::new();
        let redacted = redactor().redact(&text, &mut session).unwrap().into_text();
        let whole = session.reidentify(&redacted);

        let mut cuts: Vec<usize> = cuts
            .into_iter()
            .map(|c| c % (redacted.len() + 1))
            .filter(|&c| redacted.is_char_boundary(c))
            .collect();
        cuts.sort_unstable();
        let mut reidentifier = session.reidentifier();
        let mut streamed = String::new();
        let mut from = 0;
        for cut in cuts {
            streamed.push_str(reidentifier.push(&redacted[from..cut]).expose_phi());
            from = cut;
        }
        streamed.push_str(reidentifier.push(&redacted[from..]).expose_phi());
        streamed.push_str(reidentifier.finish().expose_phi());
        prop_assert_eq!(&streamed, whole.expose_phi());
    }
}

#[test]
fn long_and_repetitive_input_does_not_panic() {
    let units = [
        "a",
        "1",
        "1/",
        "1.",
        "a@",
        "@",
        "Dr. ",
        "Mary ",
        "Smith, ",
        "(617) ",
        "0 1 ",
        "[[",
        "]]",
        "NAME_",
        "é",
        "🙂",
        "\n",
        "MRN ",
        "http://",
        "9",
        "-",
        "Patient: ",
    ];
    for unit in units {
        let text = unit.repeat(100_000 / unit.len());
        let mut session = RedactionSession::new();
        let redaction = redactor().redact(&text, &mut session).unwrap();
        check_spans(&text, redaction.spans());
        let restored = session.reidentify(redaction.text());
        assert_eq!(restored.expose_phi().len(), text.len(), "{unit:?}");
    }
}

#[test]
fn a_megabyte_of_mixed_text_is_handled() {
    let note = "Patient: Mary Smith   MRN: 48213321   DOB: 03/14/1950 — réel 漢字\n\
                Daughter Grace White can be reached at (617) 555-0134. BP 128/82.\n\n";
    let text = note.repeat(1_048_576 / note.len() + 1);
    let mut session = RedactionSession::new();
    let redaction = redactor().redact(&text, &mut session).unwrap();
    check_spans(&text, redaction.spans());
    assert!(!redaction.text().contains("Smith"));
    // One vault entry per distinct value, however often it recurs.
    assert!(session.vault().len() < 10, "{}", session.vault().len());
}
