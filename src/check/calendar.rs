//! Checks a `calendar { … }` block (dates, ranges, periods, terms) and builds
//! the [`Calendar`] the interpreter counts school days with.

use super::error::{CheckError, Code};
use super::resolve::Table;
use crate::calendar::{Calendar, FreeRange, Term};
use crate::span::{Span, Spanned};
use crate::syntax::ast::{self, CalendarEntry, DateLit, DateRange, weekday_name};
use chrono::{Months, NaiveDate};

/// A checked calendar block: the calendar, when it is valid, and the school
/// year it covers with the span it was written at (for the header check).
#[derive(Debug, Default)]
pub(super) struct CheckedCalendar {
    /// The calendar, when the block has no errors.
    pub calendar: Option<Calendar>,
    /// `school_year` first and last day, and where they were written.
    pub school_year: Option<(NaiveDate, NaiveDate, Span)>,
}

/// A date range resolved to dates.
type Dates = (NaiveDate, NaiveDate, Span);

/// Collected parts of a calendar block.
#[derive(Default)]
struct Parts {
    school_year: Option<Dates>,
    lesson_minutes: Option<Spanned<u32>>,
    periods: [Option<(u32, u32)>; 7],
    periods_span: [Option<Span>; 7],
    any_periods: bool,
    free: Vec<(FreeRange, Span)>,
    terms: Vec<(Term, Span)>,
}

/// Checks `cal`, appending diagnostics to `errs`.
pub(super) fn check_calendar(cal: &ast::Calendar, errs: &mut Vec<CheckError>) -> CheckedCalendar {
    let before = errs.len();
    let mut parts = Parts::default();
    collect(cal, &mut parts, errs);
    terms(cal, &mut parts, errs);
    missing(cal, &parts, errs);
    check_inside_year(&parts, errs);
    check_overlaps(&parts, errs);
    let school_year = parts.school_year;
    let calendar = match (parts.school_year, parts.lesson_minutes) {
        (Some((first, last, _)), Some(minutes)) if errs.len() == before => Some(Calendar::new(
            cal.name.node.clone(),
            first,
            last,
            minutes.node,
            parts.periods,
            parts.free.into_iter().map(|f| f.0).collect(),
            parts.terms.into_iter().map(|t| t.0).collect(),
        )),
        _ => None,
    };
    let calendar = calendar.filter(|c| has_school_days(c, school_year, errs));
    CheckedCalendar {
        calendar,
        school_year,
    }
}

/// Collects school year, lesson hour, periods and free ranges.
fn collect(cal: &ast::Calendar, parts: &mut Parts, errs: &mut Vec<CheckError>) {
    let mut year_span: Option<Span> = None;
    let mut lesson_span: Option<Span> = None;
    for entry in &cal.entries {
        match entry {
            CalendarEntry::SchoolYear(r) => {
                if let Some(first) = year_span {
                    errs.push(twice("school_year", range_span(r), first));
                    continue;
                }
                year_span = Some(range_span(r));
                parts.school_year = school_year(r, errs);
            }
            CalendarEntry::LessonHour(m) => {
                if let Some(first) = lesson_span {
                    errs.push(twice("lesson_hour", m.span, first));
                    continue;
                }
                lesson_span = Some(m.span);
                lesson_hour(m, parts, errs);
            }
            CalendarEntry::Periods {
                weekdays,
                first,
                last,
                span,
            } => {
                periods(weekdays, first, last, *span, parts, errs);
            }
            CalendarEntry::Free { name, range } => {
                if let Some((a, b)) = dates(range, errs) {
                    let f = FreeRange {
                        name: name.node.clone(),
                        start: a,
                        end: b,
                    };
                    parts.free.push((f, range_span(range)));
                }
            }
            CalendarEntry::Term { .. } => {}
        }
    }
}

/// True when `c` has a school day; otherwise reports that it has none, at
/// its `school_year` line.
fn has_school_days(c: &Calendar, school_year: Option<Dates>, errs: &mut Vec<CheckError>) -> bool {
    if c.num_school_days() > 0 {
        return true;
    }
    let at = school_year.map(|y| y.2).unwrap_or_default();
    errs.push(
        CheckError::new(
            Code::NoSchoolDays,
            format!("calendar `{}` has no school days", c.name),
            at,
            "no school day in this school year",
        )
        .help("a school day is a weekday with `periods` that no `free` range covers: check the `free` ranges and the `periods` lines"),
    );
    false
}

/// Reports the weekend days of one `periods` line (one error per line).
fn check_weekend(weekdays: &[Spanned<chrono::Weekday>], errs: &mut Vec<CheckError>) {
    use chrono::Weekday::{Sat, Sun};
    let weekend: Vec<&Spanned<chrono::Weekday>> = weekdays
        .iter()
        .filter(|d| matches!(d.node, Sat | Sun))
        .collect();
    let (Some(first), Some(last)) = (weekend.first(), weekend.last()) else {
        return;
    };
    let names: Vec<String> = weekend
        .iter()
        .map(|d| format!("`{}`", weekday_name(d.node)))
        .collect();
    errs.push(
        CheckError::new(
            Code::WeekendPeriods,
            format!("periods on {}", names.join(" and ")),
            first.span.join(last.span),
            if names.len() == 1 {
                "a weekend day"
            } else {
                "weekend days"
            },
        )
        .help(format!(
            "school days are Monday to Friday: leave {} out of `periods`",
            names.join(" and ")
        )),
    );
}

