//! The token vault: random tokens standing in for identifiers.
//!
//! # Token format
//!
//! A token reads `[[NAME_7F3K]]`: two square brackets, a tag for the
//! category (`NAME`, `PLACE`, `DATE`, `PHONE`, ...), an underscore, four
//! characters of Crockford's base 32 (digits and capitals without I, L, O
//! and U), and two closing brackets. Models copy such tokens faithfully,
//! the double brackets and the random code do not occur in ordinary
//! clinical text, and the tag keeps the sentence readable for the model
//! (`call [[PHONE_0Q8M]]`).
//!
//! The code is random, drawn from the operating system's generator. It is
//! not derived from the value, so the token carries no information about
//! it (a re-identification code in the sense of 45 CFR 164.514(c)).

use std::collections::HashMap;
use std::fmt;
use std::hash::{BuildHasher, RandomState};
use std::hash::{BuildHasherDefault, Hasher};

use hashbrown::HashTable;
use phiguard_phi::{Phi, PhiCategory};
use rand::Rng;
use zeroize::Zeroize;

use crate::detect::terms::normalize_into;

const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const CODE_LEN: usize = 4;

/// The tag a token of `category` carries.
pub fn tag(category: PhiCategory) -> &'static str {
    TAGS[tag_index(category)]
}

/// The index in [`TAGS`] of the tag a token of `category` carries.
fn tag_index(category: PhiCategory) -> usize {
    use PhiCategory as C;
    match category {
        C::Name => 0,
        C::GeographicSubdivision => 1,
        C::Date => 2,
        C::Phone => 3,
        C::Fax => 4,
        C::Email => 5,
        C::Ssn => 6,
        C::MedicalRecordNumber => 7,
        C::HealthPlanBeneficiaryNumber => 8,
        C::AccountNumber => 9,
        C::CertificateLicenseNumber => 10,
        C::VehicleIdentifier => 11,
        C::DeviceIdentifier => 12,
        C::Url => 13,
        C::IpAddress => 14,
        C::BiometricIdentifier => 15,
        C::FullFacePhoto => 16,
        C::OtherUniqueIdentifier => 17,
        _ => 18,
    }
}

/// Every tag, for parsing tokens back.
pub(crate) const TAGS: &[&str] = &[
    "NAME",
    "PLACE",
    "DATE",
    "PHONE",
    "FAX",
    "EMAIL",
    "SSN",
    "MRN",
    "PLANID",
    "ACCOUNT",
    "LICENSE",
    "VEHICLE",
    "DEVICE",
    "URL",
    "IP",
    "BIOMETRIC",
    "PHOTO",
    "ID",
    "PHI",
];

/// Maps the characters a model may have written for a code to the
/// canonical ones (lowercase, and the letters Crockford's base 32 reads
/// as digits). `None` when the character cannot be part of a code.
pub(crate) fn canonical_code_char(c: char) -> Option<char> {
    let c = c.to_ascii_uppercase();
    match c {
        'O' => Some('0'),
        'I' | 'L' => Some('1'),
        'U' => None,
        '0'..='9' | 'A'..='Z' => Some(c),
        _ => None,
    }
}

/// Random tokens for identifiers, one per distinct value and category.
///
/// The same value (compared without regard to case, spacing and
/// punctuation) always gets the same token within a vault; different
/// values never share one. Values and lookup keys are held in one buffer
/// that is wiped when it grows and when the vault is dropped; a value
/// leaves only as [`Phi`].
///
/// Debug shows the number of entries only.
pub struct TokenVault {
    /// Seeded once from the operating system, so minting a token costs no
    /// system call.
    rng: rand::rngs::StdRng,
    /// A token (its tag's index in [`TAGS`] and its code, packed by
    /// [`token_key`]) to the first spelling of the value, in `held`.
    by_token: HashMap<u32, HeldValue, BuildHasherDefault<CodeHasher>>,
    /// The category (its index in [`PhiCategory::ALL`]) and the
    /// normalized value, to the code of its token. The keys themselves
    /// live in `held`; they come from the text, so they are hashed with
    /// the standard library's keyed hash, once per lookup.
    by_value: HashTable<ValueEntry>,
    hasher: RandomState,
    /// Every value and lookup key the vault holds, end to end (values as
    /// UTF-8). It grows only through [`grow_wiped`], which wipes the old
    /// buffer before letting it go.
    held: Vec<u8>,
    /// Where the lookup key is built; wiped after every use.
    scratch: Vec<u8>,
}

