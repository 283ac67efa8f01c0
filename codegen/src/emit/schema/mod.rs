//! JSON Schema (draft 2020-12) of each request, response and callback.
//!
//! Written for other teams' validators in strict mode: every constraint
//! sits next to the `type` it applies to, only standard keywords are used,
//! `format` is declared where it is portable and a `pattern` carries the
//! rule where it is not. Objects stay open (no `additionalProperties`),
//! because the documents allow any further parameter.

use gatespec_runtime::validate::rules::SIGNABLE_NAME_PATTERN;
use gatespec_runtime::validate::{IPV4_PATTERN, IPV6_PATTERN, MAX_SAFE_INTEGER, MIN_SAFE_INTEGER};
use serde_json::{Map, Value, json};

use crate::format::JSON_PREAMBLE;
use crate::ir::{Body, BodyRole, Field, Format, Method, ObjectTy, Operation, Presence, Ty};
use crate::naming;
use crate::rules::{field_description, format_pattern, max_length, pattern_shape};
use crate::typespace::{MethodTypes, TypeSpace};

pub mod bundle;
mod links;
pub mod openapi;
mod page;

/// The draft the schemas declare.
pub const DRAFT: &str = "https://json-schema.org/draft/2020-12/schema";

/// The `$id` of an operation's body schema.
pub fn schema_id(op: &Operation, role: BodyRole) -> String {
    format!("urn:gatespec:{}:{}", op.full_id, role.as_str())
}

/// The short name of a body's schema (`SbpP2pPayoutRequest`), its
/// `title`: code generators name the root class after it.
pub fn root_title(method: &Method, op: &Operation, role: BodyRole) -> String {
    format!(
        "{}{}{}",
        naming::camel(&method.id),
        naming::camel(&op.id),
        naming::camel(role.as_str())
    )
}

/// The schema of one body of an operation. `types` names the shared
/// objects (built once from the whole IR): each nested object is a titled
/// definition under `$defs`, named as its Rust type is.
pub fn body_schema(
    types: &TypeSpace,
    method: &Method,
    op: &Operation,
    role: BodyRole,
    body: &Body,
) -> Value {
    let mut root = Map::new();
    root.insert("$schema".into(), json!(DRAFT));
    root.insert("$id".into(), json!(schema_id(op, role)));
    root.insert("$comment".into(), json!(JSON_PREAMBLE));
    root.insert("title".into(), json!(root_title(method, op, role)));
    let mut description = format!(
        "{} {}: {} ({}).\n\n{}",
        method.brand_name,
        method.name,
        op.title,
        role.as_str(),
        body.description.clone().unwrap_or_else(|| op.title.clone())
    );
    // The endpoint is where the request goes; a response answers it there;
    // a callback goes to the merchant's own URL, set per project.
    match (&op.endpoint, role) {
        (Some(e), BodyRole::Request) => {
            description.push_str(&format!("\n\nEndpoint: {} {}", e.method.as_str(), e.path));
        }
        (Some(e), BodyRole::Response) => {
            description.push_str(&format!(
                "\n\nThe answer to {} {}.",
                e.method.as_str(),
                e.path
            ));
        }
        (_, BodyRole::Callback) => description.push_str(
            "\n\nPosted by the platform to the callback URL set for the merchant's project.",
        ),
        _ => {}
    }
    root.insert("description".into(), json!(description));
    let mut defs = Defs {
        types: types.brand(&method.brand).map(|t| t.of(&method.id)),
        defs: Map::new(),
        at: vec![root_title(method, op, role)],
    };
    if let Value::Object(inner) = defs.root(&body.ty) {
        root.extend(inner);
    }
    if !defs.defs.is_empty() {
        root.insert("$defs".into(), Value::Object(defs.defs));
    }
    if !body.examples.is_empty() {
        root.insert(
            "examples".into(),
            Value::Array(body.examples.iter().map(|e| e.value.clone()).collect()),
        );
    }
    Value::Object(root)
}

/// One entry of `schemas/index.json`: where a schema is, what it is for
/// and a SHA-256 of its text, so a consumer can tell what changed.
pub fn index_entry(
    op: &Operation,
    role: BodyRole,
    path: &str,
    schema: &Value,
    text: &str,
) -> Value {
    let role = match (role, op.interface) {
        (BodyRole::Request, crate::ir::Interface::PaymentPage) => "payment_page_parameters",
        (r, _) => r.as_str(),
    };
    let hash = crate::format::digest(text.as_bytes());
    let mut entry = json!({
        "$id": schema.get("$id"),
        "operation": op.full_id,
        "role": role,
        "title": schema.get("title"),
        "path": path.strip_prefix("schemas/").unwrap_or(path),
        "sha256": hash,
    });
    if !op.timings.is_empty()
        && let Value::Object(e) = &mut entry
    {
        e.insert("timings".into(), timings(op));
    }
    entry
}

