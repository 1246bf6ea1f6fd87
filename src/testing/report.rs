//! Writing test results: lines for people (`ok   file: name`,
//! `FAIL file: name`, `N passed, N failed`), JUnit XML (one `testsuite` per
//! test file) and JSON Lines (`{"type":"test","schema":1,…}` per test, then
//! `coverage` records and a final `test_summary`). The JSON and JUnit
//! shapes are documented in `docs/output.md` ("verzuim test").
//!
//! Output is deterministic: no times, no absolute paths beyond those given.

use super::coverage::{Coverage, StepCoverage};
use super::{FileResult, TestResult};
use crate::diagnostics::{ErrorFormat, render};
use miette::Report;
use serde::Serialize;
use serde_json::Value;
use std::path::Path;

/// Width diagnostics are rendered at inside reports.
const WIDTH: usize = 100;

/// Name used for a file that does not load, in place of a test name.
pub const FILE_NOT_LOADED: &str = "(the file does not load)";

/// `ok   file: name` or `FAIL file: name`.
pub fn status_line(file: &Path, name: &str, passed: bool) -> String {
    let status = if passed { "ok  " } else { "FAIL" };
    format!("{status} {}: {name}", file.display())
}

/// `N passed, N failed`.
pub fn summary_line(passed: usize, failed: usize) -> String {
    format!("{passed} passed, {failed} failed")
}

/// Totals over all files: (passed, failed).
pub fn totals(files: &[FileResult]) -> (usize, usize) {
    files
        .iter()
        .fold((0, 0), |(p, f), r| (p + r.passed(), f + r.failed()))
}

/// The diagnostics rendered as text in `format`, without colour.
fn text_of(reports: &[Report], format: ErrorFormat) -> String {
    reports
        .iter()
        .map(|r| render(r, format, WIDTH, false))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The diagnostics as JSON values (miette's JSON, tagged like on stderr).
fn json_of(reports: &[Report]) -> Vec<Value> {
    reports
        .iter()
        .map(|r| {
            let text = render(r, ErrorFormat::Json, WIDTH, false);
            serde_json::from_str(text.trim()).unwrap_or(Value::String(text))
        })
        .collect()
}

/// JUnit XML for all files: one `testsuite` per test file, one `testcase`
/// per test; a failed expectation is a `failure`, a test (or file) that
/// could not run an `error`. Diagnostics are rendered in `format`.
pub fn junit(files: &[FileResult], format: ErrorFormat) -> String {
    let (passed, failed) = totals(files);
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str(&format!(
        "<testsuites name=\"verzuim\" tests=\"{}\" failures=\"{failed}\">\n",
        passed + failed
    ));
    for f in files {
        junit_suite(&mut out, f, format);
    }
    out.push_str("</testsuites>\n");
    out
}

fn junit_suite(out: &mut String, f: &FileResult, format: ErrorFormat) {
    let file = xml(&f.path.display().to_string());
    let errors =
        f.tests.iter().filter(|t| t.errored).count() + usize::from(!f.load_errors.is_empty());
    let failures = f.tests.iter().filter(|t| !t.passed && !t.errored).count();
    let tests = f.tests.len() + usize::from(!f.load_errors.is_empty());
    out.push_str(&format!(
        "  <testsuite name=\"{file}\" tests=\"{tests}\" failures=\"{failures}\" errors=\"{errors}\">\n"
    ));
    if !f.load_errors.is_empty() {
        let message = first_message(&f.load_errors);
        out.push_str(&format!(
            "    <testcase name=\"{}\" classname=\"{file}\">\n      <error message=\"{}\">{}</error>\n    </testcase>\n",
            xml(FILE_NOT_LOADED),
            xml(&message),
            xml(&text_of(&f.load_errors, format))
        ));
    }
    for t in &f.tests {
        junit_case(out, &file, t, format);
    }
    out.push_str("  </testsuite>\n");
}

fn junit_case(out: &mut String, file: &str, t: &TestResult, format: ErrorFormat) {
    let name = xml(&t.name);
    if t.passed {
        out.push_str(&format!(
            "    <testcase name=\"{name}\" classname=\"{file}\"/>\n"
        ));
        return;
    }
    let tag = if t.errored { "error" } else { "failure" };
    out.push_str(&format!(
        "    <testcase name=\"{name}\" classname=\"{file}\">\n      <{tag} message=\"{}\" type=\"{}\">{}</{tag}>\n    </testcase>\n",
        xml(&first_message(&t.diagnostics)),
        xml(&first_code(&t.diagnostics)),
        xml(&text_of(&t.diagnostics, format))
    ));
}

fn first_message(reports: &[Report]) -> String {
    reports.first().map(|r| r.to_string()).unwrap_or_default()
}

fn first_code(reports: &[Report]) -> String {
    reports
        .first()
        .and_then(|r| r.code().map(|c| c.to_string()))
        .unwrap_or_default()
}

/// Escapes text for XML attributes and content; drops characters XML 1.0
/// cannot hold.
fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' | '\t' | '\r' => out.push(c),
            c if (c as u32) < 0x20 => {}
            c => out.push(c),
        }
    }
    out
}

