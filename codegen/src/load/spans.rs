//! Line and column of every node of a YAML file, keyed by JSON pointer.
//!
//! serde_yaml does not expose positions, so this module walks the event
//! stream of yaml-rust2 once and records where each key and each value
//! starts. Aliases are not followed: a pointer into an aliased node falls
//! back to its nearest recorded ancestor, which is still the right line.

use std::collections::HashMap;

use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::Marker;

use crate::diagnostics::Position;

/// Positions of keys and values by JSON pointer.
#[derive(Debug, Default, Clone)]
pub struct SpanIndex {
    keys: HashMap<String, Position>,
    values: HashMap<String, Position>,
    duplicates: Vec<(String, Position)>,
}

impl SpanIndex {
    /// Indexes `text`. A file the scanner cannot read yields an empty index
    /// (its syntax error is reported by the value parser).
    pub fn build(text: &str) -> Self {
        let mut builder = Builder {
            line_starts: line_starts(text),
            text,
            index: SpanIndex::default(),
            stack: Vec::new(),
        };
        let mut parser = Parser::new_from_str(text);
        // A scan error leaves the index partial, which is still useful.
        let _ = parser.load(&mut builder, false);
        builder.index
    }

    /// Keys that appear twice in one mapping (pointer, position of the
    /// second). The value parser keeps the last silently, so this is where
    /// such a mistake is caught.
    pub fn duplicates(&self) -> &[(String, Position)] {
        &self.duplicates
    }

    /// The position of the node at `pointer`: its key when `at_key` (or when
    /// the node is a mapping or sequence), else its value; falling back to
    /// the nearest ancestor, and to 1:1 for the root.
    pub fn position(&self, pointer: &str, at_key: bool) -> Position {
        let exact = if at_key {
            self.keys.get(pointer).or_else(|| self.values.get(pointer))
        } else {
            self.values.get(pointer).or_else(|| self.keys.get(pointer))
        };
        if let Some(pos) = exact {
            return *pos;
        }
        // An ancestor is best shown by its key: that is the line a person
        // looks for when the node itself is missing.
        let mut p = pointer;
        while let Some(i) = p.rfind('/') {
            p = &p[..i];
            if let Some(pos) = self.keys.get(p).or_else(|| self.values.get(p)) {
                return *pos;
            }
        }
        Position {
            line: 1,
            column: 1,
            offset: 0,
        }
    }
}

fn line_starts(text: &str) -> Vec<usize> {
    std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect()
}

/// Escapes a key for a JSON pointer (RFC 6901).
pub fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

enum Frame {
    /// A mapping: `pending` is the key whose value comes next, if any.
    Map {
        pointer: String,
        pending: Option<String>,
    },
    /// A sequence and the index of its next item.
    Seq { pointer: String, next: usize },
}

struct Builder<'a> {
    line_starts: Vec<usize>,
    text: &'a str,
    index: SpanIndex,
    stack: Vec<Frame>,
}

impl Builder<'_> {
    fn position(&self, mark: Marker) -> Position {
        // Markers count characters; convert to a byte offset via the line.
        let line = mark.line().max(1);
        let start = self
            .line_starts
            .get(line - 1)
            .copied()
            .unwrap_or(self.text.len());
        let line_text = &self.text[start..];
        let byte_col: usize = line_text.chars().take(mark.col()).map(char::len_utf8).sum();
        Position {
            line,
            column: mark.col() + 1,
            offset: start + byte_col,
        }
    }

    /// The pointer of the node that starts now, consuming its slot in the
    /// parent. Returns `None` when the node is a mapping key.
    fn next_node(&mut self, key_text: Option<&str>, pos: Position) -> Option<String> {
        match self.stack.last_mut() {
            None => Some(String::new()),
            Some(Frame::Seq { pointer, next }) => {
                let p = format!("{pointer}/{next}");
                *next += 1;
                Some(p)
            }
            Some(Frame::Map { pointer, pending }) => match pending.take() {
                Some(key) => Some(format!("{pointer}/{key}")),
                None => {
                    // This node is a key. Complex keys have no text; they are
                    // recorded under a placeholder so the value still pairs up.
                    let key = escape(key_text.unwrap_or("?"));
                    let p = format!("{pointer}/{key}");
                    match self.index.keys.entry(p) {
                        std::collections::hash_map::Entry::Occupied(e) => {
                            self.index.duplicates.push((e.key().clone(), pos));
                        }
                        std::collections::hash_map::Entry::Vacant(e) => {
                            e.insert(pos);
                        }
                    }
                    *pending = Some(key);
                    None
                }
            },
        }
    }
}

impl MarkedEventReceiver for Builder<'_> {
    fn on_event(&mut self, ev: Event, mark: Marker) {
        let pos = self.position(mark);
        match ev {
            Event::Scalar(text, ..) => {
                if let Some(p) = self.next_node(Some(&text), pos) {
                    self.index.values.entry(p).or_insert(pos);
                }
            }
            Event::Alias(_) => {
                if let Some(p) = self.next_node(None, pos) {
                    self.index.values.entry(p).or_insert(pos);
                }
            }
            Event::MappingStart(..) => {
                let p = self.next_node(None, pos).unwrap_or_default();
                self.index.values.entry(p.clone()).or_insert(pos);
                self.stack.push(Frame::Map {
                    pointer: p,
                    pending: None,
                });
            }
            Event::SequenceStart(..) => {
                let p = self.next_node(None, pos).unwrap_or_default();
                self.index.values.entry(p.clone()).or_insert(pos);
                self.stack.push(Frame::Seq {
                    pointer: p,
                    next: 0,
                });
            }
            Event::MappingEnd | Event::SequenceEnd => {
                self.stack.pop();
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_and_values_are_located() {
        let text = "a:\n  b: 1\n  list:\n    - x\n    - {c: \"é\", d: 2}\n";
        let idx = SpanIndex::build(text);
        assert_eq!(idx.position("/a/b", true).line, 2);
        assert_eq!(idx.position("/a/b", true).column, 3);
        assert_eq!(idx.position("/a/b", false).column, 6);
        assert_eq!(idx.position("/a/list/1", false).line, 5);
        let d = idx.position("/a/list/1/d", true);
        assert_eq!((d.line, d.column), (5, 16));
        // The byte offset accounts for the two-byte character before it.
        assert_eq!(&text[d.offset..d.offset + 1], "d");
        assert!(idx.duplicates().is_empty());
        let dup = SpanIndex::build("a: 1\nb:\n  c: 1\n  c: 2\n");
        assert_eq!(dup.duplicates().len(), 1);
        assert_eq!(
            (dup.duplicates()[0].0.as_str(), dup.duplicates()[0].1.line),
            ("/b/c", 4)
        );
        // Unknown pointers fall back to the nearest ancestor.
        assert_eq!(idx.position("/a/list/7/zz", false).line, 3);
    }
}
