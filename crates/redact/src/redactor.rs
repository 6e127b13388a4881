//! The redactor: detectors and operators composed.

use std::cmp::Reverse;
use std::collections::{BTreeMap, HashSet};
use std::fmt;

use phiguard_phi::{Phi, PhiCategory};

use crate::detect::{Detector, NameDetector, PatternDetector, TermDetector};
use crate::error::RedactError;
use crate::operators::{Operator, OperatorContext, VaultToken};
use crate::session::RedactionSession;
use crate::span::Span;

/// Runs detectors over text and replaces what they find.
///
/// Build one with [`Redactor::safe_harbor`] (every built-in detector,
/// vault tokens for every identifier) or [`Redactor::builder`]. A
/// redactor holds no per-patient state and can be shared between threads;
/// the state lives in the [`RedactionSession`] passed to each call.
///
/// # How spans are combined
///
/// Every detector runs over the whole text. Spans whose text is on the
/// allow-list (compared without regard to case) are dropped, as are spans
/// of clinical categories (clinical content is left as is). Overlaps are
/// then resolved deterministically, the most specific and longest first:
/// known values and deny-list terms beat pattern matches (e-mail, dates,
/// numbers, addresses: anything from a detector other than the word-list
/// detector), which beat word-list matches (names, cities); within a tier
/// the longer span wins, then the more confident one, then the earlier
/// one. A span that overlaps one already kept is dropped.
pub struct Redactor {
    detectors: Vec<Box<dyn Detector>>,
    deny: Option<TermDetector>,
    allow: HashSet<String>,
    operators: BTreeMap<PhiCategory, Box<dyn Operator>>,
    default_operator: Box<dyn Operator>,
}

impl fmt::Debug for Redactor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let detectors: Vec<&str> = self.detectors.iter().map(|d| d.name()).collect();
        let operators: BTreeMap<&PhiCategory, &str> =
            self.operators.iter().map(|(c, o)| (c, o.name())).collect();
        f.debug_struct("Redactor")
            .field("detectors", &detectors)
            .field("deny_list", &self.deny.is_some())
            .field("allow_list", &self.allow.len())
            .field("operators", &operators)
            .field("default_operator", &self.default_operator.name())
            .finish()
    }
}

/// The result of one redaction.
///
/// Debug shows the counts only: the text may hold clinical content, and if
/// a detector missed an identifier, that too.
pub struct Redaction {
    text: String,
    spans: Vec<Span>,
    counts: BTreeMap<PhiCategory, u64>,
}

impl fmt::Debug for Redaction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Redaction")
            .field("bytes", &self.text.len())
            .field("spans", &self.spans.len())
            .field("counts", &self.counts)
            .finish()
    }
}

impl Redaction {
    /// The redacted text: identifiers replaced, everything else as it was.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The redacted text, owned.
    pub fn into_text(self) -> String {
        self.text
    }

    /// The spans that were replaced, in order, with offsets into the
    /// original text.
    pub fn spans(&self) -> &[Span] {
        &self.spans
    }

    /// How many spans of each category were replaced (for audit records).
    pub fn counts(&self) -> &BTreeMap<PhiCategory, u64> {
        &self.counts
    }
}

impl Redactor {
    /// The default: every built-in identifier detector, and a vault token
    /// for every identifier.
    pub fn safe_harbor() -> Redactor {
        Redactor::builder()
            .safe_harbor_detectors()
            .build()
            .expect("the built-in configuration is valid")
    }

    /// A builder with no detector and vault tokens as the default operator.
    pub fn builder() -> RedactorBuilder {
        RedactorBuilder {
            detectors: Vec::new(),
            deny: Vec::new(),
            allow: HashSet::new(),
            operators: BTreeMap::new(),
            default_operator: Box::new(VaultToken),
        }
    }

