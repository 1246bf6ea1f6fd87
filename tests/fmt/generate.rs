//! A proptest strategy for random but valid policy texts that use every
//! construct of the language, in a random layout with comments between
//! tokens.
//!
//! Each construct is a template of tokens separated by single spaces (a
//! string literal is one token, escapes and all); [`policy`] joins the
//! tokens with random separators: spaces, tabs, line breaks, blank lines
//! and comments, wherever the grammar allows whitespace.

use proptest::prelude::*;
use proptest::sample::select;

type S = BoxedStrategy<String>;

/// `Some(x)` or nothing, as text.
fn maybe(s: S) -> S {
    proptest::option::of(s)
        .prop_map(Option::unwrap_or_default)
        .boxed()
}

/// One of the given texts.
fn one(xs: &'static [&'static str]) -> S {
    select(xs).prop_map(String::from).boxed()
}

/// The school's codes of a kind.
fn codes(kind: &str) -> &'static [&'static str] {
    match kind {
        "late" => &["\"L\"", "\"T\""],
        "sick" => &["\"Z\""],
        _ => &["\"S\""],
    }
}

fn kind() -> S {
    one(&["late", "sick", "truancy"])
}

/// The filters of one category (a category appears at most once in a
/// `where`).
fn filter(kind: &str, category: usize) -> S {
    let codes = codes(kind);
    match category {
        0 => prop_oneof![
            Just(format!("code = {}", codes[0])),
            Just(format!("code in {}", codes.join(" , "))),
        ]
        .boxed(),
        1 => one(&["authorized", "unauthorized"]),
        2 => one(&[
            "weekday = monday",
            "weekday in monday , friday",
            "weekday in tuesday , wednesday , thursday",
        ]),
        3 => one(&["period > 2", "period in 1 .. 4", "period <= 6"]),
        _ => one(&["minutes >= 10", "minutes in 5 .. 30"]),
    }
}

/// ` where F and F`, or nothing.
fn filters(kind: &str) -> S {
    let kind = kind.to_string();
    proptest::sample::subsequence(vec![0, 1, 2, 3, 4], 0..3)
        .prop_shuffle()
        .prop_flat_map(move |cats| {
            let fs: Vec<S> = cats.into_iter().map(|c| filter(&kind, c)).collect();
            fs.prop_map(|fs| {
                if fs.is_empty() {
                    String::new()
                } else {
                    format!("where {}", fs.join(" and "))
                }
            })
        })
        .boxed()
}

/// A measure function and the unit of its literals.
const MEASURES: &[(&str, &str)] = &[
    ("count", "registrations"),
    ("lesson_hours", "lesson_hours"),
    ("clock_hours", "clock_hours"),
    ("days", "school_days"),
    ("streak", "school_days"),
    ("full_day_streak", "school_days"),
    ("episodes", "episodes"),
    ("share", "%"),
];

/// A measure of one of [`MEASURES`].
fn measure_of(func: &'static str) -> S {
    let window = maybe(one(&[
        "within 4 school_weeks",
        "within 5 school_days",
        "within 28 days",
    ]));
    (kind(), any::<bool>(), window)
        .prop_flat_map(move |(kind, same, window)| {
            let weekday = same && matches!(func, "days" | "episodes");
            filters(&kind).prop_map(move |f| {
                let same = if weekday { "on same weekday" } else { "" };
                format!("{func} ( {kind} {f} ) {same} {window}")
            })
        })
        .boxed()
}

/// Any measure.
fn measure() -> S {
    select(MEASURES)
        .prop_flat_map(|(func, _)| measure_of(func))
        .boxed()
}

/// `MEASURE OP VALUE [UNIT]` or `MEASURE OP MEASURE` (same function, so
/// the units agree).
fn comparison() -> S {
    select(MEASURES)
        .prop_flat_map(|(func, unit)| {
            (
                measure_of(func),
                one(&[">", ">=", "<", "<=", "="]),
                one(&["1", "3", "16", "0.5", "2.25"]),
                any::<bool>(),
                proptest::option::weighted(0.2, measure_of(func)),
            )
                .prop_map(move |(m, op, value, with_unit, other)| match other {
                    Some(o) => format!("{m} {op} {o}"),
                    None if with_unit || unit == "%" => format!("{m} {op} {value} {unit}"),
                    None => format!("{m} {op} {value}"),
                })
        })
        .boxed()
}

