//! Operators: what replaces a detected span.
//!
//! A [`crate::Redactor`] has one operator per category (and a default).
//! Built in:
//!
//! | operator | "Ada Quill" / "03/14/2021" / "62704" becomes |
//! |---|---|
//! | [`VaultToken`] | `[[NAME_7F3K]]`, reversible through the session's vault |
//! | [`Tag`] | `[NAME]` |
//! | [`Mask`] | `*** *****` |
//! | [`HmacPseudonym`] | `NAME-3f9a1c2b5d7e`, keyed, the same across sessions sharing the key |
//! | [`DateShift`] | `05/02/2021`, moved by the session's per-patient offset |
//! | [`DateToYear`] | `2021`; ages over 89 become `90+` |
//! | [`Zip3`] | `627**`; the 17 restricted prefixes become `000**` |
//!
//! Only [`VaultToken`] and [`Tag`], [`Mask`], [`DateToYear`] and [`Zip3`]
//! fit HIPAA Safe Harbor. [`HmacPseudonym`] derives its output from the
//! value and [`DateShift`] keeps intervals: both are pseudonymisation
//! (defensible under Expert Determination), not de-identification.
//!
//! # Writing an operator
//!
//! ```
//! use phiguard_phi::PhiCategory;
//! use phiguard_redact::{Operator, OperatorContext, OperatorError, RedactionSession, Redactor, Span};
//!
//! /// Keeps only the last four digits of a phone number.
//! struct LastFour;
//!
//! impl Operator for LastFour {
//!     fn name(&self) -> &str {
//!         "last_four"
//!     }
//!
//!     fn apply(
//!         &self,
//!         _span: &Span,
//!         original: &str,
//!         _context: &mut OperatorContext<'_>,
//!         out: &mut String,
//!     ) -> Result<(), OperatorError> {
//!         let digits: Vec<char> = original.chars().filter(char::is_ascii_digit).collect();
//!         out.push_str("***-");
//!         out.extend(&digits[digits.len().saturating_sub(4)..]);
//!         Ok(())
//!     }
//! }
//!
//! let redactor = Redactor::builder()
//!     .safe_harbor_detectors()
//!     .operator(PhiCategory::Phone, LastFour)
//!     .build()
//!     .unwrap();
//! let redaction = redactor.redact("call (617) 555-0134", &mut RedactionSession::new()).unwrap();
//! assert_eq!(redaction.text(), "call ***-0134");
//! ```

use hmac::{Hmac, Mac};
use phiguard_phi::PhiCategory;
use sha2::Sha256;

use crate::dates;
use crate::error::OperatorError;
use crate::session::RedactionSession;
use crate::span::Span;
use crate::vault::{TokenVault, tag};

/// What an operator may use from the session: the vault, the date shift
/// and the pseudonym key. The values themselves stay inside.
pub struct OperatorContext<'a> {
    session: &'a mut RedactionSession,
    /// Room to make in the vault (values, bytes) before its first token in
    /// this context: made only if an operator uses the vault.
    vault_room: Option<(usize, usize)>,
}

impl std::fmt::Debug for OperatorContext<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OperatorContext").finish_non_exhaustive()
    }
}

impl<'a> OperatorContext<'a> {
    pub(crate) fn new(session: &'a mut RedactionSession) -> Self {
        OperatorContext {
            session,
            vault_room: None,
        }
    }

    /// Has the vault make room for `values` more values of `bytes` in all
    /// when an operator first uses it, so that its maps do not grow and
    /// rehash while a long text is redacted.
    pub(crate) fn with_vault_room(mut self, values: usize, bytes: usize) -> Self {
        self.vault_room = Some((values, bytes));
        self
    }

    fn vault(&mut self) -> &mut TokenVault {
        let room = self.vault_room.take();
        let vault = self.session.vault_mut();
        if let Some((values, bytes)) = room {
            vault.reserve(values, bytes);
        }
        vault
    }

