//! The house's plan, read from the code: no two source files of a crate
//! import each other, directly or round a circle, and in the generator no
//! stage imports a later one (`check` never reaches into `emit`, an emitter
//! never into `diff`). The imports are read from `use` statements and from
//! `crate::` paths written inline (the generated code inside `quote!` is
//! not this house's and is left out).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::common;

/// A crate's source files by module path (`["emit", "rust"]`).
fn modules(src: &Path) -> BTreeMap<Vec<String>, PathBuf> {
    let mut out = BTreeMap::new();
    let mut stack = vec![src.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir)
            .expect("a source directory")
            .flatten()
        {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let rel = path.strip_prefix(src).expect("under src");
            let mut parts: Vec<String> = rel
                .iter()
                .map(|p| p.to_string_lossy().trim_end_matches(".rs").to_string())
                .collect();
            if matches!(
                parts.last().map(String::as_str),
                Some("mod" | "lib" | "main")
            ) {
                parts.pop();
            }
            // `main.rs` is the binary, a crate of its own beside the library.
            if rel == Path::new("main.rs") {
                continue;
            }
            out.insert(parts, path);
        }
    }
    out
}

/// `text` without comments, string and character literals, inline
/// `mod name { ... }` blocks (tests) and `quote! { ... }` bodies, so what
/// is left names only this file's own imports.
fn code_only(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < bytes.len() {
        let rest = &text[i..];
        if rest.starts_with("//") {
            i += rest.find('\n').unwrap_or(rest.len());
        } else if rest.starts_with("/*") {
            i += rest.find("*/").map_or(rest.len(), |e| e + 2);
        } else if bytes[i] == b'"' || rest.starts_with("r#\"") || rest.starts_with("r\"") {
            let (open, close) = if rest.starts_with("r#\"") {
                (3, "\"#")
            } else if rest.starts_with("r\"") {
                (2, "\"")
            } else {
                (1, "\"")
            };
            let mut j = i + open;
            while j < bytes.len() && !text.get(j..).is_some_and(|t| t.starts_with(close)) {
                j += if bytes[j] == b'\\' && open == 1 { 2 } else { 1 };
            }
            while j < bytes.len() && !text.is_char_boundary(j) {
                j += 1;
            }
            out.push_str("\"\"");
            i = (j + close.len()).min(bytes.len());
        } else if bytes[i] == b'\'' && (rest.get(2..3) == Some("'") || rest.starts_with("'\\")) {
            let end = rest[1..].find('\'').map_or(rest.len(), |e| e + 2);
            let end = (1..=end)
                .rev()
                .find(|&e| rest.is_char_boundary(e))
                .unwrap_or(1);
            out.push_str("' '");
            i += end;
        } else {
            let c = rest.chars().next().unwrap_or(' ');
            out.push(c);
            i += c.len_utf8();
        }
    }
    strip_blocks(&out)
}

/// Removes `quote! {..}`, `quote!(..)` and inline `mod x {..}` blocks.
fn strip_blocks(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    loop {
        let starts = [
            rest.find("quote! {"),
            rest.find("quote!{"),
            rest.find("quote!("),
            find_inline_mod(rest),
        ];
        let Some(at) = starts.into_iter().flatten().min() else {
            out.push_str(rest);
            return out;
        };
        out.push_str(&rest[..at]);
        let open = at + rest[at..].find(['{', '(']).unwrap_or(0);
        let mut depth = 0usize;
        let mut end = rest.len();
        for (k, c) in rest[open..].char_indices() {
            match c {
                '{' | '(' => depth += 1,
                '}' | ')' => {
                    depth -= 1;
                    if depth == 0 {
                        end = open + k + 1;
                        break;
                    }
                }
                _ => {}
            }
        }
        rest = &rest[end..];
    }
}

/// Where an inline module (`mod tests {`) starts.
fn find_inline_mod(text: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(at) = text[from..].find("mod ") {
        let at = from + at;
        let line_start = text[..at].rfind('\n').map_or(0, |n| n + 1);
        let before = text[line_start..at].trim();
        let after = &text[at + 4..];
        let name_end = after
            .find(|c: char| !(c.is_alphanumeric() || c == '_'))
            .unwrap_or(after.len());
        if (before.is_empty() || before == "pub" || before.starts_with("pub("))
            && after[name_end..].trim_start().starts_with('{')
        {
            return Some(at);
        }
        from = at + 4;
    }
    None
}

