//! `gatespec diff`: a table of spec edits with the verdict each must get.
//! The same edit made to a request and to a callback gets opposite
//! verdicts where the direction of the data decides (narrowing breaks a
//! sender, widening breaks a reader).

use crate::common;

use gatespec_codegen::diff::{Category, Level, diff};
use gatespec_codegen::load::SourceText;

/// A probe object, present in the request and in the callback.
const PROBE: &str = "{type: object, required: optional, description: Probe., fields: {code: {type: string, required: strict, description: Code., max_length: 10}, kind: {type: string, required: optional, description: Kind., enum: [a, b]}, count: {type: integer, required: optional, description: Count., minimum: 1, maximum: 100}}}";

fn method(request_probe: &str, callback_probe: &str) -> String {
    format!(
        r#"method:
  id: probe
  brand: monetix
  code: probe
  name: Probe method
  source: synthetic
  summary: A method for the diff table.
  countries: [KZ]
  currencies: [KZT]
  interfaces: {{payout: [gate]}}
  limits:
    payout: {{currency: KZT, min: "10.00", max: "15,000.00", description: Limits.}}
  operations:
    payout:
      title: Payout by using Gate
      kind: payout
      interface: gate
      endpoint: {{method: POST, path: /v2/payment/probe/payout}}
      request:
        fields:
          general: {{object: general, required: strict, description: General request information.}}
          payment:
            object: payment
            required: strict
            description: Payment information.
            refine:
              currency: {{const: KZT, example: KZT}}
              amount: {{amount_limit: payout}}
          probe: {request_probe}
        examples:
          - title: A request
            value: {{general: {{project_id: 1, payment_id: p_1, signature: c2ln}}, payment: {{currency: KZT, amount: 100000}}}}
      callback:
        object: callback
        fields:
          probe: {callback_probe}
"#
    )
}

fn compile(method_text: &str) -> gatespec_codegen::Compiled {
    compile_with(method_text, &[]).unwrap_or_else(|rendered| {
        panic!("the table's spec does not check:\n{rendered}\n{method_text}")
    })
}

/// The probe method with other files beside it (`(path, text)`), or the
/// problems rendered.
fn compile_with(
    method_text: &str,
    extra: &[(&str, String)],
) -> Result<gatespec_codegen::Compiled, String> {
    let read = |f: &str| std::fs::read_to_string(common::root().join("specs").join(f)).expect(f);
    let mut texts = vec![
        SourceText {
            name: "brands.yaml".into(),
            rel: "brands.yaml".into(),
            text: read("brands.yaml"),
        },
        SourceText {
            name: "shared.yaml".into(),
            rel: "shared.yaml".into(),
            text: read("shared.yaml"),
        },
        SourceText {
            name: "monetix/probe.yaml".into(),
            rel: "monetix/probe.yaml".into(),
            text: method_text.into(),
        },
    ];
    for (rel, text) in extra {
        texts.push(SourceText {
            name: (*rel).into(),
            rel: (*rel).into(),
            text: text.clone(),
        });
    }
    gatespec_codegen::compile_texts(texts).map_err(|f| f.rendered)
}

/// Where an edit is made.
#[derive(Clone, Copy, Debug)]
enum In {
    Request,
    Callback,
    Method,
    /// `to` is another file the new spec set has (`<path>\n<text>`).
    Beside,
    /// `to` is the new spec set's name lock, after the old one's names
    /// (`from` is replaced by `to` in the lock the old set would write).
    Lock,
}

