//! Lowering of literals and names: texts, numbers, dates, times, weekdays
//! and the small keyword sets (units, operators, markings).

use super::{Pair, Result};
use crate::span::{Span, Spanned};
use crate::syntax::ast::*;
use crate::syntax::error::SyntaxError;
use crate::syntax::grammar::Rule;
use chrono::{NaiveDate, NaiveTime, Weekday};

/// The span of a pair.
pub(crate) fn span(p: &Pair<'_>) -> Span {
    p.as_span().into()
}

/// `o`, or an internal error naming the missing `what`.
pub(crate) fn need<T>(o: Option<T>, what: &str, at: Span) -> Result<T> {
    o.ok_or_else(|| SyntaxError::internal(format!("missing {what}"), at))
}

/// An identifier-like pair as written.
pub(crate) fn ident(p: &Pair<'_>) -> Ident {
    Spanned::new(p.as_str().to_string(), span(p))
}

/// A `string` or `action_text` pair: quotes removed, escapes resolved.
pub(crate) fn text(p: &Pair<'_>) -> Result<Text> {
    let at = span(p);
    let raw = p
        .as_str()
        .strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .ok_or_else(|| SyntaxError::internal("a text without quotes", at))?;
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.char_indices();
    while let Some((i, c)) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some((_, e @ ('"' | '\\'))) => out.push(e),
            Some((j, e)) => {
                let start = at.start + 1 + i;
                return Err(SyntaxError::InvalidEscape {
                    escape: format!("\\{e}"),
                    span: Span::new(start, at.start + 1 + j + e.len_utf8()),
                });
            }
            None => return Err(SyntaxError::internal("a text ending in `\\`", at)),
        }
    }
    Ok(Spanned::new(out, at))
}

/// A whole number that fits in `u32`.
pub(crate) fn integer(p: &Pair<'_>) -> Result<Spanned<u32>> {
    let at = span(p);
    let n = p
        .as_str()
        .parse::<u32>()
        .map_err(|_| SyntaxError::NumberTooLarge {
            found: p.as_str().to_string(),
            span: at,
        })?;
    Ok(Spanned::new(n, at))
}

/// The leading digits of an ordinal (`2nd` → 2), which must carry their
/// English suffix (`1st`, `2nd`, `3rd`, `4th`, `11th`, `21st`, …).
pub(crate) fn ordinal(p: &Pair<'_>) -> Result<Spanned<u32>> {
    let at = span(p);
    let raw = p.as_str();
    let digits: String = raw.chars().take_while(char::is_ascii_digit).collect();
    let n = digits
        .parse::<u32>()
        .map_err(|_| SyntaxError::NumberTooLarge {
            found: raw.to_string(),
            span: at,
        })?;
    let right = ordinal_suffix(n);
    if raw.get(digits.len()..) != Some(right) {
        return Err(SyntaxError::Unexpected {
            expected: format!("`{digits}{right}`"),
            found: format!("`{raw}`"),
            span: at,
            label: "wrong suffix".to_string(),
            help: format!("write `{digits}{right}`"),
        });
    }
    Ok(Spanned::new(n, at))
}

/// A number kept exactly in hundredths (`16` → 1600, `0.5` → 50).
pub(crate) fn number(p: &Pair<'_>) -> Result<Spanned<Number>> {
    let at = span(p);
    let raw = p.as_str();
    let (whole, frac) = raw.split_once('.').unwrap_or((raw, ""));
    if frac.len() > 2 {
        return Err(SyntaxError::TooManyDecimals {
            found: raw.to_string(),
            span: at,
        });
    }
    let too_large = || SyntaxError::NumberTooLarge {
        found: raw.to_string(),
        span: at,
    };
    let whole: i64 = whole.parse().map_err(|_| too_large())?;
    let frac: i64 = if frac.is_empty() {
        0
    } else {
        format!("{frac:0<2}").parse().map_err(|_| too_large())?
    };
    let hundredths = whole
        .checked_mul(100)
        .and_then(|w| w.checked_add(frac))
        .ok_or_else(too_large)?;
    Ok(Spanned::new(Number { hundredths }, at))
}

