//! The fast path of the canonical walk over JSON text.
//!
//! Walking JSON text through serde_json's visitor costs about a third of
//! the HMAC for a callback, which alone puts verification past 1.5 times
//! its floor (measured by `tests/benches/sign.rs`; serde_json was the
//! fastest of serde_json, sonic-rs and jiter for this walk). Signed
//! documents are plain: keys and values without escapes, integers, a few
//! literals. This scanner handles exactly that shape, strictly, and gives
//! up on everything else: an escape, a number with a fraction, an exponent
//! or more than 15 digits, an empty container below the top level, `-0`, deep nesting, and any syntax error. The
//! caller then walks the whole text with serde_json, which has the final
//! word on what the text is. Whatever this scanner accepts, serde_json
//! accepts too and walks into the same pairs; a differential property test
//! (`the_scanner_agrees_with_serde_json` in `signature.rs`) holds it to that.
//!
//! The scanner reads bytes. Outside strings, anything past ASCII is a
//! syntax error; inside, it marks the document, and a marked document is
//! checked for UTF-8 once at the end. Plain-ASCII documents, nearly all of
//! them, are never checked twice.

use super::ambiguity::AmbiguityKind;
use super::canon::{Canon, Signature};

/// The scanner met something it leaves to serde_json.
#[derive(Debug)]
pub(super) struct GiveUp;

/// Nesting beyond this is left to serde_json and its own limit.
const MAX_DEPTH: usize = 64;

/// Objects with more members are left to serde_json's walk, which finds
/// duplicates with a hash set; up to this many, comparing each key with
/// the ones before it is cheaper.
const MAX_KEYS: usize = 32;

/// The keys of all open objects together; a document with more is left to
/// serde_json. A fixed array on the stack: a vector that grows would cost
/// allocations on every walk.
const MAX_OPEN_KEYS: usize = 48;

/// Walks `text` into `canon`; on [`GiveUp`], `canon` holds a partial walk
/// and must be discarded.
pub(super) fn scan(text: &[u8], canon: &mut Canon) -> Result<(), GiveUp> {
    let mut s = Scanner {
        text,
        pos: 0,
        non_ascii: false,
        keys: [Key::default(); MAX_OPEN_KEYS],
        open_keys: 0,
    };
    s.space();
    if s.peek() == Some(b'{') {
        canon.root_is_object = true;
    }
    s.value(canon, 0, Mode::Record)?;
    s.space();
    // Bytes past ASCII can only be in strings; checking the document once
    // when there are any is cheaper than checking every document.
    if s.pos == text.len() && (!s.non_ascii || std::str::from_utf8(text).is_ok()) {
        Ok(())
    } else {
        Err(GiveUp)
    }
}

/// What becomes of a value.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Its pairs are signed.
    Record,
    /// It is a `signature` member below the top level: checked, not signed.
    Skip,
    /// It is the top-level `signature`: kept if it is a string.
    Signature,
}

struct Scanner<'t> {
    text: &'t [u8],
    pos: usize,
    /// Whether a string had a byte past ASCII.
    non_ascii: bool,
    /// The keys of the objects being read, innermost last, as ranges of
    /// the text: duplicates are left to serde_json's walk, which reports
    /// them.
    keys: [Key; MAX_OPEN_KEYS],
    /// How many entries of `keys` are in use.
    open_keys: usize,
}

impl<'t> Scanner<'t> {
    fn peek(&self) -> Option<u8> {
        self.text.get(self.pos).copied()
    }

    fn space(&mut self) {
        while let Some(b' ' | b'\n' | b'\r' | b'\t') = self.peek() {
            self.pos += 1;
        }
    }

    /// Consumes `byte` after optional whitespace.
    fn expect(&mut self, byte: u8) -> Result<(), GiveUp> {
        self.space();
        if self.peek() == Some(byte) {
            self.pos += 1;
            Ok(())
        } else {
            Err(GiveUp)
        }
    }

