//! The Payment Page in the OpenAPI documents: `GET /payment`, whose
//! query is the page's flat parameter set. A parameter that is an object
//! travels as its JSON text (`payment_methods_options={"selected_operator":
//! "TELE2"}`), which is what the sandbox reads, the generated Rust client
//! sends and the signature covers; the query schema says so with
//! `contentMediaType` and `contentSchema`, so that Prism, openapi-core,
//! Schemathesis and generated clients send and check the same text, where
//! an exploded nested object has no portable encoding.

use serde_json::{Map, Value, json};

use crate::ir::{Method, Operation};

/// The query schema of a page's parameters, under the request root's own
/// name (only the page uses that root): the request's component with each
/// object-typed property as a string holding its JSON text. `None` when no
/// property is an object (the component then serves the query as it is).
/// The JSON Schema of the request (`generated/schemas/`) keeps the objects:
/// it describes the parameters as data, the query how they travel.
pub(super) fn query_schema(
    components: &Map<String, Value>,
    request: &Value,
) -> Option<(String, Value)> {
    let name = request
        .get("$ref")?
        .as_str()?
        .rsplit('/')
        .next()?
        .to_string();
    let mut schema = components.get(&name)?.clone();
    let properties = schema.get_mut("properties")?.as_object_mut()?;
    let mut changed = false;
    for property in properties.values_mut() {
        if is_object(components, property) {
            let description = property.get("description").cloned();
            let mut text = json!({
                "type": "string",
                "contentMediaType": "application/json",
                "contentSchema": property.clone(),
            });
            if let Some(d) = description {
                text["description"] = d;
            }
            *property = text;
            changed = true;
        }
    }
    if !changed {
        return None;
    }
    Some((name, schema))
}

/// Whether a property's schema is an object, directly or through a
/// component it names.
fn is_object(components: &Map<String, Value>, schema: &Value) -> bool {
    let target = match schema.get("$ref").and_then(Value::as_str) {
        Some(r) => r.rsplit('/').next().and_then(|n| components.get(n)),
        None => Some(schema),
    };
    target.and_then(|t| t.get("type")).and_then(Value::as_str) == Some("object")
}

/// A page example as the query carries it: each object member as its JSON
/// text.
fn as_query(example: &Value) -> Value {
    match example {
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| {
                    let v = match v {
                        Value::Object(_) => Value::String(v.to_string()),
                        other => other.clone(),
                    };
                    (k.clone(), v)
                })
                .collect(),
        ),
        other => other.clone(),
    }
}

/// `GET /payment`: the Payment Page, opened with a signed flat parameter
/// set in the query.
pub(super) fn payment_page(brand: &str, pages: &[(&Method, &Operation, Value)]) -> Value {
    let any_of: Vec<Value> = pages.iter().map(|(_, _, r)| r.clone()).collect();
    let which: Vec<String> = pages
        .iter()
        .map(|(m, op, _)| format!("`{}` ({})", op.full_id, m.name))
        .collect();
    let schema = if any_of.len() == 1 {
        any_of[0].clone()
    } else {
        json!({"anyOf": any_of})
    };
    let mut examples = Map::new();
    for (m, op, _) in pages {
        for (i, e) in op.request.examples.iter().enumerate() {
            examples.insert(
                format!("{}.{}-{}", m.id, op.id, i + 1),
                json!({"summary": e.title, "value": as_query(&e.value)}),
            );
        }
    }
    let mut parameter = json!({
        "name": "parameters",
        "in": "query",
        "required": true,
        "description": "The Payment Page's parameters, each its own query parameter (an object as its JSON text), with `signature` over all the others as sent.",
        "style": "form",
        "explode": true,
        "schema": schema,
    });
    if !examples.is_empty() {
        parameter["examples"] = Value::Object(examples);
    }
    json!({
        "get": {
            "operationId": "payment-page",
            "summary": format!("Open {brand}'s Payment Page"),
            "description": format!(
                "The customer's browser opens the Payment Page with a signed, flat parameter set in the query. The page's address is the one {brand} gives you, not the Gate's. Operations: {}.",
                which.join(", ")
            ),
            "tags": pages.iter().map(|(m, _, _)| m.id.clone()).collect::<std::collections::BTreeSet<_>>().into_iter().collect::<Vec<_>>(),
            "servers": [{
                "url": "https://{host}",
                "description": format!("The Payment Page address {brand} gives you."),
                "variables": {"host": {"default": "paymentpage.invalid", "description": "The Payment Page's host name."}},
            }],
            "parameters": [parameter],
            "responses": {
                "200": {
                    "description": "The checkout page (HTML). The result reaches the merchant in the purchase callback.",
                    "content": {"text/html": {"schema": {"type": "string"}}},
                },
                "400": {
                    "description": "The page refuses the parameters (a wrong signature or invalid values).",
                    "content": {"text/html": {"schema": {"type": "string"}}},
                },
            },
        }
    })
}
