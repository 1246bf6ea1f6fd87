//! The events CSV reader: registrations and signals, one row each, mapped to
//! the policy's kinds.
//!
//! Header: `student,date,period,kind,minutes` in any order, with `code`
//! instead of or beside `kind` (`minutes` may be left out). A `code` is
//! mapped through the policy's code list; an ignored code is counted in
//! [`Registrations::ignored`] and not returned. Signals have empty `period`
//! and `minutes`. Minutes: for the kind [`LATE_KIND`], the minutes late
//! (required); for other kinds the lesson's minutes (empty: the calendar's
//! lesson length).
//!
//! Reading is strict: every row that cannot be counted is reported as a
//! [`DataError`] and nothing is returned.

use super::csvpos::{CsvRows, Row};
use super::{
    DataError, DataErrorCode, ReadError, csv_problem, did_you_mean, display_name, header_row,
    join_list, parse_count, parse_date, parse_header, read_text, weekday_en, width_error,
};
use crate::calendar::Calendar;
use crate::eval::{Origin, Registration, Registrations};
use crate::model::{CodeMeaning, KindId, Policy};
use crate::syntax::ast::Authorization;
use chrono::{Datelike, NaiveDate, Weekday};
use std::collections::BTreeMap;

/// The kind whose `minutes` are minutes late, required on every row.
pub const LATE_KIND: &str = "late";

/// Column names an events file may have.
pub const EVENT_COLUMNS: [&str; 6] = ["student", "date", "period", "kind", "code", "minutes"];

const REQUIRED: [&str; 3] = ["student", "date", "period"];

/// Read the events file at `path` (`-`: standard input) as input file 0.
pub fn read_events(policy: &Policy, path: &str) -> Result<Registrations, ReadError> {
    let text = read_text(path)?;
    parse_events(policy, &display_name(path), &text, 0).map_err(ReadError::Invalid)
}

/// Parse an events CSV text. `file` names it in errors; `file_index` goes
/// into each registration's [`Origin`]. Students are interned in sorted
/// order; identical rows are merged (the first one's origin is kept); rows
/// are returned in evaluation order.
///
/// Errors: every problem found, in file order.
pub fn parse_events(
    policy: &Policy,
    file: &str,
    text: &str,
    file_index: u32,
) -> Result<Registrations, Vec<DataError>> {
    let mut rows = CsvRows::new(text);
    let mut errors = Vec::new();
    let expected = "expected a header line: student,date,period,kind,minutes".to_string();
    let header = header_row(file, &mut rows, expected)?;
    let cols = Columns::from_header(file, &header)?;
    let reader = RowReader { policy, file, cols };
    let mut out = Collected::default();
    for item in rows {
        match item {
            Ok(row) => reader.read_row(&row, file_index, &mut out, &mut errors),
            Err(p) => errors.push(csv_problem(file, p)),
        }
    }
    if errors.is_empty() {
        Ok(out.finish())
    } else {
        Err(errors)
    }
}

/// Column indices of an events file.
#[derive(Debug, Clone, Copy)]
struct Columns {
    student: usize,
    date: usize,
    period: usize,
    kind: Option<usize>,
    code: Option<usize>,
    minutes: Option<usize>,
    width: usize,
}

impl Columns {
    fn from_header(file: &str, row: &Row) -> Result<Columns, Vec<DataError>> {
        let h = parse_header(file, row, &EVENT_COLUMNS, &REQUIRED)?;
        let get = |n: &str| h.columns.get(n).copied();
        let (Some(student), Some(date), Some(period)) =
            (get("student"), get("date"), get("period"))
        else {
            return Err(Vec::new());
        };
        let (kind, code) = (get("kind"), get("code"));
        if kind.is_none() && code.is_none() {
            return Err(vec![DataError::new(
                DataErrorCode::BadHeader,
                file.into(),
                row.line,
                1,
                "missing column `kind` (or `code`)".into(),
                Some("name each row's kind (late, sick, …) or the school's code".into()),
            )]);
        }
        Ok(Columns {
            student,
            date,
            period,
            kind,
            code,
            minutes: get("minutes"),
            width: h.width,
        })
    }
}

