//! Actions: resolves roles, labels and `after` ordering within a step, and
//! checks the structured action kinds' arguments.

use super::error::{CheckError, Code, unknown_help};
use super::policy::Checker;
use crate::model::{ActionDef, ActionKindDef, RoleId};
use crate::span::Span;
use crate::syntax::ast::{self, ActionKind};

impl Checker<'_> {
    /// Checks the actions of step `s` (`what`: "step", "rule" or "law");
    /// `None` when any is invalid.
    pub fn actions(&mut self, s: &ast::Step, what: &str) -> Option<Vec<ActionDef>> {
        if s.actions.is_empty() {
            self.errs.push(
                CheckError::new(
                    Code::NoActions,
                    format!("{what} `{}` has no actions", s.id.node),
                    s.id.span,
                    "nothing to do",
                )
                .help(
                    "add at least one action line, e.g. `vc: \"Neemt contact op met de ouders\"`",
                ),
            );
            return None;
        }
        let labels = self.labels(s);
        let before = self.errs.len();
        let defs: Vec<Option<ActionDef>> = s
            .actions
            .iter()
            .enumerate()
            .map(|(i, a)| self.action(i, a, &labels))
            .collect();
        let defs: Option<Vec<ActionDef>> = defs.into_iter().collect();
        if let Some(d) = &defs {
            self.check_after_cycles(s, d);
        }
        if self.errs.len() != before {
            return None;
        }
        defs
    }

    /// The step's labels with their action index; reports duplicates.
    fn labels(&mut self, s: &ast::Step) -> Vec<(String, usize, Span)> {
        let mut out: Vec<(String, usize, Span)> = Vec::new();
        for (i, a) in s.actions.iter().enumerate() {
            let Some(l) = &a.label else { continue };
            if is_reserved_label(&l.node) {
                self.errs.push(reserved_label(l));
            }
            if let Some((_, _, first)) = out.iter().find(|(n, _, _)| *n == l.node) {
                self.errs.push(super::resolve::duplicate(
                    Code::DuplicateLabel,
                    "label",
                    l,
                    *first,
                ));
                continue;
            }
            out.push((l.node.clone(), i, l.span));
        }
        out
    }

    fn action(
        &mut self,
        i: usize,
        a: &ast::Action,
        labels: &[(String, usize, Span)],
    ) -> Option<ActionDef> {
        let roles = self.roles(&a.roles);
        let cc = self.roles(&a.cc);
        if let Some((n, _)) = &a.due {
            self.errs.extend(super::error::too_long(n, "a due time"));
        }
        let kind = self.action_kind(&a.kind);
        let after = match &a.after {
            None => Some(None),
            Some(l) => self.after(i, l, labels).map(Some),
        };
        Some(ActionDef {
            roles: roles?,
            roles_join: a.roles_join,
            kind: kind?,
            text: a.text.node.clone(),
            cc: cc?,
            due: a.due.map(|(n, u)| (n.node, u.node)),
            optional: a.optional.is_some(),
            label: a.label.as_ref().map(|l| l.node.clone()),
            after: after?,
            span: a.span,
        })
    }

    /// Resolves every role of a list; `None` when any is unknown.
    fn roles(&mut self, ids: &[ast::Ident]) -> Option<Vec<RoleId>> {
        let v: Vec<Option<RoleId>> = ids.iter().map(|r| self.role(r)).collect();
        v.into_iter().collect()
    }

    fn action_kind(&mut self, k: &crate::span::Spanned<ActionKind>) -> Option<ActionKindDef> {
        Some(match &k.node {
            ActionKind::Task => ActionKindDef::Task,
            ActionKind::Inform(r) => ActionKindDef::Inform(self.roles(r)?),
            ActionKind::Mail(r) => ActionKindDef::Mail(self.roles(r)?),
            ActionKind::Appointment(r) => ActionKindDef::Appointment(self.roles(r)?),
            ActionKind::DuoReport => ActionKindDef::DuoReport,
            ActionKind::Referral(r) => ActionKindDef::Referral(self.role(r)?),
            ActionKind::Sanction { at, minutes } => {
                if let Some(m) = minutes
                    && m.node == 0
                {
                    self.errs.push(
                        CheckError::new(
                            Code::ZeroAmount,
                            "a sanction of 0 minutes",
                            m.span,
                            "must be at least 1",
                        )
                        .help("give the sanction's length, e.g. `at 08:00 for 30 minutes`"),
                    );
                    return None;
                }
                ActionKindDef::Sanction {
                    at: at.map(|t| t.node),
                    minutes: minutes.map(|m| m.node),
                }
            }
            ActionKind::MakeUp(f) => {
                if f.node.hundredths <= 0 {
                    self.errs.push(
                        CheckError::new(
                            Code::ZeroAmount,
                            "make-up time of `0 x`",
                            f.span,
                            "must be more than 0",
                        )
                        .help(
                            "give a factor of the registration's lesson hours, e.g. `make_up 2 x`",
                        ),
                    );
                    return None;
                }
                ActionKindDef::MakeUp(f.node)
            }
        })
    }

    /// Resolves `after LABEL` of action `i`.
    fn after(
        &mut self,
        i: usize,
        l: &ast::Ident,
        labels: &[(String, usize, Span)],
    ) -> Option<usize> {
        match labels.iter().find(|(n, _, _)| *n == l.node) {
            Some((_, j, _)) if *j == i => {
                self.errs.push(
                    CheckError::new(
                        Code::AfterCycle,
                        format!("action is ordered after itself (`{}`)", l.node),
                        l.span,
                        "its own label",
                    )
                    .help("`after` names another action of this step, labelled with `as`"),
                );
                None
            }
            Some((_, j, _)) => Some(*j),
            None => {
                let known: Vec<&str> = labels.iter().map(|(n, _, _)| n.as_str()).collect();
                let help = if known.is_empty() {
                    "no action in this step has a label: add `as NAME` to the action this one follows".to_string()
                } else {
                    unknown_help("labels in this step", &l.node, &known)
                };
                self.errs.push(
                    CheckError::new(
                        Code::UnknownLabel,
                        format!("unknown label `{}`", l.node),
                        l.span,
                        "no action of this step has this label",
                    )
                    .help(help),
                );
                None
            }
        }
    }

    /// Reports `after` chains that loop back (each cycle once, at its
    /// first action).
    fn check_after_cycles(&mut self, s: &ast::Step, defs: &[ActionDef]) {
        for start in 0..defs.len() {
            let mut path = vec![start];
            let mut cur = defs[start].after;
            while let Some(next) = cur {
                if next == start {
                    if path.iter().all(|p| *p >= start) && path.len() > 1 {
                        self.errs.push(after_cycle(s, &path));
                    }
                    break;
                }
                if path.contains(&next) {
                    break;
                }
                path.push(next);
                cur = defs.get(next).and_then(|d| d.after);
            }
        }
    }
}