/// Every path a `use` tree names (`a::{b, c::{d as e}}` gives `a::b`,
/// `a::c::d`); `self` in a group names the prefix itself.
fn expand(tree: &str, prefix: &str, out: &mut Vec<String>) {
    let tree = tree.trim();
    if let Some(open) = tree.find('{') {
        let head = tree[..open].trim_end_matches("::").trim();
        let inner = &tree[open + 1..tree.rfind('}').unwrap_or(tree.len())];
        let base = join(prefix, head);
        let mut depth = 0;
        let mut start = 0;
        for (k, c) in inner.char_indices() {
            match c {
                '{' => depth += 1,
                '}' => depth -= 1,
                ',' if depth == 0 => {
                    expand(&inner[start..k], &base, out);
                    start = k + 1;
                }
                _ => {}
            }
        }
        expand(&inner[start..], &base, out);
    } else if !tree.is_empty() {
        let path = tree.split(" as ").next().unwrap_or(tree).trim();
        if path == "self" {
            out.push(prefix.to_string());
        } else {
            out.push(join(prefix, path));
        }
    }
}

fn join(a: &str, b: &str) -> String {
    match (a.is_empty(), b.is_empty()) {
        (true, _) => b.to_string(),
        (_, true) => a.to_string(),
        _ => format!("{a}::{b}"),
    }
}

/// The paths a file imports: its `use` statements and inline `crate::`
/// paths.
fn imported_paths(code: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = code;
    while let Some(at) = rest.find("use ") {
        let boundary = at == 0
            || !rest.as_bytes()[at - 1].is_ascii_alphanumeric() && rest.as_bytes()[at - 1] != b'_';
        let end = rest[at..].find(';').map_or(rest.len(), |e| at + e);
        if boundary {
            expand(&rest[at + 4..end], "", &mut out);
        }
        rest = &rest[(at + 4).min(end)..];
    }
    let bytes = code.as_bytes();
    let mut from = 0;
    while let Some(at) = code[from..].find("crate::") {
        let at = from + at;
        let prev = at.checked_sub(1).map(|p| bytes[p]);
        let next = bytes.get(at + 7).copied().unwrap_or(b' ');
        if prev.is_none_or(|p| !(p.is_ascii_alphanumeric() || p == b'_' || p == b':'))
            && (next.is_ascii_alphabetic() || next == b'_')
        {
            let len = code[at..]
                .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
                .unwrap_or(code.len() - at);
            out.push(code[at..at + len].trim_end_matches(':').to_string());
        }
        from = at + 7;
    }
    out
}

/// The module file a path names, seen from module `here`: the longest
/// prefix of the absolute path that is a file of the crate.
fn target(
    path: &str,
    here: &[String],
    is_dir_module: bool,
    files: &BTreeMap<Vec<String>, PathBuf>,
) -> Option<Vec<String>> {
    let segments: Vec<&str> = path.split("::").map(str::trim).collect();
    let mut absolute: Vec<String> = match segments.first().copied() {
        Some("crate") => Vec::new(),
        Some("super") => {
            // `super` of `a/b.rs` or of `a/b/mod.rs` is `a`.
            let _ = is_dir_module;
            let mut m = here.to_vec();
            m.pop();
            m
        }
        Some("self") => here.to_vec(),
        Some(first) if files.contains_key(&[here, &[first.to_string()]].concat()) => here.to_vec(),
        _ => return None,
    };
    let skip = usize::from(matches!(
        segments.first().copied(),
        Some("crate" | "super" | "self")
    ));
    let mut extra = segments[skip..].iter();
    // Further `super`s climb on.
    let mut rest = Vec::new();
    for s in extra.by_ref() {
        if *s == "super" {
            absolute.pop();
        } else {
            rest.push(s.to_string());
        }
    }
    absolute.extend(rest);
    while !absolute.is_empty() {
        if files.contains_key(&absolute) {
            return Some(absolute);
        }
        absolute.pop();
    }
    files.contains_key(&absolute).then_some(absolute)
}

/// Each file's imports of other files of the crate.
fn graph(src: &Path) -> BTreeMap<Vec<String>, BTreeSet<Vec<String>>> {
    let files = modules(src);
    let mut edges = BTreeMap::new();
    for (module, path) in &files {
        let text = std::fs::read_to_string(path).expect("a source file");
        let is_dir_module = path
            .file_name()
            .is_some_and(|n| n == "mod.rs" || n == "lib.rs");
        let mut to = BTreeSet::new();
        for p in imported_paths(&code_only(&text)) {
            if let Some(t) = target(&p, module, is_dir_module, &files)
                && &t != module
            {
                to.insert(t);
            }
        }
        edges.insert(module.clone(), to);
    }
    edges
}

fn name(m: &[String]) -> String {
    if m.is_empty() {
        "lib".into()
    } else {
        m.join("::")
    }
}

