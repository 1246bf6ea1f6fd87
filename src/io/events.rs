//! The events reader: registrations and signals, one row each, mapped to
//! the policy's kinds, from one or more files (CSV or JSON Lines).
//!
//! CSV header: `student,date,period,kind,minutes` in any order, with `code`
//! instead of or beside `kind` (`minutes` may be left out) and an optional
//! `id`. JSON Lines ([`super::jsonl`]): one object per line with the same
//! fields. A `code` is mapped through the policy's code list; an ignored
//! code is counted in [`Registrations::ignored`] and not returned. Signals
//! have empty `period` and `minutes`. Minutes: for the kind [`LATE_KIND`],
//! the minutes late (required); for other kinds the lesson's minutes
//! (empty: the calendar's lesson length).
//!
//! Several files are merged as described in [`super::merge`]: a later
//! file's row replaces an earlier one with the same key; identical rows are
//! merged; both are counted.
//!
//! Reading is strict: every row that cannot be counted is reported as a
//! [`DataError`] and nothing is returned. With a roster, a registration of a
//! student missing from it, or dated outside the student's enrolment, is
//! such a row ([`super::enrolment`]).

use super::csvpos::{CsvRows, Row, RowView};
use super::enrolment::{Enrolment, RosterIndex, outside};
use super::merge::{Collected, NO_ID};
use super::{
    DataError, DataErrorCode, ReadError, csv_problem, did_you_mean, display_name, header_row,
    join_list, jsonl, parse_count, parse_date, parse_header, read_text, weekday_en, width_error,
};
use crate::calendar::Calendar;
use crate::eval::{Origin, Registration, Registrations, Roster};
use crate::model::{CodeMeaning, KindId, Policy};
use crate::syntax::ast::Authorization;
use chrono::{Datelike, NaiveDate, Weekday};

pub use super::merge::EventsRead;

/// The kind whose `minutes` are minutes late, required on every row.
pub const LATE_KIND: &str = "late";

/// Column names an events file may have (JSON Lines: field names).
pub const EVENT_COLUMNS: [&str; 7] = ["student", "date", "period", "kind", "code", "minutes", "id"];

const REQUIRED: [&str; 3] = ["student", "date", "period"];

/// The help of a `bad-header` error for an empty events file.
pub(super) const EXPECTED_HEADER: &str = "expected a header line: student,date,period,kind,minutes";

/// How an events file is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventsFormat {
    /// Comma-separated, with a header line.
    Csv,
    /// JSON Lines: one object per line.
    Jsonl,
}

impl EventsFormat {
    /// JSON Lines when `path` ends in `.jsonl` or `.ndjson` or the text
    /// starts with `{`; CSV otherwise.
    pub fn detect(path: &str, text: &str) -> EventsFormat {
        let lower = path.to_ascii_lowercase();
        if lower.ends_with(".jsonl")
            || lower.ends_with(".ndjson")
            || text.trim_start().starts_with('{')
        {
            EventsFormat::Jsonl
        } else {
            EventsFormat::Csv
        }
    }
}

/// One events file, read.
#[derive(Debug, Clone)]
pub struct EventsFile {
    /// The name in messages (`<stdin>` for `-`).
    pub name: String,
    /// The text (without a byte-order mark).
    pub text: String,
    /// CSV or JSON Lines.
    pub format: EventsFormat,
}

impl EventsFile {
    /// Read `path` (`-`: standard input) and detect its format.
    pub fn read(path: &str) -> Result<EventsFile, ReadError> {
        let text = read_text(path)?;
        let format = EventsFormat::detect(path, &text);
        Ok(EventsFile {
            name: display_name(path),
            text,
            format,
        })
    }
}

/// Options of [`parse_event_files`].
#[derive(Clone, Copy, Default)]
pub struct ReadOptions<'a> {
    /// Check every registration against this roster.
    pub roster: Option<&'a Roster>,
    /// Called now and then with the bytes read so far (over all files).
    pub progress: Option<&'a dyn Fn(u64)>,
}

/// Parse and merge events files; file `i` of `files` is input file `i` of
/// each registration's [`Origin`].
///
/// Errors: every problem of every file, in file order.
pub fn parse_event_files(
    policy: &Policy,
    files: &[EventsFile],
    opts: ReadOptions,
) -> Result<EventsRead, Vec<DataError>> {
    let index = opts.roster.map(RosterIndex::new);
    let mut out = Collected::default();
    let mut errors = Vec::new();
    let mut base = 0u64;
    for (i, f) in files.iter().enumerate() {
        let ctx = FileCtx {
            policy,
            file: f,
            index: i as u32,
            roster: index.as_ref(),
            progress: opts.progress,
            base,
        };
        ctx.parse(&mut out, &mut errors);
        base += f.text.len() as u64;
    }
    if errors.is_empty() {
        Ok(out.finish())
    } else {
        Err(errors)
    }
}

