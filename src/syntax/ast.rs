//! The abstract syntax tree of a `.verzuim` file, as lowered from the pest
//! parse tree by `syntax::lower`. Names are not resolved here (that is
//! `check`'s job); every node a user can point at carries a [`Span`].
//!
//! Equality: a [`Spanned`] value compares its value only, but the bare
//! `span: Span` fields of nodes do compare, so two parses of differently laid
//! out text are not `==`. To compare meaning, compare the checked models or
//! the span-stripped `Debug` text (as `tests/fmt.rs` does).

use crate::span::{Span, Spanned};
use chrono::{NaiveDate, NaiveTime, Weekday};

/// An identifier as written (a role, kind, signal, group, ladder, step, term,
/// label): `[A-Za-z][A-Za-z0-9_-]*`.
pub type Ident = Spanned<String>;

/// A string literal's contents (quotes removed, `\"` and `\\` unescaped).
pub type Text = Spanned<String>;

/// One parsed file: its top-level items in source order, plus its comments
/// (kept for `verzuim fmt`).
#[derive(Debug, Clone, PartialEq)]
pub struct File {
    /// Items in source order.
    pub items: Vec<Item>,
    /// Every `# …` comment with its span (text without the `#`).
    pub comments: Vec<Spanned<String>>,
}

/// A top-level declaration. Each is introduced by a keyword at which the
/// parser resynchronises after a syntax error.
#[derive(Debug, Clone, PartialEq)]
#[allow(clippy::large_enum_variant)] // items are few; boxing would only add noise
pub enum Item {
    /// `policy "Name" school "MLG" school_year 2022-2023`
    Policy(PolicyHeader),
    /// `use calendar "path/to/file.verzuim"` (path relative to this file).
    UseCalendar(Text),
    /// `calendar "Name" { … }`
    Calendar(Calendar),
    /// `role vc "Verzuimcoördinator"`
    Role(Role),
    /// `event late "Te laat" unauthorized codes "L", "T" authorized`
    Event(Event),
    /// `ignore "why" codes "HV", "BV"`
    Ignore(Ignore),
    /// `signal special_arrangement "Bijzondere afspraken"`
    Signal(Signal),
    /// `group previous_year_high "veel verzuim 21/22" [where …]`
    Group(Group),
    /// `reclassify late where minutes > 20 as truancy instead`
    Reclassify(Reclassify),
    /// `exemption medical "…" excludes sick, ladder late [from signal a until signal b]`
    Exemption(Exemption),
    /// `ladder id "title" counts … { step … }`
    Ladder(Ladder),
    /// `precedence late_a, late_b, late`
    Precedence(Precedence),
    /// `rule id "title" … when … { actions }` (also `law id "title" source "…" …`)
    Rule(Rule),
}

/// `policy "Verzuimprotocol MLG" school "MLG" school_year 2022-2023`
#[derive(Debug, Clone, PartialEq)]
pub struct PolicyHeader {
    /// The policy's name.
    pub name: Text,
    /// The school's name or abbreviation.
    pub school: Text,
    /// The school year as `(first calendar year, second)`, e.g. `(2022, 2023)`.
    pub school_year: Spanned<(i32, i32)>,
    /// The whole header.
    pub span: Span,
}

/// A date as written: either a valid date or the raw text of an impossible
/// one (`2023-02-30`), so the checker can report it with its span.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DateLit {
    /// A valid calendar date.
    Valid(NaiveDate),
    /// Written like a date but not a real one; the raw text.
    Invalid(String),
}

/// `a .. b` or a single date `a` (then `end == start`), both inclusive.
#[derive(Debug, Clone, PartialEq)]
pub struct DateRange {
    /// First day (inclusive).
    pub start: Spanned<DateLit>,
    /// Last day (inclusive); same as start for a single date.
    pub end: Spanned<DateLit>,
    /// The whole range.
    pub span: Span,
}

/// `calendar "Name" { … }`: the only source of school days.
#[derive(Debug, Clone, PartialEq)]
pub struct Calendar {
    /// The calendar's name.
    pub name: Text,
    /// Entries in source order.
    pub entries: Vec<CalendarEntry>,
    /// The whole block.
    pub span: Span,
}