    /// The vault token for `value` (minted on first sight).
    pub fn vault_token(&mut self, category: PhiCategory, value: &str) -> String {
        self.vault().token_for(category, value)
    }

    /// Writes the vault token for `value` to `out` (minted on first sight).
    pub fn write_vault_token(&mut self, category: PhiCategory, value: &str, out: &mut String) {
        self.vault().write_token(category, value, out);
    }

    /// The session's date shift in days.
    pub fn date_shift_days(&self) -> i64 {
        self.session.date_shift_days()
    }

    /// A keyed pseudonym of `value`: HMAC-SHA-256 under the session's key
    /// of the value's letters and digits, lowercased, truncated to 48 bits.
    pub fn pseudonym(&self, category: PhiCategory, value: &str) -> String {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(self.session.pseudonym_key())
            .expect("HMAC takes keys of any length");
        mac.update(category.name().as_bytes());
        mac.update(&[0]);
        let mut normalized = crate::detect::terms::normalize(value);
        mac.update(normalized.as_bytes());
        zeroize::Zeroize::zeroize(&mut normalized);
        let digest = mac.finalize().into_bytes();
        let mut out = String::with_capacity(24);
        out.push_str(tag(category));
        out.push('-');
        for byte in &digest[..6] {
            out.push_str(&format!("{byte:02x}"));
        }
        out
    }
}

/// Replaces one detected span.
///
/// `original` is the span's text; write the replacement to `out`. An
/// operator must not log, keep or echo `original` anywhere but `out`,
/// and must never write it to `out` unchanged: the redacted text goes to
/// AI vendors.
pub trait Operator: Send + Sync {
    /// A short, stable name for errors and audit records.
    fn name(&self) -> &str;

    /// Writes the replacement of `original` (the text of `span`) to `out`.
    ///
    /// # Errors
    ///
    /// When no safe replacement can be produced; the redaction then fails
    /// as a whole.
    fn apply(
        &self,
        span: &Span,
        original: &str,
        context: &mut OperatorContext<'_>,
        out: &mut String,
    ) -> Result<(), OperatorError>;
}

/// A random token from the session's vault: `[[NAME_7F3K]]`. The default
/// for every identifier.
#[derive(Debug, Clone, Copy, Default)]
pub struct VaultToken;

impl Operator for VaultToken {
    fn name(&self) -> &str {
        "vault_token"
    }

    fn apply(
        &self,
        span: &Span,
        original: &str,
        context: &mut OperatorContext<'_>,
        out: &mut String,
    ) -> Result<(), OperatorError> {
        context.write_vault_token(span.category, original, out);
        Ok(())
    }
}

/// The category's tag in brackets: `[NAME]`, `[PHONE]`.
#[derive(Debug, Clone, Copy, Default)]
pub struct Tag;

impl Operator for Tag {
    fn name(&self) -> &str {
        "tag"
    }

    fn apply(
        &self,
        span: &Span,
        _original: &str,
        _context: &mut OperatorContext<'_>,
        out: &mut String,
    ) -> Result<(), OperatorError> {
        out.push('[');
        out.push_str(tag(span.category));
        out.push(']');
        Ok(())
    }
}

/// Every character but whitespace replaced by a mask character (`*` by
/// default), keeping the length.
#[derive(Debug, Clone, Copy)]
pub struct Mask {
    with: char,
}

impl Mask {
    /// Masks with `with`.
    pub fn new(with: char) -> Self {
        Mask { with }
    }
}

impl Default for Mask {
    fn default() -> Self {
        Mask::new('*')
    }
}

impl Operator for Mask {
    fn name(&self) -> &str {
        "mask"
    }

    fn apply(
        &self,
        _span: &Span,
        original: &str,
        _context: &mut OperatorContext<'_>,
        out: &mut String,
    ) -> Result<(), OperatorError> {
        out.extend(
            original
                .chars()
                .map(|c| if c.is_whitespace() { c } else { self.with }),
        );
        Ok(())
    }
}

