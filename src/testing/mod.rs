//! Policy tests: `*.test.verzuim` files, written in the policy language,
//! that run a policy over a few registrations and check the actions it asks
//! for (see `docs/testing.md`).
//!
//! Pipeline: [`load`] reads a test file (`syntax::parse_tests`), finds and
//! checks its policy (`check::load`) and resolves every test against it
//! (`prepare`: events validated like CSV rows, roster, expectations with
//! every name checked); [`run_file`] runs each test (`eval::run`) and checks
//! its expectations (`runner`); [`coverage`] counts the steps the tests
//! fired; [`report`] writes the results for people, JUnit and JSON Lines.
//! Diagnostics have codes `verzuim::test::<name>` ([`TestCode`]).

pub mod coverage;
pub mod discover;
pub mod error;
mod events;
mod listing;
pub mod prepare;
pub mod report;
mod roster;
pub mod runner;

pub use error::{TestCode, TestError};

use crate::check::{self, Loaded};
use crate::model::Policy;
use crate::span::Span;
use crate::syntax::test_ast::{TestFile, TestsHeader};
use miette::{Diagnostic, NamedSource, Report};
use prepare::Prepared;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

/// A loaded test file: its policy and its tests, each prepared or with the
/// problems that keep it from running.
#[derive(Debug)]
pub struct Suite {
    /// The test file, as given.
    pub path: PathBuf,
    /// The policy under test (relative paths resolved against the test
    /// file's directory, `..` removed).
    pub policy_path: PathBuf,
    /// The checked policy.
    pub policy: Policy,
    /// Warnings of the policy.
    pub warnings: Vec<Report>,
    /// The tests in source order.
    pub tests: Vec<Case>,
    /// The test file's name and text, for reports.
    pub source: NamedSource<Arc<str>>,
}

/// One test of a [`Suite`].
#[derive(Debug)]
pub struct Case {
    /// The test's name.
    pub name: String,
    /// The `test` block.
    pub span: Span,
    /// Ready to run, or its problems (each a report with its source).
    pub prepared: Result<Prepared, Vec<Report>>,
}

/// Why a test file could not be loaded.
#[derive(Debug)]
pub enum LoadError {
    /// The test file itself could not be read (exit code 2).
    Io {
        /// The path as given.
        path: PathBuf,
        /// The error.
        error: std::io::Error,
    },
    /// Syntax errors, a missing or broken policy, duplicate names (exit
    /// code 1); each report carries its file's source.
    Invalid(Vec<Report>),
}

/// Reads, parses and resolves the test file at `path`.
pub fn load(path: &Path) -> Result<Suite, LoadError> {
    let src = crate::source::read_source(path).map_err(|error| LoadError::Io {
        path: path.to_path_buf(),
        error,
    })?;
    load_source(path, &src)
}

/// Parses and resolves `src`, the text of the test file at `path` (used to
/// name the file in reports and to find the policy and `events from`
/// files).
pub fn load_source(path: &Path, src: &str) -> Result<Suite, LoadError> {
    let named = NamedSource::new(path.display().to_string(), Arc::<str>::from(src));
    let reports = |errs: Vec<TestError>| attach(&named, errs);
    let file =
        crate::syntax::parse_tests(src).map_err(|errs| LoadError::Invalid(attach(&named, errs)))?;
    let mut errors = file_errors(&file);
    let header = file.headers().next();
    let policy_path = policy_path(path, header);
    let loaded = match &policy_path {
        Ok(p) => load_policy(p, header, &mut errors),
        Err(e) => {
            errors.push(e.clone());
            Err(Vec::new())
        }
    };
    let (policy, warnings) = match loaded {
        Ok(x) if errors.is_empty() => x,
        Ok(_) => return Err(LoadError::Invalid(reports(errors))),
        Err(mut policy_reports) => {
            policy_reports.extend(reports(errors));
            return Err(LoadError::Invalid(policy_reports));
        }
    };
    let dir = path.parent().unwrap_or(Path::new(""));
    let starts = line_starts(src);
    let line_of = |at: usize| starts.partition_point(|&s| s <= at) as u64;
    let tests = file
        .tests()
        .map(|t| Case {
            name: t.name.node.clone(),
            span: t.span,
            prepared: prepare::prepare(&policy, t, dir, &line_of).map_err(|p| {
                let mut out = reports(p.errors);
                out.extend(p.data.into_iter().map(|d| d.into_report()));
                out
            }),
        })
        .collect();
    Ok(Suite {
        path: path.to_path_buf(),
        policy_path: policy_path.unwrap_or_default(),
        policy,
        warnings,
        tests,
        source: named.clone(),
    })
}

