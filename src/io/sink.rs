//! Output writers that take the actions of a run piece by piece.
//!
//! An [`ActionSink`] receives the actions in output order (triggered_on,
//! student, step, action), one school day — or any run of whole days — per
//! call, then the summary once. Every output format is one sink ([`sink`]);
//! the buffered path ([`write_result`], used by `verzuim run`) feeds a whole
//! [`RunResult`] to the same sinks in one call, and a streaming driver feeds
//! them day by day. [`Filtered`] applies the output filters in front of a
//! sink and counts the selected actions for the summary, so nothing needs
//! the whole action list.

use crate::eval::{ActionRecord, Roster, RunResult, RunSummary};
use crate::io::csv_out::{CsvDialect, CsvSink};
use crate::io::filter::{ActionFilter, Selection};
use crate::io::output::{JsonSink, OutputFormat};
use crate::io::table::{TableSink, TableWidths};
use crate::model::Policy;
use std::collections::{BTreeMap, HashMap};
use std::io::{self, Write};

/// Receives actions in output order, one school day (or any run of whole days) at a time,
/// then the summary once.
pub trait ActionSink {
    /// Write `actions`: whole days, later than those of earlier calls.
    fn actions(&mut self, actions: &[ActionRecord]) -> io::Result<()>;
    /// Write the closing summary (where the format has one) and flush.
    fn finish(&mut self, summary: &RunSummary) -> io::Result<()>;
    /// Write out every action given so far, without a summary: what a run
    /// that stops early leaves (whole days, since `actions` gets whole
    /// days).
    fn flush(&mut self) -> io::Result<()>;
}

impl<S: ActionSink + ?Sized> ActionSink for Box<S> {
    fn actions(&mut self, actions: &[ActionRecord]) -> io::Result<()> {
        (**self).actions(actions)
    }

    fn finish(&mut self, summary: &RunSummary) -> io::Result<()> {
        (**self).finish(summary)
    }

    fn flush(&mut self) -> io::Result<()> {
        (**self).flush()
    }
}

/// A sink for `format` writing to `w`: json (JSON Lines), table, csv, csv-nl.
///
/// The table's columns are as wide as the longest student ID, name and step
/// label that the policy and the roster could print (see
/// [`TableWidths::for_policy`]), since a stream cannot see later days; the
/// buffered [`write_result`] sizes them to the actions written instead.
/// `filter_description` names the output filters in the table's summary.
pub fn sink<'a, W: Write + 'a>(
    format: OutputFormat,
    w: W,
    policy: &'a Policy,
    roster: Option<&'a Roster>,
    filter_description: Option<&'a str>,
) -> Box<dyn ActionSink + 'a> {
    let widths = TableWidths::for_policy(policy, roster);
    sink_with_widths(format, w, policy, roster, filter_description, widths)
}

/// As [`sink`], with the table's column widths given (ignored by the other
/// formats).
pub fn sink_with_widths<'a, W: Write + 'a>(
    format: OutputFormat,
    w: W,
    policy: &'a Policy,
    roster: Option<&'a Roster>,
    filter_description: Option<&'a str>,
    widths: TableWidths,
) -> Box<dyn ActionSink + 'a> {
    match format {
        OutputFormat::Json => Box::new(JsonSink::new(w)),
        OutputFormat::Table => Box::new(TableSink::new(
            w,
            policy,
            roster,
            filter_description,
            widths,
        )),
        OutputFormat::Csv => Box::new(CsvSink::new(w, CsvDialect::Plain)),
        OutputFormat::CsvNl => Box::new(CsvSink::new(w, CsvDialect::Dutch)),
    }
}

/// The buffered output of `verzuim run`: the actions of `result` that
/// `filter` selects, then the summary (its per-action counts over the
/// selected actions), in `format`, through the same sinks as a stream. The
/// table's columns fit the selected actions.
pub fn write_result<W: Write>(
    format: OutputFormat,
    w: W,
    policy: &Policy,
    roster: Option<&Roster>,
    filter: &ActionFilter,
    filter_description: Option<&str>,
    result: &RunResult,
) -> io::Result<()> {
    let widths = if format == OutputFormat::Table {
        let selection = filter.selection(roster);
        TableWidths::of_actions(
            roster,
            result.actions.iter().filter(|a| selection.selects(a)),
        )
    } else {
        TableWidths::default()
    };
    let inner = sink_with_widths(format, w, policy, roster, filter_description, widths);
    let mut sink = Filtered::new(filter, policy, roster, inner);
    sink.actions(&result.actions)?;
    sink.finish(&result.summary)
}

