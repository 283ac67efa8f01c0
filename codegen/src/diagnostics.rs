//! Diagnostics: what every phase reports, and how a frontend renders it.
//!
//! A phase never stops at the first problem: it pushes a [`Diagnostic`] and
//! carries on. A diagnostic names its file and a JSON pointer into that
//! file's YAML; the loader's `Sources` turn the pointer into line and column
//! when the diagnostics are rendered, so phases that work on plain data
//! (resolve, check) never handle positions themselves. This module knows
//! nothing of how files were read: [`render`] takes the text of a file by
//! name, so the loader depends on it and never the other way round.

use std::fmt;

use annotate_snippets::{AnnotationKind, Level, Renderer, Snippet};

/// One problem in the specs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The file, as displayed (relative to the current directory when possible).
    pub file: String,
    /// JSON pointer of the offending node in the file (`""` for the file).
    pub pointer: String,
    /// Whether the pointer names a key (so the key, not its value, is shown).
    pub at_key: bool,
    /// What is wrong.
    pub message: String,
    /// How to fix it, when we can tell.
    pub hint: Option<String>,
    /// Line and column (1-based), filled in by [`Sources::locate`] or set
    /// directly by the parser.
    pub position: Option<Position>,
}

/// A 1-based line and column plus the byte offset in the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// Byte offset of the position in the file.
    pub offset: usize,
}

impl Diagnostic {
    /// A diagnostic about the node at `pointer` in `file`.
    pub fn new(
        file: impl Into<String>,
        pointer: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Self {
            file: file.into(),
            pointer: pointer.into(),
            at_key: false,
            message: message.into(),
            hint: None,
            position: None,
        }
    }

    /// Adds a hint.
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Adds a hint when there is one.
    pub fn maybe_hint(mut self, hint: Option<String>) -> Self {
        self.hint = hint;
        self
    }

    /// Marks the pointer as naming a key rather than a value.
    pub fn on_key(mut self) -> Self {
        self.at_key = true;
        self
    }
}

impl fmt::Display for Diagnostic {
    /// One line: `file:line:col: error: message (hint)`; a long message
    /// is cut short.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.position {
            Some(p) => write!(
                f,
                "{}:{}:{}: error: {}",
                self.file,
                p.line,
                p.column,
                shorten(&self.message, MAX_MESSAGE)
            )?,
            None => write!(
                f,
                "{}: error: {}",
                self.file,
                shorten(&self.message, MAX_MESSAGE)
            )?,
        }
        if let Some(hint) = &self.hint {
            write!(f, " (hint: {hint})")?;
        }
        Ok(())
    }
}

/// The 1-based line and column (in characters) of byte `at` of `bytes`,
/// whose first `at` bytes are UTF-8 (anything else counts as one
/// character per replacement).
pub fn line_column(bytes: &[u8], at: usize) -> (usize, usize) {
    let before = bytes.get(..at).unwrap_or(bytes);
    let start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let column = String::from_utf8_lossy(&before[start..]).chars().count() + 1;
    (line, column)
}

/// A list of diagnostics, in the order they were found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    /// True when nothing was reported.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Adds one diagnostic.
    pub fn push(&mut self, d: Diagnostic) {
        self.0.push(d);
    }

    /// Number of diagnostics.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Sorts by file and position so output is stable whatever order the
    /// phases found problems in.
    pub fn sort(&mut self) {
        self.0.sort_by(|a, b| {
            let pa = a.position.map(|p| (p.line, p.column));
            let pb = b.position.map(|p| (p.line, p.column));
            (&a.file, pa, &a.message).cmp(&(&b.file, pb, &b.message))
        });
        self.0.dedup();
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for d in &self.0 {
            writeln!(f, "{d}")?;
        }
        Ok(())
    }
}

/// Renders diagnostics the way a compiler does: a header, the file
/// position, the offending source line (from `text_of`, by file name)
/// with a marker, and the hint.
/// The first [`MAX_RENDERED`] are shown, then how many more there were.
/// Each shows at most a window of its line, so rendering costs the same
/// whatever the size of the file or of the line.
pub fn render<'a>(diags: &Diagnostics, text_of: impl Fn(&str) -> Option<&'a str>) -> String {
    let mut out = render_each(diags, Level::ERROR, &text_of);
    let n = diags.len();
    if n > MAX_RENDERED {
        out.push_str(&format!(
            "note: {} more problems are not shown; fix these first\n",
            n - MAX_RENDERED
        ));
    }
    out.push_str(&format!(
        "error: {n} problem{} found in the specs\n",
        if n == 1 { "" } else { "s" }
    ));
    out
}

