//! The seeds' lifecycles match their documents' numbered steps: each step
//! cites the flow items it stands for (or says why it is inferred), each
//! cited item is in the vendored document and reads as that kind of step,
//! and every item of the flow that is a request the merchant sends or a
//! callback the platform sends is cited by a step of that kind.

use crate::common;

/// Text with its whitespace runs made single spaces and its parenthesised
/// asides dropped, for comparing the specs' flow items with the document's
/// wrapped lines (the document ends some with a "(details)" link, the specs
/// name the operation a step is, "(operation clarification)").
fn flat(text: &str) -> String {
    let mut out = String::new();
    let mut depth = 0usize;
    for c in text.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace(" .", ".")
}

/// Whether a flow item reads as a step of `kind`.
fn reads_as(kind: &str, item: &str) -> bool {
    let item = item.to_lowercase();
    match kind {
        "request" => item.contains("request") || item.contains(" sends "),
        "callback" => item.contains("callback"),
        "customer" => item.contains("customer") || item.contains("checkout page"),
        _ => false,
    }
}

/// Whether a flow item is a callback the platform sends.
fn is_callback(item: &str) -> bool {
    let item = item.to_lowercase();
    item.contains("sends") && item.contains("callback")
}

/// Whether a flow item is a request the merchant sends.
fn is_merchant_request(item: &str) -> bool {
    let item = item.to_lowercase();
    (item.starts_with("your system sends") || item.starts_with("the web service sends"))
        && item.contains("request")
}

