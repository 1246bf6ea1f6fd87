//! Lowering of test files: pest pairs of `test_file` → [`TestFile`], one
//! small function per grammar rule, like the policy lowering.

use super::lit::{self, date, date_range, ident, integer, need, span, text};
use super::{Pair, Result, unexpected_pair};
use crate::span::{Span, Spanned};
use crate::syntax::error::SyntaxError;
use crate::syntax::grammar::Rule;
use crate::syntax::test_ast::*;

/// Lowers the children of a `test_file` pair. Items that fail to lower are
/// left out and their errors collected.
pub(crate) fn test_file(
    pair: Pair<'_>,
    comments: Vec<Spanned<String>>,
) -> std::result::Result<TestFile, Vec<SyntaxError>> {
    let mut items = Vec::new();
    let mut errors = Vec::new();
    for p in pair.into_inner() {
        let lowered = match p.as_rule() {
            Rule::tests_header => tests_header(p).map(TestItem::Tests),
            Rule::test => test(p).map(TestItem::Test),
            Rule::EOI => continue,
            r => Err(unexpected_pair(r, span(&p))),
        };
        match lowered {
            Ok(i) => items.push(i),
            Err(e) => errors.push(e),
        }
    }
    if errors.is_empty() {
        Ok(TestFile { items, comments })
    } else {
        Err(errors)
    }
}

/// The span of `p` up to the end of its last child: without the whitespace
/// and comments pest consumes after a trailing optional part.
fn tight(p: &Pair<'_>) -> Span {
    let at = span(p);
    let end = p
        .clone()
        .into_inner()
        .last()
        .map_or(at.end, |c| c.as_span().end());
    Span::new(at.start, end.min(at.end))
}

/// `tests "2022-2023.verzuim"`
fn tests_header(p: Pair<'_>) -> Result<TestsHeader> {
    let at = tight(&p);
    let s = p.into_inner().find(|c| c.as_rule() == Rule::string);
    Ok(TestsHeader {
        policy: text(&need(s, "policy path", at)?)?,
        span: at,
    })
}

/// `test "name" { entries }`
fn test(p: Pair<'_>) -> Result<Test> {
    let at = span(&p);
    let mut name = None;
    let mut entries = Vec::new();
    for c in p.into_inner() {
        let entry = match c.as_rule() {
            Rule::string => {
                name = Some(text(&c)?);
                continue;
            }
            Rule::test_as_of => {
                let at = span(&c);
                let d = c.into_inner().find(|c| c.as_rule() == Rule::date);
                TestEntry::AsOf(date(&need(d, "date", at)?))
            }
            Rule::test_roster => TestEntry::Roster(roster(c)?),
            Rule::events_from => {
                let at = span(&c);
                let s = c.into_inner().find(|c| c.as_rule() == Rule::string);
                TestEntry::EventsFrom(text(&need(s, "path", at)?)?)
            }
            Rule::events_block => TestEntry::Events(events(c)?),
            Rule::expect_count | Rule::expect_no | Rule::expect_nothing | Rule::expect_action => {
                TestEntry::Expect(expect(c)?)
            }
            _ => continue,
        };
        entries.push(entry);
    }
    Ok(Test {
        name: need(name, "test name", at)?,
        entries,
        span: at,
    })
}

/// A `student` pair: a bare word or a text in quotes.
fn student(p: &Pair<'_>) -> Result<Student> {
    let at = span(p);
    match p.clone().into_inner().next() {
        Some(c) if c.as_rule() == Rule::string => Ok(Spanned::new(text(&c)?.node, at)),
        Some(c) => Ok(Spanned::new(c.as_str().to_string(), at)),
        None => Err(SyntaxError::internal("a student without an ID", at)),
    }
}

/// `roster { lines }`
fn roster(p: Pair<'_>) -> Result<RosterBlock> {
    let at = span(&p);
    let lines = p
        .into_inner()
        .filter(|c| c.as_rule() == Rule::roster_line)
        .map(roster_line)
        .collect::<Result<Vec<_>>>()?;
    Ok(RosterBlock { lines, span: at })
}

