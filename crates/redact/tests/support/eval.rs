//! Scoring detected spans against annotated sets. Shared by the
//! `accuracy` test (samples) and the `eval` example (full sets).
#![allow(dead_code, unreachable_pub)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use phiguard_phi::PhiCategory;
use phiguard_redact::{RedactionSession, Redactor, Span};

/// One annotated text.
pub struct Document {
    pub text: String,
    pub gold: Vec<Gold>,
}

/// One annotated span, in code points.
pub struct Gold {
    pub start: usize,
    pub end: usize,
    /// The set's own label (NAME, PERSON, ...).
    pub label: String,
    /// What it counts as; `None` when it is not a Safe Harbor identifier
    /// (then detections over it are neither right nor wrong).
    pub category: Option<PhiCategory>,
}

/// The shared folder beside the repository, if present.
pub fn shared() -> Option<PathBuf> {
    let path = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared"));
    path.exists().then_some(path)
}

/// Runs `gen_text.py` and reads its text and gold spans.
pub fn gen_text(shared: &Path, bytes: usize, seed: u64) -> Option<Document> {
    let dir = tempfile::tempdir().ok()?;
    let out = dir.path().join("synth.txt");
    let status = Command::new("python3")
        .arg(shared.join("bench/gen_text.py"))
        .arg(&out)
        .args(["--bytes", &bytes.to_string(), "--seed", &seed.to_string()])
        .output()
        .ok()?;
    if !status.status.success() {
        return None;
    }
    let text = std::fs::read_to_string(&out).ok()?;
    let spans = std::fs::read_to_string(dir.path().join("synth.txt.spans.jsonl")).ok()?;
    let mut gold = Vec::new();
    for line in spans.lines() {
        let v: serde_json::Value = serde_json::from_str(line).ok()?;
        let label = v["type"].as_str()?.to_string();
        let value = v["text"].as_str()?;
        let category = gen_text_category(&label, value);
        gold.push(Gold {
            start: v["start"].as_u64()? as usize,
            end: v["end"].as_u64()? as usize,
            label,
            category,
        });
    }
    Some(Document { text, gold })
}

fn age_over_89(value: &str) -> bool {
    value.trim().parse::<u32>().is_ok_and(|age| age >= 90)
}

/// gen_text.py labels to categories. Ages up to 89 are not identifiers
/// under Safe Harbor, so they are not scored.
fn gen_text_category(label: &str, value: &str) -> Option<PhiCategory> {
    use PhiCategory as C;
    Some(match label {
        "NAME" => C::Name,
        "PHONE" => C::Phone,
        "EMAIL" => C::Email,
        "SSN" => C::Ssn,
        "MRN" => C::MedicalRecordNumber,
        "DATE" => C::Date,
        "ADDRESS" | "ZIP" => C::GeographicSubdivision,
        "AGE" if age_over_89(value) => C::Date,
        "IP" => C::IpAddress,
        "URL" => C::Url,
        "ACCOUNT" => C::AccountNumber,
        _ => return None,
    })
}

const REGIONS: &str = include_str!("../../data/regions.txt");
const WEEKDAYS: &[&str] = &[
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];
const MONTHS: &[&str] = &[
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];

/// presidio-research labels to categories. Organizations, titles and
/// nationalities are not Safe Harbor identifiers; neither are countries
/// and states (larger than a state), years alone, weekdays and times of
/// day, or ages up to 89.
fn presidio_category(label: &str, value: &str) -> Option<PhiCategory> {
    use PhiCategory as C;
    let lower = value.trim().to_lowercase();
    Some(match label {
        "PERSON" => C::Name,
        "STREET_ADDRESS" | "ZIP_CODE" => C::GeographicSubdivision,
        "GPE" => {
            let region = REGIONS
                .lines()
                .any(|r| r.eq_ignore_ascii_case(value.trim()));
            if region {
                return None;
            }
            C::GeographicSubdivision
        }
        "DATE_TIME" => {
            let has_month = MONTHS.iter().any(|m| lower.contains(m));
            let numeric = lower.chars().filter(char::is_ascii_digit).count() >= 3
                && lower.contains(['/', '-', '.']);
            let day_number = lower.chars().any(|c| c.is_ascii_digit());
            let weekday_only = WEEKDAYS.iter().any(|d| lower == *d);
            if weekday_only || !(numeric || has_month && day_number) {
                return None;
            }
            C::Date
        }
        "AGE" if age_over_89(value) => C::Date,
        "PHONE_NUMBER" => C::Phone,
        "EMAIL_ADDRESS" => C::Email,
        "US_SSN" => C::Ssn,
        "IP_ADDRESS" => C::IpAddress,
        "CREDIT_CARD" | "IBAN_CODE" => C::AccountNumber,
        "US_DRIVER_LICENSE" => C::CertificateLicenseNumber,
        "DOMAIN_NAME" => C::Url,
        _ => return None,
    })
}

