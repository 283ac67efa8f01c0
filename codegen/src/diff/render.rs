//! The report for people and for tools: plain text, Markdown, GitHub
//! workflow annotations and SARIF 2.1.0.

use serde_json::{Value, json};

use super::report::{Category, Change, Level, Report};

/// The report as Markdown, for a pull request.
pub fn markdown(report: &Report) -> String {
    let mut s = String::from("## gatespec diff\n\n");
    if report.changes.is_empty() {
        s.push_str("No change to any operation.\n");
        return s;
    }
    s.push_str(if report.breaking {
        "**Breaking changes.**\n\n"
    } else {
        "No breaking change.\n\n"
    });
    s.push_str(&format!("{}\n\n", summary(report)));
    s.push_str(
        "| level | category | operation | role | pointer | change |\n|---|---|---|---|---|---|\n",
    );
    for c in &report.changes {
        let level = c.level.as_str();
        s.push_str(&format!(
            "| {level} | {} | `{}` | {} | `{}` | {} ({}) |\n",
            c.category.as_str(),
            c.operation,
            c.role,
            c.pointer,
            c.message.replace('|', "\\|"),
            c.kind
        ));
    }
    s
}

/// The highest level of each category, in one line.
fn summary(report: &Report) -> String {
    let parts: Vec<String> = Category::ALL
        .iter()
        .map(|c| {
            let level = report.categories.get(c).map_or("none", |l| l.as_str());
            format!("{}: {level}", c.as_str())
        })
        .collect();
    parts.join(", ")
}

/// The report as plain text, one change per line.
pub fn text(report: &Report) -> String {
    let mut s = String::new();
    for c in &report.changes {
        s.push_str(&format!(
            "{} ({}): {} [{}]\n",
            c.level.as_str(),
            c.category.as_str(),
            place_and_message(c),
            c.kind
        ));
        if let (Some(file), Some(line)) = (&c.file, c.line) {
            s.push_str(&format!("  --> {file}:{line}\n"));
        }
    }
    s.push_str(&format!(
        "{} changes, {}; {}\n",
        report.changes.len(),
        if report.breaking {
            "breaking"
        } else {
            "none breaking"
        },
        summary(report)
    ));
    s
}

/// `operation role pointer: message`, the root pointer written `/`.
fn place_and_message(c: &Change) -> String {
    let pointer = if c.pointer.is_empty() {
        "/"
    } else {
        &c.pointer
    };
    format!("{} {} {pointer}: {}", c.operation, c.role, c.message)
}

/// How loud a change is for a tool: the error, warning and note of
/// annotations and SARIF. An error fails the run: breaking, in a category
/// that fails.
fn severity(c: &Change, fail_on: &[Category]) -> (&'static str, &'static str) {
    match c.level {
        Level::Breaking if fail_on.contains(&c.category) => ("error", "error"),
        Level::Breaking | Level::Warning => ("warning", "warning"),
        Level::Info => ("notice", "note"),
    }
}

/// The report as GitHub workflow commands: an `error` annotation for
/// each change that fails the run, a `warning` for the other breaking
/// changes and warnings, a `notice` for the rest; each on its spec line.
pub fn github(report: &Report, fail_on: &[Category]) -> String {
    let mut s = String::new();
    for c in &report.changes {
        let (command, _) = severity(c, fail_on);
        let mut props = Vec::new();
        if let Some(file) = &c.file {
            props.push(format!("file={}", escape_property(file)));
        }
        if let Some(line) = c.line {
            props.push(format!("line={line}"));
        }
        props.push(format!(
            "title={}",
            escape_property(&format!(
                "gatespec diff: {} {} ({})",
                c.level.as_str(),
                c.kind,
                c.category.as_str()
            ))
        ));
        s.push_str(&format!(
            "::{command} {}::{}\n",
            props.join(","),
            escape_data(&place_and_message(c))
        ));
    }
    s
}

/// A workflow command's message: `%`, CR and LF are escaped.
fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A workflow command's property: `:` and `,` too.
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

/// The report as a SARIF 2.1.0 log: one rule per kind of change, one result
/// per change with its level (`error` for what fails the run), its spec
/// file and line, its fingerprint and its category.
pub fn sarif(report: &Report, fail_on: &[Category]) -> Value {
    let mut kinds: Vec<&str> = report.changes.iter().map(|c| c.kind).collect();
    kinds.sort_unstable();
    kinds.dedup();
    let rules: Vec<Value> = kinds
        .iter()
        .map(|k| {
            json!({
                "id": k,
                "shortDescription": {"text": format!("gatespec diff: {k}")},
                "properties": {"category": Category::of(k).as_str()},
            })
        })
        .collect();
    let results: Vec<Value> = report
        .changes
        .iter()
        .map(|c| {
            let (_, level) = severity(c, fail_on);
            let mut result = json!({
                "ruleId": c.kind,
                "ruleIndex": kinds.iter().position(|k| *k == c.kind),
                "level": level,
                "message": {"text": place_and_message(c)},
                "partialFingerprints": {"gatespecDiff/v1": c.fingerprint},
                "properties": {
                    "category": c.category.as_str(),
                    "gatespecLevel": c.level.as_str(),
                    "operation": c.operation,
                    "role": c.role,
                    "pointer": c.pointer,
                },
            });
            if let Some(file) = &c.file {
                let mut region = json!({});
                if let Some(line) = c.line {
                    region = json!({"startLine": line});
                }
                result["locations"] = json!([{
                    "physicalLocation": {
                        "artifactLocation": {"uri": file},
                        "region": region,
                    }
                }]);
            }
            result
        })
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "gatespec",
                "rules": rules,
            }},
            "results": results,
        }],
    })
}
