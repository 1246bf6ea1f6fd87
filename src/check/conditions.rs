//! Measures, filters, units and conditions: resolves the kinds they name,
//! checks that compared quantities have the same unit and that windows fit
//! their scope, and deduplicates identical measures.

use super::error::{CheckError, Code, unknown_help};
use super::policy::Checker;
use crate::model::{CondDef, DeadlineDef, FilterDef, MeasureDef, MeasureId, OperandDef, ScopeDef};
use crate::span::{Span, Spanned};
use crate::syntax::ast::{
    self, CmpOp, Cond, Deadline, Filter, MeasureFn, NumFilter, Operand, UnitLit, WindowUnit,
};
use std::collections::BTreeSet;

/// The unit a measure counts in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Unit {
    /// `count`.
    Registrations,
    /// `lesson_hours`.
    LessonHours,
    /// `clock_hours`.
    ClockHours,
    /// `days`, `streak`, `full_day_streak`.
    SchoolDays,
    /// `episodes`.
    Episodes,
    /// `share`.
    Percent,
}

impl Unit {
    /// The unit of a measure function.
    pub fn of(f: MeasureFn) -> Unit {
        match f {
            MeasureFn::Count => Unit::Registrations,
            MeasureFn::LessonHours => Unit::LessonHours,
            MeasureFn::ClockHours => Unit::ClockHours,
            MeasureFn::Days | MeasureFn::Streak | MeasureFn::FullDayStreak => Unit::SchoolDays,
            MeasureFn::Episodes => Unit::Episodes,
            MeasureFn::Share => Unit::Percent,
        }
    }

    fn of_lit(u: UnitLit) -> Unit {
        match u {
            UnitLit::Registrations => Unit::Registrations,
            UnitLit::LessonHours => Unit::LessonHours,
            UnitLit::ClockHours => Unit::ClockHours,
            UnitLit::SchoolDays => Unit::SchoolDays,
            UnitLit::Episodes => Unit::Episodes,
            UnitLit::Percent => Unit::Percent,
        }
    }

    /// In words, as in "cannot compare lesson hours with clock hours".
    fn words(self) -> &'static str {
        match self {
            Unit::Registrations => "registrations",
            Unit::LessonHours => "lesson hours",
            Unit::ClockHours => "clock hours",
            Unit::SchoolDays => "school days",
            Unit::Episodes => "episodes",
            Unit::Percent => "a share",
        }
    }

    /// A label under a quantity: "in clock hours", "a share".
    fn label(self) -> String {
        match self {
            Unit::Percent => "a share".to_string(),
            u => format!("in {}", u.words()),
        }
    }

    /// As written after a literal.
    fn literal(self) -> &'static str {
        match self {
            Unit::Registrations => "registrations",
            Unit::LessonHours => "lesson_hours",
            Unit::ClockHours => "clock_hours",
            Unit::SchoolDays => "school_days",
            Unit::Episodes => "episodes",
            Unit::Percent => "%",
        }
    }
}

/// A measure function as written.
pub(super) fn fn_name(f: MeasureFn) -> &'static str {
    match f {
        MeasureFn::Count => "count",
        MeasureFn::LessonHours => "lesson_hours",
        MeasureFn::ClockHours => "clock_hours",
        MeasureFn::Days => "days",
        MeasureFn::Streak => "streak",
        MeasureFn::FullDayStreak => "full_day_streak",
        MeasureFn::Episodes => "episodes",
        MeasureFn::Share => "share",
    }
}

/// The counting scope a measure is evaluated in, with where it was written.
#[derive(Debug, Clone)]
pub(super) struct ScopeCtx {
    /// The resolved scope.
    pub def: ScopeDef,
    /// Where it was written (`None` for the default school year).
    pub span: Option<Span>,
}

