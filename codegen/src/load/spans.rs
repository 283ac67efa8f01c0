//! Line and column of every node of a YAML file, keyed by JSON pointer.
//!
//! serde_yaml does not expose positions, so this module walks the event
//! stream of yaml-rust2 once and records where each key and each value
//! starts. Aliases are not followed: a pointer into an aliased node falls
//! back to its nearest recorded ancestor, which is still the right line.
//!
//! The same pass bounds what the value parser would be asked to build:
//! nesting deeper than [`MAX_DEPTH`] and aliases that would expand past
//! [`MAX_NODES`] nodes (a "billion laughs" file is a few kilobytes) stop it
//! with a [`Limit`], and the file is then not parsed into a value at all.
//! Every step is linear in the text: positions are found from the
//! parser's character index with a cursor that only moves forward.

/// Nesting deeper than this is not a spec.
pub const MAX_DEPTH: usize = 64;

/// More nodes than this, counting each alias as the nodes it stands for,
/// is not a spec (the real ones have a few thousand).
pub const MAX_NODES: usize = 1_000_000;

/// A bound the file exceeds, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limit {
    /// What was exceeded.
    pub message: String,
    /// Where the pass stopped.
    pub position: Position,
}

use std::collections::HashMap;

use yaml_rust2::parser::{Event, Parser};
use yaml_rust2::scanner::Marker;

use crate::diagnostics::Position;

/// Positions of keys and values by JSON pointer.
#[derive(Debug, Default, Clone)]
pub struct SpanIndex {
    keys: HashMap<String, Position>,
    values: HashMap<String, Position>,
    duplicates: Vec<(String, Position)>,
    limit: Option<Limit>,
}

impl SpanIndex {
    /// Indexes `text`. A file the scanner cannot read yields an empty index
    /// (its syntax error is reported by the value parser).
    pub fn build(text: &str) -> Self {
        let mut builder = Builder {
            text,
            cursor: Cursor::default(),
            index: SpanIndex::default(),
            stack: Vec::new(),
            nodes: 0,
            anchors: HashMap::new(),
            open: Vec::new(),
        };
        let mut parser = Parser::new_from_str(text);
        // A scan error leaves the index partial, which is still useful
        // (the value parser reports the error itself).
        loop {
            let (event, mark) = match parser.next_token() {
                Ok(next) => next,
                // The scanner's own nesting bound (flow collections): past
                // it the value parser takes time quadratic in the depth.
                Err(e) if e.info().contains("recursion limit") => {
                    let pos = builder.position(*e.marker());
                    builder.index.limit = Some(Limit {
                        message: format!("the file nests deeper than {MAX_DEPTH} levels"),
                        position: pos,
                    });
                    break;
                }
                Err(_) => break,
            };
            if matches!(event, Event::StreamEnd | Event::DocumentEnd) {
                break;
            }
            if let Err(limit) = builder.on_event(event, mark) {
                builder.index.limit = Some(limit);
                break;
            }
        }
        builder.index
    }

