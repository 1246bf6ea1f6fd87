//! Ladders, variants and step IDs: expands `extends` ladders, numbers every
//! step and rule, declares their IDs, and builds the ladders' and steps'
//! definitions (scopes, triggers, thresholds).
//!
//! A variant (`ladder v … extends b`) runs the base's steps, each replaced
//! in place by the variant's step with the same ID, followed by the
//! variant's new steps; copies get their own `StepId`, base steps keep
//! theirs, and an ID names the step where it was first declared. A variant
//! inherits its base's `counts` and scope unless it gives its own, but never
//! its `for` / `except` selector.
//!
//! `precedence A, B, C` orders ladders of one family (a base and its
//! variants, through `extends`): each listed ladder yields to those listed
//! before it, and pairs listed together may share students.

use super::conditions::{ScopeCtx, number_str};
use super::error::{CheckError, Code, unknown_help};
use super::policy::Checker;
use super::resolve::duplicate;
use crate::model::{
    ActionKindTag, LadderDef, LadderId, MeasureId, ScopeDef, SelectorDef, StepDef, StepId,
    Thresholds, TriggerDef,
};
use crate::span::{Span, Spanned};
use crate::syntax::ast::{self, Item, Junction, MeasureFn, Scope, Trigger};
use std::collections::{HashMap, HashSet};

/// One ladder's plan: its base, effective counts and scope, and its
/// expanded steps with their IDs.
pub(super) struct Plan<'a> {
    /// The declaration.
    pub ast: &'a ast::Ladder,
    /// The ladder it extends, if any (and if not part of a cycle).
    pub base: Option<usize>,
    /// Own `counts`, else the base's.
    pub counts: Option<&'a ast::Measure>,
    /// Own scope, else the base's.
    pub scope: Option<&'a Spanned<Scope>>,
    /// Expanded steps and their `StepId`s.
    pub steps: Vec<(&'a ast::Step, StepId)>,
    /// The ladders listed before this one in its `precedence`.
    pub yields_to: Vec<LadderId>,
}

/// Ladders and rules in item order, with step IDs assigned.
pub(super) struct Layout<'a> {
    /// Ladders by `LadderId`.
    pub ladders: Vec<Plan<'a>>,
    /// Items in order: `Ok(ladder)` or `Err((rule, its StepId))`.
    pub order: Vec<Result<usize, (&'a ast::Rule, StepId)>>,
    /// Ladder → the `precedence` declaration (numbered in source order)
    /// that orders it, for the ladders of a valid entry in one.
    pub precedence_of: HashMap<usize, usize>,
}

/// What a step is built in the context of.
struct StepCtx<'a> {
    ladder: Option<usize>,
    counts: Option<(MeasureId, &'a ast::Measure)>,
    /// The ladder declares `counts` (even if its measure is invalid).
    counts_declared: bool,
    scope: Option<&'a Spanned<Scope>>,
    selector: Option<SelectorDef>,
    rule: Option<&'a ast::Rule>,
}

