//! Per-patient redaction state and re-identification.

use std::fmt;
use std::sync::OnceLock;

use phiguard_phi::{Phi, PhiCategory};
use rand::Rng;
use regex::Regex;
use zeroize::{Zeroize, Zeroizing};

use crate::detect::TermDetector;
use crate::lexicon::{self, Lexicon};
use crate::vault::{TAGS, TokenVault, canonical_code_char};

/// The state one conversation about one patient needs: the token vault,
/// the values known to be this patient's, the date shift and the
/// pseudonym key.
///
/// Use one session per patient (or per task) and keep it for as long as
/// answers may come back: the same value gets the same token across every
/// call made with the session, and only this session can put the values
/// back. Debug shows sizes, never values.
///
/// ```
/// use phiguard_phi::{Phi, PhiCategory};
/// use phiguard_redact::{RedactionSession, Redactor};
///
/// let redactor = Redactor::safe_harbor();
/// let mut session = RedactionSession::new();
/// session.add_known(&Phi::new("Zelda Fairweather".into(), PhiCategory::Name));
///
/// let redaction = redactor.redact("zelda FAIRWEATHER asked for a refill", &mut session).unwrap();
/// assert!(!redaction.text().to_lowercase().contains("fairweather"));
///
/// // The AI's answer comes back with the token; the session restores it.
/// let answer = format!("Refill approved for {}.", &redaction.text()[..13]);
/// let restored = session.reidentify(&answer);
/// assert_eq!(restored.expose_phi(), "Refill approved for zelda FAIRWEATHER.");
/// ```
pub struct RedactionSession {
    vault: TokenVault,
    known: Vec<Phi<String>>,
    known_detector: Option<TermDetector>,
    date_shift_days: i64,
    pseudonym_key: Zeroizing<[u8; 32]>,
}

impl fmt::Debug for RedactionSession {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedactionSession")
            .field("vault", &self.vault)
            .field("known_values", &self.known.len())
            .finish_non_exhaustive()
    }
}

impl Default for RedactionSession {
    fn default() -> Self {
        RedactionSession::new()
    }
}

impl RedactionSession {
    /// A session with an empty vault, a random date shift between 1 and
    /// 365 days either way, and a random pseudonym key.
    pub fn new() -> Self {
        let mut rng = rand::rngs::OsRng;
        let days = rng.gen_range(1..=365i64);
        let days = if rng.r#gen::<bool>() { days } else { -days };
        let mut key = Zeroizing::new([0u8; 32]);
        rng.fill(&mut key[..]);
        RedactionSession {
            vault: TokenVault::new(),
            known: Vec::new(),
            known_detector: None,
            date_shift_days: days,
            pseudonym_key: key,
        }
    }

    /// Uses a fixed date shift, for example one stored per patient so that
    /// every note about them shifts alike.
    pub fn with_date_shift_days(mut self, days: i64) -> Self {
        self.date_shift_days = days;
        self
    }

    /// Uses a fixed key for [`crate::operators::HmacPseudonym`], so that
    /// pseudonyms agree across sessions that share it.
    pub fn with_pseudonym_key(mut self, key: [u8; 32]) -> Self {
        let mut key = key;
        self.pseudonym_key.copy_from_slice(&key);
        key.zeroize();
        self
    }

    /// Declares a value known to be this patient's (their name, MRN or
    /// phone from a labelled custom field). It is then found wherever it
    /// recurs, whatever its case, spacing and punctuation, in every text
    /// redacted with this session. For names, each part of the name is
    /// found on its own too ("Mr. Fairweather").
    ///
    /// The category comes from the value; an unclassified value is treated
    /// as an other unique identifier.
    pub fn add_known(&mut self, value: &Phi<String>) {
        let category = match value.category() {
            PhiCategory::Unclassified => PhiCategory::OtherUniqueIdentifier,
            c => c,
        };
        self.known
            .push(Phi::new(value.expose_phi().clone(), category));
        self.known_detector = None;
    }

    /// How many known values were declared.
    pub fn known_len(&self) -> usize {
        self.known.len()
    }

    pub(crate) fn known_detector(&mut self) -> Option<&TermDetector> {
        if self.known.is_empty() {
            return None;
        }
        if self.known_detector.is_none() {
            let lexicon = Lexicon::get();
            let mut terms: Vec<(String, PhiCategory)> = Vec::new();
            for value in &self.known {
                let text = value.expose_phi();
                terms.push((text.clone(), value.category()));
                if value.category() == PhiCategory::Name {
                    for part in text.split(|c: char| !c.is_alphanumeric()) {
                        let flags = lexicon.flags(part);
                        let ordinary = flags & lexicon::WORD != 0
                            && flags & (lexicon::FIRST | lexicon::LAST) == 0;
                        if part.chars().count() >= 3 && !ordinary && flags & lexicon::CLINICAL == 0
                        {
                            terms.push((part.to_string(), PhiCategory::Name));
                        }
                    }
                }
            }
            let detector =
                TermDetector::new("known_values", terms.iter().map(|(t, c)| (t.as_str(), *c)));
            for (mut term, _) in terms {
                term.zeroize();
            }
            self.known_detector = Some(detector);
        }
        self.known_detector.as_ref()
    }

