//! `verzuim test [PATH...]`: run policy tests (`*.test.verzuim`) and report
//! each as `ok   file: name` / `FAIL file: name`, closing with `N passed,
//! N failed`; or as JUnit XML or JSON Lines. Diagnostics of failures go to
//! stderr (human format) or into the report (junit, json).

use super::{CliError, Outcome, Reporter};
use crate::testing::coverage::Coverage;
use crate::testing::discover::discover;
use crate::testing::report::{self, FILE_NOT_LOADED};
use crate::testing::{FileResult, TestCode, TestError, run_file};
use miette::Report;
use std::io::Write;
use std::path::PathBuf;

/// Arguments of `verzuim test`.
#[derive(Debug, clap::Args)]
pub struct TestArgs {
    /// Test files, directories (every *.test.verzuim below them) or policies
    /// (their X.test.verzuim and X.*.test.verzuim); default: the current
    /// directory.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Run only the tests whose name contains PATTERN.
    #[arg(long, value_name = "PATTERN")]
    pub filter: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = TestFormat::Human)]
    pub format: TestFormat,
    /// After the results, list every step of each tested policy with the
    /// number of tests that fired it.
    #[arg(long)]
    pub coverage: bool,
    /// Fail when less than PERCENT of the steps are fired by some test
    /// (implies --coverage).
    #[arg(long, value_name = "PERCENT", value_parser = parse_percent)]
    pub min_coverage: Option<f64>,
    /// Succeed when no test is found.
    #[arg(long)]
    pub allow_empty: bool,
}

/// How `verzuim test` writes its results.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum TestFormat {
    /// `ok   file: name` lines and a closing `N passed, N failed`.
    #[default]
    Human,
    /// JUnit XML, one testsuite per test file.
    Junit,
    /// JSON Lines: `test` records, `coverage` records, a `test_summary`.
    Json,
}

/// `95`, `99.5` or `100%`, between 0 and 100.
fn parse_percent(s: &str) -> Result<f64, String> {
    let n: f64 = s
        .trim_end_matches('%')
        .parse()
        .map_err(|_| format!("`{s}` is not a percentage"))?;
    if (0.0..=100.0).contains(&n) {
        Ok(n)
    } else {
        Err(format!("`{s}` is not between 0 and 100"))
    }
}

/// Run `test`.
pub fn test(args: &TestArgs, reporter: &Reporter) -> Outcome {
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let files = match discover(&paths) {
        Ok(f) => f,
        Err(bad) => {
            reporter.error(CliError::Read {
                path: bad.path.display().to_string(),
                reason: bad.reason,
            });
            return Outcome::Usage;
        }
    };
    let mut out = super::out::stdout();
    let mut results = Vec::new();
    for f in &files {
        let r = run_file(f, args.filter.as_deref());
        if args.format == TestFormat::Human {
            human_file(&mut out, &r, reporter);
        }
        if args.format == TestFormat::Json {
            for v in report::json_file(&r) {
                let _ = writeln!(out, "{v}");
            }
        }
        results.push(r);
    }
    finish(args, &mut out, &results, reporter)
}

/// The lines of one file, with its diagnostics on stderr.
fn human_file(out: &mut impl Write, r: &FileResult, reporter: &Reporter) {
    if !r.load_errors.is_empty() {
        let _ = writeln!(
            out,
            "{}",
            report::status_line(&r.path, FILE_NOT_LOADED, false)
        );
        let _ = out.flush();
        reporter.report_all(&r.load_errors);
    }
    for t in &r.tests {
        let _ = writeln!(out, "{}", report::status_line(&r.path, &t.name, t.passed));
        if !t.passed {
            let _ = out.flush();
            reporter.report_all(&t.diagnostics);
        }
    }
}

/// Coverage, the closing line (or JUnit document, or summary record) and
/// the outcome.
fn finish(
    args: &TestArgs,
    out: &mut impl Write,
    results: &[FileResult],
    reporter: &Reporter,
) -> Outcome {
    let (passed, failed) = report::totals(results);
    let empty = passed + failed == 0;
    let wants_coverage = args.coverage || args.min_coverage.is_some();
    let coverage = wants_coverage.then(|| Coverage::of(results));
    let written = match args.format {
        TestFormat::Human => {
            if empty {
                let _ = writeln!(out, "no tests found");
            }
            if let Some(c) = &coverage {
                let _ = write!(out, "{}", c.render());
            }
            writeln!(out, "{}", report::summary_line(passed, failed))
        }
        TestFormat::Junit => write!(out, "{}", report::junit(results, reporter.format)),
        TestFormat::Json => {
            for v in coverage.iter().flat_map(report::json_coverage) {
                let _ = writeln!(out, "{v}");
            }
            let summary =
                report::json_summary(passed, failed, coverage.as_ref(), args.min_coverage);
            writeln!(out, "{summary}")
        }
    };
    // Errors writing stdout are handled once, by `out::finish`.
    let _ = written.and_then(|()| out.flush());
    outcome(args, results, empty, coverage.as_ref(), reporter)
}

/// Exit 2 for unreadable test files, 1 for failures, too little coverage
/// or no tests (without `--allow-empty`), else 0.
fn outcome(
    args: &TestArgs,
    results: &[FileResult],
    empty: bool,
    coverage: Option<&Coverage>,
    reporter: &Reporter,
) -> Outcome {
    let mut outcome = Outcome::Success;
    if results.iter().any(|r| r.io_error) {
        outcome = Outcome::Usage;
    }
    if results.iter().any(|r| r.failed() > 0) {
        outcome = outcome.max(Outcome::Failure);
    }
    if empty && !args.allow_empty {
        let help = match &args.filter {
            Some(f) => {
                format!("no test name contains `{f}`; pass --allow-empty to succeed without tests")
            }
            None => {
                "test files are named `*.test.verzuim`; pass --allow-empty to succeed without tests"
                    .to_string()
            }
        };
        let e = TestError::unplaced(TestCode::NoTests, "no tests found").help(help);
        reporter.report(&Report::new(e));
        outcome = outcome.max(Outcome::Failure);
    }
    if let (Some(min), Some(c)) = (args.min_coverage, coverage)
        && !c.at_least(min)
    {
        let mut e = TestError::unplaced(
            TestCode::Coverage,
            format!("coverage {:.1}% is below the minimum {min}%", c.percent()),
        );
        let missing = c.uncovered();
        if !missing.is_empty() {
            e = e.help(format!("no test fires {}", missing.join("; ")));
        }
        reporter.report(&Report::new(e));
        outcome = outcome.max(Outcome::Failure);
    }
    outcome
}
