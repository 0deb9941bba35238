//! A stand-in EQDKP-Plus site for tests, benchmarks and load tests: fake roster data, the
//! site's output in the captured 2.2/2.3 shapes, and a small HTTP server on 127.0.0.1:0.
//!
//! It depends only on std, tokio and serde_json and never on the crate under test, so the
//! stand-in cannot inherit the bugs it is meant to catch.

// Each test binary, bench and example uses a different subset of this module.
#![allow(dead_code)]

pub mod render;
pub mod roster;
pub mod site;
