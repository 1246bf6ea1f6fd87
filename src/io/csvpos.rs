//! CSV rows with positions: each record's 1-based line and the 1-based
//! column of each field, so that data errors can say `file:line:column`.
//!
//! Two kinds of rows implement [`RowView`], the view the row checks read:
//! [`Row`] (owned fields and columns, from a whole text or a JSON Lines
//! line) and [`RecordRow`] (a reused [`StringRecord`] of a streamed file,
//! whose columns are computed from the record's raw bytes only when asked,
//! i.e. for a row with an error).

use csv::StringRecord;

/// A data row as the row checks see it: its line and its fields, trimmed.
pub trait RowView {
    /// 1-based line of the record's start.
    fn line(&self) -> u64;
    /// Number of fields.
    fn width(&self) -> usize;
    /// The trimmed field at `idx`, or `""` when the row is shorter.
    fn get(&self, idx: usize) -> &str;
    /// The 1-based column (characters) of field `idx` (the line end when
    /// the row is shorter). May be slow: call it for errors only.
    fn column(&self, idx: usize) -> u64;
    /// The row as an owned [`Row`] (for error paths and headers).
    fn to_row(&self) -> Row;
}

/// One CSV record with its location.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// 1-based line of the record's start.
    pub line: u64,
    /// Field values, trimmed of surrounding whitespace.
    pub fields: Vec<String>,
    /// 1-based column (in characters) where each field starts.
    pub columns: Vec<u64>,
}

impl Row {
    /// The trimmed field at `idx`, or `""` when the row is shorter.
    pub fn get(&self, idx: usize) -> &str {
        self.fields.get(idx).map_or("", String::as_str)
    }

    /// The column of field `idx` (the line end when the row is shorter).
    pub fn column(&self, idx: usize) -> u64 {
        column_of(&self.columns, idx)
    }
}

impl RowView for Row {
    fn line(&self) -> u64 {
        self.line
    }
    fn width(&self) -> usize {
        self.fields.len()
    }
    fn get(&self, idx: usize) -> &str {
        Row::get(self, idx)
    }
    fn column(&self, idx: usize) -> u64 {
        Row::column(self, idx)
    }
    fn to_row(&self) -> Row {
        self.clone()
    }
}

/// Entry `idx` of `columns`, else the last one, else 1.
fn column_of(columns: &[u64], idx: usize) -> u64 {
    columns.get(idx).or(columns.last()).copied().unwrap_or(1)
}

/// A record read by a streaming CSV reader, borrowed: its fields from the
/// reused [`StringRecord`], its columns computed on demand from `raw`, the
/// record's bytes as read (from its first byte, see [`record_start`]).
pub struct RecordRow<'a> {
    /// 1-based line of the record's start.
    pub line: u64,
    /// The fields, untrimmed.
    pub record: &'a StringRecord,
    /// The record's raw bytes (at least up to its end).
    pub raw: &'a [u8],
    /// The field separator.
    pub delimiter: u8,
}

impl RecordRow<'_> {
    fn columns(&self) -> Vec<u64> {
        let text = String::from_utf8_lossy(self.raw);
        field_columns(&text, 0, self.record.len(), self.delimiter as char)
    }
}

impl RowView for RecordRow<'_> {
    fn line(&self) -> u64 {
        self.line
    }
    fn width(&self) -> usize {
        self.record.len()
    }
    fn get(&self, idx: usize) -> &str {
        self.record.get(idx).map_or("", str::trim)
    }
    fn column(&self, idx: usize) -> u64 {
        column_of(&self.columns(), idx)
    }
    fn to_row(&self) -> Row {
        Row {
            line: self.line,
            fields: self.record.iter().map(|f| f.trim().to_string()).collect(),
            columns: self.columns(),
        }
    }
}

/// Where a record really starts: the csv reader may report the position of
/// blank lines before it. `byte` and `line` are the reported position,
/// `bytes` the text from byte `base` on; returns the record's first byte
/// and its 1-based line.
pub fn record_start(bytes: &[u8], base: u64, mut byte: u64, mut line: u64) -> (u64, u64) {
    while let Some(&c) = byte
        .checked_sub(base)
        .and_then(|i| bytes.get(usize::try_from(i).ok()?))
    {
        match c {
            b'\n' => line += 1,
            b'\r' => {}
            _ => break,
        }
        byte += 1;
    }
    (byte, line)
}

/// A problem with the CSV structure itself: (line, column, message).
pub type CsvProblem = (u64, u64, String);

/// A csv reader's error as a problem, at its line (else `line`), column 1.
pub fn problem(e: &csv::Error, line: u64) -> CsvProblem {
    let line = e.position().map_or(line, |p| p.line());
    (line, 1, e.to_string())
}

