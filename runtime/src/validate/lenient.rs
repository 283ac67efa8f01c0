//! Lenient deserialization: the machinery generated validators stand on.
//!
//! A wrong value (a number where a string belongs, a string outside its
//! pattern) is recorded in the [`Report`] and deserialization goes on; only
//! a broken byte stream (not JSON) ends it. Each parameter ends up
//! [`Field::Missing`], [`Field::Invalid`] or [`Field::Valid`], and an object
//! is built only when all of its parameters are valid.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::path::Path;
use super::report::{Code, MAX_DEPTH, MAX_SAFE_INTEGER, MIN_SAFE_INTEGER, Report, Violation};
use super::rules::{IntegerRules, StringRules};

/// What became of one parameter.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Field<T> {
    /// Not in the input.
    #[default]
    Missing,
    /// In the input, with at least one violation (already reported).
    Invalid,
    /// In the input and valid.
    Valid(T),
}

impl<T> Field<T> {
    /// True when the parameter was not in the input.
    pub fn is_missing(&self) -> bool {
        matches!(self, Field::Missing)
    }

    /// The valid value, if any.
    pub fn into_option(self) -> Option<T> {
        match self {
            Field::Valid(v) => Some(v),
            _ => None,
        }
    }

    /// Maps a valid value; `None` from `f` makes the field invalid.
    pub fn and_then<U>(self, f: impl FnOnce(T) -> Option<U>) -> Field<U> {
        match self {
            Field::Missing => Field::Missing,
            Field::Invalid => Field::Invalid,
            Field::Valid(v) => f(v).map_or(Field::Invalid, Field::Valid),
        }
    }

    fn from_checked(value: Option<T>, ok: bool) -> Self {
        match value {
            Some(v) if ok => Field::Valid(v),
            _ => Field::Invalid,
        }
    }
}

/// A type that deserializes leniently (every generated object, `String`,
/// `i64`, `bool`, `Vec<T>`).
pub trait Lenient: Sized {
    /// Deserializes a value at `path`, recording violations in `report`.
    /// `Ok(None)` means the value was invalid (and reported); `Err` means
    /// the input stream itself is broken.
    fn lenient<'de, D: Deserializer<'de>>(
        d: D,
        path: &Path<'_>,
        report: &mut Report,
    ) -> Result<Option<Self>, D::Error>;
}

/// An object whose members a generated visitor reads.
pub trait LenientObject: Sized {
    /// Reads the members of the object at `path`.
    fn members<'de, A: MapAccess<'de>>(
        map: A,
        path: &Path<'_>,
        report: &mut Report,
    ) -> Result<Option<Self>, A::Error>;
}

/// Reads an object: members through `T::members`, anything that is not an
/// object as a type violation.
pub fn object<'de, T: LenientObject, D: Deserializer<'de>>(
    d: D,
    path: &Path<'_>,
    report: &mut Report,
) -> Result<Option<T>, D::Error> {
    if path.depth() > MAX_DEPTH {
        return too_deep(d, path, report);
    }
    d.deserialize_any(ObjectVisitor::<T> {
        path,
        report,
        _t: PhantomData,
    })
}

/// Reports a value nested past [`MAX_DEPTH`] and skips it.
fn too_deep<'de, T, D: Deserializer<'de>>(
    d: D,
    path: &Path<'_>,
    report: &mut Report,
) -> Result<Option<T>, D::Error> {
    super::profile::too_deep(path, report);
    d.deserialize_ignored_any(IgnoredAny)?;
    Ok(None)
}

/// A [`DeserializeSeed`] that deserializes `T` leniently at a path.
pub struct LenientSeed<'p, 'r, T> {
    path: &'p Path<'p>,
    report: &'r mut Report,
    _t: PhantomData<fn() -> T>,
}

impl<'p, 'r, T> LenientSeed<'p, 'r, T> {
    /// A seed for the value at `path`.
    pub fn new(path: &'p Path<'p>, report: &'r mut Report) -> Self {
        LenientSeed {
            path,
            report,
            _t: PhantomData,
        }
    }
}