/// One line in a calendar block.
#[derive(Debug, Clone, PartialEq)]
pub enum CalendarEntry {
    /// `school_year 2022-08-29 .. 2023-07-21`: first and last school day.
    SchoolYear(DateRange),
    /// `lesson_hour 50 minutes`: length of one lesson hour, in minutes.
    LessonHour(Spanned<u32>),
    /// `periods monday .. friday 1 .. 8` or `periods wednesday 1 .. 6`:
    /// lesson periods scheduled on those weekdays (inclusive ranges).
    Periods {
        /// Weekdays (a range `monday .. friday` is expanded; a list `monday, tuesday`).
        weekdays: Vec<Spanned<Weekday>>,
        /// First and last period number (inclusive).
        first: Spanned<u32>,
        /// Last period (inclusive).
        last: Spanned<u32>,
        /// The whole line.
        span: Span,
    },
    /// `free "Herfstvakantie" 2022-10-15 .. 2022-10-23`: days without school.
    Free {
        /// The free days' name.
        name: Text,
        /// Inclusive date range.
        range: DateRange,
    },
    /// `term t1 "Periode 1" 2022-08-29 .. 2022-11-18`: a named period, a scope.
    Term {
        /// The term's ID.
        id: Ident,
        /// Display name.
        name: Text,
        /// Inclusive date range.
        range: DateRange,
    },
}

/// `role vc "Verzuimcoördinator"`
#[derive(Debug, Clone, PartialEq)]
pub struct Role {
    /// Short name used in actions.
    pub id: Ident,
    /// Dutch display name.
    pub name: Text,
    /// The whole declaration.
    pub span: Span,
}

/// Authorized (geoorloofd) or unauthorized (ongeoorloofd).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Authorization {
    /// Geoorloofd.
    Authorized,
    /// Ongeoorloofd.
    Unauthorized,
}

/// `event late "Te laat" unauthorized codes "L", "T" authorized`
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// The kind's name, used in measures and in the `kind` CSV column.
    pub id: Ident,
    /// Dutch display name.
    pub name: Text,
    /// The kind's marking; holds for its codes unless a code overrides it.
    pub authorization: Spanned<Authorization>,
    /// The school's codes for this kind, each optionally with its own marking.
    pub codes: Vec<(Text, Option<Spanned<Authorization>>)>,
    /// The whole declaration.
    pub span: Span,
}

/// `ignore "Huiswerk vergeten" codes "HV", "BV"`: codes that are read and
/// counted in the summary but never counted by any measure.
#[derive(Debug, Clone, PartialEq)]
pub struct Ignore {
    /// Optional reason.
    pub reason: Option<Text>,
    /// The ignored codes.
    pub codes: Vec<Text>,
    /// The whole declaration.
    pub span: Span,
}

/// `signal account "Verantwoording" [codes "VA"]`: a staff-recorded event kind.
#[derive(Debug, Clone, PartialEq)]
pub struct Signal {
    /// The signal's name (the `kind` column value).
    pub id: Ident,
    /// Display name.
    pub name: Text,
    /// Optional codes mapping to this signal.
    pub codes: Vec<Text>,
    /// The whole declaration.
    pub span: Span,
}

/// `group id "roster name" [where ATTR_COND and …]`. Without `where`, members
/// are the roster students whose `groups` column lists the ID or the name.
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    /// Group ID used in `for` / `except`.
    pub id: Ident,
    /// The name as it appears in the roster's `groups` column.
    pub name: Text,
    /// Attribute conditions, all of which must hold (empty: roster membership).
    pub conditions: Vec<AttrCond>,
    /// The whole declaration.
    pub span: Span,
}

/// A student attribute a group condition can test.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Attr {
    /// Age in whole years on the registration's date, from `birthdate`.
    Age,
    /// Roster `grade`.
    Grade,
    /// Roster `location`.
    Location,
    /// Roster `class`.
    Class,
}

/// `age < 18`, `grade = "4"`, `location in "Noord", "Zuid"`.
#[derive(Debug, Clone, PartialEq)]
pub struct AttrCond {
    /// The attribute.
    pub attr: Spanned<Attr>,
    /// Comparison operator (`in` is [`CmpOp::Eq`] with several values).
    pub op: Spanned<CmpOp>,
    /// Values: numbers for `age`, strings otherwise.
    pub values: Vec<Spanned<AttrValue>>,
    /// The whole condition.
    pub span: Span,
}

