//! Checker tests: every fixture under `tests/fixtures/check/` is checked and
//! its rendered diagnostics (or, for a valid file, its warnings and a short
//! summary) snapshotted; every policy under `policies/` must load.

use std::path::{Path, PathBuf};
use verzuim::check::{self, LoadError, Loaded};
use verzuim::diagnostics::{self, ErrorFormat};
use verzuim::model::{ActionKindDef, MeasureDef, Policy, TriggerDef};

/// Renders reports as a person sees them: no colour, 100 columns.
fn render(reports: &[miette::Report]) -> String {
    reports
        .iter()
        .map(|r| diagnostics::render(r, ErrorFormat::Human, 100, false))
        .collect::<Vec<_>>()
        .join("\n")
}

/// `path` relative to the crate root, so snapshots name files portably.
fn relative(path: &Path) -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    path.strip_prefix(root).unwrap_or(path).to_path_buf()
}

fn outcome(path: &Path) -> String {
    let src = std::fs::read_to_string(path).unwrap();
    match check::check_source(&relative(path), &src) {
        Ok(Loaded::Policy { policy, warnings }) => {
            let ids: Vec<&str> = policy.steps.iter().map(|s| s.id.as_str()).collect();
            format!(
                "ok: policy with steps {}\n{}",
                ids.join(" "),
                render(&warnings)
            )
        }
        Ok(Loaded::Calendar { calendar, warnings }) => format!(
            "ok: calendar with {} school days\n{}",
            calendar.num_school_days(),
            render(&warnings)
        ),
        Err(LoadError::Invalid(reports)) => render(&reports),
        Err(LoadError::Io { path, error }) => format!("io error: {}: {error}", path.display()),
    }
}

#[test]
fn fixtures() {
    insta::glob!("fixtures/check/*.verzuim", |path| {
        insta::assert_snapshot!(outcome(path));
    });
}

fn load_policy(path: &str) -> Policy {
    match check::load(Path::new(path)) {
        Ok(Loaded::Policy { policy, warnings }) => {
            assert!(warnings.is_empty(), "{path}: {}", render(&warnings));
            policy
        }
        Ok(Loaded::Calendar { .. }) => panic!("{path}: a calendar, not a policy"),
        Err(LoadError::Invalid(r)) => panic!("{path}:\n{}", render(&r)),
        Err(LoadError::Io { error, .. }) => panic!("{path}: {error}"),
    }
}

fn verzuim_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let p = entry.unwrap().path();
        if p.is_dir() {
            verzuim_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "verzuim")
            // Test files are run by tests/policy_tests.rs.
            && !verzuim::syntax::is_test_file(&p)
        {
            out.push(p);
        }
    }
}

#[test]
fn every_shipped_policy_and_calendar_loads_without_warnings() {
    let mut files = Vec::new();
    verzuim_files(Path::new("policies"), &mut files);
    assert!(
        files.len() >= 2,
        "expected the shipped policies, found {files:?}"
    );
    for f in files {
        match check::load(&f) {
            Ok(Loaded::Policy { warnings, .. } | Loaded::Calendar { warnings, .. }) => {
                assert!(
                    warnings.is_empty(),
                    "{}: {}",
                    f.display(),
                    render(&warnings)
                );
            }
            Err(LoadError::Invalid(r)) => panic!("{}:\n{}", f.display(), render(&r)),
            Err(LoadError::Io { error, .. }) => panic!("{}: {error}", f.display()),
        }
    }
}

#[test]
fn mlg_model_has_the_expected_calendar_and_steps() {
    let p = load_policy("policies/mlg/2022-2023.verzuim");
    assert_eq!(p.calendar.num_school_days(), 200);
    assert_eq!(p.calendar.num_school_weeks(), 41);
    assert_eq!(p.school_year_label(), "2022-2023");
    let ids: Vec<&str> = p.steps.iter().map(|s| s.id.as_str()).collect();
    let expected = "L3 L6 L9 L10 Z1 Z2 Z3 Z4 Z5 T1 T5 T6 T7 U3 U6 U7 U9 U12 N1 \
                    N2-late N2-sick N2-truancy N2-removal N3 LAW16";
    assert_eq!(ids.join(" "), expected);
    for (i, l) in p.ladders.iter().enumerate() {
        for s in &l.steps {
            assert_eq!(
                p.steps[*s].ladder,
                Some(i),
                "step {} of {}",
                p.steps[*s].id,
                l.id
            );
        }
    }
}