/// Parse one events text (CSV, or JSON Lines when it starts with `{`).
/// `file` names it in errors; `file_index` goes into each registration's
/// [`Origin`]. Students are interned in sorted order; identical rows are
/// merged (the first one's origin is kept); rows are returned in evaluation
/// order.
///
/// Errors: every problem found, in file order.
pub fn parse_events(
    policy: &Policy,
    file: &str,
    text: &str,
    file_index: u32,
) -> Result<Registrations, Vec<DataError>> {
    let f = EventsFile {
        name: file.to_string(),
        text: text.to_string(),
        format: EventsFormat::detect("", text),
    };
    let ctx = FileCtx {
        policy,
        file: &f,
        index: file_index,
        roster: None,
        progress: None,
        base: 0,
    };
    let mut out = Collected::default();
    let mut errors = Vec::new();
    ctx.parse(&mut out, &mut errors);
    if errors.is_empty() {
        Ok(out.finish().registrations)
    } else {
        Err(errors)
    }
}

/// Rows between two progress reports.
const PROGRESS_EVERY: usize = 1 << 14;

/// One file being parsed.
struct FileCtx<'a> {
    policy: &'a Policy,
    file: &'a EventsFile,
    index: u32,
    roster: Option<&'a RosterIndex<'a>>,
    progress: Option<&'a dyn Fn(u64)>,
    base: u64,
}

impl FileCtx<'_> {
    fn parse(&self, out: &mut Collected, errors: &mut Vec<DataError>) {
        out.rows.start_file(self.index);
        match self.file.format {
            EventsFormat::Csv => self.parse_csv(out, errors),
            EventsFormat::Jsonl => self.parse_jsonl(out, errors),
        }
        self.report(self.file.text.len() as u64);
    }

    fn report(&self, bytes: u64) {
        if let Some(p) = self.progress {
            p(self.base + bytes);
        }
    }

    fn reader(&self, cols: Columns, jsonl: bool) -> RowReader<'_> {
        RowReader {
            policy: self.policy,
            file: &self.file.name,
            cols,
            jsonl,
            roster: self.roster,
            file_index: self.index,
        }
    }

    fn parse_csv(&self, out: &mut Collected, errors: &mut Vec<DataError>) {
        let file = self.file.name.as_str();
        let delimiter = detect_delimiter(&self.file.text);
        let mut rows = CsvRows::with_delimiter(&self.file.text, delimiter);
        let header = match header_row(file, &mut rows, EXPECTED_HEADER.to_string())
            .and_then(|h| Columns::from_header(file, &h))
        {
            Ok(cols) => cols,
            Err(es) => return errors.extend(es),
        };
        let reader = self.reader(header, false);
        let mut n = 0usize;
        while let Some(item) = rows.next() {
            match item {
                Ok(row) => reader.read_row(&row, out, errors),
                Err(p) => errors.push(csv_problem(file, p)),
            }
            n += 1;
            if n.is_multiple_of(PROGRESS_EVERY) {
                self.report(rows.byte_position());
            }
        }
    }

    fn parse_jsonl(&self, out: &mut Collected, errors: &mut Vec<DataError>) {
        let reader = self.reader(Columns::JSONL, true);
        for (n, (end, item)) in jsonl::rows(&self.file.name, &self.file.text).enumerate() {
            match item {
                Ok(row) => reader.read_row(&row, out, errors),
                Err(es) => errors.extend(es),
            }
            if (n + 1).is_multiple_of(PROGRESS_EVERY) {
                self.report(end as u64);
            }
        }
    }
}

/// The field separator of an events CSV: `;` when the header line (the
/// first non-blank line) has a `;` and no `,`, as Dutch Excel writes it;
/// else `,`.
pub fn detect_delimiter(text: &str) -> u8 {
    let header = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    if header.contains(';') && !header.contains(',') {
        b';'
    } else {
        b','
    }
}

