//! Egress: the one way PHI is serialized in plain form.
//!
//! A [`Phi`](crate::Phi) serializes its value only while an egress scope is
//! active on the current thread and that scope's [`EgressPermit`] covers the
//! value's category. A scope lasts for exactly one synchronous
//! serialization: [`serialize`] and [`to_json_vec`] enter it, run the
//! serializer, and leave it, whatever happens (errors and panics included).
//! Nothing here can be held across an `.await`.
//!
//! Scopes are per thread: a serializer that hands work to another thread
//! gets no permit there. Scopes nest: an inner serialization runs under its
//! own permit, and the outer permit applies again once it returns.
//!
//! Permits are minted by the vendor registry (`phiguard-vendors`) when a
//! business associate agreement covers a sink, a purpose and a set of
//! categories. This crate cannot check agreements; it only enforces what
//! the permit says.
//!
//! ```
//! use phiguard_phi::{egress, Phi, PhiCategory};
//!
//! #[derive(serde::Serialize)]
//! struct Body {
//!     note: Phi<String>,
//! }
//!
//! let body = Body { note: Phi::new("BP 150/95".into(), PhiCategory::VitalSign) };
//!
//! // No scope: refused, and the error names the category, not the value.
//! let refused = serde_json::to_vec(&body).unwrap_err();
//! assert!(refused.to_string().contains("vital_sign"));
//! assert!(!refused.to_string().contains("150/95"));
//! ```

use std::cell::RefCell;
use std::fmt;
use std::sync::Arc;

use serde::{Serialize, Serializer};

use crate::{CategorySet, PhiCategory};

/// Permission to serialize PHI of some categories to one sink.
///
/// A permit is the phi-level half of a clearance: it names the sink
/// (a vendor service, ClickUp, a webhook target) and the categories the
/// business associate agreement covers. It is created only by code built
/// with this crate's `permit-issuer` feature, which the vendor registry
/// enables.
#[derive(Clone, PartialEq, Eq)]
pub struct EgressPermit {
    sink: Arc<str>,
    categories: CategorySet,
}

impl EgressPermit {
    /// Mints a permit. Reserved for the vendor registry: see the crate's
    /// `permit-issuer` feature.
    #[cfg(feature = "permit-issuer")]
    pub fn issue(sink: &str, categories: CategorySet) -> Self {
        EgressPermit {
            sink: Arc::from(sink),
            categories,
        }
    }

    /// The sink this permit lets PHI reach.
    pub fn sink(&self) -> &str {
        &self.sink
    }

    /// The categories this permit covers.
    pub fn categories(&self) -> CategorySet {
        self.categories
    }

    /// Whether `category` may be serialized under this permit.
    pub fn covers(&self, category: PhiCategory) -> bool {
        self.categories.contains(category)
    }
}

impl fmt::Debug for EgressPermit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EgressPermit")
            .field("sink", &self.sink)
            .field("categories", &self.categories)
            .finish()
    }
}

/// Why PHI was not serialized. Safe to log: it never holds the value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EgressError {
    /// A `Phi` was serialized outside any egress scope.
    #[error("PHI of category `{category}` refused: serialized outside any egress scope")]
    NoScope {
        /// The category of the refused value.
        category: PhiCategory,
    },
    /// The active permit does not cover the value's category.
    #[error(
        "PHI of category `{category}` refused for sink `{sink}`: its clearance does not cover it"
    )]
    NotCovered {
        /// The category of the refused value.
        category: PhiCategory,
        /// The sink the permit was for.
        sink: String,
    },
    /// The serializer failed for a reason other than PHI.
    ///
    /// Only the kind of failure is kept, since a serializer's message may
    /// quote the data it was given.
    #[error("serialization failed ({kind})")]
    Serialization {
        /// `io`, `syntax`, `data` or `eof`.
        kind: &'static str,
    },
}

impl EgressError {
    /// The category that was refused, if this is a refusal.
    pub fn category(&self) -> Option<PhiCategory> {
        match self {
            EgressError::NoScope { category } | EgressError::NotCovered { category, .. } => {
                Some(*category)
            }
            EgressError::Serialization { .. } => None,
        }
    }
}

pub(crate) enum Frame {
    Permit {
        sink: Arc<str>,
        categories: CategorySet,
    },
    Redact,
}