/// A circle of imports, if the graph has one.
fn circle(edges: &BTreeMap<Vec<String>, BTreeSet<Vec<String>>>) -> Option<Vec<String>> {
    // Depth-first search with colours; the grey path is the circle.
    fn visit(
        n: &Vec<String>,
        edges: &BTreeMap<Vec<String>, BTreeSet<Vec<String>>>,
        state: &mut BTreeMap<Vec<String>, u8>,
        path: &mut Vec<Vec<String>>,
    ) -> Option<Vec<String>> {
        state.insert(n.clone(), 1);
        path.push(n.clone());
        for m in edges.get(n).into_iter().flatten() {
            match state.get(m).copied().unwrap_or(0) {
                1 => {
                    let start = path.iter().position(|p| p == m).unwrap_or(0);
                    let mut c: Vec<String> = path[start..].iter().map(|p| name(p)).collect();
                    c.push(name(m));
                    return Some(c);
                }
                0 => {
                    if let Some(c) = visit(m, edges, state, path) {
                        return Some(c);
                    }
                }
                _ => {}
            }
        }
        path.pop();
        state.insert(n.clone(), 2);
        None
    }
    let mut state = BTreeMap::new();
    for n in edges.keys() {
        if state.get(n).copied().unwrap_or(0) == 0
            && let Some(c) = visit(n, edges, &mut state, &mut Vec::new())
        {
            return Some(c);
        }
    }
    None
}

const CRATES: [&str; 5] = ["codegen", "cli", "sandbox", "runtime", "macros"];

#[test]
fn no_two_files_import_each_other_round_a_circle() {
    let (mut files, mut imports) = (0, 0);
    for krate in CRATES {
        let src = common::root().join(krate).join("src");
        let edges = graph(&src);
        assert!(
            edges.len() > 1 || krate == "macros",
            "{krate}: no files read"
        );
        files += edges.len();
        imports += edges.values().map(BTreeSet::len).sum::<usize>();
        if let Some(c) = circle(&edges) {
            panic!("{krate}: files import each other: {}", c.join(" -> "));
        }
    }
    // The reader found the house's imports, not nothing.
    println!("{files} files, {imports} imports between them, no circle");
    assert!(
        imports > files,
        "only {imports} imports among {files} files were read"
    );
}

/// The generator's stages in pipeline order; a module may import its own
/// stage and earlier ones only. The foundations (plain data and helpers)
/// come first.
const STAGES: &[&[&str]] = &[
    &[
        "diagnostics",
        "suggest",
        "pattern",
        "parallel",
        "currency",
        "format",
        "model",
        "naming",
        "lifecycle",
        "ir",
        "shape",
        "spec_schema",
    ],
    &["load"],
    &["check"],
    &["resolve"],
    &["typespace", "rules", "compiled"],
    &["interpret"],
    &["emit"],
    &["diff"],
    &[""],
];

fn stage(m: &[String]) -> Option<usize> {
    let top = m.first().map_or("", String::as_str);
    STAGES.iter().position(|s| s.contains(&top))
}

#[test]
fn no_generator_stage_imports_a_later_one() {
    let edges = graph(&common::root().join("codegen/src"));
    let mut wrong = Vec::new();
    for (from, tos) in &edges {
        let Some(a) = stage(from) else {
            wrong.push(format!("{} is in no stage: add it to STAGES", name(from)));
            continue;
        };
        for to in tos {
            match stage(to) {
                Some(b) if b <= a => {}
                _ => wrong.push(format!("{} imports {}", name(from), name(to))),
            }
        }
    }
    assert!(wrong.is_empty(), "imports against the pipeline: {wrong:#?}");
}

/// The reader itself: a circle and a late import are found where they are
/// written, and what `quote!`, comments and test modules say is not read.
#[test]
fn the_import_reader_sees_what_is_written() {
    let code = code_only(
        "use crate::{a::{B, c::D as E}, f};\n// use crate::g;\nfn x() { crate::h::i(); quote! { crate::j::K } }\n#[cfg(test)]\nmod tests { use super::*; }\nlet s = \"crate::k\";",
    );
    let mut paths = imported_paths(&code);
    paths.sort();
    assert_eq!(
        paths,
        ["crate::a::B", "crate::a::c::D", "crate::f", "crate::h::i"]
    );
    let m = |s: &[&str]| s.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    let mut edges = BTreeMap::new();
    edges.insert(m(&["a"]), BTreeSet::from([m(&["b"])]));
    edges.insert(m(&["b"]), BTreeSet::from([m(&["c"])]));
    edges.insert(m(&["c"]), BTreeSet::from([m(&["a"])]));
    assert_eq!(
        circle(&edges),
        Some(vec!["a".into(), "b".into(), "c".into(), "a".into()])
    );
    edges.insert(m(&["c"]), BTreeSet::new());
    assert_eq!(circle(&edges), None);
    assert_eq!(stage(&m(&["emit", "rust"])), Some(6));
    assert!(stage(&m(&["check"])) < stage(&m(&["emit"])));
}