/// Where some bytes lie in [`TokenVault::held`].
#[derive(Clone, Copy)]
struct Held {
    start: usize,
    len: usize,
}

impl Held {
    /// Appends `bytes` to `held` (which must have room for them) and says
    /// where they are.
    fn push(held: &mut Vec<u8>, bytes: &[u8]) -> Held {
        let start = held.len();
        held.extend_from_slice(bytes);
        Held {
            start,
            len: bytes.len(),
        }
    }

    fn bytes(self, held: &[u8]) -> &[u8] {
        &held[self.start..self.start + self.len]
    }
}

/// A value's lookup key and the code of its token.
#[derive(Clone, Copy)]
struct ValueEntry {
    key: Held,
    code: u32,
}

/// A value's first spelling and its category.
#[derive(Clone, Copy)]
struct HeldValue {
    text: Held,
    category: PhiCategory,
}

/// Wipes and empties the scratch key. Only its length needs wiping: the
/// bytes past it were wiped when they were last used, or never written.
fn wipe(key: &mut Vec<u8>) {
    key.as_mut_slice().zeroize();
    key.clear();
}

/// Makes room for `additional` more bytes in `buf` without leaving a copy
/// of its contents behind: a plain `Vec` growth frees the old buffer as it
/// is.
fn grow_wiped(buf: &mut Vec<u8>, additional: usize) {
    if buf.capacity() - buf.len() >= additional {
        return;
    }
    let capacity = (buf.len() + additional).max(2 * buf.capacity()).max(1024);
    let mut grown = Vec::with_capacity(capacity);
    grown.extend_from_slice(buf);
    buf.zeroize();
    *buf = grown;
}

/// Hashes the vault's own token keys. Their codes are drawn at random by
/// the vault, never chosen by the text, so a multiply is enough to spread
/// them (no one can aim collisions at it).
#[derive(Default)]
struct CodeHasher(u64);

impl Hasher for CodeHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }

    fn write_u32(&mut self, n: u32) {
        self.0 = u64::from(n).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

/// Bits of a code: five per character.
const CODE_BITS: u32 = 5 * CODE_LEN as u32;

fn token_key(tag_index: usize, code: u32) -> u32 {
    // At most 19 tags: the index fits in the bits above the code.
    ((tag_index as u32) << CODE_BITS) | code
}

impl fmt::Debug for TokenVault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenVault")
            .field("entries", &self.by_token.len())
            .finish()
    }
}

impl Drop for TokenVault {
    fn drop(&mut self) {
        self.held.zeroize();
        self.scratch.zeroize();
    }
}

impl Default for TokenVault {
    fn default() -> Self {
        TokenVault::new()
    }
}

fn push_token(out: &mut String, tag: &str, code: u32) {
    out.push_str("[[");
    out.push_str(tag);
    out.push('_');
    for i in (0..CODE_LEN as u32).rev() {
        out.push(char::from(ALPHABET[((code >> (5 * i)) & 31) as usize]));
    }
    out.push_str("]]");
}

impl TokenVault {
    /// An empty vault.
    pub fn new() -> Self {
        TokenVault {
            rng: rand::SeedableRng::from_entropy(),
            by_token: HashMap::default(),
            by_value: HashTable::new(),
            hasher: RandomState::new(),
            held: Vec::new(),
            scratch: Vec::new(),
        }
    }