    /// The identifier spans in `text`, resolved and in order, without
    /// replacing anything. The session contributes its known values.
    ///
    /// # Errors
    ///
    /// When a detector fails or returns a span that is not on character
    /// boundaries of `text`.
    pub fn detect(
        &self,
        text: &str,
        session: &mut RedactionSession,
    ) -> Result<Vec<Span>, RedactError> {
        let mut spans = Vec::new();
        for detector in &self.detectors {
            run(detector.as_ref(), text, &mut spans)?;
        }
        if let Some(deny) = &self.deny {
            run(deny, text, &mut spans)?;
        }
        if let Some(known) = session.known_detector() {
            run(known, text, &mut spans)?;
        }

        spans.retain(|s| s.category.is_identifier());
        if !self.allow.is_empty() {
            spans.retain(|s| {
                !self
                    .allow
                    .contains(&text[s.start..s.end].trim().to_lowercase())
            });
        }
        Ok(resolve(text, spans))
    }

    /// Redacts `text`: every identifier span replaced by its category's
    /// operator.
    ///
    /// # Errors
    ///
    /// When a detector or an operator fails. Nothing of the text should
    /// be sent anywhere then.
    pub fn redact(
        &self,
        text: &str,
        session: &mut RedactionSession,
    ) -> Result<Redaction, RedactError> {
        let spans = self.detect(text, session)?;
        let span_bytes = spans.iter().map(|s| s.end - s.start).sum();
        let mut out = String::with_capacity(text.len() + text.len() / 8);
        let mut counts = BTreeMap::new();
        let mut context = OperatorContext::new(session).with_vault_room(spans.len(), span_bytes);
        let mut last = 0;
        for span in &spans {
            out.push_str(&text[last..span.start]);
            let operator = self
                .operators
                .get(&span.category)
                .unwrap_or(&self.default_operator);
            operator
                .apply(span, &text[span.start..span.end], &mut context, &mut out)
                .map_err(|source| RedactError::Operator {
                    operator: operator.name().to_string(),
                    category: span.category,
                    source,
                })?;
            *counts.entry(span.category).or_insert(0) += 1;
            last = span.end;
        }
        out.push_str(&text[last..]);
        Ok(Redaction {
            text: out,
            spans,
            counts,
        })
    }

    /// Redacts a PHI text and returns the result as PHI of the same
    /// category: redacted clinical text is still clinical content.
    ///
    /// # Errors
    ///
    /// As [`Redactor::redact`].
    pub fn redact_phi(
        &self,
        text: &Phi<String>,
        session: &mut RedactionSession,
    ) -> Result<Phi<String>, RedactError> {
        let redaction = self.redact(text.expose_phi(), session)?;
        Ok(Phi::new(redaction.into_text(), text.category()))
    }
}

fn run(detector: &dyn Detector, text: &str, spans: &mut Vec<Span>) -> Result<(), RedactError> {
    let before = spans.len();
    detector
        .detect(text, spans)
        .map_err(|source| RedactError::Detector {
            detector: detector.name().to_string(),
            source,
        })?;
    let valid = spans[before..].iter().all(|s| {
        s.start < s.end
            && s.end <= text.len()
            && text.is_char_boundary(s.start)
            && text.is_char_boundary(s.end)
    });
    if !valid {
        return Err(RedactError::InvalidSpan {
            detector: detector.name().to_string(),
        });
    }
    Ok(())
}

fn tier(span: &Span) -> u8 {
    match span.detector.as_ref() {
        "known_values" | "deny_list" => 3,
        "names" => 1,
        _ => 2,
    }
}

/// The sort key of a span in [`resolve`]: tier, length and confidence
/// descending, then start, category and position in the input.
type RankKey = (
    Reverse<u8>,
    Reverse<usize>,
    Reverse<i32>,
    usize,
    PhiCategory,
    usize,
);

/// An integer that orders like [`f32::total_cmp`] orders the floats.
fn total_order_key(value: f32) -> i32 {
    // Flipping the magnitude bits of negative numbers turns the sign and
    // magnitude encoding into one that compares as a two's complement
    // integer, the way the standard library's `total_cmp` does.
    let bits = value.to_bits() as i32;
    bits ^ (((bits >> 31) as u32) >> 1) as i32
}

