//! Identifiers with a recognisable shape: e-mail, URLs, IP addresses,
//! phone and fax numbers, SSNs, dates, ages over 89, record, plan,
//! account, license, vehicle and device numbers, street addresses and ZIP
//! codes.
//!
//! Most rules are compiled into one multi-pattern regex (a lazy DFA, so
//! the scan is linear in the input and never backtracks). Rules that run
//! over long stretches of word characters or digits (e-mail addresses,
//! host names, phone and card numbers) would multiply that DFA's states,
//! so they have regexes of their own, searched only inside the runs of
//! text that can hold one of their matches (see `Window`); the scan merges
//! the groups' matches exactly as one regex of all rules would order them.
//! A rule whose value follows a cue ("MRN: 1234567") matches cue and value
//! together; the value is then picked out of the match alone, by small
//! anchored DFAs of the cue and the value (see `ValueFinder`).

use std::panic::{RefUnwindSafe, UnwindSafe};
use std::sync::OnceLock;

use phiguard_phi::PhiCategory;
use regex_automata::hybrid::dfa::{Cache as HybridCache, DFA as HybridDfa};
use regex_automata::nfa::thompson::backtrack::{self, BoundedBacktracker};
use regex_automata::nfa::thompson::pikevm::{self, PikeVM};
use regex_automata::nfa::thompson::{self, WhichCaptures};
use regex_automata::util::captures::Captures;
use regex_automata::util::pool::Pool;
use regex_automata::{Anchored, Input, MatchKind};

use crate::detect::Detector;
use crate::detect::swar::{ascii_digits, chunk};
use crate::error::DetectError;
use crate::lexicon::{self, Lexicon};
use crate::span::Span;

const B: &str = r"(?-u:\b)";

/// What must hold of a match for it to count.
#[derive(Clone, Copy)]
enum Check {
    None,
    Ssn,
    DateNumeric,
    DateShort,
    Ip4,
    PhoneDigits,
    CardOrLong,
    HasDigit,
    ZipAfterWord,
    Url,
    NotDose,
    /// "Springfield, IL 62704": the place and its ZIP code are two
    /// identifiers, reported as two spans.
    SplitZip,
}

struct Rule {
    category: PhiCategory,
    confidence: f32,
    pattern: String,
    /// Whether the value is capture group `v` rather than the whole match.
    cue: bool,
    check: Check,
    /// `None` for the rules of the main regex.
    window: Option<Window>,
}

/// Where a rule that is not in the main regex is looked for.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Window {
    /// Only inside runs of characters an e-mail address is made of that
    /// hold an `@`: every match of the rule is such a run's substring.
    Email,
    /// Only inside runs of host-name characters (letters, digits, `.`,
    /// `-`) that hold a `.` followed by a letter.
    Host,
    /// Only inside runs of the characters phone and card numbers are
    /// written with that hold ten digits or more (a phone number, a card
    /// written in groups) or eight in a row (a long number).
    Digits,
}

/// For each byte, the bits of the groups ([`Window::bit`]) whose matches
/// it can be part of: one table load instead of a chain of comparisons.
static WINDOW_BYTES: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        let mut w = 0;
        while w < Window::ALL.len() {
            let window = Window::ALL[w];
            if window.allows_slowly(b as u8) {
                table[b] |= window.bit();
            }
            w += 1;
        }
        b += 1;
    }
    table
};

impl Window {
    const ALL: [Window; 3] = [Window::Email, Window::Host, Window::Digits];

    /// Whether `byte` can be part of a match of the group's rule.
    #[inline]
    fn allows(self, byte: u8) -> bool {
        WINDOW_BYTES[usize::from(byte)] & self.bit() != 0
    }

    /// This group's bit in [`WINDOW_BYTES`].
    const fn bit(self) -> u8 {
        match self {
            Window::Email => 1,
            Window::Host => 2,
            Window::Digits => 4,
        }
    }

    /// [`Window::allows`] spelled out, for building [`WINDOW_BYTES`].
    const fn allows_slowly(self, byte: u8) -> bool {
        match self {
            Window::Email => {
                byte.is_ascii_alphanumeric()
                    || matches!(byte, b'.' | b'_' | b'%' | b'+' | b'-' | b'@')
            }
            Window::Host => byte.is_ascii_alphanumeric() || matches!(byte, b'.' | b'-'),
            Window::Digits => {
                byte.is_ascii_digit()
                    || matches!(
                        byte,
                        b' ' | b'('
                            | b')'
                            | b'.'
                            | b'+'
                            | b'-'
                            | b'x'
                            | b'X'
                            | b'e'
                            | b'E'
                            | b't'
                            | b'T'
                    )
            }
        }
    }

    /// The next place at or after `from` that every match of the group's
    /// rules holds: an `@`, a `.` followed by a letter, or the first digit
    /// of a run with ten digits or eight in a row. (A run's digits before
    /// `from` are not counted: a match that starts at or after `from` has
    /// its digits there too.)
    fn next_trigger(self, bytes: &[u8], from: usize) -> Option<usize> {
        let mut from = from;
        loop {
            let rest = bytes.get(from..)?;
            match self {
                Window::Email => return memchr::memchr(b'@', rest).map(|i| from + i),
                Window::Host => {
                    let dot = from + memchr::memchr(b'.', rest)?;
                    if bytes.get(dot + 1).is_some_and(u8::is_ascii_alphabetic) {
                        return Some(dot);
                    }
                    from = dot + 1;
                }
                Window::Digits => {
                    let digit = from + next_digit(rest)?;
                    let mut end = digit;
                    let (mut digits, mut run, mut longest) = (0, 0, 0);
                    while end < bytes.len() && self.allows(bytes[end]) {
                        if bytes[end].is_ascii_digit() {
                            digits += 1;
                            run += 1;
                            longest = longest.max(run);
                        } else {
                            run = 0;
                        }
                        end += 1;
                    }
                    if digits >= 10 || longest >= 8 {
                        return Some(digit);
                    }
                    from = end;
                }
            }
        }
    }
}

fn rule(category: PhiCategory, confidence: f32, pattern: String, check: Check) -> Rule {
    Rule {
        category,
        confidence,
        pattern,
        cue: false,
        check,
        window: None,
    }
}

fn windowed(window: Window, mut rule: Rule) -> Rule {
    rule.window = Some(window);
    rule
}

fn cue_rule(category: PhiCategory, confidence: f32, pattern: String, check: Check) -> Rule {
    Rule {
        category,
        confidence,
        pattern,
        cue: true,
        check,
        window: None,
    }
}

/// Letter classes for place names: Latin letters with the accents of
/// Latin-1 and Latin Extended-A. Narrower than `\p{L}`, which keeps the
/// lazy DFA small.
const UPPER: &str = "[A-Z\u{C0}-\u{D6}\u{D8}-\u{DE}]";
const LOWER: &str = "[a-z\u{DF}-\u{F6}\u{F8}-\u{FF}\u{100}-\u{17F}]";
const LETTER: &str = "[A-Za-z\u{C0}-\u{D6}\u{D8}-\u{F6}\u{F8}-\u{17F}'\\-.]";

/// A word of a street name, digits allowed ("Dalbraut", "99", "St.").
const WORD: &str = "[0-9A-Za-z\u{C0}-\u{D6}\u{D8}-\u{F6}\u{F8}-\u{17F}'\\-.]{1,30}";
const WORD_REST: &str = "[0-9A-Za-z\u{C0}-\u{D6}\u{D8}-\u{F6}\u{F8}-\u{17F}'\\-.]{0,29}";

const STATES: &str = "AL|AK|AZ|AR|CA|CO|CT|DE|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|NH|NJ|NM|NY|NC|ND|OH|OK|OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY|DC|PR|VI|GU";

const STREET_SUFFIX: &str = "Street|Str|St|Avenue|Ave|Av|Road|Rd|Lane|Ln|Drive|Dr|Boulevard|Blvd|Court|Ct|Way|Place|Pl|Terrace|Ter|Circle|Cir|Parkway|Pkwy|Highway|Hwy|Square|Sq|Trail|Trl|Loop|Alley|Plaza|Row|Crescent|Close|Pike|Turnpike|Route|Rte|Path|Walk|Heights|Hts|Point|Pt|Ridge|Run|Crossing|Xing|Commons|Green|Grove|Park|Gardens|Mews|Expressway|Expy|Freeway|Fwy|Cove|Bend|Hollow|Junction|Landing|Meadow|Meadows|Pass|View|Vista|Estates|Station|Center|Ctr";

