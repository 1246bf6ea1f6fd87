//! Run output writers. `json`: JSON Lines, one `{"type":"action",
//! "schema":1,…}` object per action in output order, then one
//! `{"type":"summary","schema":1,…}` line (fields as in `docs/output.md`).
//! `table`: see [`super::table`]; `csv` and `csv-nl`: see
//! [`super::csv_out`]. All are deterministic bytes: maps are ordered,
//! nothing depends on the clock.

use crate::eval::{ActionRecord, Evidence, RunResult, RunSummary};
use crate::io::sink::ActionSink;
use chrono::{Datelike, NaiveDate};
use serde::Serialize;
use serde::ser::{SerializeStruct, Serializer};
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

/// The first fields of an action's JSON line, `type` to `law`: the same
/// bytes as `Line` around the derived `Serialize` of [`ActionRecord`],
/// written field by field (no flattening through a map) and with dates
/// formatted without `core::fmt`. [`push_action`] adds the rest.
struct ActionHead<'a>(&'a ActionRecord);

impl Serialize for ActionHead<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let a = self.0;
        let mut st = s.serialize_struct("ActionHead", 17)?;
        st.serialize_field("type", "action")?;
        st.serialize_field("schema", &SCHEMA)?;
        st.serialize_field("id", &a.id)?;
        st.serialize_field("student", &a.student)?;
        st.serialize_field("ladder", &a.ladder)?;
        st.serialize_field("step", &a.step)?;
        st.serialize_field("title", &a.title)?;
        st.serialize_field("triggered_on", &Date(a.triggered_on))?;
        st.serialize_field("roles", &a.roles)?;
        st.serialize_field("roles_join", a.roles_join)?;
        st.serialize_field("text", &a.text)?;
        st.serialize_field("cc", &a.cc)?;
        st.serialize_field("due", &a.due.map(Date))?;
        st.serialize_field("optional", &a.optional)?;
        st.serialize_field("kind", a.kind)?;
        st.serialize_field("params", &a.params)?;
        st.serialize_field("law", &a.law)?;
        st.end()
    }
}

/// The `trigger` and `evidence` fields of an action, which the actions of
/// one firing share.
struct Why<'a>(&'a ActionRecord);

impl Serialize for Why<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let a = self.0;
        let mut st = s.serialize_struct("Why", 2)?;
        st.serialize_field("trigger", &a.trigger.as_ref().map(Reg))?;
        st.serialize_field("evidence", &Regs(&a.evidence))?;
        st.end()
    }
}

/// A registration (`trigger`, an `evidence` item), as derived for
/// [`Evidence`] but with a fast date.
struct Reg<'a>(&'a Evidence);

impl Serialize for Reg<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let e = self.0;
        let mut st = s.serialize_struct("Evidence", 4)?;
        st.serialize_field("date", &Date(e.date))?;
        st.serialize_field("period", &e.period)?;
        st.serialize_field("kind", &e.kind)?;
        st.serialize_field("minutes", &e.minutes)?;
        st.end()
    }
}

/// The `evidence` array.
struct Regs<'a>(&'a [Evidence]);

impl Serialize for Regs<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter().map(Reg))
    }
}

/// A date as chrono serializes it (`YYYY-MM-DD`), without `core::fmt` for
/// the years 0 to 9999; other years are left to chrono.
#[derive(Clone, Copy)]
struct Date(NaiveDate);

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let d = self.0;
        let Ok(year) = u32::try_from(d.year()) else {
            return d.serialize(s);
        };
        if year > 9999 {
            return d.serialize(s);
        }
        let digit = |n: u32| b'0' + (n % 10) as u8;
        let (m, day) = (d.month(), d.day());
        let bytes = [
            digit(year / 1000),
            digit(year / 100),
            digit(year / 10),
            digit(year),
            b'-',
            digit(m / 10),
            digit(m),
            b'-',
            digit(day / 10),
            digit(day),
        ];
        // ASCII digits and dashes: always UTF-8.
        s.serialize_str(std::str::from_utf8(&bytes).unwrap_or_default())
    }
}

/// Set `why` to serde_json's object for [`Why`] of `action`:
/// `{"trigger":…,"evidence":[…]}`.
fn set_why(why: &mut Vec<u8>, action: &ActionRecord) -> io::Result<()> {
    why.clear();
    serde_json::to_writer(&mut *why, &Why(action)).map_err(io::Error::other)
}

/// Append `action`'s JSON line (with its newline) to `buf`; `why` holds its
/// `trigger` and `evidence` as [`set_why`] writes them. The line is
/// serde_json's object for [`ActionHead`] with these fields and `after`
/// added before the closing brace: the bytes of the compact object with all
/// fields.
fn push_action(buf: &mut Vec<u8>, action: &ActionRecord, why: &[u8]) -> io::Result<()> {
    serde_json::to_writer(&mut *buf, &ActionHead(action)).map_err(io::Error::other)?;
    debug_assert_eq!(buf.last(), Some(&b'}'));
    buf.pop();
    buf.push(b',');
    // The fields of the object, without its braces.
    buf.extend_from_slice(&why[1..why.len() - 1]);
    buf.extend_from_slice(b",\"after\":");
    serde_json::to_writer(&mut *buf, &action.after).map_err(io::Error::other)?;
    buf.extend_from_slice(b"}\n");
    Ok(())
}

