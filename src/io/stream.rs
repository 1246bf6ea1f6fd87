//! The streaming events reader of `verzuim run --sorted`: events files
//! sorted by date are read one date at a time, so memory grows with the
//! number of students, not with the number of registrations.
//!
//! [`SortedEvents`] reads each file (CSV or JSON Lines, as
//! [`super::events`] does) from a buffered reader, never whole, and merges
//! the files by date: each [`SortedEvents::next_batch`] returns the rows of
//! the smallest next date over all files. Every row gets the same checks as
//! in the buffered reader (`RowReader::read_row` of [`super::events`]); the
//! rows of one date are merged across files by the same rules
//! ([`super::merge`]). What is
//! held: the student table, and per file one record ahead plus the current
//! date's rows.
//!
//! A row dated before the latest date of its own file read so far is an
//! `out-of-order` error; only rows that pass every check set that latest
//! date, so one rejected row (a typo in its date) does not make the rows
//! after it out of order. The row still gets every other check. The first
//! [`OUT_OF_ORDER_LISTED`] such rows of a file are listed, the rest only
//! counted in one closing error at the file's end: memory stays bounded
//! when a file is not sorted at all. Replacement by `id` and the
//! `duplicate-id` check only see the rows of one date (a row whose date
//! changed between two exports counts on both dates).
//!
//! An I/O error while reading ends the stream with [`ReadError::Io`], as
//! the buffered reader reports it; text that is not UTF-8 stays a data
//! error.

use super::csvpos::{self, CsvRows, RecordRow, Row, RowView, record_start};
use super::enrolment::RosterIndex;
use super::events::{Columns, EXPECTED_HEADER, EventsFormat, RowReader, detect_delimiter};
use super::merge::Collected;
use super::{
    DataError, DataErrorCode, ReadError, csv_problem, display_name, header_row, jsonl, parse_date,
};
use crate::eval::{Registration, Roster};
use crate::model::Policy;
use chrono::NaiveDate;
use csv::StringRecord;
use std::io::{self, BufRead, BufReader, Chain, Cursor, Read};

/// Capacity of the read buffers, in bytes.
const BUFFER: usize = 1 << 18;

/// Bytes before the current record that a [`Tee`] lets pile up before
/// dropping them.
const KEEP: u64 = 1 << 20;

/// Out-of-order rows of one file listed one by one; the rest are counted
/// in one closing error.
pub const OUT_OF_ORDER_LISTED: u64 = 10;

/// One date's registrations from all files, merged.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DayBatch {
    /// The date of every row of the batch.
    pub date: NaiveDate,
    /// Registrations of this date (any order). `Registration::student` indexes the
    /// student table, which only grows: indices are first-seen order, never renumbered.
    pub rows: Vec<Registration>,
    /// Students first seen in this batch, in index order: after this batch the table
    /// is previous names ++ new_students.
    pub new_students: Vec<String>,
    /// Rows with an ignored code in this batch.
    pub ignored: u64,
    /// Rows dropped as identical duplicates / replaced by a later file, in this batch.
    pub duplicates_merged: u64,
    /// Rows dropped because a later file has a different row with the same
    /// key, in this batch.
    pub replaced: u64,
}

/// Events files sorted by date, read one date at a time (`--sorted`).
///
/// Memory: the student table (each ID, its index and its roster
/// enrolment), one record ahead per file, and the rows of the date being
/// read. Errors of rows of one date are returned with that date's batch.
/// Rows that cannot be placed by date (a malformed or missing date, a date
/// that is no school day, a bad CSV record, a row out of order) are
/// reported with the batch whose rows surround them in their file, or else
/// with the next batch.
pub struct SortedEvents<'a> {
    policy: &'a Policy,
    roster: Option<RosterIndex<'a>>,
    files: Vec<FileStream>,
    /// The student table, and the current date's rows.
    out: Collected,
    /// Number of students given out in batches so far.
    reported: usize,
    /// Errors found while looking for each file's next row: they belong to
    /// the next batch.
    peeked: Vec<DataError>,
    /// Whether every file has been read up to its first row.
    primed: bool,
    /// Bytes of all files, when known.
    total: Option<u64>,
    /// An I/O error was returned: the stream has ended.
    failed: bool,
}

impl<'a> SortedEvents<'a> {
    /// Open the files (`-` = stdin, at most once), detect format (CSV / JSON Lines, `;` CSV) and read headers.
    /// Errors: ReadError::Io for I/O, ReadError::Invalid for header problems.
    ///
    /// Each registration's `origin.file` is its file's index in `paths`.
    /// Header problems of every file are reported together; the first I/O
    /// error ends opening (`-` given twice is an `InvalidInput` I/O error).
    pub fn open(
        policy: &'a Policy,
        paths: &[String],
        roster: Option<&'a Roster>,
    ) -> Result<Self, ReadError> {
        let mut stdin_used = false;
        let mut inputs = Vec::new();
        for path in paths {
            let io_error = |error| ReadError::Io {
                path: path.clone(),
                error,
            };
            if path == "-" {
                if std::mem::replace(&mut stdin_used, true) {
                    let msg = "standard input (`-`) can be read only once";
                    return Err(io_error(io::Error::new(io::ErrorKind::InvalidInput, msg)));
                }
                inputs.push((
                    path.clone(),
                    Box::new(io::stdin()) as Box<dyn Read + Send>,
                    None,
                ));
            } else {
                let file =
                    crate::source::open_regular(std::path::Path::new(path)).map_err(io_error)?;
                let size = file.metadata().map_err(io_error)?.len();
                inputs.push((path.clone(), Box::new(file), Some(size)));
            }
        }
        Self::from_readers(policy, inputs, roster)
    }

