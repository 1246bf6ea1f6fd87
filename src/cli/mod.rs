//! The command line: argument parsing (clap derive), diagnostics on stderr
//! in the chosen `--error-format`, and the exit-code contract:
//!
//! | code | meaning |
//! |---|---|
//! | 0 | success (warnings allowed) |
//! | 1 | a policy, data, test, law or format failure |
//! | 2 | a usage or I/O error |
//!
//! One file per command: [`check`], [`run`], [`generate`], [`test`], [`fmt`];
//! all of them write stdout through [`out::stdout`].

pub mod check;
pub mod fmt;
pub mod generate;
pub mod out;
pub mod progress;
pub mod run;
pub mod test;

pub use crate::diagnostics::{ErrorFormat, render};

use clap::{Parser, Subcommand};
use miette::{Diagnostic, Report};
use std::io::{IsTerminal, Write};
use std::process::ExitCode;
use thiserror::Error;

/// Width diagnostics are rendered at.
pub const DIAGNOSTIC_WIDTH: usize = 100;

/// `verzuim`: a policy language and interpreter for Dutch schools'
/// absence-escalation protocols.
#[derive(Debug, Parser)]
#[command(name = "verzuim", version, about, max_term_width = 100)]
pub struct Cli {
    /// How diagnostics are written to stderr.
    #[arg(long, global = true, value_enum, default_value_t = ErrorFormat::Human)]
    pub error_format: ErrorFormat,
    /// The command.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check policy and calendar files (a directory: every *.verzuim below it).
    Check(check::CheckArgs),
    /// Run a policy over registrations and print the actions it asks for.
    Run(run::RunArgs),
    /// Write synthetic registrations (and optionally a roster) for a calendar.
    Generate(generate::GenerateArgs),
    /// Run policy tests (*.test.verzuim) and report which pass.
    Test(test::TestArgs),
    /// Rewrite policy, calendar and test files in the canonical layout
    /// (a directory: every *.verzuim below it; default: the current directory).
    Fmt(fmt::FmtArgs),
}

/// The process outcome, ordered by severity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Outcome {
    /// Exit 0.
    Success,
    /// Exit 1: policy, data, test, law or format failure.
    Failure,
    /// Exit 2: usage or I/O error.
    Usage,
}

impl From<Outcome> for ExitCode {
    fn from(o: Outcome) -> ExitCode {
        ExitCode::from(match o {
            Outcome::Success => 0,
            Outcome::Failure => 1,
            Outcome::Usage => 2,
        })
    }
}

/// Errors of the command line itself (not of a policy or data file).
#[derive(Debug, Error, Diagnostic)]
pub enum CliError {
    /// An input could not be read.
    #[error("cannot read `{path}`: {reason}")]
    #[diagnostic(code("verzuim::io::read"))]
    Read {
        /// The path as given.
        path: String,
        /// The OS error.
        reason: String,
    },
    /// An output could not be written.
    #[error("cannot write `{path}`: {reason}")]
    #[diagnostic(code("verzuim::io::write"))]
    Write {
        /// The path (`<stdout>` for standard output).
        path: String,
        /// The OS error.
        reason: String,
    },
    /// Data files hold rows that cannot be counted (each was reported).
    #[error("no actions were computed: {counts}")]
    #[diagnostic(
        code("verzuim::data::rejected"),
        help("fix or remove every row listed above and run again")
    )]
    Rejected {
        /// `12 problems in data.csv, 1 problem in roster.csv`.
        counts: String,
    },
    /// A streamed run (`--sorted`) met rows that cannot be counted (each
    /// was reported): evaluation stopped at the first, the rest was read
    /// to list them all.
    #[error(
        "the run stopped at the first problem ({counts} listed above); the actions of the whole dates before it are already written"
    )]
    #[diagnostic(
        code("verzuim::data::rejected"),
        help(
            "fix the rows listed above (or sort the file by date) and run again; discard the partial output"
        )
    )]
    Stopped {
        /// `12 problems in data.csv`.
        counts: String,
    },
    /// The arguments are not valid.
    #[error("{message}")]
    #[diagnostic(code("verzuim::usage"))]
    Usage {
        /// Clap's message, or ours.
        message: String,
        /// What to do.
        #[help]
        help: Option<String>,
    },
}

