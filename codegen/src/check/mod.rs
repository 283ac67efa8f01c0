//! The checks before the IR: every file against the spec format
//! ([`structure`]) and brand variants expanded into copies ([`variants`]).
//! The check of examples runs on the IR and lives beside the interpreter
//! that applies their rules (`interpret::examples`).

pub mod structure;
pub mod variants;
