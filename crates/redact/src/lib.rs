//! Redaction of protected health information in free text, and its
//! reversal in the answers that come back.
//!
//! Free text from a PHI-labelled ClickUp space (task descriptions,
//! comments) goes through a [`Redactor`] before it reaches an AI vendor:
//! identifiers (names, dates, phone numbers, record numbers, addresses and
//! the rest of the HIPAA Safe Harbor list) are replaced by random tokens
//! such as `[[NAME_7F3K]]`, clinical content is left as it is. The
//! [`RedactionSession`] keeps the tokens in a vault, so the answer can be
//! re-identified locally, as [`Phi`](phiguard_phi::Phi), even when it
//! streams in chunks that split a token.
//!
//! The engine is made of parts other crates can add to:
//!
//! - [`Detector`]s find [`Span`]s (byte ranges with a category, a
//!   confidence and the detector's name). Built in: [`PatternDetector`]
//!   for identifiers with a shape, [`NameDetector`] for person and city
//!   names, [`TermDetector`] for deny-lists and the session's known values.
//!   See [`detect`] for how to write one.
//! - [`Operator`]s replace one span each: vault tokens, tags, masks, HMAC
//!   pseudonyms, date shifts, Safe Harbor generalizations (year only, ZIP3,
//!   ages 90+). See [`operators`].
//! - The [`Redactor`] runs the detectors, drops allow-listed terms,
//!   resolves overlaps (most specific, then longest, wins) and applies one
//!   operator per category.
//!
//! # What it guarantees
//!
//! - Detection runs in time linear in the input: the patterns are
//!   DFA-based multi-pattern regexes (one for most rules, three more
//!   searched only where their rules can match), names cost one hash
//!   lookup per word, terms one Aho-Corasick pass. Any UTF-8 input is
//!   accepted; spans are always on character boundaries.
//! - A failing detector or operator fails the whole call: there is no
//!   partly redacted result to send by mistake.
//! - No error message, log line or `Debug` output of this crate holds text
//!   from the input. Debug of a session, vault or redaction shows sizes
//!   and counts only.
//! - Vault tokens are random, never derived from the value; the vault
//!   holds values as `Phi` and zeroizes them, and its lookup keys, on drop.
//!
//! # What it does not guarantee
//!
//! - Recall is high, not total. Rules and word lists miss names that no
//!   list knows and that no cue introduces, and identifiers written in
//!   unusual ways. Measure it on your own notes (`examples/eval.rs`) and
//!   keep a business associate agreement with the AI vendor regardless.
//! - Precision is traded for recall: surnames that are also words
//!   ("Brown") are redacted only with a cue or a first name, and some
//!   capitalized words after a cue are redacted though they are not names.
//! - The known-value matcher and the deny-list keep an internal copy of
//!   their terms (inside the Aho-Corasick automaton) that is not zeroized.
//! - The patterns and lists are tuned for English and US formats.
//!   Known misses, measured with `examples/eval.rs`: lowercase names that
//!   no list knows, even after a cue ("nurse delacroix"); first names that
//!   are also ordinary words with no cue or surname ("Tom is my partner");
//!   lone unknown names with no cue ("Katrine so impulsive"); places
//!   written in all capitals or in non-Latin scripts outside address
//!   blocks and place cues; postal codes of four digits or fewer without a
//!   "ZIP" cue; ages up to 89 are not detected at all (they are not Safe
//!   Harbor identifiers).
//!
//! # Example
//!
//! ```
//! use phiguard_redact::{RedactionSession, Redactor};
//!
//! let redactor = Redactor::safe_harbor();
//! let mut session = RedactionSession::new();
//!
//! let note = "Pt Ada Quill (MRN 4821-332) seen 03/14/2021; daughter can be reached at 617-555-0134.";
//! let redaction = redactor.redact(note, &mut session).unwrap();
//! let sent = redaction.text();
//! assert!(!sent.contains("Quill") && !sent.contains("4821") && !sent.contains("0134"));
//! assert!(sent.contains("seen [[DATE_"));
//!
//! // Whatever the model writes back with the tokens, the session restores.
//! let answer = format!("Summary: {sent}");
//! let restored = session.reidentify(&answer);
//! assert_eq!(restored.expose_phi(), &format!("Summary: {note}"));
//! ```

mod dates;
pub mod detect;
mod error;
mod lexicon;
pub mod operators;
mod redactor;
mod session;
mod span;
pub mod vault;

pub use detect::{Detector, NameDetector, PatternDetector, TermDetector};
pub use error::{DetectError, OperatorError, RedactError};
pub use operators::{Operator, OperatorContext};
pub use redactor::{Redaction, Redactor, RedactorBuilder};
pub use session::{RedactionSession, Reidentifier};
pub use span::Span;
pub use vault::TokenVault;
