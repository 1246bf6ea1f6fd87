//! Syntax errors: what `syntax::parse` reports when a file does not follow
//! the grammar, or when a literal in it cannot be represented.
//!
//! Every error carries spans only (no source text); attach the source when
//! reporting (see `crate::diagnostics::attach`). Codes are stable and in path
//! form, `verzuim::syntax::<kebab-name>`. Messages are lowercase, one line,
//! with user input in backticks; the explanation goes into `help`.

use crate::span::Span;
use miette::Diagnostic;
use thiserror::Error;

/// A syntax error in a `.verzuim` file.
#[derive(Debug, Clone, PartialEq, Eq, Error, Diagnostic)]
pub enum SyntaxError {
    /// The text at `span` is not what the grammar allows there.
    #[error("expected {expected}, found {found}")]
    #[diagnostic(code("verzuim::syntax::unexpected"))]
    Unexpected {
        /// What would have been allowed, in words (`a date like 2023-02-28`).
        expected: String,
        /// What was there, in words (`` `foo` `` or `the end of the file`).
        found: String,
        /// Where.
        #[label("{label}")]
        span: Span,
        /// The label under the span.
        label: String,
        /// How to fix it.
        #[help]
        help: String,
    },

    /// A line starts with a word that does not start a declaration.
    #[error("`{found}` does not start a declaration")]
    #[diagnostic(code("verzuim::syntax::unknown-declaration"))]
    UnknownDeclaration {
        /// The word.
        found: String,
        /// Where.
        #[label("unknown declaration")]
        span: Span,
        /// A suggestion, or the list of declaration keywords.
        #[help]
        help: String,
    },

    /// Something that looks like a date is not written `YYYY-MM-DD` (or a
    /// school year not `YYYY-YYYY`).
    #[error("`{found}` is not {what}")]
    #[diagnostic(code("verzuim::syntax::invalid-date-format"))]
    InvalidDateFormat {
        /// The text as written.
        found: String,
        /// `a date written as YYYY-MM-DD` or `a school year written as YYYY-YYYY`.
        what: String,
        /// Where.
        #[label("expected {what}")]
        span: Span,
        /// The corrected spelling, when one can be guessed.
        #[help]
        help: String,
    },

    /// A `{` without its `}`.
    #[error("missing `}}`: this block is never closed")]
    #[diagnostic(code("verzuim::syntax::unclosed-block"))]
    UnclosedBlock {
        /// The `{` that is never closed.
        #[label(primary, "this `{{` has no matching `}}`")]
        open: Span,
        /// Where the `}` was expected at the latest.
        #[label("{at_label}")]
        at: Span,
        /// The label of `at`.
        at_label: String,
        /// How to fix it.
        #[help]
        help: String,
    },

