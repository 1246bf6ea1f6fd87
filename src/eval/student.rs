//! Per-student evaluation state: the student's registrations and counted
//! facts, each step's scope-instance state, groups, exemptions, and the
//! construction of action records when a step fires.

use super::interp::{Firing, Plan};
use super::measures::{Fact, matches};
use super::{ActionRecord, Evidence, Registration, StudentInfo};
use crate::calendar::{Calendar, DayIdx};
use crate::model::{
    ActionKindDef, ActionKindTag, AttrCondDef, GroupDef, KindId, Policy, ScopeDef, StepDef,
};
use crate::syntax::ast::{Attr, CmpOp, DayUnit, Number, ReclassifyMode, RolesJoin};
use chrono::{Datelike, NaiveDate};
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;
use std::sync::Arc;

/// A scope instance, cheap to compare (8 bytes: every student keeps one
/// per step); printed by [`StudentCtx::instance_key`] only when a step
/// fires.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum InstanceId {
    /// The school year.
    Year,
    /// A term, by index.
    Term(u16),
    /// A calendar month (year, month).
    Month(i16, u8),
    /// An ISO week (ISO year, week).
    Week(i16, u8),
    /// Since the last firing / action on this date (None: since the start).
    Since(Option<NaiveDate>),
}

/// One step's state within its current scope instance (48 bytes: a
/// student keeps one per step for the whole run).
#[derive(Debug, Clone, Default)]
pub(super) struct StepState {
    /// The current scope instance.
    pub instance: Option<InstanceId>,
    /// Evaluated at least once in this instance.
    pub evaluated: bool,
    /// Applied (group, exemption) at its last evaluation.
    pub applied: bool,
    /// School day of its last evaluation.
    pub last_eval_day: DayIdx,
    /// The student's firing count at its last evaluation.
    pub seen_fires: u64,
    /// Firings in this instance.
    pub fired: u32,
    /// Condition value at the previous evaluation (for `repeat`).
    pub last_true: bool,
    /// Counted measure's value at the previous evaluation (repeating thresholds).
    pub prev_value: i64,
    /// Count at the previous firing (repeating thresholds' evidence), in
    /// hundredths; [`StepState::last_count`] reads it.
    pub(super) last_count: Option<std::num::NonZeroI64>,
    /// A firing deferred by a throttle, waiting for an eligible day.
    pub pending: bool,
    /// Date of the last firing (kept across instances for throttles).
    pub last_fire: Option<NaiveDate>,
}

impl StepState {
    /// Count at the previous firing (repeating thresholds' evidence).
    pub fn last_count(&self) -> Option<Number> {
        self.last_count.map(|h| Number {
            hundredths: h.get().wrapping_sub(1),
        })
    }

    /// Record the count of a firing.
    pub fn set_last_count(&mut self, n: Number) {
        // Stored plus one, so that a count of 0 is not the niche (counts
        // are never negative).
        self.last_count = std::num::NonZeroI64::new(n.hundredths.wrapping_add(1));
    }
}

/// Everything the interpreter knows about one student during a run.
pub(super) struct StudentCtx<'a> {
    pub policy: &'a Policy,
    pub plan: Arc<Plan>,
    pub student: Arc<str>,
    pub info: Option<&'a StudentInfo>,
    /// The registrations of the school day being evaluated, in evaluation
    /// order (earlier days are kept as facts only).
    pub today: Vec<Registration>,
    /// Counted facts so far.
    pub facts: Vec<Fact>,
    /// Facts added by the registration being evaluated.
    pub new_facts: Vec<usize>,
    /// Per step state.
    pub state: Vec<StepState>,
    /// Per step: fired at least once this school year.
    pub fired_ever: Vec<bool>,
    /// Per step: last firing date (school year wide, for `since last`).
    pub last_fired: Vec<Option<NaiveDate>>,
    /// Last date an action of each kind was issued.
    pub last_action: BTreeMap<ActionKindTag, NaiveDate>,
    /// Exemption ranges: (exemption index, first day, last day).
    pub exemptions: Vec<(usize, NaiveDate, NaiveDate)>,
    /// Actions so far.
    pub out: Vec<ActionRecord>,
    /// Firing sequence number (output tie-break).
    pub seq: u64,
    /// Incremental values of cumulative measures, per (measure, scope start).
    pub cache: std::cell::RefCell<Vec<super::measures::Cumulative>>,
    /// Evaluate every measure by scanning (the reference semantics, for tests).
    pub reference: bool,
    /// School day of the first registration (evaluation starts there).
    pub first_day: Option<DayIdx>,
    /// The next school day whose start-of-day evaluation is still to come.
    pub next_day: DayIdx,
    /// Per exemption: the index in `exemptions` of its range opened by a
    /// signal and not closed yet.
    open_exemption: Vec<Option<usize>>,
    /// Per step: it can never apply to this student (its group selector,
    /// or that of a ladder it yields to, does not depend on the date), so
    /// it is never evaluated.
    pub never: Vec<bool>,
}