/// Street words in other languages that the presidio-style addresses use
/// ("Brixtonlaan 380", "Rue de Piétrain 371").
const FOREIGN_STREET_TAIL: &str = "straat|laan|weg|gasse|strasse|straße|katu|tie|kuja|vägen|gatan|gata|veien|vei|vej|gade|allee|platz|ring|plein|kade|dreef|singel|steig|ufer|damm|utca|ulica|cesta";
const FOREIGN_STREET_HEAD: &str = "Rue|Avenue|Av\\.|Avda\\.?|Via|Viale|Calle|Avenida|Rua|Piazza|Chemin|Boulevard|Place|Plac|Aleja|Al\\.|ul\\.|Ulica|Camino|Carrer|Travessa|Largo|Strada|Corso|Quai|Impasse|Allée|(?i:rue|ul\\.|calle|rua|avenida|piazza|chemin|viale|strada|carrer|travessa|impasse)";

fn month() -> String {
    // "May" only capitalized: "may" is far more often the verb.
    "(?:(?i-u:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)|May|MAY)".to_string()
}

fn rules() -> Vec<Rule> {
    use PhiCategory as C;
    let m = format!("{}{B}", month());
    let ws = "[ \\t]";
    let sep = "[ \\t]{0,4}(?:is[ \\t]{1,3})?[:#]?[ \\t]{0,4}";
    // Phone numbers often sit on the line after their label.
    let sep_nl = "[ \\t]{0,4}[:#]?[ \\t]{0,4}(?:\\r?\\n[ \\t]{0,4})?";
    let mut r = Vec::new();

    // Order matters where two rules can start at the same place: the
    // earlier one wins. Cue rules start at the cue, to the left of the
    // value, so they win over the bare shapes of the same value. Within a
    // cue, a longer cue comes before its prefix ("zip code" before "zip")
    // when the prefix could never be followed by the value: the value
    // finder's quick path takes each part's first way to match.
    // E-mail addresses and host names are searched for only where their
    // tell-tale '@' or '.' is (see `Window`): their long runs of word
    // characters would otherwise multiply the states of the main regex.
    r.push(windowed(Window::Email, rule(
        C::Email,
        0.99,
        "[A-Za-z0-9][A-Za-z0-9._%+\\-]{0,63}@[A-Za-z0-9\\-]{1,63}(?:\\.[A-Za-z0-9\\-]{1,63}){1,6}"
            .into(),
        Check::None,
    )));
    r.push(rule(
        C::Url,
        0.97,
        "(?i-u:https?://|ftp://|www\\.)[A-Za-z0-9\\-._~%]{1,63}".into(),
        Check::Url,
    ));
    r.push(windowed(Window::Host, rule(
        C::Url,
        0.85,
        format!("{B}[A-Za-z0-9][A-Za-z0-9\\-]{{0,62}}(?:\\.[A-Za-z0-9\\-]{{1,63}}){{0,6}}\\.(?i-u:com|org|net|edu|gov|io|info|biz|health|us|uk|de|fr|nl|it|es|ca|au|cy|hu|se|no|dk|fi|pl|be|ch|at|cz|br|mx|jp|cn|ru|in|co|example){B}"),
        Check::Url,
    )));
    r.push(rule(
        C::IpAddress,
        0.97,
        format!("{B}[0-9]{{1,3}}\\.[0-9]{{1,3}}\\.[0-9]{{1,3}}\\.[0-9]{{1,3}}{B}"),
        Check::Ip4,
    ));
    r.push(rule(C::IpAddress, 0.9, format!("{B}(?:[0-9A-Fa-f]{{1,4}}:){{7}}[0-9A-Fa-f]{{1,4}}{B}|{B}(?:[0-9A-Fa-f]{{1,4}}:){{1,6}}:(?:[0-9A-Fa-f]{{1,4}}(?::[0-9A-Fa-f]{{1,4}}){{0,5}})?"), Check::None));

    // Cue rules.
    r.push(cue_rule(C::Ssn, 0.98, format!("(?i-u:{B}(?:ssn|ss#|soc(?:ial)? sec(?:urity)?(?: (?:number|no\\.?|#))?)){sep}(?P<v>[0-9]{{3}}[ \\-]?[0-9]{{2}}[ \\-]?[0-9]{{4}}){B}"), Check::Ssn));
    r.push(cue_rule(C::MedicalRecordNumber, 0.95, format!("(?i-u:{B}(?:mrn|mr#|mr no\\.?|med(?:ical)? rec(?:ord)?s?(?: (?:number|no\\.?|#))?|chart(?: (?:number|no\\.?|#))|patient id|pt id|hospital (?:number|no\\.?|#))){sep}(?P<v>[A-Za-z]{{0,3}}[\\-]?[0-9][0-9\\-]{{2,16}}[0-9A-Za-z]?){B}"), Check::HasDigit));
    r.push(cue_rule(C::HealthPlanBeneficiaryNumber, 0.93, format!("(?i-u:{B}(?:member(?: id| #| number| no\\.?)|subscriber(?: id| #| number)|policy(?: id| #| number| no\\.?)|medicaid(?: id| #| number| no\\.?)?|medicare(?: id| #| number| no\\.?)?|insurance(?: id| #| number| no\\.?)|health plan(?: id| #| number| no\\.?)?|plan id|group(?: #| number| no\\.?)|hicn|mbi|beneficiary(?: id| #| number)?)){sep}(?P<v>[A-Za-z0-9][A-Za-z0-9\\-]{{3,24}}){B}"), Check::HasDigit));
    r.push(cue_rule(C::AccountNumber, 0.93, format!("(?i-u:{B}(?:acct|account|acc|a/c|iban|card|credit card|invoice|billing|auth|authorization|claim|reference|ref)(?: (?:number|no\\.?|#|id))?){sep}(?P<v>[A-Za-z]{{0,4}}[\\-]?[0-9][0-9\\- ]{{2,30}}[0-9]|[A-Za-z]{{0,4}}-?[0-9]{{3,24}}|[A-Za-z]{{2}}[0-9]{{2}}[A-Za-z0-9]{{10,30}}){B}"), Check::HasDigit));
    r.push(cue_rule(C::CertificateLicenseNumber, 0.9, format!("(?i-u:{B}(?:license|licence|lic|dea|npi|certificate|cert|driver'?s license|dl#|passport|permit)(?: (?:number|no\\.?|#|id))?){sep}(?P<v>[A-Za-z0-9][A-Za-z0-9\\-]{{3,24}}){B}"), Check::HasDigit));
    r.push(cue_rule(C::VehicleIdentifier, 0.9, format!("(?i-u:{B}(?:vin|license plate|plate|registration)(?: (?:number|no\\.?|#))?){sep}(?P<v>[A-Za-z0-9][A-Za-z0-9\\-]{{1,8}}[A-Za-z0-9](?:[ \\-][A-Za-z0-9]{{1,8}})?){B}"), Check::HasDigit));
    r.push(cue_rule(C::DeviceIdentifier, 0.9, format!("(?i-u:{B}(?:serial(?: (?:number|no\\.?|#))?|s/n|sn|device(?: id| #| number| serial)|udi|imei|mac address|pacemaker(?: id| serial)?|implant(?: id| serial)|lot(?: #| number| no\\.?)?|model(?: #| number| no\\.?))){sep}(?P<v>[A-Za-z0-9][A-Za-z0-9\\-:]{{3,39}}){B}"), Check::HasDigit));
    r.push(cue_rule(C::Fax, 0.95, format!("(?i-u:{B}(?:fax|facsimile|fx)){sep_nl}(?:[a-z]{{1,20}}[ \\t]){{0,3}}(?:to|at|number|no\\.?|#)?[ \\t:]{{0,4}}(?P<v>\\+?\\(?[0-9][0-9 ().\\-]{{6,18}}[0-9](?:[ ]?(?i-u:x|ext\\.?)[ ]?[0-9]{{1,5}})?){B}"), Check::PhoneDigits));
    r.push(cue_rule(C::Phone, 0.93, format!("(?i-u:{B}(?:phone|ph|tel|telephone|cell|mobile|cellphone|pager|call back(?: number)?|callback|call(?:ed)?(?: (?:me|us|him|her|them))?|reached at|reach (?:him|her|them|me)|contact(?: number)?|home|work|office|answering at|registered|desk|messages to)){sep_nl}(?:(?:at|on|number|no\\.?|#)[ \\t:]{{0,4}})?(?P<v>\\+?\\(?[0-9][0-9 ().\\-]{{6,18}}[0-9](?:[ ]?(?i-u:x|ext\\.?)[ ]?[0-9]{{1,5}})?){B}"), Check::PhoneDigits));
    r.push(cue_rule(C::GeographicSubdivision, 0.9, format!("(?i-u:{B}(?:zip code|zipcode|zip|postal code|postcode)(?: is)?){sep}(?P<v>[0-9]{{5}}(?:-[0-9]{{4}})?|[0-9]{{3,5}}(?:[ \\-][0-9]{{2,4}})?|[A-Za-z][0-9][A-Za-z] ?[0-9][A-Za-z][0-9]){B}"), Check::None));
    r.push(cue_rule(
        C::Date,
        0.9,
        format!("(?i-u:{B}(?:aged?|age:|age of))[ \\t]{{0,4}}(?P<v>(?:9[0-9]|1[0-1][0-9])){B}"),
        Check::None,
    ));

    // Bare shapes.
    r.push(rule(
        C::Ssn,
        0.9,
        format!("{B}[0-9]{{3}}-[0-9]{{2}}-[0-9]{{4}}{B}|{B}[0-9]{{3}} [0-9]{{2}} [0-9]{{4}}{B}"),
        Check::Ssn,
    ));
    r.push(rule(C::Date, 0.95, format!("{B}[0-9]{{4}}-[0-9]{{1,2}}-[0-9]{{1,2}}(?:[T ][0-9]{{1,2}}:[0-9]{{2}}(?::[0-9]{{2}})?)?{B}"), Check::DateNumeric));
    r.push(rule(
        C::Date,
        0.93,
        format!("{B}[0-9]{{1,2}}[/\\-.][0-9]{{1,2}}[/\\-.](?:[0-9]{{4}}|[0-9]{{2}}){B}"),
        Check::DateNumeric,
    ));
    r.push(rule(
        C::Date,
        0.95,
        format!(
            "{B}{m}\\.?{ws}{{1,3}}[0-9]{{1,2}}(?:st|nd|rd|th)?{B}(?:,?{ws}{{1,3}}[0-9]{{4}}{B})?"
        ),
        Check::None,
    ));
    r.push(rule(C::Date, 0.95, format!("{B}[0-9]{{1,2}}(?:st|nd|rd|th)?{ws}{{1,3}}(?:of{ws}{{1,3}})?{m}\\.?(?:,?{ws}{{1,3}}[0-9]{{4}}{B})?"), Check::None));
    r.push(rule(
        C::Date,
        0.95,
        format!("{B}[0-9]{{1,2}}-{m}-(?:[0-9]{{4}}|[0-9]{{2}}){B}"),
        Check::None,
    ));
    r.push(rule(
        C::Date,
        0.85,
        format!("{B}{m}\\.?,?{ws}{{1,3}}(?:of{ws}{{1,3}})?[0-9]{{4}}{B}"),
        Check::None,
    ));
    r.push(rule(
        C::Date,
        0.8,
        format!("{B}[0-9]{{1,2}}/[0-9]{{1,2}}{B}"),
        Check::DateShort,
    ));
    // Only the number is the identifier: "[93]-year-old".
    r.push(cue_rule(C::Date, 0.9, format!("{B}(?P<v>9[0-9]|1[0-1][0-9])(?:[ \\-]?(?i-u:y/?o|yo|yrs?|years?)(?:[ \\-](?i-u:old))?|(?:-| )(?i-u:year|yr)s?-?(?i-u:old)){B}"), Check::None));
    r.push(windowed(Window::Digits, rule(C::Phone, 0.9, format!("(?:\\+?1[ .\\-]?)?(?:\\([0-9]{{3}}\\)[ ]?|{B}[0-9]{{3}}[ .\\-])[0-9]{{3}}[ .\\-][0-9]{{4}}(?:[ ]?(?i-u:x|ext\\.?)[ ]?[0-9]{{1,5}})?{B}"), Check::PhoneDigits)));
    r.push(rule(
        C::Phone,
        0.85,
        format!("\\+[0-9]{{1,3}}(?:[ .\\-]?\\(0\\))?(?:[ .\\-]?[0-9]{{1,4}}){{2,5}}{B}"),
        Check::PhoneDigits,
    ));
    r.push(rule(
        C::Phone,
        0.7,
        format!("{B}0[0-9]{{1,4}}(?:[ \\-][0-9]{{2,4}}){{2,4}}{B}"),
        Check::PhoneDigits,
    ));
    r.push(rule(
        C::AccountNumber,
        0.85,
        format!("{B}[A-Z]{{2}}[0-9]{{2}}(?:[ ]?[A-Z0-9]{{4}}){{2,7}}(?:[ ]?[A-Z0-9]{{1,4}})?{B}"),
        Check::HasDigit,
    ));
    r.push(windowed(Window::Digits, rule(C::AccountNumber, 0.85, format!("{B}[0-9]{{4}}(?:[ \\-][0-9]{{4}}){{3}}{B}|{B}3[47][0-9]{{2}}[ \\-][0-9]{{6}}[ \\-][0-9]{{5}}{B}|{B}[0-9]{{8,19}}{B}"), Check::CardOrLong)));
    r.push(rule(
        C::VehicleIdentifier,
        0.8,
        format!("{B}[A-HJ-NPR-Z0-9]{{17}}{B}"),
        Check::HasDigit,
    ));

    // Places.
    r.push(rule(
        C::GeographicSubdivision,
        0.9,
        format!("{B}(?:[0-9]{{1,6}}{ws}{{1,2}})?[0-9]{{1,6}}[A-Za-z]?{ws}{{1,2}}(?:[NSEW]\\.?{ws}{{1,2}}|(?:North|South|East|West){ws}{{1,2}})?(?:[0-9]{{1,3}}(?:st|nd|rd|th){ws}{{1,2}}|{UPPER}{LETTER}{{0,30}}\\.?{ws}{{1,2}}){{1,4}}(?:{STREET_SUFFIX}){B}\\.?(?:,?{ws}{{1,2}}(?:(?i-u:apt|apartment|suite|ste|unit|room|rm|fl|floor)\\.?{ws}{{0,2}}#?[0-9A-Za-z\\-]{{1,6}}|#[0-9A-Za-z\\-]{{1,6}}))?"),
        Check::None,
    ));
    r.push(rule(
        C::GeographicSubdivision,
        0.8,
        format!("(?:{B}[0-9]{{1,6}}{ws}{{1,2}})?{UPPER}{LOWER}{{1,30}}(?:{FOREIGN_STREET_TAIL}){ws}{{1,2}}[0-9]{{1,5}}[A-Za-z]?{B}|(?:{B}[0-9]{{1,6}}{ws}{{1,2}})?(?:{FOREIGN_STREET_HEAD}){ws}{{1,2}}(?:{LETTER}{{1,30}}{ws}{{1,2}}){{0,4}}[0-9]{{1,5}}[A-Za-z]?{B}"),
        Check::None,
    ));
    r.push(rule(
        C::GeographicSubdivision,
        0.7,
        format!("{B}(?:[0-9]{{1,6}}{ws}{{1,2}})?[0-9]{{3,6}}{ws}{{1,2}}{UPPER}{LETTER}{{1,30}}(?:{ws}{LETTER}{{1,30}}){{0,3}}{ws}{{1,2}}[0-9]{{1,5}}[A-Za-z]?{B}"),
        Check::NotDose,
    ));
    r.push(rule(
        C::GeographicSubdivision,
        0.9,
        format!("(?i-u:{B}p\\.?[ ]?o\\.?[ ]?box|{B}psc[ ]{{1,3}}[0-9]{{1,5}},?[ ]{{1,3}}box|{B}(?:apt|apartment|suite|ste|unit)\\.?)[ \\t]{{0,4}}#?[0-9]{{1,6}}[A-Za-z]?{B}(?:\\s{{0,4}}(?:APO|FPO|DPO)[ ]{{1,3}}(?:AA|AE|AP)[ ]{{1,3}}[0-9]{{5}}{B})?"),
        Check::None,
    ));
    r.push(rule(
        C::GeographicSubdivision,
        0.85,
        format!("(?:[A-Z][a-z]{{1,24}}[ \\t]){{0,2}}[A-Z][a-z]{{1,24}},[ \\t]{{1,3}}(?:{STATES}){B}(?:[ \\t]{{1,3}}[0-9]{{5}}(?:-[0-9]{{4}})?{B})?"),
        Check::SplitZip,
    ));
    // Street corners: "the corner of Dalbraut 99 and Frederikke Coves".
    r.push(rule(
        C::GeographicSubdivision,
        0.8,
        format!("(?i-u:{B}corner of)[ \\t]{{1,3}}{WORD}(?:[ \\t]{{1,3}}{WORD}){{0,4}}[ \\t]{{1,3}}(?i-u:and|&)[ \\t]{{1,3}}{WORD}(?:[ \\t]{{1,3}}{UPPER}{WORD_REST}){{0,3}}"),
        Check::None,
    ));
    // Counties, parishes, boroughs and townships: smaller than a state.
    r.push(rule(
        C::GeographicSubdivision,
        0.85,
        format!("{UPPER}{LOWER}{{1,24}}(?:[ ]{UPPER}{LOWER}{{1,24}}){{0,2}}[ ](?:County|Parish|Borough|Township|Municipality){B}"),
        Check::None,
    ));
    r.push(rule(
        C::GeographicSubdivision,
        0.85,
        format!("{B}[0-9]{{5}}-[0-9]{{4}}{B}"),
        Check::None,
    ));
    r.push(cue_rule(
        C::GeographicSubdivision,
        0.6,
        format!("{UPPER}{LETTER}{{1,30}},?[ \\t]{{1,3}}(?P<v>[0-9]{{5}}){B}"),
        Check::ZipAfterWord,
    ));

    r
}

