//! Lowering: pest pairs → [`ast::File`], one small function per grammar rule.
//!
//! Each function takes the pair of its rule, walks the children it cares
//! about by rule (keyword and punctuation pairs are skipped) and returns the
//! AST node with spans. Lowering fails only on literals that cannot be
//! represented (a time `25:00`, a too large number, …) and on parse trees it
//! does not expect (a bug, reported as `verzuim::syntax::internal`).

mod action;
mod expr;
mod lit;
mod test_file;
#[cfg(test)]
mod tests;

pub(crate) use test_file::test_file;

use super::ast::*;
use super::error::SyntaxError;
use super::grammar::Rule;
use crate::span::{Span, Spanned};
use lit::{date_range, ident, integer, need, span, text, weekday};

/// A pest pair of our grammar.
pub(crate) type Pair<'i> = pest::iterators::Pair<'i, Rule>;
/// The result of lowering one node.
pub(crate) type Result<T> = std::result::Result<T, SyntaxError>;

/// Lowers the children of a `file` pair. Items that fail to lower are left
/// out and their errors collected.
pub(crate) fn file(
    pair: Pair<'_>,
    comments: Vec<Spanned<String>>,
) -> std::result::Result<File, Vec<SyntaxError>> {
    let mut items = Vec::new();
    let mut errors = Vec::new();
    for p in pair.into_inner() {
        match item(p) {
            Ok(Some(i)) => items.push(i),
            Ok(None) => {}
            Err(e) => errors.push(e),
        }
    }
    if errors.is_empty() {
        Ok(File { items, comments })
    } else {
        Err(errors)
    }
}

/// One top-level declaration (`None` for `EOI`).
fn item(p: Pair<'_>) -> Result<Option<Item>> {
    Ok(Some(match p.as_rule() {
        Rule::policy => Item::Policy(policy(p)?),
        Rule::use_calendar => Item::UseCalendar(first_text(p)?),
        Rule::calendar => Item::Calendar(calendar(p)?),
        Rule::role => Item::Role(role(p)?),
        Rule::event => Item::Event(event(p)?),
        Rule::ignore => Item::Ignore(ignore(p)?),
        Rule::signal => Item::Signal(signal(p)?),
        Rule::group => Item::Group(group(p)?),
        Rule::reclassify => Item::Reclassify(reclassify(p)?),
        Rule::exemption => Item::Exemption(exemption(p)?),
        Rule::ladder => Item::Ladder(ladder(p)?),
        Rule::precedence => Item::Precedence(precedence(p)),
        Rule::rule | Rule::law => Item::Rule(rule(p)?),
        Rule::EOI => return Ok(None),
        r => return Err(unexpected_pair(r, span(&p))),
    }))
}

/// An internal error for a pair lowering does not expect.
pub(crate) fn unexpected_pair(r: Rule, at: Span) -> SyntaxError {
    SyntaxError::internal(format!("unexpected {r:?}"), at)
}

/// The first string child of `p`.
fn first_text(p: Pair<'_>) -> Result<Text> {
    let at = span(&p);
    let s = p.into_inner().find(|c| c.as_rule() == Rule::string);
    text(&need(s, "text", at)?)
}

/// The first child of `p` with rule `rule`, as an identifier.
pub(crate) fn first_ident(p: Pair<'_>, r: Rule) -> Result<Ident> {
    let at = span(&p);
    let c = p.into_inner().find(|c| c.as_rule() == r);
    Ok(ident(&need(c, "name", at)?))
}

/// `policy "Name" school "MLG" school_year 2022-2023`
fn policy(p: Pair<'_>) -> Result<PolicyHeader> {
    let at = span(&p);
    let mut texts = Vec::new();
    let mut year = None;
    for c in p.into_inner() {
        match c.as_rule() {
            Rule::string => texts.push(text(&c)?),
            Rule::year_range => year = Some(lit::year_range(&c)?),
            _ => {}
        }
    }
    let mut texts = texts.into_iter();
    Ok(PolicyHeader {
        name: need(texts.next(), "policy name", at)?,
        school: need(texts.next(), "school", at)?,
        school_year: need(year, "school year", at)?,
        span: at,
    })
}

