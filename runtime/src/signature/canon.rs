//! The signed text under construction, and its order.
//!
//! Every `path:value` pair is written into one buffer and remembered by
//! range: canonicalizing costs a few buffers that grow, not one allocation
//! per pair.

use std::cmp::Ordering;

use super::ambiguity::{Ambiguity, AmbiguityKind, pointer};

/// One `path:value` pair: `buf[start..end]`.
#[derive(Clone, Copy)]
struct Pair {
    /// The pair's first sixteen bytes, big-endian and zero-padded. Most
    /// pairs differ there, so sorting mostly compares integers; the
    /// padding puts a string before its extensions, and ties go to the
    /// whole strings.
    head: u128,
    start: usize,
    end: usize,
}

/// The top-level `signature` string of a document.
pub(super) enum Signature {
    /// `text[start..end]` of the JSON text walked: the scanner's find,
    /// which has no escapes and so needs no copy.
    In(std::ops::Range<usize>),
    /// As serde_json read it.
    Owned(String),
}

impl Signature {
    /// The signature, given the JSON text that was walked.
    pub(super) fn in_text<'a>(&'a self, text: &'a [u8]) -> &'a [u8] {
        match self {
            Signature::In(range) => text.get(range.clone()).unwrap_or_default(),
            Signature::Owned(s) => s.as_bytes(),
        }
    }
}

/// The pairs of a document, and the path to the value being walked.
#[derive(Default)]
pub(super) struct Canon {
    /// Bytes, not a `String`: the scanner's pieces are UTF-8 by its own
    /// check, and asking `str` to check each piece again cost more than
    /// that check.
    buf: Vec<u8>,
    pairs: Vec<Pair>,
    path: Vec<u8>,
    /// The top-level `signature` string, when the walk met one.
    pub(super) signature: Option<Signature>,
    /// Whether the top level is an object.
    pub(super) root_is_object: bool,
    /// The first feature that makes the document ambiguous, if any.
    pub(super) ambiguity: Option<Ambiguity>,
    /// Whether `general` holds a `signature` member (a request's).
    pub(super) general_signature: bool,
    /// The pointer of the first other `signature` member below the top
    /// level, if any.
    pub(super) misplaced_signature: Option<String>,
}

impl Canon {
    /// Buffers sized for a document of `n` bytes. The signed text is about
    /// as long as the JSON; staying under a kilobyte or so where that is
    /// enough keeps the allocation on the allocator's fast path.
    pub(super) fn with_capacity(n: usize) -> Self {
        Canon {
            buf: Vec::with_capacity(n + n / 4 + 32),
            pairs: Vec::with_capacity(32),
            path: Vec::with_capacity(64),
            ..Canon::default()
        }
    }

    /// Adds the pair of the scalar at the current path.
    #[inline]
    pub(super) fn scalar(&mut self, text: &str) {
        self.scalar_bytes(text.as_bytes());
    }

    /// Adds the pair of a scalar given as UTF-8 bytes.
    #[inline]
    pub(super) fn scalar_bytes(&mut self, text: &[u8]) {
        let start = self.buf.len();
        self.buf.extend_from_slice(&self.path);
        self.buf.push(b':');
        self.buf.extend_from_slice(text);
        // The head is filled in by `sort`, in one pass over all pairs.
        self.pairs.push(Pair {
            head: 0,
            start,
            end: self.buf.len(),
        });
    }

    /// Enters a member (an object key or an array index); returns what
    /// [`Canon::leave`] needs.
    #[inline]
    pub(super) fn enter(&mut self, key: &str) -> usize {
        self.enter_bytes(key.as_bytes())
    }

    /// Enters a member whose key is given as UTF-8 bytes.
    #[inline]
    pub(super) fn enter_bytes(&mut self, key: &[u8]) -> usize {
        let len = self.path.len();
        if len > 0 {
            self.path.push(b':');
        }
        self.path.extend_from_slice(key);
        len
    }

    /// Records an ambiguity at member `key` of the current path, unless
    /// one was found already (the first is reported).
    #[cold]
    pub(super) fn ambiguous(&mut self, kind: AmbiguityKind, key: &[u8]) {
        if self.ambiguity.is_none() {
            self.ambiguity = Some(Ambiguity {
                kind,
                pointer: pointer(&self.path, key),
            });
        }
    }

