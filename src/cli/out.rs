//! Standard output for every command.
//!
//! Commands write their results through [`stdout`], never with `print!`
//! (which panics when stdout goes away, e.g. `verzuim run … | head`).
//! The first write error is recorded and from then on everything written
//! is discarded, so a command always finishes its work (`fmt` still
//! rewrites every file) and its outcome does not depend on whether anyone
//! reads its output. [`finish`], called once by [`super::main`] after the
//! command, turns the recorded error into the exit code:
//!
//! - a closed reader ([`io::ErrorKind::BrokenPipe`]) is no error: the
//!   process exits quietly with the command's own code, like `ripgrep`;
//! - any other error (a full disk) is reported as `verzuim::io::write` on
//!   `<stdout>`, exit 2.

use super::{CliError, Outcome, Reporter};
use std::io::{self, StdoutLock, Write};
use std::sync::OnceLock;

/// The first error writing stdout: `None` for a closed reader (broken
/// pipe), else the OS error.
static FAILED: OnceLock<Option<String>> = OnceLock::new();

/// Locked standard output that never fails (see the module docs).
pub struct Stdout(StdoutLock<'static>);

/// Standard output, locked for as long as the handle lives.
pub fn stdout() -> Stdout {
    Stdout(io::stdout().lock())
}

/// Record `e` (unless an earlier error was) and discard the output.
fn record(e: &io::Error) {
    let _ = FAILED.set((e.kind() != io::ErrorKind::BrokenPipe).then(|| e.to_string()));
}

impl Write for Stdout {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if FAILED.get().is_some() {
            return Ok(buf.len());
        }
        match self.0.write(buf) {
            Err(e) if e.kind() != io::ErrorKind::Interrupted => {
                record(&e);
                Ok(buf.len())
            }
            other => other,
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        if FAILED.get().is_some() {
            return Ok(());
        }
        if let Err(e) = self.0.flush() {
            record(&e);
        }
        Ok(())
    }
}

/// Flush stdout; exit 2 (reported) if writing it failed other than by a
/// closed reader, else success.
pub fn finish(reporter: &Reporter) -> Outcome {
    let _ = stdout().flush();
    match FAILED.get() {
        Some(Some(reason)) => {
            reporter.error(CliError::Write {
                path: "<stdout>".into(),
                reason: reason.clone(),
            });
            Outcome::Usage
        }
        _ => Outcome::Success,
    }
}