    /// As [`SortedEvents::open`], from readers already opened: (path as
    /// given, the reader, its size in bytes when known). The path names
    /// the file in messages and decides the format by its extension.
    pub fn from_readers(
        policy: &'a Policy,
        inputs: Vec<(String, Box<dyn Read + Send>, Option<u64>)>,
        roster: Option<&'a Roster>,
    ) -> Result<Self, ReadError> {
        let mut total = Some(0u64);
        let mut files = Vec::new();
        let mut errors = Vec::new();
        for (i, (path, input, size)) in inputs.into_iter().enumerate() {
            total = total.zip(size).map(|(a, b)| a + b);
            match FileStream::open(&path, i as u32, input) {
                Ok(f) => files.push(f),
                Err(Opened::Io(error)) => return Err(ReadError::Io { path, error }),
                Err(Opened::Invalid(es)) => errors.extend(es),
            }
        }
        if !errors.is_empty() {
            return Err(ReadError::Invalid(errors));
        }
        Ok(SortedEvents {
            policy,
            roster: roster.map(RosterIndex::new),
            files,
            out: Collected::default(),
            reported: 0,
            peeked: Vec::new(),
            primed: false,
            total,
            failed: false,
        })
    }

    /// The next date's batch; None at the end.
    ///
    /// `Err(ReadError::Invalid(errors))` when rows of this batch (or rows
    /// that cannot be placed by date) are bad: the caller stops evaluating
    /// but may call `next_batch` again to collect the remaining errors
    /// (every bad row of the whole input is listed, except that out-of-order
    /// rows past the first [`OUT_OF_ORDER_LISTED`] of a file are only
    /// counted). `Err(ReadError::Io { .. })` when a file could not be read
    /// to its end: the stream ends there (the next call gives `None`).
    ///
    /// Batches come in strictly increasing date order up to the first
    /// error; after a rejected row, a file's later rows may come in batches
    /// of earlier dates. Errors are in file order within a batch. After the
    /// last batch, one more `Err` may come with the problems found after
    /// the last good row.
    pub fn next_batch(&mut self) -> Option<Result<DayBatch, ReadError>> {
        if self.failed {
            return None;
        }
        let batch = self.next_day();
        let io = self.files.iter_mut().find_map(|f| {
            let error = f.source.take_io_error()?;
            Some(ReadError::Io {
                path: f.path.clone(),
                error,
            })
        });
        if let Some(e) = io {
            self.failed = true;
            return Some(Err(e));
        }
        batch.map(|b| b.map_err(ReadError::Invalid))
    }

    /// The next date's batch or its errors, ignoring I/O errors (see
    /// [`SortedEvents::next_batch`]).
    fn next_day(&mut self) -> Option<Result<DayBatch, Vec<DataError>>> {
        let policy = self.policy;
        let roster = self.roster.as_ref();
        if !self.primed {
            self.primed = true;
            for f in &mut self.files {
                f.advance(policy, roster, &mut self.out, &mut self.peeked);
            }
        }
        let mut errors = std::mem::take(&mut self.peeked);
        let Some(date) = self.files.iter().filter_map(|f| f.pending).min() else {
            return (!errors.is_empty()).then_some(Err(errors));
        };
        for f in &mut self.files {
            if f.pending != Some(date) {
                continue;
            }
            self.out.rows.start_file(f.index);
            while f.pending == Some(date) {
                if f.read_pending(policy, roster, &mut self.out, &mut errors) {
                    // Only an accepted row is the reference of the order.
                    f.last = Some((date, f.pending_line));
                }
                // Problems found between two rows of this date are this
                // batch's; those after its last row, the next batch's.
                let mut found = Vec::new();
                f.advance(policy, roster, &mut self.out, &mut found);
                match f.pending == Some(date) {
                    true => errors.append(&mut found),
                    false => self.peeked.append(&mut found),
                }
            }
        }
        let merged = std::mem::take(&mut self.out.rows).merge(None);
        if !errors.is_empty() {
            return Some(Err(errors));
        }
        let names = self.out.students.names();
        let new_students = names[self.reported..].to_vec();
        self.reported = names.len();
        Some(Ok(DayBatch {
            date,
            rows: merged.rows,
            new_students,
            ignored: merged.ignored,
            duplicates_merged: merged.duplicates,
            replaced: merged.replaced,
        }))
    }

    /// Bytes read so far over all files, and the total when known (files, not stdin), for the progress bar.
    ///
    /// Reading runs a little ahead of the batches returned (one buffer per
    /// file); at the end the count equals the total.
    pub fn progress(&self) -> (u64, Option<u64>) {
        let read = self.files.iter().map(|f| f.source.bytes_read()).sum();
        (read, self.total)
    }
}

/// Why a file could not be opened.
enum Opened {
    Io(io::Error),
    Invalid(Vec<DataError>),
}

/// A file's bytes: the start already read (to detect the format), then the
/// rest.
type Input = Chain<Cursor<Vec<u8>>, BufReader<Box<dyn Read + Send>>>;

/// One events file being streamed.
struct FileStream {
    /// The path as given.
    path: String,
    /// The name in messages.
    name: String,
    /// The index in the command line's list.
    index: u32,
    cols: Columns,
    source: Source,
    /// The date of the current row, read but not yet put in a batch; `None`
    /// at the end of the file.
    pending: Option<NaiveDate>,
    /// The line of the pending row.
    pending_line: u64,
    /// The date and line of the latest accepted row (it passed every
    /// check): the reference of the out-of-order check.
    last: Option<(NaiveDate, u64)>,
    /// Rows out of date order so far.
    out_of_order: u64,
    /// The error of the first of them, the closing error's location.
    first_out_of_order: Option<DataError>,
}

/// What reading the next record gave.
enum Next {
    /// A row (the source's current row).
    Row,
    /// A record that is no row (its problems were reported).
    Skip,
    /// The end of the file (or an error that ends it, reported).
    End,
}

/// Where a row goes.
enum Verdict {
    /// Into the batch of this date (its line).
    Date(NaiveDate, u64),
    /// Nowhere: it has no usable date (none, malformed, no school day) or
    /// a wrong width; its errors are reported at once.
    Bad,
    /// Nowhere: it comes out of date order.
    OutOfOrder(DataError),
}

