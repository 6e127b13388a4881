//! The seeded workspace: a small clinic's ClickUp, generated from a seed,
//! with synthetic patients whose details fill task descriptions, custom
//! fields and comment threads.
//!
//! Every patient, address, phone number and record number here is made
//! up. Phone numbers use the 555-01xx range set aside for fiction, e-mail
//! addresses use the reserved `example.net` domain, record numbers carry
//! the sandbox's own `RB-` prefix.

use std::collections::BTreeMap;

use phiguard_phi::PhiCategory;
use rand::Rng;
use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;
use serde::Serialize;
use serde_json::{Value, json};

use crate::clickup::routes::{NewTask, WebhookLocation};
use crate::clickup::state::{CommentParent, Field, FieldScope, Store, User, ViewParent};

/// The seed `Sandbox` uses when none is given, and the one
/// `phiguard sandbox phi` reports on.
pub const DEFAULT_SEED: u64 = 7;

/// Tasks in the Operations space's "Front desk" list: enough for three
/// pages of 100.
const FRONT_DESK_TASKS: usize = 230;

/// An id with the name it goes by.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct NamedId {
    /// ClickUp id.
    pub id: String,
    /// Display name.
    pub name: String,
}

impl NamedId {
    fn new(id: impl Into<String>, name: impl Into<String>) -> Self {
        NamedId {
            id: id.into(),
            name: name.into(),
        }
    }
}

/// The role a workspace member plays in the clinic.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum StaffRole {
    /// A clinician (physician, nurse practitioner).
    Provider,
    /// Billing staff.
    Billing,
    /// Practice administrator; owns the sandbox's API token.
    Admin,
    /// An outside guest (a partner clinic's referral coordinator).
    Guest,
}

/// A workspace member or guest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Member {
    /// ClickUp user id.
    pub id: u64,
    /// Display name.
    pub username: String,
    /// E-mail address (workforce, not patient, data).
    pub email: String,
    /// The member's role in the clinic.
    pub role: StaffRole,
}

/// Ids of the custom fields of the Clinical space.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct ClinicalFields {
    /// "Patient name" (short text, PHI: name).
    pub patient_name: NamedId,
    /// "Date of birth" (date, PHI: date).
    pub date_of_birth: NamedId,
    /// "MRN" (short text, PHI: medical record number).
    pub mrn: NamedId,
    /// "Phone" (phone, PHI: phone).
    pub phone: NamedId,
    /// "Diagnosis" (text, PHI: diagnosis).
    pub diagnosis: NamedId,
    /// "Billing status" (drop-down, not PHI).
    pub billing_status: NamedId,
    /// "Visit type" (drop-down, not PHI).
    pub visit_type: NamedId,
}

/// A custom field's PHI label, as the sandbox labelling schema declares it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct FieldLabel {
    /// Field name as ClickUp shows it.
    pub name: &'static str,
    /// The PHI category of its values, `None` when it holds no PHI.
    pub category: Option<PhiCategory>,
}

/// The tag every patient case carries; the labelling schema marks tasks
/// with it as PHI wherever they are.
pub const PATIENT_TAG: &str = "patient";

/// The labels of the Clinical space's custom fields.
pub const CLINICAL_FIELD_LABELS: [FieldLabel; 7] = [
    FieldLabel {
        name: "Patient name",
        category: Some(PhiCategory::Name),
    },
    FieldLabel {
        name: "Date of birth",
        category: Some(PhiCategory::Date),
    },
    FieldLabel {
        name: "MRN",
        category: Some(PhiCategory::MedicalRecordNumber),
    },
    FieldLabel {
        name: "Phone",
        category: Some(PhiCategory::Phone),
    },
    FieldLabel {
        name: "Diagnosis",
        category: Some(PhiCategory::Diagnosis),
    },
    FieldLabel {
        name: "Billing status",
        category: None,
    },
    FieldLabel {
        name: "Visit type",
        category: None,
    },
];

/// Ids and names of everything the seeded workspace holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct SeededWorkspace {
    /// The workspace (a `team` in API v2).
    pub workspace: NamedId,
    /// The member the sandbox token belongs to (the practice admin).
    pub authorized_user: u64,
    /// Members: providers, billing and the admin.
    pub members: Vec<Member>,
    /// The one guest.
    pub guest: Member,
    /// The private PHI space "Clinical".
    pub clinical_space: NamedId,
    /// The non-PHI space "Operations".
    pub operations_space: NamedId,
    /// Folder "Intake" in Clinical.
    pub intake_folder: NamedId,
    /// Folder "Referrals" in Clinical.
    pub referrals_folder: NamedId,
    /// Folder "Care plans" in Clinical.
    pub care_plans_folder: NamedId,
    /// List "New patient intake" (in Intake).
    pub intake_list: NamedId,
    /// List "Outbound referrals" (in Referrals; shared with the guest).
    pub referrals_list: NamedId,
    /// List "Active care plans" (in Care plans).
    pub care_plans_list: NamedId,
    /// Folderless list "Nurse line callbacks" in Clinical.
    pub nurse_line_list: NamedId,
    /// Folder "Facilities" in Operations.
    pub facilities_folder: NamedId,
    /// List "Maintenance requests" (in Facilities).
    pub maintenance_list: NamedId,
    /// Folderless list "Front desk" in Operations, with more than two pages
    /// of tasks.
    pub front_desk_list: NamedId,
    /// Custom fields of the Clinical space.
    pub clinical_fields: ClinicalFields,
    /// Top-level tasks of the intake list, in creation order.
    pub intake_tasks: Vec<NamedId>,
    /// Every top-level task of the Clinical space, in creation order.
    pub clinical_tasks: Vec<NamedId>,
    /// Custom task ids (`INT-101`, `REF-107`, ...) of the Clinical tasks, by
    /// native task id; usable with `custom_task_ids=true&team_id=...`.
    pub custom_task_ids: BTreeMap<String, String>,
    /// Registered webhooks (ids).
    pub webhooks: Vec<String>,
    /// Views: Clinical board, intake list view, Operations chat view.
    pub views: Vec<NamedId>,
}

