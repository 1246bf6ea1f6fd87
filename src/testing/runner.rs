//! Running one prepared test: evaluate the policy over the test's
//! registrations and check each expectation against the actions. A failed
//! expectation becomes a [`TestError`] with code `verzuim::test::failed` on
//! the `expect` line, and the expected-vs-actual listing in its help.

use super::error::{TestCode, TestError};
use super::listing::{Listing, Mark, number};
use super::prepare::{ActionCheck, Check, Expectation, Prepared};
use crate::eval::{self, ActionRecord};
use crate::model::Policy;
use chrono::NaiveDate;
use std::collections::BTreeSet;

/// What one test run produced.
#[derive(Debug, Clone, Default)]
pub struct Ran {
    /// The failed expectations, in source order.
    pub failures: Vec<TestError>,
    /// The IDs of the steps and rules that fired (had an action).
    pub fired: BTreeSet<String>,
    /// Number of actions in the run.
    pub actions: usize,
}

/// Runs `test` over `policy` and checks its expectations.
pub fn run(policy: &Policy, test: &Prepared) -> Ran {
    let result = eval::run(policy, &test.regs, test.roster.as_ref(), &test.options);
    let actions = &result.actions;
    let failures = test
        .expects
        .iter()
        .filter_map(|e| failure(e, &test.expects, actions))
        .collect();
    Ran {
        failures,
        fired: actions.iter().map(|a| a.step.clone()).collect(),
        actions: actions.len(),
    }
}

/// The failure of `e`, if it does not hold. `all` are the test's
/// expectations (for `nothing else`).
pub(crate) fn failure(
    e: &Expectation,
    all: &[Expectation],
    actions: &[ActionRecord],
) -> Option<TestError> {
    match &e.check {
        Check::Action(c) => action(e, c, actions),
        Check::NoStep { step, student } => no_step(e, step, student.as_deref(), actions),
        Check::Count { count, student } => count_of(e, *count, student.as_deref(), actions),
        Check::NothingElse { student } => nothing_else(e, all, student.as_deref(), actions),
    }
}

/// True when `a` is an action `c` asks for.
fn matches(c: &ActionCheck, a: &ActionRecord) -> bool {
    a.student == c.student
        && a.triggered_on == c.date
        && a.step == c.step
        && c.role.as_ref().is_none_or(|r| a.roles.contains(r))
        && c.due.is_none_or(|d| a.due == Some(d))
        && c.kind.is_none_or(|k| a.kind_tag == k)
        && c.after.as_ref().is_none_or(|l| a.after.as_ref() == Some(l))
        && c.make_up.is_none_or(|n| {
            a.params
                .get("lesson_hours")
                .and_then(serde_json::Value::as_f64)
                .is_some_and(|h| (h * 100.0).round() as i64 == n.hundredths)
        })
}

/// `expect S1 DATE step X …`
fn action(e: &Expectation, c: &ActionCheck, actions: &[ActionRecord]) -> Option<TestError> {
    if actions.iter().any(|a| matches(c, a)) {
        return None;
    }
    let mine: Vec<&ActionRecord> = actions.iter().filter(|a| a.student == c.student).collect();
    let same_firing = mine
        .iter()
        .filter(|a| a.step == c.step && a.triggered_on == c.date)
        .count();
    let other_dates: BTreeSet<NaiveDate> = mine
        .iter()
        .filter(|a| a.step == c.step)
        .map(|a| a.triggered_on)
        .collect();
    let label = if same_firing == 1 {
        format!("`{}` fired, but its one action does not match", c.step)
    } else if same_firing > 0 {
        format!(
            "`{}` fired, but none of its {same_firing} actions matches",
            c.step
        )
    } else if !other_dates.is_empty() {
        let dates: Vec<String> = other_dates.iter().map(ToString::to_string).collect();
        format!(
            "`{}` fired on {}, not on {}",
            c.step,
            dates.join(", "),
            c.date
        )
    } else {
        format!("`{}` did not fire for `{}`", c.step, c.student)
    };
    let mut listing = Listing::new(false);
    for a in &mine {
        listing.action(Mark::Context, a);
    }
    listing.expected(c);
    let title = match mine.len() {
        0 => format!("`{}` has no actions at all; expected (-):", c.student),
        n => format!(
            "{}; expected but missing (-):",
            actions_of(Some(&c.student), n)
        ),
    };
    Some(failed(e, describe(c), label, &title, &listing))
}

/// The message of a failed action expectation.
fn describe(c: &ActionCheck) -> String {
    let mut parts = Vec::new();
    if let Some(r) = &c.role {
        parts.push(format!("for `{r}`"));
    }
    if let Some(d) = c.due {
        parts.push(format!("due {d}"));
    }
    if let Some(k) = c.kind {
        parts.push(format!("of kind `{}`", k.as_str()));
    }
    if let Some(n) = c.make_up {
        parts.push(format!("with make_up {}", number(n)));
    }
    if let Some(l) = &c.after {
        parts.push(format!("ordered after `{l}`"));
    }
    let with = if parts.is_empty() {
        String::new()
    } else {
        format!(" with an action {}", parts.join(", "))
    };
    format!(
        "expected step `{}` to fire for `{}` on {}{with}",
        c.step, c.student, c.date
    )
}