/// A keyed HMAC pseudonym: `NAME-3f9a1c2b5d7e`. Deterministic across
/// sessions that share a key ([`RedactionSession::with_pseudonym_key`]),
/// so records can be joined; not reversible, and derived from the value,
/// so it is pseudonymisation rather than Safe Harbor de-identification.
#[derive(Debug, Clone, Copy, Default)]
pub struct HmacPseudonym;

impl Operator for HmacPseudonym {
    fn name(&self) -> &str {
        "hmac_pseudonym"
    }

    fn apply(
        &self,
        span: &Span,
        original: &str,
        context: &mut OperatorContext<'_>,
        out: &mut String,
    ) -> Result<(), OperatorError> {
        out.push_str(&context.pseudonym(span.category, original));
        Ok(())
    }
}

/// Moves dates by the session's per-patient offset, in the form they were
/// written ("03/14/2021" becomes "05/02/2021" for a 49-day shift). Ages
/// over 89 become "90+". A date it cannot read becomes `[DATE]`.
#[derive(Debug, Clone, Copy, Default)]
pub struct DateShift;

impl Operator for DateShift {
    fn name(&self) -> &str {
        "date_shift"
    }

    fn apply(
        &self,
        span: &Span,
        original: &str,
        context: &mut OperatorContext<'_>,
        out: &mut String,
    ) -> Result<(), OperatorError> {
        if let Some(done) = age_over_89(original) {
            out.push_str(&done);
            return Ok(());
        }
        match dates::parse(original).and_then(|d| d.shifted(context.date_shift_days())) {
            Some(shifted) => out.push_str(&shifted),
            None => return Tag.apply(span, original, context, out),
        }
        Ok(())
    }
}

/// Keeps the year of a date, as Safe Harbor allows ("03/14/2021" becomes
/// "2021"); a date without a year becomes `[DATE]`. Ages over 89 become
/// "90+".
#[derive(Debug, Clone, Copy, Default)]
pub struct DateToYear;

impl Operator for DateToYear {
    fn name(&self) -> &str {
        "date_to_year"
    }

    fn apply(
        &self,
        span: &Span,
        original: &str,
        context: &mut OperatorContext<'_>,
        out: &mut String,
    ) -> Result<(), OperatorError> {
        if let Some(done) = age_over_89(original) {
            out.push_str(&done);
            return Ok(());
        }
        match dates::parse(original).and_then(|d| d.year) {
            Some(year) => out.push_str(&year.to_string()),
            None => return Tag.apply(span, original, context, out),
        }
        Ok(())
    }
}

fn age_over_89(original: &str) -> Option<String> {
    let (years, start, end) = dates::age(original)?;
    if years < 90 {
        return None;
    }
    Some(format!("{}90+{}", &original[..start], &original[end..]))
}

/// The 3-digit ZIP prefixes whose area held 20,000 people or fewer in the
/// 2000 Census, which Safe Harbor turns into 000 (list published with the
/// Privacy Rule of 2002; HHS warns it may change with newer Census data).
pub const RESTRICTED_ZIP3: [&str; 17] = [
    "036", "059", "063", "102", "203", "556", "692", "790", "821", "823", "830", "831", "878",
    "879", "884", "890", "893",
];

/// Keeps the first three digits of a ZIP code ("62704" becomes "627**"),
/// or "000**" for a restricted prefix, per Safe Harbor. The rest of a
/// place span (a street, a city) becomes `[PLACE]`.
#[derive(Debug, Clone)]
pub struct Zip3 {
    restricted: Vec<String>,
}

impl Zip3 {
    /// With the Safe Harbor list of restricted prefixes.
    pub fn new() -> Self {
        Zip3 {
            restricted: RESTRICTED_ZIP3.iter().map(|s| s.to_string()).collect(),
        }
    }

    /// With another list of restricted prefixes (for newer Census data).
    pub fn with_restricted(prefixes: impl IntoIterator<Item = impl Into<String>>) -> Self {
        Zip3 {
            restricted: prefixes.into_iter().map(Into::into).collect(),
        }
    }
}