/// Iterates the records of a CSV text (header included) with positions.
/// Blank lines are skipped. A record with a structural problem is reported
/// as `Err` and reading continues with the next one.
pub struct CsvRows<'a> {
    text: &'a str,
    reader: csv::Reader<&'a [u8]>,
    record: StringRecord,
    delimiter: u8,
    done: bool,
}

impl<'a> CsvRows<'a> {
    /// Start reading `text` (comma-separated, `"` quotes).
    pub fn new(text: &'a str) -> CsvRows<'a> {
        CsvRows::with_delimiter(text, b',')
    }

    /// Start reading `text` separated by `delimiter` (an ASCII byte).
    pub fn with_delimiter(text: &'a str, delimiter: u8) -> CsvRows<'a> {
        let reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(delimiter)
            .from_reader(text.as_bytes());
        CsvRows {
            text,
            reader,
            record: StringRecord::new(),
            delimiter,
            done: false,
        }
    }

    /// Bytes of the text read so far.
    pub fn byte_position(&self) -> u64 {
        self.reader.position().byte()
    }

    fn row_at(&self, byte: u64, line: u64) -> Row {
        let (byte, line) = record_start(self.text.as_bytes(), 0, byte, line);
        let byte = byte as usize;
        let columns = field_columns(self.text, byte, self.record.len(), self.delimiter as char);
        let fields = self.record.iter().map(|f| f.trim().to_string()).collect();
        Row {
            line,
            fields,
            columns,
        }
    }
}

impl Iterator for CsvRows<'_> {
    type Item = Result<Row, CsvProblem>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let start = self.reader.position().clone();
        match self.reader.read_record(&mut self.record) {
            Ok(false) => {
                self.done = true;
                None
            }
            Ok(true) => {
                let pos = self.record.position().cloned().unwrap_or(start);
                Some(Ok(self.row_at(pos.byte(), pos.line())))
            }
            Err(e) => {
                if matches!(e.kind(), csv::ErrorKind::Io(_)) {
                    self.done = true;
                }
                Some(Err(problem(&e, start.line())))
            }
        }
    }
}

/// The 1-based character column of each of the first `n` fields of the
/// record starting at byte `start` of `text`.
fn field_columns(text: &str, start: usize, n: usize, delimiter: char) -> Vec<u64> {
    let rest = text.get(start..).unwrap_or("");
    let mut cols = Vec::with_capacity(n);
    let mut chars = rest.chars().peekable();
    let mut col: u64 = 1;
    while cols.len() < n {
        cols.push(col);
        let mut quoted = false;
        let mut first = true;
        while let Some(c) = chars.next() {
            col += 1;
            if first && c == '"' {
                quoted = true;
            } else if quoted && c == '"' {
                if chars.peek() == Some(&'"') {
                    chars.next();
                    col += 1;
                } else {
                    quoted = false;
                }
            } else if !quoted && c == delimiter {
                break;
            } else if !quoted && (c == '\n' || c == '\r') {
                return fill(cols, n, col - 1);
            }
            first = false;
        }
        if chars.peek().is_none() {
            return fill(cols, n, col);
        }
    }
    cols
}

fn fill(mut cols: Vec<u64>, n: usize, col: u64) -> Vec<u64> {
    while cols.len() < n {
        cols.push(col);
    }
    cols
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_follow_fields_and_quotes() {
        let text = "a,b,c\nS1,\"x,\"\"y\",zz\n\nS2,,q\n";
        let rows: Vec<Row> = CsvRows::new(text).filter_map(Result::ok).collect();
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[1].line, 2);
        assert_eq!(rows[1].fields, vec!["S1", "x,\"y", "zz"]);
        assert_eq!(rows[1].columns, vec![1, 4, 12]);
        assert_eq!(rows[2].line, 4);
        assert_eq!(rows[2].columns, vec![1, 4, 5]);
    }

    #[test]
    fn semicolon_columns_follow_fields() {
        let text = "a;b\nS1;\"x;y\"\n";
        let rows: Vec<Row> = CsvRows::with_delimiter(text, b';')
            .filter_map(Result::ok)
            .collect();
        assert_eq!(rows[1].fields, vec!["S1", "x;y"]);
        assert_eq!(rows[1].columns, vec![1, 4]);
    }

    #[test]
    fn crlf_and_blank_lines_keep_lines_right() {
        let text = "a,b\r\nx,y\r\n\r\n\r\nz,w\r\n";
        let rows: Vec<Row> = CsvRows::new(text).filter_map(Result::ok).collect();
        let lines: Vec<u64> = rows.iter().map(|r| r.line).collect();
        assert_eq!(lines, vec![1, 2, 5]);
        assert_eq!(rows[2].columns, vec![1, 3]);
        assert_eq!(rows[2].fields, vec!["z", "w"]);
    }

    #[test]
    fn columns_count_characters_not_bytes() {
        let text = "ë,b\n";
        let rows: Vec<Row> = CsvRows::new(text).filter_map(Result::ok).collect();
        assert_eq!(rows[0].columns, vec![1, 3]);
    }
}
