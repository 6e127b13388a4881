//! The word lists behind the name and place detectors.
//!
//! Every list is compiled into the binary (see `data/SOURCE.md` for where
//! each one comes from) and loaded once per process into one hash map from
//! a lowercase word to a set of flags, so that the detectors pay a single
//! lookup per word of input.

use std::borrow::Cow;
use std::sync::OnceLock;

use rustc_hash::FxHashMap;

/// A first name in the US Census list.
pub(crate) const FIRST: u16 = 1 << 0;
/// A surname in the US Census list.
pub(crate) const LAST: u16 = 1 << 1;
/// A surname among the most frequent ones, safe to take alone.
pub(crate) const LAST_COMMON: u16 = 1 << 2;
/// An ordinary lowercase English word.
pub(crate) const WORD: u16 = 1 << 3;
/// A clinical term, eponym, drug or abbreviation that is never a name alone.
pub(crate) const CLINICAL: u16 = 1 << 4;
/// The whole name of a city.
pub(crate) const CITY: u16 = 1 << 5;
/// The first word of a city name of several words.
pub(crate) const CITY_HEAD: u16 = 1 << 6;
/// A country or US state: larger than a state is not an identifier.
pub(crate) const REGION: u16 = 1 << 7;
/// A title before a name: Dr, Mr, Mrs.
pub(crate) const CUE_TITLE: u16 = 1 << 8;
/// A word after which a name often follows: daughter, patient, by.
pub(crate) const CUE_PERSON: u16 = 1 << 9;
/// A word after which a place often follows: in, from, near.
pub(crate) const CUE_PLACE: u16 = 1 << 10;
/// The first word of a region name of several words.
pub(crate) const REGION_HEAD: u16 = 1 << 11;
/// A cue strong enough to take an unknown capitalized word for a name.
pub(crate) const CUE_STRONG: u16 = 1 << 12;

/// How many of the most frequent surnames count as [`LAST_COMMON`].
const COMMON_SURNAMES: usize = 20_000;

const FIRST_NAMES: &str = include_str!("../data/first_names.txt");
const SURNAMES: &str = include_str!("../data/surnames.txt");
const ENGLISH_WORDS: &str = include_str!("../data/english_words.txt");
const CLINICAL_TERMS: &str = include_str!("../data/clinical_terms.txt");
const CITIES: &str = include_str!("../data/cities.txt");
const REGIONS: &str = include_str!("../data/regions.txt");

const TITLES: &[&str] = &[
    "dr",
    "mr",
    "mrs",
    "ms",
    "miss",
    "mx",
    "prof",
    "professor",
    "doctor",
    "nurse",
    "sister",
    "rev",
    "sgt",
    "capt",
    "judge",
];

const PERSON_CUES: &[&str] = &[
    "patient",
    "pt",
    "name",
    "named",
    "daughter",
    "son",
    "wife",
    "husband",
    "mother",
    "father",
    "mom",
    "dad",
    "brother",
    "spouse",
    "partner",
    "granddaughter",
    "grandson",
    "grandmother",
    "grandfather",
    "aunt",
    "uncle",
    "niece",
    "nephew",
    "cousin",
    "friend",
    "caregiver",
    "guardian",
    "neighbor",
    "by",
    "me",
    "says",
    "said",
    "hi",
    "hello",
    "dear",
    "thanks",
    "regards",
    "sincerely",
    "cc",
    "contact",
    "employer",
    "roommate",
    "fiance",
    "girlfriend",
    "boyfriend",
    "sibling",
    "child",
    "stepson",
    "stepdaughter",
    "tell",
    "ask",
    "called",
    "resident",
    "client",
    "member",
    "visitor",
    "with",
];

const PLACE_CUES: &[&str] = &[
    "in", "from", "near", "at", "to", "lives", "resides", "moved", "visiting", "born", "hometown",
    "flew", "city", "town", "county", "village",
];