/// `calendar "Name" { … }`
fn calendar(p: Pair<'_>) -> Result<Calendar> {
    let at = span(&p);
    let mut name = None;
    let mut entries = Vec::new();
    for c in p.into_inner() {
        match c.as_rule() {
            Rule::string => name = Some(text(&c)?),
            Rule::cal_school_year => entries.push(CalendarEntry::SchoolYear(child_range(c)?)),
            Rule::cal_lesson_hour => {
                let n = c.into_inner().find(|c| c.as_rule() == Rule::integer);
                entries.push(CalendarEntry::LessonHour(integer(&need(
                    n, "minutes", at,
                )?)?));
            }
            Rule::cal_periods => entries.push(periods(c)?),
            Rule::cal_free => entries.push(free(c)?),
            Rule::cal_term => entries.push(term(c)?),
            _ => {}
        }
    }
    Ok(Calendar {
        name: need(name, "calendar name", at)?,
        entries,
        span: at,
    })
}

/// The `date_range` child of `p`.
fn child_range(p: Pair<'_>) -> Result<DateRange> {
    let at = span(&p);
    let r = p.into_inner().find(|c| c.as_rule() == Rule::date_range);
    date_range(&need(r, "date range", at)?)
}

/// `periods monday .. friday 1 .. 8`
fn periods(p: Pair<'_>) -> Result<CalendarEntry> {
    let at = span(&p);
    let mut weekdays = Vec::new();
    let mut numbers = Vec::new();
    for c in p.into_inner() {
        match c.as_rule() {
            Rule::weekday_set => weekdays = weekday_set(c)?,
            Rule::integer => numbers.push(integer(&c)?),
            _ => {}
        }
    }
    let mut numbers = numbers.into_iter();
    Ok(CalendarEntry::Periods {
        weekdays,
        first: need(numbers.next(), "first period", at)?,
        last: need(numbers.next(), "last period", at)?,
        span: at,
    })
}

/// `monday .. friday` (expanded), `monday, wednesday` or `monday`.
fn weekday_set(p: Pair<'_>) -> Result<Vec<Spanned<chrono::Weekday>>> {
    let at = span(&p);
    let mut days = Vec::new();
    let mut range = false;
    for c in p.into_inner() {
        match c.as_rule() {
            Rule::weekday => days.push(weekday(&c)?),
            Rule::dotdot => range = true,
            _ => {}
        }
    }
    match (range, days.as_slice()) {
        (true, [from, to]) => lit::weekday_range(*from, *to, at),
        _ => Ok(days),
    }
}

/// `free "Herfstvakantie" 2022-10-15 .. 2022-10-23`
fn free(p: Pair<'_>) -> Result<CalendarEntry> {
    let at = span(&p);
    let mut name = None;
    let mut range = None;
    for c in p.into_inner() {
        match c.as_rule() {
            Rule::string => name = Some(text(&c)?),
            Rule::date_range => range = Some(date_range(&c)?),
            _ => {}
        }
    }
    Ok(CalendarEntry::Free {
        name: need(name, "name", at)?,
        range: need(range, "date range", at)?,
    })
}

/// `term t1 "Periode 1" 2022-08-29 .. 2022-11-18`
fn term(p: Pair<'_>) -> Result<CalendarEntry> {
    let at = span(&p);
    let (mut id, mut name, mut range) = (None, None, None);
    for c in p.into_inner() {
        match c.as_rule() {
            Rule::ident => id = Some(ident(&c)),
            Rule::string => name = Some(text(&c)?),
            Rule::date_range => range = Some(date_range(&c)?),
            _ => {}
        }
    }
    Ok(CalendarEntry::Term {
        id: need(id, "term ID", at)?,
        name: need(name, "name", at)?,
        range: need(range, "date range", at)?,
    })
}

/// `role vc "Verzuimcoördinator"`
fn role(p: Pair<'_>) -> Result<Role> {
    let at = span(&p);
    let (mut id, mut name) = (None, None);
    for c in p.into_inner() {
        match c.as_rule() {
            Rule::ident => id = Some(ident(&c)),
            Rule::string => name = Some(text(&c)?),
            _ => {}
        }
    }
    Ok(Role {
        id: need(id, "role ID", at)?,
        name: need(name, "name", at)?,
        span: at,
    })
}