    /// Records an ambiguity at the current path itself (an empty container
    /// below the top level).
    #[cold]
    pub(super) fn ambiguous_here(&mut self, kind: AmbiguityKind) {
        if self.ambiguity.is_none() && !self.path.is_empty() {
            let (parent, last) = match self.path.iter().rposition(|&b| b == b':') {
                Some(i) => (&self.path[..i], &self.path[i + 1..]),
                None => (&[][..], &self.path[..]),
            };
            self.ambiguity = Some(Ambiguity {
                kind,
                pointer: pointer(parent, last),
            });
        }
    }

    /// Whether an ambiguity was found.
    pub(super) fn is_ambiguous(&self) -> bool {
        self.ambiguity.is_some()
    }

    /// Records a `signature` member of the object at the current path,
    /// below the top level: a request's in `general` (no allocation; every
    /// request has one), any other by its pointer.
    #[inline]
    pub(super) fn nested_signature(&mut self) {
        if self.path == b"general" {
            self.general_signature = true;
        } else if self.misplaced_signature.is_none() {
            self.misplaced_signature = Some(pointer(&self.path, b"signature"));
        }
    }

    /// Leaves the member entered last.
    #[inline]
    pub(super) fn leave(&mut self, len: usize) {
        self.path.truncate(len);
    }

    /// The signed text: the pairs in order, joined with `;`.
    pub(super) fn text(&mut self) -> Vec<u8> {
        let len = self.buf.len() + self.pairs.len().saturating_sub(1);
        let mut text = Vec::with_capacity(len);
        for (i, pair) in self.sorted().enumerate() {
            if i > 0 {
                text.push(b';');
            }
            text.extend_from_slice(pair);
        }
        text
    }

    /// The pairs in order.
    pub(super) fn sorted(&mut self) -> impl Iterator<Item = &[u8]> {
        self.sort();
        self.pairs.iter().map(|p| &self.buf[p.start..p.end])
    }

    fn sort(&mut self) {
        let buf = &self.buf;
        for pair in &mut self.pairs {
            let len = pair.end - pair.start;
            // Sixteen bytes read as one word where the buffer has them
            // (the next pair follows), the bytes past the pair masked off:
            // assembled byte by byte on the stack, the word waited for
            // the stores to land.
            pair.head = match buf.get(pair.start..pair.start + 16) {
                Some(word) => {
                    let word = u128::from_be_bytes(word.try_into().unwrap_or_default());
                    match len {
                        16.. => word,
                        _ => word & !(u128::MAX >> (8 * len)),
                    }
                }
                None => {
                    let mut head = [0; 16];
                    for (h, b) in head.iter_mut().zip(&buf[pair.start..pair.end]) {
                        *h = *b;
                    }
                    u128::from_be_bytes(head)
                }
            };
        }
        // Heads decide nearly every comparison, and comparing integers
        // alone is much faster; pairs whose heads tie are then put in
        // order by their whole strings.
        self.pairs.sort_unstable_by_key(|pair| pair.head);
        let mut i = 0;
        while i < self.pairs.len() {
            let head = self.pairs[i].head;
            let tied = self.pairs[i..]
                .iter()
                .take_while(|p| p.head == head)
                .count();
            if tied > 1 {
                self.pairs[i..i + tied].sort_unstable_by(|x, y| {
                    byte_order(&buf[x.start..x.end], &buf[y.start..y.end])
                });
            }
            i += tied;
        }
    }
}

/// Byte order of two strings, eight bytes at a time.
pub(super) fn byte_order(a: &[u8], b: &[u8]) -> Ordering {
    let common = a.len().min(b.len());
    let mut i = 0;
    while i + 8 <= common {
        let x = u64::from_be_bytes(a[i..i + 8].try_into().unwrap_or([0; 8]));
        let y = u64::from_be_bytes(b[i..i + 8].try_into().unwrap_or([0; 8]));
        if x != y {
            return x.cmp(&y);
        }
        i += 8;
    }
    a[i..].cmp(&b[i..])
}
