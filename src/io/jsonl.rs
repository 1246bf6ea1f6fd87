//! JSON Lines events: one JSON object per line with the events CSV's
//! columns as fields (`{"student":"S1","date":"2022-09-05","period":3,
//! "kind":"truancy"}`). Each object becomes a [`Row`] laid out like
//! [`EVENT_COLUMNS`], so the CSV row checks apply unchanged; errors name the
//! line and the field (`events.jsonl:3:date: …`).
//!
//! Values may be strings, whole numbers or `null` (= empty); a missing field
//! is empty. Blank lines are skipped.

use super::csvpos::Row;
use super::events::EVENT_COLUMNS;
use super::{DataError, DataErrorCode, did_you_mean, join_list};
use serde_json::Value;

/// The data rows of a JSON Lines text, each as a [`Row`] (fields in
/// [`EVENT_COLUMNS`] order) or the problems of its line, with the byte
/// offset of the line's end.
pub fn rows<'a>(
    file: &'a str,
    text: &'a str,
) -> impl Iterator<Item = (usize, Result<Row, Vec<DataError>>)> + 'a {
    let mut end = 0;
    text.split_inclusive('\n')
        .enumerate()
        .map(move |(i, l)| {
            end += l.len();
            (i, end, l)
        })
        .filter(|(_, _, l)| !l.trim().is_empty())
        .map(move |(i, end, l)| (end, row(file, i as u64 + 1, l.trim_end())))
}

/// One line (`line`: its 1-based number; `text`: without the line end)
/// as a row laid out like [`EVENT_COLUMNS`], or the line's problems.
pub(crate) fn row(file: &str, line: u64, text: &str) -> Result<Row, Vec<DataError>> {
    let object = match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(o)) => o,
        Ok(other) => {
            let msg = format!("the line is {}, not a JSON object", type_name(&other));
            return Err(vec![bad_json(file, line, 1, msg)]);
        }
        Err(e) => {
            let text = e.to_string();
            let what = text.split(" at line ").next().unwrap_or(&text);
            let msg = format!("the line is not valid JSON: {what}");
            return Err(vec![bad_json(file, line, e.column().max(1) as u64, msg)]);
        }
    };
    let mut fields = vec![String::new(); EVENT_COLUMNS.len()];
    let mut errors = Vec::new();
    for (name, value) in &object {
        let Some(i) = EVENT_COLUMNS.iter().position(|c| c == name) else {
            errors.push(unknown_field(file, line, name));
            continue;
        };
        match scalar(value) {
            Some(s) => fields[i] = s,
            None => {
                let msg = format!(
                    "field `{name}` is {} (expected a string, a whole number or null)",
                    type_name(value)
                );
                errors.push(bad_json(file, line, 1, msg).in_field(name));
            }
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let columns = vec![1; fields.len()];
    Ok(Row {
        line,
        fields,
        columns,
    })
}

/// A string (trimmed), a number (as written) or null (empty).
fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        Value::Null => Some(String::new()),
        _ => None,
    }
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn bad_json(file: &str, line: u64, column: u64, msg: String) -> DataError {
    let help = Some(
        "write one JSON object per line, with the fields student, date, period, kind (or code) and minutes"
            .to_string(),
    );
    DataError::new(DataErrorCode::BadJson, file.into(), line, column, msg, help)
}

fn unknown_field(file: &str, line: u64, name: &str) -> DataError {
    let mut help = format!("known fields: {}", join_list(EVENT_COLUMNS.iter().copied()));
    if let Some(s) = did_you_mean(name, EVENT_COLUMNS.iter().copied()) {
        help = format!("did you mean `{s}`? ({help})");
    }
    let msg = format!("unknown field `{name}`");
    DataError::new(
        DataErrorCode::BadHeader,
        file.into(),
        line,
        1,
        msg,
        Some(help),
    )
    .in_field(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(text: &str) -> Vec<Result<Row, Vec<String>>> {
        rows("e.jsonl", text)
            .map(|(_, r)| r.map_err(|es| es.iter().map(|e| e.to_string()).collect()))
            .collect()
    }

    #[test]
    fn objects_become_rows_in_column_order() {
        let got = all(
            "{\"date\":\"2022-09-05\",\"student\":\"S1\",\"period\":3,\"kind\":\"late\",\"minutes\":5}\n\n{\"student\":\"S2\",\"date\":\"2022-09-05\",\"period\":null,\"kind\":\"unclear_illness\"}\n",
        );
        let r = got[0].as_ref().unwrap();
        assert_eq!(r.line, 1);
        assert_eq!(r.fields, vec!["S1", "2022-09-05", "3", "late", "", "5", ""]);
        let r = got[1].as_ref().unwrap();
        assert_eq!(r.line, 3);
        assert_eq!(r.fields[2], "");
    }

    #[test]
    fn bad_lines_name_the_line_and_field() {
        let got = all("[1]\n{\"student\":\"S1\",\"minuten\":5,\"period\":true}\n{\"student\":\n");
        assert_eq!(
            got[0].as_ref().unwrap_err(),
            &vec!["e.jsonl:1:1: the line is an array, not a JSON object".to_string()]
        );
        assert_eq!(
            got[1].as_ref().unwrap_err(),
            &vec![
                "e.jsonl:2:minuten: unknown field `minuten`".to_string(),
                "e.jsonl:2:period: field `period` is a boolean (expected a string, a whole number or null)".to_string(),
            ]
        );
        let e = &got[2].as_ref().unwrap_err()[0];
        assert!(
            e.starts_with("e.jsonl:3:11: the line is not valid JSON: EOF while parsing a value"),
            "{e}"
        );
    }
}
