//! Hostile inputs found by an adversarial review: each must end in a clear
//! error with the documented exit code, never a panic, hang or wrong result.

use std::path::Path;
use std::process::{Command, Output};

fn verzuim(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_verzuim"))
        .args(args)
        .output()
        .expect("the binary runs")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

const BASE: &str = r#"policy "T" school "S" school_year 2022-2023
use calendar "CAL"
role vc "VC"
event late "Te laat" unauthorized codes "L"
event truancy "Spijbelen" unauthorized codes "S"
event sick "Ziek" authorized codes "Z"
"#;

fn policy(dir: &Path, extra: &str) -> String {
    let cal = std::fs::canonicalize("policies/calendars/noord-2022-2023.verzuim")
        .expect("the shipped calendar");
    let text = BASE.replace("CAL", &cal.display().to_string()) + extra;
    let path = dir.join("p.verzuim");
    std::fs::write(&path, text).expect("write policy");
    path.display().to_string()
}

#[test]
fn devices_are_refused_not_read_forever() {
    if !Path::new("/dev/zero").exists() {
        return;
    }
    let o = verzuim(&["check", "/dev/zero"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("not a regular file"));
    let dir = tempfile::tempdir().expect("tempdir");
    let p = policy(dir.path(), "");
    let o = verzuim(&["run", &p, "/dev/zero"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
}

#[cfg(unix)]
#[test]
fn check_does_not_follow_directory_link_loops() {
    let dir = tempfile::tempdir().expect("tempdir");
    policy(dir.path(), "");
    std::os::unix::fs::symlink(".", dir.path().join("self")).expect("symlink");
    let o = verzuim(&["check", &dir.path().display().to_string()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(out.lines().count(), 1, "{out}");
}

#[test]
fn a_threshold_of_zero_is_an_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = policy(
        dir.path(),
        "ladder late \"Te laat\" counts late { step L0 at 0 { vc: \"x\" } }\n",
    );
    let o = verzuim(&["check", &p]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("verzuim::check::zero-amount"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn two_matching_instead_reclassifications_move_a_registration_once() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = policy(
        dir.path(),
        "reclassify late where minutes > 20 as truancy instead\n\
         reclassify late where minutes > 10 as sick instead\n\
         rule R \"beide\" when lesson_hours(truancy) >= 1 and lesson_hours(sick) >= 1 { vc: \"x\" }\n\
         rule T \"spijbelen\" when lesson_hours(truancy) >= 1 { vc: \"y\" }\n",
    );
    let events = dir.path().join("e.csv");
    std::fs::write(
        &events,
        "student,date,period,kind,minutes\nS1,2022-09-05,1,late,25\n",
    )
    .expect("write events");
    let o = verzuim(&["run", &p, &events.display().to_string(), "--format", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("\"step\":\"T\""), "{out}");
    assert!(!out.contains("\"step\":\"R\""), "{out}");
}

#[test]
fn generate_refuses_one_file_for_events_and_roster() {
    let dir = tempfile::tempdir().expect("tempdir");
    let same = dir.path().join("same.csv").display().to_string();
    let o = verzuim(&[
        "generate",
        "--students",
        "2",
        "--seed",
        "1",
        "--calendar",
        "policies/mlg/2022-2023.verzuim",
        "--output",
        &same,
        "--roster-output",
        &same,
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
}

#[test]
fn a_label_far_right_on_a_long_line_is_rendered_not_panicked() {
    let dir = tempfile::tempdir().expect("tempdir");
    let line = " ".repeat(70_000) + "rule R when count(late) >= 1 { nobody: \"x\" }\n";
    let p = policy(dir.path(), &line);
    let o = verzuim(&["check", &p]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("unknown role `nobody`"));
    assert!(!stderr(&o).contains("panicked"));
}

#[test]
fn deeply_nested_conditions_are_a_syntax_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cond = "(".repeat(2000) + "count(late) >= 1" + &")".repeat(2000);
    let p = policy(dir.path(), &format!("rule R when {cond} {{ vc: \"x\" }}\n"));
    let o = verzuim(&["check", &p]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("verzuim::syntax::too-deep"));
}

#[test]
fn rows_with_an_ignored_code_are_still_checked() {
    let dir = tempfile::tempdir().expect("tempdir");
    let events = dir.path().join("e.csv");
    std::fs::write(
        &events,
        "student,date,period,code,minutes\nS1,garbage,abc,HV,xyz\n,2022-09-05,1,HV,\nS1,2022-09-05,1,HV,\n",
    )
    .expect("write events");
    let o = verzuim(&[
        "run",
        "policies/mlg/2022-2023.verzuim",
        &events.display().to_string(),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("e.csv:2:"), "{err}");
    assert!(err.contains("e.csv:3:"), "{err}");
    assert!(!err.contains("e.csv:4:"), "{err}");
}