    /// The token vault.
    pub fn vault(&self) -> &TokenVault {
        &self.vault
    }

    pub(crate) fn vault_mut(&mut self) -> &mut TokenVault {
        &mut self.vault
    }

    /// The date shift in days for this patient.
    pub fn date_shift_days(&self) -> i64 {
        self.date_shift_days
    }

    pub(crate) fn pseudonym_key(&self) -> &[u8; 32] {
        &self.pseudonym_key
    }

    /// Puts the vault's values back into `answer` wherever a token of this
    /// session appears, tolerant of what models do to tokens: case
    /// (`[[name_7f3k]]`), brackets (`[NAME_7F3K]`, `(NAME-7F3K)`, none),
    /// spacing (`[[ NAME 7F3K ]]`) and the letters O, I, L written for the
    /// digits 0 and 1. Tokens this session did not mint stay as they are.
    ///
    /// The result holds identifiers again, so it comes back as PHI
    /// (unclassified, the strictest handling).
    pub fn reidentify(&self, answer: &str) -> Phi<String> {
        let mut out = String::with_capacity(answer.len());
        reidentify_into(&self.vault, answer, &mut out);
        Phi::new(out, PhiCategory::Unclassified)
    }

    /// A re-identifier for an answer that arrives in chunks, where a chunk
    /// may end in the middle of a token.
    pub fn reidentifier(&self) -> Reidentifier<'_> {
        Reidentifier {
            vault: &self.vault,
            pending: String::new(),
        }
    }
}

impl Drop for RedactionSession {
    fn drop(&mut self) {
        self.date_shift_days = 0;
    }
}

fn token_regex() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        let tags = TAGS.join("|");
        let open = r"[\[\(\{<⟦⟨«]";
        let close = r"[\]\)\}>⟧⟩»]";
        let code = "[0-9A-Za-z]{4}";
        let pattern = format!(
            r"(?i){open}{{1,2}}[ \t]{{0,3}}(?P<t1>{tags})[ \t]{{0,3}}[_\-: ]?[ \t]{{0,3}}(?P<c1>{code})[ \t]{{0,3}}{close}{{1,2}}|\b(?P<t2>{tags})[_\-](?P<c2>{code})\b"
        );
        Regex::new(&pattern).expect("token pattern compiles")
    })
}

/// The longest a reformatted token can be, in bytes: held back by the
/// streaming re-identifier until it is known whether a token follows.
const MAX_TOKEN_BYTES: usize = 48;

/// Moves a cut back so that it does not fall inside a word that could end
/// in a bare token (`NAME_7F3K`): to just after the last whitespace when
/// that is near, else to the start of the word, unless the word is already
/// too long to hold a token at its end.
fn safe_cut(text: &str, cut: usize) -> usize {
    const NEAR: usize = 24;
    let before = &text[..cut];
    let word_start = before
        .char_indices()
        .rev()
        .find(|(_, c)| !(c.is_alphanumeric() || *c == '_'))
        .map_or(0, |(at, c)| at + c.len_utf8());
    if cut - word_start > NEAR {
        return cut;
    }
    match before
        .char_indices()
        .rev()
        .take(NEAR * 2)
        .find(|(_, c)| c.is_whitespace())
    {
        Some((at, c)) => at + c.len_utf8(),
        None => word_start,
    }
}

fn canonical(tag: &str, code: &str) -> Option<String> {
    let mut out = tag.to_ascii_uppercase();
    out.push('_');
    for c in code.chars() {
        out.push(canonical_code_char(c)?);
    }
    Some(out)
}

fn reidentify_into(vault: &TokenVault, text: &str, out: &mut String) {
    let mut last = 0;
    for caps in token_regex().captures_iter(text) {
        let (Some(whole), Some(tag), Some(code)) = (
            caps.get(0),
            caps.name("t1").or_else(|| caps.name("t2")),
            caps.name("c1").or_else(|| caps.name("c2")),
        ) else {
            continue;
        };
        let Some(token) = canonical(tag.as_str(), code.as_str()) else {
            continue;
        };
        if let Some(value) = vault.value_str(&token) {
            out.push_str(&text[last..whole.start()]);
            out.push_str(value);
            last = whole.end();
        }
    }
    out.push_str(&text[last..]);
}