/// Applies the output filters (ActionFilter) before a sink and counts the selected actions
/// for the summary (actions_per_role, students_per_step in policy order, duo_reports, filtered=true),
/// exactly as ActionFilter::apply + RunSummary::count_actions do today. Without filters it passes through
/// and still counts (so the streaming driver never needs the whole action list).
pub struct Filtered<'a> {
    /// `None` without filters: everything passes.
    selection: Option<Selection<'a>>,
    counts: ActionCounts<'a>,
    inner: Box<dyn ActionSink + 'a>,
    /// The selected actions of one call, when some were left out (reused).
    selected: Vec<ActionRecord>,
}

impl<'a> Filtered<'a> {
    /// Filter with `filter` (the roster resolves `--mentor` and `--class`)
    /// before `inner`.
    pub fn new(
        filter: &'a ActionFilter,
        policy: &'a Policy,
        roster: Option<&'a Roster>,
        inner: Box<dyn ActionSink + 'a>,
    ) -> Self {
        Filtered {
            selection: (!filter.is_empty()).then(|| filter.selection(roster)),
            counts: ActionCounts::new(policy),
            inner,
            selected: Vec::new(),
        }
    }
}

impl ActionSink for Filtered<'_> {
    fn actions(&mut self, actions: &[ActionRecord]) -> io::Result<()> {
        let Some(selection) = &self.selection else {
            self.counts.add(actions);
            return self.inner.actions(actions);
        };
        if actions.iter().all(|a| selection.selects(a)) {
            self.counts.add(actions);
            return self.inner.actions(actions);
        }
        self.selected.clear();
        self.selected
            .extend(actions.iter().filter(|a| selection.selects(a)).cloned());
        if self.selected.is_empty() {
            return Ok(());
        }
        self.counts.add(&self.selected);
        self.inner.actions(&self.selected)
    }

    fn finish(&mut self, summary: &RunSummary) -> io::Result<()> {
        let mut summary = summary.clone();
        self.counts.set(&mut summary);
        if self.selection.is_some() {
            summary.filtered = true;
        }
        self.inner.finish(&summary)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// The summary's per-action counts, taken incrementally: the same numbers
/// as [`RunSummary::count_actions`] over all the actions added. Distinct
/// students per step are kept as one bit per (step, student); memory grows
/// with the number of students.
#[derive(Debug, Clone)]
pub struct ActionCounts<'a> {
    policy: &'a Policy,
    /// Step ID → the index of the first policy step with that ID.
    step_of: HashMap<&'a str, usize>,
    /// Student ID → a small number (the bit in `seen`).
    student_of: HashMap<String, usize>,
    /// The previous action's student and its number (actions come by
    /// student within a day).
    last_student: Option<(String, usize)>,
    /// Per policy step: the students it fired for, as a bit set.
    seen: Vec<Vec<u64>>,
    /// Per policy step: the number of bits set in `seen`.
    students: Vec<u64>,
    /// Per policy role: the actions in which it acts.
    roles: Vec<u64>,
    /// Roles the policy does not declare.
    other_roles: BTreeMap<String, u64>,
    duo_reports: u64,
}

impl<'a> ActionCounts<'a> {
    /// No actions counted yet.
    pub fn new(policy: &'a Policy) -> Self {
        let mut step_of = HashMap::new();
        for (i, s) in policy.steps.iter().enumerate() {
            step_of.entry(s.id.as_str()).or_insert(i);
        }
        ActionCounts {
            policy,
            step_of,
            student_of: HashMap::new(),
            last_student: None,
            seen: vec![Vec::new(); policy.steps.len()],
            students: vec![0; policy.steps.len()],
            roles: vec![0; policy.roles.len()],
            other_roles: BTreeMap::new(),
            duo_reports: 0,
        }
    }

    /// The number of `student`.
    fn student(&mut self, student: &str) -> usize {
        if let Some((id, n)) = &self.last_student
            && id == student
        {
            return *n;
        }
        let next = self.student_of.len();
        let n = *self.student_of.entry(student.to_string()).or_insert(next);
        self.last_student = Some((student.to_string(), n));
        n
    }

    /// The index of the (first) policy step with `a`'s step ID.
    fn step(&self, a: &ActionRecord) -> Option<usize> {
        match self.policy.steps.get(a.step_index) {
            Some(s) if s.id == a.step => self.step_of.get(a.step.as_str()).copied(),
            _ => self.step_of.get(a.step.as_str()).copied(),
        }
    }

