//! Input and output around the interpreter: the events (CSV or JSON Lines,
//! one or more files) and roster CSV readers (strict: every row that cannot
//! be used is reported with `file:line:column`), the action filters, and
//! the table, JSON Lines and CSV writers.

pub mod csv_out;
pub mod csvpos;
pub(crate) mod enrolment;
pub mod error;
pub mod events;
pub mod filter;
pub mod jsonl;
pub mod merge;
pub mod output;
pub mod roster;
pub mod sink;
pub mod stream;
pub mod table;
#[cfg(test)]
pub(crate) mod testutil;

pub use error::{DataError, DataErrorCode, ReadError};

use chrono::{NaiveDate, Weekday};
use std::io::Read;

/// Read a whole input file as text; `-` reads standard input.
///
/// Errors: [`ReadError::Io`] when the file cannot be read, and
/// [`ReadError::Invalid`] (one `bad-csv` error) when it is not UTF-8.
pub fn read_text(path: &str) -> Result<String, ReadError> {
    let mut bytes = Vec::new();
    let res = if path == "-" {
        std::io::stdin().lock().read_to_end(&mut bytes).map(|_| ())
    } else {
        crate::source::open_regular(std::path::Path::new(path))
            .and_then(|mut f| f.read_to_end(&mut bytes))
            .map(|_| ())
    };
    if let Err(error) = res {
        return Err(ReadError::Io {
            path: path.to_string(),
            error,
        });
    }
    match String::from_utf8(bytes) {
        Ok(mut s) => {
            if s.starts_with('\u{feff}') {
                s.drain(..'\u{feff}'.len_utf8());
            }
            Ok(s)
        }
        Err(e) => {
            let upto = &e.as_bytes()[..e.utf8_error().valid_up_to()];
            let line = 1 + upto.iter().filter(|&&b| b == b'\n').count() as u64;
            let col_start = upto.iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1);
            let column = 1 + String::from_utf8_lossy(&upto[col_start..]).chars().count() as u64;
            Err(ReadError::Invalid(vec![DataError::new(
                DataErrorCode::BadCsv,
                display_name(path),
                line,
                column,
                "the file is not valid UTF-8 text".to_string(),
                Some("save the export as CSV UTF-8".to_string()),
            )]))
        }
    }
}

/// The name under which an input path appears in messages (`-` is `<stdin>`).
pub fn display_name(path: &str) -> String {
    if path == "-" {
        "<stdin>".to_string()
    } else {
        path.to_string()
    }
}

/// The candidate closest to `input` (by edit distance, ignoring case), if it
/// is close enough to be a plausible typo.
pub fn did_you_mean<'a, I>(input: &str, candidates: I) -> Option<&'a str>
where
    I: IntoIterator<Item = &'a str>,
{
    let lower = input.to_lowercase();
    let mut best: Option<(usize, &'a str)> = None;
    for c in candidates {
        let d = strsim::levenshtein(&lower, &c.to_lowercase());
        if best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, c));
        }
    }
    let limit = (input.chars().count() / 3).max(1);
    best.filter(|&(d, _)| d <= limit).map(|(_, c)| c)
}

/// `a, b, c` with each name in backticks-free plain form.
pub(crate) fn join_list<'a, I: IntoIterator<Item = &'a str>>(items: I) -> String {
    items.into_iter().collect::<Vec<_>>().join(", ")
}

/// Parse a strict `YYYY-MM-DD` date. The error is (message, help): a
/// malformed value (`5-9-2022`) or an impossible one (`2023-02-30`).
pub fn parse_date(value: &str) -> Result<NaiveDate, (String, Option<String>)> {
    let b = value.as_bytes();
    let shape = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if !shape {
        return Err((
            format!("malformed date `{value}` (expected YYYY-MM-DD)"),
            dutch_order_hint(value),
        ));
    }
    let num = |r: std::ops::Range<usize>| value[r].parse::<u32>().unwrap_or(0);
    let (y, m, d) = (num(0..4) as i32, num(5..7), num(8..10));
    if let Some(date) = NaiveDate::from_ymd_opt(y, m, d) {
        return Ok(date);
    }
    let why = crate::calendar::month_length_note(y, m)
        .unwrap_or_else(|| format!("there is no month {m}"));
    Err((format!("impossible date `{value}`: {why}"), None))
}

/// For `5-9-2022` or `05/09/2022`: suggest the same date as `2022-09-05`.
fn dutch_order_hint(value: &str) -> Option<String> {
    let parts: Vec<&str> = value.split(['-', '/', '.']).collect();
    if let [d, m, y] = parts[..]
        && y.len() == 4
        && let (Ok(d), Ok(m), Ok(y)) = (d.parse::<u32>(), m.parse::<u32>(), y.parse::<i32>())
        && let Some(date) = NaiveDate::from_ymd_opt(y, m, d)
    {
        return Some(format!(
            "write dates as YYYY-MM-DD, e.g. `{}`",
            date.format("%Y-%m-%d")
        ));
    }
    None
}

/// English weekday name.
pub(crate) fn weekday_en(w: Weekday) -> &'static str {
    match w {
        Weekday::Mon => "Monday",
        Weekday::Tue => "Tuesday",
        Weekday::Wed => "Wednesday",
        Weekday::Thu => "Thursday",
        Weekday::Fri => "Friday",
        Weekday::Sat => "Saturday",
        Weekday::Sun => "Sunday",
    }
}

