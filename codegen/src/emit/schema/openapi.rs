//! OpenAPI 3.1: one document per brand, for teams whose tools read API
//! descriptions rather than bare JSON Schemas.
//!
//! Every Gate operation is a path with its request body, examples, the
//! Gate's acknowledgement and its rejection; every callback is a top-level
//! webhook (the callback URL is set per project, out of band); the Payment
//! Page is one `GET /payment` whose exploded query object is any of the
//! brand's Payment Page parameter sets. The body schemas are the published
//! ones: each shared `$defs` entry becomes a component of the same name,
//! and each root a component named by its title.
//!
//! The signature lives in the body (or the Payment Page query), which
//! OpenAPI's security schemes cannot express. A nominal scheme (an `apiKey`
//! in the query) made mock servers, proxies and contract testers refuse
//! every correctly signed request, so there is none: the signature is the
//! body member the schemas describe, and the algorithm is spelled out in
//! the `x-gatespec-signature` extension.
//!
//! Webhooks are tagged apart from operations (`<method>-callbacks`):
//! generators write one API file per tag, and a shared tag made the
//! callbacks' file overwrite the operations'.

use gatespec_runtime::rejection::RejectionCode;
use serde_json::{Map, Value, json};

use super::{TIMINGS_KEYWORD, body_schema, root_title, timings};
use crate::format::JSON_PREAMBLE;
use crate::ir::{Body, BodyRole, Brand, Interface, Ir, Method, Operation};
use crate::typespace::TypeSpace;

/// The OpenAPI version the documents declare.
pub const OPENAPI: &str = "3.1.0";

/// Where a brand's document is written, relative to `generated/`.
pub fn path(brand: &str) -> String {
    format!("openapi/{brand}.json")
}

/// The brands that have methods: one document each.
pub fn brands(ir: &Ir) -> impl Iterator<Item = &Brand> {
    ir.brands
        .iter()
        .filter(|b| ir.methods.iter().any(|m| m.brand == b.id))
}

/// The documents of every brand that has methods, by brand id.
pub fn documents(ir: &Ir, types: &TypeSpace) -> Vec<(String, Value)> {
    brands(ir)
        .map(|b| (b.id.clone(), document(ir, types, b)))
        .collect()
}