/// A condition and its precedence (0: `or`, 1: `and`, 2: an atom).
fn cond() -> BoxedStrategy<(String, u8)> {
    let leaf = prop_oneof![
        4 => comparison(),
        1 => one(&["fired ( B1 )", "fired ( B2 )"]),
        1 => (one(&["s_end", "late"]), one(&[
            "within 3 school_days",
            "within 10 days",
            "by end of school_week"
        ]), kind())
            .prop_flat_map(|(expected, deadline, after)| {
                filters(&after).prop_map(move |f| {
                    format!("no {expected} {deadline} after {after} {f}")
                })
            }),
    ]
    .prop_map(|c| (c, 2));
    leaf.prop_recursive(3, 12, 3, |inner| {
        let wrap = |(c, p): (String, u8), min: u8| {
            if p < min { format!("( {c} )") } else { c }
        };
        prop_oneof![
            (inner.clone(), inner.clone())
                .prop_map(move |(a, b)| (format!("{} and {}", wrap(a, 1), wrap(b, 1)), 1)),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| (format!("{} or {}", a.0, b.0), 0)),
            inner
                .clone()
                .prop_map(move |a| (format!("not {}", wrap(a, 2)), 2)),
            inner.prop_map(|a| (format!("( {} )", a.0), 2)),
        ]
    })
    .boxed()
}

fn cond_text() -> S {
    cond().prop_map(|(c, _)| c).boxed()
}

/// ` when C`, or nothing.
fn when() -> S {
    maybe(cond_text().prop_map(|c| format!("when {c}")).boxed())
}

/// The trigger of the `i`th step of a ladder (thresholds grow with `i`).
fn step_trigger(i: usize) -> S {
    let n = 3 * (i + 1);
    prop_oneof![
        (one(&["when", "or"]), cond_text(), any::<bool>()).prop_map(move |(j, c, plain)| {
            if plain {
                format!("at {n}")
            } else {
                format!("at {n} {j} {c}")
            }
        }),
        when().prop_map(move |w| format!("every from {n} {w}")),
        (one(&["2nd", "3rd", "4th", "21st"]), when())
            .prop_map(move |(k, w)| format!("every {k} from {n} {w}")),
        when().prop_map(move |w| format!("each {n} .. {} {w}", n + 2)),
        Just("every registration".to_string()),
        cond_text().prop_map(|c| format!("when {c}")),
        Just("on s_start".to_string()),
    ]
    .boxed()
}

fn scope() -> S {
    one(&[
        "per school_year",
        "per term t1",
        "per term t2",
        "per month",
        "per school_week",
        "since last B1",
    ])
}

/// `[repeat] [at most once per N UNIT]`.
fn repeat_throttle() -> S {
    (
        any::<bool>(),
        maybe(one(&[
            "at most once per 7 days",
            "at most once per 14 school_days",
        ])),
    )
        .prop_map(|(r, t)| format!("{} {t}", if r { "repeat" } else { "" }))
        .boxed()
}

/// `[scope] [repeat] [throttle]` of a step; `repeat` and a throttle only
/// after `at` and `when` (the other triggers repeat by themselves).
fn step_tail(trigger: &str) -> S {
    let repeats = trigger.starts_with("at ") || trigger.starts_with("when ");
    let rt = if repeats {
        repeat_throttle()
    } else {
        Just(String::new()).boxed()
    };
    (maybe(scope()), rt)
        .prop_map(|(s, rt)| format!("{s} {rt}"))
        .boxed()
}

const TEXTS: &[&str] = &[
    "\"Doet iets\"",
    "\"Met \\\"aanhalingstekens\\\" en een \\\\ streep\"",
    "\"Ünïcödé ✓ — vóór de uitnodiging\"",
    "\"# geen commentaar\"",
    "\"\"",
];

/// One action without labels; `(text, is the first action labelled)`.
fn action() -> S {
    (
        any::<bool>(),
        one(&[
            "vc",
            "vc or mentor",
            "mentor and parents",
            "vc or mentor or parents",
        ]),
        one(&[
            "",
            "inform parents",
            "inform parents , mentor",
            "mail parents",
            "appointment",
            "appointment with parents , mentor",
            "sanction",
            "make_up 2 x",
            "make_up 1.5 x",
            "duo_report",
            "referral vc",
        ]),
        one(TEXTS),
        any::<bool>(),
        maybe(one(&["cc mentor", "cc mentor , parents"])),
        maybe(one(&["within 3 school_days", "within 5 days"])),
    )
        .prop_map(|(optional, roles, kind, text, time, cc, due)| {
            let optional = if optional { "optional" } else { "" };
            let time = if time && kind == "sanction" {
                "at 08:00 for 30 minutes"
            } else {
                ""
            };
            format!("{optional} {roles} : {kind} {text} {time} {cc} {due}")
        })
        .boxed()
}

