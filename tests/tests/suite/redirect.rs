//! A method written only in YAML with a redirect in its lifecycle
//! (`fixtures/new-method/monetix/banks-vietnam.yaml`) is served end to end:
//! the purchase's first callback carries the redirect data (the sandbox's
//! own page), the customer's visit completes the step and sends them back
//! to the request's return URL, and the final callback follows; both are
//! verified by the generated types. Which operation is tested is read from
//! the specs: the one whose lifecycle has a redirect step.

use std::path::Path;

use gatespec_runtime::signature::{SecretKey, sign_request};
use gatespec_sandbox::{Action, Catalog, Running};
use gatespec_tests::with_new_method::monetix::banks_vietnam;
use serde_json::{Value, json};

use crate::common::harness::{Receiver, project_of, sandbox_with};

fn catalog() -> (gatespec_codegen::Compiled, Catalog) {
    let compiled =
        gatespec_codegen::compile_dirs(&[Path::new("../specs"), Path::new("fixtures/new-method")])
            .expect("the specs and the fixture check");
    let catalog = gatespec_cli::sandbox::catalog(&compiled.ir);
    (compiled, catalog)
}

fn purchase(
    sandbox: &Running,
    path: &str,
    example: &Value,
    key: &SecretKey,
    id: i64,
    pid: &str,
    amount: i64,
) -> u16 {
    let mut v = example.clone();
    v["general"]["project_id"] = json!(id);
    v["general"]["payment_id"] = json!(pid);
    v["payment"]["amount"] = json!(amount);
    sign_request(&mut v, key).expect("sign");
    reqwest::blocking::Client::new()
        .post(format!("http://{}{path}", sandbox.addr))
        .json(&v)
        .send()
        .expect("the sandbox answers")
        .status()
        .as_u16()
}

/// A client that shows redirects instead of following them.
fn browser() -> reqwest::blocking::Client {
    reqwest::blocking::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

#[test]
fn a_redirect_lifecycle_written_only_in_yaml_is_served_end_to_end() {
    let (compiled, catalog) = catalog();
    let op = catalog
        .operations
        .iter()
        .find(|o| {
            o.lifecycle
                .iter()
                .any(|s| matches!(s.action, Action::Redirect { .. }))
        })
        .expect("an operation whose lifecycle has a redirect")
        .clone();
    let (url_at, returns) = op
        .lifecycle
        .iter()
        .find_map(|s| match &s.action {
            Action::Redirect { url, returns } => Some((url.clone(), returns.clone())),
            _ => None,
        })
        .expect("checked");
    let (_, spec_op) = compiled.ir.operation(&op.id).expect("operation");
    let example = spec_op.request.examples[0].value.clone();
    let dir = tempfile::tempdir().expect("temporary directory");
    let receiver = Receiver::start("127.0.0.1:0", vec![200]);
    let sandbox = sandbox_with(dir.path(), &receiver.url, &catalog, "");
    let (id, key) = project_of(&op.brand);

    assert_eq!(
        purchase(&sandbox, &op.path, &example, &key, id, "vn-1", 5_000_000),
        200
    );
    let first = receiver.wait_for("vn-1", 1);
    let text = serde_json::to_vec(&first[0]).expect("JSON");
    let typed = banks_vietnam::purchase::Callback::verify(&text, &key)
        .expect("the first callback verifies");
    assert_eq!(
        first[0]["payment"]["status"], "awaiting redirect result",
        "{}",
        first[0]
    );
    assert!(
        typed.callback.redirect_data.is_some(),
        "the redirect data is typed"
    );
    let to = first[0]
        .pointer(&url_at)
        .and_then(Value::as_str)
        .expect("the callback carries the redirect URL")
        .to_string();
    assert!(
        to.starts_with(&format!("http://{}/sandbox/redirect/", sandbox.addr)),
        "{to}"
    );

    // A wrong token finds nothing; the right one completes the step and
    // sends the customer back where the request said.
    let forged = format!("{}0", to.trim_end_matches(|c: char| c.is_ascii_hexdigit()));
    assert_eq!(
        browser().get(&forged).send().expect("answers").status(),
        404
    );
    let visit = browser()
        .get(&to)
        .send()
        .expect("the redirect page answers");
    match returns
        .as_deref()
        .and_then(|r| example.pointer(r))
        .and_then(Value::as_str)
    {
        Some(back) => {
            assert_eq!(visit.status(), 303);
            assert_eq!(
                visit.headers()["location"].to_str().ok(),
                Some(url::Url::parse(back).expect("a URL").as_str())
            );
        }
        None => assert_eq!(visit.status(), 200),
    }
    let both = receiver.wait_for("vn-1", 2);
    let text = serde_json::to_vec(&both[1]).expect("JSON");
    banks_vietnam::purchase::Callback::verify(&text, &key).expect("the final callback verifies");
    assert_eq!(both[1]["payment"]["status"], "success", "{}", both[1]);
    assert_eq!(both[1]["operation"]["status"], "success");
    // A second visit changes nothing.
    assert_eq!(browser().get(&to).send().expect("answers").status(), 409);

    // An amount the outcome rule declines ends in a decline.
    assert_eq!(
        purchase(&sandbox, &op.path, &example, &key, id, "vn-2", 5_000_013),
        200
    );
    let first = receiver.wait_for("vn-2", 1);
    let to = first[0]
        .pointer(&url_at)
        .and_then(Value::as_str)
        .expect("URL")
        .to_string();
    assert!(
        browser()
            .get(&to)
            .send()
            .expect("answers")
            .status()
            .is_redirection()
    );
    let both = receiver.wait_for("vn-2", 2);
    assert_eq!(both[1]["payment"]["status"], "decline", "{}", both[1]);
    assert_eq!(both[1]["operation"]["code"], "20000");
    sandbox.stop().expect("stops");
}

#[test]
fn the_redirect_method_has_its_lifecycle_drawn_in_its_docs() {
    let (compiled, catalog) = catalog();
    let files = gatespec_codegen::emit::outputs(&compiled);
    for op in catalog.operations.iter().filter(|o| {
        o.lifecycle
            .iter()
            .any(|s| matches!(s.action, Action::Redirect { .. }))
    }) {
        let (m, _) = compiled.ir.operation(&op.id).expect("operation");
        let page = &files[&format!("docs/{}", gatespec_codegen::emit::docs::method_page_path(m))];
        assert!(page.contains("```mermaid\nsequenceDiagram"), "{page}");
        assert!(page.contains("P-->>C: redirect, and back"), "{page}");
        assert!(page.contains("callback awaiting redirect result"), "{page}");
        // The OpenAPI document lists every callback step of the webhook,
        // with the step's own example.
        let openapi: Value = serde_json::from_str(&files[&format!("openapi/{}.json", op.brand)])
            .expect("OpenAPI JSON");
        let hooks = openapi["webhooks"].as_object().expect("webhooks");
        let hook = hooks
            .values()
            .find_map(|h| {
                let post = &h["post"];
                post["x-gatespec-lifecycle"]
                    .as_array()
                    .filter(|steps| {
                        steps
                            .iter()
                            .any(|s| s["statuses"][0] == "awaiting redirect result")
                    })
                    .map(|_| post)
            })
            .expect("a webhook lists the redirect step");
        let examples = hook["requestBody"]["content"]["application/json"]["examples"]
            .as_object()
            .expect("examples");
        assert!(
            examples
                .values()
                .any(|e| e["value"]["redirect_data"].is_object()),
            "the step's own example is published"
        );
    }
}
