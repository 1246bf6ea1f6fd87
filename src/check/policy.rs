//! Checks a policy file's declarations and assembles the [`Policy`]: the
//! [`Checker`] carries the name tables, the collected diagnostics and the
//! measures while the other `check` modules add their parts.

use super::error::{CheckError, Code};
use super::resolve::{Names, Table};
use crate::calendar::Calendar;
use crate::model::{
    AttrCondDef, ExemptionDef, GroupDef, MeasureDef, Policy, ReclassifyDef, StepId,
};
use crate::syntax::ast::{self, Attr, AttrValue, CmpOp, ExemptTarget, Item, PolicyHeader};

/// The state of checking one policy.
pub(super) struct Checker<'a> {
    /// Declared names.
    pub names: Names,
    /// Step and rule IDs → the step they name.
    pub steps: Table,
    /// Errors so far.
    pub errs: Vec<CheckError>,
    /// Warnings so far.
    pub warnings: Vec<CheckError>,
    /// The policy's calendar, when it is valid.
    pub calendar: Option<&'a Calendar>,
    /// Distinct measures so far.
    pub measures: Vec<MeasureDef>,
    /// Per role: used by some action.
    pub role_used: Vec<bool>,
    /// `(from, to)` kind pairs of the reclassifications.
    pub reclassified: Vec<(usize, usize)>,
}

/// The result of checking a policy file's contents.
pub(super) struct PolicyOutcome {
    /// The policy, when there are no errors.
    pub policy: Option<Policy>,
    /// Errors, in the policy file.
    pub errors: Vec<CheckError>,
    /// Warnings, in the policy file.
    pub warnings: Vec<CheckError>,
}

/// Checks everything in `file` but the calendar, which the caller checked
/// (`calendar` is `None` when it is missing or invalid).
pub(super) fn check_policy(
    file: &ast::File,
    header: &PolicyHeader,
    calendar: Option<&Calendar>,
) -> PolicyOutcome {
    let mut c = Checker::new(file, calendar);
    let groups = c.groups(file);
    let mut layout = c.layout(file);
    c.precedences(file, &mut layout);
    let reclassifications = c.reclassifications(file);
    let exemptions = c.exemptions(file);
    let (ladders, steps) = c.build(&layout);
    c.check_variants(&layout);
    c.warn(file);
    let policy = match (calendar, ladders, steps, reclassifications, exemptions) {
        (Some(cal), Some(ladders), Some(steps), Some(reclassifications), Some(exemptions))
            if c.errs.is_empty() =>
        {
            Some(Policy {
                name: header.name.node.clone(),
                school: header.school.node.clone(),
                school_year: header.school_year.node,
                calendar: cal.clone(),
                roles: c.names.role_defs.clone(),
                kinds: c.names.kind_defs.clone(),
                codes: c
                    .names
                    .codes
                    .iter()
                    .map(|(k, (m, _))| (k.clone(), m.clone()))
                    .collect(),
                groups,
                reclassifications,
                exemptions,
                ladders,
                steps,
                measures: c.measures.clone(),
            })
        }
        _ => None,
    };
    PolicyOutcome {
        policy,
        errors: c.errs,
        warnings: c.warnings,
    }
}

