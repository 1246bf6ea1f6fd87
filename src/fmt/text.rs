//! The canonical text of one-line constructs: literals, conditions,
//! measures, triggers, actions and one-line declarations. Every function
//! prints an AST node back in the grammar's order, so that parsing the text
//! gives an equal node.

use crate::span::Spanned;
use crate::syntax::ast::*;
use chrono::Weekday;

/// `s` as a string literal: in double quotes, `"` and `\` escaped.
pub(super) fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        if matches!(c, '"' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}

/// `16`, `0.5`, `10.25`: the shortest exact decimal.
pub(super) fn number(n: Number) -> String {
    let sign = if n.hundredths < 0 { "-" } else { "" };
    let abs = n.hundredths.unsigned_abs();
    let (whole, frac) = (abs / 100, abs % 100);
    match frac {
        0 => format!("{sign}{whole}"),
        f if f % 10 == 0 => format!("{sign}{whole}.{}", f / 10),
        f => format!("{sign}{whole}.{f:02}"),
    }
}

/// `2022-08-29`, or an impossible date as written.
pub(super) fn date(d: &DateLit) -> String {
    match d {
        DateLit::Valid(d) => d.format("%Y-%m-%d").to_string(),
        DateLit::Invalid(raw) => raw.clone(),
    }
}

/// `a .. b`, or `a` for a single day.
pub(super) fn date_range(r: &DateRange) -> String {
    if r.start == r.end {
        date(&r.start)
    } else {
        format!("{} .. {}", date(&r.start), date(&r.end))
    }
}

/// `a, b, c` of weekdays.
fn weekday_list(days: &[Spanned<Weekday>]) -> String {
    let names: Vec<&str> = days.iter().map(|d| weekday_name(d.node)).collect();
    names.join(", ")
}

/// The weekdays of `periods`: a run of three or more consecutive days as
/// `monday .. friday` (the parser expands it back), otherwise a list.
pub(super) fn weekday_set(days: &[Spanned<Weekday>]) -> String {
    let consecutive = days
        .windows(2)
        .all(|w| w[0].num_days_from_monday() + 1 == w[1].num_days_from_monday());
    match (days.first(), days.last()) {
        (Some(first), Some(last)) if consecutive && days.len() >= 3 => {
            format!(
                "{} .. {}",
                weekday_name(first.node),
                weekday_name(last.node)
            )
        }
        _ => weekday_list(days),
    }
}

/// `a, b` of names.
pub(super) fn names(ids: &[Ident]) -> String {
    let names: Vec<&str> = ids.iter().map(|i| i.node.as_str()).collect();
    names.join(", ")
}

/// `"A", "B" authorized` of texts.
fn texts(ts: &[Text]) -> String {
    let quoted: Vec<String> = ts.iter().map(|t| quote(t)).collect();
    quoted.join(", ")
}

/// `authorized` / `unauthorized`.
fn authorization(a: Authorization) -> &'static str {
    match a {
        Authorization::Authorized => "authorized",
        Authorization::Unauthorized => "unauthorized",
    }
}

/// `>`, `>=`, `<`, `<=`, `=`.
fn cmp_op(op: CmpOp) -> &'static str {
    match op {
        CmpOp::Gt => ">",
        CmpOp::Ge => ">=",
        CmpOp::Lt => "<",
        CmpOp::Le => "<=",
        CmpOp::Eq => "=",
    }
}

/// `days` / `school_days`.
fn day_unit(u: DayUnit) -> &'static str {
    match u {
        DayUnit::Days => "days",
        DayUnit::SchoolDays => "school_days",
    }
}

/// `per school_year`, `per term t1`, `per month`, `per school_week`,
/// `since last X`.
pub(super) fn scope(s: &Scope) -> String {
    match s {
        Scope::SchoolYear => "per school_year".into(),
        Scope::Term(t) => format!("per term {}", t.node),
        Scope::Month => "per month".into(),
        Scope::SchoolWeek => "per school_week".into(),
        Scope::SinceLast(x) => format!("since last {}", x.node),
    }
}

/// `for G` / `except G`.
pub(super) fn selector(s: &Selector) -> String {
    let word = if s.except { "except" } else { "for" };
    format!("{word} {}", s.group.node)
}

/// `[repeat] [at most once per N UNIT]`, or `None` when both are absent.
pub(super) fn repeat_throttle(repeat: bool, throttle: Option<&Throttle>) -> Option<String> {
    let throttle = throttle.map(|t| {
        format!(
            "at most once per {} {}",
            t.amount.node,
            day_unit(t.unit.node)
        )
    });
    match (repeat, throttle) {
        (true, Some(t)) => Some(format!("repeat {t}")),
        (true, None) => Some("repeat".into()),
        (false, t) => t,
    }
}

