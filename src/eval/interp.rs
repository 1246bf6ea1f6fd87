//! The per-student interpreter.
use super::{Registrations, Roster, RunOptions, RunResult};
use crate::model::Policy;

/// Run `policy` over `regs`. See `docs/semantics.md`.
pub fn run(
    _policy: &Policy,
    _regs: &Registrations,
    _roster: Option<&Roster>,
    _opts: &RunOptions,
) -> RunResult {
    RunResult::default()
}