/// Writes diagnostics to stderr in one format.
#[derive(Debug, Clone, Copy)]
pub struct Reporter {
    /// The format.
    pub format: ErrorFormat,
    /// Colour (only on a terminal, never with `NO_COLOR`).
    pub color: bool,
}

impl Reporter {
    /// A reporter for `format`, coloured when stderr is a terminal.
    pub fn new(format: ErrorFormat) -> Reporter {
        let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
        Reporter { format, color }
    }

    /// Render one report to stderr.
    pub fn report(&self, report: &Report) {
        let mut text = render(report, self.format, DIAGNOSTIC_WIDTH, self.color);
        if !text.ends_with('\n') {
            text.push('\n');
        }
        if self.format != ErrorFormat::Json {
            // A blank line between diagnostics for people.
            text.push('\n');
        }
        let _ = std::io::stderr().lock().write_all(text.as_bytes());
    }

    /// Render every report.
    pub fn report_all(&self, reports: &[Report]) {
        for r in reports {
            self.report(r);
        }
    }

    /// Render a CLI error.
    pub fn error(&self, e: CliError) {
        self.report(&Report::new(e));
    }
}

/// Parse the arguments, run the command, return its exit code.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return clap_error(e).into(),
    };
    let reporter = Reporter::new(cli.error_format);
    let outcome = match cli.command {
        Command::Check(args) => check::check(&args, &reporter),
        Command::Run(args) => run::run(&args, &reporter),
        Command::Generate(args) => generate::generate(&args, &reporter),
        Command::Test(args) => test::test(&args, &reporter),
        Command::Fmt(args) => fmt::fmt(&args, &reporter),
    };
    outcome.max(out::finish(&reporter)).into()
}

/// Help and version go to stdout (exit 0); usage errors are diagnostics
/// (exit 2): clap's own text, or one JSON line with `--error-format json`.
fn clap_error(e: clap::Error) -> Outcome {
    use clap::error::ErrorKind;
    if matches!(
        e.kind(),
        ErrorKind::DisplayHelp
            | ErrorKind::DisplayVersion
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    ) {
        let _ = e.print();
        return if e.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
            Outcome::Usage
        } else {
            Outcome::Success
        };
    }
    match requested_format() {
        ErrorFormat::Human => {
            let _ = e.print();
        }
        format => {
            let text = e.render().to_string();
            let mut lines = text.lines().filter(|l| !l.trim().is_empty());
            let first = lines.next().unwrap_or("invalid arguments");
            let message = first.trim_start_matches("error: ").to_string();
            let rest: Vec<&str> = lines.map(str::trim).collect();
            let help = (!rest.is_empty()).then(|| rest.join(" "));
            Reporter {
                format,
                color: false,
            }
            .error(CliError::Usage { message, help });
        }
    }
    Outcome::Usage
}

/// The `--error-format` on the command line, read without clap (used when
/// clap itself rejected the arguments).
fn requested_format() -> ErrorFormat {
    let args: Vec<String> = std::env::args().collect();
    let mut value = None;
    for (i, a) in args.iter().enumerate() {
        if let Some(v) = a.strip_prefix("--error-format=") {
            value = Some(v.to_string());
        } else if a == "--error-format" {
            value = args.get(i + 1).cloned();
        }
    }
    match value.as_deref() {
        Some("json") => ErrorFormat::Json,
        Some("plain") => ErrorFormat::Plain,
        _ => ErrorFormat::Human,
    }
}

/// Parse a `YYYY-MM-DD` argument (for `--as-of`).
pub fn parse_date_arg(s: &str) -> Result<chrono::NaiveDate, String> {
    crate::io::parse_date(s).map_err(|(msg, help)| match help {
        Some(h) => format!("{msg}; {h}"),
        None => msg,
    })
}