/// Keeps the most specific and longest spans. A span that overlaps one
/// already kept loses the overlap: what sticks out on either side is kept
/// when it still holds two letters or digits ("Barbara Yudina Apt" against
/// an address "Apt. 675" keeps "Barbara Yudina"). Returns them in text
/// order.
fn resolve(text: &str, mut spans: Vec<Span>) -> Vec<Span> {
    // Spans interact only with spans they overlap, directly or through
    // others: cut the input into such clusters, in text order, and settle
    // each on its own. Most clusters hold one span, kept as it is. The
    // sort is stable, so spans with the same start keep their input order
    // (which breaks ties when a cluster is settled); detectors report in
    // text order, so it is mostly a merge of runs.
    spans.sort_by_key(|s| s.start);
    let mut out: Vec<Span> = Vec::with_capacity(spans.len());
    let mut cluster: Vec<Span> = Vec::new();
    let mut cluster_end = 0;
    for span in spans {
        if !cluster.is_empty() && span.start >= cluster_end {
            settle(text, &mut cluster, &mut out);
        }
        cluster_end = if cluster.is_empty() {
            span.end
        } else {
            cluster_end.max(span.end)
        };
        cluster.push(span);
    }
    settle(text, &mut cluster, &mut out);
    out
}

/// Settles one cluster of overlapping spans (given in the order they came
/// in, which breaks ties) and appends what is kept to `out`, in text
/// order.
fn settle(text: &str, cluster: &mut Vec<Span>, out: &mut Vec<Span>) {
    if cluster.len() <= 1 {
        out.append(cluster);
        return;
    }
    // The tier compares detector names: work it out once per span, not
    // once per comparison. Sorting small keys is cheaper than sorting the
    // spans; the index as the last key keeps the order of a stable sort.
    let mut keys: Vec<RankKey> = cluster
        .iter()
        .enumerate()
        .map(|(index, s)| {
            (
                Reverse(tier(s)),
                Reverse(s.len()),
                Reverse(total_order_key(s.confidence)),
                s.start,
                s.category,
                index,
            )
        })
        .collect();
    keys.sort_unstable();
    let first_out = out.len();
    let mut kept: BTreeMap<usize, usize> = BTreeMap::new();
    for key in &keys {
        let span = &cluster[key.5];
        let first = kept
            .range(..span.end)
            .rev()
            .take_while(|(_, end)| **end > span.start)
            .last();
        let Some((&first_start, _)) = first else {
            kept.insert(span.start, span.end);
            out.push(span.clone());
            continue;
        };
        let last_end = kept
            .range(..span.end)
            .next_back()
            .map_or(span.end, |(_, &end)| end);
        let pieces = [
            (span.start, first_start.max(span.start)),
            (last_end.min(span.end), span.end),
        ];
        for (start, end) in pieces {
            if let Some((start, end)) = trimmed(text, start, end) {
                kept.insert(start, end);
                let mut piece = span.clone();
                piece.start = start;
                piece.end = end;
                out.push(piece);
            }
        }
    }
    out[first_out..].sort_by_key(|s| s.start);
    cluster.clear();
}

/// `start..end` without surrounding spaces and punctuation, if at least
/// two letters or digits remain.
fn trimmed(text: &str, start: usize, end: usize) -> Option<(usize, usize)> {
    if start >= end {
        return None;
    }
    let piece = &text[start..end];
    let inner = piece.trim_matches(|c: char| !c.is_alphanumeric());
    if inner.chars().filter(|c| c.is_alphanumeric()).count() < 2 {
        return None;
    }
    let offset = piece.len()
        - piece
            .trim_start_matches(|c: char| !c.is_alphanumeric())
            .len();
    Some((start + offset, start + offset + inner.len()))
}