/// `expect no step X [for S]`
fn no_step(
    e: &Expectation,
    step: &str,
    student: Option<&str>,
    actions: &[ActionRecord],
) -> Option<TestError> {
    let scope = scoped(actions, student);
    let bad: Vec<&&ActionRecord> = scope.iter().filter(|a| a.step == step).collect();
    if bad.is_empty() {
        return None;
    }
    let firings: BTreeSet<(&str, NaiveDate)> = bad
        .iter()
        .map(|a| (a.student.as_str(), a.triggered_on))
        .collect();
    let label = match firings.len() {
        1 => "fired once".to_string(),
        n => format!("fired {n} times"),
    };
    let mut listing = Listing::new(student.is_none());
    for a in &scope {
        let mark = if a.step == step {
            Mark::Unexpected
        } else {
            Mark::Context
        };
        listing.action(mark, a);
    }
    let message = format!("expected step `{step}` not to fire{}", for_whom(student));
    let title = format!("{}; not expected (+):", actions_of(student, scope.len()));
    Some(failed(e, message, label, &title, &listing))
}

/// `expect N actions [for S]`
fn count_of(
    e: &Expectation,
    count: u32,
    student: Option<&str>,
    actions: &[ActionRecord],
) -> Option<TestError> {
    let scope = scoped(actions, student);
    if scope.len() == count as usize {
        return None;
    }
    let mut listing = Listing::new(student.is_none());
    for a in &scope {
        listing.action(Mark::Context, a);
    }
    let message = format!(
        "expected {count} action{}{}, found {}",
        if count == 1 { "" } else { "s" },
        for_whom(student),
        scope.len()
    );
    let label = format!("found {}", scope.len());
    let title = format!("{}:", actions_of(student, scope.len()));
    Some(failed(e, message, label, &title, &listing))
}

/// `expect nothing else [for S]`
fn nothing_else(
    e: &Expectation,
    all: &[Expectation],
    student: Option<&str>,
    actions: &[ActionRecord],
) -> Option<TestError> {
    let named: BTreeSet<(&str, &str, NaiveDate)> = all
        .iter()
        .filter_map(|x| match &x.check {
            Check::Action(c) => Some((c.student.as_str(), c.step.as_str(), c.date)),
            _ => None,
        })
        .collect();
    let scope = scoped(actions, student);
    let is_named =
        |a: &ActionRecord| named.contains(&(a.student.as_str(), a.step.as_str(), a.triggered_on));
    let unnamed: BTreeSet<(&str, &str, NaiveDate)> = scope
        .iter()
        .filter(|a| !is_named(a))
        .map(|a| (a.student.as_str(), a.step.as_str(), a.triggered_on))
        .collect();
    if unnamed.is_empty() {
        return None;
    }
    let mut listing = Listing::new(student.is_none());
    for a in &scope {
        let mark = if is_named(a) {
            Mark::Context
        } else {
            Mark::Unexpected
        };
        listing.action(mark, a);
    }
    let whose = match student {
        Some(s) => format!("`{s}` has"),
        None => "the run has".to_string(),
    };
    let message = format!("{whose} actions that no expectation names");
    let label = match unnamed.len() {
        1 => "1 step fired unexpectedly".to_string(),
        n => format!("{n} step firings are not expected"),
    };
    let title = format!(
        "{}; not named by an `expect` (+):",
        actions_of(student, scope.len())
    );
    Some(failed(e, message, label, &title, &listing))
}

/// The actions of `student`, or all.
fn scoped<'a>(actions: &'a [ActionRecord], student: Option<&str>) -> Vec<&'a ActionRecord> {
    actions
        .iter()
        .filter(|a| student.is_none_or(|s| a.student == s))
        .collect()
}

fn for_whom(student: Option<&str>) -> String {
    student.map(|s| format!(" for `{s}`")).unwrap_or_default()
}

/// "the 3 actions of `S1`" / "the 5 actions of the run".
fn actions_of(student: Option<&str>, n: usize) -> String {
    let whose = match student {
        Some(s) => format!("`{s}`"),
        None => "the run".to_string(),
    };
    match n {
        0 => format!("{whose} has no actions"),
        1 => format!("the 1 action of {whose}"),
        n => format!("the {n} actions of {whose}"),
    }
}

/// The diagnostic of a failed expectation.
fn failed(e: &Expectation, message: String, label: String, title: &str, l: &Listing) -> TestError {
    let help = if l.len() == 0 {
        title.trim_end_matches(':').to_string()
    } else {
        format!("{title}\n{}", l.render())
    };
    TestError::new(TestCode::Failed, message, e.span, label).help(help)
}
