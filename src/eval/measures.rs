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
///
/// Compact (20 bytes): a student keeps one per counted registration for
/// the whole school year, so its size is most of a run's memory.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Fact {
    /// Date.
    pub date: NaiveDate,
    /// School day index.
    pub day: DayIdx,
    /// Minutes.
    pub minutes: u32,
    /// The registration's school code (index into [`MeasureCtx::codes`]),
    /// or [`NO_CODE`].
    pub code: u16,
    /// Kind counted as (a [`KindId`]).
    kind: u16,
    /// The registration's own kind (before reclassification), for evidence.
    reg_kind: u16,
    /// Lesson period, or [`NO_PERIOD`] for signals.
    period: u8,
    /// Authorization.
    pub auth: Authorization,
}

/// [`Fact::period`] of a signal.
const NO_PERIOD: u8 = u8::MAX;

impl Fact {
    /// A fact of `kind` for a registration of `reg_kind` on school day
    /// `day` (`date`). Kinds are indices of the policy's kinds (the
    /// checker allows far fewer than 65,535); periods are at most
    /// `check::error::MAX_PERIOD`.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn new(
        day: DayIdx,
        date: NaiveDate,
        period: Option<u32>,
        kind: KindId,
        reg_kind: KindId,
        minutes: u32,
        auth: Authorization,
        code: u16,
    ) -> Fact {
        let small = |k: KindId| u16::try_from(k).unwrap_or(u16::MAX);
        Fact {
            date,
            day,
            minutes,
            code,
            kind: small(kind),
            reg_kind: small(reg_kind),
            period: period.map_or(NO_PERIOD, |p| u8::try_from(p).unwrap_or(NO_PERIOD - 1)),
            auth,
        }
    }

    /// Kind counted as.
    pub(crate) fn kind(&self) -> KindId {
        KindId::from(self.kind)
    }

    /// The registration's own kind.
    pub(crate) fn reg_kind(&self) -> KindId {
        KindId::from(self.reg_kind)
    }

    /// Lesson period (None for signals).
    pub(crate) fn period(&self) -> Option<u32> {
        (self.period != NO_PERIOD).then_some(u32::from(self.period))
    }
}

/// [`Fact::code`] of a registration without a code.
pub(crate) const NO_CODE: u16 = u16::MAX;