impl Default for Zip3 {
    fn default() -> Self {
        Zip3::new()
    }
}

impl Operator for Zip3 {
    fn name(&self) -> &str {
        "zip3"
    }

    fn apply(
        &self,
        span: &Span,
        original: &str,
        context: &mut OperatorContext<'_>,
        out: &mut String,
    ) -> Result<(), OperatorError> {
        let trimmed = original.trim_end();
        // A ZIP code, alone or at the end of the span.
        let tail_start = trimmed
            .rfind(|c: char| !(c.is_ascii_digit() || c == '-'))
            .map_or(0, |i| i + 1);
        let tail = &trimmed[tail_start..];
        let digits = tail.split('-').next().unwrap_or("");
        if digits.len() != 5 {
            return Tag.apply(span, original, context, out);
        }
        if tail_start > 0 {
            Tag.apply(span, original, context, out)?;
            out.push(' ');
        }
        let prefix = &digits[..3];
        if self.restricted.iter().any(|r| r == prefix) {
            out.push_str("000**");
        } else {
            out.push_str(prefix);
            out.push_str("**");
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn apply(
        op: &dyn Operator,
        category: PhiCategory,
        original: &str,
        session: &mut RedactionSession,
    ) -> String {
        let span = Span::new(0, original.len(), category, 1.0, "test");
        let mut out = String::new();
        op.apply(
            &span,
            original,
            &mut OperatorContext::new(session),
            &mut out,
        )
        .unwrap();
        out
    }

    #[test]
    fn safe_harbor_generalizations() {
        let s = &mut RedactionSession::new();
        assert_eq!(
            apply(&DateToYear, PhiCategory::Date, "03/14/2021", s),
            "2021"
        );
        assert_eq!(
            apply(&DateToYear, PhiCategory::Date, "March 14", s),
            "[DATE]"
        );
        assert_eq!(
            apply(&DateToYear, PhiCategory::Date, "93-year-old", s),
            "90+-year-old"
        );
        assert_eq!(
            apply(&Zip3::new(), PhiCategory::GeographicSubdivision, "62704", s),
            "627**"
        );
        assert_eq!(
            apply(
                &Zip3::new(),
                PhiCategory::GeographicSubdivision,
                "03601-1234",
                s
            ),
            "000**"
        );
        assert_eq!(
            apply(
                &Zip3::new(),
                PhiCategory::GeographicSubdivision,
                "Springfield, IL 62704",
                s
            ),
            "[PLACE] 627**"
        );
        assert_eq!(apply(&Tag, PhiCategory::Name, "Ada", s), "[NAME]");
        assert_eq!(
            apply(&Mask::default(), PhiCategory::Name, "Ada Quill", s),
            "*** *****"
        );
    }

    #[test]
    fn date_shift_is_consistent_per_session() {
        let s = &mut RedactionSession::new().with_date_shift_days(49);
        assert_eq!(
            apply(&DateShift, PhiCategory::Date, "03/14/2021", s),
            "05/02/2021"
        );
        assert_eq!(
            apply(&DateShift, PhiCategory::Date, "2021-03-14", s),
            "2021-05-02"
        );
    }

    #[test]
    fn pseudonyms_depend_on_key_only() {
        let key = [7u8; 32];
        let a = &mut RedactionSession::new().with_pseudonym_key(key);
        let b = &mut RedactionSession::new().with_pseudonym_key(key);
        let c = &mut RedactionSession::new();
        let pa = apply(&HmacPseudonym, PhiCategory::Name, "Ada Quill", a);
        assert_eq!(pa, apply(&HmacPseudonym, PhiCategory::Name, "ADA QUILL", b));
        assert_ne!(pa, apply(&HmacPseudonym, PhiCategory::Name, "Ada Quill", c));
        assert!(pa.starts_with("NAME-") && pa.len() == 17, "{pa}");
    }
}
