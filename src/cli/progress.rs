//! A progress indicator on stderr for long inputs: a bar while the events
//! are parsed (by bytes), then a spinner while the policy runs and the
//! output is written. Shown only when stderr is a terminal, the input is
//! large ([`MIN_BYTES`]) and diagnostics are not JSON; so never in tests or
//! pipelines. It is cleared before any diagnostic is printed.

use crate::diagnostics::ErrorFormat;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::time::Duration;

/// Inputs smaller than this (in bytes, all events files together) show no
/// progress: they take about a second.
pub const MIN_BYTES: u64 = 16 << 20;

/// The indicator; does nothing when hidden.
pub struct Progress {
    bar: Option<ProgressBar>,
}

impl Progress {
    /// An indicator for `total` bytes of events, shown when stderr is a
    /// terminal, `format` is not JSON and `total` is at least [`MIN_BYTES`].
    pub fn new(total: u64, format: ErrorFormat) -> Progress {
        let show =
            format != ErrorFormat::Json && total >= MIN_BYTES && std::io::stderr().is_terminal();
        if !show {
            return Progress { bar: None };
        }
        let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
        let style =
            ProgressStyle::with_template("{msg:8} [{bar:30}] {bytes}/{total_bytes} ({eta} left)")
                .map(|s| s.progress_chars("=> "));
        if let Ok(style) = style {
            bar.set_style(style);
        }
        bar.set_message("reading");
        Progress { bar: Some(bar) }
    }

    /// Hidden.
    pub fn hidden() -> Progress {
        Progress { bar: None }
    }

    /// `bytes` of the events are parsed.
    pub fn read(&self, bytes: u64) {
        if let Some(b) = &self.bar {
            b.set_position(bytes);
        }
    }

    /// A phase without a known length (`running`, `writing`): a spinner.
    pub fn phase(&self, message: &'static str) {
        let Some(b) = &self.bar else {
            return;
        };
        if let Ok(style) = ProgressStyle::with_template("{spinner} {msg} ({elapsed})") {
            b.set_style(style);
        }
        b.set_message(message);
        b.enable_steady_tick(Duration::from_millis(120));
    }

    /// Remove the indicator from the terminal.
    pub fn clear(&self) {
        if let Some(b) = &self.bar {
            b.finish_and_clear();
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.clear();
    }
}