    /// A string without escapes, the opening quote next. A key (`KEY`)
    /// holding `:` or `;` is given up on in the same pass, for serde_json's
    /// walk to report.
    fn string<const KEY: bool>(&mut self) -> Result<&'t [u8], GiveUp> {
        let bytes = self.text;
        let start = self.pos + 1;
        let mut end = start;
        loop {
            // Eight bytes at a time up to the first byte that needs a look.
            while let Some(chunk) = bytes.get(end..end + 8) {
                let word = u64::from_le_bytes(chunk.try_into().unwrap_or_default());
                let found = needs_a_look(word) | if KEY { separators(word) } else { 0 };
                if found != 0 {
                    end += found.trailing_zeros() as usize / 8;
                    break;
                }
                end += 8;
            }
            match bytes.get(end) {
                Some(b'"') => {
                    self.pos = end + 1;
                    return bytes.get(start..end).ok_or(GiveUp);
                }
                // Raw control characters are not JSON; a backslash is an
                // escape.
                Some(b'\\' | 0..=0x1f) | None => return Err(GiveUp),
                Some(b':' | b';') if KEY => return Err(GiveUp),
                Some(0x80..) => {
                    self.non_ascii = true;
                    end += 1;
                }
                // Within the last eight bytes, one byte at a time.
                Some(_) => end += 1,
            }
        }
    }

    /// An integer that serde_json reads as an `i64` or `u64` and writes
    /// back with the same digits.
    fn integer(&mut self) -> Result<&'t [u8], GiveUp> {
        let bytes = self.text;
        let start = self.pos;
        let mut end = start;
        if bytes.get(end) == Some(&b'-') {
            end += 1;
        }
        let digits = end;
        while let Some(b'0'..=b'9') = bytes.get(end) {
            end += 1;
        }
        let n = end - digits;
        let plain = match bytes.get(digits) {
            // `0` alone; `-0` is a float to serde_json, `01` is not JSON.
            Some(b'0') => n == 1 && digits == start,
            // Fifteen digits stay below 2^53; longer integers go to the
            // walk that checks their range.
            Some(b'1'..=b'9') => n <= 15,
            _ => false,
        };
        if !plain || matches!(bytes.get(end), Some(b'.' | b'e' | b'E')) {
            return Err(GiveUp);
        }
        self.pos = end;
        bytes.get(start..end).ok_or(GiveUp)
    }

    fn literal(&mut self, word: &[u8]) -> Result<(), GiveUp> {
        if self
            .text
            .get(self.pos..)
            .is_some_and(|rest| rest.starts_with(word))
        {
            self.pos += word.len();
            Ok(())
        } else {
            Err(GiveUp)
        }
    }

    fn value(&mut self, canon: &mut Canon, depth: usize, mode: Mode) -> Result<(), GiveUp> {
        self.space();
        let text = match self.peek().ok_or(GiveUp)? {
            b'{' => return self.object(canon, depth, mode),
            b'[' => return self.array(canon, depth, mode),
            b'"' => {
                let start = self.pos + 1;
                let s = self.string::<false>()?;
                if mode == Mode::Signature {
                    canon.signature = Some(Signature::In(start..start + s.len()));
                    return Ok(());
                }
                s
            }
            b't' => self.literal(b"true").map(|()| b"1".as_slice())?,
            b'f' => self.literal(b"false").map(|()| b"0".as_slice())?,
            b'n' => self.literal(b"null").map(|()| b"".as_slice())?,
            _ => self.integer()?,
        };
        match mode {
            Mode::Record => canon.scalar_bytes(text),
            Mode::Signature => not_a_string(canon),
            Mode::Skip => {}
        }
        Ok(())
    }

    /// Opens an object or array at `depth`; returns whether its members
    /// are empty (the closing bracket already consumed) and whether they
    /// are signed.
    fn open(
        &mut self,
        canon: &mut Canon,
        depth: usize,
        mode: Mode,
        close: u8,
    ) -> Result<(bool, bool), GiveUp> {
        if depth >= MAX_DEPTH {
            return Err(GiveUp);
        }
        self.pos += 1;
        if mode == Mode::Signature {
            not_a_string(canon);
        }
        self.space();
        let empty = self.peek() == Some(close);
        if empty {
            self.pos += 1;
        }
        Ok((empty, mode == Mode::Record))
    }

    /// After a member: `true` at a comma, `false` at the closing bracket.
    fn more(&mut self, close: u8) -> Result<bool, GiveUp> {
        self.space();
        match self.peek() {
            Some(b',') => {
                self.pos += 1;
                Ok(true)
            }
            Some(b) if b == close => {
                self.pos += 1;
                Ok(false)
            }
            _ => Err(GiveUp),
        }
    }

    fn object(&mut self, canon: &mut Canon, depth: usize, mode: Mode) -> Result<(), GiveUp> {
        let (empty, record) = self.open(canon, depth, mode, b'}')?;
        if empty {
            // An empty object below the top level is ambiguous: the walk
            // through serde_json names it.
            return if depth > 0 && record {
                Err(GiveUp)
            } else {
                Ok(())
            };
        }
        let base = self.open_keys;
        loop {
            self.space();
            if self.peek() != Some(b'"') {
                return Err(GiveUp);
            }
            let start = self.pos + 1;
            let key = self.string::<true>()?;
            // Ambiguous documents are rare and hostile; serde_json's walk
            // names what is wrong with them.
            let text = self.text;
            let this = Key::of(text, start, key.len())?;
            let siblings = &self.keys[base..self.open_keys];
            if siblings.len() >= MAX_KEYS
                || self.open_keys >= MAX_OPEN_KEYS
                || siblings.iter().any(|k| k.same(&this, text))
            {
                return Err(GiveUp);
            }
            self.keys[self.open_keys] = this;
            self.open_keys += 1;
            self.expect(b':')?;
            if key == b"signature" {
                let mode = if depth == 0 && record {
                    Mode::Signature
                } else {
                    if record {
                        canon.nested_signature();
                    }
                    Mode::Skip
                };
                self.value(canon, depth + 1, mode)?;
            } else if record {
                let member = canon.enter_bytes(key);
                self.value(canon, depth + 1, Mode::Record)?;
                canon.leave(member);
            } else {
                self.value(canon, depth + 1, Mode::Skip)?;
            }
            if !self.more(b'}')? {
                self.open_keys = base;
                return Ok(());
            }
        }
    }

    fn array(&mut self, canon: &mut Canon, depth: usize, mode: Mode) -> Result<(), GiveUp> {
        let (empty, record) = self.open(canon, depth, mode, b']')?;
        if empty {
            return if depth > 0 && record {
                Err(GiveUp)
            } else {
                Ok(())
            };
        }
        let mut index = itoa::Buffer::new();
        for i in 0usize.. {
            if record {
                let member = canon.enter_bytes(index.format(i).as_bytes());
                self.value(canon, depth + 1, Mode::Record)?;
                canon.leave(member);
            } else {
                self.value(canon, depth + 1, Mode::Skip)?;
            }
            if !self.more(b']')? {
                break;
            }
        }
        Ok(())
    }
}