/// One `test` record of the JSON Lines report (field order as written).
#[derive(Debug, Serialize)]
struct TestRecord<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    schema: u32,
    file: String,
    name: Option<&'a str>,
    passed: bool,
    error: bool,
    policy: Option<String>,
    actions: usize,
    fired: Vec<&'a str>,
    diagnostics: Vec<Value>,
}

/// One `coverage` record.
#[derive(Debug, Serialize)]
struct CoverageRecord<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    schema: u32,
    policy: String,
    tests: usize,
    covered: usize,
    total: usize,
    steps: &'a [StepCoverage],
}

/// The `test_summary` record.
#[derive(Debug, Serialize)]
struct SummaryRecord {
    #[serde(rename = "type")]
    kind: &'static str,
    schema: u32,
    passed: usize,
    failed: usize,
    coverage: Option<CoverageSummary>,
}

/// Totals of the coverage in the summary.
#[derive(Debug, Serialize)]
struct CoverageSummary {
    covered: usize,
    total: usize,
    percent: f64,
    min: Option<f64>,
    ok: bool,
}

/// One JSON line; field order as declared.
fn line(v: impl Serialize) -> String {
    serde_json::to_string(&v).unwrap_or_default()
}

/// The JSON Lines records (one line each) of one file: one `test` record per test (and one
/// with a null name for a file that does not load).
pub fn json_file(f: &FileResult) -> Vec<String> {
    let file = f.path.display().to_string();
    let policy = f.policy.as_ref().map(|(p, _)| p.display().to_string());
    let mut out = Vec::new();
    if !f.load_errors.is_empty() {
        out.push(line(TestRecord {
            kind: "test",
            schema: 1,
            file: file.clone(),
            name: None,
            passed: false,
            error: true,
            policy: policy.clone(),
            actions: 0,
            fired: Vec::new(),
            diagnostics: json_of(&f.load_errors),
        }));
    }
    for t in &f.tests {
        out.push(line(TestRecord {
            kind: "test",
            schema: 1,
            file: file.clone(),
            name: Some(&t.name),
            passed: t.passed,
            error: t.errored,
            policy: policy.clone(),
            actions: t.actions,
            fired: t.fired.iter().map(String::as_str).collect(),
            diagnostics: json_of(&t.diagnostics),
        }));
    }
    out
}

/// One `coverage` record per policy.
pub fn json_coverage(c: &Coverage) -> Vec<String> {
    c.policies
        .iter()
        .map(|p| {
            line(CoverageRecord {
                kind: "coverage",
                schema: 1,
                policy: p.policy.display().to_string(),
                tests: p.tests,
                covered: p.covered(),
                total: p.steps.len(),
                steps: &p.steps,
            })
        })
        .collect()
}

/// The final `test_summary` record.
pub fn json_summary(
    passed: usize,
    failed: usize,
    coverage: Option<&Coverage>,
    min_coverage: Option<f64>,
) -> String {
    let coverage = coverage.map(|c| CoverageSummary {
        covered: c.covered(),
        total: c.total(),
        percent: (c.percent() * 10.0).round() / 10.0,
        min: min_coverage,
        ok: min_coverage.is_none_or(|m| c.at_least(m)),
    });
    line(SummaryRecord {
        kind: "test_summary",
        schema: 1,
        passed,
        failed,
        coverage,
    })
}
