//! The PHI contract, rule by rule, as this crate owns it.

use std::collections::BTreeMap;
use std::panic::{AssertUnwindSafe, catch_unwind};

use phiguard_phi::{
    CategorySet, EgressError, EgressPermit, Phi, PhiCategory, de, egress, redacted,
};
use serde::{Deserialize, Serialize, Serializer};

const NAME: &str = "Quintessa Marbleford";
const MRN: &str = "MRN-77120349";
const DX: &str = "type 2 diabetes mellitus";

fn name() -> Phi<String> {
    Phi::new(NAME.to_string(), PhiCategory::Name)
}

fn mrn() -> Phi<String> {
    Phi::new(MRN.to_string(), PhiCategory::MedicalRecordNumber)
}

fn dx() -> Phi<String> {
    Phi::new(DX.to_string(), PhiCategory::Diagnosis)
}

fn permit(sink: &str, categories: &[PhiCategory]) -> EgressPermit {
    EgressPermit::issue(sink, categories.iter().copied().collect())
}

fn assert_no_planted(text: &str) {
    for planted in [NAME, MRN, DX, "Quintessa", "77120349", "diabetes"] {
        assert!(
            !text.contains(planted),
            "planted PHI `{planted}` leaked into: {text}"
        );
    }
}

#[derive(Serialize, Deserialize, Debug)]
struct Patient {
    #[serde(deserialize_with = "de::name")]
    name: Phi<String>,
    #[serde(default, deserialize_with = "de::medical_record_number_opt")]
    mrn: Option<Phi<String>>,
    problems: Vec<Phi<String>>,
    clinic: String,
}

#[derive(Serialize, Debug)]
struct Envelope {
    id: u32,
    #[serde(flatten)]
    patient: Patient,
    #[serde(flatten)]
    extra: BTreeMap<String, Phi<String>>,
}

#[derive(Serialize, Debug)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum Message {
    Note { body: Phi<String> },
    Plain { body: String },
    Pair(PairBody),
}

#[derive(Serialize, Debug)]
struct PairBody {
    left: Phi<String>,
    right: Option<Phi<String>>,
}

fn patient() -> Patient {
    Patient {
        name: name(),
        mrn: Some(mrn()),
        problems: vec![dx()],
        clinic: "North".into(),
    }
}

// Rule: serialization outside any scope fails, naming the category only.

#[test]
fn plain_serialization_is_refused_everywhere() {
    let refusals = [
        serde_json::to_string(&name()).unwrap_err().to_string(),
        serde_json::to_string(&patient()).unwrap_err().to_string(),
        serde_json::to_string(&Some(mrn())).unwrap_err().to_string(),
        serde_json::to_string(&vec![dx()]).unwrap_err().to_string(),
        serde_json::to_value(Message::Note { body: dx() })
            .unwrap_err()
            .to_string(),
    ];
    for message in &refusals {
        assert!(message.contains("outside any egress scope"), "{message}");
        assert_no_planted(message);
    }
    assert!(refusals[0].contains("`name`"));
    assert!(refusals[3].contains("`diagnosis`"));
}

#[test]
fn none_and_empty_serialize_without_a_scope() {
    // No PHI value present: nothing to refuse.
    let empty: Vec<Phi<String>> = Vec::new();
    assert_eq!(serde_json::to_string(&empty).unwrap(), "[]");
    assert_eq!(serde_json::to_string(&None::<Phi<String>>).unwrap(), "null");
}

// Rule: inside a scope, covered categories serialize in plain form.

#[test]
fn covered_categories_serialize_inside_a_scope() {
    let all = permit(
        "clickup-api-v2",
        &[
            PhiCategory::Name,
            PhiCategory::MedicalRecordNumber,
            PhiCategory::Diagnosis,
        ],
    );
    let bytes = egress::to_json_vec(&all, &patient()).unwrap();
    let json: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(json["name"], NAME);
    assert_eq!(json["mrn"], MRN);
    assert_eq!(json["problems"][0], DX);
    assert_eq!(json["clinic"], "North");
}

