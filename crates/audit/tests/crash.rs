//! Crash test (filled in below).
fn main() {}
