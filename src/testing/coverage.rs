//! Step coverage: for every policy under test, each step and rule with the
//! number of tests that fired it (at least one action in the test's run),
//! and the share of steps fired by at least one test.
//!
//! Several test files of one policy count together. Tests that failed count
//! too: coverage says what the tests exercise, not whether they pass.

use super::FileResult;
use crate::model::Policy;
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// A step or rule of a policy, as listed in coverage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StepRef {
    /// Step or rule ID.
    pub step: String,
    /// Its ladder's ID; null for a rule or law.
    pub ladder: Option<String>,
    /// True for a law.
    pub law: bool,
}

/// The steps of `policy` in policy order.
pub fn steps_of(policy: &Policy) -> Vec<StepRef> {
    policy
        .steps
        .iter()
        .map(|s| StepRef {
            step: s.id.clone(),
            ladder: s
                .ladder
                .and_then(|l| policy.ladders.get(l))
                .map(|l| l.id.clone()),
            law: s.law,
        })
        .collect()
}

/// One step's line in the coverage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StepCoverage {
    /// The step.
    #[serde(flatten)]
    pub step: StepRef,
    /// Number of tests whose run fired it.
    pub tests: usize,
}

/// The coverage of one policy.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PolicyCoverage {
    /// The policy file.
    pub policy: PathBuf,
    /// Number of tests run against it.
    pub tests: usize,
    /// Every step and rule, in policy order.
    pub steps: Vec<StepCoverage>,
}

impl PolicyCoverage {
    /// Steps fired by at least one test.
    pub fn covered(&self) -> usize {
        self.steps.iter().filter(|s| s.tests > 0).count()
    }
}

/// The coverage of every policy under test, in the order first tested.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Coverage {
    /// One entry per policy.
    pub policies: Vec<PolicyCoverage>,
}

impl Coverage {
    /// The coverage of the tests in `files` (files that did not load count
    /// no tests).
    pub fn of(files: &[FileResult]) -> Coverage {
        let mut policies: Vec<PolicyCoverage> = Vec::new();
        let mut index: BTreeMap<PathBuf, usize> = BTreeMap::new();
        for f in files {
            let Some((path, steps)) = &f.policy else {
                continue;
            };
            let i = *index.entry(path.clone()).or_insert_with(|| {
                policies.push(PolicyCoverage {
                    policy: path.clone(),
                    tests: 0,
                    steps: steps
                        .iter()
                        .map(|s| StepCoverage {
                            step: s.clone(),
                            tests: 0,
                        })
                        .collect(),
                });
                policies.len() - 1
            });
            let Some(p) = policies.get_mut(i) else {
                continue;
            };
            for t in &f.tests {
                p.tests += 1;
                for s in &mut p.steps {
                    if t.fired.contains(&s.step.step) {
                        s.tests += 1;
                    }
                }
            }
        }
        Coverage { policies }
    }

    /// Steps covered, over all policies.
    pub fn covered(&self) -> usize {
        self.policies.iter().map(PolicyCoverage::covered).sum()
    }

    /// Steps, over all policies.
    pub fn total(&self) -> usize {
        self.policies.iter().map(|p| p.steps.len()).sum()
    }

    /// Covered steps in percent (100 when there are no steps).
    pub fn percent(&self) -> f64 {
        match self.total() {
            0 => 100.0,
            t => self.covered() as f64 * 100.0 / t as f64,
        }
    }

    /// True when the coverage is at least `min` percent.
    pub fn at_least(&self, min: f64) -> bool {
        // Compare in whole numbers where possible: 25/25 is 100, not 99.99….
        self.covered() as f64 * 100.0 >= min * self.total() as f64 - 1e-9
    }

    /// The closing line: `coverage: 25/25 steps (100.0%)`.
    pub fn summary_line(&self) -> String {
        format!(
            "coverage: {}/{} steps ({:.1}%)",
            self.covered(),
            self.total(),
            self.percent()
        )
    }

    /// The table for people: per policy, each step with its ladder (or
    /// `rule`/`law`) and the number of tests that fired it; then the
    /// summary line.
    pub fn render(&self) -> String {
        let mut out = String::new();
        for p in &self.policies {
            let tests = plural(p.tests, "test");
            out.push_str(&format!(
                "coverage of {} ({tests}): {}/{} steps\n",
                p.policy.display(),
                p.covered(),
                p.steps.len()
            ));
            let w_id = p
                .steps
                .iter()
                .map(|s| s.step.step.chars().count())
                .max()
                .unwrap_or(0);
            let wheres: Vec<String> = p.steps.iter().map(|s| place(&s.step)).collect();
            let w_where = wheres.iter().map(|s| s.chars().count()).max().unwrap_or(0);
            for (s, wh) in p.steps.iter().zip(&wheres) {
                let note = if s.tests == 0 { "  not covered" } else { "" };
                out.push_str(&format!(
                    "  {:<w_id$}  {:<w_where$}  {}{note}\n",
                    s.step.step,
                    wh,
                    plural(s.tests, "test")
                ));
            }
        }
        out.push_str(&self.summary_line());
        out.push('\n');
        out
    }

    /// The steps no test fired, as `policy: L3, L6`.
    pub fn uncovered(&self) -> Vec<String> {
        self.policies
            .iter()
            .filter(|p| p.covered() < p.steps.len())
            .map(|p| {
                let ids: Vec<&str> = p
                    .steps
                    .iter()
                    .filter(|s| s.tests == 0)
                    .map(|s| s.step.step.as_str())
                    .collect();
                format!("{}: {}", p.policy.display(), ids.join(", "))
            })
            .collect()
    }
}

/// `ladder late`, `rule` or `law`.
fn place(s: &StepRef) -> String {
    match (&s.ladder, s.law) {
        (Some(l), _) => format!("ladder {l}"),
        (None, true) => "law".to_string(),
        (None, false) => "rule".to_string(),
    }
}

/// `1 test`, `3 tests`.
fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}