#[test]
fn mlg_measures_are_deduplicated() {
    let p = load_policy("policies/mlg/2022-2023.verzuim");
    for (i, a) in p.measures.iter().enumerate() {
        for b in &p.measures[..i] {
            assert_ne!(a, b, "measure {i} is listed twice");
        }
    }
    // `count(late)` is the `late` ladder's counts, U9's and N3's condition:
    // one measure.
    let late = p.kind_by_name("late").unwrap();
    let count_late = MeasureDef {
        func: verzuim::syntax::ast::MeasureFn::Count,
        kind: late,
        filter: Default::default(),
        same_weekday: false,
        window: None,
    };
    let id = p.measures.iter().position(|m| *m == count_late).unwrap();
    let ladder = p.ladders.iter().find(|l| l.id == "late").unwrap();
    assert_eq!(ladder.counts, Some(id));
    let n3 = p.steps.iter().find(|s| s.id == "N3").unwrap();
    let TriggerDef::When(cond) = &n3.trigger else {
        panic!("N3 is a `when` rule")
    };
    assert!(format!("{cond:?}").contains(&format!("left: {id},")));
}

#[test]
fn mlg_model_resolves_the_details() {
    let p = load_policy("policies/mlg/2022-2023.verzuim");
    let step = |id: &str| p.steps.iter().find(|s| s.id == id).unwrap();
    // T1: every registration of the counted measure's kind.
    let truancy = p.kind_by_name("truancy").unwrap();
    assert!(
        matches!(step("T1").trigger, TriggerDef::PerRegistration { kind, .. } if kind == truancy)
    );
    // Z3: `on` a signal.
    let sa = p.kind_by_name("special_arrangement").unwrap();
    assert!(p.kinds[sa].signal);
    assert!(matches!(step("Z3").trigger, TriggerDef::PerRegistration { kind, .. } if kind == sa));
    // T7: `at 7 or …`.
    assert!(matches!(
        step("T7").trigger,
        TriggerDef::Threshold {
            extra: Some((verzuim::syntax::ast::Junction::Or, _)),
            ..
        }
    ));
    // LAW16: since its own last firing.
    let law = p.steps.iter().position(|s| s.id == "LAW16").unwrap();
    assert_eq!(
        step("LAW16").scope,
        verzuim::model::ScopeDef::SinceStep(law)
    );
    assert!(step("LAW16").law);
    // L9: the LPA appointment is ordered after the parents are informed.
    let l9 = &step("L9").actions;
    assert_eq!(l9[3].after, Some(1));
    assert!(matches!(l9[0].kind, ActionKindDef::Inform(_)));
    // Codes: own marking, inherited marking, ignored.
    use verzuim::model::CodeMeaning;
    use verzuim::syntax::ast::Authorization::*;
    let late = p.kind_by_name("late").unwrap();
    assert_eq!(p.codes["T"], CodeMeaning::Kind(late, Authorized));
    assert_eq!(p.codes["L"], CodeMeaning::Kind(late, Unauthorized));
    assert_eq!(p.codes["HV"], CodeMeaning::Ignored);
    // N2 ladders follow only the group; the others exclude it.
    let group = p
        .groups
        .iter()
        .position(|g| g.id == "previous_year_high")
        .unwrap();
    assert_eq!(
        step("N2-late").selector.map(|s| (s.except, s.group)),
        Some((false, group))
    );
    assert_eq!(
        step("L3").selector.map(|s| (s.except, s.group)),
        Some((true, group))
    );
    assert_eq!(step("N1").selector, None);
}

