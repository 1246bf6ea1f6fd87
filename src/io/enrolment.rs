//! Registrations checked against the roster (when `--roster` is given):
//! every registration's student must be in it (`unknown-student`), and its
//! date within the student's `enrolled_from` .. `enrolled_until`
//! (`not-enrolled`). Messages name student IDs and dates only, never names.

use crate::eval::Roster;
use chrono::NaiveDate;
use std::collections::HashMap;

/// A student's standing in the roster.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Enrolment {
    /// Not in the roster.
    Missing,
    /// In the roster, enrolled from .. until (each open when absent).
    Known(Option<NaiveDate>, Option<NaiveDate>),
}

/// The roster with a lookup of IDs by their normal form (see [`normal`]).
pub(crate) struct RosterIndex<'a> {
    roster: &'a Roster,
    by_normal: HashMap<String, &'a str>,
}

impl<'a> RosterIndex<'a> {
    /// Index `roster`.
    pub(crate) fn new(roster: &'a Roster) -> RosterIndex<'a> {
        let mut by_normal = HashMap::new();
        // BTreeMap order: the smallest ID wins a shared normal form.
        for id in roster.students.keys() {
            by_normal.entry(normal(id)).or_insert(id.as_str());
        }
        RosterIndex { roster, by_normal }
    }

    /// Where `id` stands.
    pub(crate) fn status(&self, id: &str) -> Enrolment {
        match self.roster.students.get(id) {
            Some(info) => Enrolment::Known(info.enrolled_from, info.enrolled_until),
            None => Enrolment::Missing,
        }
    }

    /// The message and help for a student `id` missing from the roster:
    /// the help names the roster ID that differs only in leading zeros (or
    /// case), if there is one.
    pub(crate) fn missing(&self, id: &str) -> (String, String) {
        let msg = format!("student `{id}` is not in the roster");
        let help = match self.by_normal.get(&normal(id)) {
            Some(s) => format!(
                "did you mean `{s}`? The roster writes this ID differently (leading zeros or case)"
            ),
            None => "add the student to the roster, or correct the ID".to_string(),
        };
        (msg, help)
    }
}

/// `id` without the leading zeros of each run of digits, in lower case:
/// `00123` → `123`, `S00123` → `s123`.
fn normal(id: &str) -> String {
    let mut out = String::with_capacity(id.len());
    let mut prev_digit = false;
    let mut chars = id.chars().peekable();
    while let Some(c) = chars.next() {
        let leading_zero =
            c == '0' && !prev_digit && chars.peek().is_some_and(|n| n.is_ascii_digit());
        if !leading_zero {
            out.extend(c.to_lowercase());
            prev_digit = c.is_ascii_digit();
        }
    }
    out
}

/// The message and help when `date` lies outside the enrolment
/// `from` .. `until` of student `id`; `None` when it lies within.
pub(crate) fn outside(
    id: &str,
    date: NaiveDate,
    from: Option<NaiveDate>,
    until: Option<NaiveDate>,
) -> Option<(String, String)> {
    let d = date.format("%Y-%m-%d");
    let msg = match (from, until) {
        (Some(f), _) if date < f => format!(
            "{d} is before student `{id}` is enrolled (enrolled_from {})",
            f.format("%Y-%m-%d")
        ),
        (_, Some(u)) if date > u => format!(
            "{d} is after student `{id}` left (enrolled_until {})",
            u.format("%Y-%m-%d")
        ),
        _ => return None,
    };
    let help = "a registration counts only while the student is enrolled: correct the date, or the roster's enrolment dates".to_string();
    Some((msg, help))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::StudentInfo;
    use crate::io::testutil::d;

    #[test]
    fn leading_zeros_and_case_are_suggested() {
        assert_eq!(normal("00123"), "123");
        assert_eq!(normal("S00123"), "s123");
        assert_eq!(normal("S0"), "s0");
        assert_eq!(normal("1002"), "1002");
        let mut roster = Roster::default();
        roster
            .students
            .insert("00123".into(), StudentInfo::default());
        let index = RosterIndex::new(&roster);
        assert_eq!(index.status("123"), Enrolment::Missing);
        assert!(index.missing("123").1.starts_with("did you mean `00123`?"));
        assert_eq!(
            index.missing("124").1,
            "add the student to the roster, or correct the ID"
        );
    }

    #[test]
    fn enrolment_bounds_are_inclusive() {
        let (f, u) = (Some(d("2022-10-03")), Some(d("2023-01-31")));
        assert!(outside("S1", d("2022-10-03"), f, u).is_none());
        assert!(outside("S1", d("2023-01-31"), f, u).is_none());
        let (m, _) = outside("S1", d("2022-09-30"), f, u).unwrap();
        assert_eq!(
            m,
            "2022-09-30 is before student `S1` is enrolled (enrolled_from 2022-10-03)"
        );
        let (m, _) = outside("S1", d("2023-02-01"), None, u).unwrap();
        assert_eq!(
            m,
            "2023-02-01 is after student `S1` left (enrolled_until 2023-01-31)"
        );
    }
}
