//! `verzuim check FILE...`: load and check policy and calendar files; one
//! summary line per good file on stdout, every diagnostic on stderr.

use super::{CliError, Outcome, Reporter, out};
use crate::check::{self, LoadError, Loaded};
use crate::model::Policy;
use crate::{syntax, testing};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Arguments of `verzuim check`.
#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Policy or calendar files; a directory means every *.verzuim below it.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
}

/// Run `check`.
pub fn check(args: &CheckArgs, reporter: &Reporter) -> Outcome {
    let mut outcome = Outcome::Success;
    for arg in &args.files {
        let files = match expand(arg) {
            Ok(files) => files,
            Err(e) => {
                reporter.error(e);
                outcome = outcome.max(Outcome::Usage);
                continue;
            }
        };
        for file in files {
            outcome = outcome.max(check_file(&file, reporter));
        }
    }
    outcome
}

fn check_file(path: &Path, reporter: &Reporter) -> Outcome {
    if syntax::is_test_file(path) {
        return check_test_file(path, reporter);
    }
    match check::load(path) {
        Ok(Loaded::Policy { policy, warnings }) => {
            reporter.report_all(&warnings);
            let _ = writeln!(
                out::stdout(),
                "{}",
                policy_line(path, &policy, warnings.len())
            );
            Outcome::Success
        }
        Ok(Loaded::Calendar { calendar, warnings }) => {
            reporter.report_all(&warnings);
            let _ = writeln!(
                out::stdout(),
                "{}: ok — calendar \"{}\": {} school days in {} school weeks{}",
                path.display(),
                calendar.name,
                calendar.num_school_days(),
                calendar.num_school_weeks(),
                warning_note(warnings.len())
            );
            Outcome::Success
        }
        Err(e) => load_error(e, reporter),
    }
}

/// A `*.test.verzuim` file: parsed and resolved against its policy, not
/// run (`verzuim test` runs it). Problems in single tests are reported too.
fn check_test_file(path: &Path, reporter: &Reporter) -> Outcome {
    let suite = match testing::load(path) {
        Ok(s) => s,
        Err(testing::LoadError::Io { path, error }) => {
            reporter.error(CliError::Read {
                path: path.display().to_string(),
                reason: error.to_string(),
            });
            return Outcome::Usage;
        }
        Err(testing::LoadError::Invalid(reports)) => {
            reporter.report_all(&reports);
            return Outcome::Failure;
        }
    };
    let mut outcome = Outcome::Success;
    for case in &suite.tests {
        if let Err(reports) = &case.prepared {
            reporter.report_all(reports);
            outcome = Outcome::Failure;
        }
    }
    if outcome == Outcome::Success {
        let n = suite.tests.len();
        let _ = writeln!(
            out::stdout(),
            "{}: ok — {n} test{} for {}",
            path.display(),
            if n == 1 { "" } else { "s" },
            suite.policy_path.display()
        );
    }
    outcome
}

/// Report a load error; its outcome (I/O: usage, invalid: failure).
pub fn load_error(e: LoadError, reporter: &Reporter) -> Outcome {
    match e {
        LoadError::Io { path, error } => {
            reporter.error(CliError::Read {
                path: path.display().to_string(),
                reason: error.to_string(),
            });
            Outcome::Usage
        }
        LoadError::Invalid(reports) => {
            reporter.report_all(&reports);
            Outcome::Failure
        }
    }
}

/// `path: ok — policy "…" (MLG 2022-2023): 8 ladders, 25 steps and rules,
/// 200 school days`.
pub fn policy_line(path: &Path, policy: &Policy, warnings: usize) -> String {
    format!(
        "{}: ok — policy \"{}\" ({} {}): {} ladders, {} steps and rules, {} school days{}",
        path.display(),
        policy.name,
        policy.school,
        policy.school_year_label(),
        policy.ladders.len(),
        policy.steps.len(),
        policy.calendar.num_school_days(),
        warning_note(warnings)
    )
}

fn warning_note(n: usize) -> String {
    match n {
        0 => String::new(),
        1 => "; 1 warning".to_string(),
        n => format!("; {n} warnings"),
    }
}

/// A file as itself; a directory as every `*.verzuim` below it, sorted.
fn expand(arg: &Path) -> Result<Vec<PathBuf>, CliError> {
    if !arg.is_dir() {
        return Ok(vec![arg.to_path_buf()]);
    }
    let mut files = Vec::new();
    walk(arg, &mut files).map_err(|e| CliError::Read {
        path: arg.display().to_string(),
        reason: e.to_string(),
    })?;
    files.sort();
    if files.is_empty() {
        return Err(CliError::Usage {
            message: format!("no .verzuim files in `{}`", arg.display()),
            help: Some("give policy or calendar files, or a directory holding them".into()),
        });
    }
    Ok(files)
}

/// Collects `*.verzuim` files below `dir`. Symbolic links to directories are
/// not followed (as `test` and `fmt` do not), so a link loop cannot make the
/// walk endless.
fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let path = entry.path();
        if entry.file_type()?.is_symlink() && path.is_dir() {
            continue;
        }
        if path.is_dir() {
            walk(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "verzuim") {
            out.push(path);
        }
    }
    Ok(())
}
