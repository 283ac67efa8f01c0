//! The specs say what their documents say: every note of a request
//! parameter is in the method's own source document (so an inherited
//! paragraph cannot put words into a document that lacks them), and the
//! conditional rules follow the documents' words.

use crate::common;

use gatespec_codegen::ir::{BodyRole, Field, Operation, Ty};
use gatespec_runtime::validate::Code;
use serde_json::Value;

/// Text with runs of whitespace made single spaces, and typographic
/// apostrophes made plain.
fn normalized(text: &str) -> String {
    text.replace(['\u{2019}', '\u{2018}'], "'")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn fields<'a>(ty: &'a Ty, path: String, out: &mut Vec<(String, &'a Field)>) {
    match ty {
        Ty::Object(o) => {
            for f in &o.fields {
                let at = format!("{path}/{}", f.name);
                out.push((at.clone(), f));
                fields(&f.ty, at, out);
            }
        }
        Ty::Array(item) => fields(item, format!("{path}/0"), out),
        _ => {}
    }
}

/// Every field of every body of `op`, with the body's role and the field's
/// pointer.
fn body_fields(op: &Operation) -> Vec<(BodyRole, String, &Field)> {
    let mut out = Vec::new();
    for (role, body) in op.bodies() {
        let mut all = Vec::new();
        fields(&body.ty, String::new(), &mut all);
        out.extend(all.into_iter().map(|(pointer, f)| (role, pointer, f)));
    }
    out
}

#[test]
fn every_request_note_is_in_its_own_document() {
    let compiled = common::specs();
    let root = common::root().join("specs");
    let mut checked = 0;
    let mut missing = Vec::new();
    for m in &compiled.ir.methods {
        let Ok(text) = std::fs::read_to_string(root.join(&m.source)) else {
            continue;
        };
        let document = normalized(&text);
        for op in &m.operations {
            let mut all = Vec::new();
            fields(&op.request.ty, String::new(), &mut all);
            for (pointer, f) in all {
                for note in &f.notes {
                    checked += 1;
                    if !document.contains(&normalized(note)) {
                        missing.push(format!("{}: {pointer}: {note}", op.full_id));
                    }
                }
            }
        }
    }
    assert!(checked > 0);
    assert!(
        missing.is_empty(),
        "notes not in their method's document:\n{}",
        missing.join("\n")
    );
}

/// The seed refund request with `payment` changed by `edit`.
fn refund(edit: impl Fn(&mut serde_json::Map<String, Value>)) -> Vec<u8> {
    let compiled = common::specs();
    let (_, op) = compiled
        .ir
        .operation("monetix/mobile/refund")
        .expect("the seed refund");
    let mut v = op.request.examples[0].value.clone();
    if let Some(p) = v["payment"].as_object_mut() {
        edit(p);
    }
    serde_json::to_vec(&v).expect("json")
}

#[test]
fn a_partial_refund_needs_its_currency_and_a_full_one_may_name_it() {
    // "required when performing a partial refund": an amount makes the
    // refund partial, so it needs a currency; a currency alone is a full
    // refund, which the document does not forbid.
    let only_currency = refund(|p| {
        p.remove("amount");
    });
    assert!(
        common::generated("monetix/mobile/refund", BodyRole::Request, &only_currency).is_ok(),
        "a full refund with only payment.currency is valid"
    );
    let only_amount = refund(|p| {
        p.remove("currency");
    });
    let report = common::generated("monetix/mobile/refund", BodyRole::Request, &only_amount)
        .expect_err("an amount without its currency");
    let found: Vec<_> = report
        .errors
        .iter()
        .map(|e| (e.pointer.as_str(), e.code))
        .collect();
    assert_eq!(found, [("/payment", Code::DependentRequired)]);
    let neither = refund(|p| {
        p.remove("currency");
        p.remove("amount");
    });
    assert!(common::generated("monetix/mobile/refund", BodyRole::Request, &neither).is_ok());
}

#[test]
fn every_example_a_method_shows_is_from_its_own_document() {
    // Field examples are what a reader of the method's docs and schemas
    // sees; each must be in the method's own document, never another's
    // (a KZT currency or an `smp-p2p-kz` method on a KGS method's page).
    let compiled = common::specs();
    let root = common::root().join("specs");
    let mut checked = 0;
    let mut foreign = Vec::new();
    for m in &compiled.ir.methods {
        let Ok(text) = std::fs::read_to_string(root.join(&m.source)) else {
            continue;
        };
        let document = normalized(&text);
        for op in &m.operations {
            for (role, pointer, f) in body_fields(op) {
                let Some(example) = &f.example else { continue };
                let shown = match example {
                    Value::String(s) => normalized(s),
                    other => other.to_string(),
                };
                checked += 1;
                // JSON in the documents may escape `/` as `\/`.
                let escaped = shown.replace('/', "\\/");
                if !document.contains(&shown) && !document.contains(&escaped) {
                    foreign.push(format!("{} {role:?} {pointer}: {example}", op.full_id));
                }
            }
        }
    }
    assert!(checked > 0);
    assert!(
        foreign.is_empty(),
        "examples not in their method's document:\n{}",
        foreign.join("\n")
    );
}

#[test]
fn no_page_shows_a_currency_its_method_does_not_take() {
    let compiled = common::specs();
    let all: std::collections::BTreeSet<&String> = compiled
        .ir
        .methods
        .iter()
        .flat_map(|m| &m.currencies)
        .collect();
    for m in &compiled.ir.methods {
        let page = gatespec_codegen::emit::docs::method_page(m);
        for currency in all.iter().filter(|c| !m.currencies.contains(c)) {
            assert!(
                !page.contains(&format!("`\"{currency}\"`")),
                "{}/{}: the page shows a {currency} example",
                m.brand,
                m.id
            );
        }
    }
}

#[test]
fn pages_say_no_more_than_their_documents_and_nothing_twice() {
    let compiled = common::specs();
    let root = common::root().join("specs");
    for m in &compiled.ir.methods {
        let page = gatespec_codegen::emit::docs::method_page(m);
        let id = format!("{}/{}", m.brand, m.id);
        if let Ok(text) = std::fs::read_to_string(root.join(&m.source)) {
            let document = normalized(&text).to_lowercase();
            let phrase = "may change without notice";
            assert!(
                !page.to_lowercase().contains(phrase) || document.contains(phrase),
                "{id}: the page says \"{phrase}\", its document does not"
            );
        }
        for line in page.lines().filter(|l| l.starts_with('|')) {
            assert!(
                line.matches("Example:").count() <= 1,
                "{id}: an example twice: {line}"
            );
            assert!(
                !line.starts_with("| | |"),
                "{id}: a row of empty cells: {line}"
            );
        }
    }
}

#[test]
fn every_field_example_passes_its_own_rules() {
    // Docs and schemas show field examples next to the field's rules; an
    // example its own field rejects would teach the wrong thing.
    let compiled = common::specs();
    let mut checked = 0;
    for (_, op) in compiled.ir.operations() {
        for (role, pointer, f) in body_fields(op) {
            let Some(example) = &f.example else { continue };
            let report = gatespec_codegen::interpret::validate(&f.ty, example);
            assert!(
                report.is_valid(),
                "{} {role:?} {pointer}: example {example} breaks its rules: {:?}",
                op.full_id,
                report.errors
            );
            checked += 1;
        }
    }
    assert!(checked > 0);
}

#[test]
fn timings_are_data_in_schemas_and_rust() {
    let compiled = common::specs();
    let mut checked = 0;
    // Published in the schema index (not as a keyword inside the schemas,
    // which Ajv's default strict mode refuses).
    let index: Value = serde_json::from_str(
        &std::fs::read_to_string(common::root().join("generated/schemas/index.json"))
            .expect("the schema index"),
    )
    .expect("JSON");
    for (m, op) in compiled.ir.operations() {
        for (role, body) in op.bodies() {
            let schema = common::schema(compiled, m, op, role, body);
            assert!(
                schema
                    .get(gatespec_codegen::emit::schema::TIMINGS_KEYWORD)
                    .is_none(),
                "{}: a keyword Ajv does not know",
                op.full_id
            );
            let entry = index["schemas"]
                .as_array()
                .and_then(|a| a.iter().find(|e| e["operation"] == op.full_id.as_str()))
                .unwrap_or_else(|| panic!("{} {role:?}: not in the index", op.full_id));
            let published = entry.get("timings");
            if op.timings.is_empty() {
                assert!(published.is_none(), "{}", op.full_id);
                continue;
            }
            let published = published.and_then(Value::as_array).expect("timings");
            assert_eq!(published.len(), op.timings.len(), "{}", op.full_id);
            for (t, p) in op.timings.iter().zip(published) {
                assert_eq!(p["id"], t.id.as_str());
                assert_eq!(p["kind"], t.kind.as_str());
                assert_eq!(p["min_seconds"].as_u64(), t.min_seconds);
                assert_eq!(p["max_seconds"].as_u64(), t.max_seconds);
                assert_eq!(p["max_attempts"].as_u64(), t.max_attempts.map(u64::from));
                checked += 1;
            }
        }
    }
    assert!(checked > 0);
    // The generated constants carry the same figures (the OTP resend of
    // the seed Mobile Commerce method, as the spec gives it).
    let (_, op) = compiled
        .ir
        .operation("monetix/mobile/otp-resend")
        .expect("operation");
    let ir: Vec<_> = op
        .timings
        .iter()
        .map(|t| {
            (
                t.id.as_str(),
                t.kind.as_str(),
                t.min_seconds,
                t.max_seconds,
                t.max_attempts,
            )
        })
        .collect();
    let rust: Vec<_> = gatespec_client::monetix::mobile::otp_resend::TIMINGS
        .iter()
        .map(|t| {
            let kind = match t.kind {
                gatespec_runtime::TimingKind::Within => "within",
                gatespec_runtime::TimingKind::After => "after",
                gatespec_runtime::TimingKind::Average => "average",
            };
            (t.id, kind, t.min_seconds, t.max_seconds, t.max_attempts)
        })
        .collect();
    assert_eq!(rust, ir);
}

/// Every amount limit that holds in one currency only, with the pointer of
/// its object.
fn currency_bounds<'a>(
    ty: &'a Ty,
    at: String,
    out: &mut Vec<(String, &'a gatespec_codegen::ir::CurrencyBound)>,
) {
    match ty {
        Ty::Object(o) => {
            for b in &o.currency_bounds {
                out.push((at.clone(), b));
            }
            for f in &o.fields {
                currency_bounds(&f.ty, format!("{at}/{}", f.name), out);
            }
        }
        Ty::Array(item) => currency_bounds(item, format!("{at}/0"), out),
        _ => {}
    }
}

#[test]
fn a_limit_in_one_currency_bounds_amounts_in_that_currency_only() {
    // 004: the limit is in KGS, conversion is on Flashpay's side; a USD
    // payout is not bounded by KGS figures.
    let compiled = common::specs();
    let mut checked = 0;
    for (_, op) in compiled.ir.operations() {
        let mut bounds = Vec::new();
        currency_bounds(&op.request.ty, String::new(), &mut bounds);
        let Some(example) = op.request.examples.first() else {
            continue;
        };
        for (at, b) in bounds {
            let Some(min) = b.minimum.filter(|m| *m > 1) else {
                continue;
            };
            let with = |currency: &str| {
                let mut v = example.value.clone();
                v[at.trim_start_matches('/')][&b.currency_field] = Value::from(currency);
                v[at.trim_start_matches('/')][&b.amount] = Value::from(min - 1);
                serde_json::to_vec(&v).expect("json")
            };
            let pointer = format!("{at}/{}", b.amount);
            let report = common::generated(&op.full_id, BodyRole::Request, &with(&b.currency))
                .expect_err("below the limit in its own currency");
            assert!(
                report
                    .errors
                    .iter()
                    .any(|e| e.pointer == pointer && e.message.contains(&b.currency)),
                "{}: {report}",
                op.full_id
            );
            let other = if b.currency == "USD" { "EUR" } else { "USD" };
            assert!(
                common::generated(&op.full_id, BodyRole::Request, &with(other)).is_ok(),
                "{}: a {other} amount is bounded by {} figures",
                op.full_id,
                b.currency
            );
            checked += 1;
        }
    }
    println!("{checked} currency-bound limits checked");
}

#[test]
fn examples_wrapped_in_a_call_are_shown_in_it() {
    let compiled = common::specs();
    for m in &compiled.ir.methods {
        let page = gatespec_codegen::emit::docs::method_page(m);
        for op in &m.operations {
            for (_, body) in op.bodies() {
                for e in body.examples.iter().filter(|e| e.call.is_some()) {
                    let call = e.call.as_deref().unwrap_or_default();
                    let shown = format!("**{}**\n\n```", e.title);
                    let at = page
                        .find(&shown)
                        .unwrap_or_else(|| panic!("{}: {}", op.full_id, e.title));
                    let block = &page[at + shown.len()..];
                    assert!(
                        block.lines().nth(1) == Some(&format!("{call}(")),
                        "{}: {} is not shown inside {call}(...)",
                        op.full_id,
                        e.title
                    );
                }
            }
        }
    }
}

#[test]
fn inferred_fields_are_marked_wherever_they_are_read() {
    // The callback envelope is the specs' reading of the documents'
    // examples: every field it gives is labelled in docs and schemas.
    let compiled = common::specs();
    let mut marked = 0;
    for (m, op) in compiled.ir.operations() {
        let page = gatespec_codegen::emit::docs::method_page(m);
        for (role, pointer, f) in body_fields(op) {
            if f.inferred.is_none() {
                continue;
            }
            let described = gatespec_codegen::rules::field_description(f);
            let reason = format!("(inferred: {})", f.inferred.as_deref().unwrap_or_default());
            assert!(
                described.contains(&reason),
                "{} {role:?} {pointer}",
                op.full_id
            );
            // As the page names members: `[]` for an array's items.
            let mut dotted = String::new();
            for seg in pointer.trim_start_matches('/').split('/') {
                if seg == "0" {
                    dotted.push_str("[]");
                    continue;
                }
                if !dotted.is_empty() {
                    dotted.push('.');
                }
                dotted.push_str(seg);
            }
            // Rows repeat across a page's operations; one of them is this.
            let row = format!("| `{dotted}` |");
            assert!(
                page.lines()
                    .any(|l| l.starts_with(&row) && l.contains("(inferred: ")),
                "{}: no marked row for {dotted}",
                op.full_id
            );
            marked += 1;
        }
    }
    assert!(marked > 0);
}

/// The section titles a document points to with "see <Title>" (a title
/// runs to the end of its sentence or clause; "A and B" is two when B is
/// capitalized), by line.
fn pointers_of(text: &str) -> Vec<(u32, String)> {
    let mut out = Vec::new();
    for (n, line) in (1u32..).zip(text.lines()) {
        let mut rest = line;
        while let Some(at) = rest.find("see ").or_else(|| rest.find("See ")) {
            let after = rest[at + 4..].trim_start_matches("section ");
            rest = &rest[at + 4..];
            if !after.starts_with(|c: char| c.is_ascii_uppercase()) {
                continue;
            }
            let end = after
                .find(['.', ',', ';', ')'])
                .unwrap_or(after.len())
                .min(after.find(" Example").unwrap_or(after.len()));
            // "A and B" names two sections when B starts a title.
            let mut titles = after[..end].to_owned();
            for upper in 'A'..='Z' {
                titles = titles.replace(&format!(" and {upper}"), &format!("\n{upper}"));
            }
            for title in titles.lines() {
                out.push((n, title.trim().to_owned()));
            }
        }
    }
    out
}

#[test]
fn every_section_a_document_points_to_is_a_reference_of_its_method() {
    let compiled = common::specs();
    let root = common::root().join("specs");
    let mut checked = 0;
    for m in &compiled.ir.methods {
        let Ok(text) = std::fs::read_to_string(root.join(&m.source)) else {
            continue;
        };
        let lines: Vec<&str> = text.lines().collect();
        for r in &m.references {
            let line = lines.get(r.line as usize - 1).copied().unwrap_or_default();
            assert!(
                line.contains(&r.title),
                "{}/{}: line {} does not name {}",
                m.brand,
                m.id,
                r.line,
                r.title
            );
        }
        let own: Vec<&str> = m.tables.iter().map(|t| t.title.as_str()).collect();
        for (line, title) in pointers_of(&text) {
            if own.contains(&title.as_str()) {
                continue;
            }
            assert!(
                m.references
                    .iter()
                    .any(|r| r.line == line && r.title == title),
                "{}/{}: line {line} points to {title:?}, which is not among its references",
                m.brand,
                m.id
            );
            checked += 1;
        }
    }
    assert!(checked > 0);
}

#[test]
fn rows_and_notes_of_the_specs_own_are_marked() {
    let compiled = common::specs();
    for m in &compiled.ir.methods {
        let page = gatespec_codegen::emit::docs::method_page(m);
        for kind in &m.inferred_interfaces {
            assert!(
                page.lines()
                    .any(|l| l.starts_with(&format!("| {kind} (inferred) |"))),
                "{}/{}: the {kind} row is not marked",
                m.brand,
                m.id
            );
        }
        for (kind, _) in m
            .interfaces
            .iter()
            .filter(|(k, _)| !m.inferred_interfaces.contains(k))
        {
            assert!(page.lines().any(|l| l.starts_with(&format!("| {kind} |"))));
        }
        for note in &m.inferred_notes {
            assert!(
                page.contains(&format!("- (inferred) {note}")),
                "{}/{}",
                m.brand,
                m.id
            );
        }
    }
}

/// The documents' legends of requiredness ("strictly required—the
/// parameter must be in the initial request.") are on the pages, each in
/// the words of its own document; every document that has one is quoted.
#[test]
fn requiredness_legends_are_on_the_pages_in_the_documents_words() {
    let compiled = common::specs();
    let root = common::root().join("specs");
    let mut quoted = 0;
    for m in &compiled.ir.methods {
        let Ok(text) = std::fs::read_to_string(root.join(&m.source)) else {
            continue;
        };
        let document = normalized(&text);
        let page = gatespec_codegen::emit::docs::method_page(m);
        let mut legends = 0;
        for op in &m.operations {
            for (_, body) in op.bodies() {
                for line in &body.legend {
                    assert!(
                        document.contains(&normalized(line)),
                        "{}: {line:?} is not the document's",
                        op.full_id
                    );
                    assert!(
                        page.contains(line.as_str()),
                        "{}: {line:?} is not on the page",
                        op.full_id
                    );
                    legends += 1;
                }
            }
        }
        // A document with a legend has it quoted somewhere.
        if document.contains("strictly required—") {
            assert!(legends > 0, "{}: the document's legend is on no page", m.id);
        }
        quoted += legends;
    }
    assert!(quoted > 0);
}
