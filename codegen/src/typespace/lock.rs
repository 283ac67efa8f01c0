//! The name lock (`specs/names.lock`): every public name of a generated
//! type (its Rust path and its name in the schemas and OpenAPI documents),
//! by the type's identity. `generate` keeps the names it holds and records
//! new ones; a name changes only when someone edits the lock.

use std::collections::BTreeMap;

use serde::Deserialize;

/// The file's name, at the root of the spec directory.
pub use crate::load::LOCK_FILE as FILE;

/// One type's names.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// The Rust path in the client crate (`monetix::types::General`).
    pub rust: String,
    /// The name in the brand's schemas and OpenAPI components.
    pub schema: String,
}

/// Every locked name, by brand and identity.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lock {
    /// The brands' entries.
    #[serde(default)]
    pub brands: BTreeMap<String, BTreeMap<String, Entry>>,
}

/// A name the specs alone would give differently than the lock does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rename {
    /// The brand.
    pub brand: String,
    /// The type's identity (the lock's key).
    pub identity: String,
    /// The Rust name the lock keeps.
    pub kept: String,
    /// The Rust name the specs give.
    pub derived: String,
    /// The schema name the lock keeps.
    pub kept_schema: String,
    /// The schema name the specs give.
    pub derived_schema: String,
}

impl Lock {
    /// Reads a lock; the error has the line and column it was found at.
    pub fn parse(text: &str) -> Result<Lock, (usize, usize, String)> {
        if text.trim().is_empty() || text.lines().all(|l| l.trim_start().starts_with('#')) {
            return Ok(Lock::default());
        }
        serde_yaml::from_str(text).map_err(|e| {
            let (line, column) = e
                .location()
                .map(|l| (l.line(), l.column()))
                .unwrap_or((1, 1));
            (line, column, e.to_string())
        })
    }

    /// The Rust name the lock holds for a type (the path's last segment).
    pub fn rust_name(&self, brand: &str, identity: &str) -> Option<&str> {
        let e = self.brands.get(brand)?.get(identity)?;
        e.rust.rsplit("::").next().filter(|n| !n.is_empty())
    }

    /// The schema name the lock holds for a type.
    pub fn schema_name(&self, brand: &str, identity: &str) -> Option<&str> {
        let e = self.brands.get(brand)?.get(identity)?;
        Some(e.schema.as_str()).filter(|n| !n.is_empty())
    }

    /// The lock's text: sorted, one line per type, so a change is one line
    /// of a review.
    pub fn render(&self) -> String {
        let mut out = String::from(
            "# gatespec's name lock: the public name of every generated type, by what the\n# type is. `generate` keeps these names and adds new types; to rename a type\n# on purpose, edit its line (or delete it to take the name the specs give).\n# `gatespec check` lists the names the specs would now give differently.\nbrands:\n",
        );
        for (brand, entries) in &self.brands {
            out.push_str(&format!("  {brand}:\n"));
            for (id, e) in entries {
                out.push_str(&format!(
                    "    {}: {{rust: {}, schema: {}}}\n",
                    quoted(id),
                    e.rust,
                    e.schema
                ));
            }
        }
        out
    }
}

fn quoted(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rendered_lock_reads_back_the_same() {
        let mut lock = Lock::default();
        lock.brands.entry("monetix".into()).or_default().insert(
            "smp-p2p-kz:payout.request:account".into(),
            Entry {
                rust: "monetix::smp_p2p_kz::types::Account".into(),
                schema: "SmpP2pKzAccount".into(),
            },
        );
        let text = lock.render();
        assert_eq!(Lock::parse(&text), Ok(lock.clone()));
        assert_eq!(
            lock.rust_name("monetix", "smp-p2p-kz:payout.request:account"),
            Some("Account")
        );
    }

    #[test]
    fn a_broken_lock_is_reported_with_its_place() {
        let err = Lock::parse("brands:\n  monetix: [1, 2\n").unwrap_err();
        assert!(err.0 >= 2, "{err:?}");
    }
}
