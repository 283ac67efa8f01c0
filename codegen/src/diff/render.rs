//! The report for people: plain text and Markdown.

use super::report::Report;

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
    s.push_str("| level | operation | role | pointer | change |\n|---|---|---|---|---|\n");
    for c in &report.changes {
        let level = c.level.as_str();
        s.push_str(&format!(
            "| {level} | `{}` | {} | `{}` | {} ({}) |\n",
            c.operation,
            c.role,
            c.pointer,
            c.message.replace('|', "\\|"),
            c.kind
        ));
    }
    s
}

/// The report as plain text, one change per line.
pub fn text(report: &Report) -> String {
    let mut s = String::new();
    for c in &report.changes {
        let level = c.level.as_str();
        let pointer = if c.pointer.is_empty() {
            "/"
        } else {
            &c.pointer
        };
        s.push_str(&format!(
            "{level}: {} {} {pointer}: {} [{}]\n",
            c.operation, c.role, c.message, c.kind
        ));
    }
    s.push_str(&format!(
        "{} changes, {}\n",
        report.changes.len(),
        if report.breaking {
            "breaking"
        } else {
            "none breaking"
        }
    ));
    s
}
