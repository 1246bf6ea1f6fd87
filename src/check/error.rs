//! Check diagnostics: one [`CheckError`] type whose [`Code`] names each kind
//! of problem with a stable code `verzuim::check::<kebab-name>`.
//!
//! Every error carries a primary label on the exact span of the offending
//! input, optional secondary labels (e.g. "first declared here") and a
//! `help` line. Messages are lowercase, one line, user input in backticks.

use crate::span::Span;
use miette::{Diagnostic, LabeledSpan, Severity};
use std::fmt;
use thiserror::Error;

/// The stable code of a check diagnostic; printed as
/// `verzuim::check::<name>` (see [`Code::name`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Code {
    /// A role name that no `role` declares.
    UnknownRole,
    /// An event kind or signal name that no `event` / `signal` declares.
    UnknownKind,
    /// A name used where a signal is needed that is no signal.
    UnknownSignal,
    /// A school code in a filter that no `event` / `signal` / `ignore` maps.
    UnknownCode,
    /// A group name that no `group` declares.
    UnknownGroup,
    /// A ladder name that no `ladder` declares.
    UnknownLadder,
    /// A step or rule ID (or, after `since last`, action kind) that does not exist.
    UnknownStep,
    /// A term that the calendar does not declare.
    UnknownTerm,
    /// An `after LABEL` naming no `as LABEL` in the same step.
    UnknownLabel,
    /// A role declared twice.
    DuplicateRole,
    /// An event kind or signal declared twice (they share one namespace).
    DuplicateKind,
    /// A group declared twice.
    DuplicateGroup,
    /// A ladder declared twice.
    DuplicateLadder,
    /// A step or rule ID declared twice (one namespace across the policy).
    DuplicateStep,
    /// An action label declared twice within a step.
    DuplicateLabel,
    /// An action label `aN`, the form that names unlabelled actions in IDs.
    ReservedLabel,
    /// A calendar term declared twice.
    DuplicateTerm,
    /// A school code mapped twice.
    DuplicateCode,
    /// An exemption declared twice.
    DuplicateExemption,
    /// A header, calendar entry, filter or weekday given twice, or a ladder
    /// listed twice in `precedence` declarations.
    DuplicateEntry,
    /// Threshold steps of a ladder not in ascending order.
    ThresholdOrder,
    /// Two threshold steps of a ladder at the same count.
    ThresholdRepeated,
    /// A threshold step (or `every registration`) without a `counts` measure.
    ThresholdWithoutCounts,
    /// A fractional threshold for a measure that counts whole things.
    FractionalThreshold,
    /// `repeat` or a throttle on a trigger that fires at every count or
    /// registration anyway.
    RepeatOnRepeatingTrigger,
    /// A zero where zero makes no sense (`every 0th`, `for 0 minutes`, …).
    ZeroAmount,
    /// A due time, throttle, deadline or window longer than a year, or a
    /// lesson period number above 24.
    AmountTooLarge,
    /// An impossible date such as `2023-02-30`.
    InvalidDate,
    /// A range whose end lies before its start.
    RangeReversed,
    /// A numeric filter that no registration can match.
    EmptyFilter,
    /// Free days or a term outside the school year.
    OutsideSchoolYear,
    /// Two free ranges that overlap.
    OverlappingFree,
    /// Two terms that overlap.
    OverlappingTerm,
    /// A school year longer than 13 months.
    SchoolYearTooLong,
    /// A calendar whose dates do not match the header's `school_year`.
    SchoolYearMismatch,
    /// A header `school_year` that is not two consecutive years.
    InvalidSchoolYear,
    /// A calendar without `school_year`, `lesson_hour` or `periods`.
    MissingCalendarEntry,
    /// Lesson periods on a Saturday or Sunday.
    WeekendPeriods,
    /// A calendar without a single school day.
    NoSchoolDays,
    /// A policy without a calendar.
    NoCalendar,
    /// A policy with more than one calendar.
    TwoCalendars,
    /// A `use calendar` file that cannot be read.
    UnreadableCalendar,
    /// A `use calendar` file that is not a calendar file.
    NotACalendar,
    /// A file that is neither a policy nor a calendar.
    NotAPolicy,
    /// Two measures (or a measure and a literal) in different units.
    UnitMismatch,
    /// A share compared with a count, or a count with a percentage.
    ShareMismatch,
    /// A measure other than `count` over a signal, or a period/minutes filter on one.
    SignalMeasure,
    /// `on same weekday` on a measure other than `days` / `episodes`.
    SameWeekdayMisuse,
    /// A step or rule without actions.
    NoActions,
    /// Actions ordered `after` themselves, directly or through a cycle.
    AfterCycle,
    /// A measure window longer than the counting scope.
    WindowLongerThanScope,
    /// Ladders that extend each other in a cycle.
    ExtendsCycle,
    /// Two variants of one ladder that a student can follow both.
    OverlappingVariants,
    /// A `precedence` listing ladders of different families (a base and
    /// its variants are one family).
    PrecedenceAcrossFamilies,
    /// A time-driven condition (`no X … after Y`) without a deadline.
    MissingDeadline,
    /// A reclassification of a kind to itself.
    ReclassifyToSelf,
    /// A group attribute compared with a value of the wrong type.
    AttrType,
    /// Warning: a role declared but never used.
    UnusedRole,
    /// Warning: an event kind without school codes.
    KindWithoutCodes,
}