/// `1st`, `2nd`, `3rd`, `4th`, `11th`, `21st`, …
fn ordinal(n: u32) -> String {
    format!("{n}{}", ordinal_suffix(n))
}

/// ` when C`, or nothing.
fn when_suffix(c: Option<&Cond>) -> String {
    c.map(|c| format!(" when {}", cond(c))).unwrap_or_default()
}

/// A step's or rule's trigger.
pub(super) fn trigger(t: &Trigger) -> String {
    match t {
        Trigger::At { threshold, extra } => {
            let extra = match extra {
                Some((j, c)) => {
                    let word = match j.node {
                        Junction::When => "when",
                        Junction::Or => "or",
                    };
                    format!(" {word} {}", cond(c))
                }
                None => String::new(),
            };
            format!("at {}{extra}", number(threshold.node))
        }
        Trigger::EveryFrom { from, when } => {
            format!(
                "every from {}{}",
                number(from.node),
                when_suffix(when.as_ref())
            )
        }
        Trigger::EveryNth { step, from, when } => format!(
            "every {} from {}{}",
            ordinal(step.node),
            number(from.node),
            when_suffix(when.as_ref())
        ),
        Trigger::Each { from, to, when } => format!(
            "each {} .. {}{}",
            number(from.node),
            number(to.node),
            when_suffix(when.as_ref())
        ),
        Trigger::EveryRegistration(_) => "every registration".into(),
        Trigger::When(c) => format!("when {}", cond(c)),
        Trigger::On(k) => format!("on {}", k.node),
    }
}

/// Where a condition is printed, for parentheses.
#[derive(Clone, Copy, PartialEq)]
enum Place {
    /// Anywhere a whole condition may stand.
    Top,
    /// An operand of `or`.
    Or,
    /// An operand of `and`.
    And,
    /// The operand of `not`.
    Not,
}

/// A condition, with just the parentheses its tree needs (`and` binds
/// tighter than `or`, `not` tighter than both; a nested `or` in `or` keeps
/// its parentheses so that it parses back to the same tree).
pub(super) fn cond(c: &Cond) -> String {
    cond_in(c, Place::Top)
}

fn cond_in(c: &Cond, place: Place) -> String {
    let (text, needs_parens) = match c {
        Cond::Or(parts, _) => (join_conds(parts, Place::Or, " or "), place != Place::Top),
        Cond::And(parts, _) => (
            join_conds(parts, Place::And, " and "),
            matches!(place, Place::And | Place::Not),
        ),
        Cond::Not(inner, _) => (format!("not {}", cond_in(inner, Place::Not)), false),
        Cond::Compare(cmp) => (comparison(cmp), false),
        Cond::Fired(id, _) => (format!("fired({})", id.node), false),
        Cond::NoWithin(n) => (no_within(n), false),
    };
    if needs_parens {
        format!("({text})")
    } else {
        text
    }
}

fn join_conds(parts: &[Cond], place: Place, sep: &str) -> String {
    let texts: Vec<String> = parts.iter().map(|p| cond_in(p, place)).collect();
    texts.join(sep)
}

/// `MEASURE OP (MEASURE | N [UNIT])`
fn comparison(c: &Comparison) -> String {
    let right = match &c.right {
        Operand::Measure(m) => measure(m),
        Operand::Literal { value, unit } => {
            let unit = match unit.as_ref().map(|u| u.node) {
                None => "",
                Some(UnitLit::Percent) => "%",
                Some(UnitLit::Registrations) => " registrations",
                Some(UnitLit::LessonHours) => " lesson_hours",
                Some(UnitLit::ClockHours) => " clock_hours",
                Some(UnitLit::SchoolDays) => " school_days",
                Some(UnitLit::Episodes) => " episodes",
            };
            format!("{}{unit}", number(value.node))
        }
    };
    format!("{} {} {right}", measure(&c.left), cmp_op(c.op.node))
}

/// `FN(KIND [where …]) [on same weekday] [within N UNIT]`
pub(super) fn measure(m: &Measure) -> String {
    let func = match m.func.node {
        MeasureFn::Count => "count",
        MeasureFn::LessonHours => "lesson_hours",
        MeasureFn::ClockHours => "clock_hours",
        MeasureFn::Days => "days",
        MeasureFn::Streak => "streak",
        MeasureFn::FullDayStreak => "full_day_streak",
        MeasureFn::Episodes => "episodes",
        MeasureFn::Share => "share",
    };
    let mut out = format!("{func}({}{})", m.kind.node, where_filters(&m.filter));
    if m.same_weekday.is_some() {
        out.push_str(" on same weekday");
    }
    if let Some(w) = &m.window {
        let unit = match w.unit.node {
            WindowUnit::Days => "days",
            WindowUnit::SchoolDays => "school_days",
            WindowUnit::SchoolWeeks => "school_weeks",
        };
        out.push_str(&format!(" within {} {unit}", w.amount.node));
    }
    out
}