/// `{ actions }`, the first maybe `as first`, later ones maybe `after first`.
fn block() -> S {
    (
        proptest::collection::vec((action(), any::<bool>()), 1..4),
        any::<bool>(),
    )
        .prop_map(|(actions, labelled)| {
            let lines: Vec<String> = actions
                .into_iter()
                .enumerate()
                .map(|(i, (a, after))| match i {
                    0 if labelled => format!("{a} as first"),
                    _ if labelled && after && i > 0 => format!("{a} after first"),
                    _ => a,
                })
                .collect();
            format!("{{ {} }}", lines.join(" "))
        })
        .boxed()
}

fn title() -> S {
    maybe(one(&[
        "\"Titel\"",
        "\"Een \\\"titel\\\" met een heel lange naam die de regel over de honderd tekens duwt\"",
    ]))
}

/// The `i`th step of ladder `j`.
fn step(j: usize, i: usize) -> S {
    (title(), step_trigger(i), block())
        .prop_flat_map(move |(t, trig, b)| {
            step_tail(&trig).prop_map(move |tail| format!("step L{j}S{i} {t} {trig} {tail} {b}"))
        })
        .boxed()
}

/// Ladder `j` with 1–3 steps; ladder 0 excludes group `g`.
fn ladder(j: usize) -> S {
    let counts = prop_oneof![
        kind().prop_map(|k| format!("counts {k}")),
        measure().prop_map(|m| format!("counts {m}")),
    ];
    let selector = if j == 0 {
        Just("except g".to_string()).boxed()
    } else {
        maybe(one(&["for g", "except g"]))
    };
    (title(), counts, maybe(scope()), selector, 1..4usize)
        .prop_flat_map(move |(t, c, s, sel, n)| {
            let steps: Vec<S> = (0..n).map(|i| step(j, i)).collect();
            steps.prop_map(move |steps| {
                format!("ladder lad{j} {t} {c} {s} {sel} {{ {} }}", steps.join(" "))
            })
        })
        .boxed()
}

/// A variant of ladder 0 for group `g`, and maybe a `precedence` of the
/// two (empty if none).
fn variant() -> BoxedStrategy<(String, String)> {
    let precedence = maybe(one(&["precedence lad0v , lad0", "precedence lad0 , lad0v"]));
    (block(), precedence)
        .prop_map(|(b, p)| {
            let ladder =
                format!("ladder lad0v \"Variant\" for g extends lad0 {{ step L0S0 at 2 {b} }}");
            (ladder, p)
        })
        .boxed()
}

/// `rule` or `law` number `j`.
fn rule(j: usize) -> S {
    let trigger = prop_oneof![
        3 => cond_text().prop_map(|c| format!("when {c}")),
        1 => one(&["on s_start", "on late"]),
    ];
    (
        any::<bool>(),
        title(),
        maybe(one(&["for g", "except g"])),
        maybe(scope()),
        trigger,
        repeat_throttle(),
        block(),
    )
        .prop_map(move |(law, t, sel, scope, trig, tail, b)| {
            let tail = if trig.starts_with("on ") {
                String::new()
            } else {
                tail
            };
            if law {
                format!(
                    "law W{j} {t} source \"Leerplichtwet 1969\" {sel} {scope} {trig} {tail} {b}"
                )
            } else {
                format!("rule R{j} {t} {sel} {scope} {trig} {tail} {b}")
            }
        })
        .boxed()
}

fn calendar() -> S {
    let periods = one(&[
        "periods monday .. friday 1 .. 8",
        "periods monday , tuesday , wednesday , thursday , friday 1 .. 8",
        "periods monday .. thursday 1 .. 8 periods friday 1 .. 6",
    ]);
    let frees = maybe(one(&[
        "free \"Herfstvakantie\" 2022-10-15 .. 2022-10-23 free \"Goede Vrijdag\" 2023-04-07",
    ]));
    (periods, frees)
        .prop_map(|(p, f)| {
            format!(
                "calendar \"Kalender \\\"Noord\\\"\" {{ school_year 2022-08-29 .. 2023-07-21 \
                 lesson_hour 50 minutes {p} {f} \
                 term t1 \"P1\" 2022-08-29 .. 2022-11-18 \
                 term t2 \"P2\" 2022-11-21 .. 2023-02-24 }}"
            )
        })
        .boxed()
}

