//! The driver: groups registrations per student, walks each student's
//! school days in order and evaluates every step at every registration (and,
//! for time-driven or deferred steps, at the start of every school day).

use super::measures::{
    Cumulative, Fact, MeasureCtx, NO_CODE, Resolved, Value, compare, increment, threshold_base,
};
use super::student::{StepState, StudentCtx};
use super::{Registration, Registrations, Roster, RunOptions, RunResult};
use crate::calendar::DayIdx;
use crate::model::{CondDef, DeadlineDef, Policy, ScopeDef, StepDef, Thresholds, TriggerDef};
use crate::syntax::ast::{CmpOp, DayUnit, Junction, MeasureFn, Number};
use chrono::{Datelike, NaiveDate};

/// Run `policy` over `regs` (any order) with an optional roster.
///
/// Registrations dated after the evaluation date (`opts.as_of`, default the
/// last date in the data) are not evaluated and are counted in
/// [`RunSummary::after_as_of`]. Registrations are expected to be valid (on
/// school days, of the policy's kinds): `io` rejects invalid rows first.
/// Output order: triggered_on, student, step (policy order), firing order,
/// action order. Deterministic: the same inputs give the same result.
///
/// This is [`super::Stream`] fed one date at a time: the buffered and the
/// streaming (`--sorted`) runs share one evaluation.
pub fn run(
    policy: &Policy,
    regs: &Registrations,
    roster: Option<&Roster>,
    opts: &RunOptions,
) -> RunResult {
    let mut stream = super::Stream::new(policy, roster, opts.clone());
    stream.add_students(regs.students.iter().cloned());
    let mut order: Vec<&Registration> = regs.rows.iter().collect();
    order.sort_by_key(|r| r.date);
    let mut actions = Vec::new();
    for day in order.chunk_by(|a, b| a.date == b.date) {
        let rows = day.iter().map(|r| (*r).clone()).collect();
        actions.extend(stream.push(day[0].date, rows));
    }
    let (rest, mut summary) = stream.finish();
    actions.extend(rest);
    summary.ignored = regs.ignored;
    summary.count_actions(policy, &actions);
    RunResult { actions, summary }
}

/// Outcome of evaluating one step at one point.
pub(super) struct Firing {
    /// Identity suffix after `step/student/` (scope instance, count, …).
    pub identity: String,
    /// Evidence facts (indices into the student's facts).
    pub evidence: Vec<usize>,
}