/// A literal in an attribute condition.
#[derive(Debug, Clone, PartialEq)]
pub enum AttrValue {
    /// A whole number (age in years).
    Number(u32),
    /// A string (grade, location, class).
    Text(String),
}

/// `reclassify late where minutes > 20 as truancy instead` or
/// `reclassify late as absence also`.
#[derive(Debug, Clone, PartialEq)]
pub struct Reclassify {
    /// The kind whose registrations are reclassified.
    pub from: Ident,
    /// Which of its registrations (empty: all).
    pub filter: Vec<Filter>,
    /// The kind they are counted as.
    pub to: Ident,
    /// `instead` (no longer counted as `from`) or `also` (counted as both).
    pub mode: Spanned<ReclassifyMode>,
    /// The whole declaration.
    pub span: Span,
}

/// How a reclassified registration is counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReclassifyMode {
    /// Counted as the target kind and no longer as its own.
    Instead,
    /// Counted as the target kind as well as its own.
    Also,
}

/// `exemption id "name" excludes sick, ladder late [from signal a until signal b]`
#[derive(Debug, Clone, PartialEq)]
pub struct Exemption {
    /// Exemption ID, as used in the roster's `exemptions` column
    /// (`id 2022-10-01..2022-12-01`).
    pub id: Ident,
    /// Display name.
    pub name: Text,
    /// What is not counted during the exemption: kinds and ladders.
    pub excludes: Vec<ExemptTarget>,
    /// Signals that open and close the exemption (both dates inclusive), if
    /// signals rather than only the roster define it.
    pub from_signal: Option<Ident>,
    /// The closing signal.
    pub until_signal: Option<Ident>,
    /// The whole declaration.
    pub span: Span,
}

/// What an exemption excludes.
#[derive(Debug, Clone, PartialEq)]
pub enum ExemptTarget {
    /// An event kind: its registrations are not counted by any measure.
    Kind(Ident),
    /// `ladder ID`: the ladder's steps do not fire.
    Ladder(Ident),
}

/// `per school_year` and friends; see `docs/semantics.md`.
#[derive(Debug, Clone, PartialEq)]
pub enum Scope {
    /// The whole school year (the default).
    SchoolYear,
    /// `per term t1`: a named period of the calendar.
    Term(Ident),
    /// `per month`: a calendar month.
    Month,
    /// `per school_week`: an ISO week holding school days.
    SchoolWeek,
    /// `since last X`: restarts the school day after step/rule X last fired,
    /// or after an action of kind X was last issued.
    SinceLast(Ident),
}

/// `ladder id "title" [counts MEASURE] [per SCOPE] [for G | except G]
/// [extends BASE] { steps }`
#[derive(Debug, Clone, PartialEq)]
pub struct Ladder {
    /// Ladder ID.
    pub id: Ident,
    /// Display title.
    pub title: Option<Text>,
    /// What the threshold steps count (`counts late` = `count(late)`).
    pub counts: Option<Measure>,
    /// Counting scope (default school year).
    pub scope: Option<Spanned<Scope>>,
    /// `for G` / `except G`.
    pub selector: Option<Selector>,
    /// `extends BASE`.
    pub extends: Option<Ident>,
    /// Steps in source order.
    pub steps: Vec<Step>,
    /// The whole ladder.
    pub span: Span,
}

/// `precedence A, B, C`: among a base ladder and its variants, a student
/// follows the first listed ladder whose selector admits them, and none of
/// the others listed.
#[derive(Debug, Clone, PartialEq)]
pub struct Precedence {
    /// The ladders, first first (at least two).
    pub ladders: Vec<Ident>,
    /// The whole declaration.
    pub span: Span,
}

/// `for G` (only members) or `except G` (everyone but members).
#[derive(Debug, Clone, PartialEq)]
pub struct Selector {
    /// True for `except`.
    pub except: bool,
    /// The group.
    pub group: Ident,
    /// The whole selector.
    pub span: Span,
}

