//! `verzuim run --sorted`: events sorted by date are read one date at a
//! time ([`SortedEvents`]), evaluated as they come ([`Stream`]) and each
//! date's actions written before the next date is read ([`ActionSink`]).
//! Neither the input nor the output is held: memory is the students'
//! evaluation state (see docs/performance.md).
//!
//! Reading and parsing run on a second thread, one date ahead of the
//! evaluation, so the two cores of a small machine share the work.
//!
//! Strictness is that of the buffered run — every bad row is listed with
//! its location and the exit code is 1 — with one difference: the actions
//! of the dates before the first bad row may already be written.

use super::{Gather, Output, note_merges, report_problems, report_problems_as, warn_no_roster};
use crate::cli::progress::Progress;
use crate::cli::{CliError, Outcome, Reporter};
use crate::eval::{RunOptions, Stream};
use crate::io::events::EventsRead;
use crate::io::output::OutputFormat;
use crate::io::sink::{ActionSink, Filtered, sink};
use crate::io::stream::{DayBatch, SortedEvents};
use crate::io::{DataError, ReadError, display_name};
use crate::model::Policy;
use std::io::{BufWriter, Write};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::sync_channel;

/// Dates read ahead of the evaluation.
const READ_AHEAD: usize = 4;

/// What the reading thread sends: a date's batch, its errors, or the I/O
/// error that ended reading.
type Item = Result<DayBatch, ReadError>;

/// Run `args` over date-sorted events (see the module docs).
pub(super) fn run_sorted(
    args: &super::RunArgs,
    policy: &Policy,
    out: &Output<'_>,
    reporter: &Reporter,
) -> Outcome {
    let roster = out.roster;
    let events = match SortedEvents::open(policy, &args.events, roster) {
        Ok(e) => e,
        Err(e) => {
            let mut g = Gather {
                reporter,
                problems: Vec::new(),
                outcome: Outcome::Success,
            };
            g.take::<()>(Err(e));
            if !g.problems.is_empty() {
                report_problems(g.problems, reporter);
                return Outcome::Failure;
            }
            return g.outcome.max(Outcome::Failure);
        }
    };
    let total = events.progress().1.unwrap_or(0);
    let progress = Progress::new(total, reporter.format);
    let read = AtomicU64::new(0);
    let opts = RunOptions {
        as_of: args.as_of,
        ..RunOptions::default()
    };
    let described = out.filter.describe();
    let mut merged = EventsRead::default();
    let mut problems: Vec<DataError> = Vec::new();
    let mut read_error = None;
    let written = std::thread::scope(|scope| {
        let (tx, rx) = sync_channel::<Item>(READ_AHEAD);
        let read = &read;
        scope.spawn(move || {
            let mut events = events;
            while let Some(item) = events.next_batch() {
                read.store(events.progress().0, Ordering::Relaxed);
                if tx.send(item).is_err() {
                    break;
                }
            }
        });
        let w = BufWriter::with_capacity(1 << 16, crate::cli::out::stdout());
        let inner = sink(args.format, w, policy, roster, Some(&described));
        let mut sink = Filtered::new(out.filter, policy, roster, inner);
        let mut stream = Stream::new(policy, roster, opts);
        let mut result = Ok(());
        for item in rx {
            progress.read(read.load(Ordering::Relaxed));
            match item {
                Err(ReadError::Invalid(es)) => problems.extend(es),
                Err(ReadError::Io { path, error }) => {
                    // As without --sorted: a read error (exit 2); nothing
                    // more is read.
                    read_error = Some(CliError::Read {
                        path: display_name(&path),
                        reason: error.to_string(),
                    });
                    break;
                }
                Ok(batch) => {
                    merged.duplicates_merged += batch.duplicates_merged;
                    merged.replaced += batch.replaced;
                    merged.registrations.ignored += batch.ignored;
                    // After a bad row nothing more is evaluated; the rest
                    // is read to list every problem.
                    if problems.is_empty() && result.is_ok() {
                        stream.add_students(batch.new_students);
                        let actions = stream.push(batch.date, batch.rows);
                        result = sink.actions(&actions);
                    }
                }
            }
        }
        if read_error.is_some() {
            // The whole days read before the error, as they are.
            return result.and_then(|()| sink.flush());
        }
        if !problems.is_empty() {
            // The whole days before the first problem, as they are.
            return result.and_then(|()| sink.flush());
        }
        progress.phase("writing");
        let (actions, mut summary) = stream.finish();
        summary.ignored = merged.registrations.ignored;
        summary.duplicates_merged = merged.duplicates_merged;
        summary.replaced = merged.replaced;
        result
            .and_then(|()| sink.actions(&actions))
            .and_then(|()| sink.finish(&summary))
    });
    progress.clear();
    if let Some(e) = read_error {
        reporter.error(e);
        return Outcome::Usage;
    }
    if !problems.is_empty() {
        report_problems_as(problems, reporter, |counts| CliError::Stopped { counts });
        return Outcome::Failure;
    }
    if let Err(e) = written.and_then(|()| crate::cli::out::stdout().flush()) {
        reporter.error(CliError::Write {
            path: "<stdout>".into(),
            reason: e.to_string(),
        });
        return Outcome::Usage;
    }
    warn_no_roster(args, policy, reporter);
    if matches!(args.format, OutputFormat::Csv | OutputFormat::CsvNl) {
        note_merges(&merged, reporter);
    }
    Outcome::Success
}
