//! Checks that need more than one file or the emitted output.

pub mod examples;
pub mod structure;
pub mod variants;