/// `step ID ["title"] TRIGGER [per SCOPE] [repeat] [at most once per N UNIT] { actions }`
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    /// Step ID, by convention the protocol row ID (`L3`).
    pub id: Ident,
    /// Display title.
    pub title: Option<Text>,
    /// When it fires.
    pub trigger: Trigger,
    /// Scope override.
    pub scope: Option<Spanned<Scope>>,
    /// `repeat`: fire again at each later false→true change.
    pub repeat: Option<Span>,
    /// `at most once per N days`.
    pub throttle: Option<Throttle>,
    /// The actions, in order.
    pub actions: Vec<Action>,
    /// The whole step.
    pub span: Span,
}

/// `at most once per N days|school_days`.
#[derive(Debug, Clone, PartialEq)]
pub struct Throttle {
    /// N.
    pub amount: Spanned<u32>,
    /// Calendar days or school days.
    pub unit: Spanned<DayUnit>,
    /// The whole clause.
    pub span: Span,
}

/// Units for due times, throttles and windows measured in days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DayUnit {
    /// Calendar days.
    Days,
    /// School days of the calendar.
    SchoolDays,
}

/// A step's trigger. Threshold forms count the ladder's `counts` measure.
#[derive(Debug, Clone, PartialEq)]
pub enum Trigger {
    /// `at N [when C | or C]`.
    At {
        /// The threshold N.
        threshold: Spanned<Number>,
        /// `when C` (both must hold) or `or C` (either).
        extra: Option<(Spanned<Junction>, Cond)>,
    },
    /// `every from N [when C]`: at each count N, N+1, …
    EveryFrom {
        /// Start.
        from: Spanned<Number>,
        /// Extra condition at each count.
        when: Option<Cond>,
    },
    /// `every 2nd from 5`: at N, N+k, N+2k, …
    EveryNth {
        /// k.
        step: Spanned<u32>,
        /// N.
        from: Spanned<Number>,
        /// Extra condition.
        when: Option<Cond>,
    },
    /// `each 5 .. 9`: at each count in the inclusive range.
    Each {
        /// First count.
        from: Spanned<Number>,
        /// Last count (inclusive).
        to: Spanned<Number>,
        /// Extra condition.
        when: Option<Cond>,
    },
    /// `every registration`: once per counted registration.
    EveryRegistration(Span),
    /// `when C`: a condition over measures.
    When(Cond),
    /// `on SIGNAL_OR_KIND`: once per registration of that signal or kind.
    On(Ident),
}

/// `when` (and) or `or` after `at N`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Junction {
    /// `at N when C`: both.
    When,
    /// `at N or C`: either, whichever first.
    Or,
}

/// A number literal: whole or decimal (`16`, `0.5`). Kept as written in
/// hundredths to stay exact: `16` is `1600`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Number {
    /// Value × 100.
    pub hundredths: i64,
}

impl Number {
    /// A whole number.
    pub fn whole(n: i64) -> Self {
        Number {
            hundredths: n * 100,
        }
    }
    /// True when the value has no fractional part.
    pub fn is_whole(&self) -> bool {
        self.hundredths % 100 == 0
    }
}

/// `rule ID "title" [for G|except G] [per SCOPE | since last X] (when C | on S)
/// [repeat] [at most once per N days] { actions }`; `law` is the same with a
/// `source "…"` and marks a legal rule, not a school row.
#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    /// True for `law`.
    pub law: bool,
    /// `source "Leerplichtwet 1969 art. 21a"` (laws).
    pub source: Option<Text>,
    /// `for G` / `except G`.
    pub selector: Option<Selector>,
    /// The rule itself, in the same shape as a step.
    pub step: Step,
}

/// A boolean condition.
#[derive(Debug, Clone, PartialEq)]
#[allow(clippy::large_enum_variant)] // conditions are small trees built once
pub enum Cond {
    /// `a and b and …`
    And(Vec<Cond>, Span),
    /// `a or b or …`
    Or(Vec<Cond>, Span),
    /// `not a`
    Not(Box<Cond>, Span),
    /// `MEASURE OP (MEASURE | LITERAL)`
    Compare(Comparison),
    /// `fired(STEP)`: the step or rule has fired for this student in the
    /// school year (at or before this evaluation).
    Fired(Ident, Span),
    /// `no X within N school_days after Y` / `no X by end of school_week after Y`.
    NoWithin(NoWithin),
}

