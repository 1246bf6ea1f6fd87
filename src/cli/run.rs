//! `verzuim run POLICY EVENTS...`: load the policy, read the events (one or
//! more files, merged) and the roster, run the interpreter, select the
//! actions (output filters) and write them to stdout.

use super::check::load_error;
use super::progress::Progress;
use super::{CliError, Outcome, Reporter, parse_date_arg};
use crate::check::{self, Loaded};
use crate::eval::{self, Roster, RunOptions, RunResult};
use crate::io::events::{EventsFile, EventsRead, ReadOptions, parse_event_files};
use crate::io::filter::{ActionFilter, same_name};
use crate::io::output::OutputFormat;
use crate::io::sink::write_result;
use crate::io::{DataError, ReadError, did_you_mean, display_name, join_list, roster};
use crate::model::Policy;
use chrono::NaiveDate;
use miette::Diagnostic;
use std::collections::BTreeMap;
use std::io::{BufWriter, Write};
use std::path::PathBuf;
use thiserror::Error;

mod sorted;

/// Arguments of `verzuim run`.
#[derive(Debug, clap::Args)]
pub struct RunArgs {
    /// The policy file.
    #[arg(value_name = "POLICY")]
    pub policy: PathBuf,
    /// Events files, CSV or JSON Lines (`-`: standard input); a later file's
    /// registration replaces an earlier one with the same key.
    #[arg(value_name = "EVENTS", required = true, num_args = 1..)]
    pub events: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Table)]
    pub format: OutputFormat,
    /// Evaluate up to and including this date (YYYY-MM-DD).
    #[arg(long, value_name = "DATE", value_parser = parse_date_arg)]
    pub as_of: Option<NaiveDate>,
    /// Roster CSV: names, mentors, groups, exemptions, enrolment.
    #[arg(long, value_name = "FILE")]
    pub roster: Option<String>,
    /// Output only actions triggered on or after this date.
    #[arg(long, value_name = "DATE", value_parser = parse_date_arg)]
    pub from: Option<NaiveDate>,
    /// Output only actions triggered on or before this date.
    #[arg(long, value_name = "DATE", value_parser = parse_date_arg)]
    pub to: Option<NaiveDate>,
    /// Output only this student's actions (repeatable).
    #[arg(long = "student", value_name = "ID")]
    pub students: Vec<String>,
    /// Output only actions in which this role acts (repeatable).
    #[arg(long = "role", value_name = "ROLE")]
    pub roles: Vec<String>,
    /// Output only actions for students of this mentor (roster; repeatable).
    #[arg(long = "mentor", value_name = "NAME")]
    pub mentors: Vec<String>,
    /// Output only actions for students of this class (roster; repeatable).
    #[arg(long = "class", value_name = "NAME")]
    pub classes: Vec<String>,
    /// The events are sorted by date: stream them, one date at a time
    /// (neither the input nor the output is held in memory).
    #[arg(long)]
    pub sorted: bool,
}

impl RunArgs {
    /// The output filters.
    pub fn filter(&self) -> ActionFilter {
        ActionFilter {
            from: self.from,
            to: self.to,
            students: self.students.clone(),
            roles: self.roles.clone(),
            mentors: self.mentors.clone(),
            classes: self.classes.clone(),
        }
    }
}

/// Rows dropped while merging, reported on stderr when the output has no
/// summary (`csv`, `csv-nl`).
#[derive(Debug, Error, Diagnostic)]
#[error("{message}")]
#[diagnostic(code("verzuim::data::merged"), severity(Advice))]
pub struct MergedNote {
    /// `2 identical rows merged, 1 row replaced by a later file`.
    pub message: String,
}

/// A run without `--roster` of a policy with a group whose members come
/// from the roster: no student is in it.
#[derive(Debug, Error, Diagnostic)]
#[error(
    "the policy's group `{id}` (\"{name}\") takes its members from the roster; without --roster no student is in it"
)]
#[diagnostic(
    code("verzuim::data::no-roster"),
    severity(Warning),
    help("pass --roster FILE")
)]
pub struct NoRosterWarning {
    /// The group's ID.
    pub id: String,
    /// The group's name.
    pub name: String,
}

/// Warn about each roster-membership group when no roster is given.
fn warn_no_roster(args: &RunArgs, policy: &Policy, reporter: &Reporter) {
    if args.roster.is_some() {
        return;
    }
    for g in policy.groups.iter().filter(|g| g.conditions.is_empty()) {
        let w = NoRosterWarning {
            id: g.id.clone(),
            name: g.name.clone(),
        };
        reporter.report(&miette::Report::new(w));
    }
}