/// Builds a [`Redactor`].
///
/// ```
/// use phiguard_phi::PhiCategory;
/// use phiguard_redact::operators::{DateToYear, Tag, Zip3};
/// use phiguard_redact::{Redactor, RedactionSession};
///
/// let redactor = Redactor::builder()
///     .safe_harbor_detectors()
///     .default_operator(Tag)
///     .operator(PhiCategory::Date, DateToYear)
///     .operator(PhiCategory::GeographicSubdivision, Zip3::new())
///     .allow("Parkinson")
///     .deny("Riverbend Clinic", PhiCategory::GeographicSubdivision)
///     .build()
///     .unwrap();
///
/// let text = "Seen 03/14/2021 at riverbend clinic, ZIP 62704, by Dr. Ada Quill.";
/// let redaction = redactor.redact(text, &mut RedactionSession::new()).unwrap();
/// assert_eq!(redaction.text(), "Seen 2021 at [PLACE], ZIP 627**, by Dr. [NAME].");
/// ```
pub struct RedactorBuilder {
    detectors: Vec<Box<dyn Detector>>,
    deny: Vec<(String, PhiCategory)>,
    allow: HashSet<String>,
    operators: BTreeMap<PhiCategory, Box<dyn Operator>>,
    default_operator: Box<dyn Operator>,
}

impl fmt::Debug for RedactorBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedactorBuilder")
            .field("detectors", &self.detectors.len())
            .field("deny_list", &self.deny.len())
            .field("allow_list", &self.allow.len())
            .finish_non_exhaustive()
    }
}

impl RedactorBuilder {
    /// Adds a detector.
    pub fn detector(mut self, detector: impl Detector + 'static) -> Self {
        self.detectors.push(Box::new(detector));
        self
    }

    /// Adds every built-in detector: [`PatternDetector`] and
    /// [`NameDetector`].
    pub fn safe_harbor_detectors(self) -> Self {
        self.detector(PatternDetector::new())
            .detector(NameDetector::new())
    }

    /// Uses `operator` for spans of `category`.
    pub fn operator(mut self, category: PhiCategory, operator: impl Operator + 'static) -> Self {
        self.operators.insert(category, Box::new(operator));
        self
    }

    /// Uses `operator` for every category without an operator of its own
    /// (vault tokens unless changed).
    pub fn default_operator(mut self, operator: impl Operator + 'static) -> Self {
        self.default_operator = Box::new(operator);
        self
    }

    /// Never redacts a span whose whole text is `term` (without regard to
    /// case): clinical abbreviations, eponyms, the clinic's own name.
    pub fn allow(mut self, term: impl AsRef<str>) -> Self {
        self.allow.insert(term.as_ref().trim().to_lowercase());
        self
    }

    /// Always redacts `term` as `category`, wherever it appears, whatever
    /// its case, spacing and punctuation.
    pub fn deny(mut self, term: impl Into<String>, category: PhiCategory) -> Self {
        self.deny.push((term.into(), category));
        self
    }