impl Code {
    /// The kebab-case name, e.g. `unknown-role`.
    pub fn name(&self) -> &'static str {
        use Code::*;
        match self {
            UnknownRole => "unknown-role",
            UnknownKind => "unknown-kind",
            UnknownSignal => "unknown-signal",
            UnknownCode => "unknown-code",
            UnknownGroup => "unknown-group",
            UnknownLadder => "unknown-ladder",
            UnknownStep => "unknown-step",
            UnknownTerm => "unknown-term",
            UnknownLabel => "unknown-label",
            DuplicateRole => "duplicate-role",
            DuplicateKind => "duplicate-kind",
            DuplicateGroup => "duplicate-group",
            DuplicateLadder => "duplicate-ladder",
            DuplicateStep => "duplicate-step",
            DuplicateLabel => "duplicate-label",
            ReservedLabel => "reserved-label",
            DuplicateTerm => "duplicate-term",
            DuplicateCode => "duplicate-code",
            DuplicateExemption => "duplicate-exemption",
            DuplicateEntry => "duplicate-entry",
            ThresholdOrder => "threshold-order",
            ThresholdRepeated => "threshold-repeated",
            ThresholdWithoutCounts => "threshold-without-counts",
            FractionalThreshold => "fractional-threshold",
            RepeatOnRepeatingTrigger => "repeat-on-repeating-trigger",
            ZeroAmount => "zero-amount",
            AmountTooLarge => "amount-too-large",
            InvalidDate => "invalid-date",
            RangeReversed => "range-reversed",
            EmptyFilter => "empty-filter",
            OutsideSchoolYear => "outside-school-year",
            OverlappingFree => "overlapping-free",
            OverlappingTerm => "overlapping-term",
            SchoolYearTooLong => "school-year-too-long",
            SchoolYearMismatch => "school-year-mismatch",
            InvalidSchoolYear => "invalid-school-year",
            MissingCalendarEntry => "missing-calendar-entry",
            WeekendPeriods => "weekend-periods",
            NoSchoolDays => "no-school-days",
            NoCalendar => "no-calendar",
            TwoCalendars => "two-calendars",
            UnreadableCalendar => "unreadable-calendar",
            NotACalendar => "not-a-calendar",
            NotAPolicy => "not-a-policy",
            UnitMismatch => "unit-mismatch",
            ShareMismatch => "share-mismatch",
            SignalMeasure => "signal-measure",
            SameWeekdayMisuse => "same-weekday-misuse",
            NoActions => "no-actions",
            AfterCycle => "after-cycle",
            WindowLongerThanScope => "window-longer-than-scope",
            ExtendsCycle => "extends-cycle",
            OverlappingVariants => "overlapping-variants",
            PrecedenceAcrossFamilies => "precedence-across-families",
            MissingDeadline => "missing-deadline",
            ReclassifyToSelf => "reclassify-to-self",
            AttrType => "attr-type",
            UnusedRole => "unused-role",
            KindWithoutCodes => "kind-without-codes",
        }
    }

    /// True for the codes that are warnings rather than errors.
    pub fn is_warning(&self) -> bool {
        matches!(self, Code::UnusedRole | Code::KindWithoutCodes)
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "verzuim::check::{}", self.name())
    }
}

