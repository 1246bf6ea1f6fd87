//! One test block resolved against its policy: the registrations, roster
//! and run options to evaluate, and the expectations with every name
//! checked (steps, roles, action kinds, students) so that a typo is a test
//! error and never a silently passing `expect no …`.

use super::error::{TestCode, TestError};
use super::events::{Collector, Problems, valid_date};
use super::roster;
use crate::check::error::unknown_help;
use crate::eval::{Registrations, Roster, RunOptions};
use crate::model::{ActionKindTag, Policy};
use crate::span::{Span, Spanned};
use crate::syntax::ast::{DateLit, Number};
use crate::syntax::test_ast::{ActionExpect, ActionMatch, ExpectKind, Test, TestEntry};
use chrono::NaiveDate;
use std::collections::BTreeSet;
use std::path::Path;

/// A test ready to run.
#[derive(Debug, Clone)]
pub struct Prepared {
    /// The registrations of its events.
    pub regs: Registrations,
    /// Its roster, if it has one.
    pub roster: Option<Roster>,
    /// `as_of`.
    pub options: RunOptions,
    /// The expectations, in source order.
    pub expects: Vec<Expectation>,
}

/// One resolved `expect` line.
#[derive(Debug, Clone, PartialEq)]
pub struct Expectation {
    /// What must hold.
    pub check: Check,
    /// The `expect` line in the test file.
    pub span: Span,
}

/// What an expectation checks.
#[derive(Debug, Clone, PartialEq)]
pub enum Check {
    /// At least one matching action.
    Action(ActionCheck),
    /// No action of `step` (for `student`, or anyone).
    NoStep {
        /// The step or rule ID.
        step: String,
        /// Only this student.
        student: Option<String>,
    },
    /// Exactly `count` actions (for `student`, or in the run).
    Count {
        /// The number.
        count: u32,
        /// Only this student.
        student: Option<String>,
    },
    /// Every (student, step, date) that fired is named by an
    /// [`Check::Action`] of the same test.
    NothingElse {
        /// Only this student.
        student: Option<String>,
    },
}

/// `expect S1 2022-09-19 step L3 [for ROLE] [due DATE] [kind KIND] [make_up N]
/// [after LABEL]`.
#[derive(Debug, Clone, PartialEq)]
pub struct ActionCheck {
    /// Student ID.
    pub student: String,
    /// The day the step fired.
    pub date: NaiveDate,
    /// Step or rule ID.
    pub step: String,
    /// A role among the action's acting roles.
    pub role: Option<String>,
    /// The action's due date.
    pub due: Option<NaiveDate>,
    /// The action's kind.
    pub kind: Option<ActionKindTag>,
    /// The action's `params.lesson_hours`.
    pub make_up: Option<Number>,
    /// The label of the action this one is ordered after.
    pub after: Option<String>,
}

/// Resolves `test` against `policy`; `dir` is the test file's directory
/// (for `events from`), `line_of` maps a byte offset to its 1-based line.
pub(crate) fn prepare(
    policy: &Policy,
    test: &Test,
    dir: &Path,
    line_of: &dyn Fn(usize) -> u64,
) -> Result<Prepared, Problems> {
    let mut problems = Problems::default();
    let errors = &mut problems.errors;
    let as_of = as_of(test, errors);
    let blocks: Vec<_> = test
        .entries
        .iter()
        .filter_map(|e| match e {
            TestEntry::Roster(r) => Some(r),
            _ => None,
        })
        .collect();
    let roster = roster::build(policy, &blocks, errors);
    let events = collect_events(policy, test, dir, line_of, &mut problems);
    let mut students: BTreeSet<String> = events.students().map(str::to_string).collect();
    if let Some(r) = &roster {
        students.extend(r.students.keys().cloned());
    }
    let expects = Resolver {
        policy,
        students: &students,
        errors: &mut problems.errors,
    }
    .expectations(test);
    if !problems.errors.is_empty() || !problems.data.is_empty() {
        return Err(problems);
    }
    Ok(Prepared {
        regs: events.finish(),
        roster,
        options: RunOptions {
            as_of,
            ..RunOptions::default()
        },
        expects,
    })
}