/// Rows read so far, with students interned in order of appearance.
#[derive(Default)]
struct Collected {
    ids: BTreeMap<String, u32>,
    names: Vec<String>,
    rows: Vec<Registration>,
    ignored: u64,
}

impl Collected {
    fn intern(&mut self, id: &str) -> u32 {
        if let Some(&i) = self.ids.get(id) {
            return i;
        }
        let i = self.names.len() as u32;
        self.ids.insert(id.to_string(), i);
        self.names.push(id.to_string());
        i
    }

    /// Renumber students in sorted order, sort and merge identical rows.
    fn finish(self) -> Registrations {
        let mut remap = vec![0u32; self.names.len()];
        for (sorted, (_, &first_seen)) in self.ids.iter().enumerate() {
            remap[first_seen as usize] = sorted as u32;
        }
        let mut rows = self.rows;
        for r in &mut rows {
            r.student = remap[r.student as usize];
        }
        rows.sort();
        rows.dedup_by(|b, a| same_content(a, b));
        Registrations {
            students: self.ids.into_keys().collect(),
            rows,
            ignored: self.ignored,
        }
    }
}

/// Equal in everything but the origin.
fn same_content(a: &Registration, b: &Registration) -> bool {
    a.student == b.student
        && a.date == b.date
        && a.period == b.period
        && a.kind == b.kind
        && a.minutes == b.minutes
        && a.code == b.code
        && a.authorization == b.authorization
}

/// What a row's kind/code cell resolved to.
enum Resolved {
    Kind(KindId, Authorization, Option<String>),
    Ignored,
}

/// Reads data rows of one file.
struct RowReader<'a> {
    policy: &'a Policy,
    file: &'a str,
    cols: Columns,
}

/// Errors of one row.
struct RowErrors<'a> {
    file: &'a str,
    row: &'a Row,
    errors: &'a mut Vec<DataError>,
    failed: bool,
}

impl RowErrors<'_> {
    fn push(&mut self, col: usize, code: DataErrorCode, msg: String, help: Option<String>) {
        self.failed = true;
        let e = DataError::new(
            code,
            self.file.into(),
            self.row.line,
            self.row.column(col),
            msg,
            help,
        );
        self.errors.push(e);
    }
}