/// The built-in detector for identifiers with a recognisable shape.
///
/// See the module documentation of [`crate::detect`] for what it finds.
pub struct PatternDetector {
    /// The rules without a [`Window`], in rule order.
    main: RuleRegex,
    /// The lazy DFAs' states and the value finders' caches, kept between
    /// scans so that a warm detector does not build them again.
    caches: Pool<ScanCaches, CachesFn>,
    /// The other groups' rules, each with a regex of its own.
    windowed: Vec<Windowed>,
    rules: Vec<Rule>,
    /// Per cue rule, the regex that picks the value out of its matches,
    /// compiled when first needed.
    values: Vec<Option<OnceLock<ValueFinder>>>,
}

/// Where the first ASCII digit of `bytes` is, eight bytes at a time (most
/// of a text has none).
fn next_digit(bytes: &[u8]) -> Option<usize> {
    let mut at = 0;
    while let Some(x) = chunk(bytes, at) {
        let digits = ascii_digits(x);
        if digits != 0 {
            return Some(at + digits.trailing_zeros() as usize / 8);
        }
        at += 8;
    }
    bytes[at..]
        .iter()
        .position(u8::is_ascii_digit)
        .map(|i| at + i)
}

/// A group of rules as one regex: a forward lazy DFA finds where the
/// leftmost-first match ends and which rule it is; a reverse lazy DFA,
/// anchored at that end on that rule alone, finds where it starts. (A
/// reverse search over all the rules would run on for as long as any of
/// them could still match backwards.)
#[derive(Clone)]
struct RuleRegex {
    forward: HybridDfa,
    reverse: HybridDfa,
    /// For a search the lazy DFAs give up on. They do not with the
    /// built-in rules, which use ASCII word boundaries only, but a
    /// detector must not fail on hostile text.
    pikevm: PikeVM,
    /// The rule (its index in the detector's rules) of each pattern.
    rules: Vec<usize>,
}