/// Run `run`.
pub fn run(args: &RunArgs, reporter: &Reporter) -> Outcome {
    let filter = args.filter();
    if let Err(e) = check_usage(args, &filter) {
        reporter.error(e);
        return Outcome::Usage;
    }
    let policy = match load_policy(&args.policy, reporter) {
        Ok(p) => p,
        Err(o) => return o,
    };
    if let Err(e) = check_as_of(args.as_of, &policy) {
        reporter.error(e);
        return Outcome::Usage;
    }
    if args.sorted {
        return run_sorted(args, &policy, &filter, reporter);
    }
    let (read, roster, progress) = match read_inputs(args, &policy, reporter) {
        Ok(x) => x,
        Err(o) => return o,
    };
    if let Err(e) = check_filter(&policy, roster.as_ref(), &filter) {
        progress.clear();
        reporter.error(e);
        return Outcome::Usage;
    }
    progress.phase("running");
    let opts = RunOptions {
        as_of: args.as_of,
        ..RunOptions::default()
    };
    let mut result = eval::run(&policy, &read.registrations, roster.as_ref(), &opts);
    result.summary.duplicates_merged = read.duplicates_merged;
    result.summary.replaced = read.replaced;
    progress.phase("writing");
    let out = Output {
        policy: &policy,
        roster: roster.as_ref(),
        filter: &filter,
    };
    let outcome = out.write(args.format, &result, reporter);
    progress.clear();
    warn_no_roster(args, &policy, reporter);
    if matches!(args.format, OutputFormat::Csv | OutputFormat::CsvNl) {
        note_merges(&read, reporter);
    }
    outcome
}

/// `run --sorted`: the roster first, then the events streamed.
fn run_sorted(
    args: &RunArgs,
    policy: &Policy,
    filter: &ActionFilter,
    reporter: &Reporter,
) -> Outcome {
    let mut g = Gather {
        reporter,
        problems: Vec::new(),
        outcome: Outcome::Success,
    };
    let roster = read_roster_arg(args, policy, &mut g);
    if !g.problems.is_empty() {
        report_problems(std::mem::take(&mut g.problems), reporter);
        return g.outcome.max(Outcome::Failure);
    }
    if g.outcome != Outcome::Success {
        return g.outcome;
    }
    if let Err(e) = check_filter(policy, roster.as_ref(), filter) {
        reporter.error(e);
        return Outcome::Usage;
    }
    let out = Output {
        policy,
        roster: roster.as_ref(),
        filter,
    };
    sorted::run_sorted(args, policy, &out, reporter)
}

/// Arguments that are wrong before anything is read.
fn check_usage(args: &RunArgs, filter: &ActionFilter) -> Result<(), CliError> {
    if args.events.iter().filter(|e| *e == "-").count() > 1 {
        return Err(usage("standard input (`-`) can be read once only", None));
    }
    if let (Some(from), Some(to)) = (args.from, args.to)
        && to < from
    {
        let msg = format!("--to {to} is before --from {from}");
        return Err(usage(&msg, Some("give the earlier date to --from")));
    }
    if filter.needs_roster() && args.roster.is_none() {
        let flag = if args.mentors.is_empty() {
            "--class"
        } else {
            "--mentor"
        };
        let msg = format!("{flag} needs a roster: the mentors and classes come from it");
        return Err(usage(&msg, Some("add --roster FILE")));
    }
    Ok(())
}

/// `--as-of` must lie in the policy's school year: from its first school
/// day up to and including 31 July of its end year.
fn check_as_of(as_of: Option<NaiveDate>, policy: &Policy) -> Result<(), CliError> {
    let Some(as_of) = as_of else {
        return Ok(());
    };
    let (start_year, end_year) = policy.school_year;
    let first = policy
        .calendar
        .school_days()
        .first()
        .copied()
        .or_else(|| NaiveDate::from_ymd_opt(start_year, 8, 1));
    let last = NaiveDate::from_ymd_opt(end_year, 7, 31);
    let (Some(first), Some(last)) = (first, last) else {
        return Ok(());
    };
    if as_of < first || as_of > last {
        let msg = format!(
            "--as-of {as_of} is outside the policy's school year {start_year}-{end_year} ({first} .. {last})"
        );
        let help = format!("give a date from {first} to {last}");
        return Err(usage(&msg, Some(&help)));
    }
    Ok(())
}

