//! Lowering of triggers, conditions, measures and filters.

use super::lit::{self, ident, integer, need, number, span, text, weekday};
use super::{Pair, Result, first_ident, unexpected_pair};
use crate::span::{Span, Spanned};
use crate::syntax::ast::*;
use crate::syntax::error::SyntaxError;
use crate::syntax::grammar::Rule;

/// A step or rule trigger (`trig_*` pairs).
pub(crate) fn trigger(p: Pair<'_>) -> Result<Trigger> {
    let at = span(&p);
    let which = p.as_rule();
    let mut numbers = Vec::new();
    let (mut ordinal, mut junction, mut cond, mut on) = (None, None, None, None);
    for c in p.into_inner() {
        match c.as_rule() {
            Rule::number => numbers.push(number(&c)?),
            Rule::ordinal => ordinal = Some(lit::ordinal(&c)?),
            Rule::junction => junction = Some(lit::junction(&c)?),
            Rule::cond => cond = Some(self::cond(c)?),
            Rule::kind_name => on = Some(ident(&c)),
            _ => {}
        }
    }
    let mut numbers = numbers.into_iter();
    let mut num = |what| need(numbers.next(), what, at);
    Ok(match which {
        Rule::trig_at => Trigger::At {
            threshold: num("threshold")?,
            extra: match (junction, cond) {
                (Some(j), Some(c)) => Some((j, c)),
                _ => None,
            },
        },
        Rule::trig_every_registration => Trigger::EveryRegistration(at),
        Rule::trig_every_from => Trigger::EveryFrom {
            from: num("start")?,
            when: cond,
        },
        Rule::trig_every_nth => Trigger::EveryNth {
            step: need(ordinal, "ordinal", at)?,
            from: num("start")?,
            when: cond,
        },
        Rule::trig_each => Trigger::Each {
            from: num("first count")?,
            to: num("last count")?,
            when: cond,
        },
        Rule::trig_when => Trigger::When(need(cond, "condition", at)?),
        Rule::trig_on => Trigger::On(need(on, "signal", at)?),
        r => return Err(unexpected_pair(r, at)),
    })
}

/// `a or b or …` (a single operand is returned as is).
pub(crate) fn cond(p: Pair<'_>) -> Result<Cond> {
    let at = span(&p);
    let mut parts: Vec<Cond> = p
        .into_inner()
        .filter(|c| c.as_rule() == Rule::conj)
        .map(conj)
        .collect::<Result<_>>()?;
    if parts.len() == 1 {
        return need(parts.pop(), "condition", at);
    }
    Ok(Cond::Or(parts, at))
}

/// `a and b and …` (a single operand is returned as is).
fn conj(p: Pair<'_>) -> Result<Cond> {
    let at = span(&p);
    let mut parts: Vec<Cond> = p
        .into_inner()
        .filter(|c| c.as_rule() == Rule::neg)
        .map(neg)
        .collect::<Result<_>>()?;
    if parts.len() == 1 {
        return need(parts.pop(), "condition", at);
    }
    Ok(Cond::And(parts, at))
}

/// `not a`, `( a )`, `fired(X)`, `no X …` or a comparison.
fn neg(p: Pair<'_>) -> Result<Cond> {
    let at = span(&p);
    let mut negated = false;
    for c in p.into_inner() {
        let inner = match c.as_rule() {
            Rule::kw_not => {
                negated = true;
                continue;
            }
            Rule::neg => neg(c)?,
            Rule::cond => cond(c)?,
            Rule::fired => Cond::Fired(first_ident(c, Rule::ident)?, at),
            Rule::no_within => Cond::NoWithin(no_within(c)?),
            Rule::comparison => Cond::Compare(comparison(c)?),
            _ => continue,
        };
        return Ok(if negated {
            Cond::Not(Box::new(inner), at)
        } else {
            inner
        });
    }
    Err(SyntaxError::internal("an empty condition", at))
}