/// Reads presidio-research's synth_dataset_v2.json; `limit` keeps the
/// first so many sentences.
pub fn presidio(shared: &Path, limit: usize) -> Option<Vec<Document>> {
    let raw =
        std::fs::read_to_string(shared.join("data/presidio-synth/synth_dataset_v2.json")).ok()?;
    let items: serde_json::Value = serde_json::from_str(&raw).ok()?;
    let mut docs = Vec::new();
    for item in items.as_array()?.iter().take(limit) {
        let text = item["full_text"].as_str()?.to_string();
        let mut gold = Vec::new();
        for s in item["spans"].as_array()? {
            let label = s["entity_type"].as_str()?.to_string();
            let value = s["entity_value"].as_str().unwrap_or("");
            gold.push(Gold {
                start: s["start_position"].as_u64()? as usize,
                end: s["end_position"].as_u64()? as usize,
                category: presidio_category(&label, value),
                label,
            });
        }
        docs.push(Document { text, gold });
    }
    Some(docs)
}

/// The crate's own hard cases: one case a line, identifiers written as
/// `{{category:text}}` with the snake-case category name; `#` lines are
/// comments.
pub fn clinical_cases() -> Vec<Document> {
    const CASES: &str = include_str!("../data/clinical_cases.txt");
    let mut docs = Vec::new();
    for line in CASES.lines() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let mut text = String::new();
        let mut gold = Vec::new();
        let mut rest = line;
        while let Some(open) = rest.find("{{") {
            text.push_str(&rest[..open]);
            let after = &rest[open + 2..];
            let close = after.find("}}").expect("annotation closes");
            let (label, value) = after[..close].split_once(':').expect("category:text");
            let start = text.chars().count();
            text.push_str(value);
            let category: PhiCategory = label.parse().expect("known category");
            gold.push(Gold {
                start,
                end: text.chars().count(),
                label: label.to_string(),
                category: Some(category),
            });
            rest = &after[close + 2..];
        }
        text.push_str(rest);
        docs.push(Document { text, gold });
    }
    docs
}

/// Detections in code points.
pub struct Found {
    pub start: usize,
    pub end: usize,
    pub category: PhiCategory,
}

pub fn detect(redactor: &Redactor, text: &str) -> Vec<Found> {
    let mut session = RedactionSession::new();
    let spans = redactor
        .detect(text, &mut session)
        .expect("detection succeeds");
    to_code_points(text, &spans)
}

fn to_code_points(text: &str, spans: &[Span]) -> Vec<Found> {
    let mut out = Vec::with_capacity(spans.len());
    let (mut byte, mut chars) = (0, 0);
    for s in spans {
        chars += text[byte..s.start].chars().count();
        let start = chars;
        chars += text[s.start..s.end].chars().count();
        byte = s.end;
        out.push(Found {
            start,
            end: chars,
            category: s.category,
        });
    }
    out
}

/// Counts for one set.
#[derive(Default)]
pub struct Score {
    /// Per gold label: (gold, hit by overlap, hit exactly, hit with the right category).
    pub recall: BTreeMap<String, [u64; 4]>,
    /// Per detected category: (detections, overlapping a scored gold span, exact, ignored).
    pub precision: BTreeMap<PhiCategory, [u64; 4]>,
}

impl Score {
    pub fn add(&mut self, doc: &Document, found: &[Found]) {
        for g in &doc.gold {
            let Some(category) = g.category else { continue };
            let overlapping: Vec<&Found> = found
                .iter()
                .filter(|f| f.start < g.end && g.start < f.end)
                .collect();
            let row = self.recall.entry(g.label.clone()).or_default();
            row[0] += 1;
            row[1] += u64::from(!overlapping.is_empty());
            row[2] += u64::from(
                overlapping
                    .iter()
                    .any(|f| f.start == g.start && f.end == g.end),
            );
            row[3] += u64::from(overlapping.iter().any(|f| same_kind(f.category, category)));
        }
        for f in found {
            let row = self.precision.entry(f.category).or_default();
            row[0] += 1;
            let overlaps = |g: &&Gold| f.start < g.end && g.start < f.end;
            if doc
                .gold
                .iter()
                .filter(overlaps)
                .any(|g| g.category.is_some())
            {
                row[1] += 1;
                row[2] += u64::from(
                    doc.gold
                        .iter()
                        .any(|g| g.start == f.start && g.end == f.end),
                );
            } else if doc.gold.iter().any(|g| overlaps(&g)) {
                row[3] += 1;
            }
        }
    }