/// The OpenAPI document of one brand.
pub fn document(ir: &Ir, types: &TypeSpace, brand: &Brand) -> Value {
    let methods: Vec<&Method> = ir.methods.iter().filter(|m| m.brand == brand.id).collect();
    let mut components = Components::default();
    let mut paths = Map::new();
    let mut webhooks = Map::new();
    let mut pages = Vec::new();
    for m in &methods {
        for op in &m.operations {
            let mut refs = Map::new();
            for (role, body) in op.bodies() {
                let schema = body_schema(types, m, op, role, body);
                refs.insert(role.as_str().into(), components.add(schema));
            }
            let request = refs.get("request").cloned().unwrap_or(Value::Null);
            match (&op.endpoint, op.interface) {
                (Some(e), _) => {
                    let item = json!({
                        "operationId": operation_id(m, op),
                        "summary": format!("{} ({})", op.title, m.name),
                        "description": description(m, op),
                        "tags": [m.id],
                        "requestBody": {
                            "required": true,
                            "content": {"application/json": media(request, &op.request)},
                        },
                        "responses": gate_responses(m, op, refs.get("response")),
                    });
                    let mut item = item;
                    if !op.timings.is_empty()
                        && let Value::Object(o) = &mut item
                    {
                        o.insert(TIMINGS_KEYWORD.into(), timings(op));
                    }
                    let entry = paths
                        .entry(e.path.clone())
                        .or_insert_with(|| Value::Object(Map::new()));
                    if let Value::Object(p) = entry {
                        p.insert(e.method.as_str().to_ascii_lowercase(), item);
                    }
                }
                (None, Interface::PaymentPage) => pages.push((*m, op, request)),
                (None, _) => {}
            }
            if let (Some(callback), Some(body)) = (refs.get("callback"), &op.callback) {
                webhooks.insert(
                    format!("{}.callback", operation_id(m, op)),
                    json!({"post": webhook(m, op, callback.clone(), body)}),
                );
            }
        }
    }
    if !pages.is_empty() {
        let (item, roots) = super::page::payment_page(&brand.name, &pages, &components.schemas);
        // The query's parameters replace the page requests' roots.
        for root in roots {
            components.schemas.remove(&root);
        }
        paths.insert("/payment".into(), item);
    }
    let tags: Vec<Value> = methods
        .iter()
        .flat_map(|m| {
            let operations = json!({"name": m.id, "description": format!("{}: {}", m.name, m.summary)});
            let has_callbacks = m.operations.iter().any(|o| o.callback.is_some());
            let callbacks = has_callbacks.then(|| {
                json!({"name": callbacks_tag(m), "description": format!("Callbacks of {}: what the platform posts to your callback URL.", m.name)})
            });
            std::iter::once(operations).chain(callbacks)
        })
        .collect();
    json!({
        "x-generated": JSON_PREAMBLE,
        "openapi": OPENAPI,
        "info": {
            "title": format!("{} Gate", brand.name),
            "version": env!("CARGO_PKG_VERSION"),
            "description": format!(
                "{}\n\nThe payment methods {} offers through its Gate, as gatespec reads them from the documentation. {JSON_PREAMBLE}.\n\nEvery request and callback is signed: the signature is a member of the body (`general.signature`, or `signature` in a callback), computed as `x-gatespec-signature` says; no HTTP-level security scheme applies.",
                brand.description, brand.name
            ),
            "license": {"name": "MIT OR Apache-2.0", "identifier": "MIT OR Apache-2.0"},
            "contact": {"name": "The gatespec maintainers"},
        },
        "servers": [{
            "url": "https://{host}",
            "description": format!("The Gate address {} gives you with your project; gatespec guesses none.", brand.name),
            "variables": {"host": {"default": "gate.invalid", "description": "The Gate's host name."}},
        }],
        "security": [],
        "tags": tags,
        "paths": paths,
        "webhooks": webhooks,
        "components": {
            "schemas": components.with_answers(),
        },
        "x-gatespec-signature": signature_extension(),
    })
}

/// Schemas gathered from the bodies: shared definitions once (a name
/// means one shape within a brand), roots by their titles.
#[derive(Default)]
struct Components {
    schemas: Map<String, Value>,
}

impl Components {
    /// Adds a body's published schema and hands back a `$ref` to its root.
    fn add(&mut self, mut schema: Value) -> Value {
        let Value::Object(root) = &mut schema else {
            return schema;
        };
        // `$id` would rebase every reference inside the root; the draft and
        // the comment belong to a standalone file; examples are on the media
        // type, where linters check them.
        for k in ["$schema", "$id", "$comment", "examples"] {
            root.remove(k);
        }
        if let Some(Value::Object(defs)) = root.remove("$defs") {
            for (name, mut def) in defs {
                rebase(&mut def);
                self.schemas.entry(name).or_insert(def);
            }
        }
        let title = root
            .get("title")
            .and_then(Value::as_str)
            .unwrap_or("Body")
            .to_string();
        rebase(&mut schema);
        self.schemas.insert(title.clone(), schema);
        json!({"$ref": format!("#/components/schemas/{title}")})
    }
}

/// The components of the Gate's own answers, shared by every operation
/// (a generator then writes one class for each, not one per operation).
const ACK: &str = "GateAcknowledgement";
const REJECTION: &str = "GateRejection";

fn component_ref(name: &str) -> Value {
    json!({"$ref": format!("#/components/schemas/{name}")})
}

impl Components {
    /// The schemas, with the acknowledgement and the rejection (the type
    /// space never names a type so: its names come from the specs' fields).
    fn with_answers(mut self) -> Map<String, Value> {
        self.schemas.insert(ACK.into(), ack_schema());
        self.schemas.insert(REJECTION.into(), rejection_schema());
        self.schemas
    }
}