/// Filter values that name nothing: an unknown role, a mentor or class no
/// student of the roster has.
fn check_filter(
    policy: &Policy,
    roster: Option<&Roster>,
    filter: &ActionFilter,
) -> Result<(), CliError> {
    let roles = policy.roles.iter().map(|r| r.id.as_str());
    for r in &filter.roles {
        if !roles.clone().any(|id| id == r) {
            let msg = format!(
                "unknown role `{r}` (expected one of: {})",
                join_list(roles.clone())
            );
            let help = did_you_mean(r, roles.clone()).map(|s| format!("did you mean `{s}`?"));
            return Err(usage(&msg, help.as_deref()));
        }
    }
    let Some(roster) = roster else {
        return Ok(());
    };
    let mentors: std::collections::BTreeSet<&str> = roster
        .students
        .values()
        .filter_map(|i| i.mentor.as_deref())
        .collect();
    for m in &filter.mentors {
        if !mentors.iter().any(|v| same_name(m, v)) {
            let msg = format!("no student in the roster has the mentor `{m}`");
            let help = match similar_names(m, &mentors).as_slice() {
                [] => "write the mentor as in the roster's `mentor` column (case is ignored)"
                    .to_string(),
                [one] => format!("did you mean `{one}`?"),
                many => format!("did you mean one of: `{}`?", many.join("`, `")),
            };
            return Err(usage(&msg, Some(&help)));
        }
    }
    let classes: Vec<&str> = roster
        .students
        .values()
        .filter_map(|i| i.class.as_deref())
        .collect();
    for c in &filter.classes {
        if !classes.iter().any(|v| same_name(c, v)) {
            let msg = format!("no student in the roster is in class `{c}`");
            let help = did_you_mean(c, classes.iter().copied())
                .map(|s| format!("did you mean `{s}`?"))
                .unwrap_or_else(|| "write the class as in the roster's `class` column".into());
            return Err(usage(&msg, Some(&help)));
        }
    }
    Ok(())
}

/// Roster names close to `given`: those containing it, or contained in
/// it, ignoring case (at most 3, sorted); else the one nearest in spelling.
fn similar_names<'a>(given: &str, names: &std::collections::BTreeSet<&'a str>) -> Vec<&'a str> {
    let g = given.trim().to_lowercase();
    if g.is_empty() {
        return Vec::new();
    }
    let mut found: Vec<&str> = names
        .iter()
        .copied()
        .filter(|n| {
            let n = n.to_lowercase();
            n.contains(&g) || g.contains(&n)
        })
        .collect();
    if found.is_empty() {
        found.extend(did_you_mean(given, names.iter().copied()));
    }
    found.truncate(3);
    found
}

fn usage(message: &str, help: Option<&str>) -> CliError {
    CliError::Usage {
        message: message.to_string(),
        help: help.map(str::to_string),
    }
}

/// Where the output goes and what it needs besides the result.
struct Output<'a> {
    policy: &'a Policy,
    roster: Option<&'a Roster>,
    filter: &'a ActionFilter,
}

impl Output<'_> {
    /// Write the actions of `result` that the output filters select, and
    /// its summary (counting those actions), to stdout in `format`.
    fn write(&self, format: OutputFormat, result: &RunResult, reporter: &Reporter) -> Outcome {
        let mut out = BufWriter::with_capacity(1 << 16, super::out::stdout());
        let described = self.filter.describe();
        let written = write_result(
            format,
            &mut out,
            self.policy,
            self.roster,
            self.filter,
            Some(&described),
            result,
        );
        match written.and_then(|()| out.flush()) {
            Ok(()) => Outcome::Success,
            Err(e) => {
                reporter.error(CliError::Write {
                    path: "<stdout>".into(),
                    reason: e.to_string(),
                });
                Outcome::Usage
            }
        }
    }
}

/// For outputs without a summary: say how many rows were merged or
/// replaced, so that it is never silent.
fn note_merges(read: &EventsRead, reporter: &Reporter) {
    let plural = |n: u64, one: &str, many: &str| {
        if n == 1 {
            format!("1 {one}")
        } else {
            format!("{n} {many}")
        }
    };
    let mut parts = Vec::new();
    if read.duplicates_merged > 0 {
        parts.push(plural(
            read.duplicates_merged,
            "identical row merged",
            "identical rows merged",
        ));
    }
    if read.replaced > 0 {
        parts.push(plural(
            read.replaced,
            "row replaced by a later file",
            "rows replaced by later files",
        ));
    }
    if !parts.is_empty() {
        let message = format!("{} (the csv output has no summary)", parts.join(", "));
        reporter.report(&miette::Report::new(MergedNote { message }));
    }
}

