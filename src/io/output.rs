//! Run output writers. `json`: JSON Lines, one `{"type":"action",
//! "schema":1,…}` object per action in output order, then one
//! `{"type":"summary","schema":1,…}` line (fields as in `docs/output.md`).
//! `table`: see [`super::table`]; `csv` and `csv-nl`: see
//! [`super::csv_out`]. All are deterministic bytes: maps are ordered,
//! nothing depends on the clock.

use crate::eval::{ActionRecord, RunResult, RunSummary};
use serde::Serialize;
use std::io::{self, Write};

/// The output schema version written in every JSON line.
pub const SCHEMA: u32 = 1;

/// Output format of `verzuim run`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum OutputFormat {
    /// Grouped by date and role, for people (100 columns).
    #[default]
    Table,
    /// JSON Lines, for programs.
    Json,
    /// Comma-separated, one row per action, for spreadsheets.
    Csv,
    /// Semicolon-separated with a byte-order mark and decimal commas, for
    /// Dutch Excel.
    CsvNl,
}

/// A JSON line: `type` and `schema` first, then the record's own fields.
#[derive(Serialize)]
struct Line<'a, T: Serialize> {
    #[serde(rename = "type")]
    ty: &'static str,
    schema: u32,
    #[serde(flatten)]
    record: &'a T,
}

fn write_line<W: Write, T: Serialize>(w: &mut W, ty: &'static str, record: &T) -> io::Result<()> {
    let line = Line {
        ty,
        schema: SCHEMA,
        record,
    };
    serde_json::to_writer(&mut *w, &line).map_err(io::Error::other)?;
    w.write_all(b"\n")
}

/// One action as its JSON line (without the newline).
pub fn action_json(action: &ActionRecord) -> String {
    let mut buf = Vec::new();
    // Writing to a Vec cannot fail; serialization of these types cannot fail.
    let _ = write_line(&mut buf, "action", action);
    buf.pop();
    String::from_utf8_lossy(&buf).into_owned()
}

/// Write `result` as JSON Lines: every action, then the summary.
pub fn write_json<W: Write>(w: &mut W, result: &RunResult) -> io::Result<()> {
    for a in &result.actions {
        write_line(w, "action", a)?;
    }
    write_summary_json(w, &result.summary)
}

/// Write the closing `{"type":"summary",…}` line.
pub fn write_summary_json<W: Write>(w: &mut W, summary: &RunSummary) -> io::Result<()> {
    write_line(w, "summary", summary)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::testutil::sample_action;

    #[test]
    fn action_lines_keep_field_order() {
        let line = action_json(&sample_action());
        let keys = [
            "type",
            "schema",
            "id",
            "student",
            "ladder",
            "step",
            "title",
            "triggered_on",
            "roles",
            "roles_join",
            "text",
            "cc",
            "due",
            "optional",
            "kind",
            "params",
            "law",
            "trigger",
            "evidence",
            "after",
        ];
        let mut last = 0;
        for k in keys {
            let at = line.find(&format!("\"{k}\":")).unwrap();
            assert!(at >= last, "{k} out of order in {line}");
            last = at;
        }
        assert!(line.starts_with(r#"{"type":"action","schema":1,"id":"S1/L3/2022-2023""#));
        assert!(!line.contains("step_index"));
    }

    #[test]
    fn summary_line_comes_last() {
        let result = RunResult {
            actions: vec![sample_action()],
            summary: RunSummary::default(),
        };
        let mut out = Vec::new();
        write_json(&mut out, &result).unwrap();
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 2);
        assert!(lines[1].starts_with(r#"{"type":"summary","schema":1,"registrations":0"#));
    }
}
