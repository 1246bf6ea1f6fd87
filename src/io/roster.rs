//! The roster CSV reader: one row per student with optional attributes.
//!
//! Header: `student` plus any of `name,class,mentor,grade,location,groups,
//! birthdate,enrolled_from,enrolled_until,exemptions`, in any order.
//! `groups` is `;`-separated group IDs or names; `exemptions` is
//! `;`-separated `ID YYYY-MM-DD..YYYY-MM-DD` (both days inclusive).
//! Free-text values (names, mentors) never appear in messages.

use super::csvpos::{CsvRows, Row};
use super::{
    DataError, DataErrorCode, ReadError, csv_problem, did_you_mean, display_name, header_row,
    join_list, parse_date, parse_header, read_text, width_error,
};
use crate::eval::{Roster, StudentInfo};
use crate::model::Policy;
use chrono::NaiveDate;
use std::collections::{BTreeMap, BTreeSet};

/// Column names a roster may have.
pub const ROSTER_COLUMNS: [&str; 11] = [
    "student",
    "name",
    "class",
    "mentor",
    "grade",
    "location",
    "groups",
    "birthdate",
    "enrolled_from",
    "enrolled_until",
    "exemptions",
];

/// A roster and its warnings (groups the policy does not know).
pub type RosterRead = (Roster, Vec<DataError>);

/// Read the roster at `path` (`-`: standard input) for `policy`.
pub fn read_roster(policy: &Policy, path: &str) -> Result<RosterRead, ReadError> {
    let text = read_text(path)?;
    parse_roster(policy, &display_name(path), &text).map_err(ReadError::Invalid)
}

/// Parse a roster CSV text; `file` names it in messages. Returns the roster
/// and warnings, or every error found.
pub fn parse_roster(policy: &Policy, file: &str, text: &str) -> Result<RosterRead, Vec<DataError>> {
    let mut rows = CsvRows::new(text);
    let expected = format!(
        "expected a header line with `student` and any of: {}",
        join_list(ROSTER_COLUMNS[1..].iter().copied())
    );
    let header = header_row(file, &mut rows, expected)?;
    let h = parse_header(file, &header, &ROSTER_COLUMNS, &["student"])?;
    let reader = RosterReader {
        policy,
        file,
        cols: h.columns,
        width: h.width,
    };
    let mut st = State::default();
    for item in rows {
        match item {
            Ok(row) => reader.read_row(&row, &mut st),
            Err(p) => st.errors.push(csv_problem(file, p)),
        }
    }
    if !st.errors.is_empty() {
        return Err(st.errors);
    }
    let warnings = reader.unknown_groups(&st.first_group_use);
    Ok((
        Roster {
            students: st.students,
        },
        warnings,
    ))
}

/// An exemption as in [`StudentInfo::exemptions`].
type Exemption = (String, NaiveDate, NaiveDate);

/// A problem with one value: (code, message, help).
type Problem = (DataErrorCode, String, Option<String>);

#[derive(Default)]
struct State {
    students: BTreeMap<String, StudentInfo>,
    lines: BTreeMap<String, u64>,
    /// Each group name → where it is first used (line, column).
    first_group_use: BTreeMap<String, (u64, u64)>,
    errors: Vec<DataError>,
}

struct RosterReader<'a> {
    policy: &'a Policy,
    file: &'a str,
    cols: BTreeMap<&'static str, usize>,
    width: usize,
}