#[test]
fn uncovered_category_is_refused_with_category_and_sink() {
    let identifiers_only = permit("azure-openai-chat", &[PhiCategory::Name]);
    let err = egress::to_json_vec(&identifiers_only, &patient()).unwrap_err();
    assert_eq!(
        err,
        EgressError::NotCovered {
            category: PhiCategory::MedicalRecordNumber,
            sink: "azure-openai-chat".into()
        }
    );
    let message = err.to_string();
    assert!(message.contains("medical_record_number") && message.contains("azure-openai-chat"));
    assert_no_planted(&message);
    assert_no_planted(&format!("{err:?}"));
}

#[test]
fn unclassified_is_covered_only_when_listed() {
    let phi: Phi<String> = serde_json::from_str(&format!("\"{NAME}\"")).unwrap();
    let broad = EgressPermit::issue(
        "s",
        CategorySet::all().difference(PhiCategory::Unclassified.into()),
    );
    assert!(egress::to_json_vec(&broad, &phi).is_err());
    let listed = permit("s", &[PhiCategory::Unclassified]);
    assert_eq!(
        egress::to_json_vec(&listed, &phi).unwrap(),
        format!("\"{NAME}\"").into_bytes()
    );
}

#[test]
fn flatten_and_enums_follow_the_same_rules() {
    let mut extra = BTreeMap::new();
    extra.insert(
        "phone".to_string(),
        Phi::new("555-0100".to_string(), PhiCategory::Phone),
    );
    let envelope = Envelope {
        id: 7,
        patient: patient(),
        extra,
    };

    assert!(serde_json::to_vec(&envelope).is_err());
    let no_phone = permit(
        "s",
        &[
            PhiCategory::Name,
            PhiCategory::MedicalRecordNumber,
            PhiCategory::Diagnosis,
        ],
    );
    let err = egress::to_json_vec(&no_phone, &envelope).unwrap_err();
    assert_eq!(err.category(), Some(PhiCategory::Phone));

    let mut with_phone = no_phone.categories();
    with_phone.insert(PhiCategory::Phone);
    let bytes = egress::to_json_vec(&EgressPermit::issue("s", with_phone), &envelope).unwrap();
    let json: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(json["phone"], "555-0100");
    assert_eq!(json["name"], NAME);
    assert_eq!(json["id"], 7);

    let messages = vec![
        Message::Plain {
            body: "hello".into(),
        },
        Message::Note { body: dx() },
        Message::Pair(PairBody {
            left: name(),
            right: None,
        }),
    ];
    let dx_only = permit("s", &[PhiCategory::Diagnosis]);
    assert_eq!(
        egress::to_json_vec(&dx_only, &messages)
            .unwrap_err()
            .category(),
        Some(PhiCategory::Name)
    );
    let both = permit("s", &[PhiCategory::Diagnosis, PhiCategory::Name]);
    let bytes = egress::to_json_vec(&both, &messages).unwrap();
    let json: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(json[1]["body"], DX);
    assert_eq!(json[2]["left"], NAME);
}

// Rule: a scope lasts for one serialization, never leaks to another thread,
// survives no panic, and nests correctly.

#[test]
fn scope_ends_with_its_serialization() {
    let p = permit("s", &[PhiCategory::Name]);
    assert!(egress::to_json_vec(&p, &name()).is_ok());
    assert!(serde_json::to_vec(&name()).is_err());
}

/// Serializes a `Phi` on another thread from inside a scope.
struct OtherThread;

impl Serialize for OtherThread {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let there = std::thread::scope(|s| {
            s.spawn(|| serde_json::to_string(&name()).is_ok())
                .join()
                .unwrap()
        });
        serializer.serialize_bool(there)
    }
}

#[test]
fn scope_does_not_reach_other_threads() {
    let p = permit("s", &[PhiCategory::Name]);
    let bytes = egress::to_json_vec(&p, &OtherThread).unwrap();
    assert_eq!(bytes, b"false");
}

/// Panics in the middle of a serialization.
struct Panics;

impl Serialize for Panics {
    fn serialize<S: Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
        panic!("serializer blew up");
    }
}

#[test]
fn scope_does_not_survive_a_panic() {
    let p = permit("s", &[PhiCategory::Name]);
    let outcome = catch_unwind(AssertUnwindSafe(|| egress::to_json_vec(&p, &Panics)));
    assert!(outcome.is_err());
    let err = serde_json::to_vec(&name()).unwrap_err().to_string();
    assert!(err.contains("outside any egress scope"), "{err}");
}