impl<'a> StudentCtx<'a> {
    /// A fresh context for one student, before any registration.
    pub fn new(
        policy: &'a Policy,
        plan: Arc<Plan>,
        student: Arc<str>,
        info: Option<&'a StudentInfo>,
    ) -> Self {
        let n = policy.steps.len();
        let mut ctx = StudentCtx {
            policy,
            plan,
            student,
            info,
            today: Vec::new(),
            facts: Vec::new(),
            new_facts: Vec::new(),
            state: vec![StepState::default(); n],
            fired_ever: vec![false; n],
            last_fired: vec![None; n],
            last_action: BTreeMap::new(),
            exemptions: Vec::new(),
            out: Vec::new(),
            seq: 0,
            cache: std::cell::RefCell::new(Vec::new()),
            reference: false,
            first_day: None,
            next_day: 0,
            open_exemption: vec![None; policy.exemptions.len()],
            never: Vec::new(),
        };
        ctx.exemptions = ctx.roster_exemptions();
        ctx.never = policy.steps.iter().map(|s| ctx.never_applies(s)).collect();
        ctx
    }

    /// The actions produced since the last call.
    pub fn take_actions(&mut self) -> Vec<ActionRecord> {
        std::mem::take(&mut self.out)
    }

    /// `date/pN/kind` (or `date/kind` for a signal): a registration's key.
    /// Two registrations with the same key (different codes or minutes for
    /// one lesson) are told apart by a suffix `.2`, `.3`, … in input order.
    pub fn registration_key(&self, r: usize) -> String {
        let reg = &self.today[r];
        let kind = &self.policy.kinds[reg.kind].id;
        let same =
            |o: &&Registration| (o.date, o.period, o.kind) == (reg.date, reg.period, reg.kind);
        // INVARIANT: registrations are sorted, so equal keys are adjacent.
        let earlier = self.today[..r].iter().rev().take_while(same).count();
        let n = if earlier > 0 {
            format!(".{}", earlier + 1)
        } else {
            String::new()
        };
        match reg.period {
            Some(p) => format!("{}/p{p}/{kind}{n}", reg.date),
            None => format!("{}/{kind}{n}", reg.date),
        }
    }

    /// Kinds a registration is counted as, after reclassification.
    pub fn counted_kinds(&self, reg: &Registration) -> Vec<KindId> {
        let mut kinds = vec![reg.kind];
        if self.policy.reclassifications.is_empty() {
            return kinds;
        }
        let probe = Fact::new(
            0,
            reg.date,
            reg.period,
            reg.kind,
            reg.kind,
            reg.minutes,
            reg.authorization,
            super::measures::NO_CODE,
        );
        for rc in &self.policy.reclassifications {
            if rc.from != reg.kind || !matches(&probe, rc.from, &rc.filter, reg.code.as_deref()) {
                continue;
            }
            if rc.mode == ReclassifyMode::Instead {
                // The first matching `instead` (in declaration order) moves
                // the registration; a later one finds it moved already.
                if !kinds.contains(&rc.from) {
                    continue;
                }
                kinds.retain(|k| *k != rc.from);
            }
            if !kinds.contains(&rc.to) {
                kinds.push(rc.to);
            }
        }
        kinds
    }

    /// True when `kind` is not counted on `date` because of an exemption.
    pub fn kind_exempt(&self, kind: KindId, date: NaiveDate) -> bool {
        self.exemptions.iter().any(|(e, a, b)| {
            *a <= date && date <= *b && self.policy.exemptions[*e].kinds.contains(&kind)
        })
    }

