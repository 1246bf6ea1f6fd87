//! Unit tests for tricky lowering.

use crate::span::{Span, Spanned};
use crate::syntax::ast::*;
use crate::syntax::{SyntaxError, parse};
use chrono::{NaiveDate, NaiveTime, Weekday};

/// The items of `src`, which must parse.
fn items(src: &str) -> Vec<Item> {
    match parse(src) {
        Ok(f) => f.items,
        Err(e) => panic!("{src}\n{e:#?}"),
    }
}

/// The only step of a one-ladder source.
fn step_of(src: &str) -> Step {
    match items(src).remove(0) {
        Item::Ladder(mut l) => l.steps.remove(0),
        other => panic!("not a ladder: {other:?}"),
    }
}

/// A ladder with one step whose header is `head` and whose actions are `body`.
fn ladder(head: &str, body: &str) -> String {
    format!("ladder l counts late {{\n  step S {head} {{\n    {body}\n  }}\n}}\n")
}

/// The trigger's condition of `step S when …`.
fn when(cond: &str) -> Cond {
    match step_of(&ladder(&format!("when {cond}"), "vc: \"x\"")).trigger {
        Trigger::When(c) => c,
        other => panic!("{other:?}"),
    }
}

/// The only action of a step with body `line`.
fn action(line: &str) -> Action {
    step_of(&ladder("at 1", line)).actions.remove(0)
}

/// A value with a dummy span (equality ignores spans).
fn sp<T>(x: T) -> Spanned<T> {
    Spanned::new(x, Span::default())
}

fn n(hundredths: i64) -> Number {
    Number { hundredths }
}

