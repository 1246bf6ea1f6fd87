//! Measures over one student's counted facts: `count`, `lesson_hours`,
//! `clock_hours`, `days`, `streak`, `full_day_streak`, `episodes`, `share`,
//! within a scope instance and an optional window. See `docs/semantics.md`.
//!
//! Values are exact integers in base units: registrations, lesson hours,
//! clock *minutes*, school days, episodes; a share is a ratio of registered
//! to scheduled lesson hours.

use crate::calendar::{Calendar, DayIdx};
use crate::model::{FilterDef, KindId, MeasureDef, OperandDef};
use crate::syntax::ast::{Authorization, CmpOp, MeasureFn, Number, WindowUnit};
use chrono::{Datelike, NaiveDate};
use std::cmp::Ordering;

/// One counted fact: a registration as counted under one kind (after
/// reclassification and exemptions). A registration reclassified "also" gives
/// two facts.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Fact {
    /// School day index.
    pub day: DayIdx,
    /// Date.
    pub date: NaiveDate,
    /// Lesson period (None for signals).
    pub period: Option<u32>,
    /// Kind counted as.
    pub kind: KindId,
    /// Minutes.
    pub minutes: u32,
    /// Authorization.
    pub auth: Authorization,
    /// Index of the registration in the student's sorted registrations.
    pub reg: u32,
}

/// True when `fact` is of `kind` and passes `filter`; `code` is the
/// registration's school code.
pub(crate) fn matches(fact: &Fact, kind: KindId, filter: &FilterDef, code: Option<&str>) -> bool {
    if fact.kind != kind {
        return false;
    }
    if !filter.codes.is_empty() && !code.is_some_and(|c| filter.codes.iter().any(|x| x == c)) {
        return false;
    }
    if filter.authorization.is_some_and(|a| a != fact.auth) {
        return false;
    }
    if !filter.weekdays.is_empty() && !filter.weekdays.contains(&fact.date.weekday()) {
        return false;
    }
    if let Some((a, b)) = filter.period
        && !fact.period.is_some_and(|p| a <= p && p <= b)
    {
        return false;
    }
    if let Some((a, b)) = filter.minutes
        && !(a <= fact.minutes && fact.minutes <= b)
    {
        return false;
    }
    true
}

/// A measure's value in base units.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Value {
    /// Registrations, lesson hours, clock minutes, school days or episodes.
    Int(i64),
    /// Registered / scheduled lesson hours.
    Ratio(i64, i64),
}

/// The earliest date a measure at school day `d` looks at: the later of the
/// scope's start and the window's start.
pub(crate) fn lower_bound(
    cal: &Calendar,
    m: &MeasureDef,
    scope_start: NaiveDate,
    d: DayIdx,
) -> NaiveDate {
    let Some((n, unit)) = m.window else {
        return scope_start;
    };
    let n = n.max(1);
    let w = match unit {
        WindowUnit::Days => cal
            .date(d)
            .checked_sub_days(chrono::Days::new(u64::from(n - 1)))
            .unwrap_or(cal.first),
        WindowUnit::SchoolDays => cal.date(d.saturating_sub(n - 1)),
        WindowUnit::SchoolWeeks => cal.date(cal.week_start(cal.week_of(d).saturating_sub(n - 1))),
    };
    w.max(scope_start)
}

/// Inputs of one measure evaluation.
pub(crate) struct MeasureCtx<'a> {
    /// The calendar.
    pub cal: &'a Calendar,
    /// The student's facts so far, in order.
    pub facts: &'a [Fact],
    /// The student's registration codes, by registration index.
    pub codes: &'a [Option<String>],
}

