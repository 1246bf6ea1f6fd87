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
    let object = match serde_json::from_str::<Line>(text) {
        Ok(Line::Object(o)) => o,
        Ok(Line::Other(kind)) => {
            let msg = format!("the line is {kind}, not a JSON object");
            return Err(vec![bad_json(file, line, 1, msg)]);
        }
        Err(e) => {
            let text = e.to_string();
            let what = text.split(" at line ").next().unwrap_or(&text);
            let msg = format!("the line is not valid JSON: {what}");
            return Err(vec![bad_json(file, line, e.column().max(1) as u64, msg)]);
        }
    };
    // A field given twice would silently lose one value: refuse it.
    let mut errors = Vec::new();
    let mut reported: Vec<&str> = Vec::new();
    for (i, (name, _)) in object.iter().enumerate() {
        if object[..i].iter().any(|(n, _)| n == name) && !reported.contains(&name.as_str()) {
            reported.push(name);
            let msg = format!("field `{name}` appears more than once on this line");
            errors.push(bad_json(file, line, 1, msg).in_field(name));
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut fields = vec![String::new(); EVENT_COLUMNS.len()];
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

/// One JSON Lines line: an object with its fields in order, duplicates
/// kept (serde_json's map would keep only the last), or what else it is.
enum Line {
    /// The object's fields, as written.
    Object(Vec<(String, Value)>),
    /// `a number`, `an array`, … (see [`type_name`]).
    Other(&'static str),
}

impl<'de> serde::Deserialize<'de> for Line {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Line, D::Error> {
        d.deserialize_any(LineVisitor)
    }
}

struct LineVisitor;

impl<'de> serde::de::Visitor<'de> for LineVisitor {
    type Value = Line;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Line, A::Error> {
        let mut fields = Vec::new();
        while let Some((k, v)) = map.next_entry::<String, Value>()? {
            fields.push((k, v));
        }
        Ok(Line::Object(fields))
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Line, A::Error> {
        while seq.next_element::<serde::de::IgnoredAny>()?.is_some() {}
        Ok(Line::Other("an array"))
    }

    fn visit_bool<E>(self, _: bool) -> Result<Line, E> {
        Ok(Line::Other("a boolean"))
    }

    fn visit_i64<E>(self, _: i64) -> Result<Line, E> {
        Ok(Line::Other("a number"))
    }

    fn visit_u64<E>(self, _: u64) -> Result<Line, E> {
        Ok(Line::Other("a number"))
    }

    fn visit_f64<E>(self, _: f64) -> Result<Line, E> {
        Ok(Line::Other("a number"))
    }

    fn visit_str<E>(self, _: &str) -> Result<Line, E> {
        Ok(Line::Other("a string"))
    }

    fn visit_unit<E>(self) -> Result<Line, E> {
        Ok(Line::Other("null"))
    }
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
    fn a_field_given_twice_is_an_error() {
        let got = all(
            "{\"student\":\"S1\",\"date\":\"2022-09-05\",\"period\":1,\"kind\":\"late\",\"minutes\":5,\"date\":\"2022-09-06\",\"date\":\"2022-09-07\"}\n",
        );
        assert_eq!(
            got[0].as_ref().unwrap_err(),
            &vec!["e.jsonl:1:date: field `date` appears more than once on this line".to_string()]
        );
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