impl<'de, T: Lenient> DeserializeSeed<'de> for LenientSeed<'_, '_, T> {
    type Value = Option<T>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Option<T>, D::Error> {
        T::lenient(d, self.path, self.report)
    }
}

/// An object key, borrowed from the input when it can be.
#[derive(Debug)]
pub enum Key<'de> {
    /// Borrowed from the input.
    Borrowed(&'de str),
    /// Copied (it held escapes).
    Owned(String),
}

impl Key<'_> {
    /// The key's text.
    pub fn as_str(&self) -> &str {
        match self {
            Key::Borrowed(s) => s,
            Key::Owned(s) => s,
        }
    }
}

impl<'de> de::Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object key")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key::Borrowed(v))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key::Owned(v.to_owned()))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Key<'de>, E> {
                Ok(Key::Owned(v))
            }
        }
        d.deserialize_str(KeyVisitor)
    }
}

/// Reads a string parameter and checks its rules.
pub fn string<'de, A: MapAccess<'de>>(
    map: &mut A,
    path: &Path<'_>,
    rules: &StringRules<'_>,
    report: &mut Report,
) -> Result<Field<String>, A::Error> {
    let v: Option<String> = map.next_value_seed(LenientSeed::new(path, report))?;
    let ok = v.as_deref().is_some_and(|s| rules.check(s, path, report));
    Ok(Field::from_checked(v, ok))
}

/// Reads a string parameter that has no rules.
pub fn any_string<'de, A: MapAccess<'de>>(
    map: &mut A,
    path: &Path<'_>,
    report: &mut Report,
) -> Result<Field<String>, A::Error> {
    string(map, path, &StringRules::NONE, report)
}

/// Reads an integer parameter that has no rules.
pub fn any_integer<'de, A: MapAccess<'de>>(
    map: &mut A,
    path: &Path<'_>,
    report: &mut Report,
) -> Result<Field<i64>, A::Error> {
    integer(map, path, &IntegerRules::NONE, report)
}

/// Reads an integer parameter and checks its rules.
pub fn integer<'de, A: MapAccess<'de>>(
    map: &mut A,
    path: &Path<'_>,
    rules: &IntegerRules<'_>,
    report: &mut Report,
) -> Result<Field<i64>, A::Error> {
    let v: Option<JsonInteger> = map.next_value_seed(LenientSeed::new(path, report))?;
    Ok(match v {
        Some(JsonInteger::Fits(n)) => Field::from_checked(Some(n), rules.check(n, path, report)),
        Some(JsonInteger::OutOfRange { negative, shown }) => {
            rules.out_of_range(negative, &shown, path, report);
            Field::Invalid
        }
        None => Field::Invalid,
    })
}

/// The path of member `name` of the object at `path`, reporting the member
/// as a duplicate when `field` already holds what an earlier occurrence
/// gave.
pub fn member<'a, T>(
    field: &Field<T>,
    name: &'a str,
    path: &'a Path<'a>,
    report: &mut Report,
) -> Path<'a> {
    if !field.is_missing() {
        super::rules::duplicate(name, path, report);
    }
    path.key(name)
}

/// Reports strictly required member `name` of the object at `path` when
/// `field` is missing.
pub fn require<T>(field: &Field<T>, name: &str, path: &Path<'_>, report: &mut Report) {
    if field.is_missing() {
        super::rules::missing(name, path, report);
    }
}

/// Reads a member the specs do not name into `extra` (a second occurrence
/// is a duplicate, as for named members).
pub fn unknown<'de, A: MapAccess<'de>>(
    map: &mut A,
    extra: &mut serde_json::Map<String, serde_json::Value>,
    name: &str,
    path: &Path<'_>,
    report: &mut Report,
) -> Result<(), A::Error> {
    if extra.contains_key(name) {
        super::rules::duplicate(name, path, report);
    }
    let at = path.key(name);
    super::profile::check_text(name, &at, report);
    super::rules::unsignable_member(name, path, report);
    let value = map.next_value_seed(super::StrictValue::new(&at, report))?;
    extra.insert(name.to_owned(), value);
    Ok(())
}

