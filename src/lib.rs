//! verzuim: a policy language and interpreter for Dutch schools'
//! absence-escalation protocols (verzuimprotocol).
//!
//! Pipeline: `syntax` (pest grammar in `grammar/verzuim.pest` → spanned AST)
//! → `check` (name resolution, units, dates → [`model::Policy`]) → `eval`
//! (calendar-aware interpreter over registrations → actions) → `io` (CSV/JSON
//! readers and the table/JSON/CSV writers) → `cli`. `testing` runs policy
//! tests (`*.test.verzuim`) through the same pipeline.
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

pub mod calendar;
pub mod check;
pub mod cli;
pub mod diagnostics;
pub mod eval;
pub mod fmt;
pub mod generate;
pub mod io;
pub mod model;
pub mod source;
pub mod span;
pub mod syntax;
pub mod testing;