/// Runs a nested serialization to another sink, then serializes `after`.
struct Nested {
    inner_permit: EgressPermit,
    inner: Phi<String>,
    after: Phi<String>,
}

impl Serialize for Nested {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let inner = egress::to_json_vec(&self.inner_permit, &self.inner).is_ok();
        let redacted = redacted::to_json_string(&self.after).unwrap();
        let mut s = serializer.serialize_struct("Nested", 3)?;
        s.serialize_field("inner_ok", &inner)?;
        s.serialize_field("redacted", &redacted)?;
        s.serialize_field("after", &self.after)?;
        s.end()
    }
}

#[test]
fn scopes_nest_and_restore() {
    // The outer permit covers names only; the inner one diagnoses only.
    let outer = permit("outer", &[PhiCategory::Name]);
    let nested = Nested {
        inner_permit: permit("inner", &[PhiCategory::Diagnosis]),
        inner: dx(),
        after: name(),
    };
    let bytes = egress::to_json_vec(&outer, &nested).unwrap();
    let json: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(json["inner_ok"], true);
    assert_eq!(json["redacted"], "\"[REDACTED:name]\"");
    assert_eq!(
        json["after"], NAME,
        "outer permit applies again after the inner scope"
    );

    // Inside the inner scope only the inner permit counts, even where the
    // outer one would have covered the value.
    let outer = permit("outer", &[PhiCategory::Name, PhiCategory::Diagnosis]);
    let nested = Nested {
        inner_permit: permit("inner", &[PhiCategory::Name]),
        inner: dx(),
        after: name(),
    };
    let bytes = egress::to_json_vec(&outer, &nested).unwrap();
    let json: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(json["inner_ok"], false);

    // Nothing is left active afterwards.
    assert!(serde_json::to_vec(&name()).is_err());
}

// Rule: a redacting serialization for safe dumps.

#[test]
fn redacted_dump_names_categories() {
    let json = redacted::to_json_value(&patient()).unwrap();
    assert_eq!(json["name"], "[REDACTED:name]");
    assert_eq!(json["mrn"], "[REDACTED:medical_record_number]");
    assert_eq!(json["problems"][0], "[REDACTED:diagnosis]");
    assert_eq!(json["clinic"], "North");
    assert_no_planted(&json.to_string());

    let number = Phi::new(4_111_222_333_u64, PhiCategory::AccountNumber);
    assert_eq!(
        redacted::to_json_string(&number).unwrap(),
        "\"[REDACTED:account_number]\""
    );
    assert!(serde_json::to_string(&number).is_err());
}

// Rule: Debug names the category only; deserialization is transparent.

#[test]
fn debug_of_structures_shows_categories_only() {
    let debug = format!("{:?} {:#?}", patient(), Message::Note { body: dx() });
    assert_no_planted(&debug);
    assert!(debug.contains("Phi(name)") && debug.contains("Phi(diagnosis)"));
}

#[test]
fn deserialization_is_transparent_and_labelled() {
    let json = format!(r#"{{"name":"{NAME}","problems":["{DX}"],"clinic":"North"}}"#);
    let patient: Patient = serde_json::from_str(&json).unwrap();
    assert_eq!(patient.name.expose_phi(), NAME);
    assert_eq!(patient.name.category(), PhiCategory::Name);
    assert!(patient.mrn.is_none());
    assert_eq!(patient.problems[0].category(), PhiCategory::Unclassified);

    let json = format!(r#"{{"name":"{NAME}","mrn":"{MRN}","problems":[],"clinic":"x"}}"#);
    let patient: Patient = serde_json::from_str(&json).unwrap();
    assert_eq!(
        patient.mrn.unwrap().category(),
        PhiCategory::MedicalRecordNumber
    );
}

#[test]
fn deserialization_errors_do_not_quote_phi() {
    #[derive(Deserialize, Debug)]
    #[allow(dead_code)]
    struct Counts {
        #[serde(deserialize_with = "de::account_number")]
        account: Phi<u64>,
    }
    let err = serde_json::from_str::<Counts>(&format!(r#"{{"account":"{NAME}"}}"#)).unwrap_err();
    assert_no_planted(&err.to_string());
    assert!(err.to_string().contains("account_number"));
}