/// The declarations of a policy, one string each.
fn items() -> BoxedStrategy<Vec<String>> {
    let group = one(&[
        "group g \"Groep\"",
        "group g \"Groep\" where age < 18 and location in \"Noord\" , \"Zuid\"",
        "group g \"Groep\" where grade = \"4\"",
    ]);
    let reclassify = maybe(one(&[
        "reclassify late where minutes > 20 as truancy instead",
        "reclassify late as truancy also",
    ]));
    let exemption = maybe(one(&[
        "exemption ex \"Vrijstelling\" excludes sick , ladder lad0 from signal s_start until signal s_end",
        "exemption ex \"Vrijstelling\" excludes sick",
    ]));
    let ignore = maybe(one(&[
        "ignore \"Vergeten\" codes \"HV\" , \"BV\"",
        "ignore codes \"HV\"",
    ]));
    let ladders = (1..3usize).prop_flat_map(|n| (0..n).map(ladder).collect::<Vec<S>>());
    let rules = (0..3usize).prop_flat_map(|n| (0..n).map(rule).collect::<Vec<S>>());
    let variant = proptest::option::of(variant());
    (calendar(), group, reclassify, exemption, ignore, ladders, variant, rules)
        .prop_map(|(cal, group, recl, ex, ignore, ladders, variant, rules)| {
            let mut items: Vec<String> = [
                "policy \"Gegenereerd\" school \"G\" school_year 2022-2023",
                "role vc \"Verzuimcoördinator\"",
                "role mentor \"Mentor\"",
                "role parents \"Ouders\"",
                "event late \"Te laat\" unauthorized codes \"L\" , \"T\" authorized",
                "event sick \"Ziek\" authorized codes \"Z\"",
                "event truancy \"Spijbelen\" unauthorized codes \"S\"",
                "signal s_start \"Start\" codes \"VS\"",
                "signal s_end \"Einde\"",
                "ladder base counts late { step B1 at 100 { vc : \"b1\" } step B2 at 200 { vc : \"b2\" } }",
            ]
            .map(String::from)
            .to_vec();
            items.insert(1, cal);
            items.extend([ignore, group, recl, ex]);
            items.extend(ladders);
            let (variant, precedence) = variant.unwrap_or_default();
            items.push(variant);
            items.extend(rules);
            items.push(precedence);
            items.retain(|i| !i.trim().is_empty());
            items
        })
        .boxed()
}

/// The tokens of a template: split at spaces, a string literal whole.
fn tokens(template: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let (mut in_string, mut escaped) = (false, false);
    for c in template.chars() {
        match c {
            ' ' if !in_string => {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
                continue;
            }
            '"' if !escaped => in_string = !in_string,
            _ => {}
        }
        escaped = in_string && c == '\\' && !escaped;
        cur.push(c);
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// Joins `items` with separators chosen by `seps` (cycled): inside an item
/// mostly a space, sometimes a tab, a line break, a blank line or a
/// comment; between items a line break, a blank line or comments.
fn layout(items: &[String], seps: &[u8]) -> String {
    let mut out = String::new();
    let mut n = 0usize;
    let mut next = |out: &mut String, between_items: bool| {
        let choice = seps.get(n % seps.len().max(1)).copied().unwrap_or(0);
        n += 1;
        let sep = match (between_items, choice) {
            (true, 0..=3) => "\n".to_string(),
            (true, 4..=6) => "\n\n".to_string(),
            (true, 7) => format!("\n# c{n}\n"),
            (true, _) => format!("   # c{n}\n\n# d{n}  \n\n"),
            (false, 0..=7) => " ".to_string(),
            (false, 8) => "\t".to_string(),
            (false, 9) => "\n".to_string(),
            (false, 10) => "\n\n    ".to_string(),
            (false, 11) => format!("  # c{n}\n"),
            (false, _) => format!("\n# c{n}\n  "),
        };
        out.push_str(&sep);
    };
    next(&mut out, true);
    for item in items {
        for (i, t) in tokens(item).iter().enumerate() {
            if i > 0 {
                next(&mut out, false);
            }
            out.push_str(t);
        }
        next(&mut out, true);
    }
    out
}

/// A random valid policy using every construct over its cases, in a random
/// layout with comments.
pub fn policy() -> S {
    (items(), proptest::collection::vec(0u8..14, 97))
        .prop_map(|(items, seps)| layout(&items, &seps))
        .boxed()
}