/// Re-identifies an answer that arrives in chunks.
///
/// [`push`](Reidentifier::push) returns what is safe to emit so far, and
/// holds back the tail that may be the start of a token
/// (at most a few dozen bytes); [`finish`](Reidentifier::finish) returns
/// the rest. Concatenating every output equals
/// [`RedactionSession::reidentify`] of the whole answer.
pub struct Reidentifier<'a> {
    vault: &'a TokenVault,
    pending: String,
}

impl fmt::Debug for Reidentifier<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Reidentifier")
            .field("pending_bytes", &self.pending.len())
            .finish()
    }
}

impl Drop for Reidentifier<'_> {
    fn drop(&mut self) {
        self.pending.zeroize();
    }
}

impl Reidentifier<'_> {
    /// Adds a chunk; returns the re-identified text that can be emitted.
    pub fn push(&mut self, chunk: &str) -> Phi<String> {
        self.pending.push_str(chunk);
        if self.pending.len() <= MAX_TOKEN_BYTES {
            return Phi::new(String::new(), PhiCategory::Unclassified);
        }

        // Cut so that the last MAX_TOKEN_BYTES stay pending, right after a
        // whitespace (so that no word is split), and so that no token
        // straddles the cut.
        let mut cut = self.pending.len() - MAX_TOKEN_BYTES;
        while !self.pending.is_char_boundary(cut) {
            cut -= 1;
        }
        cut = safe_cut(&self.pending, cut);
        for m in token_regex().find_iter(&self.pending) {
            if m.start() >= cut {
                break;
            }
            if m.end() > cut {
                cut = m.start();
                break;
            }
        }
        if cut == 0 {
            return Phi::new(String::new(), PhiCategory::Unclassified);
        }

        let mut out = String::with_capacity(cut + 16);
        reidentify_into(self.vault, &self.pending[..cut], &mut out);
        let rest = self.pending[cut..].to_string();
        self.pending.zeroize();
        self.pending = rest;
        Phi::new(out, PhiCategory::Unclassified)
    }

    /// Re-identifies and returns everything still held back.
    pub fn finish(mut self) -> Phi<String> {
        let mut out = String::with_capacity(self.pending.len());
        reidentify_into(self.vault, &self.pending, &mut out);
        self.pending.zeroize();
        Phi::new(out, PhiCategory::Unclassified)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session_with(values: &[(&str, PhiCategory)]) -> (RedactionSession, Vec<String>) {
        let mut session = RedactionSession::new();
        let tokens = values
            .iter()
            .map(|(v, c)| session.vault_mut().token_for(*c, v))
            .collect();
        (session, tokens)
    }

    #[test]
    fn reidentifies_reformatted_tokens() {
        let (session, tokens) = session_with(&[("Ada Quill", PhiCategory::Name)]);
        let token = &tokens[0];
        let bare = token.trim_matches(|c| c == '[' || c == ']');
        let (tag, code) = bare.split_once('_').unwrap();
        let forms = [
            token.clone(),
            token.to_lowercase(),
            format!("[{bare}]"),
            format!("[[ {tag} {code} ]]"),
            format!("({tag}-{code})"),
            format!("{tag}_{code}"),
            format!("⟦{tag}_{code}⟧"),
        ];
        for form in forms {
            let answer = format!("Dear {form}, see you.");
            assert_eq!(
                session.reidentify(&answer).expose_phi(),
                "Dear Ada Quill, see you.",
                "{form}"
            );
        }
    }

    #[test]
    fn leaves_unknown_tokens() {
        let (session, _) = session_with(&[("Ada Quill", PhiCategory::Name)]);
        let text = "Dear [[NAME_ZZZZ]] and NAME_ABCD.";
        assert_eq!(session.reidentify(text).expose_phi(), text);
    }

    #[test]
    fn streaming_matches_whole_for_every_split() {
        let (session, tokens) = session_with(&[
            ("Ada Quill", PhiCategory::Name),
            ("617-555-0134", PhiCategory::Phone),
        ]);
        let answer = format!(
            "Please call {} at {} tomorrow; {} confirmed. ⟦ok⟧ [[{}]] end",
            tokens[0],
            tokens[1].to_lowercase(),
            tokens[0].replace("[[", "[").replace("]]", "]"),
            "NAME_ZZZZ"
        );
        let whole = session.reidentify(&answer);
        let boundaries: Vec<usize> = (0..=answer.len())
            .filter(|&i| answer.is_char_boundary(i))
            .collect();
        for &a in &boundaries {
            for &b in boundaries.iter().filter(|&&b| b >= a).step_by(7) {
                let mut r = session.reidentifier();
                let mut out = String::new();
                for chunk in [&answer[..a], &answer[a..b], &answer[b..]] {
                    out.push_str(r.push(chunk).expose_phi());
                }
                out.push_str(r.finish().expose_phi());
                assert_eq!(&out, whole.expose_phi(), "split at {a}, {b}");
            }
        }
    }
}