    /// Count `actions` too.
    pub fn add(&mut self, actions: &[ActionRecord]) {
        for a in actions {
            for r in &a.roles {
                match self.policy.roles.iter().position(|d| d.id == *r) {
                    Some(i) => self.roles[i] += 1,
                    None => *self.other_roles.entry(r.clone()).or_default() += 1,
                }
            }
            if let Some(step) = self.step(a) {
                let student = self.student(&a.student);
                let bits = &mut self.seen[step];
                let (word, bit) = (student / 64, 1u64 << (student % 64));
                if bits.len() <= word {
                    bits.resize(word + 1, 0);
                }
                if bits[word] & bit == 0 {
                    bits[word] |= bit;
                    self.students[step] += 1;
                }
            }
            if a.kind == "duo_report" {
                self.duo_reports += 1;
            }
        }
    }

    /// Set `actions_per_role`, `students_per_step` (in policy order) and
    /// `duo_reports` of `summary` to the counts, replacing earlier ones.
    pub fn set(&self, summary: &mut RunSummary) {
        summary.actions_per_role = self.other_roles.clone();
        for (role, &n) in self.policy.roles.iter().zip(&self.roles) {
            if n > 0 {
                *summary.actions_per_role.entry(role.id.clone()).or_default() += n;
            }
        }
        summary.students_per_step = BTreeMap::new();
        for s in &self.policy.steps {
            let n = self.students[self.step_of[s.id.as_str()]];
            if n > 0 {
                summary.students_per_step.insert(s.id.clone(), n);
            }
        }
        summary.duo_reports = self.duo_reports;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::{self, Loaded};
    use crate::eval::RunOptions;
    use crate::io::events::{EventsFile, ReadOptions, parse_event_files};
    use std::path::Path;
    use std::sync::OnceLock;

    const FORMATS: [OutputFormat; 4] = [
        OutputFormat::Json,
        OutputFormat::Table,
        OutputFormat::Csv,
        OutputFormat::CsvNl,
    ];

    /// The MLG policy, its roster and its run over the shipped sample.
    struct Sample {
        policy: Policy,
        roster: Roster,
        result: RunResult,
    }

    fn sample() -> &'static Sample {
        static SAMPLE: OnceLock<Sample> = OnceLock::new();
        SAMPLE.get_or_init(|| {
            let root = Path::new(env!("CARGO_MANIFEST_DIR"));
            let policy = match check::load(&root.join("policies/mlg/2022-2023.verzuim")) {
                Ok(Loaded::Policy { policy, .. }) => policy,
                _ => panic!("the MLG policy loads"),
            };
            let roster_path = root.join("data/roster-2022-2023.csv");
            let (roster, _) =
                crate::io::roster::read_roster(&policy, roster_path.to_str().unwrap())
                    .expect("the sample roster reads");
            let events = root.join("data/sample-2022-2023.csv");
            let files = vec![EventsFile::read(events.to_str().unwrap()).expect("sample reads")];
            let opts = ReadOptions {
                roster: Some(&roster),
                ..ReadOptions::default()
            };
            let read = parse_event_files(&policy, &files, opts).expect("the sample is valid");
            let result = crate::eval::run(
                &policy,
                &read.registrations,
                Some(&roster),
                &RunOptions::default(),
            );
            Sample {
                policy,
                roster,
                result,
            }
        })
    }

    /// The actions of `actions` split into runs of one `triggered_on` each.
    fn days(actions: &[ActionRecord]) -> Vec<&[ActionRecord]> {
        actions
            .chunk_by(|a, b| a.triggered_on == b.triggered_on)
            .collect()
    }

    fn filters() -> Vec<ActionFilter> {
        let d = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        vec![
            ActionFilter::default(),
            ActionFilter {
                from: Some(d("2022-10-01")),
                to: Some(d("2023-02-01")),
                roles: vec!["mentor".into(), "lpa".into()],
                ..ActionFilter::default()
            },
            ActionFilter {
                classes: vec!["4a".into()],
                ..ActionFilter::default()
            },
            ActionFilter {
                students: vec!["NOBODY".into()],
                ..ActionFilter::default()
            },
        ]
    }