/// `counts KIND` for a plain count, else `counts MEASURE`.
pub(super) fn counts(m: &Measure) -> String {
    let plain = m.func.node == MeasureFn::Count
        && m.filter.is_empty()
        && m.same_weekday.is_none()
        && m.window.is_none();
    if plain {
        format!("counts {}", m.kind.node)
    } else {
        format!("counts {}", measure(m))
    }
}

/// ` where F and F …`, or nothing.
pub(super) fn where_filters(fs: &[Filter]) -> String {
    if fs.is_empty() {
        return String::new();
    }
    let texts: Vec<String> = fs.iter().map(filter).collect();
    format!(" where {}", texts.join(" and "))
}

fn filter(f: &Filter) -> String {
    match f {
        Filter::Code(codes, _) if codes.len() == 1 => format!("code = {}", texts(codes)),
        Filter::Code(codes, _) => format!("code in {}", texts(codes)),
        Filter::Authorization(a) => authorization(a.node).into(),
        Filter::Weekday(days, _) if days.len() == 1 => {
            format!("weekday = {}", weekday_list(days))
        }
        Filter::Weekday(days, _) => format!("weekday in {}", weekday_list(days)),
        Filter::Period(n) => format!("period {}", num_filter(n)),
        Filter::Minutes(n) => format!("minutes {}", num_filter(n)),
    }
}

fn num_filter(n: &NumFilter) -> String {
    match n {
        NumFilter::Cmp(op, v, _) => format!("{} {}", cmp_op(op.node), v.node),
        NumFilter::Range(a, b, _) => format!("in {} .. {}", a.node, b.node),
    }
}

/// `no X [within N UNIT | by end of school_week] after Y [where …]`
fn no_within(n: &NoWithin) -> String {
    let deadline = match &n.deadline {
        None => String::new(),
        Some(Deadline::Within(amount, unit)) => {
            format!(" within {} {}", amount.node, day_unit(unit.node))
        }
        Some(Deadline::EndOfSchoolWeek(_)) => " by end of school_week".into(),
    };
    format!(
        "no {}{deadline} after {}{}",
        n.expected.node,
        n.after.node,
        where_filters(&n.after_filter)
    )
}

/// One action line (without indentation).
pub(super) fn action(a: &Action) -> String {
    let mut out = String::new();
    if a.optional.is_some() {
        out.push_str("optional ");
    }
    let join = match a.roles_join {
        RolesJoin::Or => " or ",
        RolesJoin::And => " and ",
    };
    let roles: Vec<&str> = a.roles.iter().map(|r| r.node.as_str()).collect();
    out.push_str(&roles.join(join));
    out.push_str(": ");
    out.push_str(&action_kind(&a.kind.node));
    out.push_str(&quote(&a.text));
    if let ActionKind::Sanction {
        at: Some(at),
        minutes: Some(minutes),
    } = &a.kind.node
    {
        let at = at.format("%H:%M");
        out.push_str(&format!(" at {at} for {} minutes", minutes.node));
    }
    if !a.cc.is_empty() {
        out.push_str(&format!(" cc {}", names(&a.cc)));
    }
    if let Some((amount, unit)) = &a.due {
        out.push_str(&format!(" within {} {}", amount.node, day_unit(unit.node)));
    }
    if let Some(l) = &a.label {
        out.push_str(&format!(" as {}", l.node));
    }
    if let Some(l) = &a.after {
        out.push_str(&format!(" after {}", l.node));
    }
    out
}

/// The kind and its arguments before an action's text (with a trailing
/// space), or nothing for a plain task.
fn action_kind(k: &ActionKind) -> String {
    match k {
        ActionKind::Task => String::new(),
        ActionKind::Inform(r) => format!("inform {} ", names(r)),
        ActionKind::Mail(r) => format!("mail {} ", names(r)),
        ActionKind::Appointment(r) if r.is_empty() => "appointment ".into(),
        ActionKind::Appointment(r) => format!("appointment with {} ", names(r)),
        ActionKind::Sanction { .. } => "sanction ".into(),
        ActionKind::MakeUp(n) => format!("make_up {} x ", number(n.node)),
        ActionKind::DuoReport => "duo_report ".into(),
        ActionKind::Referral(r) => format!("referral {} ", r.node),
    }
}

