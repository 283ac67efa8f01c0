//! The loaded files kept for the diagnostics: their text and span index,
//! so a diagnostic's JSON pointer becomes a line and column, and its source
//! line can be shown.

use super::spans::SpanIndex;
use crate::diagnostics::{self, Diagnostics};

/// The text and span index of every loaded file, for locating and rendering.
#[derive(Debug, Default)]
pub struct Sources {
    files: Vec<(String, String, SpanIndex)>,
}

impl Sources {
    /// Registers a file's display name, text and span index.
    pub fn add(&mut self, name: String, text: String, spans: SpanIndex) {
        self.files.push((name, text, spans));
    }

    fn get(&self, name: &str) -> Option<&(String, String, SpanIndex)> {
        self.files.iter().find(|(n, _, _)| n == name)
    }

    /// The display name of the file `rel` (a path relative to a spec root)
    /// and the line of `pointer` in it (of its nearest ancestor when the
    /// node itself is not written there).
    pub fn line_of(&self, rel: &str, pointer: &str) -> Option<(String, usize)> {
        let (name, _, spans) = self
            .files
            .iter()
            .rev()
            .find(|(n, _, _)| n == rel || n.ends_with(&format!("/{rel}")))?;
        Some((name.clone(), spans.position(pointer, true).line))
    }

    /// Fills in the position of every diagnostic that has none yet.
    pub fn locate(&self, diags: &mut Diagnostics) {
        for d in &mut diags.0 {
            if d.position.is_some() {
                continue;
            }
            if let Some((_, _, spans)) = self.get(&d.file) {
                d.position = Some(spans.position(&d.pointer, d.at_key));
            }
        }
    }

    /// Renders notes (what breaks nothing) with the source lines of these
    /// files ([`diagnostics::render_notes`]).
    pub fn render_notes(&self, notes: &Diagnostics) -> String {
        diagnostics::render_notes(notes, |name| {
            self.get(name).map(|(_, text, _)| text.as_str())
        })
    }

    /// Renders `diags` with the source lines of these files
    /// ([`diagnostics::render`]).
    pub fn render(&self, diags: &Diagnostics) -> String {
        diagnostics::render(diags, |name| {
            self.get(name).map(|(_, text, _)| text.as_str())
        })
    }
}