/// The per-thread state of [`RuleRegex`].
struct RegexCache {
    forward: HybridCache,
    reverse: HybridCache,
    pikevm: Option<pikevm::Cache>,
}

/// What a scan keeps between calls.
struct ScanCaches {
    /// The main regex's, then each windowed group's.
    regexes: Vec<RegexCache>,
    /// One per rule, for cue rules once used.
    values: Vec<Option<ValueCache>>,
}

type CachesFn = Box<dyn Fn() -> ScanCaches + Send + Sync + UnwindSafe + RefUnwindSafe>;

impl RuleRegex {
    /// The regex of the rules in `group`, in rule order.
    fn new(rules: &[Rule], group: Option<Window>) -> RuleRegex {
        let members: Vec<usize> = (0..rules.len())
            .filter(|&i| rules[i].window == group)
            .collect();
        let patterns: Vec<&str> = members.iter().map(|&i| rules[i].pattern.as_str()).collect();
        let nfa = |config: thompson::Config| {
            thompson::Compiler::new()
                .configure(config)
                .build_many(&patterns)
                .expect("built-in patterns compile")
        };
        let forward_nfa = nfa(thompson::Config::new().which_captures(WhichCaptures::Implicit));
        let reverse_nfa = nfa(thompson::Config::new()
            .which_captures(WhichCaptures::None)
            .reverse(true));
        let config = HybridDfa::config().cache_capacity(32 << 20);
        let forward = HybridDfa::builder()
            .configure(config.clone().match_kind(MatchKind::LeftmostFirst))
            .build_from_nfa(forward_nfa.clone())
            .expect("built-in patterns compile");
        let reverse = HybridDfa::builder()
            .configure(
                config
                    .match_kind(MatchKind::All)
                    .starts_for_each_pattern(true),
            )
            .build_from_nfa(reverse_nfa)
            .expect("built-in patterns compile");
        let pikevm = PikeVM::new_from_nfa(forward_nfa).expect("built-in patterns compile");
        RuleRegex {
            forward,
            reverse,
            pikevm,
            rules: members,
        }
    }

    fn create_cache(&self) -> RegexCache {
        RegexCache {
            forward: self.forward.create_cache(),
            reverse: self.reverse.create_cache(),
            pikevm: None,
        }
    }

    /// The leftmost-first match inside `range` (the text around it is
    /// context for word boundaries).
    fn search(
        &self,
        cache: &mut RegexCache,
        text: &str,
        range: std::ops::Range<usize>,
    ) -> Option<Found> {
        let at = range.start;
        let input = Input::new(text).range(range);
        let end = match self.forward.try_search_fwd(&mut cache.forward, &input) {
            Ok(None) => return None,
            Ok(Some(end)) => end,
            Err(_) => return self.search_slowly(cache, &input),
        };
        let pattern = end.pattern();
        let back = Input::new(text)
            .span(at..end.offset())
            .anchored(Anchored::Pattern(pattern));
        match self.reverse.try_search_rev(&mut cache.reverse, &back) {
            Ok(Some(start)) => Some(Found {
                start: start.offset(),
                end: end.offset(),
                rule: self.rules[pattern.as_usize()],
            }),
            _ => self.search_slowly(cache, &input),
        }
    }

    fn search_slowly(&self, cache: &mut RegexCache, input: &Input<'_>) -> Option<Found> {
        let cache = cache
            .pikevm
            .get_or_insert_with(|| self.pikevm.create_cache());
        self.pikevm.find(cache, input.clone()).map(|m| Found {
            start: m.start(),
            end: m.end(),
            rule: self.rules[m.pattern().as_usize()],
        })
    }
}

/// A rule searched for only inside the windows of its group.
struct Windowed {
    /// The group's rules, in rule order.
    regex: RuleRegex,
    window: Window,
}

/// A match of one rule.
#[derive(Clone, Copy)]
struct Found {
    start: usize,
    end: usize,
    rule: usize,
}

/// The first match at or after some position, remembered: it stays the
/// first match for every later position up to its start.
#[derive(Clone, Copy)]
enum Next {
    Unknown,
    At(Found),
    None,
}

/// Where a windowed rule's search stands.
#[derive(Clone, Copy, Default)]
struct WindowCursor {
    /// The current window.
    window: (usize, usize),
    /// Where the next window is looked for.
    next_from: usize,
}

impl Windowed {
    /// The first match of the rule that starts at or after `at`. Every
    /// match lies inside one window (a maximal run of the bytes the group
    /// allows, holding a trigger), so searching the windows, with the
    /// text around them as context, finds what a search of the whole text
    /// would.
    fn first_from(
        &self,
        text: &str,
        at: usize,
        cursor: &mut WindowCursor,
        cache: &mut RegexCache,
    ) -> Option<Found> {
        let bytes = text.as_bytes();
        loop {
            let (start, end) = cursor.window;
            if at < end
                && let Some(found) = self.regex.search(cache, text, at.max(start)..end)
            {
                return Some(found);
            }
            let trigger = self
                .window
                .next_trigger(bytes, cursor.next_from.max(at).max(end))?;
            let mut start = trigger;
            while start > 0 && self.window.allows(bytes[start - 1]) {
                start -= 1;
            }
            let mut end = trigger + 1;
            while end < bytes.len() && self.window.allows(bytes[end]) {
                end += 1;
            }
            *cursor = WindowCursor {
                window: (start, end),
                next_from: end,
            };
        }
    }
}

/// Picks the value (group `v`) out of a cue rule's match.
///
/// A cue rule reads `A(?P<v>V)C`. A backtracking engine, anchored at the
/// match's start and bounded by its end, tries the ways `A` can match in
/// order of preference, and for the first that lets `V` and then `C`
/// match, the ways of `V` in order. So when `A`'s preferred match (what an
/// anchored leftmost-first DFA of `A` alone reports) is followed by `V`'s
/// preferred match and then by a match of `C` ending where the whole match
/// ends, those are the groups the backtracker reports. Three small
/// anchored DFA searches find that; in the rare match where one of them
/// fails, the bounded backtracker runs on the whole pattern.
struct ValueFinder {
    /// Anchored DFAs of `A`, `V` and `C`.
    parts: [HybridDfa; 3],
    backtrack: BoundedBacktracker,
    /// For matches longer than the backtracker's bound (none of the
    /// built-in rules comes near it).
    pikevm: PikeVM,
    group: usize,
}

