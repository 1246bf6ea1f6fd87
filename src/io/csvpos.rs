//! CSV rows with positions: each record's 1-based line and the 1-based
//! column of each field, so that data errors can say `file:line:column`.

use csv::StringRecord;

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
        self.columns
            .get(idx)
            .or(self.columns.last())
            .copied()
            .unwrap_or(1)
    }
}

/// A problem with the CSV structure itself: (line, column, message).
pub type CsvProblem = (u64, u64, String);

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

    fn row_at(&self, mut byte: usize, mut line: u64) -> Row {
        // The reported position may be that of blank lines before the record.
        let bytes = self.text.as_bytes();
        while let Some(&c) = bytes.get(byte) {
            match c {
                b'\n' => line += 1,
                b'\r' => {}
                _ => break,
            }
            byte += 1;
        }
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
                Some(Ok(self.row_at(pos.byte() as usize, pos.line())))
            }
            Err(e) => {
                let line = e.position().map_or(start.line(), |p| p.line());
                if matches!(e.kind(), csv::ErrorKind::Io(_)) {
                    self.done = true;
                }
                Some(Err((line, 1, e.to_string())))
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
