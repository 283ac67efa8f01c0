//! A `serde_json::Value` read so that nothing is silently lost: a member
//! named twice in one object is reported as a violation at its pointer,
//! where `serde_json::Value` itself would keep the last one without a word.
//!
//! Generated validators read the members they do not know (kept in
//! `extra`) through it, and `gatespec validate` reads whole payloads
//! through it, so both reject duplicates alike, at any depth.

use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

use super::lenient::Key;
use super::path::Path;
use super::report::Report;
use super::{profile, rules};

/// Reads a [`Value`] at `path`, reporting duplicate members in `report`
/// (the later occurrence's value is kept, as `serde_json` would keep it).
pub struct StrictValue<'p, 'r> {
    path: &'p Path<'p>,
    report: &'r mut Report,
}

impl<'p, 'r> StrictValue<'p, 'r> {
    /// A reader of the value at `path`.
    pub fn new(path: &'p Path<'p>, report: &'r mut Report) -> Self {
        StrictValue { path, report }
    }
}

impl<'de> DeserializeSeed<'de> for StrictValue<'_, '_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for StrictValue<'_, '_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        Ok(serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
        profile::check_text(v, self.path, self.report);
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Value, E> {
        profile::check_text(&v, self.path, self.report);
        Ok(Value::String(v))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        if profile::too_deep(self.path, self.report) {
            while seq.next_element::<IgnoredAny>()?.is_some() {}
            return Ok(Value::Null);
        }
        let mut items = Vec::new();
        loop {
            let at = self.path.index(items.len());
            match seq.next_element_seed(StrictValue::new(&at, self.report))? {
                Some(v) => items.push(v),
                None => return Ok(Value::Array(items)),
            }
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        if profile::too_deep(self.path, self.report) {
            while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
            return Ok(Value::Null);
        }
        let mut members = Map::new();
        while let Some(key) = map.next_key::<Key<'de>>()? {
            let key = key.as_str();
            if members.contains_key(key) {
                rules::duplicate(key, self.path, self.report);
            }
            let at = self.path.key(key);
            profile::check_text(key, &at, self.report);
            let value = map.next_value_seed(StrictValue::new(&at, self.report))?;
            members.insert(key.to_owned(), value);
        }
        Ok(Value::Object(members))
    }
}

/// Parses JSON text into a [`Value`] and lists its duplicate members, with
/// their pointers; `Err` when it is not JSON.
pub fn parse(text: &str) -> Result<(Value, Report), serde_json::Error> {
    let mut report = Report::default();
    let mut de = serde_json::Deserializer::from_str(text);
    let value = StrictValue::new(&Path::root(), &mut report).deserialize(&mut de)?;
    de.end()?;
    Ok((value, report))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duplicates_are_reported_at_every_depth() {
        let (value, report) =
            parse(r#"{"a": 1, "b": {"c": [{"d": 1, "d": 2}], "c": 3}, "a": 4}"#).expect("json");
        let found: Vec<_> = report.errors.iter().map(|v| v.pointer.as_str()).collect();
        assert_eq!(found, ["/b/c/0/d", "/b/c", "/a"]);
        assert_eq!(
            value["a"], 4,
            "the last occurrence is kept, as serde_json keeps it"
        );
        assert!(parse(r#"{"a": 1, "b": 2}"#).expect("json").1.is_valid());
    }
}