impl SeededWorkspace {
    /// The members who have a given role.
    pub fn members_with(&self, role: StaffRole) -> Vec<&Member> {
        self.members.iter().filter(|m| m.role == role).collect()
    }
}

/// The synthetic PHI values the seeded workspace holds, as plain strings
/// (they are fake), for checks that search any output for them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct PlantedPhi {
    /// Identifiers (Safe Harbor kinds): full names, dates of birth (as
    /// written in prose, `MM/DD/YYYY`, and as the date field holds them,
    /// Unix milliseconds), record numbers, phone numbers, street lines,
    /// city-state-ZIP lines, e-mail addresses.
    ///
    /// Prose always names a patient in full, so a lone first or last name
    /// does not appear anywhere in the workspace.
    pub identifiers: Vec<String>,
    /// Clinical content: diagnoses and medications.
    pub clinical: Vec<String>,
}

impl PlantedPhi {
    /// Every planted value found in `text`.
    pub fn found_in<'a>(&'a self, text: &str) -> Vec<&'a str> {
        self.identifiers
            .iter()
            .chain(&self.clinical)
            .filter(|v| text.contains(v.as_str()))
            .map(String::as_str)
            .collect()
    }

    /// The planted identifiers found in `text`.
    pub fn identifiers_in<'a>(&'a self, text: &str) -> Vec<&'a str> {
        self.identifiers
            .iter()
            .filter(|v| text.contains(v.as_str()))
            .map(String::as_str)
            .collect()
    }
}

/// The planted PHI of the workspace a seed produces, without starting any
/// server.
pub fn planted_phi(seed: u64) -> PlantedPhi {
    generate(seed).2
}

// ---- pools ------------------------------------------------------------

const PATIENT_FIRST: [&str; 32] = [
    "Marisol",
    "Theodore",
    "Anneliese",
    "Desmond",
    "Priyanka",
    "Ezekiel",
    "Rosalind",
    "Callum",
    "Ingrid",
    "Tobias",
    "Wilhelmina",
    "Rafferty",
    "Soledad",
    "Bartholomew",
    "Henrietta",
    "Lucian",
    "Evangeline",
    "Percival",
    "Octavia",
    "Florian",
    "Geraldine",
    "Leopold",
    "Marguerite",
    "Cornelius",
    "Philippa",
    "Augustin",
    "Clementine",
    "Ambrose",
    "Delphine",
    "Ignatius",
    "Seraphina",
    "Thaddeus",
];

const PATIENT_LAST: [&str; 32] = [
    "Quintero",
    "Vasquez-Hale",
    "Okonkwo",
    "Lindqvist",
    "Abernathy",
    "Castellanos",
    "Fairweather",
    "Nakamura-Reyes",
    "Brightwater",
    "Oyelaran",
    "Kowalczyk",
    "Thornbury",
    "Delacroix",
    "Ravensworth",
    "Achterberg",
    "Montgomery-Fyfe",
    "Szczepanski",
    "Holloway",
    "Iwasaki",
    "Penhallow",
    "Villanueva",
    "Eastwick",
    "Magnusson",
    "Trevelyan",
    "Baptiste",
    "Oduya",
    "Wexford",
    "Calloway",
    "Rosenthal",
    "Ashdown",
    "Merriweather",
    "Zielinski",
];

const STREETS: [&str; 16] = [
    "Alder Creek",
    "Birchwood",
    "Cobblestone",
    "Dovetail",
    "Elm Hollow",
    "Foxglove",
    "Granite Ridge",
    "Heron Pond",
    "Ironwood",
    "Juniper Bluff",
    "Kestrel",
    "Larkspur",
    "Millbrook",
    "Nettle Grove",
    "Orchard Hill",
    "Pinecone",
];

const STREET_KINDS: [&str; 5] = ["Road", "Lane", "Drive", "Avenue", "Court"];

const PLACES: [(&str, &str, &str); 8] = [
    ("Cedar Falls", "IA", "50613"),
    ("Marquette", "MI", "49855"),
    ("Bozeman", "MT", "59715"),
    ("Keene", "NH", "03431"),
    ("Astoria", "OR", "97103"),
    ("Beaufort", "SC", "29902"),
    ("Durango", "CO", "81301"),
    ("Galena", "IL", "61036"),
];

const AREA_CODES: [&str; 8] = ["319", "906", "406", "603", "503", "843", "970", "815"];

struct Condition {
    diagnosis: &'static str,
    medication: &'static str,
    symptom: &'static str,
    plan: &'static str,
    specialty: &'static str,
}

