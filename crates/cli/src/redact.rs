//! `phiguard redact`: the default Safe Harbor redactor over a file or
//! standard input.
//!
//! Two outputs:
//!
//! - `--format text` (the default): the redacted text, identifiers
//!   replaced by `[NAME]`-style tags (or vault tokens with
//!   `--operator token`, which are useless outside the process but show
//!   which values repeat).
//! - `--format spans`: one JSON object per detected span, one a line,
//!   `{"start": S, "end": E, "category": "..."}`, with S and E counted in
//!   Unicode characters (code points) into the input, end exclusive. No
//!   text of the input appears in this output. Outside evaluations run
//!   against this interface: keep it stable.

use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use phiguard_redact::operators::{Tag, VaultToken};
use phiguard_redact::{RedactionSession, Redactor};

/// What `phiguard redact` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Format {
    /// The redacted text.
    Text,
    /// One JSON object per detected span, one a line, offsets in code points.
    Spans,
}

/// What replaces each identifier in `--format text`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Replacement {
    /// The category's tag: `[NAME]`.
    Tag,
    /// A random token per distinct value: `[[NAME_7F3K]]`.
    Token,
}

/// Arguments of `phiguard redact`.
#[derive(Debug, clap::Args)]
pub(crate) struct RedactArgs {
    /// The file to redact; standard input when absent.
    file: Option<PathBuf>,
    /// What to write.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// What replaces identifiers in text output.
    #[arg(long, value_enum, default_value_t = Replacement::Tag)]
    replace: Replacement,
}

pub(crate) fn run(args: RedactArgs) -> ExitCode {
    let input = match read_input(args.file.as_ref()) {
        Ok(input) => input,
        Err(message) => {
            eprintln!("phiguard redact: {message}");
            return ExitCode::from(2);
        }
    };

    let builder = Redactor::builder().safe_harbor_detectors();
    let redactor = match args.replace {
        Replacement::Tag => builder.default_operator(Tag).build(),
        Replacement::Token => builder.default_operator(VaultToken).build(),
    };
    let redactor = match redactor {
        Ok(redactor) => redactor,
        Err(error) => {
            eprintln!("phiguard redact: {error}");
            return ExitCode::FAILURE;
        }
    };

    let mut session = RedactionSession::new();
    let output = match args.format {
        Format::Text => redactor.redact(&input, &mut session).map(|r| r.into_text()),
        Format::Spans => redactor
            .detect(&input, &mut session)
            .map(|spans| spans_jsonl(&input, &spans)),
    };
    let output = match output {
        Ok(output) => output,
        Err(error) => {
            // The error names detectors and categories, never input text.
            eprintln!("phiguard redact: {error}");
            return ExitCode::FAILURE;
        }
    };

    let mut stdout = std::io::stdout().lock();
    if stdout
        .write_all(output.as_bytes())
        .and_then(|()| stdout.flush())
        .is_err()
    {
        eprintln!("phiguard redact: could not write the output");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}

fn read_input(file: Option<&PathBuf>) -> Result<String, String> {
    let mut bytes = Vec::new();
    match file {
        Some(path) => {
            bytes = std::fs::read(path)
                .map_err(|e| format!("cannot read the input file: {}", e.kind()))?;
        }
        None => {
            std::io::stdin()
                .read_to_end(&mut bytes)
                .map_err(|e| format!("cannot read standard input: {}", e.kind()))?;
        }
    }
    // Offsets are promised in code points, so the input must be UTF-8;
    // the error says where it is not, never what is there.
    String::from_utf8(bytes).map_err(|e| {
        format!(
            "the input is not UTF-8 (invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        )
    })
}

/// The spans as JSON lines with code-point offsets. Spans come sorted and
/// disjoint, so one forward walk converts every offset.
fn spans_jsonl(text: &str, spans: &[phiguard_redact::Span]) -> String {
    let mut out = String::with_capacity(spans.len() * 48);
    let mut byte = 0usize;
    let mut chars = 0usize;
    let mut to_chars = |target: usize| {
        chars += text[byte..target].chars().count();
        byte = target;
        chars
    };
    for span in spans {
        let start = to_chars(span.start);
        let end = to_chars(span.end);
        let line = serde_json::json!({
            "start": start,
            "end": end,
            "category": span.category.name(),
        });
        out.push_str(&line.to_string());
        out.push('\n');
    }
    out
}