/// Every object is read through its members.
impl<T: LenientObject> Lenient for T {
    fn lenient<'de, D: Deserializer<'de>>(
        d: D,
        path: &Path<'_>,
        report: &mut Report,
    ) -> Result<Option<Self>, D::Error> {
        object::<T, D>(d, path, report)
    }
}

/// Reads a parameter of any other lenient type (booleans, objects, arrays).
pub fn value<'de, T: Lenient, A: MapAccess<'de>>(
    map: &mut A,
    path: &Path<'_>,
    report: &mut Report,
) -> Result<Field<T>, A::Error> {
    let v: Option<T> = map.next_value_seed(LenientSeed::new(path, report))?;
    Ok(v.map_or(Field::Invalid, Field::Valid))
}

/// Words a broken input stream as a violation.
pub fn parse_error(e: &dyn fmt::Display) -> Violation {
    Violation {
        pointer: String::new(),
        code: Code::Json,
        message: format!("not valid JSON: {e}"),
    }
}

/// A JSON integer within ±(2^53 − 1), or one outside that range.
#[derive(Debug)]
enum JsonInteger {
    Fits(i64),
    OutOfRange { negative: bool, shown: String },
}

impl JsonInteger {
    fn of(v: i64) -> Self {
        if (MIN_SAFE_INTEGER..=MAX_SAFE_INTEGER).contains(&v) {
            JsonInteger::Fits(v)
        } else {
            JsonInteger::OutOfRange {
                negative: v < 0,
                shown: v.to_string(),
            }
        }
    }
}

/// The JSON kind of what was found, for type violations.
fn wrong<T>(path: &Path<'_>, report: &mut Report, expected: &str, found: &str) -> Option<T> {
    report.error(path, Code::Type, format!("must be {expected}, got {found}"));
    None
}

/// Implements the `visit_*` methods of the JSON kinds a visitor does not
/// accept: each reports a type violation (after draining a collection, so
/// the stream stays in step) and yields `None`.
macro_rules! reject {
    ($expected:literal; $($kind:ident),* $(,)?) => { $( reject!(@one $expected, $kind); )* };
    (@one $e:literal, bool) => {
        fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
            Ok(wrong(self.path, self.report, $e, "a boolean"))
        }
    };
    (@one $e:literal, number) => {
        fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
            Ok(wrong(self.path, self.report, $e, "a number"))
        }
        fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
            Ok(wrong(self.path, self.report, $e, "a number"))
        }
        fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
            Ok(wrong(self.path, self.report, $e, "a number"))
        }
    };
    (@one $e:literal, str) => {
        fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
            Ok(wrong(self.path, self.report, $e, "a string"))
        }
    };
    (@one $e:literal, null) => {
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(wrong(self.path, self.report, $e, "null"))
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(wrong(self.path, self.report, $e, "null"))
        }
    };
    (@one $e:literal, seq) => {
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            while seq.next_element::<IgnoredAny>()?.is_some() {}
            Ok(wrong(self.path, self.report, $e, "an array"))
        }
    };
    (@one $e:literal, map) => {
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
            Ok(wrong(self.path, self.report, $e, "an object"))
        }
    };
}

/// A visitor of one JSON kind at a path, reporting the others.
macro_rules! visitor {
    ($name:ident $(<$t:ident: $bound:path>)?, $value:ty, $expected:literal, [$($rejected:ident),*], { $($body:tt)* }) => {
        struct $name<'p, 'r $(, $t)?> {
            path: &'p Path<'p>,
            report: &'r mut Report,
            $(_t: PhantomData<fn() -> $t>,)?
        }

        impl<'de $(, $t: $bound)?> Visitor<'de> for $name<'_, '_ $(, $t)?> {
            type Value = Option<$value>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str($expected)
            }

            $($body)*

            reject!($expected; $($rejected),*);
        }
    };
}

visitor!(
    StringVisitor,
    String,
    "a string",
    [bool, number, null, seq, map],
    {
        // A noncharacter is reported beside the string's own rules, which
        // still run (as they do on the CLI's reading of the value).
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            super::profile::check_text(v, self.path, self.report);
            Ok(Some(v.to_owned()))
        }
        fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
            super::profile::check_text(&v, self.path, self.report);
            Ok(Some(v))
        }
    }
);