/// One check diagnostic (an error, or a warning for the warning codes).
///
/// The first label is the primary one, on the exact span of the problem;
/// further labels point at related places (a first declaration, the other
/// side of an overlap). Spans are byte ranges into one source file; the
/// caller attaches that file when turning it into a `miette::Report`.
#[derive(Debug, Clone, Error)]
#[error("{message}")]
pub struct CheckError {
    /// The stable code.
    pub code: Code,
    /// The one-line message.
    pub message: String,
    /// Labels: the primary first.
    pub labels: Vec<(Span, String)>,
    /// What to do about it.
    pub help: Option<String>,
}

impl CheckError {
    /// A diagnostic with a primary label.
    pub fn new(
        code: Code,
        message: impl Into<String>,
        span: Span,
        label: impl Into<String>,
    ) -> Self {
        CheckError {
            code,
            message: message.into(),
            labels: vec![(span, label.into())],
            help: None,
        }
    }

    /// Adds a secondary label.
    pub fn label(mut self, span: Span, label: impl Into<String>) -> Self {
        self.labels.push((span, label.into()));
        self
    }

    /// Sets the help line.
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// The primary span.
    pub fn span(&self) -> Span {
        self.labels.first().map(|l| l.0).unwrap_or_default()
    }
}

impl Diagnostic for CheckError {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(self.code))
    }

    fn severity(&self) -> Option<Severity> {
        Some(if self.code.is_warning() {
            Severity::Warning
        } else {
            Severity::Error
        })
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display + 'a>)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
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

/// The closest of `candidates` to `name`, if any is close enough to be a
/// likely typo: Levenshtein distance at most 1 for short names and at most 2
/// for names of six or more characters, or Jaro-Winkler similarity ≥ 0.9.
/// Names under three characters (`L4`, `X`) get no suggestion: every short
/// name is one edit away from another.
pub fn suggest<'a>(name: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let len = name.chars().count();
    if len < 3 {
        return None;
    }
    let max_lev = if len >= 6 { 2 } else { 1 };
    candidates
        .iter()
        .filter(|c| **c != name)
        .map(|c| {
            (
                strsim::levenshtein(name, c),
                strsim::jaro_winkler(name, c),
                *c,
            )
        })
        .filter(|(lev, jw, _)| *lev <= max_lev || *jw >= 0.9)
        .min_by(|a, b| a.0.cmp(&b.0).then(b.1.total_cmp(&a.1)))
        .map(|(_, _, c)| c)
}

/// The help line for an unknown name: "did you mean `x`?", else the known
/// names (at most twelve), else "no PLURAL are declared".
pub fn unknown_help(plural: &str, name: &str, candidates: &[&str]) -> String {
    if let Some(s) = suggest(name, candidates) {
        return format!("did you mean `{s}`?");
    }
    if candidates.is_empty() {
        return format!("no {plural} are declared");
    }
    let shown: Vec<String> = candidates
        .iter()
        .take(12)
        .map(|c| format!("`{c}`"))
        .collect();
    let more = if candidates.len() > 12 { ", …" } else { "" };
    format!("known {plural}: {}{more}", shown.join(", "))
}

/// The longest due time, throttle, deadline or window, in days or school
/// days: a year. Longer amounts cannot mean anything within one school year
/// (and would overflow date arithmetic).
pub const MAX_DAYS: u32 = 366;

/// The highest lesson period number.
pub const MAX_PERIOD: u32 = 24;

/// An error when `amount` (days or school days) is longer than a year.
pub fn too_long(amount: &crate::span::Spanned<u32>, what: &str) -> Option<CheckError> {
    (amount.node > MAX_DAYS).then(|| {
        CheckError::new(
            Code::AmountTooLarge,
            format!(
                "{what} of {} days is longer than a school year",
                amount.node
            ),
            amount.span,
            format!("at most {MAX_DAYS}"),
        )
        .help("amounts of days count within one school year; give at most 366")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names_only() {
        let roles = [
            "vc", "mentor", "lpa", "cll", "iot", "sa", "student", "parents",
        ];
        assert_eq!(suggest("mentr", &roles), Some("mentor"));
        assert_eq!(suggest("studnet", &roles), Some("student"));
        assert_eq!(suggest("xyz", &roles), None);
        assert_eq!(suggest("ab", &roles), None);
    }

    #[test]
    fn help_lists_known_names_when_nothing_is_close() {
        assert_eq!(
            unknown_help("roles", "zzz", &["vc", "mentor"]),
            "known roles: `vc`, `mentor`"
        );
        assert_eq!(unknown_help("groups", "g", &[]), "no groups are declared");
    }
}