impl<'a> Checker<'_> {
    /// Plans ladders (bases, cycles, expansion), assigns `StepId`s in item
    /// order and declares step and rule IDs.
    pub fn layout(&mut self, file: &'a ast::File) -> Layout<'a> {
        let asts: Vec<&ast::Ladder> = file
            .items
            .iter()
            .filter_map(|i| {
                if let Item::Ladder(l) = i {
                    Some(l)
                } else {
                    None
                }
            })
            .collect();
        let bases = self.bases(&asts);
        let mut ladders = plans(&asts, &bases);
        let expanded: Vec<Vec<&'a ast::Step>> =
            (0..asts.len()).map(|i| expand(&asts, &bases, i)).collect();
        let (mut order, mut next, mut ladder_ix) = (Vec::new(), 0, 0);
        for item in &file.items {
            match item {
                Item::Ladder(_) => {
                    let plan = &mut ladders[ladder_ix];
                    for s in &expanded[ladder_ix] {
                        plan.steps.push((s, next));
                        next += 1;
                    }
                    self.declare_ladder_steps(plan, bases[ladder_ix].map(|b| &expanded[b]));
                    order.push(Ok(ladder_ix));
                    ladder_ix += 1;
                }
                Item::Rule(r) => {
                    self.steps.declare(
                        &r.step.id,
                        next,
                        "step or rule",
                        Code::DuplicateStep,
                        &mut self.errs,
                    );
                    order.push(Err((r, next)));
                    next += 1;
                }
                _ => {}
            }
        }
        Layout {
            ladders,
            order,
            precedence_of: HashMap::new(),
        }
    }

    /// Checks the `precedence` declarations (known ladders of one family,
    /// each listed once) and records them in `layout`: each ladder's
    /// `yields_to` and the declaration that orders it.
    pub fn precedences(&mut self, file: &ast::File, layout: &mut Layout<'a>) {
        let mut listed: HashMap<usize, Span> = HashMap::new();
        let declarations = file.items.iter().filter_map(|i| match i {
            Item::Precedence(p) => Some(p),
            _ => None,
        });
        for (n, p) in declarations.enumerate() {
            let mut ok: Vec<usize> = Vec::new();
            let mut family: Option<(usize, &ast::Ident)> = None;
            for id in &p.ladders {
                let Some(l) = self.names.ladder(id, &mut self.errs) else {
                    continue;
                };
                if let Some(first) = listed.get(&l) {
                    let again = p.span.start <= first.start && first.end <= p.span.end;
                    self.errs.push(listed_twice(id, *first, again));
                    continue;
                }
                match (family_root(layout, l), family) {
                    // A broken `extends` is reported already.
                    (None, _) => {}
                    (Some(root), None) => family = Some((root, id)),
                    (Some(root), Some((first_root, first))) if root != first_root => {
                        let of = |r: usize| layout.ladders[r].ast.id.node.as_str();
                        self.errs
                            .push(across_families(first, of(first_root), id, of(root)));
                        continue;
                    }
                    (Some(_), Some(_)) => {}
                }
                listed.insert(l, id.span);
                ok.push(l);
            }
            for (k, &l) in ok.iter().enumerate() {
                layout.ladders[l].yields_to = ok[..k].to_vec();
                layout.precedence_of.insert(l, n);
            }
        }
    }

    /// Resolves each ladder's `extends`, reporting unknown ladders and
    /// cycles (a ladder in a cycle is treated as extending nothing).
    fn bases(&mut self, asts: &[&ast::Ladder]) -> Vec<Option<usize>> {
        let mut bases: Vec<Option<usize>> = asts
            .iter()
            .map(|l| {
                l.extends
                    .as_ref()
                    .and_then(|b| self.names.ladder(b, &mut self.errs))
            })
            .collect();
        let mut in_cycle = vec![false; asts.len()];
        for i in 0..asts.len() {
            let mut path = vec![i];
            let mut j = bases[i];
            while let Some(k) = j {
                if k == i {
                    for p in &path {
                        in_cycle[*p] = true;
                    }
                    if path.iter().all(|p| *p >= i) {
                        self.errs.push(cycle_error(asts, &path));
                    }
                    break;
                }
                if path.contains(&k) || path.len() > asts.len() {
                    break;
                }
                path.push(k);
                j = bases[k];
            }
        }
        for (i, c) in in_cycle.iter().enumerate() {
            if *c {
                bases[i] = None;
            }
        }
        bases
    }

    /// Declares a ladder's own step IDs; a variant's steps that replace a
    /// base step are not new declarations.
    fn declare_ladder_steps(&mut self, plan: &Plan<'a>, base: Option<&Vec<&'a ast::Step>>) {
        let mut overridden: Vec<&ast::Ident> = Vec::new();
        for (step, sid) in &plan.steps {
            if !plan.ast.steps.iter().any(|s| std::ptr::eq(s, *step)) {
                continue;
            }
            let replaces = base.is_some_and(|b| b.iter().any(|s| s.id.node == step.id.node));
            if replaces {
                overridden.push(&step.id);
                continue;
            }
            self.declare_step(&step.id, *sid, plan);
        }
        // A second replacement of the same base step is dropped by the
        // expansion; report it here.
        for s in &plan.ast.steps {
            let first = overridden.iter().find(|o| o.node == s.id.node);
            if let Some(first) = first
                && first.span != s.id.span
                && !plan.steps.iter().any(|(x, _)| std::ptr::eq(*x, s))
            {
                self.errs
                    .push(duplicate(Code::DuplicateStep, "step", &s.id, first.span));
            }
        }
    }

    fn declare_step(&mut self, id: &ast::Ident, sid: StepId, plan: &Plan<'a>) {
        let first = self
            .steps
            .span(&id.node)
            .filter(|f| f.start < plan.ast.span.start || f.end > plan.ast.span.end);
        let (Some(first), Some(ext)) = (first, plan.ast.extends.as_ref()) else {
            self.steps
                .declare(id, sid, "step or rule", Code::DuplicateStep, &mut self.errs);
            return;
        };
        self.errs.push(
            CheckError::new(Code::DuplicateStep, format!("duplicate step `{}`", id.node), id.span, "declared again here")
                .label(first, "first declared here")
                .help(format!(
                    "`{}` extends `{}`, which has no step `{}`: a variant replaces only its base's steps; give a new step a new ID",
                    plan.ast.id.node, ext.node, id.node
                )),
        );
    }

    /// Builds every ladder and step; `None` when any is invalid.
    pub fn build(&mut self, layout: &Layout<'a>) -> (Option<Vec<LadderDef>>, Option<Vec<StepDef>>) {
        let mut ladders = Vec::new();
        let mut steps: Vec<Option<StepDef>> = Vec::new();
        for slot in &layout.order {
            match slot {
                Ok(l) => {
                    let (def, defs) = self.ladder(*l, &layout.ladders[*l]);
                    ladders.push(def);
                    steps.extend(defs);
                }
                Err((rule, _)) => {
                    let selector = self.selector(rule.selector.as_ref());
                    let ctx = StepCtx {
                        ladder: None,
                        counts: None,
                        counts_declared: false,
                        scope: None,
                        selector,
                        rule: Some(rule),
                    };
                    steps.push(self.step(&rule.step, &ctx));
                }
            }
        }
        let ladders: Option<Vec<LadderDef>> = ladders.into_iter().collect();
        (ladders, steps.into_iter().collect())
    }

    fn ladder(
        &mut self,
        index: usize,
        plan: &Plan<'a>,
    ) -> (Option<LadderDef>, Vec<Option<StepDef>>) {
        let l = plan.ast;
        let selector = self.selector(l.selector.as_ref());
        let scope = self.scope(plan.scope);
        let counts = plan
            .counts
            .and_then(|m| self.measure(m, &scope).map(|id| (id, m)));
        self.check_threshold_order(l, plan.counts);
        let ctx = StepCtx {
            ladder: Some(index),
            counts,
            counts_declared: plan.counts.is_some(),
            scope: plan.scope,
            selector,
            rule: None,
        };
        let defs: Vec<Option<StepDef>> =
            plan.steps.iter().map(|(s, _)| self.step(s, &ctx)).collect();
        let ok = plan.counts.is_none() || counts.is_some();
        let def = ok.then(|| LadderDef {
            id: l.id.node.clone(),
            title: l
                .title
                .as_ref()
                .map_or_else(|| l.id.node.clone(), |t| t.node.clone()),
            counts: counts.map(|c| c.0),
            selector,
            steps: plan.steps.iter().map(|s| s.1).collect(),
            yields_to: plan.yields_to.clone(),
            span: l.span,
        });
        (def, defs)
    }

    fn selector(&mut self, s: Option<&ast::Selector>) -> Option<SelectorDef> {
        let s = s?;
        let group = self.names.group(&s.group, &mut self.errs)?;
        Some(SelectorDef {
            except: s.except,
            group,
        })
    }

    /// Resolves a scope (`None`: the school year).
    fn scope(&mut self, s: Option<&Spanned<Scope>>) -> ScopeCtx {
        let def = match s.map(|s| &s.node) {
            None | Some(Scope::SchoolYear) => ScopeDef::SchoolYear,
            Some(Scope::Month) => ScopeDef::Month,
            Some(Scope::SchoolWeek) => ScopeDef::SchoolWeek,
            Some(Scope::Term(id)) => self.term(id),
            Some(Scope::SinceLast(id)) => self.since_last(id),
        };
        ScopeCtx {
            def,
            span: s.map(|s| s.span),
        }
    }

    fn term(&mut self, id: &ast::Ident) -> ScopeDef {
        let Some(cal) = self.calendar else {
            return ScopeDef::SchoolYear;
        };
        if let Some(i) = cal.terms.iter().position(|t| t.id == id.node) {
            return ScopeDef::Term(i);
        }
        let known: Vec<&str> = cal.terms.iter().map(|t| t.id.as_str()).collect();
        self.errs.push(super::resolve::unknown(
            Code::UnknownTerm,
            "term",
            "terms",
            id,
            &known,
        ));
        ScopeDef::SchoolYear
    }

    fn since_last(&mut self, id: &ast::Ident) -> ScopeDef {
        if let Some(s) = self.steps.get(&id.node) {
            return ScopeDef::SinceStep(s);
        }
        if let Some(tag) = ActionKindTag::from_name(&id.node) {
            return ScopeDef::SinceActionKind(tag);
        }
        let mut known = self.steps.names();
        known.extend(ActionKindTag::names());
        self.errs.push(
            CheckError::new(
                Code::UnknownStep,
                format!("unknown step or action kind `{}`", id.node),
                id.span,
                "no step, rule or action kind of this name",
            )
            .help(unknown_help(
                "steps, rules and action kinds",
                &id.node,
                &known,
            )),
        );
        ScopeDef::SchoolYear
    }

    fn step(&mut self, s: &ast::Step, ctx: &StepCtx<'a>) -> Option<StepDef> {
        let scope = self.scope(s.scope.as_ref().or(ctx.scope));
        if s.scope.is_some()
            && let Some(w) = ctx.counts.and_then(|c| c.1.window.as_ref())
        {
            self.check_window_fits(w, &scope);
        }
        let trigger = self.trigger(&s.trigger, ctx, &scope);
        self.errs.extend(repeat_on_repeating_trigger(s));
        let throttle = s.throttle.as_ref().map(|t| {
            if t.amount.node == 0 {
                self.errs.push(
                    CheckError::new(
                        Code::ZeroAmount,
                        "a throttle of 0 days",
                        t.amount.span,
                        "must be at least 1",
                    )
                    .help("give a positive number of days, or remove `at most once per …`"),
                );
            }
            self.errs
                .extend(super::error::too_long(&t.amount, "a throttle"));
            (t.amount.node, t.unit.node)
        });
        let what = if ctx.rule.is_some_and(|r| r.law) {
            "law"
        } else if ctx.rule.is_some() {
            "rule"
        } else {
            "step"
        };
        let actions = self.actions(s, what);
        Some(StepDef {
            id: s.id.node.clone(),
            title: s
                .title
                .as_ref()
                .map_or_else(|| s.id.node.clone(), |t| t.node.clone()),
            ladder: ctx.ladder,
            law: ctx.rule.is_some_and(|r| r.law),
            source: ctx
                .rule
                .and_then(|r| r.source.as_ref())
                .map(|t| t.node.clone()),
            selector: ctx.selector,
            trigger: trigger?,
            scope: scope.def,
            repeat: s.repeat.is_some(),
            throttle,
            actions: actions?,
            span: s.span,
        })
    }

    fn trigger(&mut self, t: &Trigger, ctx: &StepCtx<'a>, scope: &ScopeCtx) -> Option<TriggerDef> {
        let (thresholds, extra) = match t {
            Trigger::When(c) => return self.cond(c, scope).map(TriggerDef::When),
            Trigger::On(id) => {
                let kind = self.names.kind(id, &mut self.errs)?;
                return Some(TriggerDef::PerRegistration {
                    kind,
                    filter: Default::default(),
                });
            }
            Trigger::EveryRegistration(span) => {
                let (m, _) = self.counted(ctx, *span, "`every registration`")?;
                let def = self.measures.get(m)?;
                return Some(TriggerDef::PerRegistration {
                    kind: def.kind,
                    filter: def.filter.clone(),
                });
            }
            Trigger::At { threshold, extra } => (
                self.whole(threshold, ctx).map(Thresholds::At),
                extra.as_ref().map(|(j, c)| (j.node, c)),
            ),
            Trigger::EveryFrom { from, when } => (
                self.whole(from, ctx).map(Thresholds::EveryFrom),
                when_extra(when),
            ),
            Trigger::EveryNth { step, from, when } => {
                (self.every_nth(step, from, ctx), when_extra(when))
            }
            Trigger::Each { from, to, when } => (self.each(from, to, ctx), when_extra(when)),
        };
        let extra = extra.map(|(j, c)| (j, self.cond(c, scope)));
        let counted = self.counted(ctx, threshold_span(t), "a threshold");
        let extra = match extra {
            Some((j, Some(c))) => Some((j, c)),
            Some((_, None)) => return None,
            None => None,
        };
        Some(TriggerDef::Threshold {
            measure: counted?.0,
            thresholds: thresholds?,
            extra,
        })
    }

    /// The ladder's counted measure, or an error at `span`.
    fn counted(
        &mut self,
        ctx: &StepCtx<'a>,
        span: Span,
        what: &str,
    ) -> Option<(MeasureId, &'a ast::Measure)> {
        if ctx.counts.is_some() {
            return ctx.counts;
        }
        if ctx.counts_declared {
            // The `counts` measure is invalid and already reported.
            return None;
        }
        // INVARIANT: only ladder steps get here; the grammar gives rules and
        // laws no threshold triggers (only `when` and `on`).
        self.errs.push(
            CheckError::new(
                Code::ThresholdWithoutCounts,
                format!("{what} needs a ladder that `counts` something"),
                span,
                "nothing is counted",
            )
            .help("add `counts KIND` (or e.g. `counts lesson_hours(KIND)`) to the ladder"),
        );
        None
    }

    /// A threshold: whole for every measure but `clock_hours` and `share`.
    fn whole(&mut self, n: &Spanned<ast::Number>, ctx: &StepCtx<'a>) -> Option<ast::Number> {
        if n.node.hundredths <= 0 {
            // A count of 0 is reached before anything happened: `at 0` would
            // fire for every student at their first registration.
            self.errs.push(
                CheckError::new(
                    Code::ZeroAmount,
                    format!(
                        "threshold `{}` is reached before anything is counted",
                        number_str(n.node)
                    ),
                    n.span,
                    "must be at least 1",
                )
                .help("thresholds count from 1: `at 1` fires at the first registration"),
            );
            return None;
        }
        let unit = match ctx.counts.map(|c| c.1.func.node) {
            Some(MeasureFn::Count) => "registrations",
            Some(MeasureFn::LessonHours) => "lesson hours",
            Some(MeasureFn::Days | MeasureFn::Streak | MeasureFn::FullDayStreak) => "school days",
            Some(MeasureFn::Episodes) => "episodes",
            Some(MeasureFn::ClockHours | MeasureFn::Share) | None => return Some(n.node),
        };
        if n.is_whole() {
            return Some(n.node);
        }
        self.errs.push(
            CheckError::new(
                Code::FractionalThreshold,
                format!(
                    "threshold `{}` is not a whole number of {unit}",
                    number_str(n.node)
                ),
                n.span,
                "not whole",
            )
            .help(format!("{unit} are counted whole: use a whole number")),
        );
        None
    }

    fn every_nth(
        &mut self,
        k: &Spanned<u32>,
        from: &Spanned<ast::Number>,
        ctx: &StepCtx<'a>,
    ) -> Option<Thresholds> {
        let from = self.whole(from, ctx);
        if k.node == 0 {
            self.errs.push(
                CheckError::new(
                    Code::ZeroAmount,
                    "`every 0th` never advances",
                    k.span,
                    "must be at least 1",
                )
                .help("write `every from N` to fire at every count, or `every 2nd from N`"),
            );
            return None;
        }
        Some(Thresholds::EveryNth {
            from: from?,
            step: k.node,
        })
    }

    fn each(
        &mut self,
        from: &Spanned<ast::Number>,
        to: &Spanned<ast::Number>,
        ctx: &StepCtx<'a>,
    ) -> Option<Thresholds> {
        let (a, b) = (self.whole(from, ctx)?, self.whole(to, ctx)?);
        if b.hundredths < a.hundredths {
            let (x, y) = (number_str(a), number_str(b));
            self.errs.push(
                CheckError::new(
                    Code::RangeReversed,
                    format!("range `{x} .. {y}` ends before it starts"),
                    from.span.join(to.span),
                    "end is before start",
                )
                .help(format!("write the lower count first: `each {y} .. {x}`")),
            );
            return None;
        }
        Some(Thresholds::Each { from: a, to: b })
    }

    /// Threshold steps of a ladder (its own, as written) rise strictly.
    fn check_threshold_order(&mut self, l: &ast::Ladder, counts: Option<&ast::Measure>) {
        if counts.is_none() {
            return;
        }
        let mut seen: Vec<(i64, Span)> = Vec::new();
        for s in &l.steps {
            let Some(n) = first_threshold(&s.trigger) else {
                continue;
            };
            let shown = number_str(n.node);
            if let Some((_, span)) = seen.iter().find(|(v, _)| *v == n.hundredths) {
                self.errs.push(
                    CheckError::new(
                        Code::ThresholdRepeated,
                        format!("two steps at threshold `{shown}`"),
                        n.span,
                        "repeated here",
                    )
                    .label(*span, "first at this threshold")
                    .help("merge the two steps, or give one of them another threshold"),
                );
            } else if let Some((v, span)) = seen
                .iter()
                .filter(|(v, _)| *v > n.hundredths)
                .max_by_key(|(v, _)| *v)
            {
                let prev = number_str(ast::Number { hundredths: *v });
                self.errs.push(
                    CheckError::new(
                        Code::ThresholdOrder,
                        format!("threshold `{shown}` comes after `{prev}`"),
                        n.span,
                        "lower than a step above it",
                    )
                    .label(*span, "higher threshold earlier")
                    .help("order a ladder's threshold steps from low to high"),
                );
            }
            seen.push((n.hundredths, n.span));
        }
    }

    /// Variants of one ladder (and the base) need selectors that exclude
    /// each other. Groups may overlap, so the only pair known to be
    /// disjoint is `for G` with `except G`: any other pair in one family is
    /// an error (a student might follow both ladders), unless a
    /// `precedence` lists both.
    pub fn check_variants(&mut self, layout: &Layout<'a>) {
        let root = |mut i: usize| {
            while let Some(b) = layout.ladders[i].base {
                i = b;
            }
            i
        };
        let n = layout.ladders.len();
        let roots: Vec<usize> = (0..n).map(root).collect();
        let mut reported: HashSet<usize> = HashSet::new();
        for j in 0..n {
            for i in 0..j {
                let (a, b) = (layout.ladders[i].ast, layout.ladders[j].ast);
                if roots[i] != roots[j]
                    || disjoint(a.selector.as_ref(), b.selector.as_ref())
                    || ordered(layout, i, j)
                    || !reported.insert(j)
                {
                    continue;
                }
                let at = |l: &ast::Ladder| l.selector.as_ref().map_or(l.id.span, |s| s.span);
                self.errs.push(
                    CheckError::new(
                        Code::OverlappingVariants,
                        format!(
                            "a student can follow both `{}` and `{}`",
                            a.id.node, b.id.node
                        ),
                        at(b),
                        format!("selects students for `{}`", b.id.node),
                    )
                    .label(at(a), format!("selects students for `{}`", a.id.node))
                    .help(overlap_help(layout, i, j)),
                );
            }
        }
    }
}

/// `repeat` or `at most once per …` on a trigger that fires at every count
/// or registration (`every from`, `every Kth from`, `each`, `every
/// registration`, `on`): there they could never have an effect.
fn repeat_on_repeating_trigger(s: &ast::Step) -> Option<CheckError> {
    let (counts, registrations) = ("each of its counts", "every registration");
    let (form, at, fires) = match &s.trigger {
        Trigger::EveryFrom { from, .. } => ("every from", from.span, counts),
        Trigger::EveryNth { step, from, .. } => {
            ("every Kth from", step.span.join(from.span), counts)
        }
        Trigger::Each { from, to, .. } => ("each", from.span.join(to.span), counts),
        Trigger::EveryRegistration(span) => ("every registration", *span, registrations),
        Trigger::On(kind) => ("on", kind.span, registrations),
        Trigger::At { .. } | Trigger::When(_) => return None,
    };
    let throttle = s.throttle.as_ref().map(|t| t.span);
    let (clauses, verb, remove) = match (s.repeat, throttle) {
        (None, None) => return None,
        (Some(_), None) => ("`repeat`", "has", "`repeat`"),
        (None, Some(_)) => ("`at most once per …`", "has", "`at most once per …`"),
        (Some(_), Some(_)) => ("`repeat` and `at most once per …`", "have", "both"),
    };
    let mut spans = s.repeat.into_iter().chain(throttle);
    let mut err = CheckError::new(
        Code::RepeatOnRepeatingTrigger,
        format!("{clauses} {verb} no effect on `{form}`"),
        spans.next()?,
        "no effect here",
    );
    for span in spans {
        err = err.label(span, "no effect here");
    }
    Some(err.label(at, format!("fires at {fires}")).help(format!(
        "`{form}` already fires at {fires}; `repeat` and `at most once per …` apply to `when` conditions and `at N`: remove {remove}"
    )))
}

/// True when ladders `i` and `j` are listed in one `precedence`.
fn ordered(layout: &Layout<'_>, i: usize, j: usize) -> bool {
    let of = |l| layout.precedence_of.get(&l);
    of(i).is_some_and(|p| of(j) == Some(p))
}

/// The help for overlapping ladders `i` and `j` (declared in that order):
/// a `precedence` for the two, or where to add one of them.
fn overlap_help(layout: &Layout<'_>, i: usize, j: usize) -> String {
    let name = |l: usize| layout.ladders[l].ast.id.node.as_str();
    let of = |l| layout.precedence_of.get(&l);
    let fix = match (of(i), of(j)) {
        (None, None) => format!(
            "say which one a student in both follows, like `precedence {}, {}`",
            name(j),
            name(i)
        ),
        (Some(_), None) => format!(
            "add `{}` to the `precedence` that lists `{}`",
            name(j),
            name(i)
        ),
        (None, Some(_)) => format!(
            "add `{}` to the `precedence` that lists `{}`",
            name(i),
            name(j)
        ),
        (Some(_), Some(_)) => format!(
            "merge the precedences of `{}` and `{}` into one",
            name(i),
            name(j)
        ),
    };
    format!(
        "variants of one ladder must not share students: give one `for G` and the other `except G`, or {fix}"
    )
}

/// The base at the root of ladder `l`'s family; `None` when an `extends`
/// on the way names no ladder or is part of a cycle (reported elsewhere).
fn family_root(layout: &Layout<'_>, mut l: usize) -> Option<usize> {
    loop {
        let plan = &layout.ladders[l];
        match (plan.base, &plan.ast.extends) {
            (Some(b), _) => l = b,
            (None, None) => return Some(l),
            (None, Some(_)) => return None,
        }
    }
}

/// A ladder listed a second time, in the same `precedence` (`again`) or in
/// another.
fn listed_twice(id: &ast::Ident, first: Span, again: bool) -> CheckError {
    let (message, help) = if again {
        (
            format!("ladder `{}` is listed twice in this precedence", id.node),
            "a ladder has one place in its precedence: remove one".to_string(),
        )
    } else {
        (
            format!("ladder `{}` is in two precedences", id.node),
            "a ladder has one place in its family's precedence: merge the two into one `precedence`"
                .to_string(),
        )
    };
    CheckError::new(Code::DuplicateEntry, message, id.span, "listed again here")
        .label(first, "first listed here")
        .help(help)
}

/// Ladder `id` (of the family of `root`) in a precedence that started with
/// `first` (of the family of `first_root`).
fn across_families(
    first: &ast::Ident,
    first_root: &str,
    id: &ast::Ident,
    root: &str,
) -> CheckError {
    let family = |r: &str| format!("a ladder of `{r}`'s family");
    CheckError::new(
        Code::PrecedenceAcrossFamilies,
        format!("`{}` and `{}` are not variants of one ladder", first.node, id.node),
        id.span,
        family(root),
    )
    .label(first.span, family(first_root))
    .help(format!(
        "a precedence orders a ladder and its variants (`extends`); ladders of different families are followed side by side: remove `{}` here",
        id.node
    ))
}

/// `for G` with `except G` (either way round).
fn disjoint(a: Option<&ast::Selector>, b: Option<&ast::Selector>) -> bool {
    matches!((a, b), (Some(a), Some(b)) if a.except != b.except && a.group.node == b.group.node)
}

fn when_extra(when: &Option<ast::Cond>) -> Option<(Junction, &ast::Cond)> {
    when.as_ref().map(|c| (Junction::When, c))
}

fn first_threshold(t: &Trigger) -> Option<&Spanned<ast::Number>> {
    match t {
        Trigger::At { threshold, .. } => Some(threshold),
        Trigger::EveryFrom { from, .. }
        | Trigger::EveryNth { from, .. }
        | Trigger::Each { from, .. } => Some(from),
        _ => None,
    }
}

fn threshold_span(t: &Trigger) -> Span {
    first_threshold(t).map(|n| n.span).unwrap_or_default()
}

/// A plan per ladder, with counts and scope inherited along `extends`
/// (bases are acyclic); steps are filled in by `layout`.
fn plans<'a>(asts: &[&'a ast::Ladder], bases: &[Option<usize>]) -> Vec<Plan<'a>> {
    let mut out = Vec::new();
    for (i, l) in asts.iter().enumerate() {
        let mut plan = Plan {
            ast: l,
            base: bases[i],
            counts: None,
            scope: None,
            steps: Vec::new(),
            yields_to: Vec::new(),
        };
        let mut j = Some(i);
        while let Some(k) = j {
            plan.counts = plan.counts.or(asts[k].counts.as_ref());
            plan.scope = plan.scope.or(asts[k].scope.as_ref());
            j = bases[k];
        }
        out.push(plan);
    }
    out
}