    /// Builds the redactor.
    ///
    /// # Errors
    ///
    /// [`RedactError::Config`] when there is nothing to detect with (no
    /// detector and no deny-list term), or a deny-list category is not an
    /// identifier.
    pub fn build(self) -> Result<Redactor, RedactError> {
        if self.deny.iter().any(|(_, c)| !c.is_identifier()) {
            return Err(RedactError::Config(
                "deny-list terms must have an identifier category",
            ));
        }
        let deny = TermDetector::new("deny_list", self.deny.iter().map(|(t, c)| (t.as_str(), *c)));
        let deny = (!deny.is_empty()).then_some(deny);
        if self.detectors.is_empty() && deny.is_none() {
            return Err(RedactError::Config(
                "a redactor needs at least one detector or deny-list term",
            ));
        }
        Ok(Redactor {
            detectors: self.detectors,
            deny,
            allow: self.allow,
            operators: self.operators,
            default_operator: self.default_operator,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

        /// Settling cluster by cluster gives what settling all spans at
        /// once gives (the rules applied to the whole input in one go).
        #[test]
        fn clusters_settle_as_the_whole_would(
            raw in proptest::collection::vec(
                (0usize..60, 1usize..12, 0usize..3, 0usize..4, 0u8..3),
                0..40,
            ),
        ) {
            let text = "ab cd, ef-gh ij.kl mn op qr st uv wx yz 12 34 56 78 90 ab cd ef";
            let detectors = ["names", "patterns", "known_values"];
            let categories = [
                PhiCategory::Name,
                PhiCategory::Date,
                PhiCategory::Phone,
                PhiCategory::GeographicSubdivision,
            ];
            let spans: Vec<Span> = raw
                .iter()
                .map(|&(start, len, detector, category, confidence)| {
                    let end = (start + len).min(text.len());
                    Span::new(
                        start,
                        end,
                        categories[category],
                        [0.5, 0.7, 0.9][usize::from(confidence)],
                        detectors[detector],
                    )
                })
                .collect();
            let mut whole = spans.clone();
            let mut expected = Vec::new();
            settle(text, &mut whole, &mut expected);
            let got = resolve(text, spans);
            let view = |v: &[Span]| {
                v.iter()
                    .map(|s| (s.start, s.end, s.category, s.detector.to_string()))
                    .collect::<Vec<_>>()
            };
            prop_assert_eq!(view(&got), view(&expected));
        }
    }

    #[test]
    fn ages_and_zip_codes_get_their_own_generalizations() {
        use crate::operators::{DateToYear, Zip3};
        let redactor = Redactor::builder()
            .safe_harbor_detectors()
            .operator(PhiCategory::Date, DateToYear)
            .operator(PhiCategory::GeographicSubdivision, Zip3::new())
            .build()
            .unwrap();
        let mut session = RedactionSession::new();
        let out = redactor
            .redact(
                "A 93-year-old woman from Springfield, IL 62704, seen 03/14/2021.",
                &mut session,
            )
            .unwrap();
        assert_eq!(
            out.text(),
            "A 90+-year-old woman from [PLACE] 627**, seen 2021."
        );
    }

    fn span(start: usize, end: usize, detector: &'static str) -> Span {
        Span::new(start, end, PhiCategory::Name, 0.5, detector)
    }

    #[test]
    fn overlap_resolution_prefers_specific_then_long() {
        let text = "x".repeat(50);
        let spans = vec![
            span(0, 10, "names"),
            span(2, 5, "patterns"),
            span(20, 30, "patterns"),
            span(18, 35, "patterns"),
            span(40, 44, "names"),
            span(40, 42, "known_values"),
        ];
        let kept: Vec<(usize, usize)> = resolve(&text, spans)
            .iter()
            .map(|s| (s.start, s.end))
            .collect();
        // The name loses its overlap with the pattern and keeps both sides;
        // the shorter pattern inside the longer one goes; "xx" left of the
        // known value's end stays with the name.
        assert_eq!(
            kept,
            [(0, 2), (2, 5), (5, 10), (18, 35), (40, 42), (42, 44)]
        );
    }

    #[test]
    fn trimmed_pieces_drop_spaces_and_need_two_characters() {
        let text = "Barbara Yudina Apt. 675";
        let spans = vec![
            span(0, 18, "names"),
            Span::new(15, 23, PhiCategory::GeographicSubdivision, 0.9, "patterns"),
        ];
        let kept: Vec<&str> = resolve(text, spans)
            .iter()
            .map(|s| &text[s.start..s.end])
            .collect();
        assert_eq!(kept, ["Barbara Yudina", "Apt. 675"]);
    }

    #[test]
    fn shareable_between_threads() {
        fn send_sync<T: Send + Sync>() {}
        fn send<T: Send>() {}
        send_sync::<Redactor>();
        send::<RedactionSession>();
        send::<Redaction>();
    }

    #[test]
    fn build_refuses_an_empty_configuration() {
        assert!(matches!(
            Redactor::builder().build(),
            Err(RedactError::Config(_))
        ));
    }
}