/// `event late "Te laat" unauthorized codes "L", "T" authorized`
fn event(p: Pair<'_>) -> Result<Event> {
    let at = span(&p);
    let (mut id, mut name, mut auth) = (None, None, None);
    let mut codes = Vec::new();
    for c in p.into_inner() {
        match c.as_rule() {
            Rule::ident => id = Some(ident(&c)),
            Rule::string => name = Some(text(&c)?),
            Rule::authorization => auth = Some(lit::authorization(&c)?),
            Rule::event_code => codes.push(event_code(c)?),
            _ => {}
        }
    }
    Ok(Event {
        id: need(id, "event ID", at)?,
        name: need(name, "name", at)?,
        authorization: need(auth, "authorization", at)?,
        codes,
        span: at,
    })
}

/// `"T" authorized` or `"T"`.
fn event_code(p: Pair<'_>) -> Result<(Text, Option<Spanned<Authorization>>)> {
    let at = span(&p);
    let (mut code, mut auth) = (None, None);
    for c in p.into_inner() {
        match c.as_rule() {
            Rule::string => code = Some(text(&c)?),
            Rule::authorization => auth = Some(lit::authorization(&c)?),
            _ => {}
        }
    }
    Ok((need(code, "code", at)?, auth))
}

/// The strings of a `code_list` pair.
fn code_list(p: Pair<'_>) -> Result<Vec<Text>> {
    p.into_inner()
        .filter(|c| c.as_rule() == Rule::string)
        .map(|c| text(&c))
        .collect()
}

/// `ignore ["reason"] codes "HV", "BV"`
fn ignore(p: Pair<'_>) -> Result<Ignore> {
    let at = span(&p);
    let (mut reason, mut codes) = (None, Vec::new());
    for c in p.into_inner() {
        match c.as_rule() {
            Rule::string => reason = Some(text(&c)?),
            Rule::code_list => codes = code_list(c)?,
            _ => {}
        }
    }
    Ok(Ignore {
        reason,
        codes,
        span: at,
    })
}

/// `signal id "name" [codes "X", …]`
fn signal(p: Pair<'_>) -> Result<Signal> {
    let at = span(&p);
    let (mut id, mut name, mut codes) = (None, None, Vec::new());
    for c in p.into_inner() {
        match c.as_rule() {
            Rule::ident => id = Some(ident(&c)),
            Rule::string => name = Some(text(&c)?),
            Rule::code_list => codes = code_list(c)?,
            _ => {}
        }
    }
    Ok(Signal {
        id: need(id, "signal ID", at)?,
        name: need(name, "name", at)?,
        codes,
        span: at,
    })
}

/// `group id "name" [where ATTR OP VALUE [and …]]`
fn group(p: Pair<'_>) -> Result<Group> {
    let at = span(&p);
    let (mut id, mut name, mut conditions) = (None, None, Vec::new());
    for c in p.into_inner() {
        match c.as_rule() {
            Rule::ident => id = Some(ident(&c)),
            Rule::string => name = Some(text(&c)?),
            Rule::attr_cond => conditions.push(expr::attr_cond(c)?),
            _ => {}
        }
    }
    Ok(Group {
        id: need(id, "group ID", at)?,
        name: need(name, "name", at)?,
        conditions,
        span: at,
    })
}

/// `reclassify late where minutes > 20 as truancy instead`
fn reclassify(p: Pair<'_>) -> Result<Reclassify> {
    let at = span(&p);
    let (mut kinds, mut filter, mut mode) = (Vec::new(), Vec::new(), None);
    for c in p.into_inner() {
        match c.as_rule() {
            Rule::kind_name => kinds.push(ident(&c)),
            Rule::where_filters => filter = expr::where_filters(c)?,
            Rule::reclassify_mode => mode = Some(lit::reclassify_mode(&c)?),
            _ => {}
        }
    }
    let mut kinds = kinds.into_iter();
    Ok(Reclassify {
        from: need(kinds.next(), "kind", at)?,
        filter,
        to: need(kinds.next(), "target kind", at)?,
        mode: need(mode, "mode", at)?,
        span: at,
    })
}

