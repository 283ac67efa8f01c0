//! `gatespec conform callbacks`: gatespec plays the Gate against a
//! merchant's callback endpoint. `cases` builds what to send from the
//! specs, `send` posts it and judges the answers, `report` words the
//! result as text and JUnit XML.

mod cases;
mod report;
mod send;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use gatespec_codegen::ir::{Ir, Operation};
use reqwest::Url;

use super::{FAILED, OK, USAGE};

/// The longest timeout `--timeout-ms` takes: ten minutes.
const MAX_TIMEOUT_MS: u64 = 600_000;

/// What `conform callbacks` was asked to do.
pub struct Options<'a> {
    /// The merchant's callback endpoint.
    pub url: &'a str,
    /// The project id the callbacks carry.
    pub project: i64,
    /// The file holding the project's secret key (else `GATESPEC_SECRET`).
    pub secret_file: Option<&'a Path>,
    /// `<brand>`, `<brand>/<method>` or `<brand>/<method>/<operation>`.
    pub select: &'a [String],
    /// The merchant's probe (`GET <probe>?payment_id=<id>`).
    pub probe: Option<&'a str>,
    /// Where to write the JUnit XML report.
    pub junit: Option<&'a PathBuf>,
    /// How long the Gate waits for an answer, in milliseconds.
    pub timeout_ms: u64,
}

/// Runs `conform callbacks`: exit 0 when every case conforms, 1 when any
/// fails, 2 for a usage error.
pub fn callbacks(ir: &Ir, opts: &Options<'_>, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    let usage = |err: &mut dyn Write, why: String| {
        let _ = writeln!(err, "error: {why}");
        USAGE
    };
    let url = match endpoint(opts.url, "--url") {
        Ok(u) => u,
        Err(why) => return usage(err, why),
    };
    let probe = match opts.probe.map(|p| endpoint(p, "--probe")).transpose() {
        Ok(p) => p,
        Err(why) => return usage(err, why),
    };
    if !(1..=MAX_TIMEOUT_MS).contains(&opts.timeout_ms) {
        return usage(
            err,
            format!(
                "--timeout-ms: {} is not from 1 to {MAX_TIMEOUT_MS} (ten minutes)",
                opts.timeout_ms
            ),
        );
    }
    let operations = match selected(ir, opts.select) {
        Ok(ops) => ops,
        Err(why) => return usage(err, format!("--select: {why}")),
    };
    let key = match super::signing::secret(opts.secret_file, err) {
        Ok(k) => k,
        Err(code) => return code,
    };
    let run_id = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis());
    let (cases, skipped) = cases::build(
        &operations,
        opts.project,
        &key,
        &mut cases::Ids::new(run_id.to_string()),
    );
    if cases.is_empty() {
        let why: Vec<String> = skipped
            .iter()
            .map(|s| format!("{}: {}", s.operation, s.why))
            .collect();
        return usage(
            err,
            format!("the selection has no callback to test ({})", why.join("; ")),
        );
    }
    let timeout = Duration::from_millis(opts.timeout_ms);
    let target = send::Target {
        url: url.clone(),
        probe: probe.clone(),
        timeout,
    };
    let outcomes = match send::run(&cases, &target) {
        Ok(o) => o,
        Err(why) => return usage(err, why),
    };
    let heading = report::Heading {
        url: url.as_str(),
        probe: probe.as_ref().map(Url::as_str),
        timeout,
    };
    let _ = write!(
        out,
        "{}",
        report::text(&heading, &cases, &outcomes, &skipped)
    );
    if let Some(path) = opts.junit {
        let written = report::junit(&cases, &outcomes)
            .and_then(|xml| std::fs::write(path, xml).map_err(|e| e.to_string()));
        if let Err(why) = written {
            let _ = writeln!(err, "error: --junit {}: {why}", path.display());
            return FAILED;
        }
    }
    if outcomes.iter().all(send::Outcome::passed) {
        OK
    } else {
        FAILED
    }
}

/// An http or https URL.
fn endpoint(text: &str, flag: &str) -> Result<Url, String> {
    let url = Url::parse(text).map_err(|e| format!("{flag} `{text}` is not a URL: {e}"))?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(format!("{flag} `{text}` is not an http or https URL"));
    }
    Ok(url)
}

/// The operations the selectors name, in spec order (all of them when
/// there is no selector); a selector that names nothing is an error that
/// lists what exists.
fn selected<'a>(ir: &'a Ir, selectors: &[String]) -> Result<Vec<&'a Operation>, String> {
    let all: Vec<&Operation> = ir.operations().map(|(_, o)| o).collect();
    if selectors.is_empty() {
        return Ok(all);
    }
    let names = |op: &Operation, s: &str| {
        op.full_id == s
            || op
                .full_id
                .starts_with(&format!("{}/", s.trim_end_matches('/')))
    };
    for s in selectors {
        if !all.iter().any(|op| names(op, s)) {
            let ids: Vec<&str> = all.iter().map(|o| o.full_id.as_str()).collect();
            return Err(format!(
                "`{s}` selects no operation (a selector is `<brand>`, `<brand>/<method>` or `<brand>/<method>/<operation>`; operations: {})",
                ids.join(", ")
            ));
        }
    }
    Ok(all
        .into_iter()
        .filter(|op| selectors.iter().any(|s| names(op, s)))
        .collect())
}