impl FileStream {
    /// Open `path` (already opened as `input`): strip a byte-order mark,
    /// detect the format and read a CSV header.
    fn open(path: &str, index: u32, input: Box<dyn Read + Send>) -> Result<FileStream, Opened> {
        let name = display_name(path);
        let mut reader = BufReader::with_capacity(BUFFER, input);
        // The lines up to the first non-blank one: they decide the format
        // and the separator, and are then read again.
        let mut head = Vec::new();
        let mut bom = 0;
        loop {
            let start = head.len();
            let n = reader.read_until(b'\n', &mut head).map_err(Opened::Io)?;
            if start == 0 && head.starts_with("\u{feff}".as_bytes()) {
                head.drain(..3);
                bom = 3;
            }
            if n == 0 || !head[start..].trim_ascii().is_empty() {
                break;
            }
        }
        let text = String::from_utf8_lossy(&head).into_owned();
        let format = EventsFormat::detect(path, &text);
        let input = Cursor::new(head).chain(reader);
        let mut file = FileStream {
            path: path.to_string(),
            name,
            index,
            cols: Columns::JSONL,
            source: match format {
                EventsFormat::Jsonl => Source::Jsonl(JsonlSource::new(input, bom)),
                EventsFormat::Csv => Source::Csv(Box::new(CsvSource::new(
                    input,
                    detect_delimiter(&text),
                    bom,
                ))),
            },
            pending: None,
            pending_line: 0,
            last: None,
            out_of_order: 0,
            first_out_of_order: None,
        };
        if let Source::Csv(csv) = &mut file.source {
            file.cols = csv.header(&file.name)?;
        }
        Ok(file)
    }

    /// The reader of this file's rows.
    fn reader<'r>(&'r self, policy: &'r Policy, roster: Option<&'r RosterIndex>) -> RowReader<'r> {
        RowReader {
            policy,
            file: &self.name,
            cols: self.cols,
            jsonl: matches!(self.source, Source::Jsonl(_)),
            roster,
            file_index: self.index,
        }
    }

    /// Check the pending row and add it to `out`: whether it was accepted
    /// (no error).
    fn read_pending(
        &self,
        policy: &Policy,
        roster: Option<&RosterIndex>,
        out: &mut Collected,
        errors: &mut Vec<DataError>,
    ) -> bool {
        let before = errors.len();
        let reader = self.reader(policy, roster);
        self.source
            .with_row(|row| reader.read_row(row, out, errors));
        errors.len() == before
    }

    /// Check the current row as any row, reporting its problems, without
    /// adding it to any batch (it has no place in the order).
    fn check_unplaced(
        &self,
        policy: &Policy,
        roster: Option<&RosterIndex>,
        out: &mut Collected,
        errors: &mut Vec<DataError>,
    ) {
        // A good row lands in a set of its own, dropped; the student table
        // is shared, as for any rejected row.
        let rows = std::mem::take(&mut out.rows);
        self.read_pending(policy, roster, out, errors);
        out.rows = rows;
    }

    /// Note a row out of date order: listed while fewer than
    /// [`OUT_OF_ORDER_LISTED`] were, counted after.
    fn note_out_of_order(&mut self, e: DataError, errors: &mut Vec<DataError>) {
        self.out_of_order += 1;
        if self.first_out_of_order.is_none() {
            self.first_out_of_order = Some(e.clone());
        }
        if self.out_of_order <= OUT_OF_ORDER_LISTED {
            errors.push(e);
        }
    }

    /// At the end of the file: the one error for the out-of-order rows not
    /// listed, if any.
    fn close_out_of_order(&mut self, errors: &mut Vec<DataError>) {
        let more = self.out_of_order.saturating_sub(OUT_OF_ORDER_LISTED);
        let Some(first) = self.first_out_of_order.take() else {
            return;
        };
        if more == 0 {
            return;
        }
        let rows = if more == 1 { "row" } else { "rows" };
        let message = format!(
            "… and {} more {rows} out of order: {} does not look sorted by date (first at line {})",
            thousands(more),
            self.name,
            first.line
        );
        let help = "sort it by date (see docs/input.md), or run without --sorted";
        errors.push(DataError {
            message,
            help: Some(help.to_string()),
            ..first
        });
    }

    /// Read up to the next row in date order, making it pending (none at
    /// the end). Rows on the way that cannot be placed are reported to
    /// `errors` with every problem they have (checked as any row), those
    /// out of order as such too (see [`FileStream::note_out_of_order`]).
    fn advance(
        &mut self,
        policy: &Policy,
        roster: Option<&RosterIndex>,
        out: &mut Collected,
        errors: &mut Vec<DataError>,
    ) {
        loop {
            match self.source.read(&self.name, errors) {
                Next::End => {
                    self.pending = None;
                    self.close_out_of_order(errors);
                    return;
                }
                Next::Skip => continue,
                Next::Row => {}
            }
            let verdict = self.source.with_row(|row| self.verdict(row, policy));
            match verdict {
                Verdict::Date(date, line) => {
                    self.pending = Some(date);
                    self.pending_line = line;
                    return;
                }
                Verdict::Bad => self.check_unplaced(policy, roster, out, errors),
                Verdict::OutOfOrder(e) => {
                    self.note_out_of_order(e, errors);
                    self.check_unplaced(policy, roster, out, errors);
                }
            }
        }
    }

    /// Where `row` goes. A date that is no school day (a typo, a weekend)
    /// is rejected at once: it neither waits for its batch nor becomes the
    /// reference of the order.
    fn verdict(&self, row: &dyn RowView, policy: &Policy) -> Verdict {
        if row.width() != self.cols.width {
            return Verdict::Bad;
        }
        let col = self.cols.date;
        let Ok(date) = parse_date(row.get(col)) else {
            return Verdict::Bad;
        };
        if !policy.calendar.is_school_day(date) {
            return Verdict::Bad;
        }
        match self.last {
            Some((last, line)) if date < last => {
                let msg = format!(
                    "row dated {} after line {line}, dated {}: under --sorted dates must not decrease",
                    date.format("%Y-%m-%d"),
                    last.format("%Y-%m-%d")
                );
                let help = Some(
                    "sort the file by date (see docs/input.md), or run without --sorted; \
                     if this date is a typo, correct it"
                        .to_string(),
                );
                let code = DataErrorCode::OutOfOrder;
                let file = self.name.clone();
                let e = DataError::new(code, file, row.line(), row.column(col), msg, help);
                Verdict::OutOfOrder(match self.source {
                    Source::Jsonl(_) => e.in_field("date"),
                    Source::Csv(_) => e,
                })
            }
            _ => Verdict::Date(date, row.line()),
        }
    }
}

