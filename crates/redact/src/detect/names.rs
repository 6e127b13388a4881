//! Person names and city names, found with word lists and context cues.
//!
//! The text is cut into words in one pass; each word costs one hash
//! lookup in the lexicon (first names and surnames from the US Census,
//! ordinary English words, clinical terms, cities, countries and states,
//! cue words). Rules then read the words with their neighbours:
//!
//! - after a title ("Dr.", "Mrs") or a strong cue ("patient", "daughter",
//!   "signed by", "name is"), the following capitalized words are a name
//!   even when no list knows them, and lowercase words are a name when the
//!   lists know them as names and not as ordinary words;
//! - "Last, First" and "First [M.] Last" shapes;
//! - a known first name alone, unless it is also an ordinary word
//!   ("Grace", "Will"), which needs a surname after it;
//! - a frequent surname alone, unless it is an ordinary word or clinical
//!   term ("Brown", "Foley");
//! - lowercase "first last" pairs that are both unambiguous names;
//! - city names (one or several words) that are not ordinary words, not
//!   names, not countries or states.
//!
//! Known shortcomings: a lowercase word that no list knows is never taken
//! for a name, even after a cue ("nurse delacroix", "pt hiroshi
//! nakamura"), because lowercase clinical words follow the same cues; the
//! census lists of 1990 miss many non-Anglo given names, so such names are
//! found only through cues, an adjacent surname or a second unknown
//! capitalized word; and drug brand names that no list knows can be taken
//! for names when two of them stand side by side.

use phiguard_phi::PhiCategory;

use crate::detect::Detector;
use crate::detect::swar::{HIGH_BITS, ascii_capitals, ascii_letters, chunk};
use crate::error::DetectError;
use crate::lexicon::{
    CITY, CITY_HEAD, CLINICAL, CUE_PERSON, CUE_PLACE, CUE_STRONG, CUE_TITLE, FIRST, LAST,
    LAST_COMMON, Lexicon, REGION, WORD,
};
use crate::span::Span;

/// The built-in detector for person names (and city names).
///
/// Names come first: a word that could be a surname or a city
/// ("Franklin") is reported as a name unless a place cue ("in",
/// "from") comes before it.
#[derive(Debug, Clone)]
pub struct NameDetector {
    places: bool,
}

impl NameDetector {
    /// A detector for names and city names.
    pub fn new() -> Self {
        NameDetector { places: true }
    }

    /// Whether to report city names too (on by default).
    pub fn with_places(mut self, places: bool) -> Self {
        self.places = places;
        self
    }
}

