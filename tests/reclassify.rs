//! Reclassifications do not chain: each `reclassify` line applies to a
//! registration's kind as read, never to a kind another line gave it, so
//! the order of the lines does not matter (docs/language.md#reclassify).

use std::path::Path;
use verzuim::check::{Loaded, check_source};
use verzuim::eval::{RunOptions, run};
use verzuim::io::events::parse_events;

/// A policy with the two `reclassify` lines in the given order.
fn policy(lines: [&str; 2]) -> verzuim::model::Policy {
    let src = format!(
        r#"policy "Herindeling" school "T" school_year 2022-2023
use calendar "policies/calendars/noord-2022-2023.verzuim"
role vc "Verzuimcoördinator"
event late    "Te laat"     unauthorized codes "L"
event truancy "Spijbelen"   unauthorized codes "S"
event removal "Uitgestuurd" unauthorized codes "U"
{}
{}
rule T when count(truancy) >= 1 {{ vc: "Spijbelen" }}
rule U when count(removal) >= 1 {{ vc: "Uitgestuurd" }}
"#,
        lines[0], lines[1]
    );
    match check_source(Path::new("reclassify.verzuim"), &src) {
        Ok(Loaded::Policy { policy, .. }) => policy,
        _ => panic!("the policy must check:\n{src}"),
    }
}

/// The steps that fire, as `step student date`.
fn fired(lines: [&str; 2], events: &str) -> Vec<String> {
    let p = policy(lines);
    let regs = parse_events(&p, "events.csv", events, 0).expect("valid events");
    run(&p, &regs, None, &RunOptions::default())
        .actions
        .iter()
        .map(|a| format!("{} {} {}", a.step, a.student, a.triggered_on))
        .collect()
}

#[test]
fn reclassifications_do_not_chain_and_their_order_does_not_matter() {
    let late = "reclassify late where minutes > 20 as truancy instead";
    let truancy = "reclassify truancy as removal also";
    let events = "student,date,period,kind,minutes\n\
                  S1,2022-09-05,1,late,30\n\
                  S2,2022-09-06,1,truancy,\n";
    // S1's late arrival counts as truancy, not as removal too; S2's truant
    // lesson counts as both.
    let expected = ["T S1 2022-09-05", "T S2 2022-09-06", "U S2 2022-09-06"];
    assert_eq!(fired([late, truancy], events), expected);
    assert_eq!(fired([truancy, late], events), expected);
}