/// The state of a value finder's searches, made when first needed and
/// kept in the detector's pool.
struct ValueCache {
    parts: [HybridCache; 3],
    backtrack: backtrack::Cache,
    pikevm: pikevm::Cache,
    captures: Captures,
}

/// Splits a cue rule's pattern around its value group: the text before
/// `(?P<v>`, the group's body, and the text after its closing parenthesis.
fn split_value(pattern: &str) -> Option<(&str, &str, &str)> {
    const OPEN: &str = "(?P<v>";
    let body_start = pattern.find(OPEN)? + OPEN.len();
    let bytes = pattern.as_bytes();
    let (mut depth, mut i, mut class) = (0usize, body_start, false);
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 1,
            b'[' if !class => class = true,
            b']' if class => class = false,
            b'(' if !class => depth += 1,
            b')' if !class && depth == 0 => {
                return Some((
                    &pattern[..body_start - OPEN.len()],
                    &pattern[body_start..i],
                    &pattern[i + 1..],
                ));
            }
            b')' if !class => depth -= 1,
            _ => {}
        }
        i += 1;
    }
    None
}

impl ValueFinder {
    fn new(pattern: &str) -> ValueFinder {
        let pikevm = PikeVM::new(pattern).expect("built-in pattern compiles");
        let backtrack = BoundedBacktracker::new_from_nfa(pikevm.get_nfa().clone())
            .expect("built-in pattern compiles");
        let group = pikevm
            .get_nfa()
            .group_info()
            .to_index(regex_automata::PatternID::ZERO, "v")
            .expect("cue rules capture the value as `v`");
        let (before, value, after) =
            split_value(pattern).expect("cue rules capture the value as `v`");
        let part = |p: &str| {
            HybridDfa::builder()
                .configure(HybridDfa::config().match_kind(MatchKind::LeftmostFirst))
                .build(p)
                .expect("a part of a built-in pattern compiles")
        };
        ValueFinder {
            parts: [part(before), part(value), part(after)],
            backtrack,
            pikevm,
            group,
        }
    }

    fn cache(&self) -> ValueCache {
        ValueCache {
            parts: self.parts.each_ref().map(HybridDfa::create_cache),
            backtrack: self.backtrack.create_cache(),
            pikevm: self.pikevm.create_cache(),
            captures: self.pikevm.create_captures(),
        }
    }

    /// The value's range within the match `start..end`.
    fn find(
        &self,
        cache: &mut ValueCache,
        text: &str,
        start: usize,
        end: usize,
    ) -> Option<(usize, usize)> {
        let mut at = start;
        let mut ends = [0; 3];
        for (k, dfa) in self.parts.iter().enumerate() {
            let input = Input::new(text).span(at..end).anchored(Anchored::Yes);
            match dfa.try_search_fwd(&mut cache.parts[k], &input) {
                Ok(Some(m)) => at = m.offset(),
                _ => return self.find_backtracking(cache, text, start, end),
            }
            ends[k] = at;
        }
        if ends[2] == end {
            Some((ends[0], ends[1]))
        } else {
            self.find_backtracking(cache, text, start, end)
        }
    }

    /// [`ValueFinder::find`] by the whole pattern's capture search.
    fn find_backtracking(
        &self,
        cache: &mut ValueCache,
        text: &str,
        start: usize,
        end: usize,
    ) -> Option<(usize, usize)> {
        let input = Input::new(text).span(start..end).anchored(Anchored::Yes);
        let done = end - start <= self.backtrack.max_haystack_len()
            && self
                .backtrack
                .try_search(&mut cache.backtrack, &input, &mut cache.captures)
                .is_ok();
        if !done {
            self.pikevm
                .search(&mut cache.pikevm, &input, &mut cache.captures);
        }
        let v = cache.captures.get_group(self.group)?;
        Some((v.start, v.end))
    }
}

impl std::fmt::Debug for PatternDetector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PatternDetector")
            .field("rules", &self.rules.len())
            .finish()
    }
}

impl PatternDetector {
    /// Compiles the rules.
    ///
    /// # Panics
    ///
    /// Never in practice: the rules are fixed and covered by tests.
    pub fn new() -> Self {
        let rules = rules();
        let main = RuleRegex::new(&rules, None);
        let windowed: Vec<Windowed> = Window::ALL
            .into_iter()
            .map(|window| Windowed {
                regex: RuleRegex::new(&rules, Some(window)),
                window,
            })
            .collect();
        let values = rules.iter().map(|r| r.cue.then(OnceLock::new)).collect();
        let regexes: Vec<RuleRegex> = std::iter::once(&main)
            .chain(windowed.iter().map(|w: &Windowed| &w.regex))
            .cloned()
            .collect();
        let count = rules.len();
        let caches: CachesFn = Box::new(move || ScanCaches {
            regexes: regexes.iter().map(RuleRegex::create_cache).collect(),
            values: (0..count).map(|_| None).collect(),
        });
        PatternDetector {
            main,
            caches: Pool::new(caches),
            windowed,
            rules,
            values,
        }
    }
}

impl Default for PatternDetector {
    fn default() -> Self {
        PatternDetector::new()
    }
}

impl Detector for PatternDetector {
    fn name(&self) -> &str {
        "patterns"
    }

    fn detect(&self, text: &str, out: &mut Vec<Span>) -> Result<(), DetectError> {
        self.scan(text, out);
        Ok(())
    }
}

/// The first match from some position of the main regex and of each
/// windowed rule, remembered between calls.
struct SearchState {
    next: Vec<Next>,
    cursors: Vec<WindowCursor>,
}

impl SearchState {
    fn new(windowed: usize) -> SearchState {
        SearchState {
            next: vec![Next::Unknown; 1 + windowed],
            cursors: vec![WindowCursor::default(); windowed],
        }
    }
}

impl PatternDetector {
    /// The first match of any rule at or after `at`, as one regex of all
    /// rules would find it: the leftmost start, and at a tie the earlier
    /// rule. `at` must not go back between calls with the same `state`.
    fn first_from(
        &self,
        text: &str,
        at: usize,
        state: &mut SearchState,
        caches: &mut [RegexCache],
        searches: &mut usize,
    ) -> Option<Found> {
        for (slot, next) in state.next.iter_mut().enumerate() {
            let stale = match next {
                Next::Unknown => true,
                Next::At(found) => found.start < at,
                Next::None => false,
            };
            if !stale {
                continue;
            }
            *searches += 1;
            let found = if slot == 0 {
                self.main.search(&mut caches[0], text, at..text.len())
            } else {
                self.windowed[slot - 1].first_from(
                    text,
                    at,
                    &mut state.cursors[slot - 1],
                    &mut caches[slot],
                )
            };
            *next = found.map_or(Next::None, Next::At);
        }
        state
            .next
            .iter()
            .filter_map(|n| match n {
                Next::At(found) => Some(*found),
                _ => None,
            })
            .min_by_key(|f| (f.start, f.rule))
    }

    /// Finds the spans; returns how many regex searches it took, which the
    /// tests bound to keep the scan linear.
    fn scan(&self, text: &str, out: &mut Vec<Span>) -> usize {
        let mut searches = 0;
        let mut at = 0;
        let mut guard = self.caches.get();
        let ScanCaches { regexes, values } = &mut *guard;
        let mut state = SearchState::new(self.windowed.len());
        while at < text.len() {
            let Some(found) = self.first_from(text, at, &mut state, regexes, &mut searches) else {
                break;
            };
            let index = found.rule;
            let rule = &self.rules[index];
            let (mut start, mut end) = (found.start, found.end);

            if let Some(value) = &self.values[index] {
                let value = value.get_or_init(|| ValueFinder::new(&rule.pattern));
                let cache = values[index].get_or_insert_with(|| value.cache());
                match value.find(cache, text, start, end) {
                    Some((v_start, v_end)) => {
                        start = v_start;
                        end = v_end;
                    }
                    _ => {
                        at = next_char(text, found.start);
                        continue;
                    }
                }
            }

            if let Check::Url = rule.check {
                // The rule matches the start of a URL only (keeping every
                // rule bounded in length, hence the scan linear); the rest
                // runs to the next space or quote.
                if text[end..].starts_with(['/', '?', '#', ':', '%', '.', '-', '_', '~'])
                    || text[end..].starts_with(|c: char| c.is_ascii_alphanumeric())
                {
                    end += text[end..]
                        .find(|c: char| {
                            c.is_whitespace() || matches!(c, '<' | '>' | '"' | '\'' | '`')
                        })
                        .unwrap_or(text.len() - end);
                }
                end = trim_trailing_punctuation(text, start, end);
            }

            if start < end && passes(rule.check, text, start, end) {
                let category = match rule.check {
                    // A long number that is not a payment card is still a
                    // unique identifier, just not an account we can name.
                    Check::CardOrLong if !luhn(&text[start..end]) => {
                        PhiCategory::OtherUniqueIdentifier
                    }
                    _ => rule.category,
                };
                let (place_end, zip_start) =
                    split_zip(rule.check, text, start, end).unwrap_or((end, end));
                out.push(Span::new(
                    start,
                    place_end,
                    category,
                    rule.confidence,
                    "patterns",
                ));
                if zip_start < end {
                    out.push(Span::new(
                        zip_start,
                        end,
                        category,
                        rule.confidence,
                        "patterns",
                    ));
                }
                at = found.end.max(end).max(next_char(text, found.start));
                if category == PhiCategory::GeographicSubdivision {
                    // The block's lines are scanned again by the rules too
                    // ("Apt. 595" on the same line, a phone number below);
                    // overlaps are resolved later.
                    address_block(text, end, out);
                }
            } else {
                // A rejected match may hide another rule's match at the
                // same place; step one character and look again.
                at = next_char(text, found.start);
            }
        }
        searches
    }
}

