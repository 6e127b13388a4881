//! Why a registry file could not be loaded.
//!
//! Messages quote ids, field names and dates from the registry file. The
//! file is configuration reviewed by the compliance office and holds no
//! PHI, so the messages are safe to log.

use std::fmt;
use std::path::PathBuf;

use time::Date;

/// A registry that could not be loaded. Nothing is half-loaded: any error
/// means there is no registry, and so no clearance.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LoadError {
    /// The file could not be read.
    #[error("cannot read vendor registry {}", path.display())]
    Read {
        /// The path given to [`VendorRegistry::load`](crate::VendorRegistry::load).
        path: PathBuf,
        /// What the operating system said.
        #[source]
        source: std::io::Error,
    },
    /// The text is not TOML, or a field is unknown, missing or of the
    /// wrong type.
    #[error("vendor registry syntax error{}: {message}", at(*position))]
    Syntax {
        /// Where the parser stopped, when it said.
        position: Option<Position>,
        /// The parser's message.
        message: String,
    },
    /// The file parsed but says something inconsistent. Every issue found
    /// is listed, not only the first.
    #[error("vendor registry is invalid: {}", list(issues))]
    Invalid {
        /// The issues, in file order.
        issues: Vec<Issue>,
    },
}

impl LoadError {
    /// The line and column of a syntax error.
    pub fn position(&self) -> Option<Position> {
        match self {
            LoadError::Syntax { position, .. } => *position,
            _ => None,
        }
    }

    /// The semantic issues, empty for other kinds of error.
    pub fn issues(&self) -> &[Issue] {
        match self {
            LoadError::Invalid { issues } => issues,
            _ => &[],
        }
    }

    pub(crate) fn syntax(source: &str, error: &toml::de::Error) -> Self {
        LoadError::Syntax {
            position: error.span().map(|span| Position::of(source, span.start)),
            message: error.message().trim().to_owned(),
        }
    }
}

fn at(position: Option<Position>) -> String {
    position.map(|p| format!(" at {p}")).unwrap_or_default()
}

fn list(issues: &[Issue]) -> String {
    let texts: Vec<String> = issues.iter().map(Issue::to_string).collect();
    texts.join("; ")
}

/// A line and column in the registry file, both counted from 1; the column
/// counts characters, not bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    /// The line, from 1.
    pub line: usize,
    /// The column, from 1, in characters.
    pub column: usize,
}

impl Position {
    fn of(source: &str, offset: usize) -> Self {
        // A span may end inside a multi-byte character; back up to a
        // boundary rather than panic.
        let mut offset = offset.min(source.len());
        while !source.is_char_boundary(offset) {
            offset -= 1;
        }
        let before = &source[..offset];
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        Position {
            line: before.matches('\n').count() + 1,
            column: before[line_start..].chars().count() + 1,
        }
    }
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}, column {}", self.line, self.column)
    }
}

/// One inconsistency in a registry file: where it is and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issue {
    pub(crate) vendor: Option<String>,
    pub(crate) field: String,
    pub(crate) kind: IssueKind,
}

impl Issue {
    /// The id of the vendor the issue is in; `None` for registry-wide
    /// settings and purposes.
    pub fn vendor(&self) -> Option<&str> {
        self.vendor.as_deref()
    }

    /// The field, as a path: `baa[openai-baa].expires_on`,
    /// `service[clickup-api-v2].hosts`, `registry.allowed_regions`.
    pub fn field(&self) -> &str {
        &self.field
    }

    /// What is wrong.
    pub fn kind(&self) -> &IssueKind {
        &self.kind
    }
}

impl fmt::Display for Issue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(vendor) = &self.vendor {
            write!(f, "vendor `{vendor}`, ")?;
        }
        write!(f, "field `{}`: {}", self.field, self.kind)
    }
}

/// What is wrong with a field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum IssueKind {
    /// An id, name or list that must not be empty is empty.
    #[error("must not be empty")]
    Empty,
    /// An id or name holds characters outside the allowed set.
    #[error("`{name}` is not a valid name: use lowercase letters, digits, `_` and `-`")]
    InvalidName {
        /// The name as written.
        name: String,
    },
    /// An id is declared twice where it must be unique.
    #[error("`{id}` is declared more than once")]
    Duplicate {
        /// The repeated id.
        id: String,
    },
    /// A name that is not a PHI category or a category shorthand.
    #[error(
        "unknown PHI category `{name}` (use a category name, `identifiers`, `clinical` or `all`)"
    )]
    UnknownCategory {
        /// The name as written.
        name: String,
    },
    /// A purpose that the registry's `[purposes]` table does not declare.
    #[error("unknown purpose `{name}`: declare it under [purposes] first")]
    UnknownPurpose {
        /// The name as written.
        name: String,
    },
    /// A covered service that is not one of the vendor's services.
    #[error("`{id}` is not a service of this vendor")]
    UnknownService {
        /// The service id as written.
        id: String,
    },
    /// A service covered by two agreement records.
    #[error("service `{service}` is already covered by agreement `{other_baa}`")]
    ServiceCoveredTwice {
        /// The service id.
        service: String,
        /// The agreement that covered it first.
        other_baa: String,
    },
    /// A service without any host.
    #[error("a service must declare at least one host")]
    ServiceWithoutHosts,
    /// A service without any region.
    #[error("a service must declare at least one region")]
    ServiceWithoutRegions,
    /// A host that cannot be parsed.
    #[error("`{host}` is not a valid host: {}", crate::host::DECLARED_HOST_RULE)]
    InvalidHost {
        /// The host as written.
        host: String,
    },
    /// A host claimed by two services, so a request to it could not be
    /// attributed.
    #[error("host `{host}` is already declared by service `{other_service}`")]
    HostDeclaredTwice {
        /// The host, normalized.
        host: String,
        /// The service that declared it first.
        other_service: String,
    },
    /// An agreement that expires before it takes effect.
    #[error("expiry date {expires_on} is before the effective date {effective_on}")]
    ExpiryBeforeEffective {
        /// The first day in force.
        effective_on: Date,
        /// The last day in force.
        expires_on: Date,
    },
    /// An evaluation whose next review is due before the review itself.
    #[error("next review due {next_review_due} is before the review on {reviewed_on}")]
    ReviewDueBeforeReview {
        /// The day of the review.
        reviewed_on: Date,
        /// The day the next one is due.
        next_review_due: Date,
    },
    /// A field that an agreement with this status must have.
    #[error("is required for an agreement with status `{status}`")]
    RequiredForStatus {
        /// The agreement's status.
        status: crate::BaaStatus,
    },
    /// A document hash that is not 64 hexadecimal characters.
    #[error("must be a SHA-256 digest: 64 hexadecimal characters")]
    InvalidSha256,
    /// Retention given both ways, or neither.
    #[error("set exactly one of `retention_days` and `customer_controlled_retention = true`")]
    RetentionAmbiguous,
    /// A breach notice window over the statutory 60 days
    /// (45 CFR 164.410(b)).
    #[error("a breach notice window of {days} days exceeds the 60-day statutory limit")]
    BreachNoticeTooLong {
        /// The window as written.
        days: u32,
    },
}