/// `exemption id "name" excludes sick, ladder late [from signal a until signal b]`
fn exemption(p: Pair<'_>) -> Result<Exemption> {
    let at = span(&p);
    let (mut id, mut name) = (None, None);
    let (mut excludes, mut from_signal, mut until_signal) = (Vec::new(), None, None);
    for c in p.into_inner() {
        match c.as_rule() {
            Rule::ident => id = Some(ident(&c)),
            Rule::string => name = Some(text(&c)?),
            Rule::exempt_target => excludes.push(exempt_target(c)?),
            Rule::from_signal => from_signal = Some(first_ident(c, Rule::kind_name)?),
            Rule::until_signal => until_signal = Some(first_ident(c, Rule::kind_name)?),
            _ => {}
        }
    }
    Ok(Exemption {
        id: need(id, "exemption ID", at)?,
        name: need(name, "name", at)?,
        excludes,
        from_signal,
        until_signal,
        span: at,
    })
}

/// `sick` or `ladder late`.
fn exempt_target(p: Pair<'_>) -> Result<ExemptTarget> {
    let at = span(&p);
    let mut target = None;
    for c in p.into_inner() {
        match c.as_rule() {
            Rule::kind_name => target = Some(ExemptTarget::Kind(ident(&c))),
            Rule::ident => target = Some(ExemptTarget::Ladder(ident(&c))),
            _ => {}
        }
    }
    need(target, "exemption target", at)
}

/// `ladder id ["title"] [counts …] [per …] [for G | except G] [extends ID] { steps }`
fn ladder(p: Pair<'_>) -> Result<Ladder> {
    let at = span(&p);
    let (mut id, mut title, mut counts, mut scope) = (None, None, None, None);
    let (mut selector, mut extends, mut steps) = (None, None, Vec::new());
    for c in p.into_inner() {
        match c.as_rule() {
            Rule::ident => id = Some(ident(&c)),
            Rule::string => title = Some(text(&c)?),
            Rule::counts_clause => counts = Some(counts_clause(c)?),
            Rule::scope => scope = Some(self::scope(c)?),
            Rule::selector => selector = Some(self::selector(c)?),
            Rule::extends_clause => extends = Some(first_ident(c, Rule::ident)?),
            Rule::step => steps.push(step(c)?),
            _ => {}
        }
    }
    Ok(Ladder {
        id: need(id, "ladder ID", at)?,
        title,
        counts,
        scope,
        selector,
        extends,
        steps,
        span: at,
    })
}

/// `precedence A, B, C`
fn precedence(p: Pair<'_>) -> Precedence {
    let at = span(&p);
    let ladders = p
        .into_inner()
        .filter(|c| c.as_rule() == Rule::ident)
        .map(|c| ident(&c))
        .collect();
    Precedence { ladders, span: at }
}

/// `counts late` (= `count(late)`) or `counts FN(KIND …)`.
fn counts_clause(p: Pair<'_>) -> Result<Measure> {
    let at = span(&p);
    for c in p.into_inner() {
        match c.as_rule() {
            Rule::measure => return expr::measure(c),
            Rule::kind_name => {
                let kind = ident(&c);
                return Ok(Measure {
                    func: Spanned::new(MeasureFn::Count, kind.span),
                    kind,
                    filter: Vec::new(),
                    same_weekday: None,
                    window: None,
                    span: span(&c),
                });
            }
            _ => {}
        }
    }
    Err(SyntaxError::internal("counts without a measure", at))
}

/// `for G` / `except G`.
fn selector(p: Pair<'_>) -> Result<Selector> {
    let at = span(&p);
    let mut except = false;
    let mut group = None;
    for c in p.into_inner() {
        match c.as_rule() {
            Rule::kw_except => except = true,
            Rule::group_name => group = Some(ident(&c)),
            _ => {}
        }
    }
    Ok(Selector {
        except,
        group: need(group, "group", at)?,
        span: at,
    })
}

/// `per school_year|term ID|month|school_week` or `since last ID`.
fn scope(p: Pair<'_>) -> Result<Spanned<Scope>> {
    let at = span(&p);
    let mut found = None;
    for c in p.into_inner().flat_map(|c| c.into_inner()) {
        found = match c.as_rule() {
            Rule::kw_school_year => Some(Scope::SchoolYear),
            Rule::kw_month => Some(Scope::Month),
            Rule::kw_school_week => Some(Scope::SchoolWeek),
            Rule::kw_term => Some(Scope::Term(Spanned::new(String::new(), span(&c)))),
            Rule::ident => match found {
                Some(Scope::Term(_)) => Some(Scope::Term(ident(&c))),
                _ => Some(Scope::SinceLast(ident(&c))),
            },
            _ => found,
        };
    }
    Ok(Spanned::new(need(found, "scope", at)?, at))
}