/// The registrations of the test's `events` blocks and files.
fn collect_events(
    policy: &Policy,
    test: &Test,
    dir: &Path,
    line_of: &dyn Fn(usize) -> u64,
    problems: &mut Problems,
) -> Collector {
    let mut events = Collector::default();
    let mut files = 0;
    for entry in &test.entries {
        match entry {
            TestEntry::Events(block) => {
                for line in &block.lines {
                    let at = line_of(line.span.start);
                    events.add_line(policy, line, at, &mut problems.errors);
                }
            }
            TestEntry::EventsFrom(rel) => {
                files += 1;
                events.add_file(policy, dir, rel, files, problems);
            }
            _ => {}
        }
    }
    events
}

/// The test's `as_of`, if any (given at most once).
fn as_of(test: &Test, errors: &mut Vec<TestError>) -> Option<NaiveDate> {
    let mut found: Option<&Spanned<DateLit>> = None;
    for e in &test.entries {
        let TestEntry::AsOf(d) = e else { continue };
        match found {
            Some(first) => errors.push(
                TestError::new(
                    TestCode::Duplicate,
                    "a second `as_of`",
                    d.span,
                    "given again here",
                )
                .label(first.span, "first given here")
                .help("a test is evaluated up to one day: remove one `as_of`"),
            ),
            None => found = Some(d),
        }
    }
    found.and_then(|d| valid_date(d, errors))
}

/// Checks the names in expectations.
struct Resolver<'a> {
    policy: &'a Policy,
    students: &'a BTreeSet<String>,
    errors: &'a mut Vec<TestError>,
}