/// Points `#/$defs/X` references at `#/components/schemas/X`.
fn rebase(v: &mut Value) {
    match v {
        Value::Object(o) => {
            for (k, v) in o.iter_mut() {
                match (k.as_str(), &v) {
                    ("$ref", Value::String(r)) => {
                        if let Some(name) = r.strip_prefix("#/$defs/") {
                            *v = json!(format!("#/components/schemas/{name}"));
                        }
                    }
                    _ => rebase(v),
                }
            }
        }
        Value::Array(a) => a.iter_mut().for_each(rebase),
        _ => {}
    }
}

/// `monetix/smp-p2p-kz/payout` as an operation id: `smp-p2p-kz.payout`
/// (URL-safe, unique within the brand's document).
/// The tag of a method's webhooks, apart from its operations' tag.
fn callbacks_tag(m: &Method) -> String {
    format!("{}-callbacks", m.id)
}

fn operation_id(m: &Method, op: &Operation) -> String {
    format!("{}.{}", m.id, op.id)
}

fn description(m: &Method, op: &Operation) -> String {
    let mut text = op.summary.clone().unwrap_or_else(|| op.title.clone());
    text.push_str(&format!(
        "\n\nMethod: {} ({}). Operation id: `{}`.",
        m.name, m.summary, op.full_id
    ));
    if !op.timings.is_empty() {
        text.push_str(&format!(
            " Timings are in the operation's `{TIMINGS_KEYWORD}`."
        ));
    }
    text
}

/// A media type object: the schema and the body's examples by name.
fn media(schema: Value, body: &Body) -> Value {
    let mut out = Map::new();
    out.insert("schema".into(), schema);
    if !body.examples.is_empty() {
        let examples: Map<String, Value> = body
            .examples
            .iter()
            .enumerate()
            .map(|(i, e)| {
                (
                    format!("example-{}", i + 1),
                    json!({"summary": e.title, "value": e.value}),
                )
            })
            .collect();
        out.insert("examples".into(), Value::Object(examples));
    }
    Value::Object(out)
}

/// The Gate's answers: the documented response when the spec has one,
/// else the acknowledgement; and the rejection.
fn gate_responses(m: &Method, op: &Operation, response: Option<&Value>) -> Value {
    let listed = m
        .tables
        .iter()
        .find(|t| t.current_list.as_deref() == Some(op.id.as_str()));
    let ok = match (response, &op.response, listed) {
        (Some(schema), Some(body), _) => json!({
            "description": body.description.clone().unwrap_or_else(|| "The Gate's answer.".into()),
            "content": {"application/json": media(schema.clone(), body)},
        }),
        (_, _, Some(table)) => json!({
            "description": format!(
                "The current list of the table `{}` ({}). Inferred: the documents give no shape for this answer; the sandbox answers with the acknowledgement and the rows under `{}`, one object per row keyed by the column ids.",
                table.id, table.title, table.id
            ),
            "content": {"application/json": {"schema": current_list(table)}},
        }),
        _ if op.callback.is_some() => json!({
            "description": "The Gate acknowledges the request: it is valid and accepted for processing. The result comes in a callback.",
            "content": {"application/json": {"schema": component_ref(ACK)}},
        }),
        _ => json!({
            "description": "The Gate answers the request directly; the documents describe none of the answer's fields (inferred: the acknowledgement's shape).",
            "content": {"application/json": {"schema": component_ref(ACK)}},
        }),
    };
    // Only a request that starts a payment names a new payment id; the
    // others name one that exists.
    let payment_id = match op.kind {
        crate::ir::OperationKind::Payout | crate::ir::OperationKind::Purchase => {
            "a payment_id already used in the project"
        }
        crate::ir::OperationKind::Info => "a payment_id already used for another request",
        _ => "a payment_id that names no payment this operation applies to",
    };
    let mut ok = ok;
    if let Some(links) = super::links::follow_ups(m, op) {
        ok["links"] = links;
    }
    let mut answers = json!({
        "200": ok,
        "400": {
            "description": format!("The Gate rejects the request (for example invalid parameters, a wrong signature, {payment_id}): `status` is `error`, with a `code` and a `message`. Inferred: the documents list no rejection reasons."),
            "content": {"application/json": {"schema": component_ref(REJECTION)}},
        },
    });
    for (status, why) in OTHER_ANSWERS {
        let mut answer = json!({
            "description": format!("{why} Inferred: the sandbox's answer; the documents describe none."),
            "content": {"application/json": {"schema": component_ref(REJECTION)}},
        });
        if *status == "405" {
            answer["headers"] = json!({
                "Allow": {
                    "description": "The methods the path takes (`POST`).",
                    "schema": {"type": "string"},
                },
            });
        }
        answers[*status] = answer;
    }
    answers
}

