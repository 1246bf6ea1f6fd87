//! Data errors: one bad value in an events or roster file, located by
//! `file:line:column`. They are miette diagnostics (code
//! `verzuim::data::<kebab>`) rendered like every other diagnostic, without a
//! source snippet: the location is in the message.

use miette::{Diagnostic, Severity};
use std::fmt;

/// What is wrong with a value. The kebab-case name is the diagnostic code's
/// last part (`verzuim::data::unknown-kind`); the list is in
/// `docs/diagnostics.md`-style order: structure, then values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DataErrorCode {
    /// The file is not readable CSV (not UTF-8, a row with a wrong number of
    /// fields).
    BadCsv,
    /// A header problem: unknown, duplicate or missing column.
    BadHeader,
    /// The row has no student ID.
    MissingStudent,
    /// A student appears twice in the roster.
    DuplicateStudent,
    /// The row has neither a kind nor a code.
    MissingKind,
    /// The kind is not one of the policy's kinds or signals.
    UnknownKind,
    /// The code is not one of the policy's codes.
    UnknownCode,
    /// The code and the kind column disagree.
    KindCodeMismatch,
    /// Not a date, or an impossible one (`2023-02-30`).
    BadDate,
    /// A date that is no school day or lies outside the school year.
    NotASchoolDay,
    /// A non-numeric or negative number.
    BadNumber,
    /// A period not scheduled on that weekday.
    BadPeriod,
    /// Minutes out of range (0, or more than a lesson).
    BadMinutes,
    /// A kind row without a period.
    MissingPeriod,
    /// A late arrival without its minutes late.
    MissingMinutes,
    /// A signal row with a period.
    SignalWithPeriod,
    /// A signal row with minutes.
    SignalWithMinutes,
    /// A roster date range that ends before it starts.
    BadRange,
    /// An exemption ID the policy does not declare, or a malformed exemption.
    BadExemption,
    /// A roster group the policy does not use (a warning).
    UnknownGroup,
    /// A registration of a student who is not in the given roster.
    UnknownStudent,
    /// A registration dated outside the student's enrolment in the roster.
    NotEnrolled,
    /// A JSON Lines line that is not a JSON object, or a field of the wrong
    /// type.
    BadJson,
    /// An `id` given twice in one file for different registrations.
    DuplicateId,
    /// Under `--sorted`: a row dated before the latest date of the rows of
    /// its file accepted so far; also the one closing error that counts a
    /// file's out-of-order rows past the first ten.
    OutOfOrder,
}

impl DataErrorCode {
    /// The kebab-case name.
    pub fn as_str(self) -> &'static str {
        use DataErrorCode::*;
        match self {
            BadCsv => "bad-csv",
            BadHeader => "bad-header",
            MissingStudent => "missing-student",
            DuplicateStudent => "duplicate-student",
            MissingKind => "missing-kind",
            UnknownKind => "unknown-kind",
            UnknownCode => "unknown-code",
            KindCodeMismatch => "kind-code-mismatch",
            BadDate => "bad-date",
            NotASchoolDay => "not-a-school-day",
            BadNumber => "bad-number",
            BadPeriod => "bad-period",
            BadMinutes => "bad-minutes",
            MissingPeriod => "missing-period",
            MissingMinutes => "missing-minutes",
            SignalWithPeriod => "signal-with-period",
            SignalWithMinutes => "signal-with-minutes",
            BadRange => "bad-range",
            BadExemption => "bad-exemption",
            UnknownGroup => "unknown-group",
            UnknownStudent => "unknown-student",
            NotEnrolled => "not-enrolled",
            BadJson => "bad-json",
            DuplicateId => "duplicate-id",
            OutOfOrder => "out-of-order",
        }
    }
}

/// One problem in a data file. `Display` gives `file:line:column: message`
/// (`file:line:field: message` for a JSON Lines field).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataError {
    /// What is wrong.
    pub code: DataErrorCode,
    /// The file as named on the command line (`<stdin>` for `-`).
    pub file: String,
    /// 1-based line.
    pub line: u64,
    /// 1-based column (characters) of the field.
    pub column: u64,
    /// The field's name, for a JSON Lines row: shown instead of the column.
    pub field: Option<String>,
    /// Lowercase, one line: the value (in backticks) and what was expected.
    pub message: String,
    /// How to fix it, if there is something to say.
    pub help: Option<String>,
    /// Error, or warning (a run still proceeds).
    pub severity: Severity,
}

impl DataError {
    /// An error.
    pub fn new(
        code: DataErrorCode,
        file: String,
        line: u64,
        column: u64,
        message: String,
        help: Option<String>,
    ) -> DataError {
        DataError {
            code,
            file,
            line,
            column,
            field: None,
            message: visible(message),
            help: help.map(visible),
            severity: Severity::Error,
        }
    }

    /// The same diagnostic located by a JSON Lines field name.
    pub fn in_field(mut self, field: &str) -> DataError {
        self.field = Some(visible(field.to_string()));
        self
    }

    /// The same diagnostic as a warning.
    pub fn warning(mut self) -> DataError {
        self.severity = Severity::Warning;
        self
    }

    /// Wrap as a miette report for rendering.
    pub fn into_report(self) -> miette::Report {
        miette::Report::new(self)
    }
}

impl fmt::Display for DataError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.field {
            Some(field) => write!(f, "{}:{}:{field}: {}", self.file, self.line, self.message),
            None => write!(
                f,
                "{}:{}:{}: {}",
                self.file, self.line, self.column, self.message
            ),
        }
    }
}

impl std::error::Error for DataError {}

impl Diagnostic for DataError {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(format!("verzuim::data::{}", self.code.as_str())))
    }

    fn severity(&self) -> Option<Severity> {
        Some(self.severity)
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display + 'a>)
    }
}

/// Why an input file could not be read.
#[derive(Debug)]
pub enum ReadError {
    /// The file could not be opened or read (exit 2).
    Io {
        /// The path as given.
        path: String,
        /// The OS error.
        error: std::io::Error,
    },
    /// The file was read but holds rows that cannot be used (exit 1): every
    /// such problem, in file order.
    Invalid(Vec<DataError>),
}

/// `text` with control characters written as escapes (`\u{1b}`), so that a
/// value from a data file (a student ID with a terminal escape sequence, a
/// NUL) cannot act on the terminal the diagnostic is shown on.
pub fn visible(text: String) -> String {
    if !text.chars().any(char::is_control) {
        return text;
    }
    text.chars()
        .map(|c| {
            if c.is_control() {
                c.escape_unicode().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

#[cfg(test)]
mod visible_tests {
    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(super::visible("S1".into()), "S1");
        assert_eq!(
            super::visible("unknown student `S\u{1b}[31m1\0`".into()),
            "unknown student `S\\u{1b}[31m1\\u{0}`"
        );
    }
}