const CONDITIONS: [Condition; 12] = [
    Condition {
        diagnosis: "type 2 diabetes mellitus",
        medication: "metformin 500 mg twice daily",
        symptom: "fatigue and increased thirst",
        plan: "repeat HbA1c in three months and a diabetic foot exam",
        specialty: "endocrinology",
    },
    Condition {
        diagnosis: "essential hypertension",
        medication: "lisinopril 10 mg daily",
        symptom: "morning headaches with home readings near 160/98",
        plan: "a two-week home blood pressure log and a basic metabolic panel",
        specialty: "cardiology",
    },
    Condition {
        diagnosis: "moderate persistent asthma",
        medication: "budesonide-formoterol 160/4.5 inhaler",
        symptom: "night-time cough and wheeze",
        plan: "spirometry and an updated asthma action plan",
        specialty: "pulmonology",
    },
    Condition {
        diagnosis: "major depressive disorder, recurrent",
        medication: "sertraline 50 mg daily",
        symptom: "low mood and poor sleep",
        plan: "a PHQ-9 at each visit and a referral to behavioral health",
        specialty: "psychiatry",
    },
    Condition {
        diagnosis: "chronic kidney disease stage 3a",
        medication: "losartan 25 mg daily",
        symptom: "ankle swelling",
        plan: "eGFR and urine albumin every six months",
        specialty: "nephrology",
    },
    Condition {
        diagnosis: "paroxysmal atrial fibrillation",
        medication: "apixaban 5 mg twice daily",
        symptom: "palpitations and light-headedness",
        plan: "a 14-day ambulatory ECG monitor",
        specialty: "cardiology",
    },
    Condition {
        diagnosis: "primary hypothyroidism",
        medication: "levothyroxine 75 mcg daily",
        symptom: "cold intolerance and weight gain",
        plan: "TSH in six weeks after the dose change",
        specialty: "endocrinology",
    },
    Condition {
        diagnosis: "COPD with frequent exacerbations",
        medication: "tiotropium 18 mcg inhaled daily",
        symptom: "shortness of breath on stairs",
        plan: "pulmonary rehabilitation and a pneumococcal vaccine review",
        specialty: "pulmonology",
    },
    Condition {
        diagnosis: "iron deficiency anemia",
        medication: "ferrous sulfate 325 mg daily",
        symptom: "dizziness and pallor",
        plan: "CBC and ferritin in eight weeks",
        specialty: "hematology",
    },
    Condition {
        diagnosis: "chronic migraine without aura",
        medication: "topiramate 25 mg nightly",
        symptom: "headaches on more than fifteen days a month",
        plan: "a headache diary and a neurology follow-up",
        specialty: "neurology",
    },
    Condition {
        diagnosis: "osteoarthritis of the right knee",
        medication: "naproxen 500 mg twice daily",
        symptom: "knee pain climbing stairs",
        plan: "physical therapy twice a week for six weeks",
        specialty: "orthopedics",
    },
    Condition {
        diagnosis: "generalized anxiety disorder",
        medication: "buspirone 10 mg twice daily",
        symptom: "worry and restlessness most days",
        plan: "a GAD-7 recheck and cognitive behavioral therapy",
        specialty: "behavioral health",
    },
];

const STAFF: [(&str, StaffRole); 6] = [
    ("Helena Marsh", StaffRole::Provider),
    ("Samuel Adeyemi", StaffRole::Provider),
    ("Keiko Brandt", StaffRole::Provider),
    ("Lorenzo Pike", StaffRole::Billing),
    ("Dana Whitcombe", StaffRole::Billing),
    ("Ruth Okafor-Lane", StaffRole::Admin),
];

const FRONT_DESK_ITEMS: [&str; 12] = [
    "Restock exam gloves in room",
    "Replace paper rolls on exam table in room",
    "Check sharps container in room",
    "Wipe down check-in tablets at station",
    "Refill hand sanitizer near room",
    "Order printer toner for station",
    "Test otoscope batteries in room",
    "Replace waiting room magazines at station",
    "Confirm interpreter booking for slot",
    "Update after-hours voicemail greeting, line",
    "Label new supply bins in room",
    "Calibrate the scale in room",
];

// ---- patients ---------------------------------------------------------

struct Patient {
    name: String,
    dob_text: String,
    dob_ms: i64,
    mrn: String,
    phone: String,
    street: String,
    place: String,
    email: String,
    condition: &'static Condition,
}

fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    // Days since 1970-01-01 of a proleptic Gregorian date.
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn make_patients(rng: &mut ChaCha8Rng, count: usize) -> Vec<Patient> {
    let mut firsts: Vec<&str> = PATIENT_FIRST.to_vec();
    let mut lasts: Vec<&str> = PATIENT_LAST.to_vec();
    firsts.shuffle(rng);
    lasts.shuffle(rng);
    let mut phone_suffixes: Vec<u32> = (0..100).collect();
    phone_suffixes.shuffle(rng);
    let mut mrns: Vec<u32> = Vec::new();
    (0..count)
        .map(|i| {
            let first = firsts[i % firsts.len()];
            let last = lasts[i % lasts.len()];
            let year = rng.gen_range(1941..2004);
            let month = rng.gen_range(1..=12);
            let day = rng.gen_range(1..=28);
            let mrn = loop {
                let n = rng.gen_range(100_000..999_999);
                if !mrns.contains(&n) {
                    mrns.push(n);
                    break n;
                }
            };
            let area = AREA_CODES[rng.gen_range(0..AREA_CODES.len())];
            let street = format!(
                "{} {} {}",
                rng.gen_range(12..9800),
                STREETS[rng.gen_range(0..STREETS.len())],
                STREET_KINDS[rng.gen_range(0..STREET_KINDS.len())]
            );
            let (city, state, zip) = PLACES[rng.gen_range(0..PLACES.len())];
            Patient {
                name: format!("{first} {last}"),
                dob_text: format!("{month:02}/{day:02}/{year}"),
                dob_ms: days_from_civil(year, month, day) * 86_400_000,
                mrn: format!("RB-{mrn}"),
                phone: format!("({area}) 555-01{:02}", phone_suffixes[i % 100]),
                street,
                place: format!("{city}, {state} {zip}"),
                email: format!(
                    "{}.{}{}@example.net",
                    first.to_lowercase(),
                    last.to_lowercase().replace('-', ""),
                    rng.gen_range(10..99)
                ),
                condition: &CONDITIONS[rng.gen_range(0..CONDITIONS.len())],
            }
        })
        .collect()
}

fn custom_prefix(kind: CaseKind) -> &'static str {
    match kind {
        CaseKind::Intake => "INT",
        CaseKind::Referral => "REF",
        CaseKind::CarePlan => "CP",
        CaseKind::NurseLine => "NL",
    }
}