/// A file's records.
enum Source {
    Csv(Box<CsvSource>),
    Jsonl(JsonlSource),
}

impl Source {
    /// Read the next record; problems that make it no row go to `errors`.
    fn read(&mut self, file: &str, errors: &mut Vec<DataError>) -> Next {
        match self {
            Source::Csv(s) => s.read(file, errors),
            Source::Jsonl(s) => s.read(file, errors),
        }
    }

    /// Call `f` with the current row.
    fn with_row<T>(&self, f: impl FnOnce(&dyn RowView) -> T) -> T {
        match self {
            Source::Csv(s) => f(&s.row()),
            Source::Jsonl(s) => f(&s.row),
        }
    }

    fn bytes_read(&self) -> u64 {
        match self {
            Source::Csv(s) => s.reader.get_ref().total,
            Source::Jsonl(s) => s.bytes,
        }
    }

    /// The I/O error that ended the file, if one did (given out once).
    fn take_io_error(&mut self) -> Option<io::Error> {
        match self {
            Source::Csv(s) => s.io_error.take(),
            Source::Jsonl(s) => s.io_error.take(),
        }
    }
}

/// `n` with a comma between groups of three digits: `140,233`.
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A reader that keeps a copy of the bytes from `keep_from` on, so that a
/// record's raw text is at hand for the columns of its errors.
struct Tee {
    inner: Input,
    /// The bytes from stream offset `base` on.
    buf: Vec<u8>,
    base: u64,
    /// The offset of the earliest byte still needed.
    keep_from: u64,
    /// Bytes read (with the byte-order mark).
    total: u64,
}

impl Read for Tee {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if self.keep_from.saturating_sub(self.base) > KEEP {
            let n = ((self.keep_from - self.base) as usize).min(self.buf.len());
            self.buf.drain(..n);
            self.base += n as u64;
        }
        let n = self.inner.read(out)?;
        self.buf.extend_from_slice(&out[..n]);
        self.total += n as u64;
        Ok(n)
    }
}

/// A CSV file's records.
struct CsvSource {
    reader: csv::Reader<Tee>,
    record: StringRecord,
    delimiter: u8,
    /// The current record's line, first byte and end (stream offsets).
    line: u64,
    start: u64,
    end: u64,
    done: bool,
    /// The I/O error that ended reading.
    io_error: Option<io::Error>,
}

impl CsvSource {
    fn new(input: Input, delimiter: u8, bom: u64) -> CsvSource {
        let tee = Tee {
            inner: input,
            buf: Vec::with_capacity(2 * BUFFER),
            base: 0,
            keep_from: 0,
            total: bom,
        };
        let reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(delimiter)
            .buffer_capacity(BUFFER)
            .from_reader(tee);
        CsvSource {
            reader,
            record: StringRecord::new(),
            delimiter,
            line: 1,
            start: 0,
            end: 0,
            done: false,
            io_error: None,
        }
    }

    /// Read the header: the file's columns.
    fn header(&mut self, file: &str) -> Result<Columns, Opened> {
        let mut errors = Vec::new();
        let columns = match self.read(file, &mut errors) {
            Next::Row => Columns::from_header(file, &self.row().to_row()),
            Next::Skip => Err(errors),
            Next::End if errors.is_empty() && self.io_error.is_none() => {
                // The buffered reader's error for an empty file.
                header_row(file, &mut CsvRows::new(""), EXPECTED_HEADER.to_string())
                    .and_then(|row| Columns::from_header(file, &row))
            }
            Next::End => Err(errors),
        };
        if let Some(e) = self.io_error.take() {
            return Err(Opened::Io(e));
        }
        columns.map_err(Opened::Invalid)
    }

    fn read(&mut self, file: &str, errors: &mut Vec<DataError>) -> Next {
        if self.done {
            return Next::End;
        }
        self.reader.get_mut().keep_from = self.end;
        let before = self.reader.position().clone();
        let result = self.reader.read_record(&mut self.record);
        let at = self
            .record
            .position()
            .cloned()
            .unwrap_or_else(|| before.clone());
        let tee = self.reader.get_ref();
        let (start, line) = record_start(&tee.buf, tee.base, at.byte(), at.line());
        (self.start, self.line) = (start, line);
        self.end = self.reader.position().byte();
        match result {
            Ok(true) => Next::Row,
            Ok(false) => {
                self.done = true;
                Next::End
            }
            Err(e) => match e.kind() {
                csv::ErrorKind::Utf8 { pos, .. } => {
                    // As for a whole file: one error, at the first bad byte.
                    let pos = pos.clone().unwrap_or(before);
                    errors.push(self.not_utf8(file, pos.byte(), pos.line()));
                    self.done = true;
                    Next::End
                }
                csv::ErrorKind::Io(_) => {
                    // Not a data error: the caller reports it as an I/O
                    // error, as when the file is read whole.
                    if let csv::ErrorKind::Io(error) = e.into_kind() {
                        self.io_error = Some(error);
                    }
                    self.done = true;
                    Next::End
                }
                _ => {
                    errors.push(csv_problem(file, csvpos::problem(&e, line)));
                    Next::Skip
                }
            },
        }
    }

    /// The current record.
    fn row(&self) -> RecordRow<'_> {
        let tee = self.reader.get_ref();
        let to = (self.end.saturating_sub(tee.base) as usize).min(tee.buf.len());
        let from = (self.start.saturating_sub(tee.base) as usize).min(to);
        RecordRow {
            line: self.line,
            record: &self.record,
            raw: &tee.buf[from..to],
            delimiter: self.delimiter,
        }
    }

    /// The `bad-csv` error of a record that is not UTF-8, at its first bad
    /// byte; the record starts at stream offset `byte`, on `line`.
    fn not_utf8(&self, file: &str, byte: u64, line: u64) -> DataError {
        let tee = self.reader.get_ref();
        let from = (byte.saturating_sub(tee.base) as usize).min(tee.buf.len());
        let (line, column) = utf8_error_at(&tee.buf[from..], line);
        DataError::new(
            DataErrorCode::BadCsv,
            file.into(),
            line,
            column,
            "the file is not valid UTF-8 text".to_string(),
            Some("save the export as CSV UTF-8".to_string()),
        )
    }
}

