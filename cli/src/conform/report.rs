//! The report of a `conform` run: text for people, JUnit XML for CI.

use std::fmt::Write as _;
use std::time::Duration;

use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};

use super::cases::{Case, Expect, Skipped};
use super::send::{Answer, Outcome, Sent};

/// What the run was pointed at, for the report's heading.
pub struct Heading<'a> {
    /// The endpoint.
    pub url: &'a str,
    /// The probe, if any.
    pub probe: Option<&'a str>,
    /// The Gate's timeout.
    pub timeout: Duration,
}

fn answered(s: &Sent) -> String {
    let what = match &s.answer {
        Answer::Status(code) => code.to_string(),
        Answer::Failed(f) => f.to_string(),
    };
    format!("{what} in {} ms", s.elapsed.as_millis())
}

fn expected(e: Expect) -> &'static str {
    match e {
        Expect::Accept => "2xx",
        Expect::Refuse => "refusal",
    }
}

/// Every problem of a case, worded.
fn problems(outcome: &Outcome) -> Vec<String> {
    let many = outcome.sent.len() > 1;
    let mut list: Vec<String> = outcome
        .sent
        .iter()
        .enumerate()
        .filter_map(|(i, s)| {
            s.problem.as_ref().map(|p| {
                if many {
                    format!("request {}: {p}", i + 1)
                } else {
                    p.clone()
                }
            })
        })
        .collect();
    list.extend(outcome.probe_problems.iter().cloned());
    list
}

/// The report as text.
pub fn text(
    heading: &Heading<'_>,
    cases: &[Case],
    outcomes: &[Outcome],
    skipped: &[Skipped],
) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "conform callbacks: {} (the Gate's timeout {} ms; probe: {})",
        heading.url,
        heading.timeout.as_millis(),
        heading.probe.unwrap_or("none, so effects are not checked")
    );
    let mut operation = "";
    for (case, outcome) in cases.iter().zip(outcomes) {
        if case.operation != operation {
            operation = &case.operation;
            let _ = writeln!(s, "{operation}");
        }
        let answers: Vec<String> = outcome
            .sent
            .iter()
            .map(|x| format!("{} (expected {})", answered(x), expected(x.expect)))
            .collect();
        let mark = if outcome.passed() { "ok  " } else { "FAIL" };
        let _ = writeln!(s, "  {mark} {} | {}", case.name, answers.join(", then "));
        if !outcome.passed() {
            for p in problems(outcome) {
                let _ = writeln!(s, "         {p}");
            }
            let _ = writeln!(s, "         why it matters: {}", case.why);
        }
    }
    for skip in skipped {
        let _ = writeln!(s, "{}: not tested, {}", skip.operation, skip.why);
    }
    let failed = outcomes.iter().filter(|o| !o.passed()).count();
    let _ = writeln!(
        s,
        "{} cases: {} passed, {failed} failed",
        cases.len(),
        cases.len() - failed
    );
    s
}

/// The report as JUnit XML: a suite per operation, a test case per case.
pub fn junit(cases: &[Case], outcomes: &[Outcome]) -> Result<String, String> {
    let mut report = Report::new("gatespec conform callbacks");
    let mut suites: Vec<TestSuite> = Vec::new();
    for (case, outcome) in cases.iter().zip(outcomes) {
        if suites
            .last()
            .is_none_or(|s| s.name.as_str() != case.operation)
        {
            suites.push(TestSuite::new(case.operation.as_str()));
        }
        let status = if outcome.passed() {
            TestCaseStatus::success()
        } else {
            let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
            status.set_message(problems(outcome).join("; "));
            status.set_description(case.why.as_str());
            status
        };
        let mut test = TestCase::new(case.name.as_str(), status);
        test.set_classname(case.operation.as_str());
        test.set_time(outcome.sent.iter().map(|s| s.elapsed).sum());
        let answers: Vec<String> = outcome.sent.iter().map(answered).collect();
        test.set_system_out(answers.join("\n"));
        if let Some(suite) = suites.last_mut() {
            suite.add_test_case(test);
        }
    }
    report.add_test_suites(suites);
    report.to_string().map_err(|e| e.to_string())
}
