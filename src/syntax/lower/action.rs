//! Lowering of action blocks: `{ ROLES: [KIND ARGS] "text" … }`.

use super::lit::{self, ident, integer, need, number, span, text};
use super::{Pair, Result, unexpected_pair};
use crate::span::{Span, Spanned};
use crate::syntax::ast::*;
use crate::syntax::error::SyntaxError;
use crate::syntax::grammar::Rule;

/// `{ action* }`
pub(crate) fn block(p: Pair<'_>) -> Result<Vec<Action>> {
    p.into_inner()
        .filter(|c| c.as_rule() == Rule::action)
        .map(action)
        .collect()
}

/// The parts of an action line, filled child by child.
#[derive(Default)]
struct Parts {
    optional: Option<Span>,
    roles: Option<(Vec<Ident>, RolesJoin)>,
    kind: Option<Spanned<ActionKind>>,
    text: Option<Text>,
    time: Option<(Spanned<chrono::NaiveTime>, Spanned<u32>, Span)>,
    cc: Vec<Ident>,
    due: Option<(Spanned<u32>, Spanned<DayUnit>)>,
    label: Option<Ident>,
    after: Option<Ident>,
}

/// One action line.
fn action(p: Pair<'_>) -> Result<Action> {
    let at = span(&p);
    let mut parts = Parts::default();
    for c in p.into_inner() {
        match c.as_rule() {
            Rule::kw_optional => parts.optional = Some(span(&c)),
            Rule::roles => parts.roles = Some(roles(c)?),
            Rule::action_text => parts.text = Some(text(&c)?),
            Rule::sanction_time => parts.time = Some(sanction_time(c)?),
            Rule::cc => parts.cc = role_list_child(c)?,
            Rule::due => parts.due = Some(due(c)?),
            Rule::label | Rule::after_label => {
                let which = c.as_rule();
                let id = super::first_ident(c, Rule::ident)?;
                match which {
                    Rule::label => parts.label = Some(id),
                    _ => parts.after = Some(id),
                }
            }
            Rule::colon => {}
            _ => parts.kind = Some(kind(c)?),
        }
    }
    finish(parts, at)
}

/// Assembles the action; checks that a time goes with a sanction.
fn finish(parts: Parts, at: Span) -> Result<Action> {
    let text = need(parts.text, "action text", at)?;
    let (roles, roles_join) = need(parts.roles, "roles", at)?;
    let mut kind = parts
        .kind
        .unwrap_or_else(|| Spanned::new(ActionKind::Task, text.span));
    if let Some((time, minutes, clause)) = parts.time {
        match &mut kind.node {
            ActionKind::Sanction { at, minutes: m } => {
                *at = Some(time);
                *m = Some(minutes);
            }
            _ => return Err(SyntaxError::TimeWithoutSanction { span: clause }),
        }
    }
    Ok(Action {
        optional: parts.optional,
        roles,
        roles_join,
        kind,
        text,
        cc: parts.cc,
        due: parts.due,
        label: parts.label,
        after: parts.after,
        span: at,
    })
}

/// `a`, `a or b …`, `a and b …` (mixing both is an error).
fn roles(p: Pair<'_>) -> Result<(Vec<Ident>, RolesJoin)> {
    let at = span(&p);
    let (mut names, mut ors, mut ands) = (Vec::new(), false, false);
    for c in p.into_inner() {
        match c.as_rule() {
            Rule::role_name => names.push(ident(&c)),
            Rule::kw_or => ors = true,
            Rule::kw_and => ands = true,
            _ => {}
        }
    }
    if ors && ands {
        return Err(SyntaxError::MixedRoleJoin { span: at });
    }
    let join = if ands { RolesJoin::And } else { RolesJoin::Or };
    Ok((names, join))
}

/// The roles of a `role_list` pair.
fn role_list(p: Pair<'_>) -> Vec<Ident> {
    p.into_inner()
        .filter(|c| c.as_rule() == Rule::role_name)
        .map(|c| ident(&c))
        .collect()
}

/// The roles of the `role_list` child of `p` (empty if there is none).
fn role_list_child(p: Pair<'_>) -> Result<Vec<Ident>> {
    Ok(p.into_inner()
        .find(|c| c.as_rule() == Rule::role_list)
        .map(role_list)
        .unwrap_or_default())
}

/// The structured kind of an action (`ak_*` pairs).
fn kind(p: Pair<'_>) -> Result<Spanned<ActionKind>> {
    let at = span(&p);
    let node = match p.as_rule() {
        Rule::ak_inform => ActionKind::Inform(role_list_child(p)?),
        Rule::ak_mail => ActionKind::Mail(role_list_child(p)?),
        Rule::ak_appointment => ActionKind::Appointment(role_list_child(p)?),
        Rule::ak_sanction => ActionKind::Sanction {
            at: None,
            minutes: None,
        },
        Rule::ak_make_up => {
            let n = p.into_inner().find(|c| c.as_rule() == Rule::number);
            ActionKind::MakeUp(number(&need(n, "factor", at)?)?)
        }
        Rule::ak_duo_report => ActionKind::DuoReport,
        Rule::ak_referral => {
            let r = p.into_inner().find(|c| c.as_rule() == Rule::role_name);
            ActionKind::Referral(ident(&need(r, "role", at)?))
        }
        r => return Err(unexpected_pair(r, at)),
    };
    Ok(Spanned::new(node, at))
}

/// `at HH:MM for N minutes`: the time, the minutes and the clause's span.
fn sanction_time(p: Pair<'_>) -> Result<(Spanned<chrono::NaiveTime>, Spanned<u32>, Span)> {
    let at = span(&p);
    let (mut time, mut minutes) = (None, None);
    for c in p.into_inner() {
        match c.as_rule() {
            Rule::time => time = Some(lit::time(&c)?),
            Rule::integer => minutes = Some(integer(&c)?),
            _ => {}
        }
    }
    Ok((need(time, "time", at)?, need(minutes, "minutes", at)?, at))
}

/// `within N school_days|days`.
fn due(p: Pair<'_>) -> Result<(Spanned<u32>, Spanned<DayUnit>)> {
    let at = span(&p);
    let (mut amount, mut unit) = (None, None);
    for c in p.into_inner() {
        match c.as_rule() {
            Rule::integer => amount = Some(integer(&c)?),
            Rule::day_unit => unit = Some(lit::day_unit(&c)?),
            _ => {}
        }
    }
    Ok((need(amount, "amount", at)?, need(unit, "unit", at)?))
}
