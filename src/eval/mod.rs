//! The interpreter: runs a checked [`Policy`] over one school year of
//! registrations and yields the actions it triggers, who must do them, by
//! when, and why. Semantics are specified in `docs/semantics.md`.
//!
//! Input registrations are grouped per student and taken in the order
//! (date, period, kind, content), so the result never depends on input order.

mod interp;
mod measures;
mod stream;
mod student;

pub use interp::run;
pub use stream::Stream;

use crate::model::{ActionKindTag, KindId};
use crate::syntax::ast::Authorization;
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::BTreeMap;

/// Index into [`Registrations::students`].
pub type StudentIdx = u32;

/// Where an input row came from: file index (into the run's input list) and
/// 1-based line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Origin {
    /// Index of the input file.
    pub file: u32,
    /// 1-based line number.
    pub line: u64,
}

/// One registration (or signal), already mapped to the policy's kinds.
///
/// Ordering (`Ord`) is the evaluation order within a student: date, period
/// (signals, without a period, first), kind, then content (minutes, code,
/// authorization); the origin is a final tie-breaker only between otherwise
/// identical rows, which the reader merges before evaluation.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Registration {
    /// The student (interned).
    pub student: StudentIdx,
    /// School day of the registration.
    pub date: NaiveDate,
    /// Lesson period; `None` for signals.
    pub period: Option<u32>,
    /// The policy's kind or signal.
    pub kind: KindId,
    /// Minutes of the registration (late arrival: minutes late; absence: the
    /// lesson's minutes). 0 for signals.
    pub minutes: u32,
    /// The school's code, when the row gave one.
    pub code: Option<String>,
    /// Authorized or not (from the code, else the kind's marking).
    pub authorization: Authorization,
    /// Where it was read.
    pub origin: Origin,
}

/// All registrations of a run plus the student table.
#[derive(Debug, Clone, Default)]
pub struct Registrations {
    /// Student IDs as written in the input; `Registration::student` indexes this.
    pub students: Vec<String>,
    /// The registrations, in any order.
    pub rows: Vec<Registration>,
    /// Rows whose code is declared `ignore`: counted in the summary only.
    pub ignored: u64,
}

/// A roster entry. Names appear in table output only, never in errors.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StudentInfo {
    /// Display name.
    pub name: Option<String>,
    /// Class.
    pub class: Option<String>,
    /// The mentor's name (resolves the role `mentor` in the table).
    pub mentor: Option<String>,
    /// Grade.
    pub grade: Option<String>,
    /// Location.
    pub location: Option<String>,
    /// Groups (IDs or roster names of the policy's groups).
    pub groups: Vec<String>,
    /// Birth date, for `age`.
    pub birthdate: Option<NaiveDate>,
    /// Enrolment start (inclusive).
    pub enrolled_from: Option<NaiveDate>,
    /// Enrolment end (inclusive).
    pub enrolled_until: Option<NaiveDate>,
    /// Exemptions: (exemption ID, first day, last day), both inclusive.
    pub exemptions: Vec<(String, NaiveDate, NaiveDate)>,
}

/// A roster: student ID → info.
#[derive(Debug, Clone, Default)]
pub struct Roster {
    /// Entries by student ID.
    pub students: BTreeMap<String, StudentInfo>,
}

/// Options of one run.
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    /// Evaluate up to and including this date (default: the last date in the
    /// data). Registrations after it are ignored and counted.
    pub as_of: Option<NaiveDate>,
    /// Evaluate every measure and every step at every point by scanning the
    /// student's facts: the reference semantics, slower. Tests compare it
    /// with the normal incremental evaluation, which must give the same
    /// output.
    pub reference: bool,
}

/// One registration as cited in output (`evidence`, `trigger`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Evidence {
    /// YYYY-MM-DD.
    pub date: NaiveDate,
    /// Lesson period, null for signals.
    pub period: Option<u32>,
    /// Kind name.
    pub kind: String,
    /// Minutes.
    pub minutes: u32,
}

