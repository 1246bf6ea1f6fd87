//! A test's registrations: its `events { … }` lines, validated like rows of
//! an events CSV (a school day, a period scheduled that weekday, a known kind
//! or code, minutes in range) with errors on the span in the test file, and
//! its `events from "…"` files, read by `io::events`.

use super::error::{TestCode, TestError};
use crate::check::error::unknown_help;
use crate::eval::{Origin, Registration, Registrations};
use crate::io::events::{LATE_KIND, not_a_school_day, parse_events};
use crate::io::{DataError, weekday_en};
use crate::model::{CodeMeaning, KindId, Policy};
use crate::span::Span;
use crate::syntax::ast::{Authorization, DateLit, DateRange, Text};
use crate::syntax::test_ast::{EventLine, EventWhat, PeriodRange};
use chrono::{Datelike, NaiveDate};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Registrations collected from lines and files, keyed by student ID until
/// [`Collector::finish`] interns them.
#[derive(Debug, Default)]
pub(crate) struct Collector {
    rows: Vec<(String, Registration)>,
    ignored: u64,
    /// Every student named by a line, valid or not (so that a bad line
    /// does not also make its student unknown to the expectations).
    seen: BTreeSet<String>,
}

/// What an event line registers, resolved against the policy.
struct What {
    kind: KindId,
    authorization: Authorization,
    code: Option<String>,
}

/// The problems of a test's events: test-file errors and rows of CSV files.
#[derive(Debug, Default)]
pub(crate) struct Problems {
    /// Errors pointing into the test file.
    pub errors: Vec<TestError>,
    /// Invalid rows of `events from` files (they carry their own location).
    pub data: Vec<DataError>,
}

impl Collector {
    /// Adds one event line; problems go to `errors`. `line` is the line's
    /// 1-based line number in the test file (its origin).
    pub fn add_line(
        &mut self,
        policy: &Policy,
        ev: &EventLine,
        line: u64,
        errors: &mut Vec<TestError>,
    ) {
        let before = errors.len();
        let student = match &ev.student {
            Some(s) => {
                self.seen.insert(s.node.clone());
                s.node.clone()
            }
            None => {
                errors.push(missing_student(ev.dates.start.span));
                String::new()
            }
        };
        let what = resolve_what(policy, &ev.what, errors);
        let days = school_days(policy, &ev.dates, errors);
        let Some(what) = what else { return };
        let Some(what) = what else {
            // An ignored code: counted, never measured.
            if errors.len() == before {
                let per_day = ev
                    .periods
                    .as_ref()
                    .map_or(1, |p| p.last.node.saturating_sub(p.first.node) + 1);
                self.ignored += days.len() as u64 * u64::from(per_day);
            }
            return;
        };
        let periods = periods(policy, &what, ev, &days, errors);
        let minutes = minutes(policy, &what, ev, errors);
        if errors.len() > before {
            return;
        }
        let origin = Origin { file: 0, line };
        for date in days {
            for period in periods.clone() {
                let reg = Registration {
                    student: 0,
                    date,
                    period,
                    kind: what.kind,
                    minutes,
                    code: what.code.clone(),
                    authorization: what.authorization,
                    origin,
                };
                self.rows.push((student.clone(), reg));
            }
        }
    }

    /// Reads `events from "path"` (relative to `dir`) as input file
    /// `file_index`; problems go to `problems`.
    pub fn add_file(
        &mut self,
        policy: &Policy,
        dir: &Path,
        rel: &Text,
        file_index: u32,
        problems: &mut Problems,
    ) {
        let path = dir.join(&rel.node);
        let shown = path.display().to_string();
        let text = match crate::source::open_regular(&path).and_then(|mut f| {
            let mut t = String::new();
            std::io::Read::read_to_string(&mut f, &mut t).map(|_| t)
        }) {
            Ok(t) => t,
            Err(e) => {
                problems.errors.push(unreadable(rel, &shown, &e));
                return;
            }
        };
        match parse_events(policy, &shown, &text, file_index) {
            Ok(regs) => {
                self.ignored += regs.ignored;
                for r in regs.rows {
                    let name = regs.students.get(r.student as usize).cloned();
                    self.rows.push((name.unwrap_or_default(), r));
                }
            }
            Err(data) => {
                let n = data.len();
                problems.errors.push(TestError::new(
                    TestCode::BadEventsFile,
                    format!(
                        "events file `{}` has {n} invalid row{}",
                        rel.node,
                        if n == 1 { "" } else { "s" }
                    ),
                    rel.span,
                    "invalid rows, listed separately",
                ));
                problems.data.extend(data);
            }
        }
    }

