//! Where a value is, as a linked list on the stack: building a path costs
//! nothing, and the pointer string is made only when a violation needs it.

/// A position in the JSON being validated.
#[derive(Debug, Clone, Copy)]
pub struct Path<'a> {
    parent: Option<&'a Path<'a>>,
    segment: Segment<'a>,
    depth: usize,
}

#[derive(Debug, Clone, Copy)]
enum Segment<'a> {
    Root,
    Key(&'a str),
    Index(usize),
}

impl<'a> Path<'a> {
    /// The document root (pointer `""`).
    pub fn root() -> Self {
        Path {
            parent: None,
            segment: Segment::Root,
            depth: 0,
        }
    }

    /// The member `key` of this object.
    pub fn key(&'a self, key: &'a str) -> Path<'a> {
        Path {
            parent: Some(self),
            segment: Segment::Key(key),
            depth: self.depth + 1,
        }
    }

    /// The element `index` of this array.
    pub fn index(&'a self, index: usize) -> Path<'a> {
        Path {
            parent: Some(self),
            segment: Segment::Index(index),
            depth: self.depth + 1,
        }
    }

    /// How many levels below the root.
    pub fn depth(&self) -> usize {
        self.depth
    }

    /// The JSON pointer (RFC 6901) of this position.
    pub fn pointer(&self) -> String {
        let mut segments = Vec::with_capacity(self.depth);
        let mut at = Some(self);
        while let Some(p) = at {
            segments.push(p.segment);
            at = p.parent;
        }
        let mut out = String::new();
        for s in segments.iter().rev() {
            match s {
                Segment::Root => {}
                Segment::Key(k) => {
                    crate::pointer::push(&mut out, k);
                }
                Segment::Index(i) => {
                    out.push('/');
                    out.push_str(&i.to_string());
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::Path;

    #[test]
    fn pointers_escape_per_rfc_6901() {
        let root = Path::root();
        assert_eq!(root.pointer(), "");
        let a = root.key("a/b");
        let b = a.index(3);
        let c = b.key("m~n");
        assert_eq!(c.pointer(), "/a~1b/3/m~0n");
        assert_eq!(c.depth(), 3);
    }
}