/// `event late "Te laat" unauthorized [codes "L", "T" authorized]`, split
/// after the ID (for alignment).
pub(super) fn event(e: &Event) -> (String, String) {
    let mut rest = format!(
        " {} {}",
        quote(&e.name),
        authorization(e.authorization.node)
    );
    if !e.codes.is_empty() {
        let codes: Vec<String> = e
            .codes
            .iter()
            .map(|(code, auth)| match auth {
                Some(a) => format!("{} {}", quote(code), authorization(a.node)),
                None => quote(code),
            })
            .collect();
        rest.push_str(&format!(" codes {}", codes.join(", ")));
    }
    (format!("event {}", e.id.node), rest)
}

/// `ignore ["reason"] codes "A", …`
pub(super) fn ignore(i: &Ignore) -> String {
    match &i.reason {
        Some(r) => format!("ignore {} codes {}", quote(r), texts(&i.codes)),
        None => format!("ignore codes {}", texts(&i.codes)),
    }
}

/// `signal id "name" [codes "A", …]`, split after the ID.
pub(super) fn signal(s: &Signal) -> (String, String) {
    let mut rest = format!(" {}", quote(&s.name));
    if !s.codes.is_empty() {
        rest.push_str(&format!(" codes {}", texts(&s.codes)));
    }
    (format!("signal {}", s.id.node), rest)
}

/// `group id "name" [where COND and …]`, split after the ID.
pub(super) fn group(g: &Group) -> (String, String) {
    let mut rest = format!(" {}", quote(&g.name));
    if !g.conditions.is_empty() {
        let conds: Vec<String> = g.conditions.iter().map(attr_cond).collect();
        rest.push_str(&format!(" where {}", conds.join(" and ")));
    }
    (format!("group {}", g.id.node), rest)
}

/// `age < 18`, `grade = "4"`, `location in "Noord", "Zuid"`.
fn attr_cond(c: &AttrCond) -> String {
    let attr = match c.attr.node {
        Attr::Age => "age",
        Attr::Grade => "grade",
        Attr::Location => "location",
        Attr::Class => "class",
    };
    let values: Vec<String> = c
        .values
        .iter()
        .map(|v| match &v.node {
            AttrValue::Number(n) => n.to_string(),
            AttrValue::Text(t) => quote(t),
        })
        .collect();
    if values.len() > 1 {
        format!("{attr} in {}", values.join(", "))
    } else {
        format!("{attr} {} {}", cmp_op(c.op.node), values.join(", "))
    }
}

/// `reclassify KIND [where …] as KIND instead|also`
pub(super) fn reclassify(r: &Reclassify) -> String {
    let mode = match r.mode.node {
        ReclassifyMode::Instead => "instead",
        ReclassifyMode::Also => "also",
    };
    format!(
        "reclassify {}{} as {} {mode}",
        r.from.node,
        where_filters(&r.filter),
        r.to.node
    )
}

/// `exemption id "name" excludes T, … [from signal A until signal B]`,
/// split after the ID.
pub(super) fn exemption(e: &Exemption) -> (String, String) {
    let targets: Vec<String> = e
        .excludes
        .iter()
        .map(|t| match t {
            ExemptTarget::Kind(k) => k.node.clone(),
            ExemptTarget::Ladder(l) => format!("ladder {}", l.node),
        })
        .collect();
    let mut rest = format!(" {} excludes {}", quote(&e.name), targets.join(", "));
    if let (Some(from), Some(until)) = (&e.from_signal, &e.until_signal) {
        rest.push_str(&format!(
            " from signal {} until signal {}",
            from.node, until.node
        ));
    }
    (format!("exemption {}", e.id.node), rest)
}

/// `policy "Name" school "S" school_year 2022-2023`
pub(super) fn policy(p: &PolicyHeader) -> String {
    let (a, b) = p.school_year.node;
    format!(
        "policy {} school {} school_year {a:04}-{b:04}",
        quote(&p.name),
        quote(&p.school)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_exact_and_short() {
        let n = |h| number(Number { hundredths: h });
        assert_eq!(n(1600), "16");
        assert_eq!(n(50), "0.5");
        assert_eq!(n(5), "0.05");
        assert_eq!(n(1025), "10.25");
    }

    #[test]
    fn ordinals() {
        let all: Vec<String> = [1, 2, 3, 4, 11, 12, 13, 21, 22, 101, 111]
            .into_iter()
            .map(ordinal)
            .collect();
        assert_eq!(
            all,
            [
                "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "101st",
                "111th"
            ]
        );
    }

    #[test]
    fn quotes_escape() {
        assert_eq!(quote(r#"a "b" \ c"#), r#""a \"b\" \\ c""#);
    }
}