    /// How many distinct values the vault holds.
    pub fn len(&self) -> usize {
        self.by_token.len()
    }

    /// Whether the vault is empty.
    pub fn is_empty(&self) -> bool {
        self.by_token.is_empty()
    }

    /// The token for `value` of `category`, as written into text
    /// (`[[NAME_7F3K]]`), minting one on first sight.
    pub fn token_for(&mut self, category: PhiCategory, value: &str) -> String {
        let mut out = String::with_capacity(16);
        self.write_token(category, value, &mut out);
        out
    }

    /// Makes room for `values` more values (at most: spans repeat) whose
    /// text is `bytes` long in all, so the maps do not grow and rehash
    /// while a long text is redacted.
    pub(crate) fn reserve(&mut self, values: usize, bytes: usize) {
        let (held, hasher) = (&self.held, &self.hasher);
        self.by_value
            .reserve(values, |e| hasher.hash_one(e.key.bytes(held)));
        self.by_token.reserve(values);
        // Each value and its key, with a category byte; lowercasing can
        // lengthen a few letters, so this is a hint, not a bound.
        grow_wiped(&mut self.held, values + 2 * bytes);
    }

    /// Writes the token for `value` to `out`, minting one on first sight.
    pub(crate) fn write_token(&mut self, category: PhiCategory, value: &str, out: &mut String) {
        let tag_index = tag_index(category);
        let tag = TAGS[tag_index];
        let key = &mut self.scratch;
        key.clear();
        // Room for the longest key this value can give (lowercasing can
        // lengthen a letter by half), so that building it never moves a
        // part of it into a buffer freed unwiped.
        grow_wiped(key, 2 + 2 * value.len());
        let category_index = PhiCategory::ALL.iter().position(|c| *c == category);
        key.push(
            category_index
                .and_then(|i| u8::try_from(i).ok())
                .unwrap_or(u8::MAX),
        );
        normalize_into(value, key);
        if key.len() == 1 {
            // Punctuation only: still give it a token of its own.
            key.extend_from_slice(value.as_bytes());
        }
        let hash = self.hasher.hash_one(key.as_slice());
        let held = &self.held;
        if let Some(entry) = self
            .by_value
            .find(hash, |e| e.key.bytes(held) == key.as_slice())
        {
            wipe(key);
            push_token(out, tag, entry.code);
            return;
        }

        let code = loop {
            let code = self.rng.r#gen::<u32>() & ((1 << CODE_BITS) - 1);
            if !self.by_token.contains_key(&token_key(tag_index, code)) {
                break code;
            }
        };
        push_token(out, tag, code);
        grow_wiped(&mut self.held, value.len() + key.len());
        let first = HeldValue {
            text: Held::push(&mut self.held, value.as_bytes()),
            category,
        };
        self.by_token.insert(token_key(tag_index, code), first);
        let entry = ValueEntry {
            key: Held::push(&mut self.held, key),
            code,
        };
        wipe(key);
        let (held, hasher) = (&self.held, &self.hasher);
        self.by_value
            .insert_unique(hash, entry, |e| hasher.hash_one(e.key.bytes(held)));
    }

    /// The value behind a canonical token (`NAME_7F3K`, no brackets), as
    /// PHI of the category it was found as.
    pub fn value_of(&self, token: &str) -> Option<Phi<String>> {
        let held = self.held_value(token)?;
        let value = self.value_text(held)?;
        Some(Phi::new(value.to_string(), held.category))
    }

    /// The text behind a canonical token, for re-identification inside the
    /// crate, where it goes straight into a [`Phi`] answer.
    pub(crate) fn value_str(&self, token: &str) -> Option<&str> {
        self.value_text(self.held_value(token)?)
    }