/// `schemas/index.json`: every published body schema, in spec order, and
/// each brand's bundle.
pub fn index(entries: Vec<Value>, bundles: Vec<Value>) -> Value {
    json!({
        "$comment": JSON_PREAMBLE,
        "description": "Every JSON Schema gatespec publishes for the Gate's bodies: its $id, operation id, role (request, response, callback, payment_page_parameters), title, path relative to this file, the SHA-256 of its text, and the operation's timings (OTP windows, resend limits, thresholds) where the documents give them. `bundles` lists each brand's single document, whose `$defs` hold every body (by its title) and every type once: give that one to a code generator.",
        "profile": profile(),
        "schemas": entries,
        "bundles": bundles,
    })
}

/// The input profile every schema presumes, as the index publishes it.
fn profile() -> Value {
    use gatespec_runtime::validate::{MAX_DEPTH, profile};
    json!({
        "name": "I-JSON (RFC 7493) with a nesting limit",
        "description": "What a payload must be before any schema applies. JSON Schema cannot state these rules, so validators in other languages decide them differently or not at all: check them before validating. gatespec's validators, its callback verification and `gatespec validate` refuse every payload outside the profile.",
        "rules": profile::RULES,
        "max_depth": MAX_DEPTH,
        "max_bytes": profile::MAX_BYTES,
        "integers": { "minimum": MIN_SAFE_INTEGER, "maximum": MAX_SAFE_INTEGER },
    })
}

/// The OpenAPI extension that carries an operation's timings (OTP
/// windows, resend limits, thresholds). The schemas carry none: an unknown
/// keyword stops Ajv at its default (strict) settings; the schema index
/// lists them under `timings`.
pub const TIMINGS_KEYWORD: &str = "x-gatespec-timings";

/// An operation's timings as JSON.
pub fn timings(op: &Operation) -> Value {
    Value::Array(
        op.timings
            .iter()
            .map(|t| {
                let mut o = Map::new();
                o.insert("id".into(), json!(t.id));
                o.insert("kind".into(), json!(t.kind.as_str()));
                for (k, v) in [
                    ("min_seconds", t.min_seconds),
                    ("max_seconds", t.max_seconds),
                ] {
                    if let Some(v) = v {
                        o.insert(k.into(), json!(v));
                    }
                }
                if let Some(n) = t.max_attempts {
                    o.insert("max_attempts".into(), json!(n));
                }
                o.insert("description".into(), json!(t.description));
                Value::Object(o)
            })
            .collect(),
    )
}

/// Known (informational) values as an open union, `anyOf: [{enum}, {type}]`:
/// every value of the type stays valid, and code generators get the known
/// values as named members. Skipped where the node already has an `anyOf`
/// (the `ip` format's), which a second one would replace.
///
/// The known values are titled after their place (`CallbackPaymentTypeKnown`:
/// the owner's name, the field's): a generator names their enum so, once,
/// instead of after the field (`Type`, `Type1`, ...).
fn open_union(s: &mut Map<String, Value>, values: Value, ty: &str, title: String) {
    if !s.contains_key("anyOf") {
        s.insert(
            "anyOf".into(),
            json!([{ "title": title, "enum": values }, { "type": ty }]),
        );
    }
}

/// Whether a string needs the rule that no line feed ends it: its pattern
/// is variable-width, so no `maxLength` keeps Python's `$` from matching
/// before a final `\n`. (Patterns can never match a line feed themselves;
/// `check` requires it.)
fn needs_line_end_guard(t: &crate::ir::StringTy) -> bool {
    pattern_shape(t)
        .is_some_and(|s| max_length(t).is_none_or(|m| s.min_chars.saturating_add(1) <= m))
}

/// The definitions of one schema file, collected while its body is
/// written.
struct Defs<'a> {
    types: Option<MethodTypes<'a>>,
    defs: Map<String, Value>,
    /// Where the writing is: the named schema's title, then field names
    /// (camel case), for the titles of known values.
    at: Vec<String>,
}

