//! Output filters of `verzuim run`: which actions are written. Filters never
//! change what is evaluated (counting always starts at the school year's
//! start); they select actions after the run and recount the summary's
//! per-action counts (`actions_per_role`, `students_per_step`,
//! `duo_reports`) over the selected actions. The other summary counts
//! (registrations, students, ignored codes, …) describe the whole input.
//!
//! Different filters combine with *and*; the values of one repeated filter
//! (`--student A --student B`) with *or*.

use crate::eval::{ActionRecord, Roster, RunResult};
use crate::io::sink::ActionCounts;
use crate::model::Policy;
use chrono::NaiveDate;
use std::collections::HashSet;

/// The output filters.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ActionFilter {
    /// Only actions triggered on or after this date.
    pub from: Option<NaiveDate>,
    /// Only actions triggered on or before this date.
    pub to: Option<NaiveDate>,
    /// Only these students (IDs).
    pub students: Vec<String>,
    /// Only actions in which one of these roles (IDs) acts (`cc` does not
    /// count).
    pub roles: Vec<String>,
    /// Only students whose roster mentor is one of these (case ignored).
    pub mentors: Vec<String>,
    /// Only students whose roster class is one of these (case ignored).
    pub classes: Vec<String>,
}

impl ActionFilter {
    /// True when nothing is filtered.
    pub fn is_empty(&self) -> bool {
        *self == ActionFilter::default()
    }

    /// True when the filter needs a roster (`--mentor`, `--class`).
    pub fn needs_roster(&self) -> bool {
        !self.mentors.is_empty() || !self.classes.is_empty()
    }

    /// The roster students selected by `--mentor` and `--class` (`None`
    /// when neither is given).
    pub fn roster_students<'r>(&self, roster: Option<&'r Roster>) -> Option<HashSet<&'r str>> {
        if !self.needs_roster() {
            return None;
        }
        let roster = roster?;
        let wanted = |list: &[String], v: Option<&str>| {
            list.is_empty() || v.is_some_and(|v| list.iter().any(|m| same_name(m, v)))
        };
        let set = roster
            .students
            .iter()
            .filter(|(_, i)| wanted(&self.mentors, i.mentor.as_deref()))
            .filter(|(_, i)| wanted(&self.classes, i.class.as_deref()))
            .map(|(id, _)| id.as_str())
            .collect();
        Some(set)
    }

    /// The matcher for this filter: precomputes the sets of students
    /// (`--student`, and those `--mentor`/`--class` select in `roster`), so
    /// that each action is tested in constant time.
    pub fn selection<'a>(&'a self, roster: Option<&'a Roster>) -> Selection<'a> {
        Selection {
            filter: self,
            students: self.students.iter().map(String::as_str).collect(),
            roster_students: self.roster_students(roster),
        }
    }

    /// Keep the selected actions of `result` and recount the summary's
    /// per-action counts; marks the summary `filtered`. Without filters,
    /// nothing changes. (The output path does the same incrementally with
    /// [`crate::io::sink::Filtered`].)
    pub fn apply(&self, policy: &Policy, roster: Option<&Roster>, result: &mut RunResult) {
        if self.is_empty() {
            return;
        }
        let selection = self.selection(roster);
        result.actions.retain(|a| selection.selects(a));
        let mut counts = ActionCounts::new(policy);
        counts.add(&result.actions);
        counts.set(&mut result.summary);
        result.summary.filtered = true;
    }

    /// The filters as command-line options, for the table:
    /// `--from 2022-10-01, --student S00012`.
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        let date = |d: NaiveDate| d.format("%Y-%m-%d").to_string();
        parts.extend(self.from.map(|d| format!("--from {}", date(d))));
        parts.extend(self.to.map(|d| format!("--to {}", date(d))));
        for (flag, list) in [
            ("--student", &self.students),
            ("--role", &self.roles),
            ("--mentor", &self.mentors),
            ("--class", &self.classes),
        ] {
            parts.extend(list.iter().map(|v| format!("{flag} {v}")));
        }
        parts.join(", ")
    }
}

/// An [`ActionFilter`] ready to test actions (see [`ActionFilter::selection`]).
#[derive(Debug, Clone)]
pub struct Selection<'a> {
    filter: &'a ActionFilter,
    students: HashSet<&'a str>,
    roster_students: Option<HashSet<&'a str>>,
}

impl Selection<'_> {
    /// True when the filter selects `a` (every filter given holds; always
    /// true without filters).
    pub fn selects(&self, a: &ActionRecord) -> bool {
        let f = self.filter;
        f.from.is_none_or(|d| a.triggered_on >= d)
            && f.to.is_none_or(|d| a.triggered_on <= d)
            && (self.students.is_empty() || self.students.contains(a.student.as_str()))
            && (f.roles.is_empty() || a.roles.iter().any(|r| f.roles.contains(r)))
            && self
                .roster_students
                .as_ref()
                .is_none_or(|s| s.contains(a.student.as_str()))
    }
}

/// Names compare trimmed and without regard to case.
pub fn same_name(a: &str, b: &str) -> bool {
    a.trim().to_lowercase() == b.trim().to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::{RunSummary, StudentInfo};
    use crate::io::testutil::{d, policy, sample_action};

    fn result() -> RunResult {
        let mut b = sample_action();
        b.student = "S2".into();
        b.roles = vec!["mentor".into()];
        b.triggered_on = d("2022-10-03");
        RunResult {
            actions: vec![sample_action(), b],
            summary: RunSummary::default(),
        }
    }

    fn roster() -> Roster {
        let mut r = Roster::default();
        let info = |m: &str, c: &str| StudentInfo {
            mentor: Some(m.into()),
            class: Some(c.into()),
            ..StudentInfo::default()
        };
        r.students.insert("S1".into(), info("dhr. J. Bakker", "2A"));
        r.students.insert("S2".into(), info("mw. K. Smit", "3B"));
        r
    }

    fn kept(f: &ActionFilter) -> Vec<String> {
        let mut r = result();
        f.apply(&policy(), Some(&roster()), &mut r);
        r.actions.iter().map(|a| a.student.clone()).collect()
    }

    #[test]
    fn filters_select_and_combine() {
        assert_eq!(kept(&ActionFilter::default()), vec!["S1", "S2"]);
        let from = ActionFilter {
            from: Some(d("2022-10-01")),
            ..ActionFilter::default()
        };
        assert_eq!(kept(&from), vec!["S2"]);
        let role = ActionFilter {
            roles: vec!["vc".into()],
            ..ActionFilter::default()
        };
        assert_eq!(kept(&role), vec!["S1"]);
        let mentor = ActionFilter {
            mentors: vec!["DHR. J. BAKKER ".into()],
            ..ActionFilter::default()
        };
        assert_eq!(kept(&mentor), vec!["S1"]);
        let both = ActionFilter {
            classes: vec!["3b".into()],
            students: vec!["S1".into()],
            ..ActionFilter::default()
        };
        assert!(kept(&both).is_empty());
    }

    #[test]
    fn counts_follow_the_selection() {
        let mut r = result();
        let f = ActionFilter {
            students: vec!["S2".into()],
            ..ActionFilter::default()
        };
        f.apply(&policy(), None, &mut r);
        assert!(r.summary.filtered);
        assert_eq!(r.summary.actions_per_role.get("mentor"), Some(&1));
        assert_eq!(r.summary.actions_per_role.get("vc"), None);
        assert_eq!(f.describe(), "--student S2");
    }
}
