//! Invariants of the interpreter over generated school years:
//! - the incremental evaluation equals the reference (scanning) semantics;
//! - the result does not depend on the order of the input rows;
//! - a once-per-scope step fires at most once per student and scope instance;
//! - every action has its own ID.

use proptest::prelude::*;
use std::collections::BTreeMap;
use std::path::Path;
use verzuim::check::{Loaded, load};
use verzuim::eval::{RunOptions, RunResult, Stream, run};
use verzuim::generate::{GenKinds, GenOptions, write_events};
use verzuim::io::events::parse_events;
use verzuim::model::{Policy, Thresholds, TriggerDef};

fn mlg() -> Policy {
    match load(Path::new("policies/mlg/2022-2023.verzuim")) {
        Ok(Loaded::Policy { policy, .. }) => policy,
        _ => panic!("the MLG policy must load"),
    }
}

fn generated(policy: &Policy, students: u32, seed: u64) -> verzuim::eval::Registrations {
    let kinds = GenKinds::from_policy(policy).expect("MLG has the generator's kinds");
    let mut csv = Vec::new();
    write_events(
        &mut csv,
        &policy.calendar,
        &kinds,
        GenOptions { students, seed },
    )
    .expect("writing to memory");
    let text = String::from_utf8(csv).expect("utf-8");
    parse_events(policy, "generated.csv", &text, 0).expect("generated data is valid")
}

fn lines(r: &RunResult) -> Vec<String> {
    r.actions
        .iter()
        .map(|a| serde_json::to_string(a).expect("serializable"))
        .collect()
}

#[test]
fn incremental_evaluation_equals_reference() {
    let policy = mlg();
    for seed in [1, 2, 3] {
        let regs = generated(&policy, 120, seed);
        let fast = run(&policy, &regs, None, &RunOptions::default());
        let slow = run(
            &policy,
            &regs,
            None,
            &RunOptions {
                reference: true,
                ..RunOptions::default()
            },
        );
        assert!(!fast.actions.is_empty());
        assert_eq!(lines(&fast), lines(&slow), "seed {seed}");
        assert_eq!(fast.summary, slow.summary);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 8, ..ProptestConfig::default() })]

    #[test]
    fn input_order_does_not_matter(seed in 0u64..1000, shuffle in any::<u64>()) {
        let policy = mlg();
        let regs = generated(&policy, 40, seed);
        let mut shuffled = regs.clone();
        // A deterministic Fisher–Yates shuffle driven by `shuffle`.
        let mut x = shuffle | 1;
        for i in (1..shuffled.rows.len()).rev() {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            shuffled.rows.swap(i, (x % (i as u64 + 1)) as usize);
        }
        let a = run(&policy, &regs, None, &RunOptions::default());
        let b = run(&policy, &shuffled, None, &RunOptions::default());
        prop_assert_eq!(lines(&a), lines(&b));
    }

    #[test]
    fn action_ids_are_unique(seed in 0u64..1000) {
        let policy = mlg();
        let regs = generated(&policy, 60, seed);
        let result = run(&policy, &regs, None, &RunOptions::default());
        let mut seen = std::collections::BTreeSet::new();
        for a in &result.actions {
            prop_assert!(seen.insert(a.id.clone()), "duplicate id {}", a.id);
        }
    }

    #[test]
    fn once_per_scope_steps_fire_at_most_once(seed in 0u64..1000) {
        let policy = mlg();
        let regs = generated(&policy, 60, seed);
        let result = run(&policy, &regs, None, &RunOptions::default());
        let mut firings: BTreeMap<(String, String, String), u32> = BTreeMap::new();
        for a in result.actions.iter().filter(|a| a.action_index == 0) {
            let step = &policy.steps[a.step_index];
            let once = !step.repeat
                && match &step.trigger {
                    TriggerDef::Threshold { thresholds, .. } => matches!(thresholds, Thresholds::At(_)),
                    TriggerDef::When(_) => true,
                    TriggerDef::PerRegistration { .. } => false,
                };
            if once {
                // The identity's instance part is everything between the
                // student and the action suffix.
                let instance = a.id.rsplit_once('/').map(|x| x.0.to_string()).unwrap_or_default();
                *firings.entry((a.step.clone(), a.student.clone(), instance)).or_default() += 1;
            }
        }
        for (key, n) in firings {
            prop_assert_eq!(n, 1, "{:?} fired {} times", key, n);
        }
    }
}

/// The actions of a [`Stream`] with `shards` shards, fed date by date.
fn streamed(
    policy: &Policy,
    regs: &verzuim::eval::Registrations,
    shards: usize,
) -> (Vec<String>, verzuim::eval::RunSummary) {
    let mut stream = Stream::with_shards(policy, None, RunOptions::default(), shards);
    stream.add_students(regs.students.iter().cloned());
    let mut rows = regs.rows.clone();
    rows.sort_by_key(|r| r.date);
    let mut out = Vec::new();
    for day in rows.chunk_by(|a, b| a.date == b.date) {
        out.extend(stream.push(day[0].date, day.to_vec()));
    }
    let (rest, summary) = stream.finish();
    out.extend(rest);
    let lines = out
        .iter()
        .map(|a| serde_json::to_string(a).expect("serializable"))
        .collect();
    (lines, summary)
}

#[test]
fn streaming_on_any_number_of_shards_equals_the_buffered_run() {
    // 3,000 students make dates large enough to be split over threads.
    let policy = mlg();
    let regs = generated(&policy, 3000, 11);
    let buffered = run(&policy, &regs, None, &RunOptions::default());
    assert!(!buffered.actions.is_empty());
    for shards in [1, 2, 3, 8] {
        let (lines_s, summary) = streamed(&policy, &regs, shards);
        assert!(lines_s == lines(&buffered), "{shards} shards");
        assert_eq!(summary.registrations, buffered.summary.registrations);
        assert_eq!(summary.students, buffered.summary.students);
        assert_eq!(
            summary.missing_data_days,
            buffered.summary.missing_data_days
        );
    }
}