/// `S1 mentor "Jansen" groups "a", "b" birthdate 2007-05-01`
fn roster_line(p: Pair<'_>) -> Result<RosterLine> {
    let at = tight(&p);
    let mut student_id = None;
    let mut fields = Vec::new();
    for c in p.into_inner() {
        match c.as_rule() {
            Rule::student => student_id = Some(student(&c)?),
            Rule::roster_text | Rule::roster_list | Rule::roster_date => {
                fields.push(roster_field(c)?);
            }
            _ => {}
        }
    }
    Ok(RosterLine {
        student: need(student_id, "student", at)?,
        fields,
        span: at,
    })
}

/// One `KEY VALUE` of a roster line.
fn roster_field(p: Pair<'_>) -> Result<RosterField> {
    let at = tight(&p);
    let mut key = None;
    let mut texts = Vec::new();
    let mut day = None;
    for c in p.into_inner() {
        match c.as_rule() {
            Rule::roster_text_key | Rule::roster_list_key | Rule::roster_date_key => {
                let k = RosterKey::from_name(c.as_str())
                    .ok_or_else(|| SyntaxError::internal("unknown roster key", span(&c)))?;
                key = Some(Spanned::new(k, span(&c)));
            }
            Rule::string => texts.push(text(&c)?),
            Rule::date => day = Some(date(&c)),
            _ => {}
        }
    }
    let value = match day {
        Some(d) => RosterValue::Date(d),
        None => RosterValue::Texts(texts),
    };
    Ok(RosterField {
        key: need(key, "roster key", at)?,
        value,
        span: at,
    })
}

/// `events { lines }`
fn events(p: Pair<'_>) -> Result<EventsBlock> {
    let at = span(&p);
    let lines = p
        .into_inner()
        .filter(|c| c.as_rule() == Rule::event_line)
        .map(event_line)
        .collect::<Result<Vec<_>>>()?;
    Ok(EventsBlock { lines, span: at })
}

/// `[S1] 2022-09-19 [.. 2022-09-23] [p1 [.. p8]] (KIND | code "X") [N min]`
fn event_line(p: Pair<'_>) -> Result<EventLine> {
    let at = tight(&p);
    let (mut student_id, mut dates, mut periods) = (None, None, None);
    let (mut what, mut minutes) = (None, None);
    for c in p.into_inner() {
        match c.as_rule() {
            Rule::student => student_id = Some(student(&c)?),
            Rule::date_range => dates = Some(date_range(&c)?),
            Rule::period_range => periods = Some(period_range(c)?),
            Rule::kind_name => what = Some(EventWhat::Kind(ident(&c))),
            Rule::event_code_ref => {
                let at = span(&c);
                let s = c.into_inner().find(|c| c.as_rule() == Rule::string);
                what = Some(EventWhat::Code(text(&need(s, "code", at)?)?));
            }
            Rule::event_minutes => {
                let at = span(&c);
                let n = c.into_inner().find(|c| c.as_rule() == Rule::integer);
                minutes = Some(integer(&need(n, "minutes", at)?)?);
            }
            _ => {}
        }
    }
    Ok(EventLine {
        student: student_id,
        dates: need(dates, "date", at)?,
        periods,
        what: need(what, "kind", at)?,
        minutes,
        span: at,
    })
}

/// `p1` or `p1 .. p8`.
fn period_range(p: Pair<'_>) -> Result<PeriodRange> {
    let at = span(&p);
    let periods = p
        .into_inner()
        .filter(|c| c.as_rule() == Rule::period)
        .map(|c| period(&c))
        .collect::<Result<Vec<_>>>()?;
    let first = need(periods.first().copied(), "period", at)?;
    let last = periods.get(1).copied().unwrap_or(first);
    Ok(PeriodRange {
        first,
        last,
        span: at,
    })
}

