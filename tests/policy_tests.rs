//! Policy tests (`*.test.verzuim`) under `cargo test`:
//!
//! - every test file under `policies/` and `tests/fixtures/` runs through the
//!   library and must pass, except those under a directory named `failing`,
//!   which must fail; their rendered output is snapshotted (the diagnostics
//!   point at the failing `expect` line or the bad name). The layout and
//!   syntax fixtures (`tests/fixtures/fmt/`, `tests/fixtures/syntax/`) are
//!   no tests to run: their own harnesses check them;
//! - the JUnit, JSON Lines and coverage reports are snapshotted;
//! - the `verzuim test` command's exit codes and options.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use verzuim::diagnostics::{ErrorFormat, render};
use verzuim::testing::coverage::Coverage;
use verzuim::testing::report::{self, FILE_NOT_LOADED};
use verzuim::testing::{FileResult, run_file};

const BIN: &str = env!("CARGO_BIN_EXE_verzuim");

/// The crate root; `cargo test` runs tests there, so paths below are
/// relative to it and snapshots name files portably.
fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Every `*.test.verzuim` below `dir` (relative to the crate root), sorted.
fn test_files(dir: &str) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![PathBuf::from(dir)];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(root().join(&d)).unwrap() {
            let entry = entry.unwrap();
            let rel = d.join(entry.file_name());
            if entry.file_type().unwrap().is_dir() {
                stack.push(rel);
            } else if verzuim::syntax::is_test_file(&rel) {
                out.push(rel);
            }
        }
    }
    out.sort();
    out
}

fn expected_to_fail(path: &Path) -> bool {
    path.components().any(|c| c.as_os_str() == "failing")
}

/// A file's results as a person sees them: status lines, each failure's
/// diagnostics (human, no colour, 100 columns), the closing line.
fn rendered(r: &FileResult) -> String {
    let mut out = String::new();
    let diags = |reports: &[miette::Report], out: &mut String| {
        for d in reports {
            out.push_str(&render(d, ErrorFormat::Human, 100, false));
            out.push('\n');
        }
    };
    if !r.load_errors.is_empty() {
        out.push_str(&report::status_line(&r.path, FILE_NOT_LOADED, false));
        out.push('\n');
        diags(&r.load_errors, &mut out);
    }
    for t in &r.tests {
        out.push_str(&report::status_line(&r.path, &t.name, t.passed));
        out.push('\n');
        diags(&t.diagnostics, &mut out);
    }
    out.push_str(&report::summary_line(r.passed(), r.failed()));
    out.push('\n');
    out
}

/// Fixture directories whose test files are about layout or syntax, run by
/// their own harnesses (`tests/fmt.rs`, `tests/syntax.rs`).
const NOT_RUN: [&str; 2] = ["tests/fixtures/fmt", "tests/fixtures/syntax"];

#[test]
fn every_policy_test_passes() {
    let mut files = test_files("policies");
    files.extend(
        test_files("tests/fixtures")
            .into_iter()
            .filter(|f| !NOT_RUN.iter().any(|d| f.starts_with(d))),
    );
    let mut passed = 0;
    for f in files.iter().filter(|f| !expected_to_fail(f)) {
        let r = run_file(f, None);
        assert_eq!(r.failed(), 0, "{}", rendered(&r));
        assert!(!r.tests.is_empty(), "{}: no tests", f.display());
        passed += r.passed();
    }
    assert!(passed >= 10, "only {passed} tests found in {files:?}");
}

#[test]
fn the_shipped_policies_are_fully_covered() {
    let results: Vec<FileResult> = test_files("policies")
        .iter()
        .map(|f| run_file(f, None))
        .collect();
    let c = Coverage::of(&results);
    assert!(c.total() > 0, "no tested policy under policies/");
    assert!(c.at_least(100.0), "{}", c.render());
}

#[test]
fn failing_fixtures() {
    let files: Vec<PathBuf> = test_files("tests/fixtures")
        .into_iter()
        .filter(|f| expected_to_fail(f))
        .collect();
    assert!(!files.is_empty());
    for f in files {
        let r = run_file(&f, None);
        assert!(r.failed() > 0, "{} should fail", f.display());
        let name = f.file_name().unwrap().to_string_lossy().to_string();
        insta::with_settings!({
            snapshot_path => "fixtures/testing/snapshots",
            prepend_module_to_snapshot => false,
            snapshot_suffix => name,
        }, {
            insta::assert_snapshot!("failing", rendered(&r));
        });
    }
}