/// Fills a prose template from a patient's details.
fn fill(template: &str, p: &Patient, provider: &str) -> String {
    template
        .replace("{name}", &p.name)
        .replace("{dob}", &p.dob_text)
        .replace("{mrn}", &p.mrn)
        .replace("{phone}", &p.phone)
        .replace("{street}", &p.street)
        .replace("{place}", &p.place)
        .replace("{email}", &p.email)
        .replace("{dx}", p.condition.diagnosis)
        .replace("{med}", p.condition.medication)
        .replace("{symptom}", p.condition.symptom)
        .replace("{plan}", p.condition.plan)
        .replace("{specialty}", p.condition.specialty)
        .replace("{provider}", provider)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum CaseKind {
    Intake,
    Referral,
    CarePlan,
    NurseLine,
}

const INTAKE_DESCRIPTIONS: [&str; 3] = [
    "New patient intake for {name}, DOB {dob}, MRN {mrn}. Referred from urgent care after \
     {symptom}. Working diagnosis: {dx}. Current medication: {med}. Home address on file: \
     {street}, {place}. Preferred contact is {phone}; portal invitations go to {email}. Please \
     schedule a new patient visit with {provider} within 14 days.",
    "{name} (MRN {mrn}) called to establish care. Date of birth {dob}. Reports {symptom} over \
     the past month. Outside records list {dx}, managed with {med}. Mailing address: {street}, \
     {place}. Call back at {phone} or write to {email}. Visit type: new patient, 40 minutes \
     with {provider}.",
    "Transfer of care: {name}, born {dob}, MRN {mrn}, moving from an out-of-state practice. \
     Active problem: {dx}. Medication list: {med}. Main complaint at screening was {symptom}. \
     Lives at {street}, {place}. Phone {phone}, e-mail {email}. Assigned to {provider}.",
];

const REFERRAL_DESCRIPTIONS: [&str; 2] = [
    "Outbound referral to {specialty} for {name} (DOB {dob}, MRN {mrn}). Reason for referral: \
     {dx} with {symptom} despite {med}. Please send the consult note back to {provider}. The \
     patient can be reached at {phone} or {email}; address {street}, {place}.",
    "Referral packet for {name}, MRN {mrn}, date of birth {dob}: {specialty} consult requested \
     by {provider} for {dx}. Current therapy is {med}. Contact {phone} or {email}. Records \
     mailed to {street}, {place}.",
];

const CARE_PLAN_DESCRIPTIONS: [&str; 2] = [
    "Care plan for {name}, MRN {mrn}, born {dob}. Problem: {dx}. Medication: {med}. Goal: \
     relief of {symptom} within three months. Follow-up: {plan}. Outreach by phone at {phone}; \
     education materials mailed to {street}, {place}, or sent to {email}. Care lead: {provider}.",
    "Chronic care management plan: {name} (DOB {dob}, MRN {mrn}). Condition {dx}, treated \
     with {med}. Monitoring: {plan}. Monthly check-in calls to {phone}; summaries by e-mail \
     to {email}. Home: {street}, {place}.",
];

const NURSE_LINE_DESCRIPTIONS: [&str; 2] = [
    "Callback request from {name} (DOB {dob}) at {phone}: reports {symptom}. Chart shows {dx} \
     on {med}. MRN {mrn}. Lives at {street}, {place}; e-mail {email}. Triage nurse to call back today and \
     loop in {provider}.",
    "Nurse line: {name}, MRN {mrn}, DOB {dob}, called about {symptom} since yesterday. Known {dx}; \
     takes {med}. Best number {phone}, or e-mail {email}. Address on file {street}, {place}.",
];

/// Comment templates with the role of their author.
const COMMENTS: [(&str, StaffRole); 8] = [
    (
        "Reviewed the chart for {name}. Agree with {dx} as the working diagnosis; continue {med} \
      until the visit.",
        StaffRole::Provider,
    ),
    (
        "Left a voicemail for {name} at {phone} to confirm the appointment.",
        StaffRole::Admin,
    ),
    ("Plan discussed with {name}: {plan}.", StaffRole::Provider),
    (
        "Insurance eligibility verified for MRN {mrn}. No prior authorization needed for this \
      visit.",
        StaffRole::Billing,
    ),
    (
        "Portal invitation sent to {email}; {name} asked for paper copies as well, mailed to \
      {street}, {place}.",
        StaffRole::Admin,
    ),
    (
        "{name} reports {symptom} is a little better since starting {med}.",
        StaffRole::Provider,
    ),
    (
        "Date of birth {dob} matched against the ID card at check-in for {name}.",
        StaffRole::Admin,
    ),
    (
        "Coding note: visit documented for {dx}; claim held until the note is signed.",
        StaffRole::Billing,
    ),
];

const REPLIES: [&str; 3] = [
    "Thanks, I will review the chart for {name} before the visit.",
    "Confirmed with the patient by phone at {phone}.",
    "Noted. Please flag {name} if {symptom} gets worse.",
];

const BILLING_OPTIONS: [&str; 4] = ["Not billed", "Submitted", "Paid", "Denied"];
const VISIT_OPTIONS: [&str; 4] = ["New patient", "Follow-up", "Telehealth", "Referral"];

fn drop_down_config(store: &mut Store, names: &[&str]) -> Value {
    let options: Vec<Value> = names
        .iter()
        .enumerate()
        .map(|(i, name)| json!({"id": store.uuid(), "name": name, "color": null, "orderindex": i}))
        .collect();
    json!({"sorting": "manual", "new_drop_down": true, "options": options})
}

fn add_field(
    store: &mut Store,
    name: &str,
    kind: &str,
    type_config: Value,
    scope: FieldScope,
) -> NamedId {
    let id = store.uuid();
    let date_created = store.tick();
    store.fields.insert(
        id.clone(),
        Field {
            id: id.clone(),
            name: name.to_owned(),
            kind: kind.to_owned(),
            type_config,
            scope,
            date_created,
            hide_from_guests: kind != "drop_down",
        },
    );
    NamedId::new(id, name)
}

/// Builds the store, the ids and the planted values for a seed.
pub(crate) fn generate(seed: u64) -> (Store, SeededWorkspace, PlantedPhi) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let store_rng = ChaCha8Rng::seed_from_u64(rng.r#gen());
    let mut store = Store::new(store_rng);

    // Workspace and people.
    store.team_id = store
        .rng()
        .gen_range(9_010_000_000u64..9_019_999_999)
        .to_string();
    store.team_name = "Riverbend Family Health".to_owned();
    let mut members = Vec::new();
    let colors = [
        "#7b68ee", "#ff7fab", "#0ab4ff", "#f9d900", "#2ecd6f", "#e65100",
    ];
    for (i, (name, role)) in STAFF.iter().enumerate() {
        let id = store.rng().gen_range(40_000_000u64..49_999_999);
        let email = format!(
            "{}@riverbend-health.example",
            name.to_lowercase().replace(' ', ".").replace('-', "")
        );
        let (role_number, custom) = match role {
            StaffRole::Admin => (2, None),
            StaffRole::Provider => (3, Some((9001, "provider"))),
            StaffRole::Billing => (3, Some((9002, "billing"))),
            StaffRole::Guest => (4, None),
        };
        store.users.insert(
            id,
            User {
                id,
                username: (*name).to_owned(),
                email: email.clone(),
                color: colors[i % colors.len()].to_owned(),
                role: role_number,
                custom_role: custom.map(|(id, n)| (id, n.to_owned())),
            },
        );
        members.push(Member {
            id,
            username: (*name).to_owned(),
            email,
            role: *role,
        });
    }
    let guest_id = store.rng().gen_range(50_000_000u64..59_999_999);
    let guest = Member {
        id: guest_id,
        username: "Jordan Ellery".to_owned(),
        email: "jordan.ellery@lakeside-ortho.example".to_owned(),
        role: StaffRole::Guest,
    };
    store.users.insert(
        guest_id,
        User {
            id: guest_id,
            username: guest.username.clone(),
            email: guest.email.clone(),
            color: "#607d8b".into(),
            role: 4,
            custom_role: None,
        },
    );
    let ids_with = |role: StaffRole| -> Vec<u64> {
        members
            .iter()
            .filter(|m| m.role == role)
            .map(|m| m.id)
            .collect()
    };
    let providers = ids_with(StaffRole::Provider);
    let billing = ids_with(StaffRole::Billing);
    let admin = ids_with(StaffRole::Admin)[0];
    store.authorized_user = admin;

    // Spaces, folders, lists.
    let clinical = store.insert_space("Clinical", true);
    let operations = store.insert_space("Operations", false);
    let clinical_members: Vec<u64> = providers
        .iter()
        .copied()
        .chain(billing.iter().copied())
        .chain([admin])
        .collect();
    if let Some(s) = store.spaces.get_mut(&clinical) {
        s.members = clinical_members.clone();
        s.color = Some("#c62828".into());
    }
    if let Some(s) = store.spaces.get_mut(&operations) {
        s.members = store
            .users
            .values()
            .filter(|u| u.role != 4)
            .map(|u| u.id)
            .collect();
    }
    let intake_folder = store.insert_folder(&clinical, "Intake");
    let referrals_folder = store.insert_folder(&clinical, "Referrals");
    let care_folder = store.insert_folder(&clinical, "Care plans");
    let facilities_folder = store.insert_folder(&operations, "Facilities");
    let clinical_list_members: Vec<u64> = providers.iter().copied().chain([admin]).collect();
    let intake_list = store.insert_list(
        &clinical,
        Some(&intake_folder),
        "New patient intake",
        "Private: new patients waiting for a first visit.",
        clinical_list_members.clone(),
    );
    let referrals_list = store.insert_list(
        &clinical,
        Some(&referrals_folder),
        "Outbound referrals",
        "Private: referrals to specialists.",
        clinical_list_members.clone(),
    );
    let care_list = store.insert_list(
        &clinical,
        Some(&care_folder),
        "Active care plans",
        "Private: chronic care management.",
        clinical_list_members.clone(),
    );
    let nurse_list = store.insert_list(
        &clinical,
        None,
        "Nurse line callbacks",
        "Private: patient callback requests.",
        clinical_list_members,
    );
    let maintenance_list = store.insert_list(
        &operations,
        Some(&facilities_folder),
        "Maintenance requests",
        "Building and equipment.",
        vec![admin],
    );
    let front_desk_list = store.insert_list(
        &operations,
        None,
        "Front desk",
        "Daily front desk chores.",
        vec![admin],
    );
    store.guest_lists.push((guest_id, referrals_list.clone()));

    // Custom fields on the Clinical space.
    let scope = FieldScope::Space(clinical.clone());
    let f_name = add_field(
        &mut store,
        "Patient name",
        "short_text",
        json!({}),
        scope.clone(),
    );
    let f_dob = add_field(
        &mut store,
        "Date of birth",
        "date",
        json!({}),
        scope.clone(),
    );
    let f_mrn = add_field(&mut store, "MRN", "short_text", json!({}), scope.clone());
    let f_phone = add_field(&mut store, "Phone", "phone", json!({}), scope.clone());
    let f_dx = add_field(&mut store, "Diagnosis", "text", json!({}), scope.clone());
    let billing_config = drop_down_config(&mut store, &BILLING_OPTIONS);
    let f_billing = add_field(
        &mut store,
        "Billing status",
        "drop_down",
        billing_config,
        scope.clone(),
    );
    let visit_config = drop_down_config(&mut store, &VISIT_OPTIONS);
    let f_visit = add_field(&mut store, "Visit type", "drop_down", visit_config, scope);
    add_field(
        &mut store,
        "Cost center",
        "short_text",
        json!({}),
        FieldScope::Folder(facilities_folder.clone()),
    );

    for (space, tags) in [
        (
            &clinical,
            [
                "new-patient",
                "urgent",
                "awaiting-records",
                "follow-up",
                PATIENT_TAG,
            ],
        ),
        (
            &operations,
            ["supplies", "facilities", "it", "weekly", "signage"],
        ),
    ] {
        for tag in tags {
            store.ensure_tag(space, tag);
        }
    }

    // Patients and their cases.
    let plan: Vec<(CaseKind, &String, usize)> = [
        (CaseKind::Intake, &intake_list, 6),
        (CaseKind::Referral, &referrals_list, 4),
        (CaseKind::CarePlan, &care_list, 4),
        (CaseKind::NurseLine, &nurse_list, 3),
    ]
    .into_iter()
    .collect();
    let patient_count: usize = plan.iter().map(|(_, _, n)| n).sum();
    let patients = make_patients(&mut rng, patient_count);
    let mut intake_tasks = Vec::new();
    let mut clinical_tasks = Vec::new();
    let mut custom_task_ids = BTreeMap::new();
    let mut next_patient = 0;
    for (kind, list_id, count) in plan {
        for _ in 0..count {
            let p = &patients[next_patient];
            next_patient += 1;
            let provider_id = providers[rng.gen_range(0..providers.len())];
            let provider = store.users[&provider_id].username.clone();
            let (templates, name_prefix): (&[&str], &str) = match kind {
                CaseKind::Intake => (&INTAKE_DESCRIPTIONS, "Intake"),
                CaseKind::Referral => (&REFERRAL_DESCRIPTIONS, "Referral"),
                CaseKind::CarePlan => (&CARE_PLAN_DESCRIPTIONS, "Care plan"),
                CaseKind::NurseLine => (&NURSE_LINE_DESCRIPTIONS, "Callback"),
            };
            let description = fill(templates[rng.gen_range(0..templates.len())], p, &provider);
            let mut values = BTreeMap::new();
            values.insert(f_name.id.clone(), json!(p.name));
            values.insert(f_dob.id.clone(), json!(p.dob_ms.to_string()));
            values.insert(f_mrn.id.clone(), json!(p.mrn));
            values.insert(f_phone.id.clone(), json!(p.phone));
            values.insert(f_dx.id.clone(), json!(p.condition.diagnosis));
            values.insert(
                f_billing.id.clone(),
                json!(rng.gen_range(0..BILLING_OPTIONS.len())),
            );
            let visit = match kind {
                CaseKind::Intake => 0,
                CaseKind::Referral => 3,
                CaseKind::CarePlan => 1,
                CaseKind::NurseLine => 2,
            };
            values.insert(f_visit.id.clone(), json!(visit));
            let kind_tag = match kind {
                CaseKind::Intake => "new-patient",
                CaseKind::Referral => "awaiting-records",
                CaseKind::CarePlan => "follow-up",
                CaseKind::NurseLine => "urgent",
            };
            let tags = vec![kind_tag.to_owned(), PATIENT_TAG.to_owned()];
            let status = ["to do", "in progress", "review"][rng.gen_range(0..3)].to_owned();
            let task_name = format!("{name_prefix}: {}", p.name);
            let task_id = store.insert_task(NewTask {
                list_id: list_id.clone(),
                name: task_name.clone(),
                description,
                status,
                parent: None,
                assignees: vec![provider_id],
                tags,
                priority: Some(rng.gen_range(2..=3)),
                due_date: Some(crate::clickup::state::EPOCH_MS + 86_400_000 * rng.gen_range(3..30)),
                field_values: values,
            });
            let custom_id = format!("{}-{}", custom_prefix(kind), 101 + clinical_tasks.len());
            if let Some(task) = store.tasks.get_mut(&task_id) {
                task.custom_id = Some(custom_id.clone());
            }
            custom_task_ids.insert(task_id.clone(), custom_id);
            clinical_tasks.push(NamedId::new(task_id.clone(), task_name.clone()));
            if kind == CaseKind::Intake {
                intake_tasks.push(NamedId::new(task_id.clone(), task_name));
                store.insert_task(NewTask {
                    list_id: list_id.clone(),
                    name: format!("Obtain prior records for {}", p.name),
                    description: fill(
                        "Request records for MRN {mrn} from the previous clinic.",
                        p,
                        &provider,
                    ),
                    status: "to do".into(),
                    parent: Some(task_id.clone()),
                    assignees: vec![admin],
                    tags: Vec::new(),
                    priority: None,
                    due_date: None,
                    field_values: BTreeMap::new(),
                });
                store.insert_checklist(
                    &task_id,
                    "Intake checklist",
                    &[
                        "Verify insurance",
                        "Collect medication list",
                        "Schedule new patient visit",
                    ],
                );
            }

            // The comment thread: three to five comments, one with a reply.
            let mut order: Vec<usize> = (0..COMMENTS.len()).collect();
            order.shuffle(&mut rng);
            let n_comments = rng.gen_range(3..=5);
            let mut first_comment = None;
            for &c in order.iter().take(n_comments) {
                let (template, role) = COMMENTS[c];
                let author = match role {
                    StaffRole::Provider => provider_id,
                    StaffRole::Billing => billing[rng.gen_range(0..billing.len())],
                    _ => admin,
                };
                let text = fill(template, p, &provider);
                let id =
                    store.insert_comment(CommentParent::Task(task_id.clone()), &text, author, None);
                first_comment.get_or_insert(id);
            }
            if let Some(parent) = first_comment {
                let reply = fill(REPLIES[rng.gen_range(0..REPLIES.len())], p, &provider);
                store.insert_comment(CommentParent::Comment(parent), &reply, provider_id, None);
            }
        }
    }

    // Operations: maintenance and a long front desk list, none of it PHI.
    for (i, what) in [
        "Replace HVAC filter in suite B",
        "Fix sticking door in exam room 2",
        "Service the autoclave",
        "Repaint the waiting room accent wall",
        "Inspect fire extinguishers",
        "Replace flickering light in hallway",
    ]
    .iter()
    .enumerate()
    {
        store.insert_task(NewTask {
            list_id: maintenance_list.clone(),
            name: (*what).to_owned(),
            description: format!("Facilities request {}: {what}.", i + 1),
            status: ["to do", "in progress", "complete"][i % 3].into(),
            parent: None,
            assignees: vec![admin],
            tags: vec!["facilities".into()],
            priority: Some(3),
            due_date: None,
            field_values: BTreeMap::new(),
        });
    }
    for i in 0..FRONT_DESK_TASKS {
        let item = FRONT_DESK_ITEMS[rng.gen_range(0..FRONT_DESK_ITEMS.len())];
        store.insert_task(NewTask {
            list_id: front_desk_list.clone(),
            name: format!("{item} {}", rng.gen_range(1..9)),
            description: format!("Front desk chore number {}.", i + 1),
            status: "to do".into(),
            parent: None,
            assignees: Vec::new(),
            tags: vec!["supplies".into()],
            priority: None,
            due_date: None,
            field_values: BTreeMap::new(),
        });
    }
    store.insert_comment(
        CommentParent::List(front_desk_list.clone()),
        "Reminder: supply order goes out on Thursdays.",
        admin,
        None,
    );

    // Views, one of them a chat view with a non-PHI conversation.
    let board = store.insert_view(
        ViewParent::Space(clinical.clone()),
        "Clinical board",
        "board",
        Default::default(),
    );
    let intake_view = store.insert_view(
        ViewParent::List(intake_list.clone()),
        "Intake queue",
        "list",
        Default::default(),
    );
    let chat = store.insert_view(
        ViewParent::Space(operations.clone()),
        "Front desk chat",
        "conversation",
        Default::default(),
    );
    store.insert_comment(
        CommentParent::View(chat.clone()),
        "Coffee machine is fixed.",
        admin,
        None,
    );
    let views = vec![
        NamedId::new(board, "Clinical board"),
        NamedId::new(intake_view, "Intake queue"),
        NamedId::new(chat, "Front desk chat"),
    ];

    // Webhooks registered by the integration.
    let hook_clinical = store.insert_webhook(
        "https://hooks.riverbend-health.example/clickup/clinical",
        vec![
            "taskCreated".into(),
            "taskUpdated".into(),
            "taskCommentPosted".into(),
        ],
        WebhookLocation {
            space_id: Some(clinical.clone()),
            ..Default::default()
        },
    );
    let hook_all = store.insert_webhook(
        "https://hooks.riverbend-health.example/clickup/all",
        crate::clickup::routes::parse_events(Some(&json!("*"))).unwrap_or_default(),
        WebhookLocation::default(),
    );

    let mut identifiers: Vec<String> = Vec::new();
    let mut clinical_values: Vec<String> = Vec::new();
    let push = |list: &mut Vec<String>, v: &str| {
        if !list.iter().any(|x| x == v) {
            list.push(v.to_owned());
        }
    };
    for p in &patients {
        for v in [
            &p.name,
            &p.dob_text,
            &p.mrn,
            &p.phone,
            &p.street,
            &p.place,
            &p.email,
        ] {
            push(&mut identifiers, v);
        }
        // The date of birth as the custom field holds it (Unix ms).
        push(&mut identifiers, &p.dob_ms.to_string());
        push(&mut clinical_values, p.condition.diagnosis);
        push(&mut clinical_values, p.condition.medication);
    }

    let named = |id: &str, store: &Store| -> NamedId {
        let name = store
            .spaces
            .get(id)
            .map(|s| s.name.clone())
            .or_else(|| store.folders.get(id).map(|f| f.name.clone()))
            .or_else(|| store.lists.get(id).map(|l| l.name.clone()))
            .unwrap_or_default();
        NamedId::new(id, name)
    };
    let workspace = SeededWorkspace {
        workspace: NamedId::new(store.team_id.clone(), store.team_name.clone()),
        authorized_user: admin,
        members,
        guest,
        clinical_space: named(&clinical, &store),
        operations_space: named(&operations, &store),
        intake_folder: named(&intake_folder, &store),
        referrals_folder: named(&referrals_folder, &store),
        care_plans_folder: named(&care_folder, &store),
        intake_list: named(&intake_list, &store),
        referrals_list: named(&referrals_list, &store),
        care_plans_list: named(&care_list, &store),
        nurse_line_list: named(&nurse_list, &store),
        facilities_folder: named(&facilities_folder, &store),
        maintenance_list: named(&maintenance_list, &store),
        front_desk_list: named(&front_desk_list, &store),
        clinical_fields: ClinicalFields {
            patient_name: f_name,
            date_of_birth: f_dob,
            mrn: f_mrn,
            phone: f_phone,
            diagnosis: f_dx,
            billing_status: f_billing,
            visit_type: f_visit,
        },
        intake_tasks,
        clinical_tasks,
        custom_task_ids,
        webhooks: vec![hook_clinical, hook_all],
        views,
    };
    (
        store,
        workspace,
        PlantedPhi {
            identifiers,
            clinical: clinical_values,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_days_match_known_dates() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        assert_eq!(days_from_civil(1969, 12, 31), -1);
    }

    #[test]
    fn every_planted_value_appears_in_the_workspace_text() {
        let (store, _, planted) = generate(DEFAULT_SEED);
        let mut text = String::new();
        for t in store.tasks.values() {
            text.push_str(&t.name);
            text.push_str(&t.description);
            for v in t.field_values.values() {
                text.push_str(&v.to_string());
            }
        }
        for c in store.comments.values() {
            text.push_str(&c.text);
        }
        for v in planted.identifiers.iter().chain(&planted.clinical) {
            assert!(
                text.contains(v.as_str()),
                "planted value {v:?} is not in the workspace"
            );
        }
        assert!(planted.identifiers.len() >= 17 * 6);
    }

    #[test]
    fn names_appear_only_in_full() {
        let (store, _, planted) = generate(DEFAULT_SEED);
        let mut text = String::new();
        for t in store.tasks.values() {
            text.push_str(&t.name);
            text.push(' ');
            text.push_str(&t.description);
            text.push(' ');
        }
        for c in store.comments.values() {
            text.push_str(&c.text);
            text.push(' ');
        }
        let names: Vec<&String> = planted
            .identifiers
            .iter()
            .filter(|v| {
                PATIENT_FIRST
                    .iter()
                    .any(|f| v.starts_with(&format!("{f} ")))
            })
            .collect();
        assert_eq!(names.len(), 17);
        for name in names {
            let (first, last) = name.split_once(' ').unwrap();
            let full = text.matches(name.as_str()).count();
            assert!(full > 0);
            assert_eq!(text.matches(first).count(), full, "{first} alone");
            assert_eq!(text.matches(last).count(), full, "{last} alone");
        }
    }

    #[test]
    fn operations_space_holds_no_planted_phi() {
        let (store, ws, planted) = generate(DEFAULT_SEED);
        for t in store.tasks.values() {
            let space = &store.lists[&t.list_id].space_id;
            if *space == ws.operations_space.id {
                assert!(planted.found_in(&t.name).is_empty());
                assert!(planted.found_in(&t.description).is_empty());
            }
        }
    }
}