visitor!(
    IntegerVisitor,
    JsonInteger,
    "an integer",
    [bool, str, null, seq, map],
    {
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
            Ok(Some(JsonInteger::of(v)))
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
            Ok(Some(match i64::try_from(v) {
                Ok(n) => JsonInteger::of(n),
                Err(_) => JsonInteger::OutOfRange {
                    negative: false,
                    shown: v.to_string(),
                },
            }))
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
            // JSON Schema counts 1.0 as an integer; so do we.
            if v.fract() != 0.0 || !v.is_finite() {
                return Ok(wrong(
                    self.path,
                    self.report,
                    "an integer",
                    "a number with a fraction",
                ));
            }
            // Within ±(2^53 − 1) a double is an exact integer; past it, a
            // fraction may have been rounded away, and the value is out of
            // range anyway.
            const LIMIT: f64 = MAX_SAFE_INTEGER as f64;
            Ok(Some(if (-LIMIT..=LIMIT).contains(&v) {
                JsonInteger::Fits(v as i64)
            } else {
                JsonInteger::OutOfRange {
                    negative: v < 0.0,
                    shown: v.to_string(),
                }
            }))
        }
    }
);

visitor!(
    BoolVisitor,
    bool,
    "a boolean",
    [number, str, null, seq, map],
    {
        fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
            Ok(Some(v))
        }
    }
);

visitor!(ArrayVisitor<T: Lenient>, Vec<T>, "an array", [bool, number, str, null, map], {
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(64));
        let mut valid = true;
        let mut i = 0;
        loop {
            let at = self.path.index(i);
            match seq.next_element_seed(LenientSeed::<T>::new(&at, self.report))? {
                None => break,
                Some(Some(item)) => items.push(item),
                Some(None) => valid = false,
            }
            i += 1;
        }
        Ok(valid.then_some(items))
    }
});

visitor!(ObjectVisitor<T: LenientObject>, T, "an object", [bool, number, str, null, seq], {
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        T::members(map, self.path, self.report)
    }
});

impl Lenient for String {
    fn lenient<'de, D: Deserializer<'de>>(
        d: D,
        path: &Path<'_>,
        report: &mut Report,
    ) -> Result<Option<Self>, D::Error> {
        d.deserialize_any(StringVisitor { path, report })
    }
}

impl Lenient for JsonInteger {
    fn lenient<'de, D: Deserializer<'de>>(
        d: D,
        path: &Path<'_>,
        report: &mut Report,
    ) -> Result<Option<Self>, D::Error> {
        d.deserialize_any(IntegerVisitor { path, report })
    }
}

impl Lenient for i64 {
    fn lenient<'de, D: Deserializer<'de>>(
        d: D,
        path: &Path<'_>,
        report: &mut Report,
    ) -> Result<Option<Self>, D::Error> {
        Ok(match JsonInteger::lenient(d, path, report)? {
            Some(JsonInteger::Fits(n)) => Some(n),
            Some(JsonInteger::OutOfRange { negative, shown }) => {
                IntegerRules::NONE.out_of_range(negative, &shown, path, report);
                None
            }
            None => None,
        })
    }
}

impl Lenient for bool {
    fn lenient<'de, D: Deserializer<'de>>(
        d: D,
        path: &Path<'_>,
        report: &mut Report,
    ) -> Result<Option<Self>, D::Error> {
        d.deserialize_any(BoolVisitor { path, report })
    }
}

impl<T: Lenient> Lenient for Vec<T> {
    fn lenient<'de, D: Deserializer<'de>>(
        d: D,
        path: &Path<'_>,
        report: &mut Report,
    ) -> Result<Option<Self>, D::Error> {
        if path.depth() > MAX_DEPTH {
            return too_deep(d, path, report);
        }
        d.deserialize_any(ArrayVisitor::<T> {
            path,
            report,
            _t: PhantomData,
        })
    }
}