/// After a street address, the short lines that follow it (city, region,
/// postal code, country) belong to the same address block:
///
/// ```text
/// 20789 Allika 46
///  Suite 501
///  Riisa
///  Estonia 62488
/// ```
///
/// Reports each such line as a place, up to four lines and one blank line,
/// and returns where it stopped (the caller does not skip the block: the
/// rules see it too). A line qualifies when it is short and
/// every word in it is capitalized, all capitals or a number.
fn address_block(text: &str, from: usize, out: &mut Vec<Span>) -> usize {
    let mut at = from;
    // The rest of the address's own line: ", SEINÄJOKI", ", Klirou".
    if let Some(rest) = text[at..].strip_prefix(", ") {
        let words_end = rest
            .find(|c: char| !(c.is_alphabetic() || c == ' ' || c == '\''))
            .unwrap_or(rest.len());
        let place = rest[..words_end].trim_end();
        let words: Vec<&str> = place.split(' ').collect();
        if !place.is_empty()
            && words.len() <= 3
            && words
                .iter()
                .all(|w| w.chars().next().is_some_and(char::is_uppercase))
        {
            let start = at + 2;
            out.push(Span::new(
                start,
                start + place.len(),
                PhiCategory::GeographicSubdivision,
                0.6,
                "patterns",
            ));
            at = start + place.len();
        }
    }
    // Then the lines below it.
    let Some(newline) = text[at..].find('\n') else {
        return at;
    };
    if newline > 48 {
        return from;
    }
    at += newline + 1;
    let mut blank_seen = false;
    for _ in 0..5 {
        let line_end = text[at..].find('\n').map_or(text.len(), |n| at + n);
        let line = &text[at..line_end];
        let content_start =
            at + (line.len() - line.trim_start_matches([' ', '\t', '>', '\r', '?']).len());
        let content = text[content_start..line_end].trim_end();
        if content.is_empty() {
            if blank_seen || line_end == text.len() {
                break;
            }
            blank_seen = true;
            at = line_end + 1;
            continue;
        }
        // A labelled line ("Mobile: 03.93.92.16.85") is not part of an
        // address.
        let qualifies = content.len() <= 48
            && !content.contains(':')
            && content
                .split([' ', '\t', ',', '.'])
                .filter(|w| !w.is_empty())
                .all(|w| {
                    let first = w.chars().next().unwrap_or(' ');
                    first.is_uppercase() || first.is_ascii_digit() || w == "nan"
                });
        if !qualifies {
            break;
        }
        let end = content_start + content.len();
        out.push(Span::new(
            content_start,
            end,
            PhiCategory::GeographicSubdivision,
            0.6,
            "patterns",
        ));
        if line_end >= text.len() {
            return end;
        }
        at = line_end + 1;
    }
    at.min(text.len()).max(from)
}

/// For a place that ends in a ZIP code ("Springfield, IL 62704"), where
/// the place ends and where the code starts.
fn split_zip(check: Check, text: &str, start: usize, end: usize) -> Option<(usize, usize)> {
    if !matches!(check, Check::SplitZip) {
        return None;
    }
    let value = &text[start..end];
    let zip_len = value.len()
        - value
            .trim_end_matches(|c: char| c.is_ascii_digit() || c == '-')
            .len();
    if zip_len < 5 {
        return None;
    }
    let zip_start = end - zip_len;
    let place_end = start + text[start..zip_start].trim_end().len();
    Some((place_end, zip_start))
}

fn next_char(text: &str, at: usize) -> usize {
    let mut next = at + 1;
    while next < text.len() && !text.is_char_boundary(next) {
        next += 1;
    }
    next
}

fn trim_trailing_punctuation(text: &str, start: usize, mut end: usize) -> usize {
    let bytes = text.as_bytes();
    while end > start
        && matches!(
            bytes[end - 1],
            b'.' | b',' | b';' | b':' | b'!' | b'?' | b')' | b']'
        )
    {
        end -= 1;
    }
    end
}

fn digits(s: &str) -> impl Iterator<Item = u32> + '_ {
    s.bytes()
        .filter(u8::is_ascii_digit)
        .map(|b| u32::from(b - b'0'))
}

/// The numbers in a match: its runs of ASCII digits, each read as a `u32`
/// (saturating). Held inline: no rule's match has more than a few.
struct Numbers {
    inline: [u32; 8],
    len: usize,
    /// All of them, for a match with more than `inline` holds.
    spilled: Vec<u32>,
}

impl Numbers {
    fn as_slice(&self) -> &[u32] {
        if self.len <= self.inline.len() {
            &self.inline[..self.len]
        } else {
            &self.spilled
        }
    }
}

fn numbers(s: &str) -> Numbers {
    let mut numbers = Numbers {
        inline: [0; 8],
        len: 0,
        spilled: Vec::new(),
    };
    let runs = s
        .split(|c: char| !c.is_ascii_digit())
        .filter(|p| !p.is_empty())
        .map(|p| p.parse().unwrap_or(u32::MAX));
    for n in runs {
        if let Some(slot) = numbers.inline.get_mut(numbers.len) {
            *slot = n;
        } else {
            if numbers.spilled.is_empty() {
                numbers.spilled.extend_from_slice(&numbers.inline);
            }
            numbers.spilled.push(n);
        }
        numbers.len += 1;
    }
    numbers
}