    /// The bound the file exceeds, if any: the file must not be parsed
    /// into a value.
    pub fn limit(&self) -> Option<&Limit> {
        self.limit.as_ref()
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

/// Escapes a key for a JSON pointer (RFC 6901).
pub fn escape(key: &str) -> String {
    gatespec_runtime::pointer::token(key).into_owned()
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

/// A character index and the byte offset where that character starts.
#[derive(Default, Clone, Copy)]
struct Cursor {
    chars: usize,
    bytes: usize,
}

struct Builder<'a> {
    text: &'a str,
    /// Where the last position was found: events come in text order, so
    /// the next one is found from here, and the whole pass reads the text
    /// once.
    cursor: Cursor,
    index: SpanIndex,
    stack: Vec<Frame>,
    /// Nodes so far, each alias counted as the nodes of its anchor.
    nodes: usize,
    /// Nodes of each anchored node, by anchor id.
    anchors: HashMap<usize, usize>,
    /// For each open collection: its anchor id and the node count at its
    /// start.
    open: Vec<(usize, usize)>,
}

impl Builder<'_> {
    fn position(&mut self, mark: Marker) -> Position {
        // Markers count characters; the byte offset comes from the cursor,
        // moved forward (or, should a marker ever go back, from the start).
        let target = mark.index();
        if target < self.cursor.chars {
            self.cursor = Cursor::default();
        }
        let rest = self.text.get(self.cursor.bytes..).unwrap_or_default();
        let step: usize = rest
            .chars()
            .take(target - self.cursor.chars)
            .map(char::len_utf8)
            .sum();
        self.cursor = Cursor {
            chars: target,
            bytes: self.cursor.bytes + step,
        };
        Position {
            line: mark.line().max(1),
            column: mark.col() + 1,
            offset: self.cursor.bytes,
        }
    }

    /// Counts `n` more nodes, failing past [`MAX_NODES`].
    fn count(&mut self, n: usize, pos: Position) -> Result<(), Limit> {
        self.nodes = self.nodes.saturating_add(n);
        if self.nodes > MAX_NODES {
            return Err(Limit {
                message: format!(
                    "the file expands to more than {MAX_NODES} nodes (aliases count as the nodes they repeat)"
                ),
                position: pos,
            });
        }
        Ok(())
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

impl Builder<'_> {
    fn on_event(&mut self, ev: Event, mark: Marker) -> Result<(), Limit> {
        let pos = self.position(mark);
        match ev {
            Event::Scalar(text, _, anchor, _) => {
                self.count(1, pos)?;
                if anchor != 0 {
                    self.anchors.insert(anchor, 1);
                }
                if let Some(p) = self.next_node(Some(&text), pos) {
                    self.index.values.entry(p).or_insert(pos);
                }
            }
            Event::Alias(anchor) => {
                let size = self.anchors.get(&anchor).copied().unwrap_or(1);
                self.count(size, pos)?;
                if let Some(p) = self.next_node(None, pos) {
                    self.index.values.entry(p).or_insert(pos);
                }
            }
            Event::MappingStart(anchor, _) | Event::SequenceStart(anchor, _) => {
                if self.stack.len() >= MAX_DEPTH {
                    return Err(Limit {
                        message: format!("the file nests deeper than {MAX_DEPTH} levels"),
                        position: pos,
                    });
                }
                self.count(1, pos)?;
                self.open.push((anchor, self.nodes));
                let is_map = matches!(ev, Event::MappingStart(..));
                let p = self.next_node(None, pos).unwrap_or_default();
                self.index.values.entry(p.clone()).or_insert(pos);
                self.stack.push(if is_map {
                    Frame::Map {
                        pointer: p,
                        pending: None,
                    }
                } else {
                    Frame::Seq {
                        pointer: p,
                        next: 0,
                    }
                });
            }
            Event::MappingEnd | Event::SequenceEnd => {
                self.stack.pop();
                if let Some((anchor, start)) = self.open.pop()
                    && anchor != 0
                {
                    self.anchors.insert(anchor, self.nodes - start + 1);
                }
            }
            _ => {}
        }
        Ok(())
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
        assert_eq!(idx.limit(), None);
    }

    #[test]
    fn alias_bombs_and_deep_nesting_stop_the_pass() {
        // Ten levels of ten aliases each: 10^10 nodes from a few lines.
        let mut bomb = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..10 {
            let p = i - 1;
            bomb.push_str(&format!(
                "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
            ));
        }
        let idx = SpanIndex::build(&bomb);
        let limit = idx.limit().expect("stopped");
        assert!(limit.message.contains("nodes"), "{limit:?}");
        // A few aliases of a small anchor are fine.
        let ok = SpanIndex::build("a: &x [1, 2]\nb: [*x, *x]\n");
        assert_eq!(ok.limit(), None);
        let deep = format!("x: {}1{}", "[".repeat(100), "]".repeat(100));
        let limit = SpanIndex::build(&deep).limit().cloned().expect("stopped");
        assert!(limit.message.contains("nests deeper"), "{limit:?}");
        assert_eq!((limit.position.line, limit.position.column), (1, 67));
    }
}