impl StudentCtx<'_> {
    /// Evaluate school day `d` with the student's registrations of that
    /// day (`regs`, sorted in evaluation order): first the start-of-day
    /// evaluations of the days since the last call, then each registration.
    /// Days must increase from call to call.
    pub(super) fn push_day(&mut self, d: DayIdx, regs: Vec<Registration>) {
        let first = *self.first_day.get_or_insert(d);
        if self.next_day < first {
            self.next_day = first;
        }
        if d > 0 {
            self.advance(d - 1);
        }
        if let Some(r) = regs.first() {
            self.mark_exemptions(r.date, &regs);
        }
        self.advance(d);
        self.today = regs;
        for i in 0..self.today.len() {
            self.add_registration(i, d);
            self.evaluate(d, Some(i));
        }
        // Not needed after the day: a student's state between dates is
        // its facts and step states only.
        self.today = Vec::new();
        self.new_facts = Vec::new();
    }

    /// The start-of-day evaluations of the school days up to and including
    /// `to` not evaluated yet (only from the day after the first
    /// registration, and only while some step is observed daily).
    pub(super) fn advance(&mut self, to: DayIdx) {
        let Some(first) = self.first_day else { return };
        while self.next_day <= to {
            // Only an evaluation changes what is observed: asleep now means
            // asleep through `to`.
            if !self.awake() {
                self.next_day = to + 1;
                return;
            }
            let d = self.next_day;
            self.next_day += 1;
            if d > first {
                self.evaluate(d, None);
            }
        }
    }

    /// True when some step must be observed at the start of the next school
    /// day (always in reference mode).
    pub(super) fn awake(&self) -> bool {
        self.daily()
            && (self.reference
                || self
                    .plan
                    .observable
                    .iter()
                    .any(|&s| !self.never[s] && self.observed_daily(s)))
    }

    /// Evaluate every applicable step at day `d`, after registration `reg`
    /// (or at the start of the day when `reg` is `None`). A step whose inputs
    /// cannot have changed since its last evaluation is not re-evaluated:
    /// its result would be the same.
    fn evaluate(&mut self, d: DayIdx, reg: Option<usize>) {
        for s in 0..self.policy.steps.len() {
            let step = &self.policy.steps[s];
            if !self.reference && self.never[s] {
                continue;
            }
            if reg.is_none() && !(self.reference || self.observed_daily(s)) {
                continue;
            }
            // A school-year scope has one instance: once it is set, the
            // cheap test decides without computing the instance.
            if !self.reference
                && step.scope == ScopeDef::SchoolYear
                && self.state[s].instance.is_some()
                && !self.needs_evaluation(s, d, reg)
            {
                continue;
            }
            let Some((instance, start)) = self.scope_instance(s, d) else {
                continue;
            };
            if self.state[s].instance != Some(instance) {
                // A new scope instance: counting restarts; the throttle's
                // memory of the last firing is kept.
                self.state[s] = StepState {
                    instance: Some(instance),
                    last_fire: self.state[s].last_fire,
                    ..StepState::default()
                };
            } else if !self.reference && !self.needs_evaluation(s, d, reg) {
                continue;
            }
            let date = self.policy.calendar.date(d);
            let st = &mut self.state[s];
            st.evaluated = true;
            st.last_eval_day = d;
            st.seen_fires = self.seq;
            if !self.applies(step, date) {
                self.state[s].applied = false;
                // Counts reached while a step does not apply (group, ladder
                // exemption) are passed over, not fired later.
                if let (Some(_), TriggerDef::Threshold { measure, .. }) = (reg, &step.trigger) {
                    self.state[s].prev_value = self.int_value(*measure, start, d);
                }
                continue;
            }
            self.state[s].applied = true;
            let key = self.instance_key(instance);
            for firing in self.step_firings(s, d, reg, &key, start) {
                self.fire(s, d, reg, firing);
            }
        }
    }

    /// True when some step may need observing at the start of school days
    /// (always in reference mode, which observes every step every day).
    fn daily(&self) -> bool {
        self.reference || self.plan.needs_daily
    }

    /// True when step `s` must be observed at the start of a school day: a
    /// time-driven condition, a deferred firing, or a condition over windows
    /// or streaks that can change as days pass — a `repeat` step whose
    /// condition holds (it may stop holding, so that a later registration
    /// makes it rise again), or a condition that can become true by time
    /// alone (`not`, `<`, `<=`, `=`). Other conditions cannot change value
    /// without a registration, so observing them would change nothing.
    fn observed_daily(&self, s: usize) -> bool {
        let plan = &self.plan.steps[s];
        let st = &self.state[s];
        plan.time_driven
            || st.pending
            || (plan.time_sensitive
                && (!plan.monotone || (self.policy.steps[s].repeat && st.last_true)))
    }

    /// True unless step `s`'s result at this point is known to equal its
    /// previous one: no new fact of a kind it reads, no new day for a
    /// time-sensitive step, no new firing for a step reading `fired(…)`, or
    /// a once-per-scope step that has already fired.
    fn needs_evaluation(&self, s: usize, d: DayIdx, reg: Option<usize>) -> bool {
        let st = &self.state[s];
        let plan = &self.plan.steps[s];
        if !st.evaluated || !st.applied || st.pending {
            return true;
        }
        if plan.once && st.fired > 0 {
            return false;
        }
        if reg.is_none() {
            return self.observed_daily(s);
        }
        self.new_facts.iter().any(|&i| {
            plan.reads_kind(self.facts[i].kind())
                && !(plan.day_granular && self.kind_seen_earlier_today(i))
        }) || (plan.time_sensitive && st.last_eval_day != d)
            || (plan.uses_fired && st.seen_fires != self.seq)
    }

    /// True when a fact of fact `i`'s kind came on its day before the
    /// registration being evaluated (whose facts start at `new_facts[0]`).
    fn kind_seen_earlier_today(&self, i: usize) -> bool {
        let f = &self.facts[i];
        let first_new = self.new_facts.first().copied().unwrap_or(i);
        self.facts[..first_new]
            .iter()
            .rev()
            .take_while(|g| g.day == f.day)
            .any(|g| g.kind() == f.kind())
    }

    /// The firings of step `s` at this point (usually none or one).
    fn step_firings(
        &mut self,
        s: usize,
        d: DayIdx,
        reg: Option<usize>,
        key: &str,
        start: NaiveDate,
    ) -> Vec<Firing> {
        let step = &self.policy.steps[s];
        match &step.trigger {
            TriggerDef::PerRegistration { kind, filter } => {
                let Some(r) = reg else { return Vec::new() };
                let code = self.today[r].code.as_deref();
                let hit = self.new_facts.iter().find(|&&i| {
                    let f = &self.facts[i];
                    f.date >= start && super::measures::matches(f, *kind, filter, code)
                });
                match hit {
                    Some(&i) => vec![Firing {
                        identity: self.registration_key(r),
                        evidence: vec![i],
                    }],
                    None => Vec::new(),
                }
            }
            TriggerDef::Threshold {
                measure,
                thresholds,
                extra,
            } => match thresholds {
                Thresholds::At(n) => {
                    let m = &self.policy.measures[*measure];
                    let v = self.int_value(*measure, start, d);
                    let reached = v >= threshold_base(m.func, *n);
                    let (holds, by_count) = match extra {
                        None => (reached, reached),
                        Some((Junction::When, c)) => (reached && self.cond(c, d, start), reached),
                        Some((Junction::Or, c)) => (reached || self.cond(c, d, start), reached),
                    };
                    self.once(s, d, holds, key, |ctx| {
                        if by_count {
                            ctx.threshold_evidence(*measure, start, d, None, *n)
                        } else {
                            extra
                                .as_ref()
                                .map(|(_, c)| ctx.cond_evidence(c, d, start))
                                .unwrap_or_default()
                        }
                    })
                }
                _ => self.crossings(s, d, reg, key, start),
            },
            TriggerDef::When(c) => {
                let holds = self.cond(c, d, start);
                self.once(s, d, holds, key, |ctx| ctx.cond_evidence(c, d, start))
            }
        }
    }

    /// Once-per-scope-instance / repeat / throttle logic for a condition
    /// that holds (`holds`) at this point.
    fn once(
        &mut self,
        s: usize,
        d: DayIdx,
        holds: bool,
        key: &str,
        evidence: impl FnOnce(&Self) -> Vec<usize>,
    ) -> Vec<Firing> {
        let step = &self.policy.steps[s];
        let st = &mut self.state[s];
        let want = if step.repeat {
            let rising = holds && !st.last_true;
            st.last_true = holds;
            rising || (st.pending && holds)
        } else {
            holds && st.fired == 0
        };
        if !want {
            return Vec::new();
        }
        let date = self.policy.calendar.date(d);
        if let (Some((n, unit)), Some(prev)) = (step.throttle, st.last_fire) {
            let earliest = match unit {
                DayUnit::Days => crate::calendar::Calendar::add_days(prev, n),
                DayUnit::SchoolDays => self.policy.calendar.add_school_days(prev, n),
            };
            if date < earliest {
                st.pending = true;
                return Vec::new();
            }
        }
        // A repeating step's identity adds the firing date (and a counter for
        // a second firing on one day).
        let identity = if !step.repeat {
            key.to_string()
        } else if st.last_fire == Some(date) {
            format!("{key}/{date}.{}", st.fired + 1)
        } else {
            format!("{key}/{date}")
        };
        vec![Firing {
            identity,
            evidence: evidence(self),
        }]
    }

    /// Repeating threshold forms: every count in the set crossed since the
    /// previous evaluation fires once, in ascending order.
    fn crossings(
        &mut self,
        s: usize,
        d: DayIdx,
        reg: Option<usize>,
        key: &str,
        start: NaiveDate,
    ) -> Vec<Firing> {
        let step = &self.policy.steps[s];
        let TriggerDef::Threshold {
            measure,
            thresholds,
            extra,
        } = &step.trigger
        else {
            return Vec::new();
        };
        if reg.is_none() {
            return Vec::new();
        }
        let func = self.policy.measures[*measure].func;
        let v = self.int_value(*measure, start, d);
        let prev = self.state[s].prev_value;
        self.state[s].prev_value = v;
        let scale: i64 = if func == crate::syntax::ast::MeasureFn::ClockHours {
            60
        } else {
            1
        };
        let (from, stride, to) = match *thresholds {
            Thresholds::EveryFrom(n) => (n.hundredths, 100, None),
            Thresholds::EveryNth { from, step } => (from.hundredths, i64::from(step) * 100, None),
            Thresholds::Each { from, to } => (from.hundredths, 100, Some(to.hundredths)),
            Thresholds::At(_) => return Vec::new(),
        };
        // Exact in i128: thresholds may be written as large as the parser
        // allows.
        let (from, stride, to) = (
            i128::from(from),
            i128::from(stride.max(1)),
            to.map(i128::from),
        );
        let (prev, v, scale) = (i128::from(prev), i128::from(v), i128::from(scale));
        // t_k = from + k·stride (hundredths); crossed iff prev·100 < t_k·scale ≤ v·100.
        let k_min = if from * scale > prev * 100 {
            0
        } else {
            (prev * 100 / scale - from).div_euclid(stride) + 1
        };
        let mut out = Vec::new();
        let mut k = k_min.max(0);
        loop {
            let t = from + k * stride;
            if t * scale > v * 100 || to.is_some_and(|to| t > to) {
                break;
            }
            let Ok(t) = i64::try_from(t) else { break };
            let ok = match extra {
                Some((_, c)) => self.cond(c, d, start),
                None => true,
            };
            if ok {
                let n = Number { hundredths: t };
                let prev_fire = self.state[s].last_count();
                // A windowed count can reach the same number again later:
                // the date keeps those firings apart.
                let identity = if self.policy.measures[*measure].window.is_some() {
                    format!(
                        "{key}/#{}/{}",
                        number_label(n),
                        self.policy.calendar.date(d)
                    )
                } else {
                    format!("{key}/#{}", number_label(n))
                };
                out.push(Firing {
                    identity,
                    evidence: self.threshold_evidence(*measure, start, d, prev_fire, n),
                });
                self.state[s].set_last_count(n);
            }
            k += 1;
        }
        out
    }

    /// Evaluate a condition at day `d` within the scope starting at `start`.
    pub(super) fn cond(&self, c: &CondDef, d: DayIdx, start: NaiveDate) -> bool {
        match c {
            CondDef::And(v) => v.iter().all(|c| self.cond(c, d, start)),
            CondDef::Or(v) => v.iter().any(|c| self.cond(c, d, start)),
            CondDef::Not(c) => !self.cond(c, d, start),
            CondDef::Fired(s) => self.fired_ever.get(*s).copied().unwrap_or(false),
            CondDef::Compare { left, op, right } => {
                let m = &self.policy.measures[*left];
                let lv = self.measure_value(*left, start, d);
                let rv = Resolved::of(right, |i| self.measure_value(i, start, d));
                compare(m.func, lv, *op, &rv)
            }
            CondDef::NoWithin { .. } => !self.unanswered(c, d, start).is_empty(),
        }
    }

    /// For `no X within … after Y`: the Y facts (in scope) whose deadline
    /// passed before day `d` without an X fact from Y's date to the deadline.
    pub(super) fn unanswered(&self, c: &CondDef, d: DayIdx, start: NaiveDate) -> Vec<usize> {
        let CondDef::NoWithin {
            expected,
            deadline,
            after,
            after_filter,
        } = c
        else {
            return Vec::new();
        };
        let cal = &self.policy.calendar;
        let today = cal.date(d);
        let mut out = Vec::new();
        for (i, f) in self.facts.iter().enumerate() {
            if f.date < start {
                continue;
            }
            let code = self.plan.code_name(f.code);
            if !super::measures::matches(f, *after, after_filter, code) {
                continue;
            }
            let due = match *deadline {
                DeadlineDef::Within(n, DayUnit::SchoolDays) => cal.add_school_days(f.date, n),
                DeadlineDef::Within(n, DayUnit::Days) => {
                    crate::calendar::Calendar::add_days(f.date, n)
                }
                DeadlineDef::EndOfSchoolWeek => cal.date(cal.week_end(cal.week_of(f.day))),
            };
            if due >= today {
                continue;
            }
            let answered = self
                .facts
                .iter()
                .any(|g| g.kind() == *expected && g.date >= f.date && g.date <= due);
            if !answered {
                out.push(i);
            }
        }
        out
    }

    /// A count-like measure's value in base units.
    fn int_value(&self, m: usize, start: NaiveDate, d: DayIdx) -> i64 {
        match self.measure_value(m, start, d) {
            super::measures::Value::Int(v) => v,
            super::measures::Value::Ratio(n, _) => n,
        }
    }

    /// The value of measure `m` at day `d` counting from `start`: kept
    /// incrementally for unwindowed cumulative measures, scanned otherwise.
    pub(super) fn measure_value(&self, m: usize, start: NaiveDate, d: DayIdx) -> Value {
        let md = &self.policy.measures[m];
        if self.reference || !Cumulative::supports(md) {
            return self.measures().value(md, start, d);
        }
        let mut cache = self.cache.borrow_mut();
        let i = match cache
            .iter()
            .position(|c| c.measure as usize == m && c.start == start)
        {
            Some(i) => i,
            None => {
                cache.push(Cumulative::new(m, start));
                cache.len() - 1
            }
        };
        cache[i].value(&self.measures(), md, d)
    }

    /// The measure context over this student's facts.
    pub(super) fn measures(&self) -> MeasureCtx<'_> {
        MeasureCtx {
            cal: &self.policy.calendar,
            facts: &self.facts,
            codes: &self.plan.codes,
        }
    }

    /// Facts that brought the counted measure from the previous firing's
    /// count (exclusive) to `n` (inclusive).
    fn threshold_evidence(
        &self,
        m: usize,
        start: NaiveDate,
        d: DayIdx,
        prev: Option<Number>,
        n: Number,
    ) -> Vec<usize> {
        let md = &self.policy.measures[m];
        let lo = prev.map(|p| threshold_base(md.func, p)).unwrap_or(0);
        let hi = threshold_base(md.func, n);
        let ctx = self.measures();
        let mut out = Vec::new();
        if !matches!(md.func, MeasureFn::Days | MeasureFn::Episodes) {
            let mut acc = 0i64;
            for i in ctx.matching(md, start, d) {
                if acc >= hi {
                    break;
                }
                acc += increment(md.func, &self.facts[i]);
                if acc > lo {
                    out.push(i);
                }
            }
            return out;
        }
        // Days and episodes count days, not registrations: the evidence is
        // every registration of the days (or episodes) numbered lo+1 to hi,
        // per weekday with `on same weekday`.
        let mut acc = [0i64; 7];
        let mut last: Option<DayIdx> = None;
        for i in ctx.matching(md, start, d) {
            let f = &self.facts[i];
            let wd = if md.same_weekday {
                f.date.weekday().num_days_from_monday() as usize
            } else {
                0
            };
            let new_day = last != Some(f.day);
            let counts = new_day
                && match md.func {
                    MeasureFn::Episodes => {
                        let prev_day = match last {
                            Some(l) => f.day > 0 && l == f.day - 1,
                            None => f.day > 0 && ctx.day_has(md, f.day - 1, false),
                        };
                        !prev_day
                    }
                    _ => true,
                };
            last = Some(f.day);
            if counts {
                acc[wd] += 1;
            }
            if acc[wd] > lo && acc[wd] <= hi {
                out.push(i);
            }
        }
        out
    }

    /// Evidence for a condition: the facts of every comparison that holds
    /// (windows and streaks bounded), and unanswered clocks.
    fn cond_evidence(&self, c: &CondDef, d: DayIdx, start: NaiveDate) -> Vec<usize> {
        let mut out = Vec::new();
        self.collect_evidence(c, d, start, &mut out);
        out.sort_unstable();
        out.dedup();
        let keep = out.len().saturating_sub(MAX_EVIDENCE);
        out.split_off(keep)
    }

    fn collect_evidence(&self, c: &CondDef, d: DayIdx, start: NaiveDate, out: &mut Vec<usize>) {
        match c {
            CondDef::And(v) | CondDef::Or(v) => {
                for c in v {
                    if self.cond(c, d, start) {
                        self.collect_evidence(c, d, start, out);
                    }
                }
            }
            CondDef::Compare { left, .. } if self.cond(c, d, start) => {
                out.extend(
                    self.measures()
                        .evidence(&self.policy.measures[*left], start, d),
                );
            }
            CondDef::NoWithin { .. } => out.extend(self.unanswered(c, d, start)),
            _ => {}
        }
    }

    /// Add the facts of registration `r` (after reclassification and
    /// exemptions) on school day `d`.
    fn add_registration(&mut self, r: usize, d: DayIdx) {
        self.new_facts.clear();
        let reg = &self.today[r];
        // A registration of an exempt kind is not counted at all, not even
        // as the kinds it is reclassified to.
        if self.kind_exempt(reg.kind, reg.date) {
            return;
        }
        let kinds = self.counted_kinds(reg);
        let (date, period, minutes, auth) = (reg.date, reg.period, reg.minutes, reg.authorization);
        let (reg_kind, code) = (reg.kind, self.plan.code_index(reg.code.as_deref()));
        for kind in kinds {
            // A kind no step reads is never looked at: not kept.
            if self.kind_exempt(kind, date) || !(self.reference || self.plan.read_kinds[kind]) {
                continue;
            }
            self.new_facts.push(self.facts.len());
            self.facts.push(Fact::new(
                d, date, period, kind, reg_kind, minutes, auth, code,
            ));
        }
    }
}