/// The high bit of each byte of `word` that is `:` or `;` (exact for the
/// lowest one, as in [`needs_a_look`]).
fn separators(word: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let zero = |x: u64| x.wrapping_sub(ONES) & !x & HIGH;
    zero(word ^ (ONES * u64::from(b':'))) | zero(word ^ (ONES * u64::from(b';')))
}

/// A key of an open object: where it is in the text, and its first eight
/// bytes as one word, so that telling two keys apart is nearly always one
/// integer comparison.
/// Sixteen bytes, so that the array of them, set up on every walk, stays
/// small; a document past 4 GiB is left to serde_json.
#[derive(Clone, Copy, Default)]
struct Key {
    head: u64,
    start: u32,
    len: u32,
}

impl Key {
    fn of(text: &[u8], start: usize, len: usize) -> Result<Self, GiveUp> {
        // The key is followed by its closing quote and more, so eight bytes
        // are nearly always there to read as one word and mask.
        let head = match text.get(start..start + 8) {
            Some(word) => {
                let word = u64::from_le_bytes(word.try_into().unwrap_or_default());
                if len >= 8 {
                    word
                } else {
                    word & ((1u64 << (8 * len)) - 1)
                }
            }
            None => {
                let mut head = [0u8; 8];
                let n = len.min(8);
                if let Some(bytes) = text.get(start..start + n) {
                    head[..n].copy_from_slice(bytes);
                }
                u64::from_le_bytes(head)
            }
        };
        Ok(Key {
            head,
            start: u32::try_from(start).map_err(|_| GiveUp)?,
            len: u32::try_from(len).map_err(|_| GiveUp)?,
        })
    }

    fn bytes<'t>(&self, text: &'t [u8]) -> Option<&'t [u8]> {
        let start = self.start as usize;
        text.get(start..start + self.len as usize)
    }

    /// Whether two keys have the same bytes.
    fn same(&self, other: &Key, text: &[u8]) -> bool {
        self.head == other.head
            && self.len == other.len
            && (self.len <= 8 || self.bytes(text) == other.bytes(text))
    }
}

/// A top-level `signature` that is not a string: the document is unsigned
/// and ambiguous.
fn not_a_string(canon: &mut Canon) {
    canon.signature = None;
    canon.ambiguous(AmbiguityKind::NonStringSignature, b"signature");
}

/// The high bit of each byte of `chunk` (little-endian) that is a quote, a
/// backslash, a control character or past ASCII, and possibly of some
/// bytes after the
/// first such one: the lowest bit set is always exact, because a byte only
/// borrows from the bytes above it.
fn needs_a_look(chunk: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let below = |x: u64, n: u8| x.wrapping_sub(ONES * u64::from(n)) & !x;
    let quote = below(chunk ^ (ONES * u64::from(b'"')), 1);
    let backslash = below(chunk ^ (ONES * u64::from(b'\\')), 1);
    (quote | backslash | below(chunk, 0x20) | chunk) & HIGH
}
