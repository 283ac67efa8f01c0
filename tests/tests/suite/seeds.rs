//! No seed example is left out of the specs, and the specs invent none:
//! every JSON (or EPayWidget JavaScript) example block of every source
//! document in `specs/sources/` equals an example of the method whose
//! `source` is that document, and the other way round.

use crate::common;

use std::collections::BTreeSet;

use serde_json::Value;

/// The top-level `{...}`/`[...]` blocks of a document: those whose opening
/// bracket starts a line (after indentation).
fn blocks(text: &str) -> Vec<&str> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        // Brackets are ASCII, so `i` is a char boundary when it holds one.
        let opens = bytes[i] == b'{' || bytes[i] == b'[';
        if opens
            && text[..i]
                .rsplit('\n')
                .next()
                .is_some_and(|l| l.trim().is_empty())
        {
            let mut depth = 0;
            let mut quote: Option<u8> = None;
            let mut j = i;
            while j < bytes.len() {
                let c = bytes[j];
                match quote {
                    Some(_) if c == b'\\' => j += 1,
                    Some(q) if c == q => quote = None,
                    Some(_) => {}
                    None if c == b'"' || c == b'\'' => quote = Some(c),
                    None if c == b'{' || c == b'[' => depth += 1,
                    None if c == b'}' || c == b']' => {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    None => {}
                }
                j += 1;
            }
            out.push(&text[i..=j.min(bytes.len() - 1)]);
            i = j + 1;
        } else {
            i += 1;
        }
    }
    out
}

/// Turns a block into JSON: drops `//` comments, quotes bare keys and
/// rewrites single-quoted strings, which is all the documents' JavaScript
/// object literals need.
fn to_json(block: &str) -> String {
    let mut out = String::new();
    let mut chars = block.chars().peekable();
    let mut quote: Option<char> = None;
    let mut ident = String::new();
    while let Some(c) = chars.next() {
        if let Some(q) = quote {
            if c == '\\' {
                out.push(c);
                if let Some(n) = chars.next() {
                    out.push(n);
                }
            } else if c == q {
                out.push('"');
                quote = None;
            } else if c == '"' {
                out.push_str("\\\"");
            } else {
                out.push(c);
            }
            continue;
        }
        if c.is_alphanumeric() || c == '_' {
            ident.push(c);
            continue;
        }
        if !ident.is_empty() {
            let is_key = c == ':'
                || (c.is_whitespace() && chars.clone().find(|n| !n.is_whitespace()) == Some(':'));
            let literal =
                ident.parse::<f64>().is_ok() || ["true", "false", "null"].contains(&ident.as_str());
            if is_key && !literal {
                out.push_str(&format!("\"{ident}\""));
            } else {
                out.push_str(&ident);
            }
            ident.clear();
        }
        match c {
            '"' | '\'' => {
                quote = Some(c);
                out.push('"');
            }
            '/' if chars.peek() == Some(&'/') => {
                for n in chars.by_ref() {
                    if n == '\n' {
                        out.push('\n');
                        break;
                    }
                }
            }
            _ => out.push(c),
        }
    }
    out.push_str(&ident);
    out
}

#[test]
fn every_seed_example_is_in_the_specs_and_no_other() {
    let specs_dir = common::root().join("specs");
    let sources = specs_dir.join("sources");
    let compiled = common::specs();
    let mut documents = BTreeSet::new();
    let mut total = 0;
    let mut block_count = 0;
    for entry in
        std::fs::read_dir(&sources).unwrap_or_else(|e| panic!("{}: {e}", sources.display()))
    {
        let path = entry.expect("dir entry").path();
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_string();
        if !name.ends_with(".txt") {
            continue;
        }
        let source = format!("sources/{name}");
        documents.insert(source.clone());
        let text = std::fs::read_to_string(&path).expect("seed is UTF-8");
        let found = blocks(&text);
        assert!(!found.is_empty(), "{name}: no example block found");
        block_count += found.len();
        let from_seed: BTreeSet<String> = found
            .into_iter()
            .map(|b| {
                let v: Value = serde_json::from_str(&to_json(b))
                    .unwrap_or_else(|e| panic!("{name}: block does not parse ({e}):\n{b}"));
                v.to_string()
            })
            .collect();
        let methods: Vec<_> = compiled
            .ir
            .methods
            .iter()
            .filter(|m| m.source == source)
            .collect();
        assert_eq!(methods.len(), 1, "{name} is described by exactly one spec");
        let from_spec: BTreeSet<String> = methods[0]
            .operations
            .iter()
            .flat_map(|o| {
                o.bodies()
                    .flat_map(|(_, b)| b.examples.iter().map(|e| e.value.to_string()))
                    .collect::<Vec<_>>()
            })
            .collect();
        let missing: Vec<_> = from_seed.difference(&from_spec).collect();
        let invented: Vec<_> = from_spec.difference(&from_seed).collect();
        assert!(
            missing.is_empty(),
            "{name}: examples missing from specs/: {missing:#?}"
        );
        assert!(
            invented.is_empty(),
            "{name}: spec examples not in the document: {invented:#?}"
        );
        total += from_seed.len();
    }
    // Every method that names a vendored document is checked against it: a
    // `source` that points at no file would otherwise go unchecked.
    for m in &compiled.ir.methods {
        if m.source.starts_with("sources/") {
            assert!(
                documents.contains(&m.source),
                "{}: its source {} is not in specs/sources/",
                m.spec_file,
                m.source
            );
        }
    }
    assert!(
        !documents.is_empty(),
        "no source document in {}",
        sources.display()
    );
    println!(
        "seeds: {} documents, {block_count} example blocks, {total} distinct examples, all in the specs",
        documents.len()
    );
}

#[test]
fn the_javascript_converter_handles_the_documents_forms() {
    let js = "{\n\tproject_id: 1234,\n\tpayment_id: 'payment_47',\n\topts: {\"a\": 1}, // note\n\tsignature: 'x/y=='\n}";
    let v: Value = serde_json::from_str(&to_json(js)).expect("converted");
    assert_eq!(
        v,
        serde_json::json!({"project_id": 1234, "payment_id": "payment_47", "opts": {"a": 1}, "signature": "x/y=="})
    );
}
