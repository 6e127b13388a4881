//! Property tests for the lenient parsers: no input makes them panic, and
//! no input value shows up in Debug output or error messages.

use phiguard_clickup::models::{Task, Timestamp};
use phiguard_clickup::{LabelSchema, decode_response};
use proptest::prelude::*;

/// Marker-wrapped text, so a leak is unambiguous.
fn planted() -> impl Strategy<Value = String> {
    "[a-zA-Z ]{4,24}".prop_map(|core| format!("QZX{core}XZQ"))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn sealed_task_debug_never_shows_text(name in planted(), note in planted(), mrn in planted()) {
        let body = serde_json::json!({
            "id": "t1", "name": name, "description": note, "text_content": note,
            "space": {"id": "1"},
            "custom_fields": [{"id": "f", "name": "MRN", "type": "short_text", "value": mrn}],
        });
        let mut task: Task = decode_response(body.to_string().as_bytes()).unwrap();
        LabelSchema::all_phi().label_task(&mut task);
        let shown = format!("{task:?}");
        prop_assert!(!shown.contains("QZX"), "{}", shown);
    }

    #[test]
    fn decode_errors_never_quote_input(value in planted(), junk in "[\\[\\]{}:,\"0-9a-z]{0,16}") {
        // The planted value sits where a number or an object belongs, and
        // the body may be cut short or followed by junk.
        let bodies = [
            format!(r#"{{"id": {{"x": "{value}"}}, "name": "n"}}"#),
            format!(r#"{{"id": "t", "name": {value}}}"#),
            format!(r#"{{"id": "t", "name": "{value}"#),
            format!(r#"{{"id": "t", "name": "{value}"}}{junk}"#),
            format!(r#"{{"id": "t", "checklists": [{{"items": "{value}"}}]}}"#),
        ];
        for body in bodies {
            if let Err(error) = decode_response::<Task>(body.as_bytes()) {
                let shown = format!("{error} {error:?}");
                prop_assert!(!shown.contains("QZX"), "{}", shown);
            }
        }
    }

    #[test]
    fn lenient_numbers_accept_strings_and_numbers(ms in 0i64..4_102_444_800_000) {
        let as_string: Timestamp = serde_json::from_str(&format!("\"{ms}\"")).unwrap();
        let as_number: Timestamp = serde_json::from_str(&ms.to_string()).unwrap();
        prop_assert_eq!(as_string, as_number);
        let body = format!(r#"{{"id": 7, "date_created": {ms}, "time_estimate": "{ms}", "points": "{ms}"}}"#);
        let task: Task = decode_response(body.as_bytes()).unwrap();
        prop_assert_eq!(task.id.as_str(), "7");
        prop_assert_eq!(task.date_created, Some(as_number));
        prop_assert_eq!(task.time_estimate, Some(ms));
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
        let _ = decode_response::<Task>(&bytes);
        let _ = decode_response::<phiguard_clickup::webhooks::WebhookEvent>(&bytes);
    }
}