impl Checker<'_> {
    /// Checks a measure in `scope`; returns its (deduplicated) ID.
    pub fn measure(&mut self, m: &ast::Measure, scope: &ScopeCtx) -> Option<MeasureId> {
        let kind = self.names.kind(&m.kind, &mut self.errs);
        let signal = kind.is_some_and(|k| self.names.kind_defs[k].signal);
        if signal && m.func.node != MeasureFn::Count {
            let (f, k) = (fn_name(m.func.node), &m.kind.node);
            self.errs.push(
                CheckError::new(
                    Code::SignalMeasure,
                    format!("`{f}` needs an event kind, but `{k}` is a signal"),
                    m.kind.span,
                    "a signal",
                )
                .help(format!(
                    "signals have no lessons or days to measure: use `count({k})`"
                )),
            );
        }
        let filter = self.filter(&m.filter, kind);
        if let Some(s) = m.same_weekday
            && !matches!(m.func.node, MeasureFn::Days | MeasureFn::Episodes)
        {
            self.errs.push(
                CheckError::new(
                    Code::SameWeekdayMisuse,
                    format!(
                        "`on same weekday` does not apply to `{}`",
                        fn_name(m.func.node)
                    ),
                    s,
                    "not for this measure",
                )
                .help("`on same weekday` works with `days(…)` and `episodes(…)` only"),
            );
        }
        let window = m.window.as_ref().and_then(|w| self.window(w, scope));
        let def = MeasureDef {
            func: m.func.node,
            kind: kind?,
            filter: filter?,
            same_weekday: m.same_weekday.is_some(),
            window,
        };
        Some(self.intern_measure(def))
    }

    /// Returns the ID of `def`, adding it when no identical measure exists.
    pub fn intern_measure(&mut self, def: MeasureDef) -> MeasureId {
        match self.measures.iter().position(|m| *m == def) {
            Some(i) => i,
            None => {
                self.measures.push(def);
                self.measures.len() - 1
            }
        }
    }

    /// Checks a window: not zero, not longer than the scope.
    fn window(&mut self, w: &ast::Window, scope: &ScopeCtx) -> Option<(u32, WindowUnit)> {
        if w.amount.node == 0 {
            self.errs.push(
                CheckError::new(
                    Code::ZeroAmount,
                    "a window of 0",
                    w.amount.span,
                    "must be at least 1",
                )
                .help("a window covers at least the day itself: write `within 1 …` or more"),
            );
            return None;
        }
        self.errs
            .extend(super::error::too_long(&w.amount, "a window"));
        self.check_window_fits(w, scope);
        Some((w.amount.node, w.unit.node))
    }

    /// Reports a window longer than its scope.
    pub fn check_window_fits(&mut self, w: &ast::Window, scope: &ScopeCtx) {
        let Some((limits, name)) = self.scope_limits(&scope.def) else {
            return;
        };
        let (limit, unit, one) = match w.unit.node {
            WindowUnit::Days => (limits.0, "days", "day"),
            WindowUnit::SchoolDays => (limits.1, "school days", "school day"),
            WindowUnit::SchoolWeeks => (limits.2, "school weeks", "school week"),
        };
        let fits = if limit == 1 {
            format!("1 {one} fits")
        } else {
            format!("{limit} {unit} fit")
        };
        if w.amount.node <= limit {
            return;
        }
        let mut e = CheckError::new(
            Code::WindowLongerThanScope,
            format!(
                "a window of {} {unit} is longer than its scope, {name}",
                w.amount.node
            ),
            w.span,
            format!("at most {fits} in {name}"),
        )
        .help(format!(
            "counting restarts with each new scope, so the window never sees more than {name}: \
             shorten the window or widen the scope"
        ));
        if let Some(s) = scope.span {
            e = e.label(s, "the scope");
        }
        self.errs.push(e);
    }

    /// The most days, school days and school weeks one instance of `scope`
    /// can hold, and its name. A school week: 7 / 5 / 1. A month: 31 / 23 /
    /// 4, counting a month as four school weeks (its shortest, February, has
    /// exactly four weeks), so `within 5 school_weeks` does not fit `per
    /// month`. Terms and the school year are measured on the calendar.
    fn scope_limits(&self, scope: &ScopeDef) -> Option<((u32, u32, u32), String)> {
        match scope {
            ScopeDef::SchoolWeek => Some(((7, 5, 1), "a school week".into())),
            ScopeDef::Month => Some(((31, 23, 4), "a month".into())),
            ScopeDef::Term(i) => {
                let cal = self.calendar?;
                let t = cal.terms.get(*i)?;
                let limits = span_limits(cal, t.start, t.end);
                Some((limits, format!("term `{}`", t.id)))
            }
            ScopeDef::SchoolYear => {
                let cal = self.calendar?;
                Some((
                    span_limits(cal, cal.first, cal.last),
                    "the school year".into(),
                ))
            }
            ScopeDef::SinceStep(_) | ScopeDef::SinceActionKind(_) => None,
        }
    }

    /// Checks filters on registrations of `kind` (`None`: kind unknown).
    pub fn filter(&mut self, filters: &[Filter], kind: Option<usize>) -> Option<FilterDef> {
        let mut out = FilterDef::default();
        let mut seen: Vec<(&'static str, Span)> = Vec::new();
        let mut ok = true;
        for f in filters {
            let (what, span) = filter_what(f);
            if let Some((_, first)) = seen.iter().find(|(w, _)| *w == what) {
                self.errs.push(
                    CheckError::new(
                        Code::DuplicateEntry,
                        format!("filter on `{what}` is given twice"),
                        span,
                        "given again here",
                    )
                    .label(*first, "first given here")
                    .help(format!("combine them into one filter on `{what}`")),
                );
                ok = false;
                continue;
            }
            seen.push((what, span));
            ok &= self.filter_part(f, kind, &mut out);
        }
        ok.then_some(out)
    }

    fn filter_part(&mut self, f: &Filter, kind: Option<usize>, out: &mut FilterDef) -> bool {
        match f {
            Filter::Code(codes, _) => {
                let before = self.errs.len();
                for c in codes {
                    self.check_code(c, kind);
                }
                out.codes = codes.iter().map(|c| c.node.clone()).collect();
                self.errs.len() == before
            }
            Filter::Authorization(a) => {
                out.authorization = Some(a.node);
                true
            }
            Filter::Weekday(days, _) => {
                out.weekdays = days.iter().map(|d| d.node).collect();
                true
            }
            Filter::Period(n) | Filter::Minutes(n) => {
                let is_period = matches!(f, Filter::Period(_));
                let what = if is_period { "period" } else { "minutes" };
                self.check_signal_filter(what, n, kind);
                let range = self.num_filter(what, n);
                if is_period {
                    out.period = range;
                } else {
                    out.minutes = range;
                }
                range.is_some()
            }
        }
    }

    /// A code in a filter must be declared, for the filtered kind or one
    /// reclassified into it.
    fn check_code(&mut self, c: &ast::Text, kind: Option<usize>) {
        let Some(k) = kind else { return };
        let owner = match self.names.codes.get(&c.node) {
            Some((crate::model::CodeMeaning::Kind(o, _), _)) => Some(*o),
            Some((crate::model::CodeMeaning::Ignored, _)) => None,
            None => {
                let all: Vec<&str> = self.names.codes.keys().map(String::as_str).collect();
                self.errs.push(
                    CheckError::new(
                        Code::UnknownCode,
                        format!("unknown code `{}`", c.node),
                        c.span,
                        "no kind or signal has this code",
                    )
                    .help(unknown_help("codes", &c.node, &all)),
                );
                return;
            }
        };
        if owner == Some(k) || owner.is_some_and(|o| self.reclassified.contains(&(o, k))) {
            return;
        }
        let kname = &self.names.kind_defs[k].id;
        let mine: Vec<&str> = self.codes_of(k);
        let meaning = match owner {
            Some(o) => format!("`{}` is a code of `{}`", c.node, self.names.kind_defs[o].id),
            None => format!("`{}` is an ignored code", c.node),
        };
        self.errs.push(
            CheckError::new(
                Code::UnknownCode,
                format!("`{kname}` has no code `{}`", c.node),
                c.span,
                meaning,
            )
            .help(unknown_help(&format!("codes of `{kname}`"), &c.node, &mine)),
        );
    }

    fn codes_of(&self, k: usize) -> Vec<&str> {
        let kinds: BTreeSet<usize> = std::iter::once(k)
            .chain(
                self.reclassified
                    .iter()
                    .filter(|(_, to)| *to == k)
                    .map(|(f, _)| *f),
            )
            .collect();
        self.names
            .codes
            .iter()
            .filter(|(_, (m, _))| matches!(m, crate::model::CodeMeaning::Kind(o, _) if kinds.contains(o)))
            .map(|(c, _)| c.as_str())
            .collect()
    }

    fn check_signal_filter(&mut self, what: &str, n: &NumFilter, kind: Option<usize>) {
        if let Some(k) = kind
            && self.names.kind_defs[k].signal
        {
            let name = &self.names.kind_defs[k].id;
            self.errs.push(
                CheckError::new(
                    Code::SignalMeasure,
                    format!("signal `{name}` has no {what}"),
                    num_filter_span(n),
                    "not recorded for signals",
                )
                .help(
                    "signals are recorded per day, without a period or minutes: remove this filter",
                ),
            );
        }
    }

    /// `OP N` / `in A .. B` → an inclusive range, reporting empty ones.
    fn num_filter(&mut self, what: &str, n: &NumFilter) -> Option<(u32, u32)> {
        let (lo, hi, span) = match n {
            NumFilter::Range(a, b, s) => (Some(a.node), Some(b.node), *s),
            NumFilter::Cmp(op, v, s) => {
                let v = v.node;
                let (lo, hi) = match op.node {
                    CmpOp::Gt => (v.checked_add(1), Some(u32::MAX)),
                    CmpOp::Ge => (Some(v), Some(u32::MAX)),
                    CmpOp::Lt => (Some(0), v.checked_sub(1)),
                    CmpOp::Le => (Some(0), Some(v)),
                    CmpOp::Eq => (Some(v), Some(v)),
                };
                (lo, hi, *s)
            }
        };
        match (lo, hi) {
            (Some(lo), Some(hi)) if lo <= hi => Some((lo, hi)),
            _ => {
                self.errs.push(
                    CheckError::new(
                        Code::EmptyFilter,
                        format!("this `{what}` filter matches no registration"),
                        span,
                        "matches nothing",
                    )
                    .help(format!(
                        "write a range of {what} that can occur, lowest first"
                    )),
                );
                None
            }
        }
    }
}