/// At most this many evidence registrations per action for conditions.
const MAX_EVIDENCE: usize = 100;

/// `16` or `16.5`.
pub(super) fn number_label(n: Number) -> String {
    if n.is_whole() {
        (n.hundredths / 100).to_string()
    } else {
        format!("{}.{:02}", n.hundredths / 100, n.hundredths.rem_euclid(100))
    }
}

/// What the interpreter precomputes about each step, once per run.
pub(super) struct StepPlan {
    /// The step's name in action IDs: its ID, or `LADDER.ID` for a variant's
    /// copy of a step whose ID an earlier ladder already uses.
    pub name: String,
    /// Kinds (and signals) its trigger and condition read, by KindId.
    kinds: Vec<bool>,
    /// Reads a window, a streak, a share or a deadline: its value can change
    /// from one day to the next without a new fact.
    pub time_sensitive: bool,
    /// Reads `fired(…)`.
    pub uses_fired: bool,
    /// Has a time-driven condition: evaluated at the start of every school day.
    pub time_driven: bool,
    /// Fires at most once per scope instance (no `repeat`, `at N` or `when`).
    pub once: bool,
    /// Its condition can only become true through a new registration, never
    /// as time passes (`>`/`>=` against constants, `fired`, `and`, `or`).
    pub monotone: bool,
    /// Every measure it reads counts days (`days`, `episodes`, `streak`,
    /// without a filter) and its trigger is no per-registration one: a
    /// second registration of a kind on a day that already has one cannot
    /// change its result.
    pub day_granular: bool,
}