fn passes(check: Check, text: &str, start: usize, end: usize) -> bool {
    let value = &text[start..end];
    let before = text[..start].chars().next_back();
    let after = text[end..].chars().next();
    match check {
        Check::None | Check::Url | Check::SplitZip => true,
        Check::HasDigit => value.bytes().any(|b| b.is_ascii_digit()),
        Check::Ssn => {
            let n = numbers(value);
            if value.bytes().filter(u8::is_ascii_digit).count() != 9 {
                return false;
            }
            let (area, group, serial) = match n.as_slice() {
                [a, g, s] => (*a, *g, *s),
                [all] => (all / 1_000_000, (all / 10_000) % 100, all % 10_000),
                _ => return false,
            };
            area != 0 && area != 666 && area < 900 && group != 0 && serial != 0
        }
        Check::Ip4 => {
            if matches!(after, Some('.'))
                && text.as_bytes()[end..]
                    .get(1)
                    .is_some_and(u8::is_ascii_digit)
            {
                return false;
            }
            numbers(value).as_slice().iter().all(|&n| n <= 255)
        }
        Check::DateNumeric => {
            if matches!(before, Some('.' | '/' | '-')) || matches!(after, Some('/' | '-')) {
                return false;
            }
            if matches!(after, Some('.'))
                && text.as_bytes()[end..]
                    .get(1)
                    .is_some_and(u8::is_ascii_digit)
            {
                return false;
            }
            let n = numbers(value);
            match n.as_slice() {
                [y, m, d, ..] if *y >= 1000 => (1..=12).contains(m) && (1..=31).contains(d),
                [a, b, _y, ..] => {
                    ((1..=12).contains(a) && (1..=31).contains(b))
                        || ((1..=31).contains(a) && (1..=12).contains(b))
                }
                _ => false,
            }
        }
        Check::DateShort => {
            if matches!(before, Some('/' | '.' | '-')) || matches!(after, Some('/' | '-')) {
                return false;
            }
            let n = numbers(value);
            let [m, d] = n.as_slice() else { return false };
            if !(1..=12).contains(m) || !(1..=31).contains(d) {
                return false;
            }
            // Scores and ratios read like dates: "pain 7/10", "strength 5/5".
            let prev = text[..start]
                .trim_end()
                .rsplit(|c: char| !c.is_alphanumeric())
                .next()
                .unwrap_or("");
            let prev = prev.to_ascii_lowercase();
            if matches!(
                prev.as_str(),
                "pain"
                    | "strength"
                    | "score"
                    | "rated"
                    | "graded"
                    | "power"
                    | "motor"
                    | "reflexes"
                    | "murmur"
                    | "grade"
                    | "ratio"
                    | "bp"
                    | "x"
                    | "of"
                    | "scale"
                    | "gcs"
                    | "apgar"
                    | "ef"
                    | "take"
                    | "tab"
                    | "tabs"
            ) || *d == 10 && *m <= 10 && prev == "pain"
            {
                return false;
            }
            let next = text[end..]
                .trim_start()
                .split(|c: char| !c.is_alphanumeric())
                .next()
                .unwrap_or("");
            !matches!(
                next.to_ascii_lowercase().as_str(),
                "tab"
                    | "tabs"
                    | "tablet"
                    | "tablets"
                    | "pill"
                    | "pills"
                    | "dose"
                    | "strength"
                    | "mg"
                    | "ml"
                    | "units"
                    | "cup"
                    | "cups"
                    | "inch"
                    | "in"
                    | "mmhg"
                    | "bilaterally"
            )
        }
        Check::PhoneDigits => {
            if matches!(before, Some('/' | '.'))
                || text[..start].ends_with(|c: char| c.is_ascii_digit())
            {
                return false;
            }
            let count = digits(value).count();
            (7..=15).contains(&count)
        }
        Check::CardOrLong => {
            let d: Vec<u32> = digits(value).collect();
            (8..=19).contains(&d.len())
        }
        Check::NotDose => {
            // "20789 Allika 46" is an address; "40 mg 2" is not: no word in
            // it may be clinical or a unit. (The rule itself wants a house
            // number of three digits or more, which keeps "2 Percocet 5"
            // out.)
            let lexicon = Lexicon::get();
            value
                .split(|c: char| !c.is_alphabetic())
                .filter(|w| !w.is_empty())
                .all(|w| {
                    lexicon.flags(w) & lexicon::CLINICAL == 0
                        && !matches!(
                            w.to_ascii_lowercase().as_str(),
                            "mg" | "mcg"
                                | "ml"
                                | "units"
                                | "tabs"
                                | "tablets"
                                | "puffs"
                                | "drops"
                                | "x"
                        )
                })
        }
        Check::ZipAfterWord => {
            // The word before must look like a place, not a drug or a count.
            let word = text[..start].trim_end().trim_end_matches(',');
            let word = word
                .rsplit(|c: char| !c.is_alphabetic())
                .next()
                .unwrap_or("");
            let flags = Lexicon::get().flags(word);
            flags & (lexicon::WORD | lexicon::CLINICAL) == 0
                || flags & (lexicon::CITY | lexicon::REGION) != 0
        }
    }
}

