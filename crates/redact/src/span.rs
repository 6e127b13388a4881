//! Detected spans.

use std::borrow::Cow;

use phiguard_phi::PhiCategory;

/// A stretch of text that a detector believes holds an identifier.
///
/// Offsets are byte offsets into the text that was scanned, `end`
/// exclusive, both on UTF-8 character boundaries. A span holds no text, so
/// it can be logged, counted and serialized freely.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Span {
    /// First byte of the span.
    pub start: usize,
    /// One past the last byte of the span.
    pub end: usize,
    /// What the span holds.
    pub category: PhiCategory,
    /// How sure the detector is, from 0 to 1.
    pub confidence: f32,
    /// Which detector found it (its [`crate::Detector::name`]).
    pub detector: Cow<'static, str>,
}

impl Span {
    /// A span of `category` over `start..end`, found by `detector`.
    pub fn new(
        start: usize,
        end: usize,
        category: PhiCategory,
        confidence: f32,
        detector: impl Into<Cow<'static, str>>,
    ) -> Self {
        Span {
            start,
            end,
            category,
            confidence,
            detector: detector.into(),
        }
    }

    /// The number of bytes covered.
    pub fn len(&self) -> usize {
        self.end.saturating_sub(self.start)
    }

    /// Whether the span covers nothing.
    pub fn is_empty(&self) -> bool {
        self.end <= self.start
    }

    /// Whether two spans share at least one byte.
    pub fn overlaps(&self, other: &Span) -> bool {
        self.start < other.end && other.start < self.end
    }
}