/// The answers besides 200 and 400 the sandbox gives a request to a Gate
/// operation's path, by HTTP status: published so a tool that holds
/// answers to the document (Schemathesis, openapi-core, Prism's proxy)
/// knows them.
const OTHER_ANSWERS: &[(&str, &str)] = &[
    (
        "404",
        "No operation of the project's brand is at this path (`unknown_operation`).",
    ),
    (
        "405",
        "The path takes POST only (`method_not_allowed`); `Allow` names it.",
    ),
    (
        "408",
        "The body did not arrive in time (`request_timeout`).",
    ),
    (
        "413",
        "The body is larger than the limit (`body_too_large`).",
    ),
    (
        "415",
        "The body is not sent as `application/json` (`unsupported_media_type`).",
    ),
    (
        "421",
        "The request names a host the server does not answer for (`unknown_host`).",
    ),
    ("500", "The request could not be recorded (`internal`)."),
    (
        "501",
        "The specs document no answer or callback for what the request asks, so it cannot be simulated (`not_simulated`).",
    ),
];

fn ack_schema() -> Value {
    json!({
        "title": ACK,
        "type": "object",
        "description": "The acknowledgement; the documents guarantee none of its fields.",
        "properties": {
            "status": {"type": "string", "description": "`success` when the request was accepted."},
            "request_id": {"type": "string", "description": "The Gate's id of the request."},
            "project_id": {"type": "integer"},
            "payment_id": {"type": "string"},
        },
    })
}

fn rejection_schema() -> Value {
    json!({
        "title": REJECTION,
        "type": "object",
        "description": "The Gate's rejection.",
        "required": ["status"],
        "properties": {
            "status": {"type": "string", "const": "error"},
            "code": {
                "description": "The platform's error code. The documents list none; the sandbox answers with the codes listed here, and a client must accept any other (inferred: an open list).",
                "anyOf": [
                    {"enum": RejectionCode::ALL.iter().map(|c| c.as_str()).collect::<Vec<_>>()},
                    {"type": "string"},
                    {"type": "integer"},
                ],
            },
            "message": {"type": "string", "description": "What was wrong, for people."},
            "errors": {
                "type": "array",
                "description": "Every violation of the request's rules, each with its JSON pointer (inferred: the sandbox's; the documents describe none).",
                "items": {
                    "type": "object",
                    "properties": {
                        "pointer": {"type": "string"},
                        "code": {"type": "string"},
                        "message": {"type": "string"},
                    },
                },
            },
        },
    })
}