impl StepPlan {
    /// True when the step reads kind `k`.
    pub fn reads_kind(&self, k: usize) -> bool {
        self.kinds.get(k).copied().unwrap_or(false)
    }
}

/// The per-run plan: one [`StepPlan`] per step.
pub(super) struct Plan {
    /// Per step.
    pub steps: Vec<StepPlan>,
    /// Some step needs day-by-day evaluation (time-driven or throttled).
    pub needs_daily: bool,
    /// Per kind: some step reads it (facts of other kinds are not kept).
    pub read_kinds: Vec<bool>,
    /// The policy's school codes, sorted; [`Fact`]s refer to them by index.
    pub codes: Vec<String>,
    /// Steps that can ever need observing at the start of a school day
    /// (time-driven, throttled or time-sensitive).
    pub observable: Vec<usize>,
}

impl Plan {
    /// The index of a registration's code among [`Plan::codes`]
    /// ([`NO_CODE`] for none, or a code the policy does not list).
    pub fn code_index(&self, code: Option<&str>) -> u16 {
        code.and_then(|c| self.codes.binary_search_by(|x| x.as_str().cmp(c)).ok())
            .and_then(|i| u16::try_from(i).ok())
            .unwrap_or(NO_CODE)
    }

    /// The code at `index` (None for [`NO_CODE`]).
    pub fn code_name(&self, index: u16) -> Option<&str> {
        self.codes.get(usize::from(index)).map(String::as_str)
    }

