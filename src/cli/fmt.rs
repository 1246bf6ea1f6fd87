//! `verzuim fmt [--check] [PATH...]`: rewrite policy, calendar and test
//! files in the canonical layout (see `docs/fmt.md`), or with `--check`
//! print a unified diff for each file that is not formatted.

use super::{CliError, Outcome, Reporter, out};
use crate::diagnostics::attach;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Arguments of `verzuim fmt`.
#[derive(Debug, clap::Args)]
pub struct FmtArgs {
    /// Change nothing: print a diff for each file that is not formatted and
    /// exit with 1 if there is one.
    #[arg(long)]
    pub check: bool,
    /// Files, or directories meaning every *.verzuim below them (default:
    /// the current directory).
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
}

/// Run `fmt`: 0 when every file is (now) formatted, 1 when `--check` found
/// an unformatted file or a file has syntax errors, 2 on an I/O error.
pub fn fmt(args: &FmtArgs, reporter: &Reporter) -> Outcome {
    let default = [PathBuf::from(".")];
    let paths = if args.paths.is_empty() {
        &default[..]
    } else {
        &args.paths[..]
    };
    let mut outcome = Outcome::Success;
    for arg in paths {
        let files = match expand(arg) {
            Ok(files) => files,
            Err(e) => {
                reporter.error(e);
                outcome = outcome.max(Outcome::Usage);
                continue;
            }
        };
        for file in files {
            outcome = outcome.max(fmt_file(&file, args.check, reporter));
        }
    }
    outcome
}

/// Formats one file: reports its syntax errors, or prints its diff
/// (`check`), or rewrites it and prints its path.
fn fmt_file(path: &Path, check: bool, reporter: &Reporter) -> Outcome {
    let name = path.display().to_string();
    let src = match crate::source::read_source(path) {
        Ok(src) => src,
        Err(e) => {
            reporter.error(CliError::Read {
                path: name,
                reason: e.to_string(),
            });
            return Outcome::Usage;
        }
    };
    let formatted = match crate::fmt::format_path_source(path, &src) {
        Ok(text) => text,
        Err(errors) => {
            reporter.report_all(&attach(errors, &name, &src));
            return Outcome::Failure;
        }
    };
    if formatted == src {
        return Outcome::Success;
    }
    if check {
        let _ = write!(out::stdout(), "{}", diff(&name, &src, &formatted));
        return Outcome::Failure;
    }
    match std::fs::write(path, &formatted) {
        Ok(()) => {
            let _ = writeln!(out::stdout(), "{name}");
            Outcome::Success
        }
        Err(e) => {
            reporter.error(CliError::Write {
                path: name,
                reason: e.to_string(),
            });
            Outcome::Usage
        }
    }
}

/// A unified diff from `old` to `new` with 3 lines of context, headed
/// `--- name` / `+++ name (formatted)`.
pub fn diff(name: &str, old: &str, new: &str) -> String {
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(name, &format!("{name} (formatted)"))
        .to_string()
}

/// A file as itself; a directory as every `*.verzuim` below it (hidden
/// directories skipped), sorted.
fn expand(arg: &Path) -> Result<Vec<PathBuf>, CliError> {
    if !arg.is_dir() {
        return Ok(vec![arg.to_path_buf()]);
    }
    let mut files = Vec::new();
    walk(arg, &mut files).map_err(|e| CliError::Read {
        path: arg.display().to_string(),
        reason: e.to_string(),
    })?;
    if arg == Path::new(".") {
        // `./a.verzuim` is printed as `a.verzuim`.
        for f in &mut files {
            if let Ok(rest) = f.strip_prefix(".") {
                *f = rest.to_path_buf();
            }
        }
    }
    files.sort();
    Ok(files)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let path = entry.path();
        let hidden = entry.file_name().to_string_lossy().starts_with('.');
        if entry.file_type()?.is_dir() {
            if !hidden {
                walk(&path, out)?;
            }
        } else if path.extension().is_some_and(|e| e == "verzuim") {
            out.push(path);
        }
    }
    Ok(())
}