impl Cond {
    /// The condition's span.
    pub fn span(&self) -> Span {
        match self {
            Cond::And(_, s) | Cond::Or(_, s) | Cond::Not(_, s) | Cond::Fired(_, s) => *s,
            Cond::Compare(c) => c.span,
            Cond::NoWithin(n) => n.span,
        }
    }
}

/// A comparison.
#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    /// Left side.
    pub left: Measure,
    /// Operator.
    pub op: Spanned<CmpOp>,
    /// Right side.
    pub right: Operand,
    /// The whole comparison.
    pub span: Span,
}

/// Comparison operators; `>` and `>=` are always spelled out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CmpOp {
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `=`
    Eq,
}

/// The right side of a comparison.
#[derive(Debug, Clone, PartialEq)]
pub enum Operand {
    /// Another measure (must have the same unit).
    Measure(Measure),
    /// A literal with an optional unit (`5`, `3 school_days`, `10%`).
    Literal {
        /// The number.
        value: Spanned<Number>,
        /// Its unit, if written.
        unit: Option<Spanned<UnitLit>>,
    },
}

/// Units a literal can carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum UnitLit {
    /// `registrations`
    Registrations,
    /// `lesson_hours`
    LessonHours,
    /// `clock_hours` (also `hours` is *not* accepted: there is no unitless hour)
    ClockHours,
    /// `school_days`
    SchoolDays,
    /// `episodes`
    Episodes,
    /// `%`
    Percent,
}

/// The measure functions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MeasureFn {
    /// `count(k)`: registrations.
    Count,
    /// `lesson_hours(k)`: one per registration, whatever its minutes.
    LessonHours,
    /// `clock_hours(k)`: the registrations' minutes / 60.
    ClockHours,
    /// `days(k)`: distinct school days with at least one registration.
    Days,
    /// `streak(k)`: current run of consecutive school days with a registration.
    Streak,
    /// `full_day_streak(k)`: same, but a day counts only when every scheduled
    /// period of its weekday has a registration.
    FullDayStreak,
    /// `episodes(k)`: sickness episodes (maximal runs of consecutive school
    /// days) by the day they start.
    Episodes,
    /// `share(k)`: registered lesson hours / scheduled lesson hours, in %.
    Share,
}

/// `FN(KIND [where FILTER and …]) [on same weekday] [within N UNIT]`
#[derive(Debug, Clone, PartialEq)]
pub struct Measure {
    /// The function.
    pub func: Spanned<MeasureFn>,
    /// The event kind (or signal, for `count`).
    pub kind: Ident,
    /// Filters on the kind's registrations, all of which must hold.
    pub filter: Vec<Filter>,
    /// `on same weekday` (episodes and days): the largest count over the
    /// five weekdays, by the weekday of the day (episode: its start day).
    pub same_weekday: Option<Span>,
    /// `within N school_weeks|school_days|days`.
    pub window: Option<Window>,
    /// The whole measure.
    pub span: Span,
}

/// A window: part of a measure, never a scope.
#[derive(Debug, Clone, PartialEq)]
pub struct Window {
    /// N.
    pub amount: Spanned<u32>,
    /// The unit.
    pub unit: Spanned<WindowUnit>,
    /// The whole clause.
    pub span: Span,
}

/// Window units.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum WindowUnit {
    /// Calendar days `[d−N+1, d]`.
    Days,
    /// d and the N−1 school days before it.
    SchoolDays,
    /// d's school week up to d and the N−1 school weeks before it.
    SchoolWeeks,
}

/// A filter on registrations inside a measure or reclassification.
#[derive(Debug, Clone, PartialEq)]
pub enum Filter {
    /// `code = "S"` or `code in "S", "A"`.
    Code(Vec<Text>, Span),
    /// `authorized` / `unauthorized`.
    Authorization(Spanned<Authorization>),
    /// `weekday = monday` or `weekday in monday, friday`.
    Weekday(Vec<Spanned<Weekday>>, Span),
    /// `period OP N` or `period in A .. B`.
    Period(NumFilter),
    /// `minutes OP N` or `minutes in A .. B`.
    Minutes(NumFilter),
}