    /// Exemption ranges given by the roster.
    fn roster_exemptions(&self) -> Vec<(usize, NaiveDate, NaiveDate)> {
        let mut out = Vec::new();
        let Some(info) = self.info else { return out };
        for (i, e) in self.policy.exemptions.iter().enumerate() {
            for (id, a, b) in &info.exemptions {
                if *id == e.id {
                    out.push((i, *a, *b));
                }
            }
        }
        out
    }

    /// Open and close signal-driven exemptions with the signals among
    /// `regs` (one school day's registrations, dated `date`). On one day an
    /// opening comes before a closing (so a one-day exemption covers that
    /// day), whatever the signals' declaration order; a second opening
    /// while open, or a closing while closed, changes nothing.
    pub(super) fn mark_exemptions(&mut self, date: NaiveDate, regs: &[Registration]) {
        let far = self.policy.calendar.last.max(date);
        for (i, e) in self.policy.exemptions.iter().enumerate() {
            let Some(open) = e.from_signal else { continue };
            if regs.iter().any(|r| r.kind == open) && self.open_exemption[i].is_none() {
                self.open_exemption[i] = Some(self.exemptions.len());
                self.exemptions.push((i, date, far));
            }
            if regs.iter().any(|r| Some(r.kind) == e.until_signal)
                && let Some(x) = self.open_exemption[i].take()
            {
                self.exemptions[x].2 = date;
            }
        }
    }

    /// True when `step` applies to this student on `date`: its group
    /// selector holds and no exemption excludes its ladder.
    pub fn applies(&self, step: &StepDef, date: NaiveDate) -> bool {
        if !self.selected(step.selector, date) {
            return false;
        }
        let Some(l) = step.ladder else { return true };
        // A ladder yields to the ladders of its family listed before it in a
        // `precedence` declaration when the student follows one of them.
        if self.policy.ladders[l]
            .yields_to
            .iter()
            .any(|&o| self.selected(self.policy.ladders[o].selector, date))
        {
            return false;
        }
        !self.exemptions.iter().any(|(e, a, b)| {
            *a <= date && date <= *b && self.policy.exemptions[*e].ladders.contains(&l)
        })
    }

    /// True when `step` cannot apply to this student on any date: a group
    /// selector that does not depend on the date (roster membership,
    /// grade, location, class; not age) excludes the student, or its
    /// ladder yields to a ladder whose such selector includes the student.
    fn never_applies(&self, step: &StepDef) -> bool {
        let fixed = |sel: Option<crate::model::SelectorDef>| {
            sel.is_none_or(|s| {
                self.policy.groups[s.group]
                    .conditions
                    .iter()
                    .all(|c| c.attr != Attr::Age)
            })
        };
        let any_day = self.policy.calendar.first;
        if fixed(step.selector) && !self.selected(step.selector, any_day) {
            return true;
        }
        let Some(l) = step.ladder else { return false };
        self.policy.ladders[l].yields_to.iter().any(|&o| {
            let sel = self.policy.ladders[o].selector;
            sel.is_some() && fixed(sel) && self.selected(sel, any_day)
        })
    }

    /// True when a `for`/`except` selector (or none) admits the student on `date`.
    fn selected(&self, selector: Option<crate::model::SelectorDef>, date: NaiveDate) -> bool {
        match selector {
            None => true,
            Some(sel) => self.in_group(&self.policy.groups[sel.group], date) != sel.except,
        }
    }

    fn in_group(&self, g: &GroupDef, date: NaiveDate) -> bool {
        let Some(info) = self.info else { return false };
        if g.conditions.is_empty() {
            return info.groups.iter().any(|x| g.is_named(x));
        }
        g.conditions.iter().all(|c| attr_holds(info, c, date))
    }