impl RowReader<'_> {
    fn read_row(
        &self,
        row: &Row,
        file_index: u32,
        out: &mut Collected,
        errors: &mut Vec<DataError>,
    ) {
        let mut errs = RowErrors {
            file: self.file,
            row,
            errors,
            failed: false,
        };
        if let Some(e) = width_error(self.file, row, self.cols.width) {
            errs.errors.push(e);
            return;
        }
        let (kind, authorization, code) = match self.resolve_kind(row, &mut errs) {
            Some(Resolved::Ignored) => {
                out.ignored += 1;
                return;
            }
            Some(Resolved::Kind(k, a, c)) => (Some(k), a, c),
            None => (None, Authorization::Unauthorized, None),
        };
        let student = self.read_student(row, &mut errs);
        let date = self.read_date(row, &mut errs);
        let signal = kind.map(|k| self.policy.kinds[k].signal);
        let period = self.read_period(row, date, signal, &mut errs);
        let minutes = kind.and_then(|k| self.read_minutes(row, k, &mut errs));
        if let (false, Some(student), Some(kind), Some(date), Some(period), Some(minutes)) =
            (errs.failed, student, kind, date, period, minutes)
        {
            let student = out.intern(student);
            out.rows.push(Registration {
                student,
                date,
                period,
                kind,
                minutes,
                code,
                authorization,
                origin: Origin {
                    file: file_index,
                    line: row.line,
                },
            });
        }
    }

    fn read_student<'r>(&self, row: &'r Row, errs: &mut RowErrors) -> Option<&'r str> {
        let student = row.get(self.cols.student);
        if student.is_empty() {
            let help = Some("every row needs the student's ID".to_string());
            let msg = "missing student".to_string();
            errs.push(self.cols.student, DataErrorCode::MissingStudent, msg, help);
            return None;
        }
        Some(student)
    }

    /// The row's kind: from the code when one is given (checked against the
    /// kind column when both are), else from the kind column.
    fn resolve_kind(&self, row: &Row, errs: &mut RowErrors) -> Option<Resolved> {
        let code = self
            .cols
            .code
            .map(|c| (c, row.get(c)))
            .filter(|(_, v)| !v.is_empty());
        let kind = self
            .cols
            .kind
            .map(|c| (c, row.get(c)))
            .filter(|(_, v)| !v.is_empty());
        let from_kind = match kind {
            Some((c, v)) => Some(self.kind_by_name(c, v, errs)?),
            None => None,
        };
        let Some((c, v)) = code else {
            return match from_kind {
                Some(k) => Some(Resolved::Kind(k, self.policy.kinds[k].authorization, None)),
                None => {
                    let col = self.cols.kind.or(self.cols.code).unwrap_or(0);
                    let msg = "missing kind: the row has neither a kind nor a code".to_string();
                    errs.push(col, DataErrorCode::MissingKind, msg, None);
                    None
                }
            };
        };
        match self.policy.codes.get(v) {
            Some(CodeMeaning::Ignored) => Some(Resolved::Ignored),
            Some(&CodeMeaning::Kind(k, auth)) => match (from_kind, kind) {
                (Some(fk), Some((kc, kv))) if fk != k => {
                    let msg = format!(
                        "kind `{kv}` does not match code `{v}`, which means `{}`",
                        self.policy.kinds[k].id
                    );
                    errs.push(kc, DataErrorCode::KindCodeMismatch, msg, None);
                    None
                }
                _ => Some(Resolved::Kind(k, auth, Some(v.to_string()))),
            },
            None => {
                self.unknown_code(c, v, errs);
                None
            }
        }
    }

    fn kind_by_name(&self, col: usize, value: &str, errs: &mut RowErrors) -> Option<KindId> {
        if let Some(k) = self.policy.kind_by_name(value) {
            return Some(k);
        }
        let names = self.policy.kinds.iter().map(|k| k.id.as_str());
        let msg = format!(
            "unknown kind `{value}` (expected one of: {})",
            join_list(names.clone())
        );
        let help = did_you_mean(value, names).map(|s| format!("did you mean `{s}`?"));
        errs.push(col, DataErrorCode::UnknownKind, msg, help);
        None
    }

    fn unknown_code(&self, col: usize, value: &str, errs: &mut RowErrors) {
        let codes = self.policy.codes.keys().map(String::as_str);
        let msg = format!(
            "unknown code `{value}` (expected one of: {})",
            join_list(codes.clone())
        );
        let help = match codes.clone().find(|c| c.eq_ignore_ascii_case(value)) {
            Some(c) => Some(format!("codes are case-sensitive: did you mean `{c}`?")),
            None => did_you_mean(value, codes).map(|s| format!("did you mean `{s}`?")),
        };
        errs.push(col, DataErrorCode::UnknownCode, msg, help);
    }

    fn read_date(&self, row: &Row, errs: &mut RowErrors) -> Option<NaiveDate> {
        let col = self.cols.date;
        let value = row.get(col);
        if value.is_empty() {
            errs.push(col, DataErrorCode::BadDate, "missing date".into(), None);
            return None;
        }
        let date = match parse_date(value) {
            Ok(d) => d,
            Err((msg, help)) => {
                errs.push(col, DataErrorCode::BadDate, msg, help);
                return None;
            }
        };
        let cal = &self.policy.calendar;
        if let Some(why) = not_a_school_day(cal, date) {
            let help = format!(
                "registrations count on school days of the calendar \"{}\" only",
                cal.name
            );
            errs.push(col, DataErrorCode::NotASchoolDay, why, Some(help));
            return None;
        }
        Some(date)
    }

    /// `Some(None)` for a signal, `Some(Some(p))` for a valid period.
    fn read_period(
        &self,
        row: &Row,
        date: Option<NaiveDate>,
        signal: Option<bool>,
        errs: &mut RowErrors,
    ) -> Option<Option<u32>> {
        let col = self.cols.period;
        let value = row.get(col);
        match (signal, value.is_empty()) {
            (None, true) => return None,
            (Some(true), true) => return Some(None),
            (Some(true), false) => {
                let msg = format!("a signal has no period, but the row gives `{value}`");
                let help = Some("leave `period` and `minutes` empty for signals".to_string());
                errs.push(col, DataErrorCode::SignalWithPeriod, msg, help);
                return None;
            }
            (_, true) => {
                let msg = "missing period".to_string();
                let help = Some("every registration needs its lesson period".to_string());
                errs.push(col, DataErrorCode::MissingPeriod, msg, help);
                return None;
            }
            _ => {}
        }
        let period = match parse_count(value) {
            Ok(p) => p,
            Err(msg) => {
                let msg = format!("bad period: {msg}");
                errs.push(col, DataErrorCode::BadNumber, msg, None);
                return None;
            }
        };
        let weekday = date?.weekday();
        match self.policy.calendar.periods_on(weekday) {
            Some((a, b)) if (a..=b).contains(&period) => Some(Some(period)),
            Some((a, b)) => {
                let msg = format!(
                    "period `{period}` is not scheduled on {}s (expected {a}–{b})",
                    weekday_en(weekday)
                );
                errs.push(col, DataErrorCode::BadPeriod, msg, None);
                None
            }
            None => None,
        }
    }

    fn read_minutes(&self, row: &Row, kind: KindId, errs: &mut RowErrors) -> Option<u32> {
        let def = &self.policy.kinds[kind];
        let lesson = self.policy.calendar.lesson_minutes;
        let Some(col) = self.cols.minutes else {
            if def.id == LATE_KIND {
                let msg = "late arrival without minutes late".to_string();
                let help = Some("add a `minutes` column with the minutes late".to_string());
                errs.push(0, DataErrorCode::MissingMinutes, msg, help);
                return None;
            }
            return Some(if def.signal { 0 } else { lesson });
        };
        let value = row.get(col);
        if def.signal {
            if value.is_empty() {
                return Some(0);
            }
            let msg = format!("a signal has no minutes, but the row gives `{value}`");
            let help = Some("leave `period` and `minutes` empty for signals".to_string());
            errs.push(col, DataErrorCode::SignalWithMinutes, msg, help);
            return None;
        }
        if value.is_empty() {
            if def.id != LATE_KIND {
                return Some(lesson);
            }
            let msg = "late arrival without minutes late".to_string();
            let help = Some(format!("give the minutes late (1–{lesson})"));
            errs.push(col, DataErrorCode::MissingMinutes, msg, help);
            return None;
        }
        self.check_minutes(col, value, def.id == LATE_KIND, errs)
    }

    fn check_minutes(
        &self,
        col: usize,
        value: &str,
        late: bool,
        errs: &mut RowErrors,
    ) -> Option<u32> {
        let lesson = self.policy.calendar.lesson_minutes;
        let n = match parse_count(value) {
            Ok(n) => n,
            Err(msg) => {
                errs.push(
                    col,
                    DataErrorCode::BadNumber,
                    format!("bad minutes: {msg}"),
                    None,
                );
                return None;
            }
        };
        if (1..=lesson).contains(&n) {
            return Some(n);
        }
        let what = if late { "minutes late" } else { "minutes" };
        let msg = format!(
            "`{n}` {what} is out of range (expected 1–{lesson}: a lesson is {lesson} minutes)"
        );
        errs.push(col, DataErrorCode::BadMinutes, msg, None);
        None
    }
}

