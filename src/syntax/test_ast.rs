//! The abstract syntax tree of a `*.test.verzuim` file, as lowered by
//! `syntax::parse_tests`: a `tests "policy.verzuim"` header and `test`
//! blocks holding events, a roster and expectations (see
//! `docs/testing.md`). Names are not resolved here; that is
//! `crate::testing`'s job. Like [`super::ast`], every node a user can point
//! at carries a [`Span`] and equality ignores spans.

use super::ast::{DateLit, DateRange, Ident, Number, Text};
use crate::span::{Span, Spanned};

/// One parsed test file: its items in source order, plus its comments (kept
/// for `verzuim fmt`).
#[derive(Debug, Clone, PartialEq)]
pub struct TestFile {
    /// Items in source order.
    pub items: Vec<TestItem>,
    /// Every `# …` comment with its span (text without the `#`).
    pub comments: Vec<Spanned<String>>,
}

impl TestFile {
    /// The `tests "…"` headers, in source order (a valid file has at most one).
    pub fn headers(&self) -> impl Iterator<Item = &TestsHeader> {
        self.items.iter().filter_map(|i| match i {
            TestItem::Tests(h) => Some(h),
            TestItem::Test(_) => None,
        })
    }

    /// The `test` blocks, in source order.
    pub fn tests(&self) -> impl Iterator<Item = &Test> {
        self.items.iter().filter_map(|i| match i {
            TestItem::Test(t) => Some(t),
            TestItem::Tests(_) => None,
        })
    }
}

/// A top-level item of a test file.
#[derive(Debug, Clone, PartialEq)]
pub enum TestItem {
    /// `tests "2022-2023.verzuim"`
    Tests(TestsHeader),
    /// `test "name" { … }`
    Test(Test),
}

/// `tests "2022-2023.verzuim"`: the policy under test, relative to the test
/// file's directory.
#[derive(Debug, Clone, PartialEq)]
pub struct TestsHeader {
    /// The path as written.
    pub policy: Text,
    /// The whole header.
    pub span: Span,
}

/// `test "name" { entries }`
#[derive(Debug, Clone, PartialEq)]
pub struct Test {
    /// The test's name.
    pub name: Text,
    /// Entries in source order.
    pub entries: Vec<TestEntry>,
    /// The whole block.
    pub span: Span,
}

/// One entry of a test block.
#[derive(Debug, Clone, PartialEq)]
pub enum TestEntry {
    /// `as_of 2022-09-30`: evaluate up to and including this day.
    AsOf(Spanned<DateLit>),
    /// `roster { … }`
    Roster(RosterBlock),
    /// `events { … }`
    Events(EventsBlock),
    /// `events from "fixtures/l3.csv"`: a canonical events CSV, relative to
    /// the test file's directory.
    EventsFrom(Text),
    /// `expect …`
    Expect(Expect),
}

/// A student ID as written: a bare word (`S1`, `123456`) or a text in
/// quotes. The span covers the quotes, if any.
pub type Student = Spanned<String>;

/// `roster { lines }`
#[derive(Debug, Clone, PartialEq)]
pub struct RosterBlock {
    /// One line per student.
    pub lines: Vec<RosterLine>,
    /// The whole block.
    pub span: Span,
}

/// `S1 mentor "Jansen" class "3a" groups "veel verzuim 21/22" …`
#[derive(Debug, Clone, PartialEq)]
pub struct RosterLine {
    /// The student.
    pub student: Student,
    /// Attributes in source order.
    pub fields: Vec<RosterField>,
    /// The whole line.
    pub span: Span,
}

/// One attribute of a roster line.
#[derive(Debug, Clone, PartialEq)]
pub struct RosterField {
    /// The attribute.
    pub key: Spanned<RosterKey>,
    /// Its value.
    pub value: RosterValue,
    /// The whole field.
    pub span: Span,
}

/// The roster attributes, named as the roster CSV's columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RosterKey {
    /// `name "…"`
    Name,
    /// `mentor "…"`
    Mentor,
    /// `class "…"`
    Class,
    /// `grade "…"`
    Grade,
    /// `location "…"`
    Location,
    /// `groups "a", "b"`: group IDs or names.
    Groups,
    /// `exemptions "medical 2022-10-03..2022-10-28", …`
    Exemptions,
    /// `birthdate 2007-05-01`
    Birthdate,
    /// `enrolled_from 2022-08-29`
    EnrolledFrom,
    /// `enrolled_until 2023-07-21`
    EnrolledUntil,
}