struct Case {
    name: &'static str,
    place: In,
    from: &'static str,
    to: &'static str,
    /// The change that must be reported (kind, level), if any.
    expect: Option<(&'static str, Level)>,
    breaking: bool,
}

fn case(
    name: &'static str,
    place: In,
    from: &'static str,
    to: &'static str,
    expect: Option<(&'static str, Level)>,
    breaking: bool,
) -> Case {
    Case {
        name,
        place,
        from,
        to,
        expect,
        breaking,
    }
}

#[test]
fn the_table_of_edits_gets_its_verdicts() {
    use In::*;
    use Level::*;
    let cases = [
        case(
            "a lifecycle gains a step with a status",
            Method,
            "      kind: payout\n",
            "      kind: payout\n      lifecycle: {steps: [{request: this}, {callback: awaiting confirmation}, {customer: page}, {callback: [success, decline]}]}\n",
            Some(("status-added", Breaking)),
            true,
        ),
        case(
            "a lifecycle gains a customer step",
            Method,
            "      kind: payout\n",
            "      kind: payout\n      lifecycle: {steps: [{request: this}, {customer: page}, {callback: [success, decline]}]}\n",
            Some(("step-added", Breaking)),
            true,
        ),
        case(
            "a lifecycle loses a status",
            Method,
            "      kind: payout\n",
            "      kind: payout\n      lifecycle: {steps: [{request: this}, {callback: success}]}\n",
            Some(("status-removed", Breaking)),
            true,
        ),
        case(
            "the shared lifecycle written out unchanged",
            Method,
            "      kind: payout\n",
            "      kind: payout\n      lifecycle: {steps: [{request: this}, {callback: [success, decline]}]}\n",
            None,
            false,
        ),
        case(
            "max length tightened in a request",
            Request,
            "max_length: 10",
            "max_length: 5",
            Some(("bound-tightened", Breaking)),
            true,
        ),
        case(
            "max length tightened in a callback",
            Callback,
            "max_length: 10",
            "max_length: 5",
            Some(("bound-tightened", Info)),
            false,
        ),
        case(
            "max length relaxed in a request",
            Request,
            "max_length: 10",
            "max_length: 20",
            Some(("bound-relaxed", Info)),
            false,
        ),
        case(
            "max length relaxed in a callback",
            Callback,
            "max_length: 10",
            "max_length: 20",
            Some(("bound-relaxed", Breaking)),
            true,
        ),
        case(
            "optional becomes required in a request",
            Request,
            "required: optional, description: Kind.",
            "required: strict, description: Kind.",
            Some(("field-required", Breaking)),
            true,
        ),
        case(
            "optional becomes required in a callback",
            Callback,
            "required: optional, description: Kind.",
            "required: strict, description: Kind.",
            Some(("field-required", Info)),
            false,
        ),
        case(
            "required becomes optional in a request",
            Request,
            "type: string, required: strict, description: Code.",
            "type: string, required: optional, description: Code.",
            Some(("field-optional", Info)),
            false,
        ),
        case(
            "required becomes optional in a callback",
            Callback,
            "type: string, required: strict, description: Code.",
            "type: string, required: optional, description: Code.",
            Some(("field-optional", Breaking)),
            true,
        ),
        case(
            "a closed set gains a value in a request",
            Request,
            "enum: [a, b]",
            "enum: [a, b, c]",
            Some(("value-added", Info)),
            false,
        ),
        case(
            "a closed set gains a value in a callback",
            Callback,
            "enum: [a, b]",
            "enum: [a, b, c]",
            Some(("value-added", Breaking)),
            true,
        ),
        case(
            "a closed set loses a value in a request",
            Request,
            "enum: [a, b]",
            "enum: [a]",
            Some(("value-removed", Breaking)),
            true,
        ),
        case(
            "a closed set loses a value in a callback",
            Callback,
            "enum: [a, b]",
            "enum: [a]",
            Some(("value-removed", Info)),
            false,
        ),
        case(
            "a new required field in a request",
            Request,
            "fields: {code",
            "fields: {extra: {type: string, required: strict, description: Extra.}, code",
            Some(("field-added-required", Breaking)),
            true,
        ),
        case(
            "a new always-sent field in a callback",
            Callback,
            "fields: {code",
            "fields: {extra: {type: string, required: strict, description: Extra.}, code",
            Some(("rust-constructor-argument", Breaking)),
            true,
        ),
        case(
            "a new optional field in a request",
            Request,
            "fields: {code",
            "fields: {extra: {type: string, required: optional, description: Extra.}, code",
            Some(("field-added", Info)),
            false,
        ),
        case(
            "a type changes in a request",
            Request,
            "count: {type: integer, required: optional, description: Count., minimum: 1, maximum: 100}",
            "count: {type: string, required: optional, description: Count.}",
            Some(("type-changed", Breaking)),
            true,
        ),
        case(
            "a type changes in a callback",
            Callback,
            "count: {type: integer, required: optional, description: Count., minimum: 1, maximum: 100}",
            "count: {type: string, required: optional, description: Count.}",
            Some(("type-changed", Breaking)),
            true,
        ),
        case(
            "a minimum rises in a request",
            Request,
            "minimum: 1,",
            "minimum: 5,",
            Some(("bound-tightened", Breaking)),
            true,
        ),
        case(
            "a maximum goes in a callback",
            Callback,
            ", maximum: 100",
            "",
            Some(("bound-relaxed", Breaking)),
            true,
        ),
        case(
            "a new const in a request",
            Request,
            "description: Kind., enum: [a, b]",
            "description: Kind., const: a",
            Some(("const-added", Breaking)),
            true,
        ),
        case(
            "known values grow in a request",
            Request,
            "description: Code., max_length: 10",
            "description: Code., max_length: 10, known: [x, y]",
            Some(("known-values-changed", Info)),
            false,
        ),
        case(
            "a pattern is added in a request",
            Request,
            "description: Code., max_length: 10",
            "description: Code., max_length: 10, pattern: '^[a-z]+$'",
            Some(("pattern-added", Breaking)),
            true,
        ),
        case(
            "an always-sent field goes from a callback",
            Callback,
            "code: {type: string, required: strict, description: Code., max_length: 10}, ",
            "",
            Some(("field-removed", Breaking)),
            true,
        ),
        case(
            "a field goes from a request",
            Request,
            "code: {type: string, required: strict, description: Code., max_length: 10}, ",
            "",
            Some(("field-removed", Warning)),
            false,
        ),
        case(
            "a description is reworded",
            Request,
            "description: Code.",
            "description: The code.",
            Some(("description-changed", Info)),
            false,
        ),
        case(
            "the endpoint path changes",
            Method,
            "path: /v2/payment/probe/payout",
            "path: /v2/payment/probe/payout2",
            Some(("endpoint-changed", Breaking)),
            true,
        ),
        case(
            "an operation is renamed (removed and added)",
            Method,
            "    payout:\n      title",
            "    payout2:\n      title",
            Some(("operation-removed", Breaking)),
            true,
        ),
        case(
            "the amount limit tightens",
            Method,
            "min: \"10.00\"",
            "min: \"20.00\"",
            Some(("bound-tightened", Breaking)),
            true,
        ),
        case(
            "the amount limit relaxes",
            Method,
            "min: \"10.00\"",
            "min: \"5.00\"",
            Some(("bound-relaxed", Info)),
            false,
        ),
        case(
            "a step is added in a request",
            Request,
            "maximum: 100}",
            "maximum: 100, multiple_of: 5}",
            Some(("multiple-of-added", Breaking)),
            true,
        ),
        case(
            "the amount limit gains a step",
            Method,
            "min: \"10.00\",",
            "min: \"10.00\", step: \"5.00\",",
            Some(("multiple-of-added", Breaking)),
            true,
        ),
        case(
            "a step is added in a callback",
            Callback,
            "maximum: 100}",
            "maximum: 100, multiple_of: 5}",
            Some(("multiple-of-added", Info)),
            false,
        ),
        case(
            "a maximum drops in a request",
            Request,
            "maximum: 100",
            "maximum: 50",
            Some(("bound-tightened", Breaking)),
            true,
        ),
        case(
            "a maximum drops in a callback",
            Callback,
            "maximum: 100",
            "maximum: 50",
            Some(("bound-tightened", Info)),
            false,
        ),
        case(
            "a pattern is added in a callback",
            Callback,
            "max_length: 10",
            "max_length: 10, pattern: \"^[a-z]+$\"",
            Some(("pattern-added", Info)),
            false,
        ),
        case(
            "a description is reworded in a callback",
            Callback,
            "description: Count.",
            "description: How many.",
            Some(("description-changed", Info)),
            false,
        ),
        case(
            "a new optional field in a callback",
            Callback,
            "fields: {code",
            "fields: {extra: {type: string, required: optional, description: Extra.}, code",
            Some(("field-added", Info)),
            false,
        ),
        case(
            "a sometimes-sent field goes from a callback",
            Callback,
            ", count: {type: integer, required: optional, description: Count., minimum: 1, maximum: 100}",
            "",
            Some(("field-removed", Warning)),
            false,
        ),
        case(
            "a shared object narrowed by the method becomes the method's type",
            Method,
            "general: {object: general, required: strict, description: General request information.}",
            "general: {object: general, required: strict, description: General request information., refine: {payment_id: {max_length: 20}}}",
            Some(("rust-type-renamed", Breaking)),
            true,
        ),
        case(
            "a shared object only reworded by the method stays the brand's type",
            Method,
            "general: {object: general, required: strict, description: General request information.}",
            "general: {object: general, required: strict, description: General request information., refine: {payment_id: {description: The payment.}}}",
            Some(("description-changed", Info)),
            false,
        ),
        case(
            "a type's Rust name is changed in the lock",
            Lock,
            "rust: monetix::probe::types::Probe,",
            "rust: monetix::probe::types::Sonde,",
            Some(("rust-type-renamed", Breaking)),
            true,
        ),
        case(
            "a type's schema name is changed in the lock (schema-names does not fail by default)",
            Lock,
            "schema: ProbeProbe}",
            "schema: ProbeSonde}",
            Some(("schema-name-changed", Breaking)),
            false,
        ),
        case(
            "a method is added",
            Beside,
            "",
            "monetix/extra.yaml\nmethod:\n  id: extra\n  brand: monetix\n  code: extra\n  name: Extra method\n  source: synthetic\n  summary: Another method.\n  countries: [KZ]\n  currencies: [KZT]\n  interfaces: {payout: [gate]}\n  operations:\n    payout:\n      title: Payout by using Gate\n      kind: payout\n      interface: gate\n      endpoint: {method: POST, path: /v2/payment/extra/payout}\n      request:\n        fields:\n          general: {object: general, required: strict, description: General request information.}\n          wallet: {type: object, required: strict, description: Wallet., fields: {id: {type: string, required: strict, description: Wallet id.}}}\n      callback:\n        object: callback\n",
            Some(("operation-added", Info)),
            false,
        ),
        case(
            "a method of two brands with a variant is added",
            Beside,
            "",
            "methods/extra-cards.yaml\nmethod:\n  id: extra-cards\n  brands: [monetix, rocketpay]\n  code: extra-cards\n  name: Extra cards by {brand}\n  source: synthetic\n  summary: Another method.\n  countries: [KZ]\n  currencies: [KZT]\n  interfaces: {payout: [gate]}\n  operations:\n    payout:\n      title: Payout by using Gate\n      kind: payout\n      interface: gate\n      endpoint: {method: POST, path: /v2/payment/extra-cards/payout}\n      request:\n        fields:\n          general: {object: general, required: strict, description: General request information.}\n          wallet: {type: object, required: strict, description: Wallet., fields: {id: {type: string, required: strict, description: Wallet id.}}}\n      callback:\n        object: callback\n",
            Some(("operation-added", Info)),
            false,
        ),
        case(
            "a method is added on the probe's endpoint (an error, not a report)",
            Beside,
            "",
            "monetix/extra.yaml\nmethod:\n  id: extra\n  brand: monetix\n  code: extra\n  name: Extra method\n  source: synthetic\n  summary: Another method.\n  countries: [KZ]\n  currencies: [KZT]\n  interfaces: {payout: [gate]}\n  operations:\n    payout:\n      title: Payout by using Gate\n      kind: payout\n      interface: gate\n      endpoint: {method: POST, path: /v2/payment/probe/payout}\n      request:\n        fields:\n          general: {object: general, required: strict, description: General request information.}\n          wallet: {type: object, required: strict, description: Wallet., fields: {id: {type: string, required: strict, description: Wallet id.}}}\n      callback:\n        object: callback\n",
            Some(("is already the endpoint of", Breaking)),
            true,
        ),
    ];
    let base = method(PROBE, PROBE);
    let old = compile(&base);
    assert!(
        diff(&old, &old).changes.is_empty(),
        "a spec set differs from itself"
    );
    let mut failures = Vec::new();
    let old_lock = old.types.lock().render();
    for c in &cases {
        let edited_probe = PROBE.replacen(c.from, c.to, 1);
        let mut beside = Vec::new();
        let new_text = match c.place {
            In::Request => method(&edited_probe, PROBE),
            In::Callback => method(PROBE, &edited_probe),
            In::Method => base.replacen(c.from, c.to, 1),
            In::Beside => {
                let (path, text) = c.to.split_once('\n').expect("<path>\\n<text>");
                beside.push((path, text.to_string()));
                base.clone()
            }
            In::Lock => {
                let lock = old_lock.replacen(c.from, c.to, 1);
                assert_ne!(lock, old_lock, "{}: the edit changes nothing", c.name);
                beside.push(("names.lock", lock));
                base.clone()
            }
        };
        if beside.is_empty() {
            assert_ne!(new_text, base, "{}: the edit changes nothing", c.name);
        }
        let new = match compile_with(&new_text, &beside) {
            Ok(new) => new,
            // A new spec set that does not check is reported as an error
            // (the CLI exits 2); the case names the message.
            Err(rendered) => {
                if !matches!(c.expect, Some((words, _)) if rendered.contains(words)) {
                    failures.push(format!("{}: does not check:\n{rendered}", c.name));
                }
                continue;
            }
        };
        let report = diff(&old, &new);
        for ch in &report.changes {
            assert_eq!(ch.category, Category::of(ch.kind), "{}", c.name);
            assert_eq!(ch.fingerprint.len(), 16, "{}", c.name);
            assert!(
                ch.file.is_some() && ch.line.is_some(),
                "{}: {ch:?} has no place",
                c.name
            );
        }
        let found = match c.expect {
            Some((kind, level)) => report
                .changes
                .iter()
                .any(|ch| ch.kind == kind && ch.level == level),
            None => report.changes.is_empty(),
        };
        if !found || report.breaking != c.breaking {
            failures.push(format!(
                "{}: expected {:?}, breaking {}; got {:#?}",
                c.name, c.expect, c.breaking, report.changes
            ));
        }
    }
    println!(
        "diff table: {} cases, {} as expected",
        cases.len(),
        cases.len() - failures.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn the_cli_exits_by_verdict_and_prints_json() {
    let dir = tempfile::tempdir().expect("temp");
    let write = |sub: &str, text: &str| {
        let root = dir.path().join(sub);
        std::fs::create_dir_all(root.join("monetix")).expect("dir");
        for f in ["brands.yaml", "shared.yaml"] {
            std::fs::copy(common::root().join("specs").join(f), root.join(f)).expect("copy");
        }
        std::fs::write(root.join("monetix/probe.yaml"), text).expect("write");
        root.to_str().expect("UTF-8").to_string()
    };
    let old = write("old", &method(PROBE, PROBE));
    let new = write(
        "new",
        &method(&PROBE.replacen("max_length: 10", "max_length: 5", 1), PROBE),
    );
    let (code, out, err) = common::gatespec(&["diff", &old, &new, "--format", "json"]);
    assert_eq!(code, 1, "{err}");
    let report: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(report["breaking"], true);
    let change = &report["changes"][0];
    for key in ["operation", "role", "pointer", "level", "kind", "message"] {
        assert!(change.get(key).is_some(), "no {key} in {change}");
    }
    assert_eq!(change["pointer"], "/probe/code");
    assert_eq!(change["role"], "request");
    let (code, _, err) = common::gatespec(&["diff", &old, &old]);
    assert_eq!(code, 0, "{err}");
    let (code, out, _) = common::gatespec(&["diff", &old, &new, "--format", "markdown"]);
    assert_eq!(code, 1);
    assert!(
        out.contains("| breaking | wire | `monetix/probe/payout` | request | `/probe/code` |"),
        "{out}"
    );
    // Only the categories named fail the run.
    let (code, _, err) = common::gatespec(&["diff", &old, &new, "--fail-on", "docs,rust-api"]);
    assert_eq!(code, 0, "{err}");
    let (code, _, _) = common::gatespec(&["diff", &old, &new, "--fail-on", "wire"]);
    assert_eq!(code, 1);
    let (code, _, err) = common::gatespec(&["diff", &old, &new, "--fail-on", "colour"]);
    assert_eq!(code, 2, "{err}");
    // GitHub annotations on the spec line; the failing change is an error.
    let (code, out, _) = common::gatespec(&["diff", &old, &new, "--format", "github"]);
    assert_eq!(code, 1);
    let line = out
        .lines()
        .find(|l| l.contains("/probe/code"))
        .expect("the change is annotated");
    assert!(line.starts_with("::error file="), "{line}");
    assert!(line.contains("probe.yaml,line="), "{line}");
    assert!(
        line.contains("title=gatespec diff%3A breaking bound-tightened (wire)::"),
        "{line}"
    );
    // SARIF: a result per change, with its rule, place and fingerprint.
    let (code, out, _) = common::gatespec(&["diff", &old, &new, "--format", "sarif"]);
    assert_eq!(code, 1);
    let sarif: serde_json::Value = serde_json::from_str(&out).expect("SARIF is JSON");
    assert_eq!(sarif["version"], "2.1.0");
    let results = sarif["runs"][0]["results"].as_array().expect("results");
    let tightened = results
        .iter()
        .find(|r| r["ruleId"] == "bound-tightened")
        .expect("the change");
    assert_eq!(tightened["level"], "error");
    assert!(tightened["partialFingerprints"]["gatespecDiff/v1"].is_string());
    let place = &tightened["locations"][0]["physicalLocation"];
    assert!(
        place["artifactLocation"]["uri"]
            .as_str()
            .is_some_and(|u| u.ends_with("monetix/probe.yaml"))
    );
    assert!(place["region"]["startLine"].as_u64().is_some_and(|l| l > 1));
    let rules = sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .expect("rules");
    assert!(
        results.iter().all(
            |r| rules[r["ruleIndex"].as_u64().unwrap_or(u64::MAX) as usize]["id"] == r["ruleId"]
        )
    );
    // The same comparison gives the same fingerprints.
    let (_, again, _) = common::gatespec(&["diff", &old, &new, "--format", "sarif"]);
    assert_eq!(out, again);
    let (code, _, err) = common::gatespec(&["diff", &new]);
    assert_eq!(code, 2, "{err}");
    let (code, _, err) = common::gatespec(&["diff", &old, "/nonexistent-gatespec-dir"]);
    assert_eq!(code, 2, "{err}");
}

/// `diff --base REV DIR` compares DIR with itself at REV (the one
/// directory is the new one), and problems in the old specs are named by
/// the revision, not by a temporary directory.
#[test]
fn base_takes_the_directory_it_is_given() {
    let repo = tempfile::tempdir().expect("temp");
    let specs = repo.path().join("specs");
    std::fs::create_dir_all(specs.join("monetix")).expect("dir");
    for f in ["brands.yaml", "shared.yaml"] {
        std::fs::copy(common::root().join("specs").join(f), specs.join(f)).expect("copy");
    }
    let git = |args: &[&str]| {
        let out = std::process::Command::new("git")
            .args([
                "-c",
                "user.name=t",
                "-c",
                "user.email=t@example.com",
                "-c",
                "commit.gpgsign=false",
            ])
            .args(args)
            .current_dir(repo.path())
            .output()
            .expect("git runs");
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    git(&["init", "-q"]);
    let probe = specs.join("monetix/probe.yaml");
    std::fs::write(&probe, method(PROBE, PROBE)).expect("write");
    git(&["add", "."]);
    git(&["commit", "-qm", "old"]);
    std::fs::write(
        &probe,
        method(&PROBE.replacen("max_length: 10", "max_length: 5", 1), PROBE),
    )
    .expect("write");
    let dir = specs.to_str().expect("UTF-8");
    let (code, out, err) = common::gatespec(&["diff", "--base", "HEAD", dir]);
    assert_eq!(code, 1, "breaking at HEAD..work tree: {out}{err}");
    assert!(out.contains("/probe/code"), "{out}");
    // Old specs that do not check are named as DIR@REV.
    std::fs::write(&probe, "method: [broken").expect("write");
    git(&["commit", "-qam", "broken"]);
    std::fs::write(&probe, method(PROBE, PROBE)).expect("write");
    let (code, _, err) = common::gatespec(&["diff", "--base", "HEAD", dir]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains(&format!("{dir}@HEAD")), "{err}");
    assert!(
        !err.contains("/tmp/.tmp") || err.contains(&format!("{dir}@HEAD")),
        "{err}"
    );
}

/// Run where there are no specs, a command says which directory it looked
/// in and names `--specs`.
#[test]
fn a_missing_spec_directory_names_the_flag_and_the_path() {
    let (code, _, err) = common::gatespec(&["check", "--specs", "/nonexistent-gatespec-specs"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("--specs"), "{err}");
    assert!(err.contains("/nonexistent-gatespec-specs"), "{err}");
}