/// The line and column of the first byte of `bytes` (which start on
/// `line`) that is not UTF-8.
fn utf8_error_at(bytes: &[u8], line: u64) -> (u64, u64) {
    let valid = match std::str::from_utf8(bytes) {
        Ok(_) => bytes.len(),
        Err(e) => e.valid_up_to(),
    };
    let upto = &bytes[..valid];
    let line = line + upto.iter().filter(|&&b| b == b'\n').count() as u64;
    let col_start = upto.iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1);
    let column = 1 + String::from_utf8_lossy(&upto[col_start..]).chars().count() as u64;
    (line, column)
}

/// A JSON Lines file's lines.
struct JsonlSource {
    reader: Input,
    buf: Vec<u8>,
    /// Lines read.
    line: u64,
    /// Bytes read (with the byte-order mark).
    bytes: u64,
    /// The current row.
    row: Row,
    done: bool,
    /// The I/O error that ended reading.
    io_error: Option<io::Error>,
}

impl JsonlSource {
    fn new(reader: Input, bom: u64) -> JsonlSource {
        JsonlSource {
            reader,
            buf: Vec::new(),
            line: 0,
            bytes: bom,
            row: Row {
                line: 0,
                fields: Vec::new(),
                columns: Vec::new(),
            },
            done: false,
            io_error: None,
        }
    }

