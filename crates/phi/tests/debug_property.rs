//! Property: Debug of any structure holding `Phi` never shows the value.

use phiguard_phi::{Phi, PhiCategory};
use proptest::prelude::*;

#[derive(Debug)]
#[allow(dead_code)]
enum Entry {
    Single(Phi<String>),
    Many(Vec<Phi<String>>),
    Maybe(Option<Phi<String>>),
    Number(Phi<u64>),
}

#[derive(Debug)]
#[allow(dead_code)]
struct Record {
    label: &'static str,
    entries: Vec<Entry>,
    nested: Option<Box<Record>>,
}

fn category() -> impl Strategy<Value = PhiCategory> {
    proptest::sample::select(PhiCategory::ALL)
}

// Values carry a marker no Debug text of ours contains, so a match means a
// leak and not a coincidence with a category name.
fn value() -> impl Strategy<Value = String> {
    "[a-z0-9 ]{0,12}".prop_map(|s| format!("\u{1F9EC}{s}#"))
}

fn phi() -> impl Strategy<Value = Phi<String>> {
    (value(), category()).prop_map(|(v, c)| Phi::new(v, c))
}

fn entry() -> impl Strategy<Value = Entry> {
    prop_oneof![
        phi().prop_map(Entry::Single),
        proptest::collection::vec(phi(), 0..4).prop_map(Entry::Many),
        proptest::option::of(phi()).prop_map(Entry::Maybe),
        (any::<u64>(), category()).prop_map(|(n, c)| Entry::Number(Phi::new(n, c))),
    ]
}

fn record() -> impl Strategy<Value = Record> {
    let leaf = proptest::collection::vec(entry(), 0..5).prop_map(|entries| Record {
        label: "leaf",
        entries,
        nested: None,
    });
    leaf.prop_recursive(3, 12, 3, |inner| {
        (proptest::collection::vec(entry(), 0..4), inner).prop_map(|(entries, nested)| Record {
            label: "node",
            entries,
            nested: Some(Box::new(nested)),
        })
    })
}

fn numbers(record: &Record, out: &mut Vec<u64>) {
    for entry in &record.entries {
        if let Entry::Number(n) = entry {
            out.push(*n.expose_phi());
        }
    }
    if let Some(nested) = &record.nested {
        numbers(nested, out);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn debug_never_shows_a_value(record in record()) {
        for text in [format!("{record:?}"), format!("{record:#?}")] {
            prop_assert!(!text.contains('\u{1F9EC}'), "a string value leaked: {}", text);
            let mut values = Vec::new();
            numbers(&record, &mut values);
            for n in values.into_iter().filter(|n| *n > 1_000_000) {
                prop_assert!(!text.contains(&n.to_string()), "a number leaked: {}", text);
            }
        }
    }
}