/// Parse a non-negative whole number; the error says what the value is.
pub(crate) fn parse_count(value: &str) -> Result<u32, String> {
    if let Ok(n) = value.parse::<u32>() {
        return Ok(n);
    }
    if value.starts_with('-') && value[1..].parse::<u64>().is_ok() {
        return Err(format!("negative number `{value}`"));
    }
    Err(format!("`{value}` is not a whole number"))
}

/// A CSV structure problem as a `bad-csv` error of `file`.
pub(crate) fn csv_problem(file: &str, (line, column, msg): csvpos::CsvProblem) -> DataError {
    let help = Some(
        "check the quotes and separators around this place (a field with a comma or a quote must be quoted, a quote inside doubled)"
            .to_string(),
    );
    DataError::new(DataErrorCode::BadCsv, file.into(), line, column, msg, help)
}

/// The header row of `rows`; an empty file is a `bad-header` error whose
/// help names `expected`.
pub(crate) fn header_row(
    file: &str,
    rows: &mut csvpos::CsvRows,
    expected: String,
) -> Result<csvpos::Row, Vec<DataError>> {
    match rows.next() {
        Some(Ok(row)) => Ok(row),
        Some(Err(p)) => Err(vec![csv_problem(file, p)]),
        None => Err(vec![DataError::new(
            DataErrorCode::BadHeader,
            file.into(),
            1,
            1,
            "the file is empty".into(),
            Some(expected),
        )]),
    }
}

/// A `bad-csv` error when `row` does not have `width` fields.
pub(crate) fn width_error(file: &str, row: &csvpos::Row, width: usize) -> Option<DataError> {
    let n = row.fields.len();
    (n != width).then(|| {
        let msg = format!("row has {n} fields, the header has {width}");
        let help = Some(
            "give every row one field per header column; an empty field still needs its separator (`S1,2022-09-05,1,late,`)"
                .to_string(),
        );
        DataError::new(DataErrorCode::BadCsv, file.into(), row.line, 1, msg, help)
    })
}

/// A parsed CSV header: column name → index, plus the header row.
pub(crate) struct Header {
    /// Known column name → field index.
    pub columns: std::collections::BTreeMap<&'static str, usize>,
    /// Number of fields in the header.
    pub width: usize,
}

/// A header of one field holding `;`: the file uses the wrong separator.
fn semicolon_hint(row: &csvpos::Row, errors: &mut [DataError]) {
    if row.fields.len() == 1
        && row.get(0).contains(';')
        && let Some(e) = errors.first_mut()
    {
        e.help = Some(
            "the file seems to use `;` as separator; verzuim reads comma-separated files"
                .to_string(),
        );
    }
}

/// Read a header row against the known column names (case-insensitive).
/// Unknown and duplicate columns and missing `required` ones are errors.
pub(crate) fn parse_header(
    file: &str,
    row: &csvpos::Row,
    known: &[&'static str],
    required: &[&'static str],
) -> Result<Header, Vec<DataError>> {
    let mut columns = std::collections::BTreeMap::new();
    let mut errors = Vec::new();
    let err = |i: usize, msg: String, help: Option<String>| {
        DataError::new(
            DataErrorCode::BadHeader,
            file.to_string(),
            row.line,
            row.column(i),
            msg,
            help,
        )
    };
    for (i, name) in row.fields.iter().enumerate() {
        let lower = name.to_lowercase();
        match known.iter().find(|k| **k == lower) {
            Some(k) if columns.contains_key(k) => {
                let help = Some("remove or rename one of the two columns".to_string());
                errors.push(err(i, format!("column `{name}` appears twice"), help));
            }
            Some(k) => {
                columns.insert(*k, i);
            }
            None => {
                let mut help = format!("known columns: {}", join_list(known.iter().copied()));
                if let Some(s) = did_you_mean(name, known.iter().copied()) {
                    help = format!("did you mean `{s}`? ({help})");
                }
                errors.push(err(i, format!("unknown column `{name}`"), Some(help)));
            }
        }
    }
    for r in required {
        if !columns.contains_key(r) {
            let help = format!(
                "the header must name at least: {}",
                join_list(required.iter().copied())
            );
            errors.push(err(0, format!("missing column `{r}`"), Some(help)));
        }
    }
    semicolon_hint(row, &mut errors);
    if errors.is_empty() {
        Ok(Header {
            columns,
            width: row.fields.len(),
        })
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names_only() {
        let kinds = ["late", "sick", "truancy"];
        assert_eq!(did_you_mean("lat", kinds), Some("late"));
        assert_eq!(did_you_mean("Sick", kinds), Some("sick"));
        assert_eq!(did_you_mean("xyzzy", kinds), None);
    }

    #[test]
    fn dates_are_strict() {
        assert!(parse_date("2022-09-05").is_ok());
        let (m, _) = parse_date("2023-02-30").unwrap_err();
        assert_eq!(m, "impossible date `2023-02-30`: February 2023 has 28 days");
        let (m, h) = parse_date("5-9-2022").unwrap_err();
        assert_eq!(m, "malformed date `5-9-2022` (expected YYYY-MM-DD)");
        assert_eq!(
            h.as_deref(),
            Some("write dates as YYYY-MM-DD, e.g. `2022-09-05`")
        );
        assert!(
            parse_date("2022-13-01")
                .unwrap_err()
                .0
                .contains("no month 13")
        );
    }

    #[test]
    fn counts_are_whole_and_non_negative() {
        assert_eq!(parse_count("7"), Ok(7));
        assert_eq!(parse_count("-2"), Err("negative number `-2`".to_string()));
        assert_eq!(
            parse_count("x"),
            Err("`x` is not a whole number".to_string())
        );
    }
}
