//! The Payment Page in the OpenAPI documents: `GET /payment`, whose
//! query is the page's flat parameter set, one query parameter per key. A
//! parameter that is an object travels as its JSON text
//! (`payment_methods_options={"selected_operator":"TELE2"}`), which is what
//! the sandbox reads, the generated Rust client sends and the signature
//! covers; an OpenAPI 3.1 parameter with `application/json` content says
//! so, so that Prism, openapi-core, Schemathesis and generated clients send
//! and check the same text, where an exploded object has no portable
//! encoding.

use serde_json::{Map, Value, json};

use crate::ir::{Method, Operation};

/// The page's query parameters, one per flat key (what the platform's
/// SDKs send): the union of the page requests' properties in order, a key
/// required when every page requires it, its schema the property's (an
/// object as a string holding its JSON text; `anyOf` where pages differ),
/// with each example's value. One parameter per key is the encoding every
/// tool agrees on; an exploded object parameter is not (openapi-core and
/// others look for a parameter by its name). The roots the pages used are
/// named too: the document drops them, since the query replaced them.
pub(super) fn flat_parameters(
    components: &Map<String, Value>,
    pages: &[(&Method, &Operation, Value)],
) -> (Vec<Value>, Vec<String>) {
    let mut keys: Vec<String> = Vec::new();
    let mut schemas: Map<String, Value> = Map::new();
    // How many pages require each key.
    let mut required_by: std::collections::HashMap<String, usize> =
        std::collections::HashMap::new();
    let mut roots = Vec::new();
    // The keys whose value is an object: a parameter with JSON content.
    let mut objects: Vec<String> = Vec::new();
    for (_, _, request) in pages {
        let Some(name) = request
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| r.rsplit('/').next())
        else {
            continue;
        };
        let Some(root) = components.get(name) else {
            continue;
        };
        roots.push(name.to_string());
        let required: Vec<&str> = root
            .get("required")
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        for (key, property) in root
            .get("properties")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            if !keys.contains(key) {
                keys.push(key.clone());
            }
            let schema = property.clone();
            if is_object(components, property) && !objects.contains(key) {
                objects.push(key.clone());
            }
            match schemas.get_mut(key) {
                None => {
                    schemas.insert(key.clone(), schema);
                }
                Some(Value::Object(o)) if o.contains_key("anyOf") => {
                    if let Some(Value::Array(a)) = o.get_mut("anyOf")
                        && !a.contains(&schema)
                    {
                        a.push(schema);
                    }
                }
                Some(existing) if *existing != schema => {
                    *existing = json!({"anyOf": [existing.clone(), schema]});
                }
                Some(_) => {}
            }
            if required.contains(&key.as_str()) {
                *required_by.entry(key.clone()).or_default() += 1;
            }
        }
    }
    let parameters = keys
        .iter()
        .map(|key| {
            let schema = schemas.get(key).cloned().unwrap_or(json!({}));
            let object = objects.contains(key);
            let mut examples = Map::new();
            for (m, op, _) in pages {
                for (i, e) in op.request.examples.iter().enumerate() {
                    if let Some(v) = e.value.get(key) {
                        examples.insert(
                            format!("{}.{}-{}", m.id, op.id, i + 1),
                            json!({"summary": e.title, "value": v}),
                        );
                    }
                }
            }
            let mut p = json!({
                "name": key,
                "in": "query",
                "required": required_by.get(key) == Some(&roots.len()),
            });
            if let Some(d) = schema.get("description") {
                p["description"] = d.clone();
            }
            if object {
                // An object travels as its JSON text: a parameter with
                // `content`, which tools serialize and parse as JSON.
                let mut media = json!({"schema": schema});
                if !examples.is_empty() {
                    media["examples"] = Value::Object(examples);
                }
                p["content"] = json!({"application/json": media});
            } else {
                p["schema"] = schema;
                if !examples.is_empty() {
                    p["examples"] = Value::Object(examples);
                }
            }
            p
        })
        .collect();
    (parameters, roots)
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

/// `GET /payment`: the Payment Page, opened with a signed flat parameter
/// set in the query.
pub(super) fn payment_page(
    brand: &str,
    pages: &[(&Method, &Operation, Value)],
    components: &Map<String, Value>,
) -> (Value, Vec<String>) {
    let which: Vec<String> = pages
        .iter()
        .map(|(m, op, _)| format!("`{}` ({})", op.full_id, m.name))
        .collect();
    let (parameters, roots) = flat_parameters(components, pages);
    let item = json!({
        "get": {
            "operationId": "payment-page",
            "summary": format!("Open {brand}'s Payment Page"),
            "description": format!(
                "The customer's browser opens the Payment Page with a signed, flat parameter set in the query: each parameter its own key (an object as its JSON text), `signature` over all the others as sent. The page's address is the one {brand} gives you, not the Gate's. Operations: {}.",
                which.join(", ")
            ),
            "tags": pages.iter().map(|(m, _, _)| m.id.clone()).collect::<std::collections::BTreeSet<_>>().into_iter().collect::<Vec<_>>(),
            "servers": [{
                "url": "https://{host}",
                "description": format!("The Payment Page address {brand} gives you."),
                "variables": {"host": {"default": "paymentpage.invalid", "description": "The Payment Page's host name."}},
            }],
            "parameters": parameters,
            "responses": {
                "200": {
                    "description": "The checkout page (HTML). The result reaches the merchant in the purchase callback.",
                    "content": {"text/html": {"schema": {"type": "string"}}},
                },
                "303": {
                    "description": "(inferred: the documents do not say how the page answers; this is the sandbox's) The parameters are taken: the browser is sent to the checkout session's own address.",
                    "headers": {"Location": {"description": "The checkout session, `/payment/{token}`.", "schema": {"type": "string"}}},
                },
                "400": {
                    "description": "The page refuses the parameters (a wrong signature or invalid values).",
                    "content": {"text/html": {"schema": {"type": "string"}}},
                },
                "404": {
                    "description": "(inferred: the sandbox's answer) The brand has no Payment Page method of the name `force_payment_method` gives.",
                    "content": {"text/html": {"schema": {"type": "string"}}},
                },
                "414": {
                    "description": "(inferred: the sandbox's answer) The query is longer than the sandbox reads.",
                    "content": {"text/html": {"schema": {"type": "string"}}},
                },
            },
        }
    });
    (item, roots)
}