    fn read(&mut self, file: &str, errors: &mut Vec<DataError>) -> Next {
        loop {
            if self.done {
                return Next::End;
            }
            self.buf.clear();
            let n = match self.reader.read_until(b'\n', &mut self.buf) {
                Ok(n) => n,
                Err(e) => {
                    // Reported by the caller as an I/O error.
                    self.io_error = Some(e);
                    self.done = true;
                    return Next::End;
                }
            };
            if n == 0 {
                self.done = true;
                return Next::End;
            }
            self.line += 1;
            self.bytes += n as u64;
            let Ok(text) = std::str::from_utf8(&self.buf) else {
                let (line, column) = utf8_error_at(&self.buf, self.line);
                errors.push(DataError::new(
                    DataErrorCode::BadCsv,
                    file.into(),
                    line,
                    column,
                    "the file is not valid UTF-8 text".to_string(),
                    Some("save the export as CSV UTF-8".to_string()),
                ));
                self.done = true;
                return Next::End;
            };
            if text.trim().is_empty() {
                continue;
            }
            return match jsonl::row(file, self.line, text.trim_end()) {
                Ok(row) => {
                    self.row = row;
                    Next::Row
                }
                Err(es) => {
                    errors.extend(es);
                    Next::Skip
                }
            };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::testutil::{d, policy};

    /// A reader over `text` named `name`.
    fn input(name: &str, text: &str) -> (String, Box<dyn Read + Send>, Option<u64>) {
        let bytes = text.as_bytes().to_vec();
        let size = Some(bytes.len() as u64);
        (name.to_string(), Box::new(Cursor::new(bytes)), size)
    }

    /// Every batch of `files` (name, text): the good ones, and the error
    /// messages of the bad ones, in order.
    fn batches(files: &[(&str, &str)]) -> Vec<Result<DayBatch, Vec<String>>> {
        let p = policy();
        let inputs = files.iter().map(|(n, t)| input(n, t)).collect();
        let mut s = SortedEvents::from_readers(&p, inputs, None).unwrap();
        let mut out = Vec::new();
        while let Some(b) = s.next_batch() {
            out.push(b.map_err(|e| messages(invalid(e))));
        }
        let (read, total) = s.progress();
        assert_eq!(Some(read), total, "everything was read");
        out
    }

    /// The data errors of `e`, which is no I/O error.
    fn invalid(e: ReadError) -> Vec<DataError> {
        match e {
            ReadError::Invalid(es) => es,
            ReadError::Io { error, .. } => panic!("I/O error {error}"),
        }
    }

    fn messages(es: Vec<DataError>) -> Vec<String> {
        es.iter().map(|e| e.to_string()).collect()
    }

    fn open_errors(name: &str, text: &str) -> Vec<String> {
        let p = policy();
        match SortedEvents::from_readers(&p, vec![input(name, text)], None) {
            Err(ReadError::Invalid(es)) => es.iter().map(|e| e.to_string()).collect(),
            Err(ReadError::Io { error, .. }) => panic!("I/O error {error}"),
            Ok(_) => vec![],
        }
    }

    const HEADER: &str = "student,date,period,kind,minutes\n";

    #[test]
    fn one_batch_per_date_with_new_students() {
        let text = format!(
            "{HEADER}S2,2022-09-05,1,late,7\nS1,2022-09-05,2,sick,\n\
             S1,2022-09-06,,unclear_illness,\nS3,2022-09-06,1,truancy,\nS2,2022-09-07,1,sick,\n"
        );
        let got = batches(&[("e.csv", &text)]);
        let got: Vec<DayBatch> = got.into_iter().map(Result::unwrap).collect();
        let dates: Vec<NaiveDate> = got.iter().map(|b| b.date).collect();
        assert_eq!(
            dates,
            vec![d("2022-09-05"), d("2022-09-06"), d("2022-09-07")]
        );
        assert_eq!(got[0].new_students, vec!["S2", "S1"]);
        assert_eq!(got[1].new_students, vec!["S3"]);
        assert!(got[2].new_students.is_empty());
        assert_eq!(got[0].rows.len(), 2);
        let late = got[0].rows.iter().find(|r| r.kind == 0).unwrap();
        assert_eq!((late.student, late.minutes, late.origin.line), (0, 7, 2));
        assert_eq!(got[2].rows[0].student, 0, "S2 keeps its index");
    }

    #[test]
    fn a_row_out_of_order_names_its_date_field() {
        let text = format!(
            "{HEADER}S1,2022-09-05,1,sick,\nS1,2022-09-07,1,sick,\n\"S1\",2022-09-06,2,sick,\nS1,2022-09-07,2,sick,\n"
        );
        let got = batches(&[("e.csv", &text)]);
        assert!(got[0].is_ok());
        assert_eq!(
            got[1].as_ref().unwrap_err(),
            &vec![
                "e.csv:4:6: row dated 2022-09-06 after line 3, dated 2022-09-07: under --sorted dates must not decrease"
                    .to_string()
            ]
        );
        assert_eq!(got.len(), 2, "2022-09-07's batch carried the error");
        let p = policy();
        let mut s = SortedEvents::from_readers(&p, vec![input("e.csv", &text)], None).unwrap();
        assert!(s.next_batch().unwrap().is_ok());
        let e = &invalid(s.next_batch().unwrap().unwrap_err())[0];
        assert_eq!(e.code, DataErrorCode::OutOfOrder);
        assert_eq!(
            e.help.as_deref(),
            Some(
                "sort the file by date (see docs/input.md), or run without --sorted; \
                 if this date is a typo, correct it"
            )
        );
    }

    #[test]
    fn bad_rows_are_reported_with_their_batch_and_reading_goes_on() {
        let text = format!(
            "{HEADER}S1,2022-09-05,1,sick,\nS1,2022-09-06,1,lat,\nS1,5-9-2022,1,sick,\n\
             S1,2022-09-07,1,sick,\nS1,2022-09-10,1,sick,\nS1,2022-09-12,1,late,\n"
        );
        let got = batches(&[("e.csv", &text)]);
        assert_eq!(got.len(), 4);
        assert!(got[0].is_ok());
        assert!(got[1].as_ref().unwrap_err()[0].starts_with("e.csv:3:17: unknown kind `lat`"));
        // The malformed date has no batch of its own: it comes with the next.
        assert!(
            got[2].as_ref().unwrap_err()[0].starts_with("e.csv:4:4: malformed date `5-9-2022`")
        );
        // Nor has a date that is no school day.
        assert_eq!(
            got[3].as_ref().unwrap_err(),
            &vec![
                "e.csv:6:4: 2022-09-10 is a Saturday".to_string(),
                "e.csv:7:22: late arrival without minutes late".to_string()
            ]
        );
    }

    #[test]
    fn errors_after_the_last_date_come_last() {
        let text = format!("{HEADER}S1,2022-09-05,1,sick,\nS1,,1,sick\n");
        let got = batches(&[("e.csv", &text)]);
        assert!(got[0].is_ok());
        assert_eq!(
            got[1].as_ref().unwrap_err(),
            &vec!["e.csv:3:1: row has 4 fields, the header has 5".to_string()]
        );
    }

    #[test]
    fn files_merge_by_date_with_replacements_and_duplicates() {
        let a = format!(
            "{HEADER}S1,2022-09-05,1,late,7\nS1,2022-09-05,2,sick,\nS2,2022-09-07,1,sick,\n"
        );
        let b = format!(
            "{HEADER}S1,2022-09-05,1,late,9\nS1,2022-09-05,2,sick,\nS3,2022-09-06,1,sick,\n"
        );
        let got = batches(&[("a.csv", &a), ("b.csv", &b)]);
        let got: Vec<DayBatch> = got.into_iter().map(Result::unwrap).collect();
        assert_eq!(got.len(), 3);
        assert_eq!((got[0].replaced, got[0].duplicates_merged), (1, 1));
        assert_eq!(got[0].rows.len(), 2);
        let late = got[0].rows.iter().find(|r| r.kind == 0).unwrap();
        assert_eq!((late.minutes, late.origin.file), (9, 1));
        assert_eq!(got[1].date, d("2022-09-06"));
        assert_eq!(got[1].new_students, vec!["S3"]);
        assert_eq!(got[2].new_students, vec!["S2"]);
    }

    #[test]
    fn ids_are_checked_and_matched_within_a_date() {
        let a = "student,date,period,code,id\nS1,2022-09-05,1,S,a1\nS1,2022-09-05,2,S,a1\n";
        let got = batches(&[("a.csv", a)]);
        assert_eq!(
            got[0].as_ref().unwrap_err(),
            &vec!["a.csv:3:19: id `a1` was given to another registration on line 2".to_string()]
        );
        let b = "student,date,period,code,id\nS1,2022-09-05,1,Z,a1\n";
        let a = "student,date,period,code,id\nS1,2022-09-05,1,S,a1\n";
        let got = batches(&[("a.csv", a), ("b.csv", b)]);
        let batch = got[0].as_ref().unwrap();
        assert_eq!(batch.replaced, 1);
        assert_eq!(batch.rows[0].code.as_deref(), Some("Z"));
    }

    #[test]
    fn ignored_codes_are_counted() {
        let text =
            "student,date,period,code\nS1,2022-09-05,1,HV\nS1,2022-09-05,1,HV\nS1,2022-09-05,2,S\n";
        let got = batches(&[("e.csv", text)]);
        let b = got[0].as_ref().unwrap();
        assert_eq!((b.ignored, b.duplicates_merged, b.rows.len()), (1, 1, 1));
    }

    #[test]
    fn semicolons_and_byte_order_marks_as_when_buffered() {
        let text = "\u{feff}student;date;period;kind;minutes\nS1;2022-09-05;1;\"late\";7\nS1;2022-09-05;2;lat;\n";
        let got = batches(&[("e.csv", text)]);
        assert_eq!(
            got[0].as_ref().unwrap_err()[0].split(" (").next().unwrap(),
            "e.csv:3:17: unknown kind `lat`"
        );
        let ok = "\u{feff}\r\nstudent;date;period;kind;minutes\r\n\r\nS1;2022-09-05;1;late;7\r\n";
        let b = batches(&[("e.csv", ok)]).remove(0).unwrap();
        assert_eq!(b.rows[0].origin.line, 4);
        let text = ok.trim_start_matches('\u{feff}');
        let buffered = crate::io::events::parse_events(&policy(), "e.csv", text, 0).unwrap();
        assert_eq!(buffered.rows, b.rows);
    }

    #[test]
    fn json_lines_are_streamed() {
        let text = "\u{feff}{\"student\":\"S1\",\"date\":\"2022-09-05\",\"period\":1,\"kind\":\"late\",\"minutes\":7}\n\n\
                    {\"student\":\"S1\",\"date\":\"2022-09-06\",\"period\":null,\"kind\":\"unclear_illness\"}\n\
                    {\"student\":\"S1\",\"date\":\"2022-09-05\",\"period\":2,\"kind\":\"sick\"}\n\
                    [1]\n";
        let got = batches(&[("e.jsonl", text)]);
        let b = got[0].as_ref().unwrap();
        assert_eq!((b.date, b.rows[0].origin.line), (d("2022-09-05"), 1));
        assert!(got[1].is_ok());
        assert_eq!(
            got[2].as_ref().unwrap_err(),
            &vec![
                "e.jsonl:4:date: row dated 2022-09-05 after line 3, dated 2022-09-06: under --sorted dates must not decrease".to_string(),
                "e.jsonl:5:1: the line is an array, not a JSON object".to_string(),
            ]
        );
        // Detected by the first character, whatever the name.
        let got = batches(&[(
            "-",
            "  {\"student\":\"S1\",\"date\":\"2022-09-05\",\"period\":2,\"kind\":\"sick\"}",
        )]);
        assert_eq!(got[0].as_ref().unwrap().rows.len(), 1);
    }

    #[test]
    fn header_problems_fail_opening() {
        assert_eq!(
            open_errors("e.csv", ""),
            vec!["e.csv:1:1: the file is empty".to_string()]
        );
        assert_eq!(
            open_errors("e.csv", "student,dat,period,kind\n"),
            vec![
                "e.csv:1:9: unknown column `dat`".to_string(),
                "e.csv:1:1: missing column `date`".to_string()
            ]
        );
        assert!(open_errors("e.jsonl", "").is_empty());
    }

    #[test]
    fn text_that_is_not_utf8_is_one_error() {
        let p = policy();
        let mut bytes = format!("{HEADER}S1,2022-09-05,1,sick,\nS1,2022-09-06,1,sic").into_bytes();
        bytes.extend_from_slice(b"\xe9,\nS1,xx,1,sick,\n");
        let inputs = vec![(
            "e.csv".to_string(),
            Box::new(Cursor::new(bytes)) as Box<dyn Read + Send>,
            None,
        )];
        let mut s = SortedEvents::from_readers(&p, inputs, None).unwrap();
        assert!(s.next_batch().unwrap().is_ok());
        let first = invalid(s.next_batch().unwrap().unwrap_err());
        assert_eq!(
            messages(first),
            vec!["e.csv:3:20: the file is not valid UTF-8 text".to_string()]
        );
        assert!(s.next_batch().is_none());
        assert_eq!(s.progress().1, None);
    }

    #[test]
    fn columns_stay_right_far_into_a_file() {
        // Many rows (more than the tee keeps), then an error on a row with
        // a quoted field: its column is computed from the kept bytes.
        let mut text = String::from(HEADER);
        let days = ["2022-09-05", "2022-09-06", "2022-09-07"];
        for (i, day) in days.iter().enumerate() {
            for n in 0..30_000 {
                text.push_str(&format!("S{n:05},{day},{},sick,\n", 1 + i));
            }
        }
        text.push_str("\"S,1\",2022-09-07,9,sick,\n");
        let got = batches(&[("e.csv", &text)]);
        assert_eq!(got.len(), 3);
        assert_eq!(got[1].as_ref().unwrap().rows.len(), 30_000);
        let buffered = crate::io::events::parse_events(&policy(), "e.csv", &text, 0).unwrap_err();
        let buffered: Vec<String> = buffered.iter().map(|e| e.to_string()).collect();
        assert_eq!(got[2].as_ref().unwrap_err(), &buffered);
        assert!(
            buffered[0].starts_with("e.csv:90002:18: period `9` is not scheduled on Wednesdays")
        );
    }

    /// Every error message of `files`, and the dates of the good batches.
    fn errors_and_dates(files: &[(&str, &str)]) -> (Vec<String>, Vec<NaiveDate>) {
        let mut errors = Vec::new();
        let mut dates = Vec::new();
        for b in batches(files) {
            match b {
                Ok(b) => dates.push(b.date),
                Err(es) => errors.extend(es),
            }
        }
        (errors, dates)
    }

    #[test]
    fn only_accepted_rows_set_the_date_rows_must_not_precede() {
        // A typo far in the future (outside the school year), one on a
        // Saturday, a school day in the future with an unknown kind and an
        // unknown student: none of them makes the rows after it out of
        // order.
        let text = format!(
            "{HEADER}S1,2022-09-05,1,sick,\nS1,2023-09-14,1,sick,\nS1,2022-09-06,1,sick,\n\
             S1,2022-09-17,1,sick,\nS1,2022-09-07,1,sick,\nS1,2023-05-10,1,lat,\n\
             S1,2022-09-08,1,sick,\nS1,2022-09-08,2,sick,\n"
        );
        let (errors, dates) = errors_and_dates(&[("e.csv", &text)]);
        assert_eq!(
            errors,
            vec![
                "e.csv:3:4: 2023-09-14 is outside the school year (2022-08-29 .. 2023-07-21)".to_string(),
                "e.csv:5:4: 2022-09-17 is a Saturday".to_string(),
                "e.csv:7:17: unknown kind `lat` (expected one of: late, sick, truancy, removal, authorized, special_arrangement, unclear_illness)".to_string(),
            ]
        );
        // As without --sorted.
        let buffered = crate::io::events::parse_events(&policy(), "e.csv", &text, 0).unwrap_err();
        assert_eq!(errors, messages(buffered));
        // The dates of the rows after a rejected row are not out of order;
        // the batches that carry the rejected rows' errors are not good.
        assert_eq!(dates, vec![d("2022-09-05"), d("2022-09-08")]);

        // With a roster: a student who is not in it.
        let p = policy();
        let roster = crate::io::roster::parse_roster(&p, "r.csv", "student\nS1\n")
            .unwrap()
            .0;
        let text = format!(
            "{HEADER}S1,2022-09-05,1,sick,\nS9,2022-09-30,1,sick,\nS1,2022-09-06,1,sick,\n"
        );
        let mut s =
            SortedEvents::from_readers(&p, vec![input("e.csv", &text)], Some(&roster)).unwrap();
        let mut errors = Vec::new();
        while let Some(b) = s.next_batch() {
            if let Err(e) = b {
                errors.extend(invalid(e));
            }
        }
        let codes: Vec<DataErrorCode> = errors.iter().map(|e| e.code).collect();
        assert_eq!(codes, vec![DataErrorCode::UnknownStudent], "{errors:?}");
    }

    #[test]
    fn a_row_out_of_order_gets_every_other_check() {
        let text = format!(
            "{HEADER}S1,2022-09-05,1,sick,\nS1,2022-09-07,1,sick,\nS1,2022-09-06,1,lat,\n\
             S1,2022-09-06,9,late,0\nS1,2022-09-06,2,sick,\n"
        );
        let (errors, _) = errors_and_dates(&[("e.csv", &text)]);
        let errors: Vec<&str> = errors
            .iter()
            .map(|e| e.split(" (expected").next().unwrap())
            .collect();
        assert_eq!(
            errors,
            vec![
                "e.csv:4:4: row dated 2022-09-06 after line 3, dated 2022-09-07: under --sorted dates must not decrease",
                "e.csv:4:17: unknown kind `lat`",
                "e.csv:5:4: row dated 2022-09-06 after line 3, dated 2022-09-07: under --sorted dates must not decrease",
                "e.csv:5:15: period `9` is not scheduled on Tuesdays",
                "e.csv:5:22: `0` minutes late is out of range",
                "e.csv:6:4: row dated 2022-09-06 after line 3, dated 2022-09-07: under --sorted dates must not decrease",
            ]
        );
    }

    #[test]
    fn a_file_not_sorted_by_date_lists_ten_rows_out_of_order_then_one_error() {
        // Newest first: one good date, then every row out of order; one of
        // them also has an unknown kind, listed as any error.
        let mut text = String::from(HEADER);
        let days: Vec<NaiveDate> = (0..300)
            .map(|i| d("2023-07-21") - chrono::Days::new(i))
            .filter(|&day| policy().calendar.is_school_day(day))
            .collect();
        let mut rows = 0;
        for day in &days {
            for n in 0..200 {
                let kind = if rows == 5_000 { "lat" } else { "sick" };
                text.push_str(&format!("S{n},{day},1,{kind},\n"));
                rows += 1;
            }
        }
        let (errors, dates) = errors_and_dates(&[("e.csv", &text)]);
        assert_eq!(dates, vec![days[0]]);
        let more = rows - 200 - 10;
        assert_eq!(errors.len(), 12, "{errors:#?}");
        let out_of_order = "row dated 2023-07-20 after line 201, dated 2023-07-21: under --sorted dates must not decrease";
        assert_eq!(errors[0], format!("e.csv:202:4: {out_of_order}"));
        assert_eq!(errors[9], format!("e.csv:211:4: {out_of_order}"));
        assert!(errors[10].starts_with("e.csv:5002:17: unknown kind `lat`"));
        assert_eq!(
            errors[11],
            format!(
                "e.csv:202:4: … and {} more rows out of order: e.csv does not look sorted by date (first at line 202)",
                thousands(more)
            )
        );
        assert!(more > 10_000 && thousands(more).contains(','));

        // The closing error is out-of-order too, with its own help; a file
        // with at most ten such rows has none.
        let p = policy();
        let mut s = SortedEvents::from_readers(&p, vec![input("e.csv", &text)], None).unwrap();
        let mut last = None;
        while let Some(b) = s.next_batch() {
            if let Err(e) = b {
                last = invalid(e).pop();
            }
        }
        let last = last.unwrap();
        assert_eq!(last.code, DataErrorCode::OutOfOrder);
        assert_eq!(
            last.help.as_deref(),
            Some("sort it by date (see docs/input.md), or run without --sorted")
        );
        let few: String = text.lines().take(211).map(|l| format!("{l}\n")).collect();
        let (errors, _) = errors_and_dates(&[("e.csv", &few)]);
        assert_eq!(errors.len(), 10);
    }

    #[test]
    fn thousands_are_grouped() {
        let got: Vec<String> = [0, 7, 999, 1_000, 140_233, 73_000_000]
            .into_iter()
            .map(thousands)
            .collect();
        assert_eq!(got, ["0", "7", "999", "1,000", "140,233", "73,000,000"]);
    }

    /// A reader that gives `text`, then fails with "Connection reset by
    /// peer".
    struct Resets(Cursor<Vec<u8>>);

    impl Read for Resets {
        fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
            match self.0.read(out)? {
                0 => Err(io::ErrorKind::ConnectionReset.into()),
                n => Ok(n),
            }
        }
    }

    fn resets(name: &str, text: &str) -> (String, Box<dyn Read + Send>, Option<u64>) {
        let reader = Resets(Cursor::new(text.as_bytes().to_vec()));
        (name.to_string(), Box::new(reader), None)
    }

    #[test]
    fn an_io_error_while_reading_is_an_io_error_and_ends_the_stream() {
        let p = policy();
        let csv = format!("{HEADER}S1,2022-09-05,1,sick,\nS1,2022-09-06,1,si");
        let jsonl = "{\"student\":\"S1\",\"date\":\"2022-09-05\",\"period\":1,\"kind\":\"sick\"}\n\
                     {\"student\":\"S1\",\"date\":\"2022-09-06\",\"per";
        for (name, text) in [("-", csv.as_str()), ("e.jsonl", jsonl)] {
            let mut s = SortedEvents::from_readers(&p, vec![resets(name, text)], None).unwrap();
            let mut got = Vec::new();
            while let Some(b) = s.next_batch() {
                got.push(b);
            }
            assert_eq!(got.len(), 1, "{name}: {got:?}");
            match got.pop().unwrap() {
                Err(ReadError::Io { path, error }) => {
                    assert_eq!(path, name);
                    assert_eq!(error.kind(), io::ErrorKind::ConnectionReset);
                }
                other => panic!("{name}: {other:?}"),
            }
        }
        // In the header.
        match SortedEvents::from_readers(&p, vec![resets("e.csv", "student,da")], None) {
            Err(ReadError::Io { error, .. }) => {
                assert_eq!(error.kind(), io::ErrorKind::ConnectionReset)
            }
            Err(ReadError::Invalid(es)) => panic!("{es:?}"),
            Ok(_) => panic!("opened"),
        }
    }
}