/// True when `fact` is of `kind` and passes `filter`; `code` is the
/// registration's school code.
pub(crate) fn matches(fact: &Fact, kind: KindId, filter: &FilterDef, code: Option<&str>) -> bool {
    if fact.kind() != kind {
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
        && !fact.period().is_some_and(|p| a <= p && p <= b)
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
    /// The policy's codes, by [`Fact::code`].
    pub codes: &'a [String],
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
        let code = self.codes.get(usize::from(f.code)).map(String::as_str);
        matches(f, kind, filter, code)
    }

    /// True when school day `day` has a fact matching `m` (full day: one per
    /// scheduled period).
    pub(crate) fn day_has(&self, m: &MeasureDef, day: DayIdx, full_day: bool) -> bool {
        // INVARIANT: facts are in chronological order, so a day's facts are
        // one contiguous run.
        let lo = self.facts.partition_point(|f| f.day < day);
        let hi = lo + self.facts[lo..].partition_point(|f| f.day == day);
        let on_day = &self.facts[lo..hi];
        if !full_day {
            return on_day.iter().any(|f| self.is_match(f, m.kind, &m.filter));
        }
        let mut periods: Vec<u32> = on_day
            .iter()
            .filter(|f| self.is_match(f, m.kind, &m.filter))
            .filter_map(|f| f.period())
            .collect();
        if periods.is_empty() && !on_day.iter().any(|f| self.is_match(f, m.kind, &m.filter)) {
            return false;
        }
        periods.sort_unstable();
        periods.dedup();
        periods.len() as u32 >= self.cal.scheduled_periods(day)
    }

    /// The value of `m` at school day `d`, counting facts dated on or after
    /// `scope_start` (and inside the window). Scans back from the newest
    /// fact: cost grows with the facts in scope and window. For unwindowed
    /// cumulative measures [`Cumulative`] gives the same value incrementally.
    pub(crate) fn value(&self, m: &MeasureDef, scope_start: NaiveDate, d: DayIdx) -> Value {
        let from = lower_bound(self.cal, m, scope_start, d);
        let to = self.cal.date(d);
        let in_range = self
            .facts
            .iter()
            .rev()
            .take_while(|f| f.date >= from)
            .filter(|f| f.date <= to && self.is_match(f, m.kind, &m.filter));
        match m.func {
            MeasureFn::Count | MeasureFn::LessonHours => Value::Int(in_range.count() as i64),
            MeasureFn::ClockHours => Value::Int(in_range.map(|f| i64::from(f.minutes)).sum()),
            MeasureFn::Days => Value::Int(self.days(m, from, d, false)),
            MeasureFn::Episodes => Value::Int(self.days(m, from, d, true)),
            MeasureFn::Streak => Value::Int(self.streak(m, from, d, false).0),
            MeasureFn::FullDayStreak => Value::Int(self.streak(m, from, d, true).0),
            MeasureFn::Share => {
                let registered = in_range.count() as i64;
                let first = self.cal.next_school_day_from(from).unwrap_or(d);
                Value::Ratio(registered, self.cal.scheduled_between(first, d) as i64)
            }
        }
    }

    /// Distinct days (or episode start days, when `starts`) with a matching
    /// fact in `[from, d]`; with `on same weekday`, the largest count on one
    /// weekday.
    fn days(&self, m: &MeasureDef, from: NaiveDate, d: DayIdx, starts: bool) -> i64 {
        let to = self.cal.date(d);
        let mut per = [0i64; 7];
        let mut total = 0i64;
        let mut last: Option<DayIdx> = None;
        // An episode belongs to the day it starts: a matching day whose
        // previous school day has no matching fact. Walking back, a day is
        // known to start an episode when the next matching day found is not
        // its previous school day; the earliest one is looked up.
        let mut pending: Option<(DayIdx, usize)> = None;
        for f in self.facts.iter().rev().take_while(|f| f.date >= from) {
            if f.date > to || last == Some(f.day) || !self.is_match(f, m.kind, &m.filter) {
                continue;
            }
            last = Some(f.day);
            let wd = f.date.weekday().num_days_from_monday() as usize;
            if starts {
                if let Some((x, w)) = pending.take()
                    && x != f.day + 1
                {
                    total += 1;
                    per[w] += 1;
                }
                pending = Some((f.day, wd));
                continue;
            }
            total += 1;
            per[wd] += 1;
        }
        if let Some((x, w)) = pending
            && (x == 0 || !self.day_has(m, x - 1, false))
        {
            total += 1;
            per[w] += 1;
        }
        if m.same_weekday {
            per.into_iter().max().unwrap_or(0)
        } else {
            total
        }
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
    let base = (i128::from(n.hundredths) * scale + 99).div_euclid(100);
    i64::try_from(base).unwrap_or(i64::MAX)
}

/// Incremental state of one unwindowed cumulative measure (`count`,
/// `lesson_hours`, `clock_hours`, `days`, `episodes`, `share`) for one scope
/// start: folding in each new fact once makes its value O(1) per
/// evaluation. Gives exactly [`MeasureCtx::value`]'s result (tested).
#[derive(Debug, Clone)]
pub(crate) struct Cumulative {
    /// The measure.
    pub measure: u32,
    /// The scope start it counts from.
    pub start: NaiveDate,
    /// Facts folded in so far.
    upto: u32,
    /// Matching facts in scope (a student's year has at most a few
    /// thousand).
    count: u32,
    /// Their minutes.
    minutes: u32,
    /// Distinct days in scope, per weekday (at most 366).
    days: [u16; 7],
    /// Episode starts in scope, per weekday.
    episodes: [u16; 7],
    /// The last day with a matching fact, in scope or not.
    last_day: Option<DayIdx>,
}

impl Cumulative {
    /// A fresh accumulator for `measure` counting from `start`.
    pub(crate) fn new(measure: usize, start: NaiveDate) -> Self {
        Cumulative {
            measure: u32::try_from(measure).unwrap_or(u32::MAX),
            start,
            upto: 0,
            count: 0,
            minutes: 0,
            days: [0; 7],
            episodes: [0; 7],
            last_day: None,
        }
    }

    /// True when `m` can be kept incrementally.
    pub(crate) fn supports(m: &MeasureDef) -> bool {
        m.window.is_none() && !matches!(m.func, MeasureFn::Streak | MeasureFn::FullDayStreak)
    }

    /// Fold in new facts and return the value at day `d` (all facts so far
    /// are on or before `d`).
    pub(crate) fn value(&mut self, ctx: &MeasureCtx<'_>, m: &MeasureDef, d: DayIdx) -> Value {
        for f in ctx.facts.get(self.upto as usize..).unwrap_or(&[]) {
            if !ctx.is_match(f, m.kind, &m.filter) {
                continue;
            }
            let new_day = self.last_day != Some(f.day);
            let starts = new_day && (f.day == 0 || self.last_day != Some(f.day - 1));
            self.last_day = Some(f.day);
            if f.date < self.start {
                continue;
            }
            self.count = self.count.saturating_add(1);
            self.minutes = self.minutes.saturating_add(f.minutes);
            let wd = f.date.weekday().num_days_from_monday() as usize;
            if new_day {
                self.days[wd] = self.days[wd].saturating_add(1);
            }
            if starts {
                self.episodes[wd] = self.episodes[wd].saturating_add(1);
            }
        }
        self.upto = u32::try_from(ctx.facts.len()).unwrap_or(u32::MAX);
        let pick = |per: &[u16; 7]| -> i64 {
            if m.same_weekday {
                per.iter().copied().max().map_or(0, i64::from)
            } else {
                per.iter().copied().map(i64::from).sum()
            }
        };
        match m.func {
            MeasureFn::Count | MeasureFn::LessonHours => Value::Int(i64::from(self.count)),
            MeasureFn::ClockHours => Value::Int(i64::from(self.minutes)),
            MeasureFn::Days => Value::Int(pick(&self.days)),
            MeasureFn::Episodes => Value::Int(pick(&self.episodes)),
            MeasureFn::Share => {
                let first = ctx.cal.next_school_day_from(self.start).unwrap_or(d);
                Value::Ratio(
                    i64::from(self.count),
                    ctx.cal.scheduled_between(first, d) as i64,
                )
            }
            MeasureFn::Streak | MeasureFn::FullDayStreak => Value::Int(
                ctx.streak(m, self.start, d, m.func == MeasureFn::FullDayStreak)
                    .0,
            ),
        }
    }
}