impl RosterReader<'_> {
    fn err(
        &self,
        row: &Row,
        col: usize,
        code: DataErrorCode,
        msg: String,
        help: Option<String>,
    ) -> DataError {
        DataError::new(code, self.file.into(), row.line, row.column(col), msg, help)
    }

    fn text(&self, row: &Row, name: &str) -> Option<String> {
        let v = row.get(*self.cols.get(name)?);
        (!v.is_empty()).then(|| v.to_string())
    }

    fn read_row(&self, row: &Row, st: &mut State) {
        if let Some(e) = width_error(self.file, row, self.width) {
            st.errors.push(e);
            return;
        }
        let before = st.errors.len();
        let student = self.student(row, st);
        let info = StudentInfo {
            name: self.text(row, "name"),
            class: self.text(row, "class"),
            mentor: self.text(row, "mentor"),
            grade: self.text(row, "grade"),
            location: self.text(row, "location"),
            groups: self.groups(row, st),
            birthdate: self.date(row, "birthdate", &mut st.errors),
            enrolled_from: self.date(row, "enrolled_from", &mut st.errors),
            enrolled_until: self.date(row, "enrolled_until", &mut st.errors),
            exemptions: self.exemptions(row, &mut st.errors),
        };
        if let (Some(a), Some(b)) = (info.enrolled_from, info.enrolled_until)
            && b < a
        {
            let col = self.cols.get("enrolled_until").copied().unwrap_or(0);
            let msg = format!("enrolment ends ({b}) before it starts ({a})");
            let help = Some("swap the two dates, or correct the one that is wrong".to_string());
            st.errors
                .push(self.err(row, col, DataErrorCode::BadRange, msg, help));
        }
        if let Some(student) = student
            && st.errors.len() == before
        {
            st.students.insert(student, info);
        }
    }

    /// The row's student ID, if present and not seen before.
    fn student(&self, row: &Row, st: &mut State) -> Option<String> {
        let col = self.cols.get("student").copied().unwrap_or(0);
        let student = row.get(col).to_string();
        if student.is_empty() {
            let help = Some("every roster row needs the student's ID".to_string());
            let msg = "missing student".to_string();
            let e = self.err(row, col, DataErrorCode::MissingStudent, msg, help);
            st.errors.push(e);
            return None;
        }
        if let Some(first) = st.lines.get(&student) {
            let msg = format!("student `{student}` appears twice (first on line {first})");
            let help = Some(format!(
                "keep one row per student: merge this row into line {first} or remove it"
            ));
            let e = self.err(row, col, DataErrorCode::DuplicateStudent, msg, help);
            st.errors.push(e);
            return None;
        }
        st.lines.insert(student.clone(), row.line);
        Some(student)
    }

    fn groups(&self, row: &Row, st: &mut State) -> Vec<String> {
        let Some(&col) = self.cols.get("groups") else {
            return Vec::new();
        };
        let groups: Vec<String> = row
            .get(col)
            .split(';')
            .map(str::trim)
            .filter(|g| !g.is_empty())
            .map(String::from)
            .collect();
        for g in &groups {
            st.first_group_use
                .entry(g.clone())
                .or_insert((row.line, row.column(col)));
        }
        groups
    }

    fn date(&self, row: &Row, name: &str, errors: &mut Vec<DataError>) -> Option<NaiveDate> {
        let col = *self.cols.get(name)?;
        let v = row.get(col);
        if v.is_empty() {
            return None;
        }
        match parse_date(v) {
            Ok(d) => Some(d),
            Err((msg, help)) => {
                errors.push(self.err(
                    row,
                    col,
                    DataErrorCode::BadDate,
                    format!("{name}: {msg}"),
                    help,
                ));
                None
            }
        }
    }

    fn exemptions(&self, row: &Row, errors: &mut Vec<DataError>) -> Vec<Exemption> {
        let Some(&col) = self.cols.get("exemptions") else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for item in row
            .get(col)
            .split(';')
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            match self.exemption(item) {
                Ok(e) => out.push(e),
                Err((code, msg, help)) => errors.push(self.err(row, col, code, msg, help)),
            }
        }
        out
    }

    /// One `ID YYYY-MM-DD..YYYY-MM-DD`.
    fn exemption(&self, item: &str) -> Result<Exemption, Problem> {
        let shape = || {
            (
                DataErrorCode::BadExemption,
                format!("malformed exemption `{item}` (expected `ID YYYY-MM-DD..YYYY-MM-DD`)"),
                None,
            )
        };
        let (id, range) = item.split_once(char::is_whitespace).ok_or_else(shape)?;
        let (a, b) = range.trim().split_once("..").ok_or_else(shape)?;
        let date = |s: &str| {
            parse_date(s.trim())
                .map_err(|(m, h)| (DataErrorCode::BadDate, format!("exemption `{id}`: {m}"), h))
        };
        let (a, b) = (date(a)?, date(b)?);
        let known = self.policy.exemptions.iter().map(|e| e.id.as_str());
        if !known.clone().any(|k| k == id) {
            let msg = if self.policy.exemptions.is_empty() {
                format!("unknown exemption `{id}` (the policy declares no exemptions)")
            } else {
                format!(
                    "unknown exemption `{id}` (expected one of: {})",
                    join_list(known.clone())
                )
            };
            let help = did_you_mean(id, known).map(|s| format!("did you mean `{s}`?"));
            return Err((DataErrorCode::BadExemption, msg, help));
        }
        if b < a {
            return Err((
                DataErrorCode::BadRange,
                format!("exemption `{id}` ends ({b}) before it starts ({a})"),
                None,
            ));
        }
        Ok((id.to_string(), a, b))
    }

    /// One warning per group name that is neither a group ID nor a group
    /// name of the policy, compared as membership compares them
    /// ([`crate::model::GroupDef::is_named`]: trimmed, ignoring ASCII case).
    fn unknown_groups(&self, used: &BTreeMap<String, (u64, u64)>) -> Vec<DataError> {
        let mut used: Vec<(&String, &(u64, u64))> = used.iter().collect();
        used.sort_by(|a, b| (a.1, a.0).cmp(&(b.1, b.0)));
        let known: BTreeSet<&str> = self
            .policy
            .groups
            .iter()
            .flat_map(|g| [g.id.as_str(), g.name.as_str()])
            .collect();
        used.into_iter()
            .filter(|(g, _)| !self.policy.groups.iter().any(|d| d.is_named(g)))
            .map(|(g, &(line, column))| {
                let help = match did_you_mean(g, known.iter().copied()) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => "students in it are treated as in no group".to_string(),
                };
                DataError::new(
                    DataErrorCode::UnknownGroup,
                    self.file.into(),
                    line,
                    column,
                    format!("group `{g}` is not a group of the policy"),
                    Some(help),
                )
                .warning()
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::testutil::{d, policy};

    #[test]
    fn reads_attributes_groups_and_exemptions() {
        let text = "student,name,mentor,groups,birthdate,exemptions\n\
                    S1,Anna de Vries,mw. Jansen,veel verzuim 21/22; extra,2009-03-01,medical 2022-09-01..2022-12-31\n\
                    S2,,,,,\n";
        let (roster, warnings) = parse_roster(&policy(), "r.csv", text).unwrap();
        let s1 = &roster.students["S1"];
        assert_eq!(s1.name.as_deref(), Some("Anna de Vries"));
        assert_eq!(s1.groups, vec!["veel verzuim 21/22", "extra"]);
        assert_eq!(s1.birthdate, Some(d("2009-03-01")));
        assert_eq!(
            s1.exemptions,
            vec![("medical".to_string(), d("2022-09-01"), d("2022-12-31"))]
        );
        assert_eq!(roster.students["S2"], StudentInfo::default());
        assert_eq!(warnings.len(), 1);
        assert_eq!(
            warnings[0].to_string(),
            "r.csv:2:29: group `extra` is not a group of the policy"
        );
    }

    #[test]
    fn group_names_match_as_membership_does() {
        // Membership (`eval`) trims and ignores ASCII case, by ID or name;
        // so does the unknown-group warning.
        let text = "student,groups\n\
                    S1,Veel Verzuim 21/22\n\
                    S2, PREVIOUS_YEAR_HIGH ;veel verzuim 21/22\n\
                    S3,Previous_Year_Highh\n";
        let (roster, warnings) = parse_roster(&policy(), "r.csv", text).unwrap();
        assert_eq!(
            roster.students["S2"].groups,
            ["PREVIOUS_YEAR_HIGH", "veel verzuim 21/22"]
        );
        let warnings: Vec<String> = warnings.iter().map(|w| w.to_string()).collect();
        assert_eq!(
            warnings,
            ["r.csv:4:4: group `Previous_Year_Highh` is not a group of the policy"]
        );
    }

    #[test]
    fn bad_rows_are_reported_without_names() {
        let text = "student,name,birthdate,exemptions\n\
                    S1,Geheime Naam,2009-02-30,\n\
                    S1,Geheime Naam,,\n\
                    S3,Geheime Naam,,medicl 2022-09-01..2022-12-31\n\
                    S4,Geheime Naam,,medical 2022-09-01\n";
        let errs: Vec<String> = parse_roster(&policy(), "r.csv", text)
            .unwrap_err()
            .iter()
            .map(|e| format!("{e} {:?}", e.help))
            .collect();
        assert_eq!(errs.len(), 4);
        assert!(errs[0].starts_with("r.csv:2:17: birthdate: impossible date `2009-02-30`"));
        assert!(errs[1].starts_with("r.csv:3:1: student `S1` appears twice (first on line 2)"));
        assert!(errs[2].starts_with("r.csv:4:18: unknown exemption `medicl`"));
        assert!(errs[2].contains("did you mean `medical`?"));
        assert!(errs[3].starts_with("r.csv:5:18: malformed exemption"));
        assert!(errs.iter().all(|e| !e.contains("Geheime")));
    }
}