impl RosterKey {
    /// The keyword as written (the roster CSV column name).
    pub fn as_str(self) -> &'static str {
        match self {
            RosterKey::Name => "name",
            RosterKey::Mentor => "mentor",
            RosterKey::Class => "class",
            RosterKey::Grade => "grade",
            RosterKey::Location => "location",
            RosterKey::Groups => "groups",
            RosterKey::Exemptions => "exemptions",
            RosterKey::Birthdate => "birthdate",
            RosterKey::EnrolledFrom => "enrolled_from",
            RosterKey::EnrolledUntil => "enrolled_until",
        }
    }

    /// The key for a keyword.
    pub fn from_name(s: &str) -> Option<RosterKey> {
        Some(match s {
            "name" => RosterKey::Name,
            "mentor" => RosterKey::Mentor,
            "class" => RosterKey::Class,
            "grade" => RosterKey::Grade,
            "location" => RosterKey::Location,
            "groups" => RosterKey::Groups,
            "exemptions" => RosterKey::Exemptions,
            "birthdate" => RosterKey::Birthdate,
            "enrolled_from" => RosterKey::EnrolledFrom,
            "enrolled_until" => RosterKey::EnrolledUntil,
            _ => return None,
        })
    }
}

/// The value of a roster attribute.
#[derive(Debug, Clone, PartialEq)]
pub enum RosterValue {
    /// One text (name, mentor, class, grade, location) or a list of texts
    /// (groups, exemptions).
    Texts(Vec<Text>),
    /// A date (birthdate, enrolled_from, enrolled_until).
    Date(Spanned<DateLit>),
}

/// `events { lines }`
#[derive(Debug, Clone, PartialEq)]
pub struct EventsBlock {
    /// The event lines in source order.
    pub lines: Vec<EventLine>,
    /// The whole block.
    pub span: Span,
}

/// `S1 2022-09-19 .. 2022-09-23 p1 .. p8 sick`, `S1 2022-09-05 p1 late 10
/// min`, `S1 2022-09-12 p1 code "L" 5 min`, `S1 2022-09-19
/// special_arrangement`: one registration per school day in the dates and
/// per period in the periods.
#[derive(Debug, Clone, PartialEq)]
pub struct EventLine {
    /// The student; `None` is a check error (every line names its student).
    pub student: Option<Student>,
    /// One day, or every school day of a range.
    pub dates: DateRange,
    /// Lesson periods (`None` for signals).
    pub periods: Option<PeriodRange>,
    /// The kind or school code.
    pub what: EventWhat,
    /// `N min`: minutes late, or the lesson's minutes.
    pub minutes: Option<Spanned<u32>>,
    /// The whole line.
    pub span: Span,
}

/// `p1` or `p1 .. p8` (both inclusive; `last == first` for one period).
#[derive(Debug, Clone, PartialEq)]
pub struct PeriodRange {
    /// First period.
    pub first: Spanned<u32>,
    /// Last period (inclusive).
    pub last: Spanned<u32>,
    /// The whole range.
    pub span: Span,
}

/// What an event line registers.
#[derive(Debug, Clone, PartialEq)]
pub enum EventWhat {
    /// An event kind or signal of the policy, by name.
    Kind(Ident),
    /// `code "L"`: a school code the policy maps.
    Code(Text),
}

/// One `expect` line.
#[derive(Debug, Clone, PartialEq)]
pub struct Expect {
    /// What is expected.
    pub kind: ExpectKind,
    /// The whole line.
    pub span: Span,
}

/// The expectation forms.
#[derive(Debug, Clone, PartialEq)]
pub enum ExpectKind {
    /// `expect S1 2022-09-19 step L3 [for ROLE] [due DATE] [kind KIND]
    /// [make_up N] [after LABEL]`: at least one such action.
    Action(ActionExpect),
    /// `expect no step L6 [for STUDENT]`: no action of that step.
    NoStep {
        /// The step or rule.
        step: Ident,
        /// Only this student's actions (all students when absent).
        student: Option<Student>,
    },
    /// `expect 3 actions [for STUDENT]`: exactly that many actions.
    Count {
        /// The number.
        count: Spanned<u32>,
        /// Only this student's actions.
        student: Option<Student>,
    },
    /// `expect nothing else [for STUDENT]`: every (student, step, date)
    /// that fired is named by a positive `expect`.
    NothingElse {
        /// Only this student's actions.
        student: Option<Student>,
    },
}

/// `expect S1 2022-09-19 step L3 for vc due 2022-09-22 kind sanction`
#[derive(Debug, Clone, PartialEq)]
pub struct ActionExpect {
    /// The student.
    pub student: Student,
    /// The day the step fired.
    pub date: Spanned<DateLit>,
    /// The step or rule.
    pub step: Ident,
    /// Further conditions on one of the step's actions, in source order.
    pub matchers: Vec<ActionMatch>,
}

/// A condition on an action.
#[derive(Debug, Clone, PartialEq)]
pub enum ActionMatch {
    /// `for vc`: the role is one of the action's acting roles.
    Role(Ident),
    /// `due 2022-09-22`: the action's due date.
    Due(Spanned<DateLit>),
    /// `kind sanction`: the action's structured kind.
    Kind(Ident),
    /// `make_up 2`: the action's `params.lesson_hours`.
    MakeUp(Spanned<Number>),
    /// `after parents_informed`: the label of the action this one is
    /// ordered after (`after LABEL` in the policy).
    After(Ident),
}