    /// The scope instance of step `s` at day `d` and the first date it counts.
    pub fn scope_instance(&self, s: usize, d: DayIdx) -> Option<(InstanceId, NaiveDate)> {
        let cal = &self.policy.calendar;
        let date = cal.date(d);
        let since = |last: Option<NaiveDate>| {
            let start = last.map_or(cal.first, |f| Calendar::add_days(f, 1));
            Some((InstanceId::Since(last), start))
        };
        match &self.policy.steps[s].scope {
            ScopeDef::SchoolYear => Some((InstanceId::Year, cal.first)),
            ScopeDef::Term(t) => {
                let term = cal.terms.get(*t)?;
                (term.start <= date && date <= term.end)
                    .then_some((InstanceId::Term(u16::try_from(*t).ok()?), term.start))
            }
            ScopeDef::Month => {
                let first = date.with_day(1)?;
                let (y, m) = (i16::try_from(date.year()).ok()?, date.month() as u8);
                Some((InstanceId::Month(y, m), first))
            }
            ScopeDef::SchoolWeek => {
                let iso = date.iso_week();
                let monday =
                    NaiveDate::from_isoywd_opt(iso.year(), iso.week(), chrono::Weekday::Mon)?;
                let (y, w) = (i16::try_from(iso.year()).ok()?, iso.week() as u8);
                Some((InstanceId::Week(y, w), monday))
            }
            ScopeDef::SinceStep(x) => since(self.last_fired.get(*x).copied().flatten()),
            ScopeDef::SinceActionKind(tag) => since(self.last_action.get(tag).copied()),
        }
    }

    /// The printed form of a scope instance, as used in action IDs.
    pub fn instance_key(&self, id: InstanceId) -> String {
        let sy = self.policy.school_year_label();
        match id {
            InstanceId::Year => sy,
            InstanceId::Term(t) => {
                let term = self
                    .policy
                    .calendar
                    .terms
                    .get(usize::from(t))
                    .map_or("term", |x| x.id.as_str());
                format!("{sy}/{term}")
            }
            InstanceId::Month(y, m) => format!("{sy}/{y}-{m:02}"),
            InstanceId::Week(y, w) => format!("{sy}/w{y}-{w:02}"),
            InstanceId::Since(None) => format!("{sy}/since-start"),
            InstanceId::Since(Some(f)) => format!("{sy}/since-{f}"),
        }
    }

    /// Record a firing of step `s` at day `d`: one action record per action.
    pub fn fire(&mut self, s: usize, d: DayIdx, reg: Option<usize>, firing: Firing) {
        let policy = self.policy;
        let step = &policy.steps[s];
        let cal = &policy.calendar;
        let date = cal.date(d);
        let st = &mut self.state[s];
        st.fired += 1;
        st.pending = false;
        st.last_fire = Some(date);
        self.fired_ever[s] = true;
        self.last_fired[s] = Some(date);
        self.seq += 1;
        let trigger = reg.map(|r| self.evidence_of_reg(r));
        let evidence: Vec<Evidence> = firing
            .evidence
            .iter()
            .map(|&i| {
                let f = &self.facts[i];
                Evidence {
                    date: f.date,
                    period: f.period(),
                    kind: policy.kinds[f.reg_kind()].id.clone(),
                    minutes: f.minutes,
                }
            })
            .collect();
        let base = format!(
            "{}/{}/{}",
            self.plan.steps[s].name, &*self.student, firing.identity
        );
        let mut dues: Vec<Option<NaiveDate>> = Vec::with_capacity(step.actions.len());
        for (i, a) in step.actions.iter().enumerate() {
            let earlier = a.after.and_then(|j| dues.get(j).copied().flatten());
            let from = earlier.unwrap_or(date);
            let due = match a.due {
                Some((n, DayUnit::SchoolDays)) => Some(cal.add_school_days(from, n)),
                Some((n, DayUnit::Days)) => Some(Calendar::add_days(from, n)),
                None => earlier,
            };
            dues.push(due);
            let tag = a.kind.tag();
            self.last_action.insert(tag, date);
            let suffix = a.label.clone().unwrap_or_else(|| format!("a{}", i + 1));
            self.out.push(ActionRecord {
                id: format!("{base}/{suffix}"),
                student: self.student.to_string(),
                ladder: step.ladder.map(|l| policy.ladders[l].id.clone()),
                step: step.id.clone(),
                title: step.title.clone(),
                triggered_on: date,
                roles: a
                    .roles
                    .iter()
                    .map(|r| policy.roles[*r].id.clone())
                    .collect(),
                roles_join: match a.roles_join {
                    RolesJoin::Or => "or",
                    RolesJoin::And => "and",
                },
                text: a.text.clone(),
                cc: a.cc.iter().map(|r| policy.roles[*r].id.clone()).collect(),
                due,
                optional: a.optional,
                kind: tag.as_str(),
                params: self.params(&a.kind, reg.is_some()),
                law: step.law,
                trigger: trigger.clone(),
                evidence: evidence.clone(),
                after: a
                    .after
                    .and_then(|j| step.actions.get(j))
                    .and_then(|b| b.label.clone()),
                step_index: s,
                action_index: i,
                seq: self.seq,
                kind_tag: tag,
            });
        }
    }