/// `MEASURE OP (MEASURE | NUMBER [UNIT])`
fn comparison(p: Pair<'_>) -> Result<Comparison> {
    let at = span(&p);
    let (mut measures, mut op, mut literal) = (Vec::new(), None, None);
    for c in p.into_inner() {
        match c.as_rule() {
            Rule::measure => measures.push(measure(c)?),
            Rule::cmp_op => op = Some(lit::cmp_op(&c)?),
            Rule::literal => literal = Some(self::literal(c)?),
            _ => {}
        }
    }
    let mut measures = measures.into_iter();
    let left = need(measures.next(), "measure", at)?;
    let right = match (literal, measures.next()) {
        (Some(l), _) => l,
        (None, Some(m)) => Operand::Measure(m),
        (None, None) => return Err(SyntaxError::internal("missing right operand", at)),
    };
    Ok(Comparison {
        left,
        op: need(op, "operator", at)?,
        right,
        span: at,
    })
}

/// `5`, `3 school_days`, `10%`.
fn literal(p: Pair<'_>) -> Result<Operand> {
    let at = span(&p);
    let (mut value, mut unit) = (None, None);
    for c in p.into_inner() {
        match c.as_rule() {
            Rule::number => value = Some(number(&c)?),
            Rule::unit => unit = Some(lit::unit(&c)?),
            _ => {}
        }
    }
    Ok(Operand::Literal {
        value: need(value, "number", at)?,
        unit,
    })
}

/// `FN(KIND [where …]) [on same weekday] [within N UNIT]`
pub(crate) fn measure(p: Pair<'_>) -> Result<Measure> {
    let at = span(&p);
    let (mut func, mut kind, mut filter) = (None, None, Vec::new());
    let (mut same_weekday, mut window) = (None, None);
    for c in p.into_inner() {
        match c.as_rule() {
            Rule::measure_fn => func = Some(lit::measure_fn(&c)?),
            Rule::kind_name => kind = Some(ident(&c)),
            Rule::where_filters => filter = where_filters(c)?,
            Rule::same_weekday => same_weekday = Some(span(&c)),
            Rule::window => window = Some(self::window(c)?),
            _ => {}
        }
    }
    Ok(Measure {
        func: need(func, "measure function", at)?,
        kind: need(kind, "event kind", at)?,
        filter,
        same_weekday,
        window,
        span: at,
    })
}

/// `within N days|school_days|school_weeks`
fn window(p: Pair<'_>) -> Result<Window> {
    let at = span(&p);
    let (mut amount, mut unit) = (None, None);
    for c in p.into_inner() {
        match c.as_rule() {
            Rule::integer => amount = Some(integer(&c)?),
            Rule::window_unit => unit = Some(lit::window_unit(&c)?),
            _ => {}
        }
    }
    Ok(Window {
        amount: need(amount, "amount", at)?,
        unit: need(unit, "unit", at)?,
        span: at,
    })
}

/// `no X [deadline] after Y [where …]`
fn no_within(p: Pair<'_>) -> Result<NoWithin> {
    let at = span(&p);
    let (mut kinds, mut deadline, mut after_filter) = (Vec::new(), None, Vec::new());
    for c in p.into_inner() {
        match c.as_rule() {
            Rule::kind_name => kinds.push(ident(&c)),
            Rule::deadline => deadline = Some(self::deadline(c)?),
            Rule::where_filters => after_filter = where_filters(c)?,
            _ => {}
        }
    }
    let mut kinds = kinds.into_iter();
    Ok(NoWithin {
        expected: need(kinds.next(), "expected kind", at)?,
        deadline,
        after: need(kinds.next(), "after kind", at)?,
        after_filter,
        span: at,
    })
}

/// `within N school_days|days` or `by end of school_week`.
fn deadline(p: Pair<'_>) -> Result<Deadline> {
    let at = span(&p);
    let (mut amount, mut unit) = (None, None);
    for c in p.into_inner() {
        match c.as_rule() {
            Rule::integer => amount = Some(integer(&c)?),
            Rule::day_unit => unit = Some(lit::day_unit(&c)?),
            Rule::kw_by => return Ok(Deadline::EndOfSchoolWeek(at)),
            _ => {}
        }
    }
    Ok(Deadline::Within(
        need(amount, "amount", at)?,
        need(unit, "unit", at)?,
    ))
}

