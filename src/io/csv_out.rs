//! The `csv` and `csv-nl` outputs of `verzuim run`: one row per action, for
//! spreadsheets, with a header of the action fields (as in the JSON output,
//! `docs/output.md`):
//!
//! `id, student, ladder, step, title, triggered_on, roles, roles_join, text,
//! cc, due, optional, kind, params, law, trigger, evidence_count, evidence,
//! after`
//!
//! - lists (`roles`, `cc`, `evidence`) are joined with `;`; `null` is empty;
//!   booleans are `true`/`false`;
//! - `params` is compact JSON;
//! - a registration (`trigger`, each `evidence` item) is written compactly as
//!   `DATE pPERIOD KIND MINUTES` (`2022-09-05 p3 truancy 50`), a signal as
//!   `DATE KIND` (`2022-09-05 unclear_illness`);
//! - `csv`: comma-separated, `\n` line ends, no byte-order mark;
//! - `csv-nl`: for Dutch Excel, which expects `;` between fields and a
//!   decimal comma: `;`-separated, `\r\n` line ends, a UTF-8 byte-order mark
//!   (so Excel reads UTF-8), and numbers in numeric columns written with a
//!   decimal comma. (`params` stays JSON, with a decimal point.)
//!
//! There is no summary row: the summary is in the table and JSON outputs.

use crate::eval::{ActionRecord, Evidence, RunResult, RunSummary};
use crate::io::sink::ActionSink;
use std::io::{self, Write};

/// The header: the action fields, in JSON order, with `evidence_count`.
pub const CSV_COLUMNS: [&str; 19] = [
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
    "evidence_count",
    "evidence",
    "after",
];

/// The byte-order mark written first by `csv-nl`.
pub const BOM: &str = "\u{feff}";

/// Which CSV dialect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CsvDialect {
    /// Comma-separated.
    Plain,
    /// Semicolon-separated with a byte-order mark and decimal commas.
    Dutch,
}

/// Write the actions of `result` as CSV in `dialect`.
pub fn write_csv<W: Write>(w: &mut W, result: &RunResult, dialect: CsvDialect) -> io::Result<()> {
    let mut sink = CsvSink::new(w, dialect);
    sink.actions(&result.actions)?;
    sink.finish(&result.summary)
}

/// The `csv` and `csv-nl` outputs as an [`ActionSink`]: the byte-order mark
/// (`csv-nl`) and the header before the first row (or at the end, when there
/// are no actions), then one row per action; the summary is not written.
pub struct CsvSink<W: Write> {
    /// The output before the header is written.
    pending: Option<W>,
    /// The CSV writer, from the header on.
    out: Option<csv::Writer<W>>,
    dialect: CsvDialect,
}

impl<W: Write> CsvSink<W> {
    /// CSV in `dialect` to `w`.
    pub fn new(w: W, dialect: CsvDialect) -> Self {
        CsvSink {
            pending: Some(w),
            out: None,
            dialect,
        }
    }

    /// The writer, after the byte-order mark and the header (written once).
    fn writer(&mut self) -> io::Result<&mut csv::Writer<W>> {
        if let Some(mut w) = self.pending.take() {
            let mut builder = csv::WriterBuilder::new();
            if self.dialect == CsvDialect::Dutch {
                w.write_all(BOM.as_bytes())?;
                builder.delimiter(b';').terminator(csv::Terminator::CRLF);
            }
            let mut out = builder.from_writer(w);
            out.write_record(CSV_COLUMNS).map_err(io_error)?;
            self.out = Some(out);
        }
        self.out
            .as_mut()
            .ok_or_else(|| io::Error::other("an earlier write of the CSV output failed"))
    }
}

impl<W: Write> ActionSink for CsvSink<W> {
    fn actions(&mut self, actions: &[ActionRecord]) -> io::Result<()> {
        let dialect = self.dialect;
        let out = self.writer()?;
        for a in actions {
            let mut fields = record(a, dialect);
            if dialect == CsvDialect::Dutch {
                fields.iter_mut().for_each(excel_safe);
            }
            out.write_record(fields).map_err(io_error)?;
        }
        Ok(())
    }

    fn finish(&mut self, _summary: &RunSummary) -> io::Result<()> {
        self.writer()?.flush()
    }

    fn flush(&mut self) -> io::Result<()> {
        self.writer()?.flush()
    }
}

