//! Properties of the fake vendors' deterministic answers that
//! re-identification tests rely on.

use phiguard_sandbox::{billing_suggestion, extractive_summary};
use proptest::prelude::*;

/// Text made of words, sentence ends and redaction-style tokens.
fn text_with_tokens() -> impl Strategy<Value = (String, Vec<String>)> {
    let piece = prop_oneof![
        "[a-z]{1,8}".prop_map(|w| (w, None)),
        Just((".".to_owned(), None)),
        Just(("!".to_owned(), None)),
        Just(("\n\n".to_owned(), None)),
        "[A-Z]{2,6}_[0-9]{1,2}".prop_map(|t| {
            let token = format!("[[{t}]]");
            (token.clone(), Some(token))
        }),
        "[A-Z]{2,6}_[0-9]{1,2}".prop_map(|t| {
            let token = format!("<{t}>");
            (token.clone(), Some(token))
        }),
    ];
    prop::collection::vec(piece, 0..60).prop_map(|pieces| {
        let mut text = String::new();
        let mut tokens = Vec::new();
        for (p, token) in pieces {
            text.push_str(&p);
            text.push(' ');
            tokens.extend(token);
        }
        (text, tokens)
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn every_token_comes_back_whole((text, tokens) in text_with_tokens()) {
        let summary = extractive_summary(&text);
        let billing = billing_suggestion(&text);
        for token in &tokens {
            prop_assert!(summary.contains(token.as_str()), "{token} missing from {summary:?}");
            prop_assert!(billing.contains(token.as_str()), "{token} missing from {billing:?}");
        }
    }

    #[test]
    fn answers_are_a_function_of_the_text((text, _) in text_with_tokens()) {
        prop_assert_eq!(extractive_summary(&text), extractive_summary(&text));
        prop_assert!(extractive_summary(&text).starts_with("Summary: "));
    }
}