impl MeasureCtx<'_> {
    /// Indices of facts matching `m` with date in `[from, date(d)]`, oldest first.
    pub(crate) fn matching(&self, m: &MeasureDef, from: NaiveDate, d: DayIdx) -> Vec<usize> {
        let to = self.cal.date(d);
        let mut out: Vec<usize> = self
            .facts
            .iter()
            .enumerate()
            .rev()
            .take_while(|(_, f)| f.date >= from)
            .filter(|(_, f)| f.date <= to && self.is_match(f, m.kind, &m.filter))
            .map(|(i, _)| i)
            .collect();
        out.reverse();
        out
    }

    fn is_match(&self, f: &Fact, kind: KindId, filter: &FilterDef) -> bool {
        let code = self.codes.get(f.reg as usize).and_then(|c| c.as_deref());
        matches(f, kind, filter, code)
    }

    /// True when school day `day` has a fact matching `m` (full day: one per
    /// scheduled period).
    fn day_has(&self, m: &MeasureDef, day: DayIdx, full_day: bool) -> bool {
        let mut periods: Vec<u32> = Vec::new();
        let mut any = false;
        for f in self.facts.iter().rev() {
            match f.day.cmp(&day) {
                Ordering::Greater => continue,
                Ordering::Less => break,
                Ordering::Equal => {}
            }
            if self.is_match(f, m.kind, &m.filter) {
                any = true;
                if let Some(p) = f.period {
                    periods.push(p);
                }
            }
        }
        if !full_day || !any {
            return any;
        }
        periods.sort_unstable();
        periods.dedup();
        periods.len() as u32 >= self.cal.scheduled_periods(day)
    }

    /// The value of `m` at school day `d`, counting facts dated on or after
    /// `scope_start`.
    pub(crate) fn value(&self, m: &MeasureDef, scope_start: NaiveDate, d: DayIdx) -> Value {
        let from = lower_bound(self.cal, m, scope_start, d);
        match m.func {
            MeasureFn::Count | MeasureFn::LessonHours => {
                Value::Int(self.matching(m, from, d).len() as i64)
            }
            MeasureFn::ClockHours => Value::Int(
                self.matching(m, from, d)
                    .iter()
                    .map(|&i| i64::from(self.facts[i].minutes))
                    .sum(),
            ),
            MeasureFn::Days => Value::Int(self.days(m, from, d, false)),
            MeasureFn::Episodes => Value::Int(self.days(m, from, d, true)),
            MeasureFn::Streak => Value::Int(self.streak(m, from, d, false).0),
            MeasureFn::FullDayStreak => Value::Int(self.streak(m, from, d, true).0),
            MeasureFn::Share => {
                let registered = self.matching(m, from, d).len() as i64;
                let first = self.cal.next_school_day_from(from).unwrap_or(d);
                let scheduled: i64 = (first..=d)
                    .map(|i| i64::from(self.cal.scheduled_periods(i)))
                    .sum();
                Value::Ratio(registered, scheduled)
            }
        }
    }

    /// Distinct days (or episode start days, when `starts`) with a matching
    /// fact in `[from, d]`; with `on same weekday`, the largest count on one
    /// weekday.
    fn days(&self, m: &MeasureDef, from: NaiveDate, d: DayIdx, starts: bool) -> i64 {
        let mut days: Vec<DayIdx> = self
            .matching(m, from, d)
            .iter()
            .map(|&i| self.facts[i].day)
            .collect();
        days.dedup();
        if starts {
            // An episode belongs to the day it starts: a matching day whose
            // previous school day has no matching fact.
            days.retain(|&day| day == 0 || !self.day_has(m, day - 1, false));
        }
        if !m.same_weekday {
            return days.len() as i64;
        }
        let mut per = [0i64; 7];
        for day in days {
            per[self.cal.date(day).weekday().num_days_from_monday() as usize] += 1;
        }
        per.into_iter().max().unwrap_or(0)
    }

    /// The current streak at `d`: consecutive school days with a matching
    /// fact ending at `d` (or at the day before, when `d` has none yet),
    /// none before `from`. Returns (length, first day of the run).
    pub(crate) fn streak(
        &self,
        m: &MeasureDef,
        from: NaiveDate,
        d: DayIdx,
        full: bool,
    ) -> (i64, DayIdx) {
        let mut end = d;
        if !self.day_has(m, d, full) {
            if d == 0 {
                return (0, d);
            }
            end = d - 1;
        }
        let mut len = 0i64;
        let mut day = end;
        loop {
            if self.cal.date(day) < from || !self.day_has(m, day, full) {
                return (len, day + 1);
            }
            len += 1;
            if day == 0 {
                return (len, 0);
            }
            day -= 1;
        }
    }

    /// Facts that explain the value of `m` at `d` (bounded): the streak's
    /// facts for streaks, otherwise the matching facts in scope and window.
    pub(crate) fn evidence(&self, m: &MeasureDef, scope_start: NaiveDate, d: DayIdx) -> Vec<usize> {
        let from = lower_bound(self.cal, m, scope_start, d);
        let from = match m.func {
            MeasureFn::Streak | MeasureFn::FullDayStreak => {
                let (len, start) = self.streak(m, from, d, m.func == MeasureFn::FullDayStreak);
                if len == 0 {
                    return Vec::new();
                }
                self.cal.date(start)
            }
            _ => from,
        };
        self.matching(m, from, d)
    }
}