/// Attaches the test file's source to each error.
fn attach(
    named: &NamedSource<Arc<str>>,
    errs: Vec<impl Diagnostic + Send + Sync + 'static>,
) -> Vec<Report> {
    errs.into_iter()
        .map(|e| Report::new(e).with_source_code(named.clone()))
        .collect()
}

/// Byte offsets at which lines start.
fn line_starts(src: &str) -> Vec<usize> {
    std::iter::once(0)
        .chain(src.match_indices('\n').map(|(i, _)| i + 1))
        .collect()
}

/// A second `tests` header, a test name given twice.
fn file_errors(file: &TestFile) -> Vec<TestError> {
    let mut errors = Vec::new();
    let headers: Vec<&TestsHeader> = file.headers().collect();
    if let [first, rest @ ..] = headers.as_slice() {
        for h in rest {
            errors.push(
                TestError::new(
                    TestCode::Duplicate,
                    "a second `tests` header",
                    h.span,
                    "given again here",
                )
                .label(first.span, "first given here")
                .help("a test file tests one policy: remove one header"),
            );
        }
    }
    let mut names: BTreeMap<&str, Span> = BTreeMap::new();
    for t in file.tests() {
        match names.get(t.name.node.as_str()) {
            Some(first) => errors.push(
                TestError::new(
                    TestCode::Duplicate,
                    format!("a second test named `{}`", t.name.node),
                    t.name.span,
                    "given again here",
                )
                .label(*first, "first given here")
                .help("test names identify tests in reports: give each test its own name"),
            ),
            None => {
                names.insert(&t.name.node, t.name.span);
            }
        }
    }
    errors
}

/// The policy a test file tests: the `tests "…"` header relative to the
/// file's directory, else by name: `X.test.verzuim` and
/// `X.<anything>.test.verzuim` test `X.verzuim` in the same directory.
pub fn policy_path(test: &Path, header: Option<&TestsHeader>) -> Result<PathBuf, TestError> {
    let dir = test.parent().unwrap_or(Path::new(""));
    if let Some(h) = header {
        return Ok(normalize(&dir.join(&h.policy.node)));
    }
    let name = test.file_name().and_then(|n| n.to_str()).unwrap_or("");
    match name.split_once('.') {
        Some((stem, _)) if !stem.is_empty() => Ok(normalize(&dir.join(format!("{stem}.verzuim")))),
        _ => Err(TestError::new(
            TestCode::NoPolicy,
            format!("cannot tell which policy `{name}` tests"),
            Span::new(0, 0),
            "no `tests` header",
        )
        .help("name the policy at the top of the file: `tests \"2022-2023.verzuim\"`")),
    }
}

/// `a/b/../c` → `a/c`, without touching the file system.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir if out.file_name().is_some() => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// Loads the policy under test. `Err` holds the policy's own reports (the
/// caller adds the test file's errors).
fn load_policy(
    path: &Path,
    header: Option<&TestsHeader>,
    errors: &mut Vec<TestError>,
) -> Result<(Policy, Vec<Report>), Vec<Report>> {
    let at = header.map_or(Span::new(0, 0), |h| h.policy.span);
    let shown = path.display();
    let (error, reports) = match check::load(path) {
        Ok(Loaded::Policy { policy, warnings }) => return Ok((policy, warnings)),
        Ok(Loaded::Calendar { .. }) => (
            TestError::new(
                TestCode::NoPolicy,
                format!("`{shown}` is a calendar, not a policy"),
                at,
                "a calendar",
            )
            .help("name the policy file that uses this calendar: `tests \"….verzuim\"`"),
            Vec::new(),
        ),
        Err(check::LoadError::Io { error, .. }) => (
            TestError::new(
                TestCode::NoPolicy,
                format!("cannot read the policy under test `{shown}`"),
                at,
                io_words(&error),
            )
            .help(if header.is_some() {
                "the path in `tests \"…\"` is relative to the test file's directory"
            } else {
                "`X.test.verzuim` tests `X.verzuim` in the same directory; name another policy with `tests \"….verzuim\"`"
            }),
            Vec::new(),
        ),
        Err(check::LoadError::Invalid(reports)) => (
            TestError::new(
                TestCode::BadPolicy,
                format!("the policy under test `{shown}` has errors"),
                at,
                "this policy",
            )
            .help("fix the policy's errors, listed above, and run the tests again"),
            reports,
        ),
    };
    errors.push(error);
    Err(reports)
}

/// An I/O error in a few lowercase words.
pub(crate) fn io_words(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => e.to_string(),
    }
}