/// A callback as a webhook the merchant's service receives.
fn webhook(m: &Method, op: &Operation, schema: Value, body: &Body) -> Value {
    let mut content = media(schema, body);
    // Every callback step of the lifecycle: its statuses in the
    // description and the extension, its own examples beside the body's.
    let mut steps = Vec::new();
    let mut sent = Vec::new();
    for (i, step) in op.lifecycle.iter().flat_map(|l| l.steps.iter()).enumerate() {
        let crate::lifecycle::Action::Callback {
            statuses,
            asks,
            carries,
            examples,
        } = &step.action
        else {
            continue;
        };
        sent.push(format!("`{}`", statuses.join("` or `")));
        let mut entry = json!({"step": i + 1, "statuses": statuses});
        if let Value::Object(e) = &mut entry {
            if let Some(a) = asks {
                e.insert("asks".into(), json!(a));
            }
            if !carries.is_empty() {
                e.insert("carries".into(), json!(carries));
            }
            if let Some(why) = &step.inferred {
                e.insert("inferred".into(), json!(why));
            }
        }
        steps.push(entry);
        if let (false, Some(media)) = (examples.is_empty(), content.as_object_mut())
            && let Value::Object(all) = media
                .entry("examples")
                .or_insert_with(|| Value::Object(Map::new()))
        {
            for (j, e) in examples.iter().enumerate() {
                all.insert(
                    format!("step-{}-{}", i + 1, j + 1),
                    json!({"summary": e.title, "value": e.value}),
                );
            }
        }
    }
    let when = if sent.is_empty() {
        String::new()
    } else {
        format!(
            "\n\nSent at each callback step of the operation's lifecycle (`{LIFECYCLE_KEYWORD}`), with the operation status {}.",
            sent.join(", then ")
        )
    };
    let mut hook = json!({
        "operationId": format!("{}.callback", operation_id(m, op)),
        "summary": format!("Callback of {} ({})", op.title, m.name),
        "description": format!(
            "The platform posts this to the callback URL set for the project. Verify `signature` over the raw body before trusting any field, then answer 2xx. (Inferred: the documents do not say what the platform does with another answer; the sandbox sends the callback again.)\n\n{}",
            body.description.clone().unwrap_or_else(|| op.title.clone())
        ),
        "tags": [callbacks_tag(m)],
        "requestBody": {
            "required": true,
            "content": {"application/json": content},
        },
        "responses": {
            "200": {"description": "The callback was received (inferred: the documents do not describe the answer)."},
        },
    });
    if let (false, Value::Object(o)) = (steps.is_empty(), &mut hook) {
        o.insert(LIFECYCLE_KEYWORD.into(), Value::Array(steps));
        if let Some(Value::String(d)) = o.get_mut("description") {
            d.push_str(&when);
        }
    }
    hook
}

/// The answer to the request for a table's current list: the
/// acknowledgement with the rows under the table's id (inferred).
fn current_list(table: &crate::ir::Table) -> Value {
    let columns: Map<String, Value> = table
        .columns
        .iter()
        .map(|(id, title)| (id.clone(), json!({"type": "string", "description": title})))
        .collect();
    json!({
        "allOf": [
            component_ref(ACK),
            {
                "type": "object",
                "properties": {
                    table.id.clone(): {
                        "type": "array",
                        "description": table.title,
                        "items": {"type": "object", "properties": columns},
                    },
                },
            },
        ],
    })
}

/// The extension that lists a webhook's callback steps.
pub const LIFECYCLE_KEYWORD: &str = "x-gatespec-lifecycle";

fn signature_extension() -> Value {
    json!({
        "algorithm": "HMAC-SHA512",
        "key": "the project's secret key",
        "encoding": "base64 (standard alphabet, padded)",
        "canonical_form": "Drop every `signature` member; flatten the JSON to `path:value` strings, nested keys joined by `:` and array elements by their index (`a:b:1`, `e:0:4`); booleans as `1`/`0`; sort the strings; join them with `;`.",
        "request": "general.signature in the JSON body",
        "callback": "signature at the top of the JSON body; verify it over the raw body before reading any field",
        "payment_page": "the signature query parameter, over the flat parameter set",
        "comparison": "constant time",
        "source": "the platform's official SDKs (PHP, JavaScript, Python, Go); the vendored documents only name 'Signature generation and verification'",
    })
}

/// The root component names of a brand's bodies, with the operation and
/// role each describes: what the document must hold.
pub fn roots(ir: &Ir, brand: &str) -> Vec<(String, String, BodyRole)> {
    ir.operations()
        .filter(|(m, _)| m.brand == brand)
        .flat_map(|(m, op)| {
            // A Payment Page request is the page's query parameters, not a
            // component.
            let page = op.endpoint.is_none() && op.interface == Interface::PaymentPage;
            op.bodies()
                .filter(move |(role, _)| !(page && *role == BodyRole::Request))
                .map(move |(role, _)| (root_title(m, op, role), op.full_id.clone(), role))
        })
        .collect()
}