/// `where FILTER [and FILTER …]`
pub(crate) fn where_filters(p: Pair<'_>) -> Result<Vec<Filter>> {
    p.into_inner()
        .filter(|c| !matches!(c.as_rule(), Rule::kw_where | Rule::kw_and))
        .map(filter)
        .collect()
}

/// One filter.
fn filter(p: Pair<'_>) -> Result<Filter> {
    let at = span(&p);
    Ok(match p.as_rule() {
        Rule::authorization => Filter::Authorization(lit::authorization(&p)?),
        Rule::filter_code => Filter::Code(
            p.into_inner()
                .filter(|c| c.as_rule() == Rule::string)
                .map(|c| text(&c))
                .collect::<Result<_>>()?,
            at,
        ),
        Rule::filter_weekday => Filter::Weekday(
            p.into_inner()
                .filter(|c| c.as_rule() == Rule::weekday)
                .map(|c| weekday(&c))
                .collect::<Result<_>>()?,
            at,
        ),
        Rule::filter_period => Filter::Period(child_num_filter(p)?),
        Rule::filter_minutes => Filter::Minutes(child_num_filter(p)?),
        r => return Err(unexpected_pair(r, at)),
    })
}

/// The `num_filter` child of `period …` / `minutes …`.
fn child_num_filter(p: Pair<'_>) -> Result<NumFilter> {
    let at = span(&p);
    let c = p.into_inner().find(|c| c.as_rule() == Rule::num_filter);
    num_filter(need(c, "numeric filter", at)?)
}

/// `OP N` or `in A .. B`.
fn num_filter(p: Pair<'_>) -> Result<NumFilter> {
    let at = span(&p);
    let (mut op, mut numbers) = (None, Vec::new());
    for c in p.into_inner() {
        match c.as_rule() {
            Rule::cmp_op => op = Some(lit::cmp_op(&c)?),
            Rule::integer => numbers.push(integer(&c)?),
            _ => {}
        }
    }
    let mut numbers = numbers.into_iter();
    let first = need(numbers.next(), "number", at)?;
    Ok(match op {
        Some(op) => NumFilter::Cmp(op, first, at),
        None => NumFilter::Range(first, need(numbers.next(), "range end", at)?, at),
    })
}

/// `age < 18`, `grade = "4"`, `location in "Noord", "Zuid"`.
pub(crate) fn attr_cond(p: Pair<'_>) -> Result<AttrCond> {
    let at = span(&p);
    let (mut attr, mut op, mut values) = (None, None, Vec::new());
    for c in p.into_inner() {
        match c.as_rule() {
            Rule::attr => attr = Some(lit::attr(&c)?),
            Rule::cmp_op => op = Some(lit::cmp_op(&c)?),
            Rule::kw_in => op = Some(Spanned::new(CmpOp::Eq, span(&c))),
            Rule::attr_value => values.push(attr_value(c)?),
            _ => {}
        }
    }
    Ok(AttrCond {
        attr: need(attr, "attribute", at)?,
        op: need(op, "operator", at)?,
        values,
        span: at,
    })
}

/// A number or a string in a group condition.
fn attr_value(p: Pair<'_>) -> Result<Spanned<AttrValue>> {
    let at = span(&p);
    let c = need(p.into_inner().next(), "value", at)?;
    Ok(match c.as_rule() {
        Rule::integer => {
            let n = integer(&c)?;
            Spanned::new(AttrValue::Number(n.node), n.span)
        }
        Rule::string => {
            let t = text(&c)?;
            Spanned::new(AttrValue::Text(t.node), t.span)
        }
        r => return Err(unexpected_pair(r, Span::new(at.start, at.end))),
    })
}