/// `p3` → 3.
fn period(p: &Pair<'_>) -> Result<Spanned<u32>> {
    let at = span(p);
    let digits = p.as_str().trim_start_matches('p');
    let n = digits
        .parse::<u32>()
        .map_err(|_| SyntaxError::NumberTooLarge {
            found: p.as_str().to_string(),
            span: at,
        })?;
    Ok(Spanned::new(n, at))
}

/// One `expect` line.
fn expect(p: Pair<'_>) -> Result<Expect> {
    let at = tight(&p);
    let which = p.as_rule();
    let mut student_id = None;
    let (mut step, mut count, mut day) = (None, None, None);
    let mut matchers = Vec::new();
    for c in p.into_inner() {
        match c.as_rule() {
            Rule::student => student_id = Some(student(&c)?),
            Rule::for_student => student_id = Some(for_student(c)?),
            Rule::ident => step = Some(ident(&c)),
            Rule::integer => count = Some(integer(&c)?),
            Rule::date => day = Some(date(&c)),
            Rule::match_role
            | Rule::match_due
            | Rule::match_kind
            | Rule::match_make_up
            | Rule::match_after => {
                matchers.push(action_match(c)?);
            }
            _ => {}
        }
    }
    let kind = match which {
        Rule::expect_count => ExpectKind::Count {
            count: need(count, "count", at)?,
            student: student_id,
        },
        Rule::expect_no => ExpectKind::NoStep {
            step: need(step, "step", at)?,
            student: student_id,
        },
        Rule::expect_nothing => ExpectKind::NothingElse {
            student: student_id,
        },
        _ => ExpectKind::Action(ActionExpect {
            student: need(student_id, "student", at)?,
            date: need(day, "date", at)?,
            step: need(step, "step", at)?,
            matchers,
        }),
    };
    Ok(Expect { kind, span: at })
}

/// `for STUDENT`
fn for_student(p: Pair<'_>) -> Result<Student> {
    let at = span(&p);
    let s = p.into_inner().find(|c| c.as_rule() == Rule::student);
    student(&need(s, "student", at)?)
}

/// `for ROLE`, `due DATE`, `kind KIND`, `make_up N` or `after LABEL`.
fn action_match(p: Pair<'_>) -> Result<ActionMatch> {
    let at: Span = span(&p);
    let which = p.as_rule();
    let value = p.into_inner().find(|c| {
        matches!(
            c.as_rule(),
            Rule::role_name | Rule::date | Rule::ident | Rule::number
        )
    });
    let value = need(value, "value", at)?;
    Ok(match which {
        Rule::match_role => ActionMatch::Role(ident(&value)),
        Rule::match_due => ActionMatch::Due(date(&value)),
        Rule::match_kind => ActionMatch::Kind(ident(&value)),
        Rule::match_after => ActionMatch::After(ident(&value)),
        _ => ActionMatch::MakeUp(lit::number(&value)?),
    })
}

#[cfg(test)]
mod tests {
    use crate::syntax::ast::DateLit;
    use crate::syntax::test_ast::*;
    use crate::syntax::{parse, parse_tests};

    const EXAMPLE: &str = r#"# policies/mlg/2022-2023.test.verzuim
tests "2022-2023.verzuim"

test "L3: the third late arrival books a report-early moment" {
  as_of 2022-09-30
  roster {
    S1 mentor "Jansen" class "3a" grade "3" location "Noord" birthdate 2007-05-01 groups "veel verzuim 21/22" exemptions "medical 2022-10-03..2022-10-28"
    "S 2" name "X"
  }
  events {
    S1 2022-09-05 p1 late 10 min
    S1 2022-09-12 p1 code "L" 5 min
    S1 2022-09-19 special_arrangement
    S1 2022-09-19 p1 .. p8 truancy
    S1 2022-09-19 .. 2022-09-23 p1 .. p8 sick
    123456 2022-09-19 p2 removal
    2022-09-20 p1 late 3 minutes
  }
  events from "fixtures/l3.csv"
  expect S1 2022-09-19 step L3
  expect S1 2022-09-19 step L3 for vc due 2022-09-22 kind sanction
  expect S1 2022-09-19 step T1 make_up 2
  expect no step L6
  expect no step L6 for S1
  expect 3 actions
  expect 1 action for S1
  expect nothing else for S1
  expect nothing else
}
"#;

