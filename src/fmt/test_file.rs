//! The AST of a `*.test.verzuim` file as [`Line`]s: the `tests "…"` header,
//! and each `test` block with one line per entry, `roster` and `events`
//! blocks one level deeper.

use super::layout::{Blanks, Line};
use super::printer::{INDENT, Printer};
use super::text::{self, date, quote};
use crate::syntax::test_ast::*;

impl Printer<'_> {
    /// Every item of a test file: a blank line around each `test` block;
    /// between headers as in the source.
    pub fn test_items(&mut self, items: &[TestItem]) {
        let mut prev: Option<&TestItem> = None;
        for item in items {
            let is_test = |i: &TestItem| matches!(i, TestItem::Test(_));
            let blanks = match prev {
                None => Blanks::first_child(),
                Some(p) => Blanks::item(is_test(p) || is_test(item)),
            };
            match item {
                TestItem::Tests(h) => {
                    let line = format!("tests {}", quote(&h.policy));
                    self.simple(h.span.start, line, blanks);
                }
                TestItem::Test(t) => self.test(t, blanks),
            }
            prev = Some(item);
        }
    }

    /// `test "name" { entries }`
    fn test(&mut self, t: &Test, blanks: Blanks) {
        let head = format!("test {} {{", quote(&t.name));
        self.lines.push(Line::new(0, head, t.span.start, blanks));
        for (n, entry) in t.entries.iter().enumerate() {
            let blanks = if n == 0 {
                Blanks::first_child()
            } else {
                Blanks::sibling()
            };
            self.test_entry(entry, blanks);
        }
        self.close(0, t.span.end, t.entries.is_empty());
    }

    /// One entry of a test block, at one level of indentation.
    fn test_entry(&mut self, entry: &TestEntry, blanks: Blanks) {
        let kw = |pos| self.src.keyword_before(pos);
        let (start, line) = match entry {
            TestEntry::AsOf(d) => (kw(d.span.start), format!("as_of {}", date(d))),
            TestEntry::EventsFrom(path) => (
                kw(kw(path.span.start)),
                format!("events from {}", quote(path)),
            ),
            TestEntry::Expect(e) => (e.span.start, self.expect(&e.kind)),
            TestEntry::Roster(r) => {
                let lines = r.lines.iter().map(|l| (l.span.start, self.roster_line(l)));
                let lines: Vec<(usize, String)> = lines.collect();
                return self.sub_block("roster", r.span, lines, blanks);
            }
            TestEntry::Events(b) => {
                let lines = b.lines.iter().map(|l| (l.span.start, self.event_line(l)));
                let lines: Vec<(usize, String)> = lines.collect();
                return self.sub_block("events", b.span, lines, blanks);
            }
        };
        self.lines.push(Line::new(INDENT, line, start, blanks));
    }

    /// `roster { … }` / `events { … }`: the keyword line, the lines one
    /// level deeper, and the `}`.
    fn sub_block(
        &mut self,
        keyword: &str,
        span: crate::span::Span,
        lines: Vec<(usize, String)>,
        blanks: Blanks,
    ) {
        let head = format!("{keyword} {{");
        self.lines.push(Line::new(INDENT, head, span.start, blanks));
        let empty = lines.is_empty();
        for (n, (start, text)) in lines.into_iter().enumerate() {
            let blanks = if n == 0 {
                Blanks::first_child()
            } else {
                Blanks::sibling()
            };
            self.lines.push(Line::new(2 * INDENT, text, start, blanks));
        }
        self.close(INDENT, span.end, empty);
    }

    /// A student as written: in quotes when it was quoted (or must be).
    fn student(&self, s: &Student) -> String {
        let quoted = self.src.text.as_bytes().get(s.span.start) == Some(&b'"');
        let word = !s.node.is_empty()
            && s.node
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
        if quoted || !word {
            quote(s)
        } else {
            s.node.clone()
        }
    }

    /// ` for STUDENT`, or nothing.
    fn for_student(&self, s: Option<&Student>) -> String {
        s.map(|s| format!(" for {}", self.student(s)))
            .unwrap_or_default()
    }

    /// `S1 mentor "Jansen" groups "a", "b" birthdate 2007-05-01`
    fn roster_line(&self, l: &RosterLine) -> String {
        let mut out = self.student(&l.student);
        for f in &l.fields {
            let value = match &f.value {
                RosterValue::Texts(ts) => {
                    let quoted: Vec<String> = ts.iter().map(|t| quote(t)).collect();
                    quoted.join(", ")
                }
                RosterValue::Date(d) => date(d),
            };
            out.push_str(&format!(" {} {value}", f.key.as_str()));
        }
        out
    }

    /// `[S1] 2022-09-05 [.. DATE] [p1 [.. p8]] (KIND | code "X") [N min]`
    fn event_line(&self, l: &EventLine) -> String {
        let mut parts = Vec::new();
        if let Some(s) = &l.student {
            parts.push(self.student(s));
        }
        parts.push(text::date_range(&l.dates));
        if let Some(p) = &l.periods {
            parts.push(if p.first == p.last {
                format!("p{}", p.first.node)
            } else {
                format!("p{} .. p{}", p.first.node, p.last.node)
            });
        }
        parts.push(match &l.what {
            EventWhat::Kind(k) => k.node.clone(),
            EventWhat::Code(c) => format!("code {}", quote(c)),
        });
        if let Some(m) = &l.minutes {
            parts.push(format!("{} min", m.node));
        }
        parts.join(" ")
    }

    /// One `expect` line.
    fn expect(&self, e: &ExpectKind) -> String {
        match e {
            ExpectKind::Action(a) => {
                let mut out = format!(
                    "expect {} {} step {}",
                    self.student(&a.student),
                    date(&a.date),
                    a.step.node
                );
                for m in &a.matchers {
                    out.push(' ');
                    out.push_str(&match m {
                        ActionMatch::Role(r) => format!("for {}", r.node),
                        ActionMatch::Due(d) => format!("due {}", date(d)),
                        ActionMatch::Kind(k) => format!("kind {}", k.node),
                        ActionMatch::MakeUp(n) => format!("make_up {}", text::number(n.node)),
                        ActionMatch::After(l) => format!("after {}", l.node),
                    });
                }
                out
            }
            ExpectKind::NoStep { step, student } => {
                let student = self.for_student(student.as_ref());
                format!("expect no step {}{student}", step.node)
            }
            ExpectKind::Count { count, student } => {
                let noun = if count.node == 1 { "action" } else { "actions" };
                let student = self.for_student(student.as_ref());
                format!("expect {} {noun}{student}", count.node)
            }
            ExpectKind::NothingElse { student } => {
                format!("expect nothing else{}", self.for_student(student.as_ref()))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn expectations_keep_their_conditions_in_order() {
        let src = "test \"N3\" {\n  expect   S1 2022-09-19 step N3   after  parents_informed for lpa\n}\n";
        let formatted = crate::fmt::format_test_source(src).unwrap();
        assert_eq!(
            formatted,
            "test \"N3\" {\n  expect S1 2022-09-19 step N3 after parents_informed for lpa\n}\n"
        );
        assert_eq!(
            crate::fmt::format_test_source(&formatted).unwrap(),
            formatted
        );
    }
}