    /// Precompute the plan of `policy`.
    pub fn new(policy: &Policy) -> Plan {
        let mut steps: Vec<StepPlan> = policy.steps.iter().map(|s| step_plan(policy, s)).collect();
        for (i, step) in policy.steps.iter().enumerate() {
            if policy.steps[..i].iter().any(|o| o.id == step.id)
                && let Some(l) = step.ladder
            {
                steps[i].name = format!("{}.{}", policy.ladders[l].id, step.id);
            }
        }
        let needs_daily = steps.iter().any(|p| p.time_driven)
            || policy.steps.iter().any(|s| s.throttle.is_some())
            || steps
                .iter()
                .zip(&policy.steps)
                .any(|(p, s)| p.time_sensitive && (s.repeat || !p.monotone));
        let read_kinds = (0..policy.kinds.len())
            .map(|k| steps.iter().any(|p| p.reads_kind(k)))
            .collect();
        let codes = policy.codes.keys().cloned().collect();
        let observable = (0..steps.len())
            .filter(|&s| {
                steps[s].time_driven
                    || steps[s].time_sensitive
                    || policy.steps[s].throttle.is_some()
            })
            .collect();
        Plan {
            steps,
            needs_daily,
            read_kinds,
            codes,
            observable,
        }
    }
}