/// Cues that are strong enough to take an unknown capitalized word for a
/// name; the rest only confirm words already in the name lists.
const STRONG_PERSON_CUES: &[&str] = &[
    "patient",
    "pt",
    "name",
    "named",
    "daughter",
    "son",
    "wife",
    "husband",
    "mother",
    "father",
    "mom",
    "dad",
    "brother",
    "spouse",
    "partner",
    "granddaughter",
    "grandson",
    "grandmother",
    "grandfather",
    "aunt",
    "uncle",
    "niece",
    "nephew",
    "cousin",
    "caregiver",
    "guardian",
    "says",
    "said",
    "hi",
    "hello",
    "dear",
    "regards",
    "sincerely",
    "me",
    "called",
    "by",
];

pub(crate) struct Lexicon {
    /// Keyed by the lowercase word's bytes, so that a lookup from an ASCII
    /// buffer needs no UTF-8 check. Most lists are stored lowercase
    /// already: their words are keyed by slices of the compiled-in text,
    /// with no copy.
    words: FxHashMap<Cow<'static, [u8]>, u16>,
    /// The entries lowercase words need without context: cue words, and
    /// first names that are no ordinary word, clinical term or place.
    /// Small enough to stay in cache.
    lowercase: FxHashMap<Cow<'static, [u8]>, u16>,
    /// A one-sided filter in front of `lowercase`: a clear bit for a
    /// word's first two bytes, last byte and length proves the word is not
    /// there, which spares most lowercase words the hash lookup.
    lowercase_filter: Box<[u64; FILTER_WORDS]>,
}

/// The size of [`Lexicon::lowercase_filter`] in 64-bit words (8 KiB).
const FILTER_WORDS: usize = 1 << 10;

/// The bit of a word (two bytes or longer) in the lowercase filter.
fn filter_bit(word: &[u8]) -> usize {
    let (first, second, last) = (word[0], word[1], word[word.len() - 1]);
    (usize::from(first & 31) << 11)
        | (usize::from(second & 31) << 6)
        | (usize::from(last & 31) << 1)
        | (word.len() & 1)
}