    fn evidence_of_reg(&self, r: usize) -> Evidence {
        let reg = &self.today[r];
        Evidence {
            date: reg.date,
            period: reg.period,
            kind: self.policy.kinds[reg.kind].id.clone(),
            minutes: reg.minutes,
        }
    }

    fn params(&self, kind: &ActionKindDef, has_trigger: bool) -> Map<String, Value> {
        let roles = |v: &[usize]| -> Value {
            Value::Array(
                v.iter()
                    .map(|r| Value::String(self.policy.roles[*r].id.clone()))
                    .collect(),
            )
        };
        let mut m = Map::new();
        match kind {
            ActionKindDef::Task | ActionKindDef::DuoReport => {}
            ActionKindDef::Inform(v) | ActionKindDef::Mail(v) => {
                m.insert("to".into(), roles(v));
            }
            ActionKindDef::Appointment(v) => {
                m.insert("with".into(), roles(v));
            }
            ActionKindDef::Sanction { at, minutes } => {
                m.insert(
                    "at".into(),
                    at.map(|t| json!(t.format("%H:%M").to_string()))
                        .unwrap_or(Value::Null),
                );
                m.insert(
                    "minutes".into(),
                    minutes.map(|x| json!(x)).unwrap_or(Value::Null),
                );
            }
            ActionKindDef::MakeUp(f) => {
                m.insert("factor".into(), number_json(*f));
                // One registration is one lesson hour.
                let hours = if has_trigger {
                    number_json(*f)
                } else {
                    Value::Null
                };
                m.insert("lesson_hours".into(), hours);
            }
            ActionKindDef::Referral(r) => {
                m.insert("to".into(), json!(self.policy.roles[*r].id));
            }
        }
        m
    }
}

/// A number as JSON: an integer when whole, else a decimal.
fn number_json(n: Number) -> Value {
    if n.is_whole() {
        json!(n.hundredths / 100)
    } else {
        json!(n.hundredths as f64 / 100.0)
    }
}

/// Whole years between `birth` and `on`.
fn age_on(birth: NaiveDate, on: NaiveDate) -> i64 {
    let mut age = i64::from(on.year() - birth.year());
    if (on.month(), on.day()) < (birth.month(), birth.day()) {
        age -= 1;
    }
    age
}

fn attr_holds(info: &StudentInfo, c: &AttrCondDef, date: NaiveDate) -> bool {
    match c.attr {
        Attr::Age => {
            let Some(b) = info.birthdate else {
                return false;
            };
            let age = age_on(b, date);
            c.numbers.iter().any(|&n| {
                let n = i64::from(n);
                match c.op {
                    CmpOp::Gt => age > n,
                    CmpOp::Ge => age >= n,
                    CmpOp::Lt => age < n,
                    CmpOp::Le => age <= n,
                    CmpOp::Eq => age == n,
                }
            })
        }
        Attr::Grade | Attr::Location | Attr::Class => {
            let v = match c.attr {
                Attr::Grade => &info.grade,
                Attr::Location => &info.location,
                _ => &info.class,
            };
            v.as_deref()
                .is_some_and(|v| c.texts.iter().any(|t| t.trim() == v.trim()))
        }
    }
}

#[cfg(test)]
mod size_tests {
    /// Every student keeps one per step: a regression guard for memory.
    #[test]
    fn step_state_stays_small() {
        assert!(std::mem::size_of::<super::StepState>() <= 48);
        assert!(std::mem::size_of::<Option<super::InstanceId>>() <= 8);
        assert!(std::mem::size_of::<super::super::measures::Fact>() <= 20);
        assert!(std::mem::size_of::<super::super::measures::Cumulative>() <= 56);
    }

    #[test]
    fn last_count_round_trips() {
        let mut st = super::StepState::default();
        assert_eq!(st.last_count(), None);
        for h in [0, 1, 1600, i64::MAX] {
            st.set_last_count(crate::syntax::ast::Number { hundredths: h });
            assert_eq!(st.last_count().map(|n| n.hundredths), Some(h));
        }
    }
}