/// A `YYYY-MM-DD` date; an impossible one is kept as [`DateLit::Invalid`].
pub(crate) fn date(p: &Pair<'_>) -> Spanned<DateLit> {
    let raw = p.as_str();
    let lit = match NaiveDate::parse_from_str(raw, "%Y-%m-%d") {
        Ok(d) => DateLit::Valid(d),
        Err(_) => DateLit::Invalid(raw.to_string()),
    };
    Spanned::new(lit, span(p))
}

/// `a .. b` or a single date `a` (then `end == start`). The span runs from
/// the first date to the last: pest's span of a single date would also take
/// the whitespace and comments after it (the skipped `(.. date)?`).
pub(crate) fn date_range(p: &Pair<'_>) -> Result<DateRange> {
    let at = span(p);
    let dates: Vec<_> = p
        .clone()
        .into_inner()
        .filter(|c| c.as_rule() == Rule::date)
        .map(|c| date(&c))
        .collect();
    let start = need(dates.first().cloned(), "start date", at)?;
    let end = dates.get(1).cloned().unwrap_or_else(|| start.clone());
    let span = start.span.join(end.span);
    Ok(DateRange { start, end, span })
}

/// `2022-2023` → `(2022, 2023)`.
pub(crate) fn year_range(p: &Pair<'_>) -> Result<Spanned<(i32, i32)>> {
    let at = span(p);
    let parse = |s: &str| s.parse::<i32>().ok();
    let years = p
        .as_str()
        .split_once('-')
        .and_then(|(a, b)| Some((parse(a)?, parse(b)?)));
    Ok(Spanned::new(need(years, "years", at)?, at))
}

/// `HH:MM`.
pub(crate) fn time(p: &Pair<'_>) -> Result<Spanned<NaiveTime>> {
    let at = span(p);
    let t =
        NaiveTime::parse_from_str(p.as_str(), "%H:%M").map_err(|_| SyntaxError::InvalidTime {
            found: p.as_str().to_string(),
            span: at,
        })?;
    Ok(Spanned::new(t, at))
}

/// `monday` … `sunday`.
pub(crate) fn weekday(p: &Pair<'_>) -> Result<Spanned<Weekday>> {
    let at = span(p);
    let day = match p.as_str() {
        "monday" => Weekday::Mon,
        "tuesday" => Weekday::Tue,
        "wednesday" => Weekday::Wed,
        "thursday" => Weekday::Thu,
        "friday" => Weekday::Fri,
        "saturday" => Weekday::Sat,
        "sunday" => Weekday::Sun,
        other => return Err(SyntaxError::internal(format!("weekday `{other}`"), at)),
    };
    Ok(Spanned::new(day, at))
}

/// `from .. to` expanded to every weekday in between (inclusive). The
/// expanded days all carry the span of the whole range except the two ends.
pub(crate) fn weekday_range(
    from: Spanned<Weekday>,
    to: Spanned<Weekday>,
    at: Span,
) -> Result<Vec<Spanned<Weekday>>> {
    let (a, b) = (from.num_days_from_monday(), to.num_days_from_monday());
    if a > b {
        return Err(SyntaxError::ReversedRange {
            found: format!("{} .. {}", weekday_name(*from), weekday_name(*to)),
            span: at,
        });
    }
    let mut days = vec![from];
    let mut d = from.node;
    while d != to.node {
        d = d.succ();
        let s = if d == to.node { to.span } else { at };
        days.push(Spanned::new(d, s));
    }
    Ok(days)
}

/// Maps a keyword pair through `f`, or reports an internal error.
fn keyword<T>(p: &Pair<'_>, what: &str, f: impl Fn(&str) -> Option<T>) -> Result<Spanned<T>> {
    let at = span(p);
    match f(p.as_str()) {
        Some(v) => Ok(Spanned::new(v, at)),
        None => Err(SyntaxError::internal(
            format!("{what} `{}`", p.as_str()),
            at,
        )),
    }
}