/// The expanded steps of ladder `i` (bases are acyclic).
fn expand<'a>(asts: &[&'a ast::Ladder], bases: &[Option<usize>], i: usize) -> Vec<&'a ast::Step> {
    let own = &asts[i].steps;
    let Some(b) = bases[i] else {
        return own.iter().collect();
    };
    let base = expand(asts, bases, b);
    let mut out: Vec<&ast::Step> = base
        .iter()
        .map(|s| own.iter().find(|o| o.id.node == s.id.node).unwrap_or(s))
        .collect();
    out.extend(
        own.iter()
            .filter(|o| !base.iter().any(|s| s.id.node == o.id.node)),
    );
    out
}

fn cycle_error(asts: &[&ast::Ladder], path: &[usize]) -> CheckError {
    let l = asts[path[0]];
    let span = l.extends.as_ref().map_or(l.id.span, |e| e.span);
    let msg = if path.len() == 1 {
        format!("ladder `{}` extends itself", l.id.node)
    } else {
        let others: Vec<String> = path[1..]
            .iter()
            .map(|p| format!("`{}`", asts[*p].id.node))
            .collect();
        format!(
            "ladder `{}` extends itself through {}",
            l.id.node,
            others.join(", ")
        )
    };
    CheckError::new(Code::ExtendsCycle, msg, span, "cycle starts here").help(
        "a ladder cannot extend itself, directly or through its variants: remove one `extends`",
    )
}