impl Resolver<'_> {
    /// Every expectation that resolves; errors for the others.
    fn expectations(&mut self, test: &Test) -> Vec<Expectation> {
        let mut out = Vec::new();
        let mut any = false;
        for e in &test.entries {
            let TestEntry::Expect(x) = e else { continue };
            any = true;
            let check = match &x.kind {
                ExpectKind::Action(a) => self.action(a).map(Check::Action),
                ExpectKind::NoStep { step, student } => self.step(step).and_then(|step| {
                    Some(Check::NoStep {
                        step,
                        student: self.opt_student(student.as_ref())?,
                    })
                }),
                ExpectKind::Count { count, student } => {
                    self.opt_student(student.as_ref())
                        .map(|student| Check::Count {
                            count: count.node,
                            student,
                        })
                }
                ExpectKind::NothingElse { student } => self
                    .opt_student(student.as_ref())
                    .map(|student| Check::NothingElse { student }),
            };
            if let Some(check) = check {
                out.push(Expectation {
                    check,
                    span: x.span,
                });
            }
        }
        if !any {
            self.errors.push(
                TestError::new(
                    TestCode::NoExpectations,
                    format!("test `{}` expects nothing", test.name.node),
                    test.name.span,
                    "no `expect` line",
                )
                .help("add what the policy must do, like `expect S1 2022-09-19 step L3`, or `expect 0 actions`"),
            );
        }
        out
    }

    /// `expect S1 DATE step X …`
    fn action(&mut self, a: &ActionExpect) -> Option<ActionCheck> {
        let student = self.student(&a.student);
        let step = self.step(&a.step);
        let date = valid_date(&a.date, self.errors);
        if let Some(d) = date
            && let Some(why) = crate::io::events::not_a_school_day(&self.policy.calendar, d)
        {
            self.errors.push(
                TestError::new(TestCode::NotASchoolDay, why, a.date.span, "no school day")
                    .help("steps fire on school days only"),
            );
        }
        let mut check = ActionCheck {
            student: student?,
            date: date?,
            step: step?,
            role: None,
            due: None,
            kind: None,
            make_up: None,
            after: None,
        };
        let mut seen: Vec<(std::mem::Discriminant<ActionMatch>, Span)> = Vec::new();
        for m in &a.matchers {
            let at = matcher_span(m);
            if let Some((_, first)) = seen.iter().find(|(d, _)| *d == std::mem::discriminant(m)) {
                self.errors.push(
                    TestError::new(
                        TestCode::Duplicate,
                        "the same condition twice in one expectation",
                        at,
                        "given again here",
                    )
                    .label(*first, "first given here")
                    .help("one action matches one role, due date, kind, make-up time and label it follows: write a second `expect` for another action"),
                );
                continue;
            }
            seen.push((std::mem::discriminant(m), at));
            self.matcher(m, &mut check);
        }
        Some(check)
    }

    /// Applies one `for`/`due`/`kind`/`make_up`/`after` condition.
    fn matcher(&mut self, m: &ActionMatch, check: &mut ActionCheck) {
        match m {
            ActionMatch::Role(r) => {
                let known: Vec<&str> = self.policy.roles.iter().map(|r| r.id.as_str()).collect();
                if known.contains(&r.node.as_str()) {
                    check.role = Some(r.node.clone());
                } else {
                    self.errors.push(
                        TestError::new(
                            TestCode::UnknownRole,
                            format!("unknown role `{}`", r.node),
                            r.span,
                            "not declared by the policy",
                        )
                        .help(unknown_help("roles", &r.node, &known)),
                    );
                }
            }
            ActionMatch::Due(d) => check.due = valid_date(d, self.errors),
            ActionMatch::Kind(k) => match ActionKindTag::from_name(&k.node) {
                Some(tag) => check.kind = Some(tag),
                None => self.errors.push(
                    TestError::new(
                        TestCode::UnknownActionKind,
                        format!("unknown action kind `{}`", k.node),
                        k.span,
                        "no such action kind",
                    )
                    .help(unknown_help(
                        "action kinds",
                        &k.node,
                        &ActionKindTag::names(),
                    )),
                ),
            },
            ActionMatch::MakeUp(n) => check.make_up = Some(n.node),
            ActionMatch::After(l) => check.after = self.label(&check.step, l),
        }
    }

    /// `after LABEL`: a label (`as LABEL`) of an action of `step`.
    fn label(&mut self, step: &str, l: &Spanned<String>) -> Option<String> {
        let known: Vec<&str> = self
            .policy
            .steps
            .iter()
            .filter(|s| s.id == step)
            .flat_map(|s| &s.actions)
            .filter_map(|a| a.label.as_deref())
            .collect();
        if known.contains(&l.node.as_str()) {
            return Some(l.node.clone());
        }
        let help = if known.is_empty() {
            format!("no action of `{step}` has a label (`as LABEL`), so none is ordered after one")
        } else {
            unknown_help(&format!("labels of `{step}`"), &l.node, &known)
        };
        self.errors.push(
            TestError::new(
                TestCode::UnknownName,
                format!("unknown label `{}` in step `{step}`", l.node),
                l.span,
                "no action of this step has this label",
            )
            .help(help),
        );
        None
    }

    /// A step or rule ID of the policy.
    fn step(&mut self, id: &Spanned<String>) -> Option<String> {
        let known: Vec<&str> = self.policy.steps.iter().map(|s| s.id.as_str()).collect();
        if known.contains(&id.node.as_str()) {
            return Some(id.node.clone());
        }
        self.errors.push(
            TestError::new(
                TestCode::UnknownStep,
                format!("unknown step `{}`", id.node),
                id.span,
                "the policy has no such step or rule",
            )
            .help(unknown_help("steps and rules", &id.node, &known)),
        );
        None
    }

    /// A student of this test (with events or a roster line).
    fn student(&mut self, s: &Spanned<String>) -> Option<String> {
        if self.students.contains(&s.node) {
            return Some(s.node.clone());
        }
        let known: Vec<&str> = self.students.iter().map(String::as_str).collect();
        let help = match crate::check::error::suggest(&s.node, &known) {
            Some(k) => format!("did you mean `{k}`?"),
            None if known.is_empty() => "this test has no events".to_string(),
            None => format!("the students of this test: {}", known.join(", ")),
        };
        self.errors.push(
            TestError::new(
                TestCode::UnknownStudent,
                format!(
                    "student `{}` has no events and no roster line in this test",
                    s.node
                ),
                s.span,
                "unknown student",
            )
            .help(help),
        );
        None
    }

    /// `Some(None)` without a student, `None` after an error.
    fn opt_student(&mut self, s: Option<&Spanned<String>>) -> Option<Option<String>> {
        match s {
            None => Some(None),
            Some(s) => self.student(s).map(Some),
        }
    }
}

fn matcher_span(m: &ActionMatch) -> Span {
    match m {
        ActionMatch::Role(r) | ActionMatch::Kind(r) | ActionMatch::After(r) => r.span,
        ActionMatch::Due(d) => d.span,
        ActionMatch::MakeUp(n) => n.span,
    }
}