#[test]
fn the_seeds_lifecycles_follow_their_documents_numbered_steps() {
    let compiled = common::specs();
    let mut checked = 0;
    let mut wrong = Vec::new();
    for (m, op) in compiled.ir.operations() {
        let Some(l) = &op.lifecycle else {
            // An operation with a callback always has a lifecycle (its own
            // or the shared one for its kind).
            if op.callback.is_some() {
                wrong.push(format!("{}: a callback and no lifecycle", op.full_id));
            }
            continue;
        };
        if l.shared {
            continue;
        }
        let source = std::fs::read_to_string(common::root().join("specs").join(&m.source))
            .unwrap_or_else(|e| panic!("{}: {e}", m.source));
        let source = flat(&source);
        let mut cited = vec![None; op.flow.len()];
        for (i, step) in l.steps.iter().enumerate() {
            let kind = step.action.kind();
            if step.flow.is_empty() && step.inferred.is_none() {
                wrong.push(format!(
                    "{} step {}: cites no flow item and says nothing of why",
                    op.full_id,
                    i + 1
                ));
            }
            for &n in &step.flow {
                let item = &op.flow[n - 1];
                if !source.contains(&flat(item)) {
                    wrong.push(format!(
                        "{} flow item {n} is not in {}: {item}",
                        op.full_id, m.source
                    ));
                }
                cited[n - 1] = Some(kind);
            }
            // At least one cited item reads as the step's kind.
            if !step.flow.is_empty() && !step.flow.iter().any(|&n| reads_as(kind, &op.flow[n - 1]))
            {
                wrong.push(format!(
                    "{} step {} is a {kind}, and none of its flow items {:?} reads as one",
                    op.full_id,
                    i + 1,
                    step.flow
                ));
            }
            checked += 1;
        }
        for (n, item) in op.flow.iter().enumerate() {
            let must = if is_callback(item) {
                Some("callback")
            } else if is_merchant_request(item) {
                Some("request")
            } else {
                None
            };
            if let Some(kind) = must
                && cited[n] != Some(kind)
            {
                wrong.push(format!(
                    "{} flow item {} is a {kind} that no {kind} step cites: {item}",
                    op.full_id,
                    n + 1
                ));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "lifecycles against their documents:\n{}",
        wrong.join("\n")
    );
    println!("lifecycles: {checked} steps of the seeds' own lifecycles follow their documents");
}

/// The field names the methods' own files write (under `fields` or
/// `refine`), less those shared.yaml also writes: the names of particular
/// methods.
fn method_field_names() -> std::collections::BTreeSet<String> {
    use serde_json::Value;
    fn collect(node: &Value, out: &mut std::collections::BTreeSet<String>) {
        match node {
            Value::Object(map) => {
                for (k, v) in map {
                    if let (true, Value::Object(inner)) = (k == "fields" || k == "refine", v) {
                        out.extend(inner.keys().cloned());
                    }
                    collect(v, out);
                }
            }
            Value::Array(items) => items.iter().for_each(|v| collect(v, out)),
            _ => {}
        }
    }
    let root = common::root();
    let loaded = gatespec_codegen::load::load_dirs(&[
        &root.join("specs"),
        &root.join("tests/fixtures/new-method"),
    ]);
    let (mut shared, mut names) = Default::default();
    for file in &loaded.files {
        if file.value.get("method").is_some() {
            collect(&file.value, &mut names);
        } else {
            collect(&file.value, &mut shared);
            if let Some(objects) = file.value.get("objects").and_then(Value::as_object) {
                shared.extend(objects.keys().cloned());
            }
        }
    }
    names.retain(|n| !shared.contains(n));
    names
}

/// The string literals of Rust source that read a member: a JSON pointer
/// (`"/a/b"`) or a key looked up (`get("a")`, `["a"]`); comments left out.
fn member_literals(source: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut before = String::new();
    let mut chars = source.chars().peekable();
    while let Some(c) = chars.next() {
        if !c.is_whitespace() {
            before.push(c);
            if before.len() > 8 {
                before.remove(0);
            }
        }
        match c {
            '/' if chars.peek() == Some(&'/') => {
                for c in chars.by_ref() {
                    if c == '\n' {
                        break;
                    }
                }
            }
            '\'' => {
                // A char literal (or a lifetime, which ends at no quote
                // soon): skip what a char literal holds.
                let mut look = chars.clone();
                if look.next() == Some('\\') {
                    look.next();
                }
                if look.next() == Some('\'') {
                    chars = look;
                }
            }
            '"' => {
                let mut text = String::new();
                while let Some(c) = chars.next() {
                    match c {
                        '\\' => {
                            if let Some(n) = chars.next() {
                                text.push(n);
                            }
                        }
                        '"' => break,
                        c => text.push(c),
                    }
                }
                let lookup = before.ends_with("get(\"") || before.ends_with("[\"");
                if lookup || text.starts_with('/') {
                    out.push(text);
                }
            }
            _ => {}
        }
    }
    out
}

#[test]
fn the_sandbox_names_no_field_of_a_particular_method() {
    let names = method_field_names();
    assert!(!names.is_empty(), "the methods write fields of their own");
    let root = common::root();
    let mut files = vec![root.join("cli/src/sandbox.rs")];
    let mut dirs = vec![root.join("sandbox/src")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).expect("sandbox/src").flatten() {
            let path = entry.path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    let mut found = Vec::new();
    for file in &files {
        let source = std::fs::read_to_string(file).expect("source");
        for literal in member_literals(&source) {
            // A key or a pointer segment: the whole literal, or one of its
            // `/`-separated parts.
            for part in literal.split('/') {
                if names.contains(part) {
                    found.push(format!(
                        "{}: \"{literal}\" names `{part}`",
                        file.strip_prefix(&root).unwrap_or(file).display()
                    ));
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "the sandbox must read these from the specs' lifecycles:\n{}",
        found.join("\n")
    );
    println!(
        "sandbox: {} files hold none of the {} field names the methods write",
        files.len(),
        names.len()
    );
}

#[test]
fn every_method_page_says_how_to_test_it_and_draws_its_lifecycles() {
    let compiled = common::specs();
    let files = gatespec_codegen::emit::outputs(compiled);
    for m in &compiled.ir.methods {
        let page = &files[&format!("docs/{}", gatespec_codegen::emit::docs::method_page_path(m))];
        if let Some(t) = &m.testing {
            let section = page
                .split("## Testing this method")
                .nth(1)
                .unwrap_or_else(|| panic!("{}/{}: no testing section", m.brand, m.id));
            for d in &t.decline_minor_units {
                assert!(section.contains(&format!("{d:02}")), "{section}");
            }
            assert!(section.contains(&t.decline_code), "{section}");
            for d in &t.pending_minor_units {
                assert!(
                    section.contains(&format!("ending in {d:02} is never processed")),
                    "{section}"
                );
            }
            // Every final callback the lifecycle bounds in time is named
            // with the timing that bounds it.
            for op in &m.operations {
                let Some(l) = &op.lifecycle else { continue };
                let last = l.steps.iter().rev().find(|s| s.action.kind() == "callback");
                if let Some(within) = last.and_then(|s| s.within.as_deref())
                    && !t.pending_minor_units.is_empty()
                {
                    assert!(
                        section.contains(&format!("`{}` bounds that wait by `{within}`", op.id)),
                        "{section}"
                    );
                }
            }
        }
        let drawn = page.matches("```mermaid").count();
        let lifecycles = m
            .operations
            .iter()
            .filter(|o| o.lifecycle.is_some())
            .count();
        assert_eq!(
            drawn, lifecycles,
            "{}/{}: one diagram per lifecycle",
            m.brand, m.id
        );
    }
}