#[test]
fn variant_ladders_copy_and_replace_base_steps() {
    let p = load_policy_fixture("tests/fixtures/check/valid-variant.verzuim");
    let ids: Vec<&str> = p.steps.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids.join(" "), "L3 L6 L3 L6 L12 LAW16 N1");
    let v = &p.ladders[1];
    assert_eq!(v.steps, vec![2, 3, 4]);
    assert_eq!(v.title, "Te laat (veel verzuim)");
    // The copy of L6 counts the variant's own (inherited) measure and
    // follows the variant's selector, not the base's.
    assert_eq!(p.steps[3].ladder, Some(1));
    assert_eq!(p.steps[3].selector.map(|s| s.except), Some(false));
    assert_eq!(p.steps[1].selector.map(|s| s.except), Some(true));
    assert_eq!(p.steps[3].actions, p.steps[1].actions);
    assert_eq!(p.steps[2].actions.len(), 1);
}

fn load_policy_fixture(path: &str) -> Policy {
    let src = std::fs::read_to_string(path).unwrap();
    match check::check_source(Path::new(path), &src) {
        Ok(Loaded::Policy { policy, .. }) => policy,
        Ok(_) => panic!("{path}: not a policy"),
        Err(LoadError::Invalid(r)) => panic!("{path}:\n{}", render(&r)),
        Err(LoadError::Io { error, .. }) => panic!("{path}: {error}"),
    }
}

#[test]
fn misspelt_role_in_mlg_is_located_and_suggests_mentor() {
    let path = "tests/fixtures/check/mlg-misspelt-role.verzuim";
    let src = std::fs::read_to_string(path).unwrap();
    let Err(LoadError::Invalid(reports)) = check::check_source(Path::new(path), &src) else {
        panic!("expected errors")
    };
    assert_eq!(reports.len(), 1, "{}", render(&reports));
    let r = &reports[0];
    assert_eq!(r.to_string(), "unknown role `mentr`");
    assert_eq!(
        r.code().unwrap().to_string(),
        "verzuim::check::unknown-role"
    );
    assert_eq!(r.help().unwrap().to_string(), "did you mean `mentor`?");
    let label = r.labels().unwrap().next().unwrap();
    assert_eq!(&src[label.offset()..label.offset() + label.len()], "mentr");
}

#[test]
fn a_calendar_file_loads_as_a_calendar() {
    match check::load(Path::new("policies/calendars/noord-2022-2023.verzuim")) {
        Ok(Loaded::Calendar { calendar, warnings }) => {
            assert!(warnings.is_empty());
            assert_eq!(calendar.num_school_days(), 200);
            assert_eq!(calendar.terms.len(), 3);
        }
        _ => panic!("expected a calendar"),
    }
}

#[test]
fn a_missing_file_is_an_io_error() {
    let r = check::load(Path::new("policies/nowhere.verzuim"));
    assert!(matches!(r, Err(LoadError::Io { .. })));
}

mod robustness {
    use super::*;
    use proptest::prelude::*;

    const MLG: &str = "policies/mlg/2022-2023.verzuim";

    /// The MLG policy with one line removed and another duplicated.
    fn mutate(src: &str, remove: usize, dup: usize) -> String {
        let lines: Vec<&str> = src.lines().collect();
        let (remove, dup) = (remove % lines.len(), dup % lines.len());
        let mut out = Vec::new();
        for (i, l) in lines.iter().enumerate() {
            if i != remove {
                out.push(*l);
            }
            if i == dup {
                out.push(*l);
            }
        }
        out.join("\n")
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]
        /// Checking never panics, and a rejected file always says why.
        #[test]
        fn edited_policies_are_checked_without_panics(remove in 0usize..400, dup in 0usize..400) {
            let src = std::fs::read_to_string(MLG).unwrap();
            let edited = mutate(&src, remove, dup);
            match check::check_source(Path::new(MLG), &edited) {
                Ok(_) => {}
                Err(LoadError::Invalid(reports)) => prop_assert!(!reports.is_empty()),
                Err(LoadError::Io { .. }) => prop_assert!(false, "no I/O error expected"),
            }
        }
    }
}