    /// The students named so far.
    pub fn students(&self) -> impl Iterator<Item = &str> {
        let from_rows = self.rows.iter().map(|(s, _)| s.as_str());
        self.seen.iter().map(String::as_str).chain(from_rows)
    }

    /// Interns students in sorted order, sorts the rows into evaluation
    /// order and merges identical rows, like `io::events` does.
    pub fn finish(self) -> Registrations {
        let mut ids: BTreeMap<String, u32> = BTreeMap::new();
        for (s, _) in &self.rows {
            ids.entry(s.clone()).or_insert(0);
        }
        for (i, v) in ids.values_mut().enumerate() {
            *v = i as u32;
        }
        let mut rows: Vec<Registration> = self
            .rows
            .into_iter()
            .map(|(s, mut r)| {
                r.student = ids.get(&s).copied().unwrap_or(0);
                r
            })
            .collect();
        rows.sort();
        rows.dedup_by(|b, a| {
            (
                a.student,
                a.date,
                a.period,
                a.kind,
                a.minutes,
                &a.code,
                a.authorization,
            ) == (
                b.student,
                b.date,
                b.period,
                b.kind,
                b.minutes,
                &b.code,
                b.authorization,
            )
        });
        Registrations {
            students: ids.into_keys().collect(),
            rows,
            ignored: self.ignored,
        }
    }
}

/// An `events from` file that cannot be read.
fn unreadable(rel: &Text, shown: &str, e: &std::io::Error) -> TestError {
    TestError::new(
        TestCode::BadEventsFile,
        format!("cannot read events file `{}`", rel.node),
        rel.span,
        super::io_words(e),
    )
    .help(format!(
        "looked for `{shown}`: the path is relative to the test file's directory"
    ))
}

fn missing_student(at: Span) -> TestError {
    TestError::new(
        TestCode::MissingStudent,
        "event line without a student",
        Span::new(at.start, at.start),
        "expected the student here",
    )
    .help("start every event line with the student, like `S1 2022-09-05 p1 late 10 min`")
}

/// The kind (or code) of a line: `Some(None)` for an ignored code, `None`
/// after an error.
fn resolve_what(
    policy: &Policy,
    what: &EventWhat,
    errors: &mut Vec<TestError>,
) -> Option<Option<What>> {
    match what {
        EventWhat::Kind(k) => match policy.kind_by_name(&k.node) {
            Some(kind) => Some(Some(What {
                kind,
                authorization: policy.kinds[kind].authorization,
                code: None,
            })),
            None => {
                let known: Vec<&str> = policy.kinds.iter().map(|k| k.id.as_str()).collect();
                errors.push(
                    TestError::new(
                        TestCode::UnknownKind,
                        format!("unknown event kind or signal `{}`", k.node),
                        k.span,
                        "not declared by the policy",
                    )
                    .help(unknown_help("kinds and signals", &k.node, &known)),
                );
                None
            }
        },
        EventWhat::Code(c) => match policy.codes.get(&c.node) {
            Some(CodeMeaning::Kind(kind, auth)) => Some(Some(What {
                kind: *kind,
                authorization: *auth,
                code: Some(c.node.clone()),
            })),
            Some(CodeMeaning::Ignored) => Some(None),
            None => {
                let known: Vec<&str> = policy.codes.keys().map(String::as_str).collect();
                errors.push(
                    TestError::new(
                        TestCode::UnknownCode,
                        format!("unknown code `{}`", c.node),
                        c.span,
                        "the policy maps no such code",
                    )
                    .help(unknown_help("codes", &c.node, &known)),
                );
                None
            }
        },
    }
}

