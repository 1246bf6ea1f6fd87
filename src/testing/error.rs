//! Test diagnostics: problems in a test file (a name the policy does not
//! know, an event that is no valid registration, …) and failed
//! expectations, each with a stable code `verzuim::test::<kebab-name>`.
//!
//! Like `check::error::CheckError`, a [`TestError`] carries spans only; the
//! test file's source is attached when it becomes a `miette::Report`.
//! Messages are lowercase, one line, user input in backticks; the
//! explanation (for a failed expectation: the expected-vs-actual listing)
//! goes into `help`.

use crate::span::Span;
use miette::{Diagnostic, LabeledSpan, Severity};
use std::fmt;
use thiserror::Error;

/// The stable code of a test diagnostic, printed as
/// `verzuim::test::<name>` (see [`TestCode::name`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TestCode {
    /// An expectation does not hold.
    Failed,
    /// The coverage is below `--min-coverage`.
    Coverage,
    /// No test was found (without `--allow-empty`).
    NoTests,
    /// The policy under test cannot be found or read.
    NoPolicy,
    /// The policy under test has errors (reported as well).
    BadPolicy,
    /// A `tests` header, test name, roster student or `as_of` given twice.
    Duplicate,
    /// A test that expects nothing.
    NoExpectations,
    /// A step or rule the policy does not have.
    UnknownStep,
    /// A role the policy does not declare.
    UnknownRole,
    /// An event kind or signal the policy does not declare.
    UnknownKind,
    /// A school code the policy does not map (or ignores).
    UnknownCode,
    /// An action kind that does not exist.
    UnknownActionKind,
    /// A group or exemption the policy does not declare, or an `after`
    /// label no action of the step has.
    UnknownName,
    /// An expectation about a student who has no events and no roster line.
    UnknownStudent,
    /// An event line without its student.
    MissingStudent,
    /// An impossible date, or a date outside what it may be.
    BadDate,
    /// A date that is no school day, or a range without school days.
    NotASchoolDay,
    /// A period not scheduled on that weekday, or a reversed period range.
    BadPeriod,
    /// Minutes missing (late arrival), out of range, or given for a signal.
    BadMinutes,
    /// A signal with a period, or a registration without one.
    BadEvent,
    /// An `events from` file that cannot be read or holds invalid rows.
    BadEventsFile,
    /// A malformed roster value.
    BadRoster,
}

impl TestCode {
    /// The kebab-case name, the last part of the code.
    pub fn name(self) -> &'static str {
        use TestCode::*;
        match self {
            Failed => "failed",
            Coverage => "coverage",
            NoTests => "no-tests",
            NoPolicy => "no-policy",
            BadPolicy => "bad-policy",
            Duplicate => "duplicate",
            NoExpectations => "no-expectations",
            UnknownStep => "unknown-step",
            UnknownRole => "unknown-role",
            UnknownKind => "unknown-kind",
            UnknownCode => "unknown-code",
            UnknownActionKind => "unknown-action-kind",
            UnknownName => "unknown-name",
            UnknownStudent => "unknown-student",
            MissingStudent => "missing-student",
            BadDate => "bad-date",
            NotASchoolDay => "not-a-school-day",
            BadPeriod => "bad-period",
            BadMinutes => "bad-minutes",
            BadEvent => "bad-event",
            BadEventsFile => "bad-events-file",
            BadRoster => "bad-roster",
        }
    }
}

impl fmt::Display for TestCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "verzuim::test::{}", self.name())
    }
}

/// One test diagnostic. The first label is the primary one; without labels
/// (a coverage failure) the diagnostic has no source excerpt.
#[derive(Debug, Clone, Error)]
#[error("{message}")]
pub struct TestError {
    /// The code.
    pub code: TestCode,
    /// One lowercase line.
    pub message: String,
    /// Labelled spans into the test file; the first is primary.
    pub labels: Vec<(Span, String)>,
    /// The explanation or the expected-vs-actual listing.
    pub help: Option<String>,
}

impl TestError {
    /// An error with its primary label.
    pub fn new(
        code: TestCode,
        message: impl Into<String>,
        span: Span,
        label: impl Into<String>,
    ) -> Self {
        TestError {
            code,
            message: message.into(),
            labels: vec![(span, label.into())],
            help: None,
        }
    }

    /// An error without a place in a file.
    pub fn unplaced(code: TestCode, message: impl Into<String>) -> Self {
        TestError {
            code,
            message: message.into(),
            labels: Vec::new(),
            help: None,
        }
    }

    /// Adds a secondary label.
    pub fn label(mut self, span: Span, label: impl Into<String>) -> Self {
        self.labels.push((span, label.into()));
        self
    }

    /// Sets the help text.
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// The primary span (zero at the file start when unplaced).
    pub fn span(&self) -> Span {
        self.labels.first().map(|l| l.0).unwrap_or_default()
    }
}

impl Diagnostic for TestError {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(self.code))
    }

    fn severity(&self) -> Option<Severity> {
        Some(Severity::Error)
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display + 'a>)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        if self.labels.is_empty() {
            return None;
        }
        Some(Box::new(self.labels.iter().enumerate().map(
            |(i, (s, l))| {
                if i == 0 {
                    LabeledSpan::new_primary_with_span(Some(l.clone()), *s)
                } else {
                    LabeledSpan::new_with_span(Some(l.clone()), *s)
                }
            },
        )))
    }
}