impl<'a> Checker<'a> {
    /// Declares the names of `file`.
    fn new(file: &ast::File, calendar: Option<&'a Calendar>) -> Checker<'a> {
        let mut errs = Vec::new();
        let names = Names::declare(file, &mut errs);
        let mut c = Checker {
            role_used: vec![false; names.role_defs.len()],
            names,
            steps: Table::default(),
            errs,
            warnings: Vec::new(),
            calendar,
            measures: Vec::new(),
            reclassified: Vec::new(),
        };
        c.prepare_reclassified(file);
        c
    }

    /// Resolves a role use and marks it used.
    pub fn role(&mut self, id: &ast::Ident) -> Option<usize> {
        let r = self.names.role(id, &mut self.errs)?;
        if let Some(u) = self.role_used.get_mut(r) {
            *u = true;
        }
        Some(r)
    }

    /// Resolves a step or rule ID.
    pub fn step_ref(&mut self, id: &ast::Ident) -> Option<StepId> {
        let code = Code::UnknownStep;
        self.steps
            .resolve(id, "step or rule", "steps and rules", code, &mut self.errs)
    }

    /// Notes which kinds reclassify into which, for code filters (names
    /// only; `reclassifications` reports the errors).
    fn prepare_reclassified(&mut self, file: &ast::File) {
        for item in &file.items {
            if let Item::Reclassify(r) = item
                && let (Some(f), Some(t)) = (
                    self.names.kinds.get(&r.from.node),
                    self.names.kinds.get(&r.to.node),
                )
            {
                self.reclassified.push((f, t));
            }
        }
    }

    fn groups(&mut self, file: &ast::File) -> Vec<GroupDef> {
        let mut out = Vec::new();
        for item in &file.items {
            if let Item::Group(g) = item {
                let conditions = g
                    .conditions
                    .iter()
                    .filter_map(|c| self.attr_cond(c))
                    .collect();
                out.push(GroupDef {
                    id: g.id.node.clone(),
                    name: g.name.node.clone(),
                    conditions,
                });
            }
        }
        out
    }

    /// `age` takes whole numbers with any operator; `grade`, `location`
    /// and `class` take text with `=` / `in` only.
    fn attr_cond(&mut self, c: &ast::AttrCond) -> Option<AttrCondDef> {
        let numeric = c.attr.node == Attr::Age;
        let name = attr_name(c.attr.node);
        if !numeric && c.op.node != CmpOp::Eq {
            self.errs.push(
                CheckError::new(
                    Code::AttrType,
                    format!("`{name}` is text and cannot be ordered"),
                    c.op.span,
                    "only `=` or `in` compare text",
                )
                .help(format!(
                    "list the values instead, e.g. `{name} in \"4\", \"5\"`"
                )),
            );
        }
        let (numbers, texts) = self.attr_values(c, numeric)?;
        Some(AttrCondDef {
            attr: c.attr.node,
            op: c.op.node,
            numbers,
            texts,
        })
    }

    /// The values of an attribute condition, split by type; `None` (after
    /// reporting) when one has the wrong type.
    fn attr_values(&mut self, c: &ast::AttrCond, numeric: bool) -> Option<(Vec<u32>, Vec<String>)> {
        let name = attr_name(c.attr.node);
        let (mut numbers, mut texts, mut ok) = (Vec::new(), Vec::new(), true);
        for v in &c.values {
            match (&v.node, numeric) {
                (AttrValue::Number(n), true) => numbers.push(*n),
                (AttrValue::Text(t), false) => texts.push(t.clone()),
                (AttrValue::Text(t), true) => {
                    ok = false;
                    self.errs.push(
                        CheckError::new(
                            Code::AttrType,
                            "`age` is a number of years",
                            v.span,
                            "text",
                        )
                        .help(format!(
                            "write a whole number without quotes, not `\"{t}\"`"
                        )),
                    );
                }
                (AttrValue::Number(n), false) => {
                    ok = false;
                    self.errs.push(
                        CheckError::new(
                            Code::AttrType,
                            format!("`{name}` is text"),
                            v.span,
                            "a number",
                        )
                        .help(format!("write it in quotes: `\"{n}\"`")),
                    );
                }
            }
        }
        ok.then_some((numbers, texts))
    }

    fn reclassifications(&mut self, file: &ast::File) -> Option<Vec<ReclassifyDef>> {
        let mut out = Some(Vec::new());
        for item in &file.items {
            let Item::Reclassify(r) = item else { continue };
            let from = self.names.kind(&r.from, &mut self.errs);
            let to = self.names.kind(&r.to, &mut self.errs);
            let filter = self.filter(&r.filter, from);
            if from.is_some() && from == to {
                self.errs.push(
                    CheckError::new(
                        Code::ReclassifyToSelf,
                        format!("`{}` is reclassified as itself", r.from.node),
                        r.to.span,
                        "same kind",
                    )
                    .label(r.from.span, "reclassified from here")
                    .help("reclassify into another kind, or remove this line"),
                );
                out = None;
            }
            let def = match (from, to, filter) {
                (Some(from), Some(to), Some(filter)) => Some(ReclassifyDef {
                    from,
                    filter,
                    to,
                    mode: r.mode.node,
                }),
                _ => None,
            };
            match (&mut out, def) {
                (Some(v), Some(d)) => v.push(d),
                _ => out = None,
            }
        }
        out
    }

    fn exemptions(&mut self, file: &ast::File) -> Option<Vec<ExemptionDef>> {
        let mut out = Some(Vec::new());
        for item in &file.items {
            let Item::Exemption(e) = item else { continue };
            let before = self.errs.len();
            let (mut kinds, mut ladders) = (Vec::new(), Vec::new());
            for t in &e.excludes {
                match t {
                    ExemptTarget::Kind(k) => kinds.extend(self.names.kind(k, &mut self.errs)),
                    ExemptTarget::Ladder(l) => ladders.extend(self.names.ladder(l, &mut self.errs)),
                }
            }
            let from_signal = e
                .from_signal
                .as_ref()
                .and_then(|s| self.names.signal(s, &mut self.errs));
            let until_signal = e
                .until_signal
                .as_ref()
                .and_then(|s| self.names.signal(s, &mut self.errs));
            if self.errs.len() != before {
                out = None;
            }
            if let Some(v) = &mut out {
                v.push(ExemptionDef {
                    id: e.id.node.clone(),
                    name: e.name.node.clone(),
                    kinds,
                    ladders,
                    from_signal,
                    until_signal,
                });
            }
        }
        out
    }

    /// Warnings: roles never used; event kinds without codes.
    fn warn(&mut self, file: &ast::File) {
        for item in &file.items {
            if let Item::Role(r) = item
                && let Some(i) = self.names.roles.get(&r.id.node)
                && self.names.roles.span(&r.id.node) == Some(r.id.span)
                && !self.role_used.get(i).copied().unwrap_or(true)
            {
                self.warnings.push(
                    CheckError::new(
                        Code::UnusedRole,
                        format!("role `{}` is never used", r.id.node),
                        r.id.span,
                        "declared here",
                    )
                    .help("use it in an action, or remove the declaration"),
                );
            }
            if let Item::Event(e) = item
                && e.codes.is_empty()
            {
                self.warnings.push(
                    CheckError::new(Code::KindWithoutCodes, format!("event kind `{}` has no codes", e.id.node), e.id.span, "no codes")
                        .help("list the school's codes for it, e.g. `codes \"L\"`; rows can still give the kind by name"),
                );
            }
        }
    }
}

/// An attribute as written.
fn attr_name(a: Attr) -> &'static str {
    match a {
        Attr::Age => "age",
        Attr::Grade => "grade",
        Attr::Location => "location",
        Attr::Class => "class",
    }
}
