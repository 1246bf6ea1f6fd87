//! `verzuim generate`: synthetic registrations (and a roster) for the
//! school days of a policy's or calendar file's calendar. See
//! [`crate::generate`] and `docs/generator.md`.

use super::check::load_error;
use super::{CliError, Outcome, Reporter, out};
use crate::calendar::Calendar;
use crate::check::{self, Loaded};
use crate::generate::{GenKinds, GenOptions, Order, write_events_in, write_roster};
use miette::Diagnostic;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use thiserror::Error;

/// The roster group name used when the calendar file is not a policy.
pub const DEFAULT_GROUP: &str = "veel verzuim 21/22";

/// Arguments of `verzuim generate`.
#[derive(Debug, clap::Args)]
pub struct GenerateArgs {
    /// Number of students.
    #[arg(long, value_name = "N")]
    pub students: u32,
    /// Random seed: the same seed gives the same bytes.
    #[arg(long, value_name = "S")]
    pub seed: u64,
    /// A policy (its calendar, kinds and signals) or a calendar file.
    #[arg(long, value_name = "POLICY_OR_CALENDAR")]
    pub calendar: PathBuf,
    /// Write the events here instead of to stdout.
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Also write a roster (names, classes, mentors, groups) here.
    #[arg(long, value_name = "FILE")]
    pub roster_output: Option<PathBuf>,
    /// Row order: by student (then date), or by date (then student), as
    /// `verzuim run --sorted` reads. The same rows either way.
    #[arg(long, value_enum, value_name = "ORDER", default_value = "student")]
    pub order: Order,
}

/// The policy lacks event kinds the generator writes.
#[derive(Debug, Error, Diagnostic)]
#[error(
    "`{path}` has no event kind {missing}: the generator writes late, sick, truancy, removal and authorized"
)]
#[diagnostic(
    code("verzuim::generate::missing-kind"),
    help("declare the kinds in the policy, or generate from its calendar file")
)]
pub struct MissingKinds {
    /// The policy file.
    pub path: String,
    /// `` `removal` `` or `` `removal`, `late` ``.
    pub missing: String,
}

/// Run `generate`.
pub fn generate(args: &GenerateArgs, reporter: &Reporter) -> Outcome {
    if args.output.is_some() && args.output == args.roster_output {
        reporter.error(CliError::Usage {
            message: "`--output` and `--roster-output` name the same file".into(),
            help: Some("write the events and the roster to two different files".into()),
        });
        return Outcome::Usage;
    }
    let (calendar, kinds, group) = match load(&args.calendar, reporter) {
        Ok(x) => x,
        Err(o) => return o,
    };
    let opts = GenOptions {
        students: args.students,
        seed: args.seed,
    };
    let rows = match write_to(args.output.as_deref(), |w| {
        write_events_in(w, &calendar, &kinds, opts, args.order)
    }) {
        Ok(rows) => rows,
        Err(e) => {
            reporter.error(e);
            return Outcome::Usage;
        }
    };
    if let Some(path) = &args.roster_output {
        let written = write_to(Some(path), |w| {
            write_roster(w, &calendar, group.as_deref(), opts)
        });
        if let Err(e) = written {
            reporter.error(e);
            return Outcome::Usage;
        }
    }
    if let Some(path) = &args.output {
        let _ = writeln!(
            out::stdout(),
            "{}: {rows} rows for {} students",
            path.display(),
            args.students
        );
    }
    Outcome::Success
}

type Source = (Calendar, GenKinds, Option<String>);

/// The calendar, the kinds to write and the roster group name.
fn load(path: &Path, reporter: &Reporter) -> Result<Source, Outcome> {
    match check::load(path) {
        Ok(Loaded::Calendar { calendar, warnings }) => {
            reporter.report_all(&warnings);
            Ok((
                calendar,
                GenKinds::standard(),
                Some(DEFAULT_GROUP.to_string()),
            ))
        }
        Ok(Loaded::Policy { policy, warnings }) => {
            reporter.report_all(&warnings);
            match GenKinds::from_policy(&policy) {
                Ok(kinds) => {
                    let group = policy.groups.iter().find(|g| g.conditions.is_empty());
                    let group = group.map(|g| g.name.clone());
                    Ok((policy.calendar, kinds, group))
                }
                Err(missing) => {
                    let missing: Vec<String> = missing.iter().map(|m| format!("`{m}`")).collect();
                    reporter.report(&miette::Report::new(MissingKinds {
                        path: path.display().to_string(),
                        missing: missing.join(", "),
                    }));
                    Err(Outcome::Failure)
                }
            }
        }
        Err(e) => Err(load_error(e, reporter)),
    }
}

/// Run `f` on a buffered writer to `path` (stdout when `None`) and flush.
fn write_to<T>(
    path: Option<&Path>,
    f: impl FnOnce(&mut dyn Write) -> std::io::Result<T>,
) -> Result<T, CliError> {
    let name = path.map_or("<stdout>".to_string(), |p| p.display().to_string());
    let werr = |e: std::io::Error| CliError::Write {
        path: name.clone(),
        reason: e.to_string(),
    };
    let sink: Box<dyn Write> = match path {
        Some(p) => Box::new(std::fs::File::create(p).map_err(werr)?),
        None => Box::new(out::stdout()),
    };
    let mut w = BufWriter::new(sink);
    let value = f(&mut w).map_err(werr)?;
    w.flush().map_err(werr)?;
    Ok(value)
}