    #[test]
    fn lowers_every_form() {
        let f = parse_tests(EXAMPLE).unwrap();
        let headers: Vec<_> = f.headers().collect();
        assert_eq!(headers[0].policy.node, "2022-2023.verzuim");
        let t = f.tests().next().unwrap();
        assert_eq!(t.entries.len(), 13);
        let TestEntry::Roster(r) = &t.entries[1] else {
            panic!("{:?}", t.entries[1])
        };
        assert_eq!(r.lines.len(), 2);
        assert_eq!(r.lines[0].fields.len(), 7);
        assert_eq!(r.lines[1].student.node, "S 2");
        let TestEntry::Events(e) = &t.entries[2] else {
            panic!()
        };
        assert_eq!(e.lines.len(), 7);
        let l = &e.lines[4];
        assert_eq!(l.student.as_ref().unwrap().node, "S1");
        assert_ne!(l.dates.start, l.dates.end);
        let p = l.periods.as_ref().unwrap();
        assert_eq!((p.first.node, p.last.node), (1, 8));
        assert!(matches!(&e.lines[1].what, EventWhat::Code(c) if c.node == "L"));
        assert_eq!(e.lines[1].minutes.unwrap().node, 5);
        assert!(e.lines[2].periods.is_none());
        assert_eq!(e.lines[5].student.as_ref().unwrap().node, "123456");
        assert!(e.lines[6].student.is_none());
        let TestEntry::Expect(x) = &t.entries[5] else {
            panic!()
        };
        let ExpectKind::Action(a) = &x.kind else {
            panic!()
        };
        assert_eq!(a.matchers.len(), 3);
        assert!(matches!(a.date.node, DateLit::Valid(_)));
        let kinds: Vec<_> = t.entries[6..]
            .iter()
            .map(|e| match e {
                TestEntry::Expect(x) => match &x.kind {
                    ExpectKind::Action(_) => "action",
                    ExpectKind::NoStep { .. } => "no",
                    ExpectKind::Count { .. } => "count",
                    ExpectKind::NothingElse { .. } => "nothing",
                },
                _ => "other",
            })
            .collect();
        assert_eq!(
            kinds,
            ["action", "no", "no", "count", "count", "nothing", "nothing"]
        );
    }

    #[test]
    fn lowers_the_label_an_action_is_ordered_after() {
        let src =
            "test \"N3\" {\n  expect S1 2022-09-19 step N3 for lpa after parents_informed\n}\n";
        let f = parse_tests(src).unwrap();
        let t = f.tests().next().unwrap();
        let TestEntry::Expect(x) = &t.entries[0] else {
            panic!("{:?}", t.entries[0])
        };
        let ExpectKind::Action(a) = &x.kind else {
            panic!("{x:?}")
        };
        assert!(matches!(&a.matchers[0], ActionMatch::Role(r) if r.node == "lpa"));
        assert!(matches!(&a.matchers[1], ActionMatch::After(l) if l.node == "parents_informed"));
        let errs = parse_tests("test \"x\" {\n  expect S1 2022-09-19 step N3 after\n}\n");
        assert!(errs.is_err(), "`after` needs a label");
    }

    #[test]
    fn policies_hold_no_tests_and_tests_no_policies() {
        let errs = parse("test \"x\" {\n}\n").unwrap_err();
        assert!(format!("{errs:?}").contains("test.verzuim"), "{errs:?}");
        let errs = parse_tests("role vc \"VC\"\n").unwrap_err();
        assert!(
            format!("{errs:?}").contains("belongs in the policy file"),
            "{errs:?}"
        );
    }
}