    /// A `"` without its closing `"` on the same line.
    #[error("unterminated text: the closing `\"` is missing")]
    #[diagnostic(
        code("verzuim::syntax::unterminated-string"),
        help("close the text with `\"` on the same line; write `\\\"` for a quote inside a text")
    )]
    UnterminatedString {
        /// From the opening quote to the end of the line.
        #[label("this text is never closed")]
        span: Span,
    },

    /// A backslash escape other than `\"` and `\\` in a text.
    #[error("unknown escape `{escape}` in a text")]
    #[diagnostic(
        code("verzuim::syntax::invalid-escape"),
        help("inside a text only `\\\"` (a quote) and `\\\\` (a backslash) are escapes")
    )]
    InvalidEscape {
        /// The escape as written.
        escape: String,
        /// Where.
        #[label("unknown escape")]
        span: Span,
    },

    /// `≥`, `=>`, `==` and friends instead of a comparison operator.
    #[error("`{found}` is not a comparison operator")]
    #[diagnostic(code("verzuim::syntax::bad-comparison"))]
    BadComparison {
        /// The operator as written.
        found: String,
        /// Where.
        #[label("not a comparison operator")]
        span: Span,
        /// The operator to write instead.
        #[help]
        help: String,
    },

    /// `hours` as a unit or measure: lesson hours and clock hours differ.
    #[error("`hours` is ambiguous: there is no unitless hour")]
    #[diagnostic(code("verzuim::syntax::unitless-hours"))]
    UnitlessHours {
        /// Where.
        #[label("lesson hours or clock hours?")]
        span: Span,
        /// The two spellings to choose from.
        #[help]
        help: String,
    },

    /// An action without its text in quotes.
    #[error("missing the action's text in quotes")]
    #[diagnostic(code("verzuim::syntax::missing-text"))]
    MissingText {
        /// Where the text was expected.
        #[label("expected the action's text after this")]
        span: Span,
        /// An example.
        #[help]
        help: String,
    },

    /// `HH:MM` that is not a time of day.
    #[error("`{found}` is not a time of day")]
    #[diagnostic(
        code("verzuim::syntax::invalid-time"),
        help("write times as HH:MM, from 00:00 to 23:59, like 08:00")
    )]
    InvalidTime {
        /// The time as written.
        found: String,
        /// Where.
        #[label("not a time of day")]
        span: Span,
    },

    /// A number too large to represent.
    #[error("`{found}` is too large a number")]
    #[diagnostic(
        code("verzuim::syntax::number-too-large"),
        help("whole numbers in a policy go up to 4294967295")
    )]
    NumberTooLarge {
        /// The number as written.
        found: String,
        /// Where.
        #[label("too large")]
        span: Span,
    },

    /// A decimal with more than two digits after the point.
    #[error("`{found}` has more than two decimals")]
    #[diagnostic(
        code("verzuim::syntax::too-many-decimals"),
        help("numbers are kept exactly, in hundredths: write at most two decimals, like 0.25")
    )]
    TooManyDecimals {
        /// The number as written.
        found: String,
        /// Where.
        #[label("at most two decimals")]
        span: Span,
    },

    /// `a or b and c` between the roles of one action.
    #[error("roles joined with both `or` and `and`")]
    #[diagnostic(
        code("verzuim::syntax::mixed-role-join"),
        help(
            "write `a or b` (any one of them acts) or `a and b` (they act together), not both in one action"
        )
    )]
    MixedRoleJoin {
        /// The roles.
        #[label("both `or` and `and`")]
        span: Span,
    },

    /// `friday .. monday`.
    #[error("the weekday range `{found}` runs backwards")]
    #[diagnostic(
        code("verzuim::syntax::reversed-range"),
        help(
            "write the earlier weekday first, like `monday .. friday`, or list the days: `monday, friday`"
        )
    )]
    ReversedRange {
        /// The range as written.
        found: String,
        /// Where.
        #[label("runs backwards")]
        span: Span,
    },

    /// `at HH:MM for N minutes` after an action that is not a `sanction`.
    #[error("`at … for … minutes` only fits a `sanction`")]
    #[diagnostic(
        code("verzuim::syntax::time-without-sanction"),
        help("write `vc: sanction \"…\" at 08:00 for 30 minutes`, or remove the time")
    )]
    TimeWithoutSanction {
        /// The time clause.
        #[label("this action is not a `sanction`")]
        span: Span,
    },

    /// A condition nested deeper than the parser allows.
    #[error("this condition nests more than {limit} levels deep")]
    #[diagnostic(
        code("verzuim::syntax::too-deep"),
        help(
            "parentheses and `not`s nest too deeply; write the condition flatter, e.g. split it into several rules"
        )
    )]
    TooDeep {
        /// The nesting limit.
        limit: usize,
        /// Where the limit was passed.
        #[label("nesting passes the limit here")]
        span: Span,
    },

    /// A bug in the parser: a parse tree that lowering does not understand.
    #[error("internal parser error: {message}")]
    #[diagnostic(
        code("verzuim::syntax::internal"),
        help("this is a bug in verzuim; please report it together with the policy file")
    )]
    Internal {
        /// What went wrong, for the developers.
        message: String,
        /// Where.
        #[label("here")]
        span: Span,
    },
}

impl SyntaxError {
    /// The primary span of the error (for sorting and for tests).
    pub fn span(&self) -> Span {
        match self {
            SyntaxError::Unexpected { span, .. }
            | SyntaxError::UnknownDeclaration { span, .. }
            | SyntaxError::InvalidDateFormat { span, .. }
            | SyntaxError::UnterminatedString { span }
            | SyntaxError::InvalidEscape { span, .. }
            | SyntaxError::BadComparison { span, .. }
            | SyntaxError::UnitlessHours { span, .. }
            | SyntaxError::MissingText { span, .. }
            | SyntaxError::InvalidTime { span, .. }
            | SyntaxError::NumberTooLarge { span, .. }
            | SyntaxError::TooManyDecimals { span, .. }
            | SyntaxError::MixedRoleJoin { span }
            | SyntaxError::ReversedRange { span, .. }
            | SyntaxError::TimeWithoutSanction { span }
            | SyntaxError::TooDeep { span, .. }
            | SyntaxError::Internal { span, .. } => *span,
            SyntaxError::UnclosedBlock { open, .. } => *open,
        }
    }

    /// An internal error (a bug in the parser), with a message for developers.
    pub(crate) fn internal(message: impl Into<String>, span: Span) -> Self {
        SyntaxError::Internal {
            message: message.into(),
            span,
        }
    }
}
