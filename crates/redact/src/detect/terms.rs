//! Fixed terms matched whatever their case, spacing and punctuation.

use std::borrow::Cow;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use phiguard_phi::PhiCategory;

use crate::detect::Detector;
use crate::error::DetectError;
use crate::span::Span;

/// Finds fixed terms, each with its category, ignoring case, spaces and
/// punctuation: the term "555-0100" matches "(555) 0100" and "555 0100",
/// "Ada Quill" matches "ADA QUILL" and "Ada  Quill".
///
/// A match must start and end on a word edge of the text, so "Ann" does
/// not match inside "Annual". Terms with fewer than three letters or
/// digits are ignored: they would match everywhere.
///
/// Used as a deny-list ([`crate::RedactorBuilder::deny`]) and for the
/// session's known values ([`crate::RedactionSession::add_known`]).
pub struct TermDetector {
    name: Cow<'static, str>,
    matcher: Option<AhoCorasick>,
    categories: Vec<PhiCategory>,
}

impl std::fmt::Debug for TermDetector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The terms may be PHI: show how many there are, nothing more.
        f.debug_struct("TermDetector")
            .field("name", &self.name)
            .field("terms", &self.categories.len())
            .finish()
    }
}

/// The letters and digits of `text`, lowercased.
pub(crate) fn normalize(text: &str) -> String {
    let mut out = Vec::with_capacity(text.len());
    normalize_into(text, &mut out);
    // Whole characters of a `str`, lowercased: still UTF-8.
    String::from_utf8(out).unwrap_or_default()
}

/// ASCII letters and digits to themselves lowercased, every other byte
/// to 0.
static ASCII_FOLD: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut b = 0;
    while b < 128 {
        let byte = b as u8;
        if byte.is_ascii_alphanumeric() {
            table[b] = byte.to_ascii_lowercase();
        }
        b += 1;
    }
    table
};

/// [`normalize`] as UTF-8 bytes, appended to `out`.
pub(crate) fn normalize_into(text: &str, out: &mut Vec<u8>) {
    if text.is_ascii() {
        // The common case, without the Unicode case tables: one table load
        // per byte.
        out.reserve(text.len());
        for &b in text.as_bytes() {
            let kept = ASCII_FOLD[usize::from(b)];
            if kept != 0 {
                out.push(kept);
            }
        }
        return;
    }
    let mut buf = [0u8; 4];
    for c in text.chars().filter(|c| c.is_alphanumeric()) {
        for lower in c.to_lowercase() {
            out.extend_from_slice(lower.encode_utf8(&mut buf).as_bytes());
        }
    }
}

impl TermDetector {
    /// A detector named `name` for `terms`.
    pub fn new<'a>(
        name: impl Into<Cow<'static, str>>,
        terms: impl IntoIterator<Item = (&'a str, PhiCategory)>,
    ) -> Self {
        let mut patterns = Vec::new();
        let mut categories = Vec::new();
        for (term, category) in terms {
            let normalized = normalize(term);
            if normalized.chars().count() >= 3 {
                patterns.push(normalized);
                categories.push(category);
            }
        }
        let matcher = if patterns.is_empty() {
            None
        } else {
            AhoCorasickBuilder::new()
                .match_kind(MatchKind::Standard)
                .build(&patterns)
                .ok()
        };
        // Zeroize our copies of the terms: the automaton keeps its own
        // representation, which is a known limit (see the crate docs).
        for mut p in patterns {
            zeroize::Zeroize::zeroize(&mut p);
        }
        TermDetector {
            name: name.into(),
            matcher,
            categories,
        }
    }

    /// Whether no term was given (or every term was too short).
    pub fn is_empty(&self) -> bool {
        self.matcher.is_none()
    }
}

impl Detector for TermDetector {
    fn name(&self) -> &str {
        &self.name
    }

    fn detect(&self, text: &str, out: &mut Vec<Span>) -> Result<(), DetectError> {
        let Some(matcher) = &self.matcher else {
            return Ok(());
        };

        // The normalized text, and for each of its bytes the byte offset of
        // the character it came from.
        let mut normalized = String::with_capacity(text.len());
        let mut origin: Vec<u32> = Vec::with_capacity(text.len());
        if text.len() > u32::MAX as usize {
            return Err(DetectError::new("text longer than 4 GiB"));
        }
        for (at, c) in text.char_indices() {
            if c.is_alphanumeric() {
                for lower in c.to_lowercase() {
                    normalized.push(lower);
                    origin.resize(normalized.len(), at as u32);
                }
            }
        }

        for found in matcher.find_overlapping_iter(&normalized) {
            let start = origin[found.start()] as usize;
            let last = origin[found.end() - 1] as usize;
            let end = last + text[last..].chars().next().map_or(0, char::len_utf8);
            let before_ok = !text[..start]
                .chars()
                .next_back()
                .is_some_and(char::is_alphanumeric);
            let after_ok = !text[end..]
                .chars()
                .next()
                .is_some_and(char::is_alphanumeric);
            // The match must not begin or end in the middle of a character
            // whose lowercase form is longer than one character.
            let whole = found.end() == normalized.len() || origin[found.end()] as usize != last;
            if before_ok && after_ok && whole {
                let category = self.categories[found.pattern().as_usize()];
                out.push(Span::new(start, end, category, 1.0, self.name.clone()));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_despite_case_spacing_and_punctuation() {
        let d = TermDetector::new(
            "known",
            [
                ("Ada Quill", PhiCategory::Name),
                ("617-555-0134", PhiCategory::Phone),
            ],
        );
        let text = "ADA  QUILL called from (617) 555 0134; Adaquillan is someone else.";
        let mut out = Vec::new();
        d.detect(text, &mut out).unwrap();
        let found: Vec<&str> = out.iter().map(|s| &text[s.start..s.end]).collect();
        assert_eq!(found, ["ADA  QUILL", "617) 555 0134"]);
    }

    #[test]
    fn debug_hides_terms() {
        let d = TermDetector::new("known", [("Ada Quill", PhiCategory::Name)]);
        assert!(!format!("{d:?}").contains("Quill"));
    }

    proptest::proptest! {
        /// The table-driven ASCII path and the Unicode path agree, and
        /// what was in the buffer before stays.
        #[test]
        fn normalize_keeps_letters_and_digits_lowercased(text in "[ -~]{0,40}|\\PC{0,20}") {
            let mut out = b"kept".to_vec();
            normalize_into(&text, &mut out);
            let expected: String = text
                .chars()
                .filter(|c| c.is_alphanumeric())
                .flat_map(char::to_lowercase)
                .collect();
            proptest::prop_assert_eq!(&out[..4], b"kept");
            proptest::prop_assert_eq!(&out[4..], expected.as_bytes());
        }
    }
}