/// Compare `left OP right` exactly, with the constant in `left`'s unit as
/// written (clock hours, %, counts).
pub(crate) fn compare(func: MeasureFn, left: Value, op: CmpOp, right: &Resolved) -> bool {
    let ord = match (left, right) {
        (Value::Int(v), Resolved::Const(c)) => {
            let scale = if func == MeasureFn::ClockHours { 60 } else { 1 };
            (i128::from(v) * 100).cmp(&(i128::from(c.hundredths) * scale))
        }
        (Value::Ratio(n, den), Resolved::Const(c)) => {
            if den == 0 {
                0i128.cmp(&i128::from(c.hundredths))
            } else {
                // n/den*100 % vs c/100 %  ⇔  n*10000 vs c*den
                (i128::from(n) * 10_000).cmp(&(i128::from(c.hundredths) * i128::from(den)))
            }
        }
        (Value::Int(a), Resolved::Value(Value::Int(b))) => a.cmp(b),
        (Value::Ratio(a, b), Resolved::Value(Value::Ratio(c, d))) => {
            (i128::from(a) * i128::from(*d)).cmp(&(i128::from(*c) * i128::from(b)))
        }
        // Mixed units are rejected by `check`; treat as unequal.
        _ => return false,
    };
    match op {
        CmpOp::Gt => ord == Ordering::Greater,
        CmpOp::Ge => ord != Ordering::Less,
        CmpOp::Lt => ord == Ordering::Less,
        CmpOp::Le => ord != Ordering::Greater,
        CmpOp::Eq => ord == Ordering::Equal,
    }
}

/// The right side of a comparison, evaluated.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Resolved {
    /// A constant as written.
    Const(Number),
    /// Another measure's value.
    Value(Value),
}

impl Resolved {
    /// Resolve an operand with `eval` for measures.
    pub(crate) fn of(op: &OperandDef, eval: impl FnOnce(usize) -> Value) -> Resolved {
        match op {
            OperandDef::Const(c) => Resolved::Const(*c),
            OperandDef::Measure(m) => Resolved::Value(eval(*m)),
        }
    }
}

/// The base-unit amount a registration adds to a count-like measure: 1 for
/// counts and lesson hours, its minutes for clock hours.
pub(crate) fn increment(func: MeasureFn, fact: &Fact) -> i64 {
    match func {
        MeasureFn::ClockHours => i64::from(fact.minutes),
        _ => 1,
    }
}

/// A threshold (in the measure's unit as written) in base units, rounded up:
/// `16` clock hours → 960 minutes.
pub(crate) fn threshold_base(func: MeasureFn, n: Number) -> i64 {
    let scale = if func == MeasureFn::ClockHours { 60 } else { 1 };
    (n.hundredths * scale + 99).div_euclid(100)
}
