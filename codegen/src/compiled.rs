//! What compiling a spec set gives: the IR with its type space, or every
//! problem, rendered. Emitters and `diff` take a [`Compiled`]; it sits
//! below them (and below the crate root, which builds it), so no stage
//! imports the root.

use std::path::PathBuf;

use crate::diagnostics::Diagnostics;
use crate::{ir, typespace};

/// A spec set that loaded and checked cleanly.
#[derive(Debug, Clone)]
pub struct Compiled {
    /// The resolved specs.
    pub ir: ir::Ir,
    /// The shared types of the specs and their names, built once here and
    /// read by every emitter and by `diff`.
    pub types: typespace::TypeSpace,
    /// The name lock the specs came with (empty without one).
    pub lock: typespace::Lock,
    /// Every file read (for rebuild tracking).
    pub paths: Vec<PathBuf>,
    /// The text and positions of every spec file, so a later stage (`diff`)
    /// can say which line something comes from.
    pub sources: std::sync::Arc<crate::load::Sources>,
    /// What `check` says that breaks nothing (an interface the overview
    /// lists and no operation describes), located.
    pub notes: Diagnostics,
}

impl Compiled {
    /// The operations `selectors` choose (see [`ir::Ir::select`]), with
    /// the type space of that selection (a type two selected methods no
    /// longer share moves into the one that uses it).
    pub fn select(&self, selectors: &[String]) -> Result<Compiled, String> {
        if selectors.is_empty() {
            return Ok(self.clone());
        }
        let ir = self.ir.select(selectors)?;
        Ok(Compiled {
            types: typespace::TypeSpace::build(&ir, &self.lock),
            ir,
            lock: self.lock.clone(),
            sources: self.sources.clone(),
            notes: self.notes.clone(),
            paths: self.paths.clone(),
        })
    }
}

impl Compiled {
    /// The notes rendered as diagnostics are, each with its file, line and
    /// source line; empty without notes.
    pub fn rendered_notes(&self) -> String {
        if self.notes.is_empty() {
            return String::new();
        }
        self.sources.render_notes(&self.notes)
    }
}

/// A spec set with problems: all of them, located, and rendered.
#[derive(Debug)]
pub struct Failure {
    /// The problems, sorted by file and position.
    pub diagnostics: Diagnostics,
    /// The problems rendered with file:line:column and source lines.
    pub rendered: String,
}
