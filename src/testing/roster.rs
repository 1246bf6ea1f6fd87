//! A test's roster: its `roster { … }` lines as an [`eval::Roster`], with the
//! values checked against the policy (groups and exemptions it declares,
//! real dates) and errors on the span in the test file.
//!
//! [`eval::Roster`]: crate::eval::Roster

use super::error::{TestCode, TestError};
use super::events::valid_date;
use crate::check::error::unknown_help;
use crate::eval::{Roster, StudentInfo};
use crate::model::Policy;
use crate::span::Span;
use crate::syntax::ast::Text;
use crate::syntax::test_ast::{RosterBlock, RosterField, RosterKey, RosterLine, RosterValue};
use chrono::NaiveDate;
use std::collections::BTreeMap;

/// Builds the roster of a test from its roster blocks (`None` without any).
pub(crate) fn build(
    policy: &Policy,
    blocks: &[&RosterBlock],
    errors: &mut Vec<TestError>,
) -> Option<Roster> {
    if blocks.is_empty() {
        return None;
    }
    let mut students = BTreeMap::new();
    let mut first_line: BTreeMap<String, Span> = BTreeMap::new();
    for line in blocks.iter().flat_map(|b| &b.lines) {
        if let Some(first) = first_line.get(&line.student.node) {
            errors.push(
                TestError::new(
                    TestCode::Duplicate,
                    format!("student `{}` has a second roster line", line.student.node),
                    line.student.span,
                    "given again here",
                )
                .label(*first, "first given here")
                .help("give each student one roster line with all their attributes"),
            );
            continue;
        }
        first_line.insert(line.student.node.clone(), line.student.span);
        students.insert(line.student.node.clone(), info(policy, line, errors));
    }
    Some(Roster { students })
}

/// One roster line as a student's info.
fn info(policy: &Policy, line: &RosterLine, errors: &mut Vec<TestError>) -> StudentInfo {
    let mut info = StudentInfo::default();
    let mut seen: BTreeMap<RosterKey, Span> = BTreeMap::new();
    for field in &line.fields {
        if let Some(first) = seen.get(&field.key.node) {
            errors.push(
                TestError::new(
                    TestCode::Duplicate,
                    format!("`{}` is given twice for one student", field.key.as_str()),
                    field.key.span,
                    "given again here",
                )
                .label(*first, "first given here")
                .help("list several groups or exemptions in one field: `groups \"a\", \"b\"`"),
            );
            continue;
        }
        seen.insert(field.key.node, field.key.span);
        set_field(policy, &mut info, field, errors);
    }
    info
}

/// Sets one attribute.
fn set_field(
    policy: &Policy,
    info: &mut StudentInfo,
    field: &RosterField,
    errors: &mut Vec<TestError>,
) {
    match (&field.value, field.key.node) {
        (RosterValue::Date(d), key) => {
            let date = valid_date(d, errors);
            match key {
                RosterKey::Birthdate => info.birthdate = date,
                RosterKey::EnrolledFrom => info.enrolled_from = date,
                _ => info.enrolled_until = date,
            }
        }
        (RosterValue::Texts(texts), RosterKey::Groups) => {
            info.groups = texts
                .iter()
                .filter(|t| known_group(policy, t, errors))
                .map(|t| t.node.clone())
                .collect();
        }
        (RosterValue::Texts(texts), RosterKey::Exemptions) => {
            for t in texts {
                info.exemptions.extend(exemptions(policy, t, errors));
            }
        }
        (RosterValue::Texts(texts), key) => {
            let value = texts.first().map(|t| t.node.clone());
            match key {
                RosterKey::Name => info.name = value,
                RosterKey::Mentor => info.mentor = value,
                RosterKey::Class => info.class = value,
                RosterKey::Grade => info.grade = value,
                _ => info.location = value,
            }
        }
    }
}

/// True when the policy declares a group with this ID or roster name,
/// matched as the interpreter matches roster groups
/// ([`crate::model::GroupDef::is_named`]).
fn known_group(policy: &Policy, t: &Text, errors: &mut Vec<TestError>) -> bool {
    let known = policy.groups.iter().any(|g| g.is_named(&t.node));
    if !known {
        let names: Vec<&str> = policy.groups.iter().map(|g| g.name.as_str()).collect();
        errors.push(
            TestError::new(
                TestCode::UnknownName,
                format!("unknown group `{}`", t.node),
                t.span,
                "the policy declares no such group",
            )
            .help(unknown_help("groups", &t.node, &names)),
        );
    }
    known
}

/// The `;`-separated `ID YYYY-MM-DD..YYYY-MM-DD` items of one text.
fn exemptions(
    policy: &Policy,
    t: &Text,
    errors: &mut Vec<TestError>,
) -> Vec<(String, NaiveDate, NaiveDate)> {
    let mut out = Vec::new();
    for item in t.node.split(';').map(str::trim).filter(|s| !s.is_empty()) {
        match exemption(policy, item) {
            Ok(e) => out.push(e),
            Err((code, msg, help)) => {
                let mut e = TestError::new(code, msg, t.span, "in this exemption");
                if let Some(h) = help {
                    e = e.help(h);
                }
                errors.push(e);
            }
        }
    }
    out
}

/// A problem with one exemption: (code, message, help).
type Problem = (TestCode, String, Option<String>);

/// One `ID YYYY-MM-DD..YYYY-MM-DD`, as in the roster CSV.
fn exemption(policy: &Policy, item: &str) -> Result<(String, NaiveDate, NaiveDate), Problem> {
    let shape = || {
        (
            TestCode::BadRoster,
            format!("malformed exemption `{item}`"),
            Some("write an exemption as `ID YYYY-MM-DD..YYYY-MM-DD`, like `medical 2022-10-03..2022-10-28`".to_string()),
        )
    };
    let (id, range) = item.split_once(char::is_whitespace).ok_or_else(shape)?;
    let (a, b) = range.trim().split_once("..").ok_or_else(shape)?;
    let date = |s: &str| {
        crate::io::parse_date(s.trim())
            .map_err(|(m, h)| (TestCode::BadDate, format!("exemption `{id}`: {m}"), h))
    };
    let (a, b) = (date(a)?, date(b)?);
    let known: Vec<&str> = policy.exemptions.iter().map(|e| e.id.as_str()).collect();
    if !known.contains(&id) {
        return Err((
            TestCode::UnknownName,
            format!("unknown exemption `{id}`"),
            Some(unknown_help("exemptions", id, &known)),
        ));
    }
    if b < a {
        return Err((
            TestCode::BadDate,
            format!("exemption `{id}` ends ({b}) before it starts ({a})"),
            None,
        ));
    }
    Ok((id.to_string(), a, b))
}