/// A valid date of a literal, or an error.
pub(crate) fn valid_date(
    d: &crate::span::Spanned<DateLit>,
    errors: &mut Vec<TestError>,
) -> Option<NaiveDate> {
    match &d.node {
        DateLit::Valid(date) => Some(*date),
        DateLit::Invalid(raw) => {
            let msg = match crate::io::parse_date(raw) {
                Err((m, _)) => m,
                Ok(_) => format!("impossible date `{raw}`"),
            };
            errors.push(TestError::new(
                TestCode::BadDate,
                msg,
                d.span,
                "no such day",
            ));
            None
        }
    }
}

/// Every school day of the line's date or date range.
fn school_days(policy: &Policy, dates: &DateRange, errors: &mut Vec<TestError>) -> Vec<NaiveDate> {
    let cal = &policy.calendar;
    if dates.start.span == dates.end.span {
        // One date: it must be a school day.
        let Some(a) = valid_date(&dates.start, errors) else {
            return Vec::new();
        };
        if cal.is_school_day(a) {
            return vec![a];
        }
        errors.push(not_school(policy, a, dates.start.span));
        return Vec::new();
    }
    let a = valid_date(&dates.start, errors);
    let b = valid_date(&dates.end, errors);
    let (Some(a), Some(b)) = (a, b) else {
        return Vec::new();
    };
    range_days(policy, dates, a, b, errors)
}

/// The school days of `a ..= b`; the ends must lie in the school year.
fn range_days(
    policy: &Policy,
    dates: &DateRange,
    a: NaiveDate,
    b: NaiveDate,
    errors: &mut Vec<TestError>,
) -> Vec<NaiveDate> {
    let cal = &policy.calendar;
    if b < a {
        errors.push(
            TestError::new(
                TestCode::BadDate,
                format!("the date range `{a} .. {b}` runs backwards"),
                dates.span,
                "ends before it starts",
            )
            .help("write the earlier date first"),
        );
        return Vec::new();
    }
    for (d, at) in [(a, dates.start.span), (b, dates.end.span)] {
        if d < cal.first || d > cal.last {
            errors.push(not_school(policy, d, at));
            return Vec::new();
        }
    }
    let days: Vec<NaiveDate> = a
        .iter_days()
        .take_while(|d| *d <= b)
        .filter(|d| cal.is_school_day(*d))
        .collect();
    if days.is_empty() {
        errors.push(
            TestError::new(
                TestCode::NotASchoolDay,
                format!("no school day in `{a} .. {b}`"),
                dates.span,
                "only weekends and free days",
            )
            .help("a date range registers every school day in it; this one has none"),
        );
    }
    days
}

/// `d` is no school day (or outside the school year).
fn not_school(policy: &Policy, d: NaiveDate, at: Span) -> TestError {
    TestError::new(
        TestCode::NotASchoolDay,
        not_a_school_day(&policy.calendar, d).unwrap_or_default(),
        at,
        "no school day",
    )
    .help("registrations fall on school days of the policy's calendar")
}

/// The periods of a line, each checked against every day's schedule;
/// `[None]` for a signal.
fn periods(
    policy: &Policy,
    what: &What,
    ev: &EventLine,
    days: &[NaiveDate],
    errors: &mut Vec<TestError>,
) -> Vec<Option<u32>> {
    let signal = policy.kinds[what.kind].signal;
    let kind = &policy.kinds[what.kind].id;
    let Some(range) = &ev.periods else {
        if signal {
            return vec![None];
        }
        errors.push(
            TestError::new(
                TestCode::BadEvent,
                format!("a registration of `{kind}` needs a lesson period"),
                ev.what_span(),
                "no period",
            )
            .help("write the period before the kind, like `S1 2022-09-05 p1 sick`, or `p1 .. p8` for several"),
        );
        return Vec::new();
    };
    if signal {
        errors.push(
            TestError::new(
                TestCode::BadEvent,
                format!("`{kind}` is a signal: it has no lesson period"),
                range.span,
                "remove this period",
            )
            .help("signals are recorded per day, like `S1 2022-09-19 special_arrangement`"),
        );
        return Vec::new();
    }
    check_periods(policy, range, days, errors)
}

