//! The crate's errors. Every message is safe to log: none holds PHI, a
//! request or response body, or a URL with its query.

use std::time::Duration;

use phiguard_phi::EgressError;

/// Why a provider could not complete a call.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ProviderError {
    /// The request did not reach the vendor, or no answer came back.
    #[error("could not reach the vendor ({kind})")]
    Transport {
        /// `connect`, `timeout` or `io`.
        kind: &'static str,
        /// The HTTP client's error, stripped of its URL.
        #[source]
        source: reqwest::Error,
    },
    /// The vendor kept answering 429 (or asked to wait longer than the
    /// retry policy allows).
    #[error("rate limited by the vendor after {attempts} attempt(s)")]
    RateLimited {
        /// How long the vendor asked to wait, if it said.
        retry_after: Option<Duration>,
        /// How many requests were made.
        attempts: u32,
    },
    /// The vendor answered with an error status.
    #[error("the vendor answered {status}{} after {attempts} attempt(s)", code_suffix(.vendor_code))]
    Status {
        /// The HTTP status code.
        status: u16,
        /// The vendor's error type or code, when it sent one that looks
        /// like an identifier (`rate_limit_error`, `content_filter`). The
        /// vendor's message is never kept: it may quote the prompt.
        vendor_code: Option<String>,
        /// How long the vendor asked to wait (a 503 may say), if it said.
        retry_after: Option<Duration>,
        /// How many requests were made.
        attempts: u32,
    },
    /// The answer was not what the protocol says (malformed JSON, an HTML
    /// error page, a missing field).
    #[error("the vendor's answer could not be decoded ({what})")]
    Decode {
        /// What was wrong, in a few words.
        what: &'static str,
    },
    /// The answer exceeded the size bound.
    #[error("the vendor's answer exceeded {limit} bytes")]
    TooLarge {
        /// The bound, in bytes.
        limit: usize,
    },
    /// A streamed answer ended before the vendor said it was finished.
    #[error("the answer stream ended before the vendor finished")]
    StreamInterrupted,
    /// A streamed answer sent nothing for longer than the idle bound.
    #[error("the answer stream stalled for more than {0:?}")]
    StreamStalled(Duration),
    /// The vendor reported an error inside a stream.
    #[error("the vendor reported an error in the stream{}", code_suffix(.vendor_code))]
    StreamError {
        /// The vendor's error type, when it looks like an identifier.
        vendor_code: Option<String>,
    },
    /// A body sealed for one mode (streamed or not) was given to the
    /// other call.
    #[error("the request body was sealed for a different response mode")]
    ModeMismatch,
    /// The request could not be encoded under the clearance.
    #[error("the request could not be encoded for the vendor")]
    Encode(#[source] EgressError),
    /// The provider's own settings are unusable.
    #[error("invalid provider configuration: {0}")]
    Config(&'static str),
}

fn code_suffix(code: &Option<String>) -> String {
    match code {
        Some(code) => format!(" ({code})"),
        None => String::new(),
    }
}

impl ProviderError {
    /// Whether a retry could help (429, 5xx, connection refused).
    pub fn is_retryable(&self) -> bool {
        match self {
            ProviderError::RateLimited { .. } => true,
            ProviderError::Status { status, .. } => *status >= 500,
            ProviderError::Transport { kind, .. } => *kind == "connect",
            _ => false,
        }
    }

    /// A short, stable name for the audit trail.
    pub fn kind(&self) -> &'static str {
        match self {
            ProviderError::Transport { kind, .. } => kind,
            ProviderError::RateLimited { .. } => "rate_limited",
            ProviderError::Status { .. } => "status",
            ProviderError::Decode { .. } => "decode",
            ProviderError::TooLarge { .. } => "too_large",
            ProviderError::StreamInterrupted => "stream_interrupted",
            ProviderError::StreamStalled(_) => "stream_stalled",
            ProviderError::StreamError { .. } => "stream_error",
            ProviderError::ModeMismatch => "mode_mismatch",
            ProviderError::Encode(_) => "encode",
            ProviderError::Config(_) => "config",
        }
    }

    pub(crate) fn transport(error: reqwest::Error) -> Self {
        let kind = if error.is_connect() {
            "connect"
        } else if error.is_timeout() {
            "timeout"
        } else {
            "io"
        };
        ProviderError::Transport {
            kind,
            source: error.without_url(),
        }
    }
}

/// Why a policy file or a purposes table could not be loaded.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The Cedar policy text does not parse.
    #[error("policy does not parse: {message}")]
    PolicySyntax {
        /// Cedar's description of the first problem.
        message: String,
    },
    /// The policies do not match the gateway's schema.
    #[error("policy does not validate against the AI gateway schema: {message}")]
    PolicyInvalid {
        /// Cedar's description of the first problem.
        message: String,
    },
    /// A policy has no `@id("...")` annotation, or two share one.
    #[error("policy {what}: every policy needs a unique @id(\"...\") annotation")]
    PolicyId {
        /// What was wrong (`without @id`, `duplicate @id "x"`).
        what: String,
    },
    /// The purposes table is not valid TOML or has unknown fields.
    #[error("purposes table does not parse at line {line}, column {column}: {message}")]
    PurposesSyntax {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What the TOML parser says.
        message: String,
    },
    /// The purposes table parses but says something impossible.
    #[error("purpose `{purpose}`: {problem}")]
    PurposeInvalid {
        /// The purpose.
        purpose: String,
        /// What is wrong with it.
        problem: String,
    },
    /// A required piece of the gateway was not given to its builder.
    #[error("the gateway is missing {missing}")]
    Incomplete {
        /// What is missing (`a policy`, `a provider`, ...).
        missing: &'static str,
    },
    /// A configuration file could not be read.
    #[error("could not read {what}")]
    Read {
        /// Which file.
        what: &'static str,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
}