fn step_plan(policy: &Policy, step: &StepDef) -> StepPlan {
    let mut plan = StepPlan {
        name: step.id.clone(),
        kinds: vec![false; policy.kinds.len()],
        time_sensitive: false,
        uses_fired: false,
        time_driven: false,
        once: !step.repeat,
        monotone: true,
        day_granular: true,
    };
    match &step.trigger {
        TriggerDef::PerRegistration { kind, .. } => {
            plan.mark_kind(*kind);
            plan.once = false;
            plan.day_granular = false;
        }
        TriggerDef::Threshold {
            measure,
            thresholds,
            extra,
        } => {
            plan.mark_measure(policy, *measure);
            plan.once &= !thresholds.repeats();
            if let Some((_, c)) = extra {
                plan.mark_cond(policy, c);
            }
        }
        TriggerDef::When(c) => plan.mark_cond(policy, c),
    }
    plan
}

impl StepPlan {
    fn mark_kind(&mut self, k: usize) {
        if let Some(x) = self.kinds.get_mut(k) {
            *x = true;
        }
    }

    fn mark_measure(&mut self, policy: &Policy, m: usize) {
        use crate::syntax::ast::MeasureFn;
        let md = &policy.measures[m];
        self.mark_kind(md.kind);
        if !matches!(
            md.func,
            MeasureFn::Days | MeasureFn::Episodes | MeasureFn::Streak
        ) || !md.filter.is_empty()
        {
            self.day_granular = false;
        }
        if md.window.is_some()
            || matches!(
                md.func,
                MeasureFn::Streak | MeasureFn::FullDayStreak | MeasureFn::Share
            )
        {
            self.time_sensitive = true;
        }
    }

    fn mark_cond(&mut self, policy: &Policy, c: &CondDef) {
        match c {
            CondDef::And(v) | CondDef::Or(v) => v.iter().for_each(|c| self.mark_cond(policy, c)),
            CondDef::Not(c) => {
                self.monotone = false;
                self.mark_cond(policy, c);
            }
            CondDef::Fired(_) => self.uses_fired = true,
            CondDef::Compare { left, right, op } => {
                let rising = matches!(op, CmpOp::Gt | CmpOp::Ge);
                if !rising || matches!(right, crate::model::OperandDef::Measure(_)) {
                    self.monotone = false;
                }
                self.mark_measure(policy, *left);
                if let crate::model::OperandDef::Measure(m) = right {
                    self.mark_measure(policy, *m);
                }
            }
            CondDef::NoWithin {
                expected, after, ..
            } => {
                self.mark_kind(*expected);
                self.mark_kind(*after);
                self.time_sensitive = true;
                self.time_driven = true;
                self.day_granular = false;
            }
        }
    }
}