/// One action as its JSON line (without the newline).
pub fn action_json(action: &ActionRecord) -> String {
    let mut buf = Vec::new();
    let mut why = Vec::new();
    // Writing to a Vec cannot fail; serialization of these types cannot fail.
    let _ = set_why(&mut why, action).and_then(|()| push_action(&mut buf, action, &why));
    buf.pop();
    String::from_utf8_lossy(&buf).into_owned()
}

/// Bytes the JSON sink collects before writing them on.
const JSON_CHUNK: usize = 1 << 18;

/// The `json` output as an [`ActionSink`]: each action's line is serialized
/// into a reused buffer, which is written to `W` in large chunks of whole
/// lines; the summary line comes last.
pub struct JsonSink<W: Write> {
    w: W,
    buf: Vec<u8>,
    /// The `trigger` and `evidence` of the previous action (see
    /// [`set_why`]), reused while the next ones (of the same firing) have
    /// the same.
    why: Vec<u8>,
}

impl<W: Write> JsonSink<W> {
    /// JSON Lines to `w`.
    pub fn new(w: W) -> Self {
        JsonSink {
            w,
            buf: Vec::with_capacity(JSON_CHUNK + (1 << 14)),
            why: Vec::new(),
        }
    }
}

impl<W: Write> ActionSink for JsonSink<W> {
    fn actions(&mut self, actions: &[ActionRecord]) -> io::Result<()> {
        let mut prev: Option<&ActionRecord> = None;
        for a in actions {
            let same = prev.is_some_and(|p| p.trigger == a.trigger && p.evidence == a.evidence);
            if !same {
                set_why(&mut self.why, a)?;
            }
            prev = Some(a);
            push_action(&mut self.buf, a, &self.why)?;
            if self.buf.len() >= JSON_CHUNK {
                self.w.write_all(&self.buf)?;
                self.buf.clear();
            }
        }
        Ok(())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.w.write_all(&self.buf)?;
        self.buf.clear();
        self.w.flush()
    }

    fn finish(&mut self, summary: &RunSummary) -> io::Result<()> {
        write_line(&mut self.buf, "summary", summary)?;
        self.w.write_all(&self.buf)?;
        self.buf.clear();
        self.w.flush()
    }
}

/// Write `result` as JSON Lines: every action, then the summary.
pub fn write_json<W: Write>(w: &mut W, result: &RunResult) -> io::Result<()> {
    let mut sink = JsonSink::new(w);
    sink.actions(&result.actions)?;
    sink.finish(&result.summary)
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

    /// The line as the derived `Serialize` of [`ActionRecord`] writes it.
    fn derived(a: &ActionRecord) -> String {
        let mut buf = Vec::new();
        write_line(&mut buf, "action", a).unwrap();
        buf.pop();
        String::from_utf8(buf).unwrap()
    }

    #[test]
    fn action_lines_are_the_derived_serialization() {
        use crate::io::testutil::d;
        let ev = |date: &str, period: Option<u32>, kind: &str| Evidence {
            date: d(date),
            period,
            kind: kind.into(),
            minutes: 50,
        };
        let mut a = sample_action();
        assert_eq!(action_json(&a), derived(&a));
        a.text = "Belt \"ouders\"\n\t\u{1} — ë \\ /".into();
        a.after = Some("account".into());
        a.due = Some(d("2022-10-03"));
        a.ladder = None;
        a.cc = vec!["parents".into(), "mentor".into()];
        a.params.insert("factor".into(), serde_json::json!(1.5));
        a.params.insert("to".into(), serde_json::json!(["student"]));
        a.trigger = None;
        a.evidence = vec![
            ev("2022-09-01", Some(1), "late"),
            ev("2022-09-02", None, "x"),
        ];
        assert_eq!(action_json(&a), derived(&a));
        for date in ["0001-01-01", "0999-12-31", "9999-12-31"] {
            a.triggered_on = d(date);
            assert_eq!(action_json(&a), derived(&a));
        }
        for (y, m, day) in [(10_000, 1, 2), (-1, 3, 4), (-10_000, 5, 6)] {
            a.triggered_on = NaiveDate::from_ymd_opt(y, m, day).unwrap();
            assert_eq!(action_json(&a), derived(&a));
        }
    }

    #[test]
    fn the_sink_reuses_shared_evidence_byte_for_byte() {
        use crate::io::testutil::d;
        let mut a = sample_action();
        a.evidence = vec![a.trigger.clone().unwrap()];
        let mut b = a.clone();
        b.id = "S1/L3/2022-2023/a2".into();
        let mut c = b.clone();
        c.evidence[0].minutes = 8;
        let mut e = c.clone();
        e.trigger = None;
        e.triggered_on = d("2022-09-20");
        let actions = [a, b, c, e];
        let mut out = Vec::new();
        let mut sink = JsonSink::new(&mut out);
        sink.actions(&actions[..2]).unwrap();
        sink.actions(&actions[2..]).unwrap();
        sink.finish(&RunSummary::default()).unwrap();
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        for (line, a) in lines.iter().zip(&actions) {
            assert_eq!(*line, derived(a));
        }
        assert_eq!(lines.len(), 5);
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