/// `authorized` / `unauthorized`.
pub(crate) fn authorization(p: &Pair<'_>) -> Result<Spanned<Authorization>> {
    keyword(p, "authorization", |s| match s {
        "authorized" => Some(Authorization::Authorized),
        "unauthorized" => Some(Authorization::Unauthorized),
        _ => None,
    })
}

/// `instead` / `also`.
pub(crate) fn reclassify_mode(p: &Pair<'_>) -> Result<Spanned<ReclassifyMode>> {
    keyword(p, "reclassify mode", |s| match s {
        "instead" => Some(ReclassifyMode::Instead),
        "also" => Some(ReclassifyMode::Also),
        _ => None,
    })
}

/// `>`, `>=`, `<`, `<=`, `=`.
pub(crate) fn cmp_op(p: &Pair<'_>) -> Result<Spanned<CmpOp>> {
    keyword(p, "comparison", |s| match s {
        ">" => Some(CmpOp::Gt),
        ">=" => Some(CmpOp::Ge),
        "<" => Some(CmpOp::Lt),
        "<=" => Some(CmpOp::Le),
        "=" => Some(CmpOp::Eq),
        _ => None,
    })
}

/// `days` / `school_days`.
pub(crate) fn day_unit(p: &Pair<'_>) -> Result<Spanned<DayUnit>> {
    keyword(p, "day unit", |s| match s {
        "days" => Some(DayUnit::Days),
        "school_days" => Some(DayUnit::SchoolDays),
        _ => None,
    })
}

/// `days` / `school_days` / `school_weeks`.
pub(crate) fn window_unit(p: &Pair<'_>) -> Result<Spanned<WindowUnit>> {
    keyword(p, "window unit", |s| match s {
        "days" => Some(WindowUnit::Days),
        "school_days" => Some(WindowUnit::SchoolDays),
        "school_weeks" => Some(WindowUnit::SchoolWeeks),
        _ => None,
    })
}

/// Units of a literal.
pub(crate) fn unit(p: &Pair<'_>) -> Result<Spanned<UnitLit>> {
    keyword(p, "unit", |s| match s {
        "registrations" => Some(UnitLit::Registrations),
        "lesson_hours" => Some(UnitLit::LessonHours),
        "clock_hours" => Some(UnitLit::ClockHours),
        "school_days" => Some(UnitLit::SchoolDays),
        "episodes" => Some(UnitLit::Episodes),
        "%" => Some(UnitLit::Percent),
        _ => None,
    })
}

/// Measure functions.
pub(crate) fn measure_fn(p: &Pair<'_>) -> Result<Spanned<MeasureFn>> {
    keyword(p, "measure", |s| match s {
        "count" => Some(MeasureFn::Count),
        "lesson_hours" => Some(MeasureFn::LessonHours),
        "clock_hours" => Some(MeasureFn::ClockHours),
        "days" => Some(MeasureFn::Days),
        "streak" => Some(MeasureFn::Streak),
        "full_day_streak" => Some(MeasureFn::FullDayStreak),
        "episodes" => Some(MeasureFn::Episodes),
        "share" => Some(MeasureFn::Share),
        _ => None,
    })
}

/// Student attributes of a group condition.
pub(crate) fn attr(p: &Pair<'_>) -> Result<Spanned<Attr>> {
    keyword(p, "attribute", |s| match s {
        "age" => Some(Attr::Age),
        "grade" => Some(Attr::Grade),
        "location" => Some(Attr::Location),
        "class" => Some(Attr::Class),
        _ => None,
    })
}

/// `when` / `or` after `at N`.
pub(crate) fn junction(p: &Pair<'_>) -> Result<Spanned<Junction>> {
    keyword(p, "junction", |s| match s {
        "when" => Some(Junction::When),
        "or" => Some(Junction::Or),
        _ => None,
    })
}