/// True for `a` followed by one or more ASCII digits (`a1`, `a10`): the
/// form an unlabelled action takes in an action's `id`
/// (`R1/S1/2022-2023/a2`), which a label must not be able to imitate.
fn is_reserved_label(label: &str) -> bool {
    label
        .strip_prefix('a')
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

fn reserved_label(l: &ast::Ident) -> CheckError {
    CheckError::new(
        Code::ReservedLabel,
        format!("`{}` cannot be a label", l.node),
        l.span,
        "reserved for unlabelled actions",
    )
    .help("`aN` names unlabelled actions in action IDs; choose another label")
}

fn after_cycle(s: &ast::Step, path: &[usize]) -> CheckError {
    let label = |i: usize| s.actions.get(i).and_then(|a| a.label.as_ref());
    let names: Vec<String> = path
        .iter()
        .filter_map(|i| label(*i).map(|l| format!("`{}`", l.node)))
        .collect();
    let at = s
        .actions
        .get(path[0])
        .and_then(|a| a.after.as_ref())
        .map_or(s.id.span, |a| a.span);
    CheckError::new(
        Code::AfterCycle,
        format!(
            "actions are ordered after each other in a cycle: {}",
            names.join(", ")
        ),
        at,
        "cycle starts here",
    )
    .help("`after` orders an action after another: one of them must come first")
}

#[cfg(test)]
mod tests {
    use super::is_reserved_label;

    #[test]
    fn only_a_followed_by_digits_is_reserved() {
        for l in ["a1", "a2", "a10", "a007"] {
            assert!(is_reserved_label(l), "{l}");
        }
        for l in ["a", "A2", "a2b", "ab2", "action2", "b2", "informed"] {
            assert!(!is_reserved_label(l), "{l}");
        }
    }
}