    /// Bytes of `result` through `sink` (for `format`) and `filter`, fed
    /// in one call or day by day.
    fn written(
        s: &Sample,
        format: OutputFormat,
        filter: &ActionFilter,
        widths: Option<TableWidths>,
        per_day: bool,
    ) -> Vec<u8> {
        let mut out = Vec::new();
        let described = filter.describe();
        let inner = match widths {
            Some(w) => sink_with_widths(
                format,
                &mut out,
                &s.policy,
                Some(&s.roster),
                Some(&described),
                w,
            ),
            None => sink(
                format,
                &mut out,
                &s.policy,
                Some(&s.roster),
                Some(&described),
            ),
        };
        let mut sink = Filtered::new(filter, &s.policy, Some(&s.roster), inner);
        if per_day {
            for day in days(&s.result.actions) {
                sink.actions(day).unwrap();
            }
        } else {
            sink.actions(&s.result.actions).unwrap();
        }
        sink.finish(&s.result.summary).unwrap();
        drop(sink);
        out
    }

    #[test]
    fn one_call_and_one_call_per_day_give_the_same_bytes() {
        let s = sample();
        assert!(days(&s.result.actions).len() > 100);
        for filter in filters() {
            for format in FORMATS {
                let widths = TableWidths::of_actions(Some(&s.roster), &s.result.actions);
                for widths in [None, Some(widths)] {
                    let whole = written(s, format, &filter, widths, false);
                    let daily = written(s, format, &filter, widths, true);
                    assert!(
                        whole == daily,
                        "{format:?} with {filter:?}: per-day output differs"
                    );
                }
            }
        }
    }

    #[test]
    fn the_buffered_path_writes_the_old_filtered_result() {
        let s = sample();
        for filter in filters() {
            let mut old = s.result.clone();
            filter.apply(&s.policy, Some(&s.roster), &mut old);
            let mut via_sink = Vec::new();
            write_result(
                OutputFormat::Json,
                &mut via_sink,
                &s.policy,
                Some(&s.roster),
                &filter,
                None,
                &s.result,
            )
            .unwrap();
            let mut expected = Vec::new();
            crate::io::output::write_json(&mut expected, &old).unwrap();
            assert!(via_sink == expected, "{filter:?}");
            let last = via_sink[..via_sink.len() - 1]
                .rsplit(|&b| b == b'\n')
                .next()
                .unwrap();
            let summary: serde_json::Value = serde_json::from_slice(last).unwrap();
            assert_eq!(summary["filtered"], !filter.is_empty(), "{filter:?}");
        }
    }

    #[test]
    fn incremental_counts_equal_count_actions() {
        let s = sample();
        for filter in filters() {
            let selection = filter.selection(Some(&s.roster));
            let chosen: Vec<ActionRecord> = s
                .result
                .actions
                .iter()
                .filter(|a| selection.selects(a))
                .cloned()
                .collect();
            let mut expected = s.result.summary.clone();
            expected.count_actions(&s.policy, &chosen);
            let mut counts = ActionCounts::new(&s.policy);
            for day in days(&chosen) {
                counts.add(day);
            }
            let mut got = s.result.summary.clone();
            got.actions_per_role.clear();
            got.students_per_step.clear();
            got.duo_reports = 0;
            counts.set(&mut got);
            assert_eq!(got, expected, "{filter:?}");
        }
        // Unfiltered, the counts are those of the run itself.
        let mut counts = ActionCounts::new(&s.policy);
        counts.add(&s.result.actions);
        let mut got = RunSummary::default();
        counts.set(&mut got);
        assert_eq!(got.students_per_step, s.result.summary.students_per_step);
        assert_eq!(got.actions_per_role, s.result.summary.actions_per_role);
        assert_eq!(got.duo_reports, s.result.summary.duo_reports);
        assert!(got.duo_reports > 0);
    }

    #[test]
    fn no_actions_still_write_the_header_or_summary() {
        let s = sample();
        for format in FORMATS {
            let mut out = Vec::new();
            let mut sink = sink(format, &mut out, &s.policy, None, None);
            sink.finish(&RunSummary::default()).unwrap();
            drop(sink);
            let text = String::from_utf8(out).unwrap();
            match format {
                OutputFormat::Json => assert!(text.starts_with(r#"{"type":"summary""#)),
                OutputFormat::Table => assert!(text.starts_with("Geen acties.\n\n── Samenvatting")),
                OutputFormat::Csv => assert_eq!(text.lines().count(), 1),
                OutputFormat::CsvNl => assert!(text.starts_with("\u{feff}id;")),
            }
        }
    }
}