/// One action the policy asks of someone. Field names are pinned by
/// `docs/output.md` (schema 1).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ActionRecord {
    /// Stable identity (see `docs/semantics.md`).
    pub id: String,
    /// Student ID.
    pub student: String,
    /// Ladder ID, or null for a standalone rule or law.
    pub ladder: Option<String>,
    /// Step or rule ID (the protocol row ID).
    pub step: String,
    /// The step's title.
    pub title: String,
    /// The date the step fired.
    pub triggered_on: NaiveDate,
    /// Acting roles.
    pub roles: Vec<String>,
    /// `or` (any one of the roles) or `and` (together).
    pub roles_join: &'static str,
    /// The Dutch action text.
    pub text: String,
    /// Roles in cc.
    pub cc: Vec<String>,
    /// Due date, if the action has a due time.
    pub due: Option<NaiveDate>,
    /// Optional (bracketed in the protocol).
    pub optional: bool,
    /// Structured kind.
    pub kind: &'static str,
    /// Kind-specific parameters (see `docs/output.md`).
    pub params: serde_json::Map<String, serde_json::Value>,
    /// True when the firing comes from a `law`.
    pub law: bool,
    /// The registration that triggered the step, or null when the step fired
    /// on a school day without one (time-driven or deferred).
    pub trigger: Option<Evidence>,
    /// The registrations that brought the measure to the threshold (bounded).
    pub evidence: Vec<Evidence>,
    /// Label of the action this one is ordered after, if any.
    pub after: Option<String>,
    /// Sort key: index of the step in the policy.
    #[serde(skip)]
    pub step_index: usize,
    /// Sort key: index of the action in its step.
    #[serde(skip)]
    pub action_index: usize,
    /// Sort key: the student's firing sequence number.
    #[serde(skip)]
    pub seq: u64,
    /// The action's structured kind.
    #[serde(skip)]
    pub kind_tag: ActionKindTag,
}

/// Counts for the run's closing summary.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct RunSummary {
    /// Registrations evaluated (up to `as_of`).
    pub registrations: u64,
    /// Students with at least one registration.
    pub students: u64,
    /// Rows with an ignored code.
    pub ignored: u64,
    /// Registrations dated after `as_of`, not evaluated.
    pub after_as_of: u64,
    /// The evaluation date.
    pub as_of: Option<NaiveDate>,
    /// School days between the first and last date of the data on which no
    /// student has any registration (possible missing data).
    pub missing_data_days: Vec<NaiveDate>,
    /// Number of actions per role (by role ID).
    pub actions_per_role: BTreeMap<String, u64>,
    /// Number of distinct students per step ID.
    pub students_per_step: BTreeMap<String, u64>,
    /// Number of `duo_report` actions.
    pub duo_reports: u64,
    /// Input rows dropped because an identical row was read (in the same
    /// or another events file). Set by the reader, not by [`run`].
    pub duplicates_merged: u64,
    /// Input rows dropped because a later events file has a different row
    /// with the same key (`id`, else student, date, period and kind). Set by
    /// the reader, not by [`run`].
    pub replaced: u64,
    /// True when output filters (`--from`, `--to`, `--student`, `--role`,
    /// `--mentor`, `--class`) selected the actions: `actions_per_role`,
    /// `students_per_step` and `duo_reports` then count the selected actions
    /// only. Set by the command line, not by [`run`].
    pub filtered: bool,
}

impl RunSummary {
    /// Sets `actions_per_role`, `students_per_step` (in policy order) and
    /// `duo_reports` from `actions`, replacing earlier counts: after a run,
    /// and again when output filters select some of its actions.
    pub fn count_actions(&mut self, policy: &crate::model::Policy, actions: &[ActionRecord]) {
        self.actions_per_role = BTreeMap::new();
        self.students_per_step = BTreeMap::new();
        self.duo_reports = 0;
        let mut per_step: BTreeMap<&str, std::collections::BTreeSet<&str>> = BTreeMap::new();
        for a in actions {
            for r in &a.roles {
                *self.actions_per_role.entry(r.clone()).or_default() += 1;
            }
            per_step.entry(&a.step).or_default().insert(&a.student);
            if a.kind == "duo_report" {
                self.duo_reports += 1;
            }
        }
        for s in &policy.steps {
            if let Some(set) = per_step.get(s.id.as_str()) {
                self.students_per_step
                    .insert(s.id.clone(), set.len() as u64);
            }
        }
    }
}

/// The result of a run: actions in output order (triggered_on, student,
/// ladder/step order, action order) and the summary.
#[derive(Debug, Clone, Default)]
pub struct RunResult {
    /// Actions in output order.
    pub actions: Vec<ActionRecord>,
    /// The closing summary.
    pub summary: RunSummary,
}