/// Why `date` is not a school day of `cal` (`None` when it is one).
pub fn not_a_school_day(cal: &Calendar, date: NaiveDate) -> Option<String> {
    if cal.is_school_day(date) {
        return None;
    }
    let d = date.format("%Y-%m-%d");
    if date < cal.first || date > cal.last {
        return Some(format!(
            "{d} is outside the school year ({} .. {})",
            cal.first.format("%Y-%m-%d"),
            cal.last.format("%Y-%m-%d")
        ));
    }
    let wd = date.weekday();
    if matches!(wd, Weekday::Sat | Weekday::Sun) {
        return Some(format!("{d} is a {}", weekday_en(wd)));
    }
    if let Some(free) = cal.free_range_of(date) {
        return Some(format!(
            "{d} is in {} ({} .. {})",
            free.name,
            free.start.format("%Y-%m-%d"),
            free.end.format("%Y-%m-%d")
        ));
    }
    Some(format!(
        "{d} is a {}, and the calendar schedules no lessons on {}s",
        weekday_en(wd),
        weekday_en(wd)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::testutil::{d, policy};

    fn errors(text: &str) -> Vec<String> {
        match parse_events(&policy(), "data.csv", text, 0) {
            Ok(_) => vec![],
            Err(es) => es.iter().map(|e| e.to_string()).collect(),
        }
    }

    #[test]
    fn reads_kinds_codes_and_signals() {
        let text = "student,date,period,kind,code,minutes\n\
                    S2,2022-09-05,1,late,,7\n\
                    S1,2022-09-05,2,,Z,\n\
                    S1,2022-09-05,,special_arrangement,,\n\
                    S1,2022-09-06,3,,HV,\n\
                    S1,2022-09-05,2,,Z,\n";
        let regs = parse_events(&policy(), "data.csv", text, 0).unwrap();
        assert_eq!(regs.students, vec!["S1", "S2"]);
        assert_eq!(regs.ignored, 1);
        assert_eq!(regs.rows.len(), 3, "the duplicate sick row is merged");
        let r = &regs.rows[0];
        assert_eq!((r.student, r.period, r.kind, r.minutes), (0, None, 5, 0));
        let r = &regs.rows[1];
        assert_eq!(
            (r.date, r.period, r.kind, r.minutes),
            (d("2022-09-05"), Some(2), 1, 50)
        );
        assert_eq!(r.code.as_deref(), Some("Z"));
        assert_eq!(r.origin.line, 3);
        let r = &regs.rows[2];
        assert_eq!((r.student, r.kind, r.minutes), (1, 0, 7));
        assert_eq!(r.authorization, Authorization::Unauthorized);
    }

    #[test]
    fn code_overrides_kind_marking() {
        let text = "code,student,date,period,minutes\nLa,S1,2022-09-05,1,5\n";
        let regs = parse_events(&policy(), "x.csv", text, 0).unwrap();
        assert_eq!(regs.rows[0].authorization, Authorization::Authorized);
    }

    #[test]
    fn every_bad_row_is_reported_with_its_location() {
        let text = "student,date,period,kind,minutes\n\
                    S1,2022-09-05,1,lat,5\n\
                    S1,2023-02-30,1,sick,\n\
                    S1,2022-10-17,1,sick,\n\
                    S1,2022-09-03,1,sick,\n\
                    S1,2022-09-07,7,sick,\n\
                    S1,2022-09-05,x,sick,\n\
                    S1,2022-09-05,1,late,-3\n\
                    ,2022-09-05,1,sick,\n\
                    S1,2022-09-05,2,special_arrangement,\n\
                    S1,2022-09-05,,sick,\n\
                    S1,2022-09-05,1,late,\n\
                    S1,2022-08-01,1,sick,\n";
        let errs = errors(text);
        assert_eq!(
            errs,
            vec![
                "data.csv:2:17: unknown kind `lat` (expected one of: late, sick, truancy, removal, authorized, special_arrangement, unclear_illness)",
                "data.csv:3:4: impossible date `2023-02-30`: February 2023 has 28 days",
                "data.csv:4:4: 2022-10-17 is in Herfstvakantie (2022-10-15 .. 2022-10-23)",
                "data.csv:5:4: 2022-09-03 is a Saturday",
                "data.csv:6:15: period `7` is not scheduled on Wednesdays (expected 1–6)",
                "data.csv:7:15: bad period: `x` is not a whole number",
                "data.csv:8:22: bad minutes: negative number `-3`",
                "data.csv:9:1: missing student",
                "data.csv:10:15: a signal has no period, but the row gives `2`",
                "data.csv:11:15: missing period",
                "data.csv:12:22: late arrival without minutes late",
                "data.csv:13:4: 2022-08-01 is outside the school year (2022-08-29 .. 2023-07-21)",
            ]
        );
    }

    #[test]
    fn unknown_kind_suggests_the_closest() {
        let text = "student,date,period,kind,minutes\nS1,2022-09-05,1,lat,5\n";
        let err = parse_events(&policy(), "d.csv", text, 0).unwrap_err();
        assert_eq!(err[0].help.as_deref(), Some("did you mean `late`?"));
        assert_eq!(err[0].code, DataErrorCode::UnknownKind);
    }

    #[test]
    fn header_problems_are_reported() {
        let errs = errors("student,date,period,kind,minuten\n");
        assert_eq!(errs, vec!["data.csv:1:26: unknown column `minuten`"]);
        let errs = errors("student,date,period\n");
        assert_eq!(
            errs,
            vec!["data.csv:1:1: missing column `kind` (or `code`)"]
        );
        let errs = errors("");
        assert_eq!(errs, vec!["data.csv:1:1: the file is empty"]);
    }

    #[test]
    fn codes_are_case_sensitive_with_a_hint() {
        let text = "student,date,period,code\nS1,2022-09-05,1,z\n";
        let err = parse_events(&policy(), "d.csv", text, 0).unwrap_err();
        assert_eq!(
            err[0].help.as_deref(),
            Some("codes are case-sensitive: did you mean `Z`?")
        );
    }

    proptest::proptest! {
        /// Whatever the text, reading it returns (never panics), and every
        /// error names a line and column inside the file.
        #[test]
        fn never_panics_on_arbitrary_rows(
            rows in proptest::collection::vec(
                "[S0-9]{0,3},(2022-09-0[0-9]|20[0-9-]{0,8}|x)?,[-0-9x]{0,2},(late|sick|lat|special_arrangement|)?,[-0-9]{0,3}(,\"[a,\"]{0,3}\")?",
                0..12,
            )
        ) {
            let mut text = String::from("student,date,period,kind,minutes\n");
            for r in &rows {
                text.push_str(r);
                text.push('\n');
            }
            if let Err(errs) = parse_events(&policy(), "p.csv", &text, 0) {
                let lines = text.lines().count() as u64;
                for e in errs {
                    proptest::prop_assert!(e.line >= 1 && e.line <= lines.max(1), "{e}");
                    proptest::prop_assert!(e.column >= 1, "{e}");
                }
            }
        }
    }

    #[test]
    fn kind_and_code_must_agree() {
        let text = "student,date,period,kind,code\nS1,2022-09-05,1,truancy,Z\n";
        let errs = errors(text);
        assert_eq!(
            errs,
            vec!["data.csv:2:17: kind `truancy` does not match code `Z`, which means `sick`"]
        );
    }
}
