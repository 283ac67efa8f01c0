//! The integration suite, one test binary with a module per concern.
//!
//! Each integration test file used to be its own binary. Every one of them
//! linked the codegen, the client crate, reqwest, tokio and the jsonschema
//! crate statically, so 21 binaries took 3.4 GB of the target directory and
//! most of the link time, and a CI machine ran out of disk. One binary links
//! them once. Run one concern with `cargo test -p gatespec-tests --test suite
//! cli::`.

mod common;

mod architecture;
mod bad_input;
mod bad_specs;
mod browser;
mod cli;
mod client_network;
mod conform;
mod deadlines;
mod diagnostics_coverage;
mod diff;
mod differential;
mod doc_rules;
mod e2e;
mod edge_shapes;
mod examples;
mod faults;
mod features;
mod fidelity;
mod frontends;
mod general;
mod generated_api;
mod hostile_callbacks;
mod hostile_generate;
mod lifecycles;
mod name_stability;
mod new_method;
mod openapi;
mod redirect;
mod sandbox;
mod seeds;
mod staleness;
mod standalone;
mod validators;