/// Whether a run of digits passes the Luhn checksum used by payment cards.
pub(crate) fn luhn(value: &str) -> bool {
    let d: Vec<u32> = digits(value).collect();
    if d.len() < 12 {
        return false;
    }
    let sum: u32 = d
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &x)| {
            if i % 2 == 1 {
                if x * 2 > 9 { x * 2 - 9 } else { x * 2 }
            } else {
                x
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

#[cfg(test)]
mod tests {
    use super::*;
    use regex_automata::meta::Regex as MetaRegex;

    fn found(text: &str) -> Vec<(String, PhiCategory)> {
        let mut out = Vec::new();
        PatternDetector::new().detect(text, &mut out).unwrap();
        out.iter()
            .map(|s| (text[s.start..s.end].to_string(), s.category))
            .collect()
    }

    #[test]
    fn finds_each_shape() {
        use PhiCategory as C;
        let cases: &[(&str, &str, PhiCategory)] = &[
            (
                "mail jane.doe@example.org today",
                "jane.doe@example.org",
                C::Email,
            ),
            (
                "see https://portal.example.org/patients/123456.",
                "https://portal.example.org/patients/123456",
                C::Url,
            ),
            ("from 10.2.33.4 and", "10.2.33.4", C::IpAddress),
            ("SSN 123-45-6789 on file", "123-45-6789", C::Ssn),
            ("MRN: A1234567 merged", "A1234567", C::MedicalRecordNumber),
            ("MRN 4821-332 merged", "4821-332", C::MedicalRecordNumber),
            ("DOB: 03/14/1950", "03/14/1950", C::Date),
            ("on 2021-03-14.", "2021-03-14", C::Date),
            ("on March 14th, 2021 at", "March 14th, 2021", C::Date),
            ("on 14-Mar-2021", "14-Mar-2021", C::Date),
            ("seen 3/14 for", "3/14", C::Date),
            ("a 93-year-old woman", "93", C::Date),
            ("call (617) 555-0134 now", "(617) 555-0134", C::Phone),
            ("fax results to 212-555-0199.", "212-555-0199", C::Fax),
            ("at +1 415 222 3344", "+1 415 222 3344", C::Phone),
            (
                "Billing account ACCT-1234567 flagged",
                "ACCT-1234567",
                C::AccountNumber,
            ),
            (
                "Lives at 4512 Oak Street, apt",
                "4512 Oak Street",
                C::GeographicSubdivision,
            ),
            (
                "in Springfield, IL 62704 with",
                "Springfield, IL",
                C::GeographicSubdivision,
            ),
            (
                "in Springfield, IL 62704 with",
                "62704",
                C::GeographicSubdivision,
            ),
            (
                "lives in Cook County since",
                "Cook County",
                C::GeographicSubdivision,
            ),
            (
                "Serial number: PM-88231X4",
                "PM-88231X4",
                C::DeviceIdentifier,
            ),
            (
                "VIN 1HGCM82633A004352",
                "1HGCM82633A004352",
                C::VehicleIdentifier,
            ),
            (
                "Member ID: XQJ884421203",
                "XQJ884421203",
                C::HealthPlanBeneficiaryNumber,
            ),
            ("DEA # BK1234563", "BK1234563", C::CertificateLicenseNumber),
        ];
        for (text, value, category) in cases {
            let got = found(text);
            assert!(
                got.iter().any(|(v, c)| v == value && c == category),
                "{text:?}: wanted {value:?} as {category}, got {got:?}"
            );
        }
    }

    #[test]
    fn leaves_clinical_numbers_alone() {
        let text = "BP 128/82, HR 76, RR 16, SpO2 97% on room air. Pain 7/10. \
                    Metoprolol 25 mg PO BID; potassium 3.4, creatinine 1.1. Strength 5/5. \
                    O2 via nasal cannula 2 L; place 2 drops in each eye; 2 Percocet 5 given.";
        assert_eq!(found(text), vec![]);
    }

    #[test]
    fn rejects_invalid_ssn_and_ip() {
        assert!(found("id 666-12-3456 x").is_empty());
        assert!(
            found("v 300.1.1.1 x")
                .iter()
                .all(|(_, c)| *c != PhiCategory::IpAddress)
        );
    }

    #[test]
    fn searches_stay_linear_on_pathological_input() {
        let detector = PatternDetector::new();
        for unit in [
            "1/", "1.", "a@", "12-", "Dr. ", "9 ", "MRN ", "(617) ", "0 1 ", "é1/",
        ] {
            let small = unit.repeat(2_000);
            let large = unit.repeat(16_000);
            let (mut a, mut b) = (Vec::new(), Vec::new());
            let searches_small = detector.scan(&small, &mut a);
            let searches_large = detector.scan(&large, &mut b);
            // At most one search per character, and eight times the input
            // costs about eight times the searches (never the square).
            assert!(searches_large <= large.chars().count() + 1, "{unit:?}");
            assert!(
                searches_large <= 9 * searches_small + 16,
                "{unit:?}: {searches_small} -> {searches_large}"
            );
        }
    }

    #[test]
    fn every_rule_is_bounded_in_length() {
        // With bounded rules, each search scans a bounded stretch past the
        // place where it starts; with at most one search per character
        // (checked below), detection is linear in the input.
        for rule in rules() {
            let hir = regex_syntax::parse(&rule.pattern).unwrap();
            let max = hir.properties().maximum_len();
            assert!(
                max.is_some_and(|m| m <= 1024),
                "{} has no small bound: {max:?}",
                rule.pattern
            );
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig {
            cases: 256,
            ..proptest::prelude::ProptestConfig::default()
        })]

        /// The main regex and the windowed rules together find, from any
        /// position, the match one regex of all rules finds.
        #[test]
        fn groups_find_what_one_regex_of_all_rules_finds(
            pieces in proptest::collection::vec(
                proptest::prop_oneof![
                    proptest::strategy::Just("jane.doe@example.org".to_string()),
                    proptest::strategy::Just("https://portal.example.org/p/1".to_string()),
                    proptest::strategy::Just("portal.example.org".to_string()),
                    proptest::strategy::Just("see www.clinic.health now".to_string()),
                    proptest::strategy::Just("e.g. ".to_string()),
                    proptest::strategy::Just("MRN: 48213321 ".to_string()),
                    proptest::strategy::Just("call 617-555-0134".to_string()),
                    proptest::strategy::Just("Springfield, IL 62704".to_string()),
                    proptest::strategy::Just("4512 Oak Street".to_string()),
                    proptest::strategy::Just("(617) 555-0134 x12".to_string()),
                    proptest::strategy::Just("+1 415 222 3344".to_string()),
                    proptest::strategy::Just("4111 1111 1111 1111".to_string()),
                    proptest::strategy::Just("3782 822463 10005".to_string()),
                    proptest::strategy::Just("12345678901234567890".to_string()),
                    proptest::strategy::Just("SSN 123-45-6789 ".to_string()),
                    "[0-9 ().+xXeEtT-]{0,16}",
                    "[a-zA-Z0-9.@ _%+:/-]{0,12}",
                    "[ .@a-z0-9\n]{0,6}",
                ],
                0..24,
            ),
            steps in proptest::collection::vec(0usize..9, 1..40),
        ) {
            static BUILT: std::sync::OnceLock<(PatternDetector, MetaRegex)> =
                std::sync::OnceLock::new();
            let (detector, reference) = BUILT.get_or_init(|| {
                let rules = rules();
                let patterns: Vec<&str> = rules.iter().map(|r| r.pattern.as_str()).collect();
                let reference = MetaRegex::builder()
                    .configure(MetaRegex::config().match_kind(MatchKind::LeftmostFirst))
                    .build_many(&patterns)
                    .unwrap();
                (PatternDetector::new(), reference)
            });
            let text: String = pieces.concat();
            // Positions that only move forward, as in a scan, share one
            // state; each is also checked from a fresh state.
            let mut state = SearchState::new(detector.windowed.len());
            let mut caches: Vec<RegexCache> = std::iter::once(&detector.main)
                .chain(detector.windowed.iter().map(|w| &w.regex))
                .map(RuleRegex::create_cache)
                .collect();
            let mut at = 0;
            let mut searches = 0;
            for (k, step) in steps.into_iter().enumerate() {
                if at > text.len() {
                    break;
                }
                let want = reference
                    .search(&Input::new(&text).range(at..))
                    .map(|m| (m.start(), m.end(), m.pattern().as_usize()));
                let got = detector
                    .first_from(&text, at, &mut state, &mut caches, &mut searches)
                    .map(|f| (f.start, f.end, f.rule));
                let fresh = detector
                    .first_from(
                        &text,
                        at,
                        &mut SearchState::new(detector.windowed.len()),
                        &mut caches,
                        &mut searches,
                    )
                    .map(|f| (f.start, f.end, f.rule));
                proptest::prop_assert_eq!(got, want, "from {} in {:?}", at, text);
                proptest::prop_assert_eq!(fresh, want, "from {} in {:?}", at, text);
                // The main regex's fallback, for searches its lazy DFAs
                // give up on, agrees with them (a slow search: now and
                // then).
                if k % 8 == 0 {
                    let lazy = detector
                        .main
                        .search(&mut caches[0], &text, at..text.len())
                        .map(|f| (f.start, f.end, f.rule));
                    let slow = detector
                        .main
                        .search_slowly(&mut caches[0], &Input::new(&text).range(at..))
                        .map(|f| (f.start, f.end, f.rule));
                    proptest::prop_assert_eq!(slow, lazy, "from {} in {:?}", at, text);
                }
                at += step;
                while at < text.len() && !text.is_char_boundary(at) {
                    at += 1;
                }
            }
        }
    }

    #[test]
    fn cue_patterns_split_around_their_value() {
        let cue_rules: Vec<Rule> = rules().into_iter().filter(|r| r.cue).collect();
        assert!(cue_rules.len() >= 12);
        for rule in &cue_rules {
            let (before, value, after) = split_value(&rule.pattern).unwrap();
            assert_eq!(format!("{before}(?P<v>{value}){after}"), rule.pattern);
            for part in [before, value, after] {
                assert!(MetaRegex::new(part).is_ok(), "{part:?} of {}", rule.pattern);
            }
        }
        // Parentheses inside a class or escaped do not close the group.
        assert_eq!(
            split_value(r"a:(?P<v>\(?[0-9 ().\-]{2}(?:x)?)\b"),
            Some(("a:", r"\(?[0-9 ().\-]{2}(?:x)?", r"\b"))
        );
        assert_eq!(split_value("no value group"), None);
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig {
            cases: 512,
            ..proptest::prelude::ProptestConfig::default()
        })]

        /// The value finder's quick path reports the groups the
        /// backtracker reports, on every match of every cue rule.
        #[test]
        fn value_finder_agrees_with_the_backtracker(
            pieces in proptest::collection::vec(
                proptest::prop_oneof![
                    proptest::strategy::Strategy::prop_map(proptest::sample::select(vec![
                        "MRN", "mrn", "MR#", "Medical record number", "chart no.", "pt id",
                        "SSN", "soc sec #", "member id", "Medicare", "policy no.", "group #",
                        "acct", "Account number", "claim", "ref", "card", "license", "licenses",
                        "DEA", "NPI", "plate", "VIN", "serial", "Pacemaker serial", "lot",
                        "model #", "fax", "Fax to", "phone", "call", "Call back number",
                        "called me at", "reach her", "home", "zip", "zip code", "zip code is",
                        "postal code", "age", "aged", "age of", "year-old", "yo", "years old",
                        "Springfield", "Oak", " is ", ": ", " #", " ", "  ", "\t", "\n", "-",
                        ", ", ".", "(", ")", "+1 ", " x", " ext. ",
                    ]), str::to_string),
                    "[0-9]{1,12}",
                    "9[0-9]|1[01][0-9]",
                    "[A-Za-z]{1,4}[0-9]{2,8}",
                    "[0-9 ().+x-]{4,14}",
                ],
                1..16,
            ),
        ) {
            static BUILT: std::sync::OnceLock<Vec<(MetaRegex, ValueFinder)>> =
                std::sync::OnceLock::new();
            let finders = BUILT.get_or_init(|| {
                rules()
                    .iter()
                    .filter(|r| r.cue)
                    .map(|r| (MetaRegex::new(&r.pattern).unwrap(), ValueFinder::new(&r.pattern)))
                    .collect()
            });
            let text: String = pieces.concat();
            for (regex, finder) in finders {
                for m in regex.find_iter(&text) {
                    let quick = finder.find(&mut finder.cache(), &text, m.start(), m.end());
                    let slow =
                        finder.find_backtracking(&mut finder.cache(), &text, m.start(), m.end());
                    proptest::prop_assert_eq!(quick, slow, "{:?} in {:?}", &text[m.range()], text);
                }
            }
        }
    }

    #[test]
    fn numbers_reads_digit_runs_inline_and_beyond() {
        assert_eq!(
            numbers("2021-03-14T10:30:00").as_slice(),
            [2021, 3, 14, 10, 30, 0]
        );
        assert_eq!(numbers("no digits").as_slice(), [] as [u32; 0]);
        assert_eq!(numbers("99999999999 1").as_slice(), [u32::MAX, 1]);
        let many: Vec<u32> = (1..=11).collect();
        let text: Vec<String> = many.iter().map(u32::to_string).collect();
        assert_eq!(numbers(&text.join(".")).as_slice(), many.as_slice());
    }

    #[test]
    fn next_digit_finds_the_first_ascii_digit() {
        for (text, want) in [
            ("", None),
            ("abcdefgh", None),
            ("abcdefgh9", Some(8)),
            ("/:9", Some(2)),
            ("0", Some(0)),
            ("abcdefg/:;é12", Some(12)),
            ("\u{660}\u{0969}x5", Some(6)),
            ("zzzzzzzzzzzzzzzzzzzzzzz7zz", Some(23)),
        ] {
            assert_eq!(next_digit(text.as_bytes()), want, "{text:?}");
        }
        for byte in 0..=255u8 {
            let mut bytes = [b'a'; 11];
            bytes[9] = byte;
            let want = byte.is_ascii_digit().then_some(9);
            assert_eq!(next_digit(&bytes), want, "{byte}");
            bytes[3] = byte;
            let want = byte.is_ascii_digit().then_some(3);
            assert_eq!(next_digit(&bytes), want, "{byte}");
        }
    }

    #[test]
    fn luhn_checks() {
        assert!(luhn("4111 1111 1111 1111"));
        assert!(!luhn("4111 1111 1111 1112"));
    }
}