impl Default for NameDetector {
    fn default() -> Self {
        NameDetector::new()
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Gap {
    /// Spaces or tabs only.
    Space,
    /// A comma and spaces.
    Comma,
    /// A period and spaces (after an initial or a title).
    Period,
    /// A colon and spaces.
    Colon,
    /// A hyphen with no spaces.
    Hyphen,
    /// Anything else, a line break included.
    Other,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Shape {
    Capitalized,
    Upper,
    Lower,
    Mixed,
}

#[derive(Clone, Copy, Debug)]
struct Word {
    start: usize,
    end: usize,
    flags: u16,
    shape: Shape,
    gap: Gap,
    /// One letter long.
    initial: bool,
    /// A period right after the word.
    dotted: bool,
    /// First word of a line (or of the text).
    line_start: bool,
    has_digit: bool,
}

impl Word {
    fn capitalized(&self) -> bool {
        self.shape == Shape::Capitalized && !self.has_digit
    }

    fn upper(&self) -> bool {
        self.shape == Shape::Upper && !self.has_digit
    }

    fn has(&self, flag: u16) -> bool {
        self.flags & flag != 0
    }

    /// Capitalized, and nothing in the lexicon says it is not a name.
    fn unknown_capitalized(&self) -> bool {
        self.capitalized()
            && !self.initial
            && !self.has(WORD | CLINICAL | REGION | CUE_TITLE | CUE_PERSON | CUE_PLACE)
    }

    /// A capitalized word the name lists know.
    fn listed_name(&self) -> bool {
        (self.capitalized() || self.upper() && self.end - self.start >= 3)
            && self.has(FIRST | LAST)
            && !self.has(CLINICAL)
    }

    fn capital_initial(&self, text: &str) -> bool {
        self.initial && text.as_bytes()[self.start].is_ascii_uppercase()
    }
}

/// Where the next ASCII letter or non-ASCII byte is, at or after `i`.
#[inline]
fn next_word_byte(bytes: &[u8], mut i: usize) -> usize {
    while let Some(x) = chunk(bytes, i) {
        let found = ascii_letters(x) | (x & HIGH_BITS);
        if found != 0 {
            return i + (found.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while i < bytes.len() && !bytes[i].is_ascii_alphabetic() && bytes[i] < 0x80 {
        i += 1;
    }
    i
}

/// Which cases a run of letters has seen.
#[derive(Clone, Copy, Default)]
struct Cases {
    /// An uppercase letter.
    upper: bool,
    /// A letter that is not uppercase.
    other: bool,
}

/// The end of the run of ASCII letters at `i`, and the cases in it.
/// (Cases, not counts: the target's baseline has no popcount
/// instruction, and the shape of a word needs no more.)
#[inline]
fn letter_run(bytes: &[u8], mut i: usize) -> (usize, Cases) {
    let (mut upper, mut lower) = (0u64, 0u64);
    while let Some(x) = chunk(bytes, i) {
        let letters = ascii_letters(x);
        let capitals = ascii_capitals(x);
        let others = !letters & HIGH_BITS;
        if others != 0 {
            let run = others.trailing_zeros() / 8;
            // The bytes of the run: all below the first other byte.
            let in_run = (1u64 << (run * 8)) - 1;
            upper |= capitals & in_run;
            lower |= letters & !capitals & in_run;
            let cases = Cases {
                upper: upper != 0,
                other: lower != 0,
            };
            return (i + run as usize, cases);
        }
        upper |= capitals;
        lower |= letters & !capitals;
        i += 8;
    }
    let mut cases = Cases {
        upper: upper != 0,
        other: lower != 0,
    };
    while let Some(b) = bytes.get(i).filter(|b| b.is_ascii_alphabetic()) {
        cases.upper |= b.is_ascii_uppercase();
        cases.other |= b.is_ascii_lowercase();
        i += 1;
    }
    (i, cases)
}

fn tokenize(text: &str, lexicon: &Lexicon) -> Vec<Word> {
    let bytes = text.as_bytes();
    let mut words = Vec::with_capacity(text.len() / 6);
    let mut i = 0;
    let mut prev_end = 0;

    loop {
        i = next_word_byte(bytes, i);
        let Some(&b) = bytes.get(i) else {
            break;
        };
        let start = i;
        let mut ascii = b < 0x80;
        let mut has_digit = false;
        let mut letters = 1usize;
        let first_upper: bool;

        // The first character of a word is a letter.
        if b < 0x80 {
            first_upper = b.is_ascii_uppercase();
            i += 1;
        } else {
            let c = text[i..].chars().next().unwrap_or(' ');
            if !c.is_alphabetic() {
                i += c.len_utf8();
                continue;
            }
            first_upper = c.is_uppercase();
            i += c.len_utf8();
        }
        let mut cases = Cases {
            upper: first_upper,
            other: !first_upper,
        };

        loop {
            // A run of ASCII letters, the bulk of every word.
            let (run_end, run) = letter_run(bytes, i);
            letters += run_end - i;
            cases.upper |= run.upper;
            cases.other |= run.other;
            i = run_end;
            let Some(&b) = bytes.get(i) else {
                break;
            };
            if b.is_ascii_digit() {
                has_digit = true;
                i += 1;
            } else if b == b'\''
                && letters == 1
                && bytes.get(i + 1).is_some_and(u8::is_ascii_uppercase)
            {
                // O'Brien, D'Angelo.
                i += 1;
            } else if b >= 0x80 {
                let c = text[i..].chars().next().unwrap_or(' ');
                if !c.is_alphabetic() {
                    break;
                }
                ascii = false;
                let upper = c.is_uppercase();
                cases.upper |= upper;
                cases.other |= !upper;
                letters += 1;
                i += c.len_utf8();
            } else {
                break;
            }
        }
        let end = i;

        let shape = if !cases.upper {
            Shape::Lower
        } else if !cases.other && letters > 1 {
            Shape::Upper
        } else if first_upper {
            // Also McDonald, DeLuca.
            Shape::Capitalized
        } else {
            Shape::Mixed
        };

        let gap_bytes = &bytes[prev_end..start];
        let gap = classify_gap(gap_bytes);
        let word = &bytes[start..end];
        let flags = if letters < 2 || has_digit {
            0
        } else if !ascii {
            lexicon.flags(&text[start..end])
        } else if shape == Shape::Lower {
            // Lowercase words get only the flags rules need without context
            // (cues, first names); the rest is looked up where a rule needs
            // it (after a cue, in a "first last" pair): see `full_flags`.
            lexicon.lowercase_ascii_flags(word)
        } else {
            lexicon.ascii_flags(word)
        };

        words.push(Word {
            start,
            end,
            flags,
            shape,
            gap,
            initial: letters == 1 && !has_digit,
            dotted: bytes.get(end) == Some(&b'.'),
            line_start: prev_end == 0 || gap_bytes.len() > 1 && gap_bytes.contains(&b'\n'),
            has_digit,
        });
        prev_end = end;
    }
    words
}

fn classify_gap(gap: &[u8]) -> Gap {
    // By far the most common gap.
    if gap == b" " {
        return Gap::Space;
    }
    let blank = |b: &u8| matches!(b, b' ' | b'\t');
    let lead = gap.iter().take_while(|b| blank(b)).count();
    let Some((&first, rest)) = gap[lead..].split_first() else {
        return if gap.is_empty() || gap.len() > 4 {
            Gap::Other
        } else {
            Gap::Space
        };
    };
    if !rest.iter().all(blank) {
        return Gap::Other;
    }
    // A non-ASCII first byte is none of these.
    match first {
        b',' => Gap::Comma,
        b'.' => Gap::Period,
        b':' => Gap::Colon,
        b'-' if rest.is_empty() && gap.len() == 1 => Gap::Hyphen,
        _ => Gap::Other,
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// After a title or strong cue: unknown capitalized words count.
    Strong,
    /// After a first name: surnames, initials and unknown capitalized words.
    Follow,
}

impl Detector for NameDetector {
    fn name(&self) -> &str {
        "names"
    }

    fn detect(&self, text: &str, out: &mut Vec<Span>) -> Result<(), DetectError> {
        let lexicon = Lexicon::get();
        let words = tokenize(text, lexicon);
        let n = words.len();
        let mut i = 0;

        while i < n {
            let w = words[i];

            // Most words are lowercase and neither cue nor first name, or
            // ordinary words the name and place lists do not know: no rule
            // starts at them.
            if !w.has(CUE_TITLE | CUE_PERSON | FIRST)
                && (w.shape == Shape::Lower
                    || w.has(WORD | CLINICAL | REGION) && !w.has(LAST | CITY | CITY_HEAD))
            {
                i += 1;
                continue;
            }

            // A title or a cue word: the name follows.
            if w.has(CUE_TITLE | CUE_PERSON) && !w.has_digit && i + 1 < n {
                let strong = w.has(CUE_TITLE | CUE_STRONG);
                let mut j = i + 1;
                // "name is X", "name: X".
                if j + 1 < n && is_copula(text, &words[j]) {
                    j += 1;
                }
                let next = &words[j];
                let gap_ok = matches!(next.gap, Gap::Space | Gap::Colon)
                    // "Dr. Okafor", but not "doctor. Plan".
                    || (w.has(CUE_TITLE) && next.gap == Gap::Period && w.end - w.start <= 4);
                if gap_ok {
                    let cue = &text[w.start..w.end];
                    let naming = matches!(cue, "name" | "named" | "called" | "Name");
                    let taken = if strong {
                        take_name(text, &words, j, Mode::Strong).or_else(|| {
                            // "my name is vitoria": after an explicit naming
                            // cue, a lowercase word that is no ordinary word.
                            let next = &words[j];
                            (naming
                                && next.shape == Shape::Lower
                                && full_flags(text, next) & (WORD | CLINICAL) == 0)
                                .then_some(j)
                        })
                    } else if starts_name_without_cue(text, &words, j) {
                        take_name(text, &words, j, Mode::Follow)
                    } else {
                        None
                    };
                    if let Some(last) = taken {
                        let lowercase = words[j].shape == Shape::Lower;
                        let confidence = if lowercase { 0.7 } else { 0.9 };
                        push_name(out, &words, j, last, confidence);
                        i = last + 1;
                        continue;
                    }
                }
            }

            // A list of people: "Monjeau, Graves and Reed".
            if let Some(items) = name_list(text, &words, i) {
                for &k in &items {
                    push_name(out, &words, k, k, 0.5);
                }
                i = items[items.len() - 1] + 1;
                continue;
            }

            // "Last, First".
            if (w.listed_name() || w.unknown_capitalized())
                && !w.has(CLINICAL)
                && i + 1 < n
                && words[i + 1].gap == Gap::Comma
            {
                let next = &words[i + 1];
                if next.listed_name() && next.has(FIRST) && !next.has(WORD) && w.has(LAST) {
                    let mut last = i + 1;
                    if last + 1 < n
                        && words[last + 1].capital_initial(text)
                        && words[last + 1].gap == Gap::Space
                    {
                        last += 1;
                    }
                    push_name(out, &words, i, last, 0.85);
                    i = last + 1;
                    continue;
                }
            }

            // A city of several words ("New York City", "Salt Lake City").
            if self.places
                && w.has(CITY_HEAD)
                && (w.capitalized() || w.upper())
                && let Some(last) = longest_city(text, &words, i, lexicon)
            {
                out.push(Span::new(
                    w.start,
                    words[last].end,
                    PhiCategory::GeographicSubdivision,
                    0.7,
                    "names",
                ));
                i = last + 1;
                continue;
            }

            // "First [M.] Last" or a first name alone.
            if w.listed_name() && w.has(FIRST) && !w.has(CUE_TITLE) {
                let followers = if i + 1 < n {
                    take_followers(text, &words, i + 1)
                } else {
                    None
                };
                match followers {
                    Some(last) => {
                        push_name(out, &words, i, last, 0.9);
                        i = last + 1;
                        continue;
                    }
                    // Names beat cities: "Elizabeth" alone is a person.
                    None if !w.has(WORD | REGION) && w.capitalized() => {
                        push_name(out, &words, i, i, 0.6);
                        i += 1;
                        continue;
                    }
                    None => {}
                }
            }

            // Two capitalized words no list knows ("Tomomi Nishiyama").
            if w.unknown_capitalized()
                && i + 1 < n
                && let Some(last) = take_followers(text, &words, i + 1)
            {
                push_name(out, &words, i, last, 0.5);
                i = last + 1;
                continue;
            }

            // An unknown capitalized word doing what only people do:
            // "Alvir spent a year", "Shovda said".
            if w.unknown_capitalized() && i + 1 < n && words[i + 1].gap == Gap::Space {
                let next = &words[i + 1];
                if next.shape == Shape::Lower && human_verb(&text[next.start..next.end]) {
                    push_name(out, &words, i, i, 0.5);
                    i += 1;
                    continue;
                }
            }

            // A possessive of a word no list knows: "Matej's address".
            if (w.unknown_capitalized() || w.listed_name() && !w.has(WORD))
                && !w.has(CLINICAL)
                && (text[w.end..].starts_with("'s ") || text[w.end..].starts_with("’s "))
            {
                push_name(out, &words, i, i, 0.5);
                i += 1;
                continue;
            }

            // A speaker at the start of a line: "Halldór: What a wife."
            if w.line_start
                && text[w.end..].starts_with(':')
                && (w.listed_name() && (w.has(FIRST) || !w.has(WORD)) || w.unknown_capitalized())
                && !w.has(CLINICAL | CUE_TITLE | CUE_PERSON)
            {
                push_name(out, &words, i, i, 0.5);
                i += 1;
                continue;
            }

            // An unknown capitalized word after "in", "from", "near":
            // most often a place.
            let unknown_upper = w.upper()
                && w.end - w.start >= 6
                && !w.has(WORD | CLINICAL | REGION | FIRST | LAST);
            if self.places
                && (w.unknown_capitalized() || unknown_upper)
                && i > 0
                && w.gap == Gap::Space
                && words[i - 1].has(CUE_PLACE)
                && words[i - 1].shape == Shape::Lower
            {
                out.push(Span::new(
                    w.start,
                    w.end,
                    PhiCategory::GeographicSubdivision,
                    0.5,
                    "names",
                ));
                i += 1;
                continue;
            }

            // Lowercase "first last".
            if w.shape == Shape::Lower
                && w.has(FIRST)
                && !w.has(WORD | CLINICAL | CITY | REGION)
                && i + 1 < n
            {
                let next = &words[i + 1];
                if next.gap == Gap::Space
                    && next.shape == Shape::Lower
                    && full_flags(text, next) & LAST_COMMON != 0
                    && full_flags(text, next) & (WORD | CLINICAL | CITY | REGION) == 0
                {
                    push_name(out, &words, i, i + 1, 0.7);
                    i += 2;
                    continue;
                }
            }

            // A city alone.
            if self.places && w.capitalized() && w.has(CITY) && !w.has(CLINICAL | REGION) {
                let cued = i > 0 && words[i - 1].has(CUE_PLACE) && words[i].gap == Gap::Space;
                // "flew to Phoenix": a cue makes even an ordinary word a city.
                if cued || !w.has(FIRST | LAST | WORD) {
                    out.push(Span::new(
                        w.start,
                        w.end,
                        PhiCategory::GeographicSubdivision,
                        0.6,
                        "names",
                    ));
                    i += 1;
                    continue;
                }
            }

            // A frequent surname alone.
            if w.capitalized()
                && w.has(LAST_COMMON)
                && !w.has(WORD | CLINICAL | REGION | CUE_TITLE | CUE_PERSON | CUE_PLACE)
            {
                push_name(out, &words, i, i, 0.5);
                i += 1;
                continue;
            }

            i += 1;
        }
        Ok(())
    }
}

/// The words of a list of single names starting at `i` ("A, B and C",
/// "A and B"), when every item could be a name and at least one is in the
/// census lists (which keeps "Eliquis and Xarelto" out).
fn name_list(text: &str, words: &[Word], i: usize) -> Option<Vec<usize>> {
    let item = |w: &Word| {
        w.capitalized() && !w.initial && (w.has(FIRST | LAST) || w.unknown_capitalized())
    };
    if !item(&words[i]) {
        return None;
    }
    // Most capitalized words start no list: look before allocating.
    let next = words.get(i + 1)?;
    if next.gap != Gap::Comma && &text[next.start..next.end] != "and" {
        return None;
    }
    let mut items = vec![i];
    let mut k = i + 1;
    let mut closed = false;
    while k < words.len() && items.len() < 12 {
        let w = &words[k];
        if w.gap == Gap::Comma && item(w) {
            items.push(k);
            k += 1;
        } else if w.gap == Gap::Space
            && &text[w.start..w.end] == "and"
            && k + 1 < words.len()
            && words[k + 1].gap == Gap::Space
            && item(&words[k + 1])
        {
            items.push(k + 1);
            closed = true;
            break;
        } else {
            break;
        }
    }
    let listed = items
        .iter()
        .filter(|&&x| words[x].has(FIRST | LAST))
        .count();
    let plain = items
        .iter()
        .filter(|&&x| !words[x].has(WORD) || words[x].has(FIRST))
        .count();
    (closed && listed >= 1 && plain >= 2).then_some(items)
}

/// Verbs whose subject is a person, not a drug or a device.
fn human_verb(word: &str) -> bool {
    matches!(
        word,
        "said"
            | "says"
            | "told"
            | "asked"
            | "lives"
            | "lived"
            | "spent"
            | "shouted"
            | "wrote"
            | "works"
            | "worked"
            | "married"
            | "called"
            | "visited"
            | "explained"
            | "agreed"
            | "refused"
            | "declined"
            | "prefers"
            | "wants"
            | "wishes"
    )
}

/// Every flag of a word, looking lowercase words up in full.
fn full_flags(text: &str, w: &Word) -> u16 {
    if w.shape == Shape::Lower {
        Lexicon::get().flags(&text[w.start..w.end])
    } else {
        w.flags
    }
}

/// Words between a cue and the name: "name is X", "named him X".
fn is_copula(text: &str, w: &Word) -> bool {
    matches!(
        &text[w.start..w.end],
        "is" | "was" | "IS" | "WAS" | "Is" | "him" | "her" | "them" | "as"
    )
}

/// Whether a weak cue ("with", "by", "to") is followed by a name that
/// stands without the cue: a first name or surname that is not an
/// ordinary word.
fn starts_name_without_cue(text: &str, words: &[Word], j: usize) -> bool {
    let w = &words[j];
    if !w.listed_name() {
        return false;
    }
    if !w.has(WORD) {
        return true;
    }
    words.get(j + 1).is_some_and(|next| {
        next.gap == Gap::Space
            && (next.listed_name() && next.has(LAST) || next.capital_initial(text))
    })
}

/// Whether `w` may continue a name in `mode`.
fn continues_name(text: &str, w: &Word, mode: Mode) -> bool {
    if w.capital_initial(text) {
        return true;
    }
    match mode {
        Mode::Strong => {
            w.listed_name()
                || w.unknown_capitalized()
                || w.shape == Shape::Lower && {
                    let flags = full_flags(text, w);
                    flags & (FIRST | LAST) != 0 && flags & CLINICAL == 0
                }
        }
        Mode::Follow => (w.listed_name() && w.has(LAST)) || w.unknown_capitalized(),
    }
}

/// The last word of a name that starts at `j` after a cue, if any.
fn take_name(text: &str, words: &[Word], j: usize, mode: Mode) -> Option<usize> {
    let first = &words[j];
    if !continues_name(text, first, mode) || first.initial && !first.dotted {
        return None;
    }
    let mut last = j;
    let mut comma_used = false;
    let mut k = j + 1;
    while k < words.len() && k - j < 4 {
        let w = &words[k];
        let gap_ok = match w.gap {
            Gap::Space | Gap::Hyphen => true,
            Gap::Period => words[k - 1].initial,
            // "Whitfield, Wei": one comma, right after a single word.
            Gap::Comma => {
                !comma_used && last == j && mode == Mode::Strong && !w.has(WORD) && w.capitalized()
            }
            _ => false,
        };
        if !gap_ok || !continues_name(text, w, mode) {
            break;
        }
        // A lowercase word continues only a lowercase name.
        if (w.shape == Shape::Lower) != (first.shape == Shape::Lower) {
            break;
        }
        if w.gap == Gap::Comma {
            comma_used = true;
        }
        last = k;
        k += 1;
    }
    // Lowercase words are names only when at least one of them is no
    // ordinary word ("pt john garcia", not "pt will call").
    if first.shape == Shape::Lower && (j..=last).all(|x| full_flags(text, &words[x]) & WORD != 0) {
        return None;
    }
    Some(last)
}

/// The last word of the surname (and initials) after a first name.
fn take_followers(text: &str, words: &[Word], j: usize) -> Option<usize> {
    let mut last = None;
    let mut k = j;
    while k < words.len() && k - j < 3 {
        let w = &words[k];
        let gap_ok = match w.gap {
            Gap::Space | Gap::Hyphen => true,
            Gap::Period => k > j && words[k - 1].initial,
            _ => false,
        };
        if !gap_ok || !continues_name(text, w, Mode::Follow) {
            break;
        }
        last = Some(k);
        k += 1;
    }
    // Initials alone ("Grace R.") are not enough for an ambiguous first name.
    match last {
        Some(l) if words[l].initial && words[l].gap != Gap::Space => None,
        Some(l) if (j..=l).all(|x| words[x].initial) => None,
        other => other,
    }
}

fn longest_city(text: &str, words: &[Word], i: usize, lexicon: &Lexicon) -> Option<usize> {
    let mut best = None;
    for last in (i + 1..words.len().min(i + 4)).rev() {
        if !(i + 1..=last)
            .all(|k| words[k].gap == Gap::Space && (words[k].capitalized() || words[k].upper()))
        {
            continue;
        }
        let joined = &text[words[i].start..words[last].end];
        let normalized: String = joined.split_whitespace().collect::<Vec<_>>().join(" ");
        let flags = lexicon.flags(&normalized);
        if flags & CITY != 0 && flags & REGION == 0 {
            best = Some(last);
            break;
        }
    }
    best
}

fn push_name(out: &mut Vec<Span>, words: &[Word], first: usize, last: usize, confidence: f32) {
    out.push(Span::new(
        words[first].start,
        words[last].end,
        PhiCategory::Name,
        confidence,
        "names",
    ));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(text: &str) -> Vec<String> {
        let mut out = Vec::new();
        NameDetector::new().detect(text, &mut out).unwrap();
        out.iter()
            .filter(|s| s.category == PhiCategory::Name)
            .map(|s| text[s.start..s.end].to_string())
            .collect()
    }

    #[test]
    fn finds_names_in_common_shapes() {
        assert_eq!(names("Patient: Mary Smith   MRN: 1"), ["Mary Smith"]);
        assert_eq!(names("Patient: Smith, Mary   MRN"), ["Smith, Mary"]);
        assert_eq!(names("Attending: Dr. Kwame Okafor\n"), ["Kwame Okafor"]);
        assert_eq!(names("Discussed with Dr. Brennan who agrees."), ["Brennan"]);
        assert_eq!(
            names("Daughter Grace T. White can be reached"),
            ["Grace T. White"]
        );
        assert_eq!(
            names("Signed electronically by Tomasz Kowalski on"),
            ["Tomasz Kowalski"]
        );
        assert_eq!(names("spoke with pt john garcia today"), ["john garcia"]);
        assert_eq!(names("says Iwase."), ["Iwase"]);
    }

    #[test]
    fn finds_lists_of_people_but_not_of_drugs_or_colours() {
        assert_eq!(
            names("founders: Monjeau, Graves and Reed."),
            ["Monjeau", "Graves", "Reed"]
        );
        assert_eq!(
            names("Started Eliquis and Xarelto was stopped."),
            Vec::<String>::new()
        );
        assert_eq!(
            names("Skin pink, warm and dry; Brown, White and Green bins."),
            Vec::<String>::new()
        );
    }

    #[test]
    fn leaves_clinical_text_alone() {
        let text = "Patient reports intermittent chest discomfort. Foley removed this morning, \
                    voiding without difficulty. Lungs clear to auscultation bilaterally. \
                    Continue metoprolol 25 mg PO BID. Will follow up. Grace period applies.";
        assert_eq!(names(text), Vec::<String>::new());
    }

    #[test]
    fn finds_cities() {
        let mut out = Vec::new();
        let text = "She moved from Salt Lake City to Burlington last year.";
        NameDetector::new().detect(text, &mut out).unwrap();
        let places: Vec<&str> = out
            .iter()
            .filter(|s| s.category == PhiCategory::GeographicSubdivision)
            .map(|s| &text[s.start..s.end])
            .collect();
        assert_eq!(places, ["Salt Lake City", "Burlington"]);
    }
}