    /// (recall by overlap, recall exact, precision by overlap, precision exact)
    pub fn totals(&self) -> (f64, f64, f64, f64) {
        let r = self.recall.values().fold([0u64; 4], |a, r| {
            [a[0] + r[0], a[1] + r[1], a[2] + r[2], a[3] + r[3]]
        });
        let p = self.precision.values().fold([0u64; 4], |a, r| {
            [a[0] + r[0], a[1] + r[1], a[2] + r[2], a[3] + r[3]]
        });
        let judged = (p[0] - p[3]) as f64;
        (
            ratio(r[1], r[0]),
            ratio(r[2], r[0]),
            if judged > 0.0 {
                p[1] as f64 / judged
            } else {
                0.0
            },
            if judged > 0.0 {
                p[2] as f64 / judged
            } else {
                0.0
            },
        )
    }

    pub fn label_recall(&self, label: &str) -> f64 {
        self.recall.get(label).map_or(0.0, |r| ratio(r[1], r[0]))
    }

    pub fn table(&self, title: &str) -> String {
        let mut out = format!("\n## {title}\n\n");
        out.push_str("| gold label | gold | recall (overlap) | recall (exact) | right category |\n|---|---:|---:|---:|---:|\n");
        for (label, r) in &self.recall {
            out.push_str(&format!(
                "| {label} | {} | {:.3} | {:.3} | {:.3} |\n",
                r[0],
                ratio(r[1], r[0]),
                ratio(r[2], r[0]),
                ratio(r[3], r[0])
            ));
        }
        out.push_str("\n| detected category | spans | precision (overlap) | precision (exact) | over ignored gold |\n|---|---:|---:|---:|---:|\n");
        for (category, p) in &self.precision {
            let judged = p[0] - p[3];
            out.push_str(&format!(
                "| {category} | {} | {:.3} | {:.3} | {} |\n",
                p[0],
                ratio(p[1], judged),
                ratio(p[2], judged),
                p[3]
            ));
        }
        let (r, re, p, pe) = self.totals();
        out.push_str(&format!(
            "\n**all**: recall {r:.3} (exact {re:.3}), precision {p:.3} (exact {pe:.3})\n"
        ));
        out
    }
}

/// Phone and fax are both telephone numbers; the generator labels fax
/// numbers PHONE. Other unique identifiers stand in for any number.
fn same_kind(found: PhiCategory, gold: PhiCategory) -> bool {
    use PhiCategory as C;
    found == gold
        || matches!((found, gold), (C::Fax, C::Phone) | (C::Phone, C::Fax))
        || found == C::OtherUniqueIdentifier
            && !matches!(gold, C::Name | C::GeographicSubdivision | C::Date)
}

fn ratio(a: u64, b: u64) -> f64 {
    if b == 0 { 0.0 } else { a as f64 / b as f64 }
}

/// The figures `presidio_bench.py` and `scrubadub_bench.py` print, counted
/// the same way for comparison: every gold span of every label (ages up to
/// 89 included), recall by any overlap and by one span covering it fully,
/// and the share of detected spans that touch any gold span.
pub fn anchor_style(doc: &Document, found: &[Found]) -> (f64, f64, f64) {
    let mut overlap = 0u64;
    let mut full = 0u64;
    for g in &doc.gold {
        let hits: Vec<&Found> = found
            .iter()
            .filter(|f| f.start < g.end && g.start < f.end)
            .collect();
        overlap += u64::from(!hits.is_empty());
        full += u64::from(hits.iter().any(|f| f.start <= g.start && f.end >= g.end));
    }
    let touching = found
        .iter()
        .filter(|f| doc.gold.iter().any(|g| f.start < g.end && g.start < f.end))
        .count() as u64;
    let n = doc.gold.len() as u64;
    (
        ratio(overlap, n),
        ratio(full, n),
        ratio(touching, found.len() as u64),
    )
}