thread_local! {
    static FRAMES: RefCell<Vec<Frame>> = const { RefCell::new(Vec::new()) };
    static LAST_REFUSAL: RefCell<Option<EgressError>> = const { RefCell::new(None) };
}

/// Pops the frames it pushed when dropped, on success, error or unwind.
struct ScopeGuard {
    depth: usize,
}

impl ScopeGuard {
    fn enter(frame: Frame) -> Self {
        let depth = FRAMES.with_borrow_mut(|frames| {
            frames.push(frame);
            frames.len() - 1
        });
        ScopeGuard { depth }
    }
}

impl Drop for ScopeGuard {
    fn drop(&mut self) {
        FRAMES.with_borrow_mut(|frames| frames.truncate(self.depth));
    }
}

pub(crate) enum Decision {
    Permit,
    Redact,
    Refuse(EgressError),
}

/// What the innermost scope on this thread says about `category`.
pub(crate) fn decide(category: PhiCategory) -> Decision {
    let decision = FRAMES.with_borrow(|frames| match frames.last() {
        None => Decision::Refuse(EgressError::NoScope { category }),
        Some(Frame::Redact) => Decision::Redact,
        Some(Frame::Permit { categories, .. }) if categories.contains(category) => Decision::Permit,
        Some(Frame::Permit { sink, .. }) => Decision::Refuse(EgressError::NotCovered {
            category,
            sink: sink.to_string(),
        }),
    });
    if let Decision::Refuse(refusal) = &decision {
        LAST_REFUSAL.with_borrow_mut(|last| *last = Some(refusal.clone()));
    }
    decision
}

pub(crate) fn with_frame<R>(frame: Frame, run: impl FnOnce() -> R) -> R {
    let _guard = ScopeGuard::enter(frame);
    run()
}

pub(crate) fn redact_frame() -> Frame {
    Frame::Redact
}

/// Serializes `value` once with `serializer` under `permit`.
///
/// PHI of the categories the permit covers is written in plain form; any
/// other PHI makes the serialization fail. The plain output must go
/// straight to the sink the permit names.
///
/// # Errors
///
/// Whatever the serializer returns; a refused `Phi` surfaces as the
/// serializer's custom error, naming the category and the sink.
pub fn serialize<T, S>(permit: &EgressPermit, value: &T, serializer: S) -> Result<S::Ok, S::Error>
where
    T: Serialize + ?Sized,
    S: Serializer,
{
    let frame = Frame::Permit {
        sink: permit.sink.clone(),
        categories: permit.categories,
    };
    with_frame(frame, || value.serialize(serializer))
}

/// Serializes `value` to JSON bytes under `permit`.
///
/// # Errors
///
/// [`EgressError::NotCovered`] when `value` holds PHI of a category the
/// permit does not cover; [`EgressError::Serialization`] when serde_json
/// fails for another reason.
pub fn to_json_vec<T: Serialize + ?Sized>(
    permit: &EgressPermit,
    value: &T,
) -> Result<Vec<u8>, EgressError> {
    LAST_REFUSAL.with_borrow_mut(|last| *last = None);
    let mut out = Vec::with_capacity(256);
    let result = serialize(permit, value, &mut serde_json::Serializer::new(&mut out));
    match result {
        Ok(()) => Ok(out),
        Err(error) => Err(classify(error)),
    }
}

/// Turns a serde_json error into an [`EgressError`] without its message.
pub(crate) fn classify(error: serde_json::Error) -> EgressError {
    if let Some(refusal) = LAST_REFUSAL.with_borrow_mut(Option::take) {
        return refusal;
    }
    let kind = match error.classify() {
        serde_json::error::Category::Io => "io",
        serde_json::error::Category::Syntax => "syntax",
        serde_json::error::Category::Data => "data",
        serde_json::error::Category::Eof => "eof",
    };
    EgressError::Serialization { kind }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Phi;

    #[test]
    fn no_frames_left_behind_after_an_error() {
        let phi = Phi::new(String::from("x"), PhiCategory::Name);
        let permit = EgressPermit {
            sink: Arc::from("s"),
            categories: CategorySet::EMPTY,
        };
        assert!(to_json_vec(&permit, &phi).is_err());
        assert_eq!(FRAMES.with_borrow(Vec::len), 0);
    }
}
