//! Every diagnostic the generator can print is exercised by a test: read
//! from the generator's source, each message's fixed words must be in a
//! reviewed snapshot (the bad-spec fixtures) or in what a test asserts.
//! Adding a diagnostic without a fixture fails here.

/// Diagnostics no spec can reach, each with the reason: a fixture cannot
/// exercise them, so they are named here instead of silently skipped.
const UNREACHABLE: &[(&str, &str)] = &[
    (
        "internal: the spec schema does not compile: ",
        "the schema is generated from model.rs; `spec_schema` tests compile it",
    ),
    (
        "does not match the spec format: ",
        "the wording for a schema error kind the structural check does not name one by one; every kind the spec format's keywords produce is named",
    ),
    (
        "invalid: ",
        "as above, for an error kind with no instance path",
    ),
];

/// The words of a message that are the same in every instance: the longest
/// run of its format string between placeholders (`{{` and `}}` are braces).
fn fixed_words(format: &str) -> String {
    let text = format.replace("{{", "\u{1}").replace("}}", "\u{2}");
    let mut best = String::new();
    let mut current = String::new();
    let mut depth = 0;
    for c in text.chars() {
        match c {
            '{' => depth += 1,
            '}' if depth > 0 => depth -= 1,
            _ if depth == 0 => current.push(c),
            _ => {}
        }
        if depth > 0 && !current.is_empty() {
            if current.len() > best.len() {
                best = std::mem::take(&mut current);
            }
            current.clear();
        }
    }
    if current.len() > best.len() {
        best = current;
    }
    best.replace('\u{1}', "{")
        .replace('\u{2}', "}")
        .replace("\\\"", "\"")
}

/// Every diagnostic the generator can print, read from its source: the
/// first string after `.diag(` or `Diagnostic::new(file, pointer,`.
fn diagnostic_formats() -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut dirs = vec![crate::common::root().join("codegen/src")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).expect("codegen/src").flatten() {
            let path = entry.path();
            if path.is_dir() {
                dirs.push(path);
                continue;
            }
            let text = std::fs::read_to_string(&path).expect("source");
            for marker in [".diag(", "Diagnostic::new("] {
                for (at, _) in text.match_indices(marker) {
                    let mut rest = &text[at + marker.len()..];
                    if marker.starts_with("Diagnostic") {
                        // Skip the file and pointer arguments.
                        for _ in 0..2 {
                            rest = rest.split_once(',').map_or("", |(_, r)| r);
                        }
                    }
                    // The message as written: a literal, or a format
                    // string; a message made elsewhere is not read here.
                    let rest = rest.trim_start();
                    let rest = rest.strip_prefix("format!(").map_or(rest, str::trim_start);
                    let Some(body) = rest.strip_prefix('"') else {
                        continue;
                    };
                    let mut end = 0;
                    let bytes = body.as_bytes();
                    while end < bytes.len() && bytes[end] != b'"' {
                        end += if bytes[end] == b'\\' { 2 } else { 1 };
                    }
                    let line = text[..at].matches('\n').count() + 1;
                    out.push((
                        format!("{}:{line}", path.display()),
                        body[..end.min(body.len())].to_string(),
                    ));
                }
            }
        }
    }
    out
}

/// Every diagnostic the generator can print is exercised: its fixed words
/// are in a reviewed snapshot or in what a test asserts, or it is listed in
/// `UNREACHABLE` with its reason.
#[test]
fn every_diagnostic_of_the_generator_is_exercised() {
    let root = crate::common::root();
    let mut haystack = String::new();
    for dir in [
        "tests/tests/suite/snapshots",
        "tests/tests/suite",
        "cli/tests",
    ] {
        for entry in std::fs::read_dir(root.join(dir))
            .expect("a test directory")
            .flatten()
        {
            let path = entry.path();
            // This file names the unreachable ones; it proves nothing.
            if path.is_file() && !path.ends_with("diagnostics_coverage.rs") {
                haystack.push_str(&std::fs::read_to_string(&path).unwrap_or_default());
            }
        }
    }
    let formats = diagnostic_formats();
    assert!(
        formats.len() > 50,
        "only {} diagnostics were read",
        formats.len()
    );
    let missing: Vec<String> = formats
        .iter()
        .filter(|(_, f)| {
            let words = fixed_words(f);
            !haystack.contains(&words) && !UNREACHABLE.iter().any(|(u, _)| words == *u)
        })
        .map(|(at, f)| format!("{at}: {f}"))
        .collect();
    println!(
        "{} diagnostics, {} exercised, {} unreachable by construction",
        formats.len(),
        formats.len() - missing.len() - UNREACHABLE.len(),
        UNREACHABLE.len()
    );
    assert!(
        missing.is_empty(),
        "diagnostics no test exercises (add a fixture under tests/fixtures/bad-specs/): {missing:#?}"
    );
}