#[test]
fn a_changed_threshold_fails_at_the_expect_line() {
    let r = run_file(
        Path::new("tests/fixtures/testing/failing/threshold.test.verzuim"),
        None,
    );
    let first = &r.tests[0].diagnostics[0];
    let text = render(first, ErrorFormat::Human, 100, false);
    assert!(
        text.contains("threshold.test.verzuim:11:3]"),
        "points at line 11, the first expect:\n{text}"
    );
    assert!(
        text.contains("- 2022-09-19  L3  vc  sanction  due *"),
        "{text}"
    );
    assert_eq!(first.code().unwrap().to_string(), "verzuim::test::failed");
}

/// The results of the fixture school's passing and failing tests.
fn fixture_results() -> Vec<FileResult> {
    [
        "tests/fixtures/testing/school.test.verzuim",
        "tests/fixtures/testing/failing/threshold.test.verzuim",
    ]
    .iter()
    .map(|f| run_file(Path::new(f), None))
    .collect()
}

fn snapshot(name: &str, text: &str) {
    insta::with_settings!({
        snapshot_path => "fixtures/testing/snapshots",
        prepend_module_to_snapshot => false,
    }, {
        insta::assert_snapshot!(name, text);
    });
}

#[test]
fn junit_report() {
    let xml = report::junit(&fixture_results(), ErrorFormat::Plain);
    assert!(xml.starts_with("<?xml"));
    assert_eq!(xml.matches("<testsuite ").count(), 2);
    snapshot("junit", &xml);
}

#[test]
fn json_report() {
    let results = fixture_results();
    let coverage = Coverage::of(&results);
    let mut text: Vec<String> = results.iter().flat_map(report::json_file).collect();
    text.extend(report::json_coverage(&coverage));
    let (passed, failed) = report::totals(&results);
    text.push(report::json_summary(
        passed,
        failed,
        Some(&coverage),
        Some(100.0),
    ));
    let lines: Vec<serde_json::Value> = text
        .iter()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    for l in &lines {
        assert_eq!(l["schema"], 1, "{l}");
    }
    let last = lines.last().unwrap();
    assert_eq!(last["type"], "test_summary");
    assert_eq!((&last["passed"], &last["failed"]), (&11.into(), &3.into()));
    assert!(text.iter().all(|l| l.starts_with("{\"type\":")), "{text:?}");
    snapshot("json", &(text.join("\n") + "\n"));
}

#[test]
fn coverage_report() {
    let results = vec![run_file(
        Path::new("tests/fixtures/testing/school.test.verzuim"),
        None,
    )];
    let c = Coverage::of(&results);
    assert_eq!((c.covered(), c.total()), (6, 6));
    assert_eq!(c.summary_line(), "coverage: 6/6 steps (100.0%)");
    let only_l3 = vec![run_file(
        Path::new("tests/fixtures/testing/school.test.verzuim"),
        Some("L3"),
    )];
    let partial = Coverage::of(&only_l3);
    assert!(!partial.at_least(100.0));
    snapshot("coverage", &format!("{}\n{}", c.render(), partial.render()));
}

// ------------------------------------------------------------------ CLI ----

fn verzuim_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn verzuim(args: &[&str]) -> Output {
    verzuim_in(root(), args)
}