/// `first ..= last`, checked against each day's scheduled periods.
fn check_periods(
    policy: &Policy,
    range: &PeriodRange,
    days: &[NaiveDate],
    errors: &mut Vec<TestError>,
) -> Vec<Option<u32>> {
    let (first, last) = (range.first.node, range.last.node);
    if last < first {
        errors.push(
            TestError::new(
                TestCode::BadPeriod,
                format!("the period range `p{first} .. p{last}` runs backwards"),
                range.span,
                "ends before it starts",
            )
            .help("write the earlier period first, like `p1 .. p8`"),
        );
        return Vec::new();
    }
    for d in days {
        let wd = d.weekday();
        let ok = policy
            .calendar
            .periods_on(wd)
            .is_some_and(|(a, b)| a <= first && last <= b);
        if ok {
            continue;
        }
        let bad = if first == last || !fits(policy, wd, first) {
            range.first
        } else {
            range.last
        };
        errors.push(unscheduled(policy, *d, bad));
        return Vec::new();
    }
    (first..=last).map(Some).collect()
}

/// Period `p` is not scheduled on `d`'s weekday.
fn unscheduled(policy: &Policy, d: NaiveDate, p: crate::span::Spanned<u32>) -> TestError {
    let wd = d.weekday();
    let expected = match policy.calendar.periods_on(wd) {
        Some((a, b)) => format!("expected p{a}–p{b}"),
        None => "no lessons that day".to_string(),
    };
    TestError::new(
        TestCode::BadPeriod,
        format!(
            "period `p{}` is not scheduled on {}s ({expected})",
            p.node,
            weekday_en(wd)
        ),
        p.span,
        format!("not scheduled on {d}"),
    )
}

fn fits(policy: &Policy, wd: chrono::Weekday, p: u32) -> bool {
    policy
        .calendar
        .periods_on(wd)
        .is_some_and(|(a, b)| (a..=b).contains(&p))
}

/// The minutes of each registration of a line.
fn minutes(policy: &Policy, what: &What, ev: &EventLine, errors: &mut Vec<TestError>) -> u32 {
    let def = &policy.kinds[what.kind];
    let lesson = policy.calendar.lesson_minutes;
    match ev.minutes {
        None if def.signal => 0,
        None if def.id == LATE_KIND => {
            errors.push(
                TestError::new(
                    TestCode::BadMinutes,
                    "late arrival without minutes late",
                    ev.what_span(),
                    "how many minutes late?",
                )
                .help(format!(
                    "write the minutes late after the kind, like `late 10 min` (1–{lesson})"
                )),
            );
            0
        }
        None => lesson,
        Some(m) if def.signal => {
            errors.push(
                TestError::new(
                    TestCode::BadMinutes,
                    format!("`{}` is a signal: it has no minutes", def.id),
                    m.span,
                    "remove the minutes",
                )
                .help("signals are recorded per day, like `S1 2022-09-19 special_arrangement`"),
            );
            0
        }
        Some(m) if (1..=lesson).contains(&m.node) => m.node,
        Some(m) => {
            errors.push(TestError::new(
                TestCode::BadMinutes,
                format!(
                    "`{}` minutes is out of range (expected 1–{lesson}: a lesson is {lesson} minutes)",
                    m.node
                ),
                m.span,
                "out of range",
            ));
            0
        }
    }
}

/// The span of an event line's kind or code.
trait WhatSpan {
    fn what_span(&self) -> Span;
}

impl WhatSpan for EventLine {
    fn what_span(&self) -> Span {
        match &self.what {
            EventWhat::Kind(k) => k.span,
            EventWhat::Code(c) => c.span,
        }
    }
}