/// A numeric filter: a comparison or an inclusive range.
#[derive(Debug, Clone, PartialEq)]
pub enum NumFilter {
    /// `OP N`
    Cmp(Spanned<CmpOp>, Spanned<u32>, Span),
    /// `in A .. B`
    Range(Spanned<u32>, Spanned<u32>, Span),
}

/// `no X within N school_days after Y` / `no X by end of school_week after Y`:
/// a time-driven condition evaluated school day by school day.
#[derive(Debug, Clone, PartialEq)]
pub struct NoWithin {
    /// The expected signal or kind.
    pub expected: Ident,
    /// The deadline, relative to Y's registration. `None` is a check error
    /// ("a time-driven condition without a deadline").
    pub deadline: Option<Deadline>,
    /// The registration kind (or signal) that starts the clock.
    pub after: Ident,
    /// Filters on `after`'s registrations.
    pub after_filter: Vec<Filter>,
    /// The whole condition.
    pub span: Span,
}

/// A deadline for a time-driven condition.
#[derive(Debug, Clone, PartialEq)]
pub enum Deadline {
    /// `within N school_days|days`.
    Within(Spanned<u32>, Spanned<DayUnit>),
    /// `by end of school_week`: the last school day of the week.
    EndOfSchoolWeek(Span),
}

/// One action line:
/// `[optional] ROLE [(or|and) ROLE…]: [KIND ARGS] "text" [at HH:MM for N minutes]
/// [cc ROLES] [within N UNIT] [as LABEL] [after LABEL]`
#[derive(Debug, Clone, PartialEq)]
pub struct Action {
    /// `optional` prefix (the bracketed actions of the protocol).
    pub optional: Option<Span>,
    /// Who acts.
    pub roles: Vec<Ident>,
    /// `or` (alternatives: any one of them) or `and` (together).
    pub roles_join: RolesJoin,
    /// The structured kind and its arguments.
    pub kind: Spanned<ActionKind>,
    /// The Dutch action text.
    pub text: Text,
    /// `cc ROLES`.
    pub cc: Vec<Ident>,
    /// `within N school_days|days`: due time from the trigger date.
    pub due: Option<(Spanned<u32>, Spanned<DayUnit>)>,
    /// `as LABEL`: names this action for `after`.
    pub label: Option<Ident>,
    /// `after LABEL`: ordered after that action of the same step.
    pub after: Option<Ident>,
    /// The whole line.
    pub span: Span,
}

/// How several roles of one action relate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RolesJoin {
    /// One role, or `a or b`: any one of them acts.
    Or,
    /// `a and b`: they act together.
    And,
}

/// Structured action kinds the tool can use.
#[derive(Debug, Clone, PartialEq)]
pub enum ActionKind {
    /// Plain text task.
    Task,
    /// `inform ROLES`.
    Inform(Vec<Ident>),
    /// `mail ROLES`.
    Mail(Vec<Ident>),
    /// `appointment [with ROLES]`.
    Appointment(Vec<Ident>),
    /// `sanction` with optional `at HH:MM for N minutes` after the text.
    Sanction {
        /// Start time.
        at: Option<Spanned<NaiveTime>>,
        /// Duration in minutes.
        minutes: Option<Spanned<u32>>,
    },
    /// `make_up F x`: F × the triggering registration's lesson hours.
    MakeUp(Spanned<Number>),
    /// `duo_report`: the legal report to DUO (verzuimloket).
    DuoReport,
    /// `referral ROLE`.
    Referral(Ident),
}

/// The English suffix of an ordinal as written (`every 2nd from 5`):
/// `st`, `nd`, `rd` or `th` (`11th`, `12th`, `13th`).
pub fn ordinal_suffix(n: u32) -> &'static str {
    match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    }
}

/// A weekday as written in policies: `monday` … `sunday`.
pub fn weekday_name(w: Weekday) -> &'static str {
    match w {
        Weekday::Mon => "monday",
        Weekday::Tue => "tuesday",
        Weekday::Wed => "wednesday",
        Weekday::Thu => "thursday",
        Weekday::Fri => "friday",
        Weekday::Sat => "saturday",
        Weekday::Sun => "sunday",
    }
}