    fn held_value(&self, token: &str) -> Option<HeldValue> {
        let (tag, code) = token.split_once('_')?;
        let tag_index = TAGS.iter().position(|t| *t == tag)?;
        if code.len() != CODE_LEN {
            return None;
        }
        let mut packed = 0u32;
        for b in code.bytes() {
            let digit = ALPHABET.iter().position(|&a| a == b)?;
            packed = (packed << 5) | digit as u32;
        }
        self.by_token.get(&token_key(tag_index, packed)).copied()
    }

    fn value_text(&self, value: HeldValue) -> Option<&str> {
        // Whole `str` values were written there.
        std::str::from_utf8(value.text.bytes(&self.held)).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_value_same_token_and_distinct_values_distinct_tokens() {
        let mut vault = TokenVault::new();
        let a = vault.token_for(PhiCategory::Name, "Ada Quill");
        let b = vault.token_for(PhiCategory::Name, "ADA  QUILL");
        let c = vault.token_for(PhiCategory::Name, "Bo Quill");
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert!(
            a.starts_with("[[NAME_") && a.ends_with("]]") && a.len() == 13,
            "{a}"
        );
        assert_eq!(vault.len(), 2);
        let canonical = a.trim_matches(|c| c == '[' || c == ']');
        assert_eq!(vault.value_of(canonical).unwrap().expose_phi(), "Ada Quill");
        assert!(!format!("{vault:?}").contains("Quill"));
    }

    #[test]
    fn categories_keep_their_own_tokens_and_bad_codes_find_nothing() {
        let mut vault = TokenVault::new();
        let mrn = vault.token_for(PhiCategory::MedicalRecordNumber, "48213321");
        let account = vault.token_for(PhiCategory::AccountNumber, "48213321");
        let phi = vault.token_for(PhiCategory::Unclassified, "48213321");
        let other = vault.token_for(PhiCategory::OtherUniqueIdentifier, "--");
        assert_eq!(vault.len(), 4);
        for token in [&mrn, &account, &phi, &other] {
            let canonical = token.trim_matches(|c| c == '[' || c == ']');
            assert!(vault.value_of(canonical).is_some(), "{token}");
        }
        assert_eq!(
            vault.token_for(PhiCategory::AccountNumber, "4821-3321"),
            account
        );
        let canonical = mrn.trim_matches(|c| c == '[' || c == ']');
        let (tag, code) = canonical.split_once('_').unwrap();
        for bad in [
            format!("{tag}_{}", &code[..3]),
            format!("{tag}_{code}0"),
            format!("{tag}_{}U", &code[..3]),
            format!("NOPE_{code}"),
            format!("{tag}{code}"),
        ] {
            assert!(vault.value_of(&bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn every_category_gets_a_well_formed_token_with_its_tag() {
        let mut vault = TokenVault::new();
        for &category in PhiCategory::ALL {
            let token = vault.token_for(category, "Ada Quill 4821");
            let inner = token
                .strip_prefix("[[")
                .and_then(|t| t.strip_suffix("]]"))
                .unwrap();
            let (tag_part, code) = inner.split_once('_').unwrap();
            assert_eq!(tag_part, tag(category));
            assert_eq!(code.len(), CODE_LEN);
            assert!(code.bytes().all(|b| ALPHABET.contains(&b)), "{token}");
            let value = vault.value_of(inner).unwrap();
            assert_eq!(value.expose_phi(), "Ada Quill 4821");
            assert_eq!(value.category(), category);
        }
        assert_eq!(tag(PhiCategory::Name), "NAME");
        assert_eq!(tag(PhiCategory::GeographicSubdivision), "PLACE");
    }

    #[test]
    fn tokens_differ_between_vaults() {
        // Random, not derived from the value: two sessions almost surely
        // disagree (one chance in about a million of a false failure).
        let a = TokenVault::new().token_for(PhiCategory::Name, "Ada Quill");
        let b = TokenVault::new().token_for(PhiCategory::Name, "Ada Quill");
        assert_ne!(a, b);
    }
}