/// Column indices of an events file.
#[derive(Debug, Clone, Copy)]
pub(super) struct Columns {
    /// Index of the `student` field.
    pub(super) student: usize,
    /// Index of the `date` field.
    pub(super) date: usize,
    /// Index of the `period` field.
    pub(super) period: usize,
    /// Index of the `kind` field, when the file has one.
    pub(super) kind: Option<usize>,
    /// Index of the `code` field, when the file has one.
    pub(super) code: Option<usize>,
    /// Index of the `minutes` field, when the file has one.
    pub(super) minutes: Option<usize>,
    /// Index of the `id` field, when the file has one.
    pub(super) id: Option<usize>,
    /// Number of fields of every row.
    pub(super) width: usize,
}

impl Columns {
    /// A JSON Lines row: every field, in [`EVENT_COLUMNS`] order.
    pub(super) const JSONL: Columns = Columns {
        student: 0,
        date: 1,
        period: 2,
        kind: Some(3),
        code: Some(4),
        minutes: Some(5),
        id: Some(6),
        width: EVENT_COLUMNS.len(),
    };

    /// The columns named by a CSV header row.
    pub(super) fn from_header(file: &str, row: &Row) -> Result<Columns, Vec<DataError>> {
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
            id: get("id"),
            width: h.width,
        })
    }
}

/// What a row's kind/code cell resolved to.
enum Resolved {
    Kind(KindId, Authorization, Option<String>),
    Ignored,
}

/// Reads data rows of one file: every check of a row, for both the
/// buffered and the streaming (`--sorted`, [`super::stream`]) reader.
pub(super) struct RowReader<'a> {
    /// The policy the rows are read against.
    pub(super) policy: &'a Policy,
    /// The file's name in messages.
    pub(super) file: &'a str,
    /// The file's columns.
    pub(super) cols: Columns,
    /// JSON Lines: errors name the field instead of the column.
    pub(super) jsonl: bool,
    /// Check each row against this roster.
    pub(super) roster: Option<&'a RosterIndex<'a>>,
    /// The file's index, for each registration's [`Origin`].
    pub(super) file_index: u32,
}

/// Errors of one row.
struct RowErrors<'a> {
    file: &'a str,
    row: &'a dyn RowView,
    jsonl: bool,
    errors: &'a mut Vec<DataError>,
    failed: bool,
}

impl RowErrors<'_> {
    fn push(&mut self, col: usize, code: DataErrorCode, msg: String, help: Option<String>) {
        self.failed = true;
        let mut e = DataError::new(
            code,
            self.file.into(),
            self.row.line(),
            self.row.column(col),
            msg,
            help,
        );
        if self.jsonl {
            e = e.in_field(EVENT_COLUMNS.get(col).copied().unwrap_or("student"));
        }
        self.errors.push(e);
    }
}