/// "`school_year` is given twice".
fn twice(what: &str, span: Span, first: Span) -> CheckError {
    CheckError::new(
        Code::DuplicateEntry,
        format!("`{what}` is given twice"),
        span,
        "given again here",
    )
    .label(first, "first given here")
    .help(format!("a calendar has one `{what}`: remove one of them"))
}

fn school_year(r: &DateRange, errs: &mut Vec<CheckError>) -> Option<Dates> {
    let (first, last) = dates(r, errs)?;
    let limit = first.checked_add_months(Months::new(13))?;
    if last >= limit {
        let days = (last - first).num_days() + 1;
        errs.push(
            CheckError::new(
                Code::SchoolYearTooLong,
                format!("a school year of {days} days is too long"),
                range_span(r),
                "more than 13 months",
            )
            .help("give the first and last school day of one school year, e.g. `2022-08-29 .. 2023-07-21`"),
        );
        return None;
    }
    Some((first, last, range_span(r)))
}

fn lesson_hour(m: &Spanned<u32>, parts: &mut Parts, errs: &mut Vec<CheckError>) {
    if m.node == 0 {
        errs.push(
            CheckError::new(
                Code::ZeroAmount,
                "a lesson hour of 0 minutes",
                m.span,
                "must be at least 1",
            )
            .help("give the length of one lesson in minutes, e.g. `lesson_hour 50 minutes`"),
        );
    } else {
        parts.lesson_minutes = Some(*m);
    }
}

fn periods(
    weekdays: &[Spanned<chrono::Weekday>],
    first: &Spanned<u32>,
    last: &Spanned<u32>,
    span: Span,
    parts: &mut Parts,
    errs: &mut Vec<CheckError>,
) {
    parts.any_periods = true;
    if first.node > last.node {
        errs.push(
            CheckError::new(
                Code::RangeReversed,
                format!(
                    "periods `{} .. {}` end before they start",
                    first.node, last.node
                ),
                first.span.join(last.span),
                "first period is after the last",
            )
            .help(format!(
                "write the first period first: `{} .. {}`",
                last.node, first.node
            )),
        );
        return;
    }
    if last.node > super::error::MAX_PERIOD {
        errs.push(
            CheckError::new(
                Code::AmountTooLarge,
                format!("period {} is beyond the last possible period", last.node),
                last.span,
                format!("at most {}", super::error::MAX_PERIOD),
            )
            .help("lesson periods are numbered 1 to 24 at most; give the day's real last period"),
        );
        return;
    }
    check_weekend(weekdays, errs);
    for wd in weekdays {
        let i = wd.node.num_days_from_monday() as usize;
        if let Some(prev) = parts.periods_span[i] {
            errs.push(
                CheckError::new(
                    Code::DuplicateEntry,
                    format!("periods for `{}` are given twice", weekday_name(wd.node)),
                    wd.span,
                    "given again here",
                )
                .label(prev, "first given here")
                .help("give each weekday's periods once"),
            );
            continue;
        }
        parts.periods_span[i] = Some(span);
        parts.periods[i] = Some((first.node, last.node));
    }
}

/// Terms: dates, duplicate IDs.
fn terms(cal: &ast::Calendar, parts: &mut Parts, errs: &mut Vec<CheckError>) {
    let mut ids = Table::default();
    for entry in &cal.entries {
        if let CalendarEntry::Term { id, name, range } = entry {
            let fresh = ids.declare(id, parts.terms.len(), "term", Code::DuplicateTerm, errs);
            if let Some((a, b)) = dates(range, errs)
                && fresh
            {
                let t = Term {
                    id: id.node.clone(),
                    name: name.node.clone(),
                    start: a,
                    end: b,
                };
                parts.terms.push((t, range_span(range)));
            }
        }
    }
}

/// Missing `school_year`, `lesson_hour`, `periods`.
fn missing(cal: &ast::Calendar, parts: &Parts, errs: &mut Vec<CheckError>) {
    let has_year = cal
        .entries
        .iter()
        .any(|e| matches!(e, CalendarEntry::SchoolYear(_)));
    let has_hour = cal
        .entries
        .iter()
        .any(|e| matches!(e, CalendarEntry::LessonHour(_)));
    let needed = [
        (
            has_year,
            "school_year",
            "school_year 2022-08-29 .. 2023-07-21",
        ),
        (has_hour, "lesson_hour", "lesson_hour 50 minutes"),
        (
            parts.any_periods,
            "periods",
            "periods monday .. friday 1 .. 8",
        ),
    ];
    for (present, what, example) in needed {
        if !present {
            errs.push(
                CheckError::new(
                    Code::MissingCalendarEntry,
                    format!("calendar `{}` has no `{what}`", cal.name.node),
                    cal.name.span,
                    format!("needs a `{what}` line"),
                )
                .help(format!("add a line such as `{example}`")),
            );
        }
    }
}