/// The lines of a compiled-in list. (`str::lines` looks for each line end
/// with a call of its own, which costs more than the line on lists of
/// short words.)
fn lines(text: &'static str) -> impl Iterator<Item = &'static str> {
    let mut start = 0;
    memchr::memchr_iter(b'\n', text.as_bytes())
        .chain(std::iter::once(text.len()))
        .filter_map(move |end| {
            let line = text.get(start..end);
            start = end + 1;
            line
        })
}

impl Lexicon {
    pub(crate) fn get() -> &'static Lexicon {
        static LEXICON: OnceLock<Lexicon> = OnceLock::new();
        LEXICON.get_or_init(Lexicon::load)
    }

    fn load() -> Lexicon {
        let mut words: FxHashMap<Cow<'static, [u8]>, u16> = FxHashMap::default();
        words.reserve(200_000);
        let mut add = |word: &'static str, flag: u16| {
            let word = word.trim();
            if word.is_empty() || word.starts_with('#') {
                return;
            }
            let key = if word.bytes().all(|b| !b.is_ascii_uppercase() && b < 0x80) {
                Cow::Borrowed(word.as_bytes())
            } else {
                Cow::Owned(word.to_lowercase().into_bytes())
            };
            *words.entry(key).or_insert(0) |= flag;
        };

        for word in lines(FIRST_NAMES) {
            add(word, FIRST);
        }
        for (rank, word) in lines(SURNAMES).enumerate() {
            let flag = if rank < COMMON_SURNAMES {
                LAST | LAST_COMMON
            } else {
                LAST
            };
            add(word, flag);
        }
        for word in lines(ENGLISH_WORDS) {
            add(word, WORD);
        }
        for word in lines(CLINICAL_TERMS) {
            add(word, CLINICAL);
        }
        for city in lines(CITIES) {
            add(city, CITY);
            if let Some((head, _)) = city.split_once(' ') {
                add(head, CITY_HEAD);
            }
        }
        for region in lines(REGIONS) {
            add(region, REGION);
            if let Some((head, _)) = region.split_once(' ') {
                add(head, REGION_HEAD);
            }
        }
        for title in TITLES {
            add(title, CUE_TITLE);
        }
        for cue in PERSON_CUES {
            add(cue, CUE_PERSON);
        }
        for cue in PLACE_CUES {
            add(cue, CUE_PLACE);
        }
        for cue in STRONG_PERSON_CUES {
            add(cue, CUE_STRONG);
        }

        let lowercase: FxHashMap<Cow<'static, [u8]>, u16> = words
            .iter()
            .filter(|(_, flags)| {
                let cue = **flags & (CUE_TITLE | CUE_PERSON | CUE_PLACE) != 0;
                let plain_first =
                    **flags & FIRST != 0 && **flags & (WORD | CLINICAL | CITY | REGION) == 0;
                cue || plain_first
            })
            .map(|(word, flags)| (word.clone(), *flags))
            .collect();
        let mut lowercase_filter = Box::new([0u64; FILTER_WORDS]);
        for word in lowercase.keys().filter(|word| word.len() >= 2) {
            let bit = filter_bit(word);
            lowercase_filter[bit >> 6] |= 1 << (bit & 63);
        }
        Lexicon {
            words,
            lowercase,
            lowercase_filter,
        }
    }

    /// The flags of a word, looked up without regard to case.
    pub(crate) fn flags(&self, word: &str) -> u16 {
        if word.is_ascii() {
            self.ascii_flags(word.as_bytes())
        } else if word.len() > 40 {
            0
        } else {
            self.words
                .get(word.to_lowercase().as_bytes())
                .copied()
                .unwrap_or(0)
        }
    }

    /// [`Lexicon::flags`] of an ASCII word; 0 for a word longer than 40
    /// bytes, which no rule needs.
    #[inline]
    pub(crate) fn ascii_flags(&self, word: &[u8]) -> u16 {
        let mut buf = [0u8; 40];
        let Some(lower) = buf.get_mut(..word.len()) else {
            return 0;
        };
        for (lower, &byte) in lower.iter_mut().zip(word) {
            *lower = byte.to_ascii_lowercase();
        }
        self.words.get(&*lower).copied().unwrap_or(0)
    }

    /// The flags a lowercase ASCII word needs without context (see
    /// `lowercase`); other flags of it may be missing.
    #[inline]
    pub(crate) fn lowercase_ascii_flags(&self, word: &[u8]) -> u16 {
        if word.len() >= 2 {
            let bit = filter_bit(word);
            if self.lowercase_filter[bit >> 6] & (1 << (bit & 63)) == 0 {
                return 0;
            }
        }
        self.lowercase.get(word).copied().unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_load_with_expected_flags() {
        let lex = Lexicon::get();
        assert_ne!(lex.flags("James") & FIRST, 0);
        assert_ne!(lex.flags("GARCIA") & LAST_COMMON, 0);
        assert_ne!(lex.flags("smith") & WORD, 0);
        assert_ne!(lex.flags("Foley") & CLINICAL, 0);
        assert_ne!(lex.flags("Springfield") & CITY, 0);
        assert_ne!(lex.flags("new") & CITY_HEAD, 0);
        assert_ne!(lex.flags("Ohio") & REGION, 0);
        assert_eq!(lex.flags("Qzxv"), 0);
        assert_ne!(lex.flags("Daughter") & CUE_STRONG, 0);
        // Longer than any single word the rules look up: 0 at once.
        assert_eq!(lex.flags(&"a".repeat(41)), 0);
        assert_eq!(lex.lowercase_ascii_flags(b"james"), lex.flags("James"));
        assert_eq!(lex.lowercase_ascii_flags(b"the"), 0);
        assert_eq!(lex.flags("with") & CUE_STRONG, 0);
    }
}