/// Excel runs a cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage
/// return as a formula; student IDs and texts come from the school's data, so
/// `csv-nl` (the Excel dialect) prefixes such a cell with `'`, which Excel
/// shows as text.
fn excel_safe(field: &mut String) {
    if field.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        field.insert(0, '\'');
    }
}

/// The I/O error inside a CSV error (so that a closed pipe stays one).
fn io_error(e: csv::Error) -> io::Error {
    match e.into_kind() {
        csv::ErrorKind::Io(e) => e,
        other => io::Error::other(format!("{other:?}")),
    }
}

/// One action's fields, in [`CSV_COLUMNS`] order.
pub fn record(a: &ActionRecord, dialect: CsvDialect) -> [String; 19] {
    let opt = |o: &Option<String>| o.clone().unwrap_or_default();
    let date = |d: chrono::NaiveDate| d.format("%Y-%m-%d").to_string();
    let evidence: Vec<String> = a.evidence.iter().map(registration).collect();
    [
        a.id.clone(),
        a.student.clone(),
        opt(&a.ladder),
        a.step.clone(),
        a.title.clone(),
        date(a.triggered_on),
        a.roles.join(";"),
        a.roles_join.to_string(),
        a.text.clone(),
        a.cc.join(";"),
        a.due.map(date).unwrap_or_default(),
        a.optional.to_string(),
        a.kind.to_string(),
        serde_json::Value::Object(a.params.clone()).to_string(),
        a.law.to_string(),
        a.trigger.as_ref().map(registration).unwrap_or_default(),
        number(a.evidence.len() as f64, dialect),
        evidence.join(";"),
        opt(&a.after),
    ]
}

/// `2022-09-05 p3 truancy 50`, or `2022-09-05 unclear_illness` for a signal.
pub fn registration(e: &Evidence) -> String {
    let date = e.date.format("%Y-%m-%d");
    match e.period {
        Some(p) => format!("{date} p{p} {} {}", e.kind, e.minutes),
        None => format!("{date} {}", e.kind),
    }
}

/// A number for a numeric column: whole numbers without decimals; the
/// decimal separator is `,` in the Dutch dialect.
pub fn number(n: f64, dialect: CsvDialect) -> String {
    let s = if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        n.to_string()
    };
    match dialect {
        CsvDialect::Plain => s,
        CsvDialect::Dutch => s.replace('.', ","),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::testutil::sample_action;

    fn written(dialect: CsvDialect) -> String {
        let mut a = sample_action();
        a.roles = vec!["vc".into(), "mentor".into()];
        a.text = "Plant in; belt \"ouders\"".into();
        a.params.insert("factor".into(), serde_json::json!(1.5));
        let result = RunResult {
            actions: vec![a],
            summary: RunSummary::default(),
        };
        let mut out = Vec::new();
        write_csv(&mut out, &result, dialect).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn plain_csv_has_the_header_and_compact_fields() {
        let text = written(CsvDialect::Plain);
        let mut lines = text.lines();
        assert_eq!(lines.next(), Some(CSV_COLUMNS.join(",").as_str()));
        assert_eq!(
            lines.next(),
            Some(
                "S1/L3/2022-2023,S1,late,L3,3x te laat,2022-09-19,vc;mentor,or,\"Plant in; belt \"\"ouders\"\"\",,,false,sanction,\"{\"\"factor\"\":1.5}\",false,2022-09-19 p2 late 7,0,,"
            )
        );
    }

    #[test]
    fn dutch_csv_has_a_bom_semicolons_and_crlf() {
        let text = written(CsvDialect::Dutch);
        assert!(text.starts_with("\u{feff}id;student;ladder;"));
        assert!(text.contains(";\"vc;mentor\";or;"), "{text}");
        assert!(text.ends_with(";0;;\r\n"), "{text}");
    }

    #[test]
    fn excel_formulas_are_neutralised_in_csv_nl() {
        let mut f = "=cmd|calc".to_string();
        excel_safe(&mut f);
        assert_eq!(f, "'=cmd|calc");
        let mut g = "S00001".to_string();
        excel_safe(&mut g);
        assert_eq!(g, "S00001");
    }

    #[test]
    fn numbers_use_the_dialects_decimal_separator() {
        assert_eq!(number(3.0, CsvDialect::Dutch), "3");
        assert_eq!(number(1.5, CsvDialect::Dutch), "1,5");
        assert_eq!(number(1.5, CsvDialect::Plain), "1.5");
    }
}
