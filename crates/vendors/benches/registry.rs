//! How long the registry takes to load, decide and map a host.
//!
//! Run with `cargo bench -p phiguard-vendors`. These measure; they do not
//! gate anything.

use criterion::{Criterion, black_box, criterion_group, criterion_main};
use phiguard_phi::{CategorySet, PhiCategory};
use phiguard_vendors::{ClearanceRequest, VendorRegistry};
use time::macros::datetime;

const SAMPLE: &str = include_str!("../../../examples/config/vendors.toml");

fn registry(c: &mut Criterion) {
    c.bench_function("load sample registry", |b| {
        b.iter(|| VendorRegistry::from_toml_str(black_box(SAMPLE)).unwrap())
    });

    let registry = VendorRegistry::from_toml_str(SAMPLE).unwrap();
    let at = datetime!(2027-06-01 12:00 UTC);
    let both = CategorySet::identifiers().union(CategorySet::clinical());
    let granted = ClearanceRequest::new("azure-openai-chat", "summarize", both, at);
    c.bench_function("clear (granted)", |b| {
        b.iter(|| registry.clear(black_box(&granted)).unwrap())
    });

    let refused = ClearanceRequest::new(
        "mistral-chat",
        "diagnosis",
        CategorySet::from(PhiCategory::Name),
        at,
    );
    c.bench_function("clear (refused)", |b| {
        b.iter(|| registry.clear(black_box(&refused)).unwrap_err())
    });

    let url = url::Url::parse("https://api.anthropic.com/v1/messages").unwrap();
    c.bench_function("service_for_url", |b| {
        b.iter(|| registry.service_for_url(black_box(&url)).unwrap())
    });
    c.bench_function("service_for_host (undeclared)", |b| {
        b.iter(|| registry.service_for_host(black_box("api.anthropic.com.evil.example")))
    });
}

// `criterion_group!` writes an undocumented `pub fn`; wrapping it in a
// private module keeps the crate-wide `missing_docs` lint on everything
// else.
mod group {
    use super::*;
    criterion_group!(benches, registry);
}

criterion_main!(group::benches);