#[test]
fn numbers_are_hundredths() {
    let c = when("share(sick) >= 10.5% and count(late) > 16 and count(late) < 0.05");
    let Cond::And(parts, _) = c else {
        panic!("{c:?}")
    };
    let values: Vec<(Number, Option<UnitLit>)> = parts
        .iter()
        .map(|p| match p {
            Cond::Compare(Comparison {
                right: Operand::Literal { value, unit },
                ..
            }) => (value.node, unit.map(|u| u.node)),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(
        values,
        [
            (n(1050), Some(UnitLit::Percent)),
            (n(1600), None),
            (n(5), None)
        ]
    );
}

#[test]
fn too_many_decimals_is_an_error() {
    let errs = parse(&ladder("at 1.125", "vc: \"x\"")).unwrap_err();
    assert!(
        matches!(errs[0], SyntaxError::TooManyDecimals { .. }),
        "{errs:?}"
    );
}

#[test]
fn date_ranges() {
    let src = "calendar \"C\" {\n school_year 2022-08-29 .. 2023-07-21\n free \"Goede Vrijdag\" 2023-04-07\n free \"Fout\" 2023-02-30\n periods monday .. wednesday, 1 .. 8\n}";
    let src = src.replace("wednesday,", "wednesday");
    let Item::Calendar(cal) = items(&src).remove(0) else {
        panic!()
    };
    let d = |y, m, d| DateLit::Valid(NaiveDate::from_ymd_opt(y, m, d).unwrap());
    let CalendarEntry::SchoolYear(year) = &cal.entries[0] else {
        panic!()
    };
    assert_eq!(
        (year.start.node.clone(), year.end.node.clone()),
        (d(2022, 8, 29), d(2023, 7, 21))
    );
    assert_eq!(
        &src[year.span.start..year.span.end],
        "2022-08-29 .. 2023-07-21"
    );
    let CalendarEntry::Free { range, .. } = &cal.entries[1] else {
        panic!()
    };
    assert_eq!(range.start, range.end);
    assert_eq!(range.start.node, d(2023, 4, 7));
    assert_eq!(&src[range.span.start..range.span.end], "2023-04-07");
    let CalendarEntry::Free { range, .. } = &cal.entries[2] else {
        panic!()
    };
    assert_eq!(range.start.node, DateLit::Invalid("2023-02-30".into()));
    assert_eq!(&src[range.span.start..range.span.end], "2023-02-30");
    let CalendarEntry::Periods {
        weekdays,
        first,
        last,
        ..
    } = &cal.entries[3]
    else {
        panic!()
    };
    let days: Vec<Weekday> = weekdays.iter().map(|w| w.node).collect();
    assert_eq!(days, [Weekday::Mon, Weekday::Tue, Weekday::Wed]);
    assert_eq!((first.node, last.node), (1, 8));
}

#[test]
fn single_date_span_is_the_date() {
    let src =
        "calendar \"C\" {\n  free \"A\" 2023-04-07   # Goede Vrijdag\n  free \"B\" 2023-04-10\n}\n";
    let Item::Calendar(cal) = items(src).remove(0) else {
        panic!()
    };
    for (entry, want) in cal.entries.iter().zip(["2023-04-07", "2023-04-10"]) {
        let CalendarEntry::Free { range, .. } = entry else {
            panic!("{entry:?}")
        };
        assert_eq!(&src[range.span.start..range.span.end], want);
        assert_eq!(range.span, range.start.span);
    }
}

#[test]
fn every_nth_from() {
    let s = step_of(&ladder("every 2nd from 5", "vc: \"x\""));
    match s.trigger {
        Trigger::EveryNth { step, from, when } => {
            assert_eq!((step.node, from.node, when), (2, n(500), None));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn at_or_condition() {
    let s = step_of(&ladder(
        "at 7 or streak(truancy) >= 3 school_days",
        "vc: \"x\"",
    ));
    let Trigger::At {
        threshold,
        extra: Some((j, Cond::Compare(c))),
    } = s.trigger
    else {
        panic!("{:?}", s.trigger)
    };
    assert_eq!((threshold.node, j.node), (n(700), Junction::Or));
    assert_eq!(c.left.func.node, MeasureFn::Streak);
    assert_eq!(c.left.kind.node, "truancy");
    assert_eq!(c.op.node, CmpOp::Ge);
    assert_eq!(
        c.right,
        Operand::Literal {
            value: sp(n(300)),
            unit: Some(sp(UnitLit::SchoolDays)),
        }
    );
}

#[test]
fn at_when_takes_the_whole_or() {
    let s = step_of(&ladder(
        "at 9 when count(late) >= 9 or lesson_hours(truancy) >= 5",
        "vc: \"x\"",
    ));
    let Trigger::At {
        extra: Some((j, Cond::Or(parts, _))),
        ..
    } = s.trigger
    else {
        panic!("{:?}", s.trigger)
    };
    assert_eq!(j.node, Junction::When);
    assert_eq!(parts.len(), 2);
}

#[test]
fn and_binds_tighter_than_or_and_not() {
    let c = when("count(a) > 1 or count(b) > 2 and not fired(L9)");
    let Cond::Or(parts, _) = c else {
        panic!("{c:?}")
    };
    let Cond::And(inner, _) = &parts[1] else {
        panic!("{parts:?}")
    };
    assert!(
        matches!(&inner[1], Cond::Not(b, _) if matches!(**b, Cond::Fired(ref id, _) if id.node == "L9"))
    );
}

#[test]
fn roles_or_with_label() {
    let a = action("mentor or cll: inform parents \"Licht ouders in\" as x");
    let roles: Vec<&str> = a.roles.iter().map(|r| r.node.as_str()).collect();
    assert_eq!(roles, ["mentor", "cll"]);
    assert_eq!(a.roles_join, RolesJoin::Or);
    assert!(
        matches!(&a.kind.node, ActionKind::Inform(r) if r.len() == 1 && r[0].node == "parents")
    );
    assert_eq!(a.text.node, "Licht ouders in");
    assert_eq!(a.label.map(|l| l.node), Some("x".to_string()));
}

#[test]
fn roles_and_appointment() {
    let a = action("lpa and iot and mentor and vc: appointment \"Overleg\"");
    assert_eq!(a.roles.len(), 4);
    assert_eq!(a.roles_join, RolesJoin::And);
    assert_eq!(a.kind.node, ActionKind::Appointment(vec![]));
}

#[test]
fn mixed_role_join_is_an_error() {
    let errs = parse(&ladder("at 1", "a or b and c: \"x\"")).unwrap_err();
    assert!(
        matches!(errs[0], SyntaxError::MixedRoleJoin { .. }),
        "{errs:?}"
    );
}

#[test]
fn sanction_time_and_escapes() {
    let a = action("vc: sanction \"Om \\\"8\\\" uur \\\\ 30\" at 08:00 for 30 minutes");
    assert_eq!(a.text.node, "Om \"8\" uur \\ 30");
    assert_eq!(
        a.kind.node,
        ActionKind::Sanction {
            at: Some(sp(NaiveTime::from_hms_opt(8, 0, 0).unwrap())),
            minutes: Some(sp(30)),
        }
    );
    let errs = parse(&ladder("at 1", "vc: \"x\" at 08:00 for 30 minutes")).unwrap_err();
    assert!(
        matches!(errs[0], SyntaxError::TimeWithoutSanction { .. }),
        "{errs:?}"
    );
}

#[test]
fn law_with_source_scope_repeat_throttle() {
    let src = "law LAW16 \"16 uur\" source \"Leerplichtwet art. 21a\"\n  since last LAW16\n  when clock_hours(truancy) within 4 school_weeks >= 16\n  repeat at most once per 7 days {\n  vc: duo_report \"Melding\" within 5 school_days\n}\n";
    let Item::Rule(r) = items(src).remove(0) else {
        panic!()
    };
    assert!(r.law);
    assert_eq!(
        r.source.map(|s| s.node),
        Some("Leerplichtwet art. 21a".into())
    );
    assert_eq!(r.step.id.node, "LAW16");
    assert_eq!(
        r.step.scope.map(|s| s.node),
        Some(Scope::SinceLast(sp("LAW16".into())))
    );
    assert!(r.step.repeat.is_some());
    let t = r.step.throttle.unwrap();
    assert_eq!((t.amount.node, t.unit.node), (7, DayUnit::Days));
    let Trigger::When(Cond::Compare(c)) = &r.step.trigger else {
        panic!()
    };
    let w = c.left.window.as_ref().unwrap();
    assert_eq!((w.amount.node, w.unit.node), (4, WindowUnit::SchoolWeeks));
    let a = &r.step.actions[0];
    assert_eq!(a.kind.node, ActionKind::DuoReport);
    assert_eq!(
        a.due.map(|(n, u)| (n.node, u.node)),
        Some((5, DayUnit::SchoolDays))
    );
    assert_eq!(&src[r.step.span.start..r.step.span.end], src.trim_end());
}

#[test]
fn empty_step_parses() {
    assert!(step_of(&ladder("at 3", "")).actions.is_empty());
}

#[test]
fn comments_are_collected() {
    let f = parse("# one\nrole vc \"VC # not a comment\" # two\n").unwrap();
    let texts: Vec<&str> = f.comments.iter().map(|c| c.node.as_str()).collect();
    assert_eq!(texts, [" one", " two"]);
}

#[test]
fn filters_and_no_within() {
    let c = when(
        "count(late where code in \"L\", \"T\" and weekday = monday and period in 1 .. 2 and minutes > 5 and authorized) > 1 or no account within 3 school_days after truancy where code = \"S\"",
    );
    let Cond::Or(parts, _) = c else {
        panic!("{c:?}")
    };
    let Cond::Compare(cmp) = &parts[0] else {
        panic!()
    };
    assert_eq!(cmp.left.filter.len(), 5);
    assert!(
        matches!(&cmp.left.filter[2], Filter::Period(NumFilter::Range(a, b, _)) if a.node == 1 && b.node == 2)
    );
    let Cond::NoWithin(nw) = &parts[1] else {
        panic!()
    };
    assert_eq!(nw.expected.node, "account");
    assert_eq!(nw.after.node, "truancy");
    assert_eq!(nw.after_filter.len(), 1);
    assert!(
        matches!(nw.deadline, Some(Deadline::Within(ref n, ref u)) if n.node == 3 && u.node == DayUnit::SchoolDays)
    );
    let c = when("no account by end of school_week after truancy");
    assert!(matches!(
        c,
        Cond::NoWithin(NoWithin {
            deadline: Some(Deadline::EndOfSchoolWeek(_)),
            ..
        })
    ));
    let c = when("no account after truancy");
    assert!(matches!(c, Cond::NoWithin(NoWithin { deadline: None, .. })));
}

#[test]
fn other_declarations() {
    let src = "ignore codes \"HV\"\nsignal account \"Verantwoording\" codes \"VA\"\ngroup minors \"x\" where age < 18 and location in \"Noord\", \"Zuid\"\nreclassify late where minutes > 20 as truancy instead\nexemption medical \"Medisch\" excludes sick,\n  ladder late from signal a until signal b\n";
    let it = items(src);
    assert!(matches!(&it[0], Item::Ignore(i) if i.reason.is_none() && i.codes.len() == 1));
    assert!(matches!(&it[1], Item::Signal(s) if s.codes.len() == 1));
    let Item::Group(g) = &it[2] else { panic!() };
    assert_eq!(g.conditions[1].values.len(), 2);
    assert_eq!(g.conditions[0].values[0].node, AttrValue::Number(18));
    let Item::Reclassify(r) = &it[3] else {
        panic!()
    };
    assert_eq!(
        (r.from.node.as_str(), r.to.node.as_str(), r.mode.node),
        ("late", "truancy", ReclassifyMode::Instead)
    );
    let Item::Exemption(e) = &it[4] else { panic!() };
    assert_eq!(
        e.excludes,
        [
            ExemptTarget::Kind(sp("sick".into())),
            ExemptTarget::Ladder(sp("late".into()))
        ]
    );
    assert_eq!(e.until_signal.as_ref().map(|s| s.node.as_str()), Some("b"));
}

/// `x`'s debug form without the positions of its spans: two sources that
/// differ only in layout or clause order lower to equal forms.
fn unspanned(x: &impl std::fmt::Debug) -> String {
    let text = format!("{x:?}");
    let mut out = String::with_capacity(text.len());
    let mut rest = text.as_str();
    while let Some(i) = rest.find("Span { start: ") {
        out.push_str(&rest[..i]);
        out.push_str("Span");
        rest = &rest[i..];
        rest = rest.find('}').map_or("", |j| &rest[j + 1..]);
    }
    out.push_str(rest);
    out
}

#[test]
fn a_scope_may_stand_before_or_after_the_trigger() {
    let body = "vc: \"x\"";
    for (before, after) in [
        (
            "per month when count(late) >= 3",
            "when count(late) >= 3 per month",
        ),
        ("since last L9 at 3", "at 3 since last L9"),
        ("per term t1 on account", "on account per term t1"),
    ] {
        assert_eq!(
            unspanned(&step_of(&ladder(before, body))),
            unspanned(&step_of(&ladder(after, body))),
            "{before}"
        );
    }
    let rule = |head: &str| items(&format!("rule R {head} {{\n  {body}\n}}\n")).remove(0);
    assert_eq!(
        unspanned(&rule("for g per month when count(late) >= 3 repeat")),
        unspanned(&rule("for g when count(late) >= 3 per month repeat"))
    );
    let law = |head: &str| {
        items(&format!(
            "law W \"t\" source \"s\" {head} {{\n  {body}\n}}\n"
        ))
        .remove(0)
    };
    assert_eq!(
        unspanned(&law("since last W when count(late) >= 3")),
        unspanned(&law("when count(late) >= 3 since last W"))
    );
    let Item::Rule(r) = rule("when count(late) >= 3 per school_week") else {
        panic!()
    };
    assert_eq!(r.step.scope.map(|s| s.node), Some(Scope::SchoolWeek));
}

#[test]
fn two_scopes_are_an_error() {
    for src in [
        ladder("per month at 3 per school_week", "vc: \"x\""),
        "rule R per month when count(late) >= 3 since last R {\n  vc: \"x\"\n}\n".to_string(),
    ] {
        let errs = parse(&src).unwrap_err();
        assert_eq!(errs.len(), 1, "{errs:?}");
        let SyntaxError::Unexpected { span, help, .. } = &errs[0] else {
            panic!("{errs:?}")
        };
        assert!(
            src[span.start..span.end].starts_with("per school_week")
                || src[span.start..span.end].starts_with("since last R"),
            "{span:?} in {src}"
        );
        assert!(help.contains("one scope"), "{help}");
    }
}

#[test]
fn ordinals_need_their_english_suffix() {
    use crate::syntax::ast::ordinal_suffix;
    let cases = [
        (0, "th"),
        (1, "st"),
        (2, "nd"),
        (3, "rd"),
        (4, "th"),
        (11, "th"),
        (12, "th"),
        (13, "th"),
        (21, "st"),
        (22, "nd"),
        (23, "rd"),
        (101, "st"),
        (111, "th"),
        (112, "th"),
    ];
    for (n, suffix) in cases {
        assert_eq!(ordinal_suffix(n), suffix, "{n}");
    }
    let nth = |head: &str| match step_of(&ladder(head, "vc: \"x\"")).trigger {
        Trigger::EveryNth { step, .. } => step.node,
        other => panic!("{other:?}"),
    };
    assert_eq!(nth("every 1st from 10"), 1);
    assert_eq!(nth("every 12th from 10"), 12);
    let errs = parse(&ladder("every 3th from 5", "vc: \"x\"")).unwrap_err();
    let SyntaxError::Unexpected { help, .. } = &errs[0] else {
        panic!("{errs:?}")
    };
    assert_eq!(help, "write `3rd`");
}

#[test]
fn a_byte_order_mark_is_skipped_and_spans_stay_right() {
    let src = "\u{feff}role vc \"V\"\n";
    let Item::Role(r) = items(src).remove(0) else {
        panic!()
    };
    assert_eq!(&src[r.id.span.start..r.id.span.end], "vc");
    assert_eq!(&src[r.span.start..r.span.end], "role vc \"V\"");
    let errs = parse("\u{feff}rol vc \"V\"\n").unwrap_err();
    assert_eq!(errs[0].span(), Span::new(3, 6), "{errs:?}");
    assert!(crate::syntax::parse_tests("\u{feff}tests \"p.verzuim\"\n").is_ok());
}

#[test]
fn rules_have_no_threshold_triggers() {
    // The checker relies on this: only ladder steps count thresholds.
    for trigger in [
        "at 3",
        "every registration",
        "every from 3",
        "every 2nd from 3",
        "each 3 .. 5",
    ] {
        let src = format!("rule R {trigger} {{\n  vc: \"x\"\n}}\n");
        assert!(parse(&src).is_err(), "{src}");
        let src = format!("law W source \"s\" {trigger} {{\n  vc: \"x\"\n}}\n");
        assert!(parse(&src).is_err(), "{src}");
    }
}

#[test]
fn precedence_lists_two_or_more_ladders() {
    let src = "precedence late_a, late_b,\n  late\n";
    let Item::Precedence(p) = items(src).remove(0) else {
        panic!()
    };
    let ids: Vec<&str> = p.ladders.iter().map(|l| l.node.as_str()).collect();
    assert_eq!(ids, ["late_a", "late_b", "late"]);
    assert_eq!(&src[p.ladders[2].span.start..p.ladders[2].span.end], "late");
    assert_eq!(&src[p.span.start..p.span.end], src.trim_end());
    // One ladder is no precedence; a broken one resynchronises at the next
    // declaration.
    assert!(parse("precedence late\n").is_err());
    let errs = parse("precedence late\nprecedence a b\nrole vc \"V\"\n").unwrap_err();
    assert_eq!(errs.len(), 2, "{errs:?}");
}