/// A number as written: `16`, `2.5`.
pub(super) fn number_str(n: ast::Number) -> String {
    if n.is_whole() {
        format!("{}", n.hundredths / 100)
    } else {
        let s = format!("{}.{:02}", n.hundredths / 100, (n.hundredths % 100).abs());
        s.trim_end_matches('0').to_string()
    }
}

/// The most days, school days and school weeks between `a` and `b`.
fn span_limits(
    cal: &crate::calendar::Calendar,
    a: chrono::NaiveDate,
    b: chrono::NaiveDate,
) -> (u32, u32, u32) {
    let days = (b - a).num_days().max(0) as u32 + 1;
    let idx: Vec<u32> = cal
        .school_days()
        .iter()
        .filter(|d| a <= **d && **d <= b)
        .filter_map(|d| cal.day_index(*d))
        .collect();
    let weeks: BTreeSet<u32> = idx.iter().map(|i| cal.week_of(*i)).collect();
    (days, idx.len() as u32, weeks.len() as u32)
}

fn filter_what(f: &Filter) -> (&'static str, Span) {
    match f {
        Filter::Code(_, s) => ("code", *s),
        Filter::Authorization(a) => ("authorization", a.span),
        Filter::Weekday(_, s) => ("weekday", *s),
        Filter::Period(n) => ("period", num_filter_span(n)),
        Filter::Minutes(n) => ("minutes", num_filter_span(n)),
    }
}