#[test]
fn features_beyond_mlg_build_the_expected_model() {
    use verzuim::model::{CondDef, ReclassifyDef, ScopeDef, Thresholds};
    use verzuim::syntax::ast::{Number, ReclassifyMode};
    let p = load_policy_fixture("tests/fixtures/check/valid-features.verzuim");
    let kind = |n: &str| p.kind_by_name(n).unwrap();
    // Kinds first, then signals, in declaration order.
    let ids: Vec<&str> = p.kinds.iter().map(|k| k.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "late",
            "truancy",
            "sick",
            "account",
            "exempt_start",
            "exempt_end"
        ]
    );
    assert_eq!(
        p.codes["VA"],
        verzuim::model::CodeMeaning::Kind(
            kind("account"),
            verzuim::syntax::ast::Authorization::Authorized
        )
    );
    let r: &ReclassifyDef = &p.reclassifications[0];
    assert_eq!(
        (r.from, r.to, r.mode),
        (kind("late"), kind("truancy"), ReclassifyMode::Instead)
    );
    assert_eq!(r.filter.minutes, Some((21, u32::MAX)));
    let e = &p.exemptions[0];
    assert_eq!(e.kinds, vec![kind("sick")]);
    assert_eq!(e.ladders, vec![0]);
    assert_eq!(
        (e.from_signal, e.until_signal),
        (Some(kind("exempt_start")), Some(kind("exempt_end")))
    );
    assert_eq!(p.groups[0].conditions.len(), 2);
    assert_eq!(p.groups[0].conditions[0].numbers, vec![18]);
    let step = |id: &str| p.steps.iter().find(|s| s.id == id).unwrap();
    assert_eq!(step("L5").scope, ScopeDef::Term(1));
    let TriggerDef::Threshold {
        measure,
        thresholds,
        ..
    } = &step("L5").trigger
    else {
        panic!("L5 is a threshold step")
    };
    assert_eq!(
        *thresholds,
        Thresholds::Each {
            from: Number::whole(5),
            to: Number::whole(9)
        }
    );
    assert_eq!(p.measures[*measure].filter.codes, vec!["L".to_string()]);
    assert!(matches!(
        step("L10").trigger,
        TriggerDef::Threshold {
            thresholds: Thresholds::EveryNth { step: 2, .. },
            ..
        }
    ));
    assert!(matches!(
        step("L10").actions[0].kind,
        ActionKindDef::Referral(_)
    ));
    assert_eq!(step("S1").scope, ScopeDef::Month);
    assert_eq!(step("A1").scope, ScopeDef::SchoolWeek);
    let TriggerDef::When(c) = &step("A1").trigger else {
        panic!("A1 is a `when` rule")
    };
    assert!(c.time_driven());
    assert!(
        matches!(c, CondDef::NoWithin { after_filter, .. } if after_filter.period == Some((1, 4)))
    );
}

/// The plain format names each label once, on its own line, with columns
/// that run forwards (miette's narratable handler used to repeat a distant
/// label at the end of an earlier snippet, as "columns 39 to 38").
#[test]
fn plain_format_places_distant_labels_once() {
    let path = Path::new("tests/fixtures/check/two-calendars-apart.verzuim");
    let src = std::fs::read_to_string(path).unwrap();
    let Err(LoadError::Invalid(reports)) = check::check_source(path, &src) else {
        panic!("expected errors")
    };
    let plain: String = reports
        .iter()
        .map(|r| diagnostics::render(r, ErrorFormat::Plain, 100, false))
        .collect();
    for label in ["first calendar", "second calendar"] {
        let labelled = plain.lines().filter(|l| l.ends_with(&format!(": {label}")));
        assert_eq!(labelled.count(), 1, "{label}:\n{plain}");
    }
    for line in plain.lines().filter(|l| l.contains("columns")) {
        let cols: Vec<usize> = line
            .split(['s', ',', ':', ' '])
            .filter_map(|w| w.parse().ok())
            .collect();
        assert!(cols.len() == 3 && cols[1] <= cols[2], "{line}");
    }
    insta::assert_snapshot!(plain);
}