/// Renders notes (what breaks nothing) as [`render`] renders problems,
/// without the count.
pub fn render_notes<'a>(notes: &Diagnostics, text_of: impl Fn(&str) -> Option<&'a str>) -> String {
    render_each(notes, Level::NOTE, &text_of)
}

fn render_each<'a>(
    diags: &Diagnostics,
    level: Level<'_>,
    text_of: &impl Fn(&str) -> Option<&'a str>,
) -> String {
    let renderer = Renderer::plain();
    let mut out = String::new();
    for d in diags.0.iter().take(MAX_RENDERED) {
        let message = shorten(&d.message, MAX_MESSAGE);
        let title = level.clone().primary_title(message.as_ref());
        let mut group = match (text_of(&d.file), d.position) {
            (Some(text), Some(p)) => match line_of(text, p.offset) {
                Some((line, at)) => title.element(
                    Snippet::source(line)
                        .line_start(p.line)
                        .path(d.file.as_str())
                        .annotation(AnnotationKind::Primary.span(marker_range(line, at))),
                ),
                None => title.element(Level::NOTE.message(format!(
                    "at {}:{}:{} (the line is too long to show)",
                    d.file, p.line, p.column
                ))),
            },
            _ => title.element(Level::NOTE.message(format!("in {}", d.file))),
        };
        if let Some(hint) = &d.hint {
            group = group.element(Level::HELP.message(hint.as_str()));
        }
        out.push_str(&renderer.render(&[group]));
        out.push_str("\n\n");
    }
    out
}

/// How many diagnostics are rendered; the rest are counted.
pub const MAX_RENDERED: usize = 100;

/// How much of a message is shown: messages may quote a value of the spec,
/// which may be huge.
const MAX_MESSAGE: usize = 400;

/// Lines longer than this are not shown (only their position is).
const MAX_SHOWN_LINE: usize = 4096;

/// `text` cut to `max` bytes (at a character boundary) with `...`.
fn shorten(text: &str, max: usize) -> std::borrow::Cow<'_, str> {
    if text.len() <= max {
        return text.into();
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}...", &text[..end]).into()
}

/// The line holding `offset` and the offset within it; `None` when the
/// line is longer than [`MAX_SHOWN_LINE`]. At most that many bytes are
/// read on each side, so a diagnostic on a megabyte-long line costs no
/// more than one on a short line.
fn line_of(text: &str, offset: usize) -> Option<(&str, usize)> {
    let offset = offset.min(text.len());
    let bytes = text.as_bytes();
    let from = offset.saturating_sub(MAX_SHOWN_LINE);
    let start = match bytes[from..offset].iter().rposition(|&b| b == b'\n') {
        Some(i) => from + i + 1,
        None if from == 0 => 0,
        None => return None,
    };
    let to = (offset + MAX_SHOWN_LINE).min(text.len());
    let end = match bytes[offset..to].iter().position(|&b| b == b'\n') {
        Some(i) => offset + i,
        None if to == text.len() => to,
        None => return None,
    };
    if end - start > MAX_SHOWN_LINE {
        return None;
    }
    Some((text.get(start..end)?, offset - start))
}

/// The byte range to underline: the token at the offset. A quoted scalar
/// ends at its closing quote; a plain one (or a key) at `: `, or at `,`,
/// `}` or `]` inside a flow collection, or at the line end.
fn marker_range(text: &str, offset: usize) -> std::ops::Range<usize> {
    let offset = offset.min(text.len());
    let rest = &text[offset..];
    let line = rest.split('\n').next().unwrap_or_default().trim_end();
    if line.is_empty() {
        return offset..offset;
    }
    let end = match line.as_bytes()[0] {
        q @ (b'"' | b'\'') => line[1..].find(q as char).map_or(line.len(), |i| i + 2),
        b'{' | b'[' => line.len(),
        _ => {
            let mut end = line.len();
            for stop in [": ", ",", "}", "]"] {
                if let Some(i) = line.find(stop) {
                    end = end.min(i);
                }
            }
            if line.ends_with(':') {
                end = end.min(line.len() - 1);
            }
            end.max(1)
        }
    };
    offset..offset + end
}