/// A named range for the range checks: (`free days \`X\``, start, end, span).
type Named = (String, NaiveDate, NaiveDate, Span);

fn named_free(parts: &Parts) -> Vec<Named> {
    let f = |(f, s): &(FreeRange, Span)| (format!("free days `{}`", f.name), f.start, f.end, *s);
    parts.free.iter().map(f).collect()
}

fn named_terms(parts: &Parts) -> Vec<Named> {
    let f = |(t, s): &(Term, Span)| (format!("term `{}`", t.id), t.start, t.end, *s);
    parts.terms.iter().map(f).collect()
}

/// Free ranges and terms lie inside the school year.
fn check_inside_year(parts: &Parts, errs: &mut Vec<CheckError>) {
    let Some((first, last, year_span)) = parts.school_year else {
        return;
    };
    for (what, a, b, span) in named_free(parts).into_iter().chain(named_terms(parts)) {
        if a < first || b > last {
            let verb = if what.starts_with("free") {
                "lie"
            } else {
                "lies"
            };
            errs.push(
                CheckError::new(
                    Code::OutsideSchoolYear,
                    format!("{what} {verb} outside the school year"),
                    span,
                    format!("not within {first} .. {last}"),
                )
                .label(year_span, "the school year")
                .help("free days and terms lie between the first and the last school day"),
            );
        }
    }
}

/// Free ranges do not overlap each other; terms do not overlap each other.
fn check_overlaps(parts: &Parts, errs: &mut Vec<CheckError>) {
    let groups = [
        (
            named_free(parts),
            Code::OverlappingFree,
            "a date is free for one reason only",
        ),
        (
            named_terms(parts),
            Code::OverlappingTerm,
            "each date belongs to at most one term",
        ),
    ];
    for (ranges, code, help) in groups {
        for (i, (what, a0, a1, sa)) in ranges.iter().enumerate() {
            let other = ranges[..i]
                .iter()
                .find(|(_, b0, b1, _)| a0 <= b1 && b0 <= a1);
            if let Some((other, _, _, sb)) = other {
                errs.push(
                    CheckError::new(
                        code,
                        format!(
                            "{what} {} {other}",
                            if what.starts_with("free") {
                                "overlap"
                            } else {
                                "overlaps"
                            }
                        ),
                        *sa,
                        "overlaps",
                    )
                    .label(*sb, "this range")
                    .help(format!("{help}: adjust the dates")),
                );
            }
        }
    }
}

/// The span of a range's dates (the parser's range span may run on into
/// the whitespace after a single date).
fn range_span(r: &DateRange) -> Span {
    r.start.span.join(r.end.span)
}

/// Resolves a range to valid dates with `start <= end`, reporting otherwise.
pub(super) fn dates(r: &DateRange, errs: &mut Vec<CheckError>) -> Option<(NaiveDate, NaiveDate)> {
    let a = date(&r.start, errs);
    let b = if r.end.span == r.start.span {
        a
    } else {
        date(&r.end, errs)
    };
    let (a, b) = (a?, b?);
    if b < a {
        errs.push(
            CheckError::new(
                Code::RangeReversed,
                format!("range `{a} .. {b}` ends before it starts"),
                range_span(r),
                "end is before start",
            )
            .help(format!("write the earlier date first: `{b} .. {a}`")),
        );
        return None;
    }
    Some((a, b))
}

/// Resolves a date literal, reporting an impossible date.
fn date(d: &Spanned<DateLit>, errs: &mut Vec<CheckError>) -> Option<NaiveDate> {
    match &d.node {
        DateLit::Valid(x) => Some(*x),
        DateLit::Invalid(raw) => {
            errs.push(
                CheckError::new(
                    Code::InvalidDate,
                    format!("`{raw}` is not a date"),
                    d.span,
                    "no such day",
                )
                .help(date_help(raw)),
            );
            None
        }
    }
}

/// "February 2023 has 28 days" for `2023-02-30`.
fn date_help(raw: &str) -> String {
    let mut it = raw.split('-').map(|p| p.parse::<u32>().ok());
    let (y, m) = match (it.next().flatten(), it.next().flatten()) {
        (Some(y), Some(m)) => (y as i32, m),
        _ => return "write dates as `YYYY-MM-DD`".to_string(),
    };
    if !(1..=12).contains(&m) {
        return "months run from `01` to `12`".to_string();
    }
    crate::calendar::month_length_note(y, m).unwrap_or_else(|| "write dates as `YYYY-MM-DD`".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_help_names_the_month_length() {
        assert_eq!(date_help("2023-02-30"), "February 2023 has 28 days");
        assert_eq!(date_help("2024-02-30"), "February 2024 has 29 days");
        assert_eq!(date_help("2023-13-01"), "months run from `01` to `12`");
    }
}
