//! Integration tests of the guarded AI gateway against fake vendors on
//! 127.0.0.1 (wiremock), which record every body they receive.

mod common;
mod pipeline;
mod providers;
mod refusals;
mod streaming;
