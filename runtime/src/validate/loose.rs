//! Members whose type the documents show by example only (an optional
//! scalar of a callback): read by their usual reader, but what that reader
//! refuses is one warning and the value is kept as sent in `extra`. The
//! generated validators and the CLI's interpreter both word it here.

use serde::de::{self, MapAccess};

use super::lenient::Field;
use super::path::Path;
use super::report::{Code, Report, Violation};

/// Reports a lenient member's refusals as one warning at `at`: what the
/// member's rules said, and that the value is kept. Nothing when `errors`
/// is empty.
pub fn kept_as_sent(errors: &[Violation], at: &Path<'_>, report: &mut Report) {
    let Some(first) = errors.first() else {
        return;
    };
    let why: Vec<&str> = errors.iter().map(|e| e.message.as_str()).collect();
    report.warn(
        at,
        first.code,
        format!(
            "{}; the documents show this member by example only, so the value is accepted as sent and kept in `extra`",
            why.join("; ")
        ),
    );
}

/// One JSON value offered as a map's next value: lets a member's reader
/// (which reads from a `MapAccess`) run on a value already read, as
/// [`lenient_member`] needs.
pub struct OneValue<'v>(Option<&'v serde_json::Value>);

impl<'de> MapAccess<'de> for OneValue<'de> {
    type Error = serde_json::Error;

    fn next_key_seed<K: de::DeserializeSeed<'de>>(
        &mut self,
        _seed: K,
    ) -> Result<Option<K::Value>, Self::Error> {
        Ok(None)
    }

    fn next_value_seed<V: de::DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, Self::Error> {
        match self.0.take() {
            Some(v) => seed.deserialize(v),
            None => seed.deserialize(serde_json::Value::Null),
        }
    }
}

/// Reads a member whose type the documents show by example only (an
/// optional scalar of a callback): its reader runs on the value, and what
/// the reader would refuse is reported as a warning instead, the value kept
/// as sent in `extra` under its name (the typed field stays `None`). So a
/// correctly signed callback is never refused for the specs' reading of one
/// example, and nothing it carried is lost.
pub fn lenient_member<'de, T, A: MapAccess<'de>>(
    map: &mut A,
    object: &Path<'_>,
    name: &str,
    extra: &mut serde_json::Map<String, serde_json::Value>,
    report: &mut Report,
    read: impl for<'v> FnOnce(OneValue<'v>, &mut Report) -> Result<Field<T>, serde_json::Error>,
) -> Result<Field<T>, A::Error> {
    if extra.contains_key(name) {
        super::rules::duplicate(name, object, report);
    }
    let at = object.key(name);
    let value = map.next_value_seed(super::StrictValue::new(&at, report))?;
    let mut scratch = Report::default();
    // Read from the value in place; it is moved into `extra` only when
    // its reader refuses it.
    let field = read(OneValue(Some(&value)), &mut scratch);
    match field {
        Ok(f) if scratch.is_valid() && !matches!(f, Field::Invalid) => {
            report.warnings.extend(scratch.warnings);
            Ok(f)
        }
        outcome => {
            // A reader that stops without a violation (a broken value
            // stream, which a `Value` cannot be) still gets one.
            if scratch.is_valid() {
                let why = match outcome {
                    Err(e) => e.to_string(),
                    Ok(_) => "it does not read as the specs expect".to_string(),
                };
                scratch.error(&at, Code::Type, why);
            }
            kept_as_sent(&scratch.errors, &at, report);
            extra.insert(name.to_owned(), value);
            Ok(Field::Missing)
        }
    }
}
