//! The AST of a policy or calendar file as [`Line`]s: one line per one-line
//! declaration, calendar entry, ladder header and action; headers of steps
//! and rules on one line, or broken before each clause when longer than
//! [`WIDTH`]; a `}` line closing each block.

use super::layout::{Blanks, Line};
use super::source::Source;
use super::text;
use crate::syntax::ast::*;

/// The width a header line may take before its clauses go on continuation
/// lines.
pub(super) const WIDTH: usize = 100;

/// Indentation of one level.
pub(super) const INDENT: usize = 2;

/// Collects the lines of one file.
pub(super) struct Printer<'a> {
    /// The source, for the positions of keywords.
    pub src: Source<'a>,
    /// The lines so far.
    pub lines: Vec<Line>,
}

/// A clause of a header: where it starts in the source and its text.
type Clause = (usize, String);

/// True for declarations that print as a block.
fn is_block(item: &Item) -> bool {
    matches!(item, Item::Calendar(_) | Item::Ladder(_) | Item::Rule(_))
}

impl Printer<'_> {
    /// Every top-level item: one blank line around blocks; between one-line
    /// declarations blank lines as in the source.
    pub fn items(&mut self, items: &[Item]) {
        let mut prev: Option<&Item> = None;
        for item in items {
            let blanks = match prev {
                None => Blanks::first_child(),
                Some(p) => Blanks::item(is_block(p) || is_block(item)),
            };
            self.item(item, blanks);
            prev = Some(item);
        }
    }

    fn item(&mut self, item: &Item, blanks: Blanks) {
        match item {
            Item::Policy(p) => self.simple(p.span.start, text::policy(p), blanks),
            Item::UseCalendar(path) => {
                let start = self
                    .src
                    .keyword_before(self.src.keyword_before(path.span.start));
                let line = format!("use calendar {}", text::quote(path));
                self.simple(start, line, blanks);
            }
            Item::Calendar(c) => self.calendar(c, blanks),
            Item::Role(r) => {
                let head = format!("role {}", r.id.node);
                let rest = format!(" {}", text::quote(&r.name));
                self.aligned("role", r.span.start, (head, rest), blanks);
            }
            Item::Event(e) => self.aligned("event", e.span.start, text::event(e), blanks),
            Item::Ignore(i) => self.simple(i.span.start, text::ignore(i), blanks),
            Item::Signal(s) => self.aligned("signal", s.span.start, text::signal(s), blanks),
            Item::Group(g) => self.aligned("group", g.span.start, text::group(g), blanks),
            Item::Reclassify(r) => self.simple(r.span.start, text::reclassify(r), blanks),
            Item::Exemption(e) => {
                self.aligned("exemption", e.span.start, text::exemption(e), blanks);
            }
            Item::Ladder(l) => self.ladder(l, blanks),
            Item::Precedence(p) => {
                let line = format!("precedence {}", text::names(&p.ladders));
                self.simple(p.span.start, line, blanks);
            }
            Item::Rule(r) => self.rule(r, blanks),
        }
    }

    /// A top-level line.
    pub fn simple(&mut self, start: usize, text: String, blanks: Blanks) {
        self.lines.push(Line::new(0, text, start, blanks));
    }

    /// A top-level line `head rest` aligned with its neighbours of `key`.
    fn aligned(
        &mut self,
        key: &'static str,
        start: usize,
        parts: (String, String),
        blanks: Blanks,
    ) {
        let (head, rest) = parts;
        let mut line = Line::new(0, format!("{head}{rest}"), start, blanks);
        line.align = Some((key, head.len()));
        self.lines.push(line);
    }

    /// `calendar "Name" { entries }`
    fn calendar(&mut self, c: &Calendar, blanks: Blanks) {
        let head = format!("calendar {}", text::quote(&c.name));
        self.lines
            .push(Line::new(0, format!("{head} {{"), c.span.start, blanks));
        for (n, entry) in c.entries.iter().enumerate() {
            let (start, line) = self.entry(entry);
            let blanks = if n == 0 {
                Blanks::first_child()
            } else {
                Blanks::sibling()
            };
            self.lines.push(Line::new(INDENT, line, start, blanks));
        }
        self.close(0, c.span.end, c.entries.is_empty());
    }

    /// One calendar entry: where it starts and its text.
    fn entry(&self, entry: &CalendarEntry) -> (usize, String) {
        let kw = |pos| self.src.keyword_before(pos);
        match entry {
            CalendarEntry::SchoolYear(r) => (
                kw(r.start.span.start),
                format!("school_year {}", text::date_range(r)),
            ),
            CalendarEntry::LessonHour(n) => {
                (kw(n.span.start), format!("lesson_hour {} minutes", n.node))
            }
            CalendarEntry::Periods {
                weekdays,
                first,
                last,
                span,
            } => (
                span.start,
                format!(
                    "periods {} {} .. {}",
                    text::weekday_set(weekdays),
                    first.node,
                    last.node
                ),
            ),
            CalendarEntry::Free { name, range } => (
                kw(name.span.start),
                format!("free {} {}", text::quote(name), text::date_range(range)),
            ),
            CalendarEntry::Term { id, name, range } => (
                kw(id.span.start),
                format!(
                    "term {} {} {}",
                    id.node,
                    text::quote(name),
                    text::date_range(range)
                ),
            ),
        }
    }

    /// The `}` closing a block whose text ends at `end` (just after the `}`).
    pub fn close(&mut self, indent: usize, end: usize, empty: bool) {
        let mut line = Line::new(
            indent,
            "}".into(),
            end.saturating_sub(1),
            Blanks::close(empty),
        );
        line.comment_indent = indent + INDENT;
        self.lines.push(line);
    }

    /// `ladder id ["title"] [counts …] [per …] [for|except G] [extends B] { steps }`
    /// A ladder header holds no condition: it stays on one line.
    fn ladder(&mut self, l: &Ladder, blanks: Blanks) {
        let mut head = format!("ladder {}", l.id.node);
        push_title(&mut head, l.title.as_ref());
        let clauses = [
            l.counts.as_ref().map(text::counts),
            l.scope.as_ref().map(|s| text::scope(s)),
            l.selector.as_ref().map(text::selector),
            l.extends.as_ref().map(|b| format!("extends {}", b.node)),
        ];
        for clause in clauses.into_iter().flatten() {
            head.push(' ');
            head.push_str(&clause);
        }
        head.push_str(" {");
        self.lines.push(Line::new(0, head, l.span.start, blanks));
        for (n, step) in l.steps.iter().enumerate() {
            let blanks = if n == 0 {
                Blanks::first_child()
            } else {
                Blanks::sibling()
            };
            self.step(INDENT, step, blanks);
        }
        self.close(0, l.span.end, l.steps.is_empty());
    }

    /// `step ID ["title"] TRIGGER [scope] [repeat] [throttle] { actions }`
    fn step(&mut self, indent: usize, s: &Step, blanks: Blanks) {
        let mut head = format!("step {}", s.id.node);
        push_title(&mut head, s.title.as_ref());
        let mut clauses = vec![self.trigger(&s.trigger)];
        if let Some(scope) = &s.scope {
            clauses.push((scope.span.start, text::scope(scope)));
        }
        clauses.extend(self.repeat_throttle(s));
        self.header(indent, (s.span.start, head), clauses, blanks);
        self.actions(indent, s);
    }

    /// `rule …` / `law … source "…" …`: the header's clauses in the
    /// grammar's order, then the actions.
    fn rule(&mut self, r: &Rule, blanks: Blanks) {
        let s = &r.step;
        let mut head = format!("{} {}", if r.law { "law" } else { "rule" }, s.id.node);
        push_title(&mut head, s.title.as_ref());
        if let Some(source) = &r.source {
            head.push_str(&format!(" source {}", text::quote(source)));
        }
        let mut clauses: Vec<Clause> = Vec::new();
        if let Some(sel) = &r.selector {
            clauses.push((sel.span.start, text::selector(sel)));
        }
        if let Some(scope) = &s.scope {
            clauses.push((scope.span.start, text::scope(scope)));
        }
        clauses.push(self.trigger(&s.trigger));
        clauses.extend(self.repeat_throttle(s));
        self.header(0, (s.span.start, head), clauses, blanks);
        self.actions(0, s);
    }

    /// The actions of a step or rule at `indent` + 1 level, and its `}`.
    fn actions(&mut self, indent: usize, s: &Step) {
        for (n, a) in s.actions.iter().enumerate() {
            let blanks = if n == 0 {
                Blanks::first_child()
            } else {
                Blanks::sibling()
            };
            let line = Line::new(indent + INDENT, text::action(a), a.span.start, blanks);
            self.lines.push(line);
        }
        self.close(indent, s.span.end, s.actions.is_empty());
    }

    /// A trigger clause and where it starts (at its first keyword).
    fn trigger(&self, t: &Trigger) -> Clause {
        let kw = |pos| self.src.keyword_before(pos);
        let start = match t {
            Trigger::At { threshold, .. } => kw(threshold.span.start),
            Trigger::EveryFrom { from, .. } => kw(kw(from.span.start)),
            Trigger::EveryNth { step, .. } => kw(step.span.start),
            Trigger::Each { from, .. } => kw(from.span.start),
            Trigger::EveryRegistration(span) => span.start,
            Trigger::When(c) => kw(c.span().start),
            Trigger::On(k) => kw(k.span.start),
        };
        (start, text::trigger(t))
    }

    /// `repeat at most once per N UNIT` (either part may be absent).
    fn repeat_throttle(&self, s: &Step) -> Option<Clause> {
        let start = s
            .repeat
            .map(|r| r.start)
            .or(s.throttle.as_ref().map(|t| t.span.start))?;
        let line = text::repeat_throttle(s.repeat.is_some(), s.throttle.as_ref())?;
        Some((start, line))
    }

    /// A block header ending in ` {`: on one line when it fits in [`WIDTH`]
    /// columns, else `head` alone and each clause on a continuation line
    /// indented one level deeper.
    fn header(&mut self, indent: usize, head: Clause, clauses: Vec<Clause>, blanks: Blanks) {
        let (start, mut first) = head;
        let one_line: usize = first.chars().count()
            + clauses
                .iter()
                .map(|(_, c)| 1 + c.chars().count())
                .sum::<usize>();
        if indent + one_line + 2 <= WIDTH || clauses.is_empty() {
            for (_, c) in &clauses {
                first.push(' ');
                first.push_str(c);
            }
            first.push_str(" {");
            self.lines.push(Line::new(indent, first, start, blanks));
            return;
        }
        self.lines.push(Line::new(indent, first, start, blanks));
        let last = clauses.len().saturating_sub(1);
        for (n, (start, mut c)) in clauses.into_iter().enumerate() {
            if n == last {
                c.push_str(" {");
            }
            self.lines
                .push(Line::new(indent + INDENT, c, start, Blanks::never()));
        }
    }
}

/// ` "title"` after a header's ID, if there is one.
fn push_title(head: &mut String, title: Option<&Text>) {
    if let Some(t) = title {
        head.push(' ');
        head.push_str(&text::quote(t));
    }
}