/// Load a file that must be a policy; warnings are reported.
pub fn load_policy(path: &std::path::Path, reporter: &Reporter) -> Result<Policy, Outcome> {
    match check::load(path) {
        Ok(Loaded::Policy { policy, warnings }) => {
            reporter.report_all(&warnings);
            Ok(policy)
        }
        Ok(Loaded::Calendar { .. }) => {
            reporter.error(CliError::Usage {
                message: format!("`{}` is a calendar, not a policy", path.display()),
                help: Some("give the policy file that uses this calendar".into()),
            });
            Err(Outcome::Usage)
        }
        Err(e) => Err(load_error(e, reporter)),
    }
}

/// The inputs of a run: the merged events, the roster, the progress shown.
type Inputs = (EventsRead, Option<Roster>, Progress);

/// Read the roster and the events, reporting every problem of all files.
fn read_inputs(args: &RunArgs, policy: &Policy, reporter: &Reporter) -> Result<Inputs, Outcome> {
    let mut g = Gather {
        reporter,
        problems: Vec::new(),
        outcome: Outcome::Success,
    };
    let roster = read_roster_arg(args, policy, &mut g);
    let files: Vec<EventsFile> = args
        .events
        .iter()
        .filter_map(|p| g.take(EventsFile::read(p)))
        .collect();
    let mut progress = Progress::hidden();
    let mut read = None;
    if g.outcome == Outcome::Success {
        let total = files.iter().map(|f| f.text.len() as u64).sum();
        progress = Progress::new(total, reporter.format);
        let report = |bytes| progress.read(bytes);
        let opts = ReadOptions {
            roster: roster.as_ref(),
            progress: Some(&report),
        };
        read = g.take(parse_event_files(policy, &files, opts).map_err(ReadError::Invalid));
    }
    drop(files);
    if !g.problems.is_empty() {
        progress.clear();
        report_problems(std::mem::take(&mut g.problems), reporter);
        g.outcome = g.outcome.max(Outcome::Failure);
    }
    match (g.outcome, read) {
        (Outcome::Success, Some(read)) => Ok((read, roster, progress)),
        (o, _) => Err(o.max(Outcome::Failure)),
    }
}

/// The `--roster` file, if any, read into `g` (its warnings reported).
fn read_roster_arg(args: &RunArgs, policy: &Policy, g: &mut Gather) -> Option<Roster> {
    let (roster, warnings) = g.take(roster::read_roster(policy, args.roster.as_deref()?))?;
    for w in warnings {
        g.reporter.report(&w.into_report());
    }
    Some(roster)
}

/// Collects the data errors of several inputs; I/O errors are reported at
/// once.
struct Gather<'a> {
    reporter: &'a Reporter,
    problems: Vec<DataError>,
    outcome: Outcome,
}

impl Gather<'_> {
    fn take<T>(&mut self, read: Result<T, ReadError>) -> Option<T> {
        match read {
            Ok(x) => Some(x),
            Err(ReadError::Invalid(es)) => {
                self.problems.extend(es);
                None
            }
            Err(ReadError::Io { path, error }) => {
                self.reporter.error(CliError::Read {
                    path: display_name(&path),
                    reason: error.to_string(),
                });
                self.outcome = Outcome::Usage;
                None
            }
        }
    }
}

/// Every data error, then one closing line with the count per file.
fn report_problems(problems: Vec<DataError>, reporter: &Reporter) {
    report_problems_as(problems, reporter, |counts| CliError::Rejected { counts });
}

/// As [`report_problems`], closing with `closing(counts)`.
fn report_problems_as(
    problems: Vec<DataError>,
    reporter: &Reporter,
    closing: impl FnOnce(String) -> CliError,
) {
    let mut per_file: BTreeMap<String, usize> = BTreeMap::new();
    for p in &problems {
        *per_file.entry(p.file.clone()).or_default() += 1;
    }
    for p in problems {
        reporter.report(&p.into_report());
    }
    let counts: Vec<String> = per_file
        .iter()
        .map(|(f, n)| match n {
            1 => format!("1 problem in {f}"),
            n => format!("{n} problems in {f}"),
        })
        .collect();
    reporter.error(closing(counts.join(", ")));
}