/// The outcome of one test.
#[derive(Debug)]
pub struct TestResult {
    /// The test's name.
    pub name: String,
    /// True when it ran and every expectation held.
    pub passed: bool,
    /// Failed expectations, or the problems that kept it from running.
    pub diagnostics: Vec<Report>,
    /// True when it did not run (problems in the test itself).
    pub errored: bool,
    /// IDs of the steps and rules that fired.
    pub fired: BTreeSet<String>,
    /// Number of actions.
    pub actions: usize,
}

/// The outcome of one test file.
#[derive(Debug)]
pub struct FileResult {
    /// The test file, as given.
    pub path: PathBuf,
    /// The policy under test, with its steps (ID, ladder ID, law) in policy
    /// order, when the file loaded.
    pub policy: Option<(PathBuf, Vec<coverage::StepRef>)>,
    /// The tests that ran (after `--filter`), in source order.
    pub tests: Vec<TestResult>,
    /// Why the file did not load (then `tests` is empty).
    pub load_errors: Vec<Report>,
    /// True when the file could not be read at all.
    pub io_error: bool,
}

impl FileResult {
    /// Tests passed.
    pub fn passed(&self) -> usize {
        self.tests.iter().filter(|t| t.passed).count()
    }

    /// Tests failed; a file that does not load counts as one failure.
    pub fn failed(&self) -> usize {
        let failed = self.tests.iter().filter(|t| !t.passed).count();
        failed + usize::from(!self.load_errors.is_empty())
    }
}

/// Loads and runs the tests of the file at `path` whose names contain
/// `filter` (all when `None`).
pub fn run_file(path: &Path, filter: Option<&str>) -> FileResult {
    let mut result = FileResult {
        path: path.to_path_buf(),
        policy: None,
        tests: Vec::new(),
        load_errors: Vec::new(),
        io_error: false,
    };
    let suite = match load(path) {
        Ok(s) => s,
        Err(LoadError::Io { path, error }) => {
            let e = TestError::unplaced(
                TestCode::NoPolicy,
                format!("cannot read `{}`: {error}", path.display()),
            );
            result.load_errors.push(Report::new(e));
            result.io_error = true;
            return result;
        }
        Err(LoadError::Invalid(reports)) => {
            result.load_errors = reports;
            return result;
        }
    };
    result.policy = Some((suite.policy_path.clone(), coverage::steps_of(&suite.policy)));
    for case in suite.tests {
        if filter.is_some_and(|f| !case.name.contains(f)) {
            continue;
        }
        result
            .tests
            .push(run_case(&suite.policy, &suite.source, case));
    }
    result
}

/// Runs one case.
fn run_case(policy: &Policy, source: &NamedSource<Arc<str>>, case: Case) -> TestResult {
    match case.prepared {
        Err(diagnostics) => TestResult {
            name: case.name,
            passed: false,
            diagnostics,
            errored: true,
            fired: BTreeSet::new(),
            actions: 0,
        },
        Ok(prepared) => {
            let ran = runner::run(policy, &prepared);
            let diagnostics = attach(source, ran.failures);
            TestResult {
                name: case.name,
                passed: diagnostics.is_empty(),
                diagnostics,
                errored: false,
                fired: ran.fired,
                actions: ran.actions,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::ast::Text;

    fn header(path: &str) -> TestsHeader {
        TestsHeader {
            policy: Text::new(path.to_string(), Span::new(0, 0)),
            span: Span::new(0, 0),
        }
    }

    #[test]
    fn the_file_name_names_the_policy() {
        let p = |t: &str| policy_path(Path::new(t), None).map(|p| p.display().to_string());
        assert_eq!(
            p("a/2022-2023.test.verzuim").unwrap(),
            "a/2022-2023.verzuim"
        );
        assert_eq!(
            p("a/2022-2023.late.test.verzuim").unwrap(),
            "a/2022-2023.verzuim"
        );
        assert_eq!(p("mlg.v2.test.verzuim").unwrap(), "mlg.verzuim");
        assert!(p(".test.verzuim").is_err());
    }

    #[test]
    fn the_header_is_relative_to_the_test_file() {
        let h = header("../mlg/2022-2023.verzuim");
        let p = policy_path(Path::new("policies/other/x.test.verzuim"), Some(&h)).unwrap();
        assert_eq!(p, PathBuf::from("policies/mlg/2022-2023.verzuim"));
        let h = header("./p.verzuim");
        let p = policy_path(Path::new("x.test.verzuim"), Some(&h)).unwrap();
        assert_eq!(p, PathBuf::from("p.verzuim"));
    }

    #[test]
    fn normalize_keeps_leading_parents() {
        assert_eq!(
            normalize(Path::new("../a/./b/../c")),
            PathBuf::from("../a/c")
        );
    }
}