fn code(o: &Output) -> i32 {
    o.status.code().unwrap_or(-1)
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn cli_passing_tests_exit_0() {
    let o = verzuim(&["test", "tests/fixtures/testing/school.test.verzuim"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.starts_with("ok   tests/fixtures/testing/school.test.verzuim: L3: the third"),
        "{out}"
    );
    assert!(out.ends_with("\n10 passed, 0 failed\n"), "{out}");
}

#[test]
fn cli_failing_tests_exit_1() {
    let o = verzuim(&[
        "test",
        "tests/fixtures/testing/failing/threshold.test.verzuim",
    ]);
    assert_eq!(code(&o), 1);
    let out = stdout(&o);
    assert!(
        out.contains("FAIL tests/fixtures/testing/failing/threshold.test.verzuim: L3: the third late arrival\n"),
        "{out}"
    );
    assert!(out.ends_with("\n1 passed, 3 failed\n"), "{out}");
    assert!(
        stderr(&o).contains("verzuim::test::failed"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn cli_no_tests_exit_1_unless_allowed() {
    let dir = tempfile::tempdir().unwrap();
    let o = verzuim_in(dir.path(), &["test"]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert!(stdout(&o).contains("no tests found"), "{}", stdout(&o));
    assert!(stdout(&o).ends_with("0 passed, 0 failed\n"));
    let o = verzuim_in(dir.path(), &["test", "--allow-empty"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let o = verzuim(&[
        "test",
        "tests/fixtures/testing/school.test.verzuim",
        "--filter",
        "no such test",
    ]);
    assert_eq!(code(&o), 1, "a filter that matches nothing: {}", stdout(&o));
}

#[test]
fn cli_bad_path_exits_2() {
    let o = verzuim(&["test", "no/such/dir"]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(stderr(&o).contains("no/such/dir"), "{}", stderr(&o));
    let o = verzuim(&["test", "README.md"]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    let o = verzuim(&["test", "--min-coverage", "120", "policies"]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
}

#[test]
fn cli_filter_coverage_and_min_coverage() {
    let file = "tests/fixtures/testing/school.test.verzuim";
    let o = verzuim(&["test", file, "--filter", "L3", "--coverage"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("coverage: 1/6 steps (16.7%)\n"), "{out}");
    assert!(out.ends_with("\n1 passed, 0 failed\n"), "{out}");
    let o = verzuim(&["test", file, "--filter", "L3", "--min-coverage", "60"]);
    assert_eq!(code(&o), 1, "{}", stdout(&o));
    assert!(
        stderr(&o).contains("verzuim::test::coverage"),
        "{}",
        stderr(&o)
    );
    let o = verzuim(&["test", file, "--min-coverage", "100"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
}

#[test]
fn cli_default_is_the_current_directory() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("a")).unwrap();
    let policy = root().join("tests/fixtures/testing/school.verzuim");
    let test = format!(
        "tests {:?}\ntest \"t\" {{\n  events {{\n    S1 2022-09-05 p1 late 5 min\n  }}\n  expect 0 actions\n}}\n",
        policy.display().to_string()
    );
    std::fs::write(dir.path().join("a/x.test.verzuim"), test).unwrap();
    let o = verzuim_in(dir.path(), &["test"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(stdout(&o), "ok   a/x.test.verzuim: t\n1 passed, 0 failed\n");
}

#[test]
fn cli_a_policy_runs_its_tests() {
    let o = verzuim(&["test", "tests/fixtures/testing/school.verzuim"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(
        stdout(&o).ends_with("\n10 passed, 0 failed\n"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn cli_junit_and_json_formats() {
    let file = "tests/fixtures/testing/failing/threshold.test.verzuim";
    let o = verzuim(&["test", file, "--format", "junit"]);
    assert_eq!(code(&o), 1);
    assert!(stdout(&o).starts_with("<?xml"), "{}", stdout(&o));
    assert!(
        stderr(&o).is_empty(),
        "diagnostics are in the report: {}",
        stderr(&o)
    );
    let o = verzuim(&["test", file, "--format", "json", "--coverage"]);
    assert_eq!(code(&o), 1);
    let lines: Vec<serde_json::Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let types: Vec<&str> = lines.iter().map(|l| l["type"].as_str().unwrap()).collect();
    assert_eq!(
        types,
        ["test", "test", "test", "test", "coverage", "test_summary"]
    );
    assert_eq!(lines[0]["diagnostics"][0]["code"], "verzuim::test::failed");
}

#[test]
fn cli_error_format_applies_to_failures() {
    let file = "tests/fixtures/testing/failing/threshold.test.verzuim";
    let o = verzuim(&["test", file, "--error-format", "json"]);
    assert_eq!(code(&o), 1);
    for line in stderr(&o).lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        assert_eq!(v["type"], "diagnostic", "{line}");
    }
}

// ----------------------------------------------------------- robustness ----

/// Loads and runs a (mutated) test file: never panics, never reports an
/// internal error, and every diagnostic renders.
fn load_and_run(src: &str) {
    let path = Path::new("policies/mlg/2022-2023.late.test.verzuim");
    match verzuim::testing::load_source(path, src) {
        Ok(suite) => {
            for case in &suite.tests {
                match &case.prepared {
                    Ok(p) => {
                        let ran = verzuim::testing::runner::run(&suite.policy, p);
                        for f in ran.failures {
                            let r = miette::Report::new(f);
                            assert!(!render(&r, ErrorFormat::Human, 100, false).is_empty());
                        }
                    }
                    Err(reports) => {
                        for r in reports {
                            assert!(!render(r, ErrorFormat::Human, 100, false).is_empty());
                        }
                    }
                }
            }
        }
        Err(verzuim::testing::LoadError::Invalid(reports)) => {
            for r in &reports {
                let text = render(r, ErrorFormat::Plain, 100, false);
                assert!(!text.contains("internal"), "{text}\n{src}");
            }
        }
        Err(verzuim::testing::LoadError::Io { error, .. }) => panic!("{error}"),
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(200))]

    #[test]
    fn mutated_test_files_report_clean_errors(
        at in 0usize..20_000,
        len in 0usize..12,
        insert in "[a-z0-9\"{}#:,. \n-]{0,4}",
    ) {
        let src = std::fs::read_to_string("policies/mlg/2022-2023.late.test.verzuim").unwrap();
        let mut start = at % src.len();
        while !src.is_char_boundary(start) {
            start -= 1;
        }
        let mut end = (start + len).min(src.len());
        while !src.is_char_boundary(end) {
            end += 1;
        }
        load_and_run(&format!("{}{}{}", &src[..start], insert, &src[end..]));
    }
}