fn num_filter_span(n: &NumFilter) -> Span {
    match n {
        NumFilter::Cmp(_, _, s) | NumFilter::Range(_, _, s) => *s,
    }
}

impl Checker<'_> {
    /// Checks a condition; `None` when any part is invalid (all parts are
    /// checked regardless).
    pub fn cond(&mut self, c: &Cond, scope: &ScopeCtx) -> Option<CondDef> {
        match c {
            Cond::And(v, _) | Cond::Or(v, _) => {
                let parts: Vec<Option<CondDef>> = v.iter().map(|c| self.cond(c, scope)).collect();
                let parts: Option<Vec<CondDef>> = parts.into_iter().collect();
                let parts = parts?;
                Some(if matches!(c, Cond::And(..)) {
                    CondDef::And(parts)
                } else {
                    CondDef::Or(parts)
                })
            }
            Cond::Not(inner, _) => Some(CondDef::Not(Box::new(self.cond(inner, scope)?))),
            Cond::Compare(cmp) => self.compare(cmp, scope),
            Cond::Fired(id, _) => self.step_ref(id).map(CondDef::Fired),
            Cond::NoWithin(n) => self.no_within(n),
        }
    }

    fn no_within(&mut self, n: &ast::NoWithin) -> Option<CondDef> {
        let expected = self.names.kind(&n.expected, &mut self.errs);
        let after = self.names.kind(&n.after, &mut self.errs);
        let after_filter = self.filter(&n.after_filter, after);
        let deadline = match &n.deadline {
            None => {
                self.errs.push(
                    CheckError::new(
                        Code::MissingDeadline,
                        "a time-driven condition needs a deadline",
                        n.span,
                        "no deadline",
                    )
                    .help("add `within 3 school_days` or `by end of school_week`"),
                );
                None
            }
            Some(Deadline::EndOfSchoolWeek(_)) => Some(DeadlineDef::EndOfSchoolWeek),
            Some(Deadline::Within(amount, unit)) => {
                self.errs
                    .extend(super::error::too_long(amount, "a deadline"));
                Some(DeadlineDef::Within(amount.node, unit.node))
            }
        };
        Some(CondDef::NoWithin {
            expected: expected?,
            deadline: deadline?,
            after: after?,
            after_filter: after_filter?,
        })
    }

    fn compare(&mut self, cmp: &ast::Comparison, scope: &ScopeCtx) -> Option<CondDef> {
        let left = self.measure(&cmp.left, scope);
        let lunit = Unit::of(cmp.left.func.node);
        let right = match &cmp.right {
            Operand::Measure(m) => {
                let right = self.measure(m, scope);
                self.check_units(&cmp.left, m);
                OperandDef::Measure(right?)
            }
            Operand::Literal { value, unit } => {
                self.check_literal_unit(&cmp.left, lunit, value, unit.as_ref());
                OperandDef::Const(value.node)
            }
        };
        Some(CondDef::Compare {
            left: left?,
            op: cmp.op.node,
            right,
        })
    }

    fn check_units(&mut self, l: &ast::Measure, r: &ast::Measure) {
        let (lu, ru) = (Unit::of(l.func.node), Unit::of(r.func.node));
        if lu == ru {
            return;
        }
        let (lf, rf) = (fn_name(l.func.node), fn_name(r.func.node));
        let e = if lu == Unit::Percent || ru == Unit::Percent {
            CheckError::new(Code::ShareMismatch, "comparing a share with a count", r.span, ru.label())
                .label(l.span, lu.label())
                .help("a share is a percentage of scheduled lesson hours: compare it with a percentage such as `10%`, or another `share(…)`")
        } else {
            CheckError::new(
                Code::UnitMismatch,
                format!("cannot compare {} with {}", lu.words(), ru.words()),
                r.span,
                format!("in {}", ru.words()),
            )
            .label(l.span, format!("in {}", lu.words()))
            .help(format!(
                "convert one side: use `{rf}` on both sides, or `{lf}` on both sides"
            ))
        };
        self.errs.push(e);
    }

    fn check_literal_unit(
        &mut self,
        m: &ast::Measure,
        lunit: Unit,
        value: &Spanned<ast::Number>,
        unit: Option<&Spanned<UnitLit>>,
    ) {
        let written = unit.map(|u| (Unit::of_lit(u.node), u.span));
        let (u, span) = match written {
            None if lunit == Unit::Percent => (Unit::Registrations, value.span),
            None => return,
            Some((u, _)) if u == lunit => return,
            Some(w) => w,
        };
        let n = number_str(value.node);
        let (k, f) = (&m.kind.node, fn_name(m.func.node));
        let e = if u == Unit::Percent || lunit == Unit::Percent {
            let help = if lunit == Unit::Percent {
                format!("a share is a percentage: write `{n}%`")
            } else {
                format!("`%` compares with `share({k})`: drop the `%`, or use `share({k})`")
            };
            let written = if unit.is_none() {
                "a number without `%`".to_string()
            } else {
                u.label()
            };
            CheckError::new(
                Code::ShareMismatch,
                "comparing a share with a count",
                span,
                written,
            )
            .label(m.span, lunit.label())
            .help(help)
        } else {
            CheckError::new(
                Code::UnitMismatch,
                format!("cannot compare {} with {}", lunit.words(), u.words()),
                span,
                format!("in {}", u.words()),
            )
            .label(m.span, format!("in {}", lunit.words()))
            .help(format!(
                "`{f}({k})` is in {}: write `{n} {}`, or measure in {} instead",
                lunit.words(),
                lunit.literal(),
                u.words()
            ))
        };
        self.errs.push(e);
    }
}
