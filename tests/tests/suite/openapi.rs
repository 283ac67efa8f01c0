//! The OpenAPI documents: every operation of the specs is in its brand's
//! document where a tool looks for it, every reference resolves, and every
//! example validates against the schema it illustrates (with the jsonschema
//! crate; `.ci/run` also lints the documents with Spectral and Redocly).
//! Everything is derived from `specs/`, so a new method needs no edit here.

use crate::common;

use gatespec_codegen::emit::schema::openapi;
use gatespec_codegen::ir::BodyRole;
use serde_json::{Value, json};

/// Every `$ref` in `v`, with the JSON pointer where it sits.
fn refs<'a>(v: &'a Value, at: String, out: &mut Vec<(String, &'a str)>) {
    match v {
        Value::Object(o) => {
            for (k, v) in o {
                match (k.as_str(), v) {
                    ("$ref", Value::String(r)) => out.push((at.clone(), r)),
                    _ => refs(v, format!("{at}/{k}"), out),
                }
            }
        }
        Value::Array(a) => {
            for (i, v) in a.iter().enumerate() {
                refs(v, format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
}

/// A validator of `schema` (a fragment of `doc` holding references into
/// its components).
fn validator(doc: &Value, schema: &Value) -> jsonschema::Validator {
    let mut root = schema.clone();
    if let Value::Object(o) = &mut root {
        o.insert("components".into(), doc["components"].clone());
    }
    common::validator(&root)
}

#[test]
fn every_operation_is_in_its_brands_document_and_every_reference_resolves() {
    let compiled = common::specs();
    let (ir, types) = (&compiled.ir, &compiled.types);
    let documents = openapi::documents(ir, types);
    assert!(!documents.is_empty());
    for (brand, doc) in &documents {
        assert_eq!(doc["openapi"], openapi::OPENAPI);
        let mut all = Vec::new();
        refs(doc, String::new(), &mut all);
        for (at, r) in &all {
            let target = r
                .strip_prefix('#')
                .and_then(|p| doc.pointer(p))
                .unwrap_or_else(|| panic!("{brand}: {at}: $ref {r} resolves to nothing"));
            assert!(target.is_object(), "{brand}: {at}: $ref {r}");
        }
        for (title, op, role) in openapi::roots(ir, brand) {
            assert!(
                doc["components"]["schemas"].get(&title).is_some(),
                "{brand}: no component {title} for {op} ({})",
                role.as_str()
            );
        }
        for (m, op) in ir.operations().filter(|(m, _)| &m.brand == brand) {
            let id = format!("{}.{}", m.id, op.id);
            if let Some(e) = &op.endpoint {
                let item = &doc["paths"][&e.path][e.method.as_str().to_ascii_lowercase()];
                assert_eq!(item["operationId"], json!(id), "{}", op.full_id);
                let schema = &item["requestBody"]["content"]["application/json"]["schema"];
                let want = format!(
                    "#/components/schemas/{}",
                    gatespec_codegen::emit::schema::root_title(m, op, BodyRole::Request)
                );
                assert_eq!(schema["$ref"], json!(want), "{}", op.full_id);
                assert!(item["responses"]["400"].is_object(), "{}", op.full_id);
            }
            if op.callback.is_some() {
                let hook = &doc["webhooks"][format!("{id}.callback")]["post"];
                assert!(hook["requestBody"].is_object(), "{} callback", op.full_id);
            }
        }
    }
}

#[test]
fn every_example_in_the_documents_validates_and_a_broken_one_does_not() {
    let compiled = common::specs();
    let (ir, types) = (&compiled.ir, &compiled.types);
    let mut checked = 0;
    for (brand, doc) in openapi::documents(ir, types) {
        // Media types of operations and webhooks, and the Payment Page's
        // query parameter: each with a schema and named examples.
        let mut places: Vec<(String, &Value)> = Vec::new();
        for (group, items) in [("paths", &doc["paths"]), ("webhooks", &doc["webhooks"])] {
            for (path, item) in items.as_object().into_iter().flatten() {
                for (method, operation) in item.as_object().into_iter().flatten() {
                    let at = format!("{group} {path} {method}");
                    if let Some(media) = operation["requestBody"]["content"].get("application/json")
                    {
                        places.push((at.clone(), media));
                    }
                    // A parameter holds its schema and examples itself, or
                    // in its JSON content (an object as its JSON text).
                    for p in operation["parameters"].as_array().into_iter().flatten() {
                        places.push((
                            at.clone(),
                            p.pointer("/content/application~1json").unwrap_or(p),
                        ));
                    }
                }
            }
        }
        for (at, place) in places {
            let v = validator(&doc, &place["schema"]);
            for (name, example) in place["examples"].as_object().into_iter().flatten() {
                let value = &example["value"];
                let errors: Vec<String> = v.iter_errors(value).map(|e| e.to_string()).collect();
                assert!(errors.is_empty(), "{brand}: {at}: {name}: {errors:?}");
                checked += 1;
            }
        }
        // The components really constrain: an amount with a fraction
        // breaks every example that has one.
        for (title, op, role) in openapi::roots(ir, &brand) {
            let schema = json!({"$ref": format!("#/components/schemas/{title}")});
            let v = validator(&doc, &schema);
            let body = ir
                .operations()
                .find(|(_, o)| o.full_id == op)
                .and_then(|(_, o)| o.bodies().find(|(r, _)| *r == role).map(|(_, b)| b));
            for e in body.map(|b| b.examples.as_slice()).unwrap_or_default() {
                let mut broken = e.value.clone();
                if let Some(amount) = broken.pointer_mut("/payment/amount") {
                    *amount = json!(1.5);
                    assert!(!v.is_valid(&broken), "{op} {}: 1.5 accepted", role.as_str());
                }
            }
        }
    }
    assert!(checked > 0, "no example was checked");
}

#[test]
fn the_cli_prints_one_brands_document() {
    let specs = common::root().join("specs");
    let specs = specs.to_str().expect("a UTF-8 path");
    let (code, out, err) = common::gatespec(&["openapi", "--specs", specs, "--brand", "monetix"]);
    assert_eq!(code, 0, "{err}");
    let doc: Value = serde_json::from_str(&out).expect("JSON");
    let on_disk: Value = serde_json::from_str(
        &std::fs::read_to_string(common::root().join("generated/openapi/monetix.json"))
            .expect("the checked-in document"),
    )
    .expect("JSON");
    assert_eq!(doc, on_disk);
    let (code, _, err) = common::gatespec(&["openapi", "--specs", specs, "--brand", "nope"]);
    assert_eq!(code, 2);
    assert!(err.contains("no brand `nope`"), "{err}");
    let (code, _, err) = common::gatespec(&["openapi", "--specs", specs]);
    assert_eq!(code, 2);
    assert!(err.contains("--brand"), "{err}");
}

/// What the documents say, and only that: an operation without a callback
/// is not said to answer in one; a rejection names the payment id as the
/// operation uses it; what no document states (retries, the rejection
/// reasons) is marked inferred; a callback's schema names no Gate
/// endpoint (callbacks go to the merchant's URL).
#[test]
fn published_text_says_only_what_is_known() {
    let compiled = common::specs();
    let (ir, types) = (&compiled.ir, &compiled.types);
    for (brand, doc) in openapi::documents(ir, types) {
        for (_, item) in doc["paths"].as_object().expect("paths") {
            let Some(op_doc) = item.get("post") else {
                continue;
            };
            let id = op_doc["operationId"].as_str().expect("operationId");
            let (_, op) = ir
                .operations()
                .find(|(m, o)| m.brand == brand && format!("{}.{}", m.id, o.id) == id)
                .expect("the operation");
            let ok = op_doc["responses"]["200"]["description"]
                .as_str()
                .unwrap_or_default();
            if op.callback.is_none() {
                assert!(!ok.contains("callback"), "{id}: {ok}");
            }
            let rejected = op_doc["responses"]["400"]["description"]
                .as_str()
                .unwrap_or_default();
            assert!(rejected.contains("Inferred"), "{id}: {rejected}");
            let new_payment = matches!(
                op.kind,
                gatespec_codegen::ir::OperationKind::Payout
                    | gatespec_codegen::ir::OperationKind::Purchase
            );
            assert_eq!(
                rejected.contains("already used in the project"),
                new_payment,
                "{id}: {rejected}"
            );
        }
        for (name, hook) in doc["webhooks"].as_object().expect("webhooks") {
            let text = hook["post"]["description"].as_str().unwrap_or_default();
            assert!(text.contains("Inferred"), "{brand} {name}: {text}");
        }
    }
    for (m, op) in ir.operations() {
        if let Some(callback) = &op.callback {
            let schema = common::schema(compiled, m, op, BodyRole::Callback, callback);
            let text = schema["description"].as_str().unwrap_or_default();
            assert!(!text.contains("Endpoint:"), "{}: {text}", op.full_id);
            assert!(text.contains("callback URL"), "{}: {text}", op.full_id);
        }
    }
}

/// What the sandbox answers a Gate operation's path is what the published
/// document says for that status: a 404, 405 (with `Allow`), 413, 415 and a
/// 400 each validate against their response's schema, and every rejection
/// code the sandbox can answer is in the published list.
#[test]
fn the_sandboxs_answers_are_the_documented_ones() {
    use crate::common::harness::{Receiver, catalog, sandbox};
    use gatespec_runtime::rejection::RejectionCode;

    let compiled = common::specs();
    let catalog = catalog();
    let op = catalog
        .operations
        .iter()
        .find(|o| o.is_payout())
        .expect("a payout");
    let doc = openapi::documents(&compiled.ir, &compiled.types)
        .into_iter()
        .find(|(b, _)| *b == op.brand)
        .map(|(_, d)| d)
        .expect("the brand's document");
    let responses = &doc["paths"][&op.path]["post"]["responses"];
    // The rejection is one component every operation refers to.
    let rejection = &responses["400"]["content"]["application/json"]["schema"]["$ref"]
        .as_str()
        .and_then(|r| r.strip_prefix("#/components/schemas/"))
        .map(|name| &doc["components"]["schemas"][name])
        .expect("the rejection is a component");
    let listed: Vec<&str> = rejection["properties"]["code"]["anyOf"][0]["enum"]
        .as_array()
        .expect("the codes")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    let all: Vec<&str> = RejectionCode::ALL.iter().map(|c| c.as_str()).collect();
    assert_eq!(listed, all);

    let dir = tempfile::tempdir().expect("temporary directory");
    let receiver = Receiver::start("127.0.0.1:0", vec![200]);
    let sandbox = sandbox(dir.path(), &receiver.url, &catalog);
    let client = reqwest::blocking::Client::new();
    let url = format!("http://{}{}", sandbox.addr, op.path);
    let cases = [
        (
            client
                .post(&url)
                .header("content-type", "application/json")
                .body("{}"),
            400,
        ),
        (client.get(&url), 405),
        (
            client
                .post(&url)
                .header("content-type", "text/plain")
                .body("{}"),
            415,
        ),
        (
            client
                .post(&url)
                .header("content-type", "application/json")
                .body(vec![b' '; 70_000]),
            413,
        ),
        (
            client
                .post(format!("http://{}/v2/nothing/here", sandbox.addr))
                .header("content-type", "application/json")
                .body("{}"),
            404,
        ),
    ];
    for (request, expected) in cases {
        let answer = request.send().expect("the sandbox answers");
        let status = answer.status().as_u16();
        assert_eq!(status, expected);
        let documented = &responses[status.to_string()];
        assert!(documented.is_object(), "{status} is not documented");
        if status == 405 {
            assert!(documented["headers"]["Allow"].is_object());
            assert_eq!(answer.headers()["allow"], "POST");
        }
        let body: Value = answer.json().expect("a JSON answer");
        let schema = &documented["content"]["application/json"]["schema"];
        let schema = schema["$ref"]
            .as_str()
            .and_then(|r| r.strip_prefix("#/components/schemas/"))
            .map_or(schema, |name| &doc["components"]["schemas"][name]);
        let validator = common::validator(schema);
        let errors: Vec<String> = validator
            .iter_errors(&body)
            .map(|e| e.to_string())
            .collect();
        assert!(errors.is_empty(), "{status} {body}: {errors:?}");
    }
}