/// `at most once per N days|school_days`.
fn throttle(p: Pair<'_>) -> Result<Throttle> {
    let at = span(&p);
    let (mut amount, mut unit) = (None, None);
    for c in p.into_inner() {
        match c.as_rule() {
            Rule::integer => amount = Some(integer(&c)?),
            Rule::day_unit => unit = Some(lit::day_unit(&c)?),
            _ => {}
        }
    }
    Ok(Throttle {
        amount: need(amount, "amount", at)?,
        unit: need(unit, "unit", at)?,
        span: at,
    })
}

/// The parts a step and a rule share, filled child by child.
#[derive(Default)]
struct StepParts {
    /// `step`, `rule` or `law`, for messages.
    what: &'static str,
    id: Option<Ident>,
    title: Option<Text>,
    trigger: Option<Trigger>,
    scope: Option<Spanned<Scope>>,
    /// The scope as written (`per month`), for a second scope's message.
    scope_text: String,
    repeat: Option<Span>,
    throttle: Option<Throttle>,
    actions: Vec<Action>,
    source: Option<Text>,
    selector: Option<Selector>,
}

impl StepParts {
    /// Takes one child of a `step`, `rule` or `law` pair.
    fn take(&mut self, c: Pair<'_>) -> Result<()> {
        match c.as_rule() {
            Rule::ident => self.id = Some(ident(&c)),
            Rule::string => self.title = Some(text(&c)?),
            Rule::scope => {
                // The grammar allows a scope before and after the trigger,
                // so that both orders read naturally; only one may be given.
                if self.scope.is_some() {
                    return Err(self.second_scope(&c));
                }
                self.scope_text = c.as_str().to_string();
                self.scope = Some(scope(c)?);
            }
            Rule::repeat => self.repeat = Some(span(&c)),
            Rule::throttle => self.throttle = Some(throttle(c)?),
            Rule::block => self.actions = action::block(c)?,
            Rule::source => self.source = Some(first_text(c)?),
            Rule::selector => self.selector = Some(selector(c)?),
            Rule::trig_at
            | Rule::trig_every_registration
            | Rule::trig_every_from
            | Rule::trig_every_nth
            | Rule::trig_each
            | Rule::trig_when
            | Rule::trig_on => self.trigger = Some(expr::trigger(c)?),
            _ => {}
        }
        Ok(())
    }

    /// A second scope clause, `c`, after the one already taken.
    fn second_scope(&self, c: &Pair<'_>) -> SyntaxError {
        SyntaxError::Unexpected {
            expected: "at most one scope".to_string(),
            found: format!("a second scope `{}`", c.as_str()),
            span: span(c),
            label: "second scope".to_string(),
            help: format!(
                "a {} has one scope, written before or after its trigger: remove `{}` or this one",
                self.what, self.scope_text
            ),
        }
    }

    /// The finished step.
    fn finish(self, at: Span) -> Result<Step> {
        Ok(Step {
            id: need(self.id, "step ID", at)?,
            title: self.title,
            trigger: need(self.trigger, "trigger", at)?,
            scope: self.scope,
            repeat: self.repeat,
            throttle: self.throttle,
            actions: self.actions,
            span: at,
        })
    }
}

/// `step ID ["title"] [scope] TRIGGER [scope] [repeat] [throttle] { actions }`
fn step(p: Pair<'_>) -> Result<Step> {
    let at = span(&p);
    let mut parts = StepParts {
        what: "step",
        ..StepParts::default()
    };
    for c in p.into_inner() {
        parts.take(c)?;
    }
    parts.finish(at)
}

/// `rule …` or `law … source "…" …`; the body is kept as a [`Step`].
fn rule(p: Pair<'_>) -> Result<Rule_> {
    let at = span(&p);
    let law = p.as_rule() == Rule::law;
    let mut parts = StepParts {
        what: if law { "law" } else { "rule" },
        ..StepParts::default()
    };
    for c in p.into_inner() {
        parts.take(c)?;
    }
    let source = parts.source.take();
    let selector = parts.selector.take();
    Ok(Rule_ {
        law,
        source,
        selector,
        step: parts.finish(at)?,
    })
}

/// The AST's `Rule` (named apart from pest's `Rule` enum of grammar rules).
type Rule_ = super::ast::Rule;