impl Defs<'_> {
    /// The title of the known values being written.
    fn known_title(&self) -> String {
        format!("{}Known", self.at.concat())
    }

    /// The body's own schema: a root object is written in place.
    fn root(&mut self, ty: &Ty) -> Value {
        match ty {
            Ty::Object(o) => {
                let mut s = Map::new();
                self.object_schema(o, &mut s);
                Value::Object(s)
            }
            other => self.ty_schema(other),
        }
    }

    /// A nested object: a reference to its titled definition, written
    /// from its first use in this file (so its descriptions are this
    /// operation's).
    fn object_ref(&mut self, o: &ObjectTy) -> Value {
        let Some(name) = self
            .types
            .and_then(|t| t.object(o))
            .map(|t| t.schema_name.to_string())
        else {
            let mut s = Map::new();
            self.object_schema(o, &mut s);
            return Value::Object(s);
        };
        if !self.defs.contains_key(&name) {
            // Reserved first, so a shape met again inside itself refers
            // to the definition instead of recursing.
            self.defs.insert(name.clone(), Value::Null);
            let mut s = Map::new();
            s.insert("title".into(), json!(name));
            let outer = std::mem::replace(&mut self.at, vec![name.clone()]);
            self.object_schema(o, &mut s);
            self.at = outer;
            self.defs.insert(name.clone(), Value::Object(s));
        }
        json!({ "$ref": format!("#/$defs/{name}") })
    }

    fn ty_schema(&mut self, ty: &Ty) -> Value {
        let mut s = Map::new();
        match ty {
            Ty::String(t) => {
                s.insert("type".into(), json!("string"));
                match t.format {
                    // The addresses are the pattern that decides, with no
                    // `format`: Ajv at its defaults (no ajv-formats) refuses
                    // to compile a schema with a format it does not know.
                    Some(Format::Ipv4) => {
                        s.insert("pattern".into(), json!(IPV4_PATTERN));
                    }
                    Some(Format::Ipv6) => {
                        s.insert("pattern".into(), json!(IPV6_PATTERN));
                    }
                    Some(Format::Ip) => {
                        s.insert(
                            "anyOf".into(),
                            json!([
                                {"type": "string", "pattern": IPV4_PATTERN},
                                {"type": "string", "pattern": IPV6_PATTERN}
                            ]),
                        );
                    }
                    Some(f) => {
                        if t.pattern.is_none()
                            && let Some(p) = format_pattern(f)
                        {
                            s.insert("pattern".into(), json!(p));
                        }
                    }
                    None => {}
                }
                if let Some(p) = &t.pattern {
                    s.insert("pattern".into(), json!(p));
                }
                if let Some(n) = t.min_length {
                    s.insert("minLength".into(), json!(n));
                }
                if let Some(n) = max_length(t) {
                    s.insert("maxLength".into(), json!(n));
                }
                if needs_line_end_guard(t) {
                    s.insert(
                        "not".into(),
                        json!({
                            "description": "No line feed ends the value: Python's `$` matches before one.",
                            "pattern": "\n$"
                        }),
                    );
                }
                if let Some(c) = &t.const_value {
                    s.insert("const".into(), json!(c));
                }
                if let Some(e) = &t.enum_values {
                    s.insert("enum".into(), json!(e));
                }
                if let Some(k) = &t.known {
                    open_union(&mut s, json!(k.values), "string", self.known_title());
                }
            }
            Ty::Integer(t) => {
                // Every integer is bounded to the 64-bit range the generated
                // types hold, so schema and Rust validators agree on huge values.
                s.insert("type".into(), json!("integer"));
                // Every integer within ±(2^53 − 1), which JavaScript and Python
                // read exactly, as the validators hold it.
                let min = t
                    .minimum
                    .map_or(MIN_SAFE_INTEGER, |m| m.max(MIN_SAFE_INTEGER));
                let max = t
                    .maximum
                    .map_or(MAX_SAFE_INTEGER, |m| m.min(MAX_SAFE_INTEGER));
                s.insert("minimum".into(), json!(min));
                s.insert("maximum".into(), json!(max));
                if let Some(step) = t.multiple_of {
                    s.insert("multipleOf".into(), json!(step));
                }
                if let Some(c) = t.const_value {
                    s.insert("const".into(), json!(c));
                }
                if let Some(e) = &t.enum_values {
                    s.insert("enum".into(), json!(e));
                }
                if let Some(k) = &t.known {
                    open_union(&mut s, json!(k.integers()), "integer", self.known_title());
                }
            }
            Ty::Boolean => {
                s.insert("type".into(), json!("boolean"));
            }
            Ty::Array(item) => {
                s.insert("type".into(), json!("array"));
                s.insert("items".into(), self.ty_schema(item));
            }
            Ty::Object(o) => return self.object_ref(o),
        }
        Value::Object(s)
    }

    fn object_schema(&mut self, o: &ObjectTy, s: &mut Map<String, Value>) {
        s.insert("type".into(), json!("object"));
        let mut props = Map::new();
        for f in &o.fields {
            props.insert(f.name.clone(), self.field_schema(f));
        }
        s.insert("properties".into(), Value::Object(props));
        // A member name that cannot be signed: `:` or `;` anywhere, or a
        // `signature` member where the object declares none.
        let mut names = json!({"pattern": SIGNABLE_NAME_PATTERN});
        if !o.fields.iter().any(|f| f.name == "signature") {
            names["not"] = json!({"const": "signature"});
        }
        s.insert("propertyNames".into(), names);
        let required: Vec<&str> = o
            .fields
            .iter()
            .filter(|f| f.presence == Presence::Strict)
            .map(|f| f.name.as_str())
            .collect();
        if !required.is_empty() {
            s.insert("required".into(), json!(required));
        }
        if !o.dependent_required.is_empty() {
            let mut d = Map::new();
            for (k, v) in &o.dependent_required {
                d.insert(k.clone(), json!(v));
            }
            s.insert("dependentRequired".into(), Value::Object(d));
        }
        if !o.currency_bounds.is_empty() {
            let rules: Vec<Value> = o
                .currency_bounds
                .iter()
                .map(|b| {
                    let mut bound = Map::new();
                    bound.insert("type".into(), json!("integer"));
                    if let Some(m) = b.minimum {
                        bound.insert("minimum".into(), json!(m));
                    }
                    if let Some(m) = b.maximum {
                        bound.insert("maximum".into(), json!(m));
                    }
                    if let Some(step) = b.multiple_of {
                        bound.insert("multipleOf".into(), json!(step));
                    }
                    // `additionalProperties: true` says what JSON Schema
                    // assumes anyway; said, it keeps tools that close every
                    // object by default (Redocly's example check) from
                    // reading the rule as "only these members".
                    json!({
                        "if": {
                            "type": "object",
                            "properties": {b.currency_field.clone(): {"const": b.currency}},
                            "required": [b.currency_field],
                            "additionalProperties": true,
                        },
                        "then": {
                            "type": "object",
                            "properties": {b.amount.clone(): Value::Object(bound)},
                            "additionalProperties": true,
                        },
                    })
                })
                .collect();
            // Bounds on one currency field hold for different values of
            // it, so at most one applies: written as one `if`/`then` chain
            // (each next rule in the `else`) they mean what `allOf` would,
            // and keep the object a plain object for code generators
            // (json-schema-to-typescript turns an object with `allOf` into
            // an alias of a numbered copy).
            let one_field = o
                .currency_bounds
                .iter()
                .all(|b| b.currency_field == o.currency_bounds[0].currency_field);
            let distinct = {
                let mut c: Vec<&str> = o
                    .currency_bounds
                    .iter()
                    .map(|b| b.currency.as_str())
                    .collect();
                c.sort_unstable();
                c.windows(2).all(|w| w[0] != w[1])
            };
            if one_field && distinct {
                let chained = rules.into_iter().rev().fold(None, |next, mut rule| {
                    if let (Some(next), Value::Object(r)) = (next, &mut rule) {
                        r.insert("else".into(), next);
                    }
                    Some(rule)
                });
                if let Some(Value::Object(chain)) = chained {
                    s.extend(chain);
                }
            } else {
                s.insert("allOf".into(), Value::Array(rules));
            }
        }
    }

    fn field_schema(&mut self, f: &Field) -> Value {
        // A lenient member asserts nothing: the validators accept any value
        // there (with a warning), and the schema must decide alike. It says
        // so as a union of every JSON type, which code generators read as
        // "any value" (an empty schema reads as an object to some), and
        // which Ajv's strict mode takes without `allowUnionTypes`.
        let mut schema = if f.lenient {
            json!({"anyOf": [
                {"type": "string"},
                {"type": "number"},
                {"type": "boolean"},
                {"type": "object"},
                {"type": "array", "items": {}},
                {"type": "null"}
            ]})
        } else {
            self.at.push(naming::camel(&f.name));
            let schema = self.ty_schema(&f.ty);
            self.at.pop();
            schema
        };
        if let Value::Object(s) = &mut schema {
            let mut out = Map::new();
            out.insert("description".into(), json!(field_description(f)));
            out.extend(std::mem::take(s));
            if let Some(e) = &f.example {
                out.insert("examples".into(), json!([e]));
            }
            *s = out;
        }
        schema
    }
}
