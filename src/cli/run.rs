//! `verzuim run POLICY EVENTS`: load the policy, read the events (and the
//! roster), run the interpreter, write the actions to stdout.

use super::check::load_error;
use super::{CliError, Outcome, Reporter, parse_date_arg};
use crate::check::{self, Loaded};
use crate::eval::{self, Registrations, Roster, RunOptions};
use crate::io::output::{OutputFormat, write_json};
use crate::io::table::write_table;
use crate::io::{DataError, DataErrorCode, ReadError, display_name, events, roster};
use crate::model::Policy;
use chrono::NaiveDate;
use std::collections::BTreeMap;
use std::io::{BufWriter, Write};
use std::path::PathBuf;

/// Arguments of `verzuim run`.
#[derive(Debug, clap::Args)]
pub struct RunArgs {
    /// The policy file.
    #[arg(value_name = "POLICY")]
    pub policy: PathBuf,
    /// The events CSV (`-`: standard input).
    #[arg(value_name = "EVENTS")]
    pub events: String,
    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Table)]
    pub format: OutputFormat,
    /// Evaluate up to and including this date (YYYY-MM-DD).
    #[arg(long, value_name = "DATE", value_parser = parse_date_arg)]
    pub as_of: Option<NaiveDate>,
    /// Roster CSV: names, mentors, groups, exemptions.
    #[arg(long, value_name = "FILE")]
    pub roster: Option<String>,
}

/// Run `run`.
pub fn run(args: &RunArgs, reporter: &Reporter) -> Outcome {
    let policy = match load_policy(&args.policy, reporter) {
        Ok(p) => p,
        Err(o) => return o,
    };
    let (regs, roster) = match read_inputs(args, &policy, reporter) {
        Ok(x) => x,
        Err(o) => return o,
    };
    if let Some(r) = &roster {
        warn_unknown_students(&args.events, &regs, r, reporter);
    }
    let opts = RunOptions {
        as_of: args.as_of,
        ..RunOptions::default()
    };
    let result = eval::run(&policy, &regs, roster.as_ref(), &opts);
    let stdout = std::io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let written = match args.format {
        OutputFormat::Json => write_json(&mut out, &result),
        OutputFormat::Table => write_table(&mut out, &policy, roster.as_ref(), &result),
    };
    match written.and_then(|()| out.flush()) {
        Ok(()) => Outcome::Success,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Outcome::Success,
        Err(e) => {
            reporter.error(CliError::Write {
                path: "<stdout>".into(),
                reason: e.to_string(),
            });
            Outcome::Usage
        }
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

/// Read the roster and the events, reporting every problem of both.
fn read_inputs(
    args: &RunArgs,
    policy: &Policy,
    reporter: &Reporter,
) -> Result<(Registrations, Option<Roster>), Outcome> {
    let mut g = Gather {
        reporter,
        problems: Vec::new(),
        outcome: Outcome::Success,
    };
    let roster = args
        .roster
        .as_deref()
        .and_then(|p| g.take(roster::read_roster(policy, p)));
    let roster = roster.map(|(r, warnings)| {
        warnings
            .into_iter()
            .for_each(|w| reporter.report(&w.into_report()));
        r
    });
    let regs = g.take(events::read_events(policy, &args.events));
    if !g.problems.is_empty() {
        report_problems(std::mem::take(&mut g.problems), reporter);
        g.outcome = g.outcome.max(Outcome::Failure);
    }
    match (g.outcome, regs) {
        (Outcome::Success, Some(regs)) => Ok((regs, roster)),
        (o, _) => Err(o.max(Outcome::Failure)),
    }
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
    reporter.error(CliError::Rejected {
        counts: counts.join(", "),
    });
}

/// One warning when students with registrations are missing from the roster.
fn warn_unknown_students(events: &str, regs: &Registrations, roster: &Roster, reporter: &Reporter) {
    // Student index → the first line it appears on, for students not in the roster.
    let mut missing: BTreeMap<u32, u64> = BTreeMap::new();
    for r in &regs.rows {
        let known = regs
            .students
            .get(r.student as usize)
            .is_none_or(|id| roster.students.contains_key(id));
        if !known {
            let line = missing.entry(r.student).or_insert(r.origin.line);
            *line = (*line).min(r.origin.line);
        }
    }
    let Some((&idx, &line)) = missing.iter().min_by_key(|(_, line)| **line) else {
        return;
    };
    let first = regs.students.get(idx as usize).map_or("", String::as_str);
    let n = missing.len();
    let msg = match n {
        1 => format!("student `{first}` is not in the roster"),
        _ => format!("{n} students are not in the roster (the first is `{first}`)"),
    };
    let help = Some("they are run as members of no group, without name or mentor".to_string());
    let w = DataError::new(
        DataErrorCode::UnknownStudent,
        display_name(events),
        line,
        1,
        msg,
        help,
    );
    reporter.report(&w.warning().into_report());
}
