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

use phiguard_phi::{Phi, PhiCategory};
use rand::Rng;
use zeroize::Zeroize;

use crate::detect::terms::normalize;

const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const CODE_LEN: usize = 4;

/// The tag a token of `category` carries.
pub fn tag(category: PhiCategory) -> &'static str {
    use PhiCategory as C;
    match category {
        C::Name => "NAME",
        C::GeographicSubdivision => "PLACE",
        C::Date => "DATE",
        C::Phone => "PHONE",
        C::Fax => "FAX",
        C::Email => "EMAIL",
        C::Ssn => "SSN",
        C::MedicalRecordNumber => "MRN",
        C::HealthPlanBeneficiaryNumber => "PLANID",
        C::AccountNumber => "ACCOUNT",
        C::CertificateLicenseNumber => "LICENSE",
        C::VehicleIdentifier => "VEHICLE",
        C::DeviceIdentifier => "DEVICE",
        C::Url => "URL",
        C::IpAddress => "IP",
        C::BiometricIdentifier => "BIOMETRIC",
        C::FullFacePhoto => "PHOTO",
        C::OtherUniqueIdentifier => "ID",
        _ => "PHI",
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
/// values never share one. Values are held as [`Phi`] and zeroized when
/// the vault is dropped, the lookup keys too.
///
/// Debug shows the number of entries only.
pub struct TokenVault {
    /// Seeded once from the operating system, so minting a token costs no
    /// system call.
    rng: rand::rngs::StdRng,
    /// (tag, code) of a token to the first spelling of the value.
    by_token: HashMap<(&'static str, [u8; CODE_LEN]), Phi<String>>,
    /// (category, normalized value) to the code of its token.
    by_value: HashMap<(PhiCategory, String), [u8; CODE_LEN]>,
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
        for ((_, mut value), _) in self.by_value.drain() {
            value.zeroize();
        }
    }
}

impl Default for TokenVault {
    fn default() -> Self {
        TokenVault::new()
    }
}

fn push_token(out: &mut String, tag: &str, code: &[u8; CODE_LEN]) {
    out.push_str("[[");
    out.push_str(tag);
    out.push('_');
    out.extend(code.iter().map(|&b| char::from(b)));
    out.push_str("]]");
}

impl TokenVault {
    /// An empty vault.
    pub fn new() -> Self {
        TokenVault {
            rng: rand::SeedableRng::from_entropy(),
            by_token: HashMap::new(),
            by_value: HashMap::new(),
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

    /// Writes the token for `value` to `out`, minting one on first sight.
    pub(crate) fn write_token(&mut self, category: PhiCategory, value: &str, out: &mut String) {
        let tag = tag(category);
        let mut normalized = normalize(value);
        if normalized.is_empty() {
            // Punctuation only: still give it a token of its own.
            normalized = value.to_string();
        }
        let key = (category, normalized);
        if let Some(code) = self.by_value.get(&key) {
            push_token(out, tag, code);
            let mut key = key;
            key.1.zeroize();
            return;
        }

        let code = loop {
            let mut code = [0u8; CODE_LEN];
            for byte in &mut code {
                *byte = ALPHABET[self.rng.gen_range(0..ALPHABET.len())];
            }
            if !self.by_token.contains_key(&(tag, code)) {
                break code;
            }
        };
        push_token(out, tag, &code);
        self.by_token
            .insert((tag, code), Phi::new(value.to_string(), category));
        self.by_value.insert(key, code);
    }

    /// The value behind a canonical token (`NAME_7F3K`, no brackets).
    pub fn value_of(&self, token: &str) -> Option<&Phi<String>> {
        let (tag, code) = token.split_once('_')?;
        let tag = TAGS.iter().find(|t| **t == tag)?;
        let code: [u8; CODE_LEN] = code.as_bytes().try_into().ok()?;
        self.by_token.get(&(*tag, code))
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
    fn tokens_differ_between_vaults() {
        // Random, not derived from the value: two sessions almost surely
        // disagree (one chance in about a million of a false failure).
        let a = TokenVault::new().token_for(PhiCategory::Name, "Ada Quill");
        let b = TokenVault::new().token_for(PhiCategory::Name, "Ada Quill");
        assert_ne!(a, b);
    }
}