impl RowReader<'_> {
    /// Check one data row and add it to `out` (a registration, or a row
    /// with an ignored code); its problems go to `errors`, and then nothing
    /// is added.
    pub(super) fn read_row(
        &self,
        row: &dyn RowView,
        out: &mut Collected,
        errors: &mut Vec<DataError>,
    ) {
        let mut errs = RowErrors {
            file: self.file,
            row,
            jsonl: self.jsonl,
            errors,
            failed: false,
        };
        if row.width() != self.cols.width {
            // Only on this error path is the row copied.
            errs.errors
                .extend(width_error(self.file, &row.to_row(), self.cols.width));
            return;
        }
        let (kind, authorization, code) = match self.resolve_kind(row, &mut errs) {
            Some(Resolved::Ignored) => {
                // An ignored code still names a real student on a real
                // school day: a malformed row must not pass (nor replace a
                // registration) just because its code is ignored.
                let student = self.read_student(row, &mut errs);
                let date = self.read_date(row, &mut errs);
                if let Some(s) = student {
                    self.check_student(s, date, out, &mut errs);
                }
                if errs.failed {
                    return;
                }
                return self.push_ignored(row, out, &mut errs);
            }
            Some(Resolved::Kind(k, a, c)) => (Some(k), a, c),
            None => (None, Authorization::Unauthorized, None),
        };
        let student = self.read_student(row, &mut errs);
        let date = self.read_date(row, &mut errs);
        let student = student.map(|s| self.check_student(s, date, out, &mut errs));
        let signal = kind.map(|k| self.policy.kinds[k].signal);
        let period = self.read_period(row, date, signal, &mut errs);
        let minutes = kind.and_then(|k| self.read_minutes(row, k, &mut errs));
        if let (false, Some(student), Some(kind), Some(date), Some(period), Some(minutes)) =
            (errs.failed, student, kind, date, period, minutes)
        {
            let reg = Registration {
                student,
                date,
                period,
                kind,
                minutes,
                code,
                authorization,
                origin: Origin {
                    file: self.file_index,
                    line: row.line(),
                },
            };
            let id = self.cols.id.map_or(NO_ID, |c| out.rows.row_id(row.get(c)));
            if let Err(first) = out.rows.push(reg, id) {
                self.duplicate_id(row, first, &mut errs);
            }
        }
    }

    /// Intern the student and, with a roster, check that the student is in
    /// it and enrolled on `date`.
    fn check_student(
        &self,
        student: &str,
        date: Option<NaiveDate>,
        out: &mut Collected,
        errs: &mut RowErrors,
    ) -> u32 {
        let (idx, enrolment) = out.students.intern(student, self.roster);
        let (Some(roster), col) = (self.roster, self.cols.student) else {
            return idx;
        };
        match enrolment {
            Enrolment::Missing => {
                let (msg, help) = roster.missing(student);
                errs.push(col, DataErrorCode::UnknownStudent, msg, Some(help));
            }
            Enrolment::Known(from, until) => {
                if let Some((msg, help)) = date.and_then(|d| outside(student, d, from, until)) {
                    let col = self.cols.date;
                    errs.push(col, DataErrorCode::NotEnrolled, msg, Some(help));
                }
            }
        }
        idx
    }

    /// A row with an ignored code: counted, and merged like registrations.
    fn push_ignored(&self, row: &dyn RowView, out: &mut Collected, errs: &mut RowErrors) {
        let c = &self.cols;
        let fields = [Some(c.student), Some(c.date), Some(c.period), c.code];
        let content: Vec<&str> = fields
            .iter()
            .map(|f| f.map_or("", |i| row.get(i)))
            .collect();
        let id = c.id.map_or(NO_ID, |i| out.rows.row_id(row.get(i)));
        if let Err(first) = out
            .rows
            .push_ignored(id, content.join("\u{1f}"), row.line())
        {
            self.duplicate_id(row, first, errs);
        }
    }

    fn duplicate_id(&self, row: &dyn RowView, first: u64, errs: &mut RowErrors) {
        let col = self.cols.id.unwrap_or(0);
        let msg = format!(
            "id `{}` was given to another registration on line {first}",
            row.get(col)
        );
        let help = Some(
            "each registration needs its own id; a later file may replace a row with the same id"
                .to_string(),
        );
        errs.push(col, DataErrorCode::DuplicateId, msg, help);
    }

    fn read_student<'r>(&self, row: &'r dyn RowView, errs: &mut RowErrors) -> Option<&'r str> {
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
    fn resolve_kind(&self, row: &dyn RowView, errs: &mut RowErrors) -> Option<Resolved> {
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
                    let help = "give the kind (late, sick, …) or the school's code".to_string();
                    errs.push(col, DataErrorCode::MissingKind, msg, Some(help));
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
                    let help = format!(
                        "correct the kind to `{}` or the code; or leave one of them empty",
                        self.policy.kinds[k].id
                    );
                    errs.push(kc, DataErrorCode::KindCodeMismatch, msg, Some(help));
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

    fn read_date(&self, row: &dyn RowView, errs: &mut RowErrors) -> Option<NaiveDate> {
        let col = self.cols.date;
        let value = row.get(col);
        if value.is_empty() {
            let help = "write the date as YYYY-MM-DD, e.g. 2022-09-05".to_string();
            errs.push(
                col,
                DataErrorCode::BadDate,
                "missing date".into(),
                Some(help),
            );
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
        row: &dyn RowView,
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
                let help = "write the lesson period as a whole number (1, 2, …); leave it empty for a signal".to_string();
                errs.push(col, DataErrorCode::BadNumber, msg, Some(help));
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
                let help = "check the period (the calendar's `periods` line says which periods each weekday has) or the date".to_string();
                errs.push(col, DataErrorCode::BadPeriod, msg, Some(help));
                None
            }
            None => None,
        }
    }

    fn read_minutes(&self, row: &dyn RowView, kind: KindId, errs: &mut RowErrors) -> Option<u32> {
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
                    Some("write the minutes as a whole number, or leave them empty for a lesson's length (not for `late`)".to_string()),
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
        let help = if late {
            "give the minutes late of this lesson; an absence for the whole lesson is a registration of another kind"
        } else {
            "leave the minutes empty for the calendar's lesson length"
        };
        errs.push(col, DataErrorCode::BadMinutes, msg, Some(help.to_string()));
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
#[path = "events_tests.rs"]
mod tests;
