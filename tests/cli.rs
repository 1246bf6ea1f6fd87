//! End-to-end tests of the `verzuim` binary: exit codes, diagnostics on
//! stderr (one snapshot per data-error kind), JSON error format, and
//! byte-for-byte determinism of `generate` and `run`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_verzuim");

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn policy() -> PathBuf {
    root().join("policies/mlg/2022-2023.verzuim")
}

/// Run the binary in `dir` with `args` and no stdin.
fn verzuim_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn verzuim(args: &[&str]) -> Output {
    verzuim_in(root(), args)
}

fn code(o: &Output) -> i32 {
    o.status.code().unwrap_or(-1)
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn check_policies_directory_is_ok() {
    let o = verzuim(&["check", "policies/"]);
    assert_eq!(code(&o), 0, "stderr:\n{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains(
            "policies/mlg/2022-2023.verzuim: ok — policy \"Verzuimprotocol MLG\" (MLG 2022-2023): "
        ),
        "{out}"
    );
    assert!(
        out.contains("policies/calendars/noord-2022-2023.verzuim: ok — calendar \"Regio Noord 2022/23\": 200 school days in 41 school weeks"),
        "{out}"
    );
    let calendar_line = out.find("calendars/noord").unwrap();
    let policy_line = out.find("mlg/2022-2023").unwrap();
    assert!(
        calendar_line < policy_line,
        "files are checked in sorted order"
    );
}

#[test]
fn check_resolves_test_files_against_their_policy() {
    let dir = tempfile::tempdir().unwrap();
    let header = format!("tests {:?}\n", policy().display().to_string());
    let test = format!(
        "{header}\ntest \"a\" {{\n  events {{\n    S1 2022-09-05 p1 late 5 min\n  }}\n  expect no step L3\n}}\n"
    );
    std::fs::write(dir.path().join("p.test.verzuim"), &test).unwrap();
    let o = verzuim_in(dir.path(), &["check", "."]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("p.test.verzuim: ok — 1 test for "), "{out}");
    assert!(out.contains("2022-2023.verzuim"), "{out}");
    let unknown = test.replace("step L3", "step L33");
    std::fs::write(dir.path().join("p.test.verzuim"), unknown).unwrap();
    let o = verzuim_in(dir.path(), &["check", "."]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert!(
        stderr(&o).contains("verzuim::test::unknown-step"),
        "{}",
        stderr(&o)
    );
    std::fs::write(
        dir.path().join("p.test.verzuim"),
        format!("{header}test {{\n"),
    )
    .unwrap();
    let o = verzuim_in(dir.path(), &["check", "."]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
}

#[test]
fn check_bad_file_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("bad.verzuim"), "policy \"x\" scool \"y\"\n").unwrap();
    let o = verzuim_in(dir.path(), &["check", "bad.verzuim"]);
    assert_eq!(code(&o), 1, "stderr:\n{}", stderr(&o));
    assert!(stderr(&o).contains("bad.verzuim"), "{}", stderr(&o));
    assert!(stdout(&o).is_empty());
}

#[test]
fn missing_files_exit_2() {
    let o = verzuim(&["check", "no/such/file.verzuim"]);
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("cannot read `no/such/file.verzuim`"),
        "{}",
        stderr(&o)
    );
    let p = policy();
    let o = verzuim(&["run", p.to_str().unwrap(), "no-such-events.csv"]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(stderr(&o).contains("no-such-events.csv"));
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(code(&verzuim(&["--bogus"])), 2);
    assert_eq!(code(&verzuim(&["check"])), 2);
    assert_eq!(
        code(&verzuim(&["run", "policies/mlg/2022-2023.verzuim"])),
        2
    );
    assert_eq!(code(&verzuim(&["generate", "--students", "x"])), 2);
    let o = verzuim(&["run", "policies/calendars/noord-2022-2023.verzuim", "-"]);
    assert_eq!(code(&o), 2, "a calendar is not a policy: {}", stderr(&o));
    assert_eq!(code(&verzuim(&["--help"])), 0);
}

/// Every stderr line is a JSON object with `type` and `schema`.
fn assert_json_lines(text: &str) -> Vec<serde_json::Value> {
    assert!(!text.trim().is_empty());
    text.lines()
        .map(|l| {
            let v: serde_json::Value =
                serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}"));
            assert_eq!(v["type"], "diagnostic", "{l}");
            assert_eq!(v["schema"], 1, "{l}");
            v
        })
        .collect()
}

#[test]
fn error_format_json_gives_json_lines() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("bad.verzuim"), "policy \"x\" scool \"y\"\n").unwrap();
    let o = verzuim_in(
        dir.path(),
        &["--error-format", "json", "check", "bad.verzuim"],
    );
    assert_eq!(code(&o), 1);
    assert_json_lines(&stderr(&o));

    let o = verzuim(&["--error-format=json", "--bogus"]);
    assert_eq!(code(&o), 2);
    let v = assert_json_lines(&stderr(&o));
    assert_eq!(v[0]["code"], "verzuim::usage");

    let o = verzuim(&["check", "--error-format", "json", "missing.verzuim"]);
    assert_eq!(code(&o), 2);
    let v = assert_json_lines(&stderr(&o));
    assert_eq!(v[0]["code"], "verzuim::io::read");
}

const HEADER: &str = "student,date,period,kind,minutes\n";

/// (snapshot name, events CSV) — one per kind of data error.
const DATA_ERRORS: &[(&str, &str)] = &[
    (
        "unknown_kind",
        "student,date,period,kind,minutes\nS1,2022-09-05,1,lat,5\n",
    ),
    (
        "unknown_code",
        "student,date,period,code,minutes\nS1,2022-09-05,1,z,\n",
    ),
    (
        "kind_code_mismatch",
        "student,date,period,kind,code\nS1,2022-09-05,1,truancy,Z\n",
    ),
    (
        "malformed_date",
        "student,date,period,kind,minutes\nS1,5-9-2022,1,sick,\n",
    ),
    (
        "impossible_date",
        "student,date,period,kind,minutes\nS1,2023-02-30,1,sick,\n",
    ),
    (
        "holiday",
        "student,date,period,kind,minutes\nS1,2022-10-17,1,sick,\n",
    ),
    (
        "weekend",
        "student,date,period,kind,minutes\nS1,2022-09-03,1,sick,\n",
    ),
    (
        "outside_school_year",
        "student,date,period,kind,minutes\nS1,2022-08-22,1,sick,\n",
    ),
    (
        "period_not_scheduled",
        "student,date,period,kind,minutes\nS1,2022-09-05,9,sick,\n",
    ),
    (
        "period_not_a_number",
        "student,date,period,kind,minutes\nS1,2022-09-05,x,sick,\n",
    ),
    (
        "negative_minutes",
        "student,date,period,kind,minutes\nS1,2022-09-05,1,late,-5\n",
    ),
    (
        "minutes_out_of_range",
        "student,date,period,kind,minutes\nS1,2022-09-05,1,late,90\n",
    ),
    (
        "missing_student",
        "student,date,period,kind,minutes\n,2022-09-05,1,sick,\n",
    ),
    (
        "signal_with_period",
        "student,date,period,kind,minutes\nS1,2022-09-05,2,special_arrangement,\n",
    ),
    (
        "signal_with_minutes",
        "student,date,period,kind,minutes\nS1,2022-09-05,,unclear_illness,50\n",
    ),
    (
        "missing_period",
        "student,date,period,kind,minutes\nS1,2022-09-05,,sick,\n",
    ),
    (
        "missing_minutes",
        "student,date,period,kind,minutes\nS1,2022-09-05,1,late,\n",
    ),
    (
        "missing_kind",
        "student,date,period,kind,minutes\nS1,2022-09-05,1,,\n",
    ),
    (
        "unknown_column",
        "student,date,period,kind,minutes,opmerking\nS1,2022-09-05,1,sick,,x\n",
    ),
    ("missing_column", "student,date,kind\nS1,2022-09-05,sick\n"),
    (
        "wrong_field_count",
        "student,date,period,kind,minutes\nS1,2022-09-05,1,sick\n",
    ),
];

#[test]
fn each_data_error_exits_1_with_its_location() {
    let dir = tempfile::tempdir().unwrap();
    let p = policy();
    for (name, csv) in DATA_ERRORS {
        std::fs::write(dir.path().join("data.csv"), csv).unwrap();
        let o = verzuim_in(dir.path(), &["run", p.to_str().unwrap(), "data.csv"]);
        let err = stderr(&o);
        assert_eq!(code(&o), 1, "{name}:\n{err}");
        assert!(
            err.contains("data.csv:1:") || err.contains("data.csv:2:"),
            "{name}:\n{err}"
        );
        assert!(stdout(&o).is_empty(), "{name}: no output on failure");
        insta::assert_snapshot!(
            format!("data_error__{name}"),
            format!("── data.csv ──\n{csv}── stderr ──\n{err}")
        );
    }
}

#[test]
fn every_bad_row_is_listed() {
    let dir = tempfile::tempdir().unwrap();
    let mut csv = HEADER.to_string();
    csv.push_str("S1,2022-09-05,1,sick,\nS1,2022-10-18,1,sick,\nS2,2022-09-05,1,lat,4\nS3,2022-09-05,1,late,4\nS4,2022-09-10,1,sick,\n");
    std::fs::write(dir.path().join("data.csv"), csv).unwrap();
    let p = policy();
    let o = verzuim_in(
        dir.path(),
        &[
            "--error-format",
            "plain",
            "run",
            p.to_str().unwrap(),
            "data.csv",
        ],
    );
    assert_eq!(code(&o), 1);
    let err = stderr(&o);
    for loc in ["data.csv:3:4:", "data.csv:4:17:", "data.csv:6:4:"] {
        assert!(err.contains(loc), "{loc} missing in:\n{err}");
    }
    assert!(
        err.contains("no actions were computed: 3 problems in data.csv"),
        "{err}"
    );
}

#[test]
fn roster_errors_have_locations_and_no_names() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("data.csv"),
        format!("{HEADER}S1,2022-09-05,1,late,4\n"),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("roster.csv"),
        "student,name,birthdate\nS1,Geheime Naam,2009-13-01\n",
    )
    .unwrap();
    let p = policy();
    let o = verzuim_in(
        dir.path(),
        &[
            "run",
            p.to_str().unwrap(),
            "data.csv",
            "--roster",
            "roster.csv",
        ],
    );
    assert_eq!(code(&o), 1);
    let err = stderr(&o);
    assert!(
        err.contains("roster.csv:2:17: birthdate: impossible date `2009-13-01`"),
        "{err}"
    );
    assert!(!err.contains("Geheime"), "{err}");
}

fn generate(dir: &Path, seed: &str, out: &str) -> Vec<u8> {
    let p = policy();
    let o = verzuim_in(
        dir,
        &[
            "generate",
            "--students",
            "60",
            "--seed",
            seed,
            "--calendar",
            p.to_str().unwrap(),
            "--output",
            out,
        ],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    std::fs::read(dir.join(out)).unwrap()
}

#[test]
fn generate_is_deterministic_per_seed() {
    let dir = tempfile::tempdir().unwrap();
    let a = generate(dir.path(), "7", "a.csv");
    let b = generate(dir.path(), "7", "b.csv");
    let c = generate(dir.path(), "8", "c.csv");
    assert_eq!(a, b);
    assert_ne!(a, c);
    assert!(a.starts_with(b"student,date,period,kind,minutes\nS00001,"));
}

#[test]
fn generate_reports_a_missing_kind() {
    let dir = tempfile::tempdir().unwrap();
    let src = std::fs::read_to_string(policy()).unwrap();
    let cal = root().join("policies/calendars/noord-2022-2023.verzuim");
    let src = src
        .replace(
            "../calendars/noord-2022-2023.verzuim",
            cal.to_str().unwrap(),
        )
        .replace("event removal ", "event removed ")
        .replace("counts removal ", "counts removed ");
    std::fs::write(dir.path().join("p.verzuim"), src).unwrap();
    let o = verzuim_in(
        dir.path(),
        &[
            "generate",
            "--students",
            "3",
            "--seed",
            "1",
            "--calendar",
            "p.verzuim",
        ],
    );
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert!(
        stderr(&o).contains("no event kind `removal`"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn run_is_deterministic_and_json_lines_end_with_a_summary() {
    let dir = tempfile::tempdir().unwrap();
    let p = policy();
    let o = verzuim_in(
        dir.path(),
        &[
            "generate",
            "--students",
            "80",
            "--seed",
            "3",
            "--calendar",
            p.to_str().unwrap(),
            "--output",
            "e.csv",
            "--roster-output",
            "r.csv",
        ],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    for format in ["table", "json"] {
        let args = [
            "run",
            p.to_str().unwrap(),
            "e.csv",
            "--roster",
            "r.csv",
            "--format",
            format,
        ];
        let first = verzuim_in(dir.path(), &args);
        let second = verzuim_in(dir.path(), &args);
        assert_eq!(code(&first), 0, "{}", stderr(&first));
        assert_eq!(
            first.stdout, second.stdout,
            "{format} output differs between runs"
        );
    }
    let o = verzuim_in(
        dir.path(),
        &["run", p.to_str().unwrap(), "e.csv", "--format", "json"],
    );
    let out = stdout(&o);
    let lines: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let (last, actions) = lines.split_last().unwrap();
    assert_eq!(last["type"], "summary");
    assert!(
        !actions.is_empty(),
        "80 generated students trigger some actions"
    );
    for a in actions {
        assert_eq!(a["type"], "action");
        assert_eq!(a["schema"], 1);
    }
}

#[test]
fn events_can_come_from_stdin() {
    let p = policy();
    let mut child = Command::new(BIN)
        .args(["run", p.to_str().unwrap(), "-", "--format", "json"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().unwrap();
        stdin.write_all(format!("{HEADER}S1,2022-09-05,1,late,4\nS1,2022-09-06,1,late,4\nS1,2022-09-07,1,late,4\n").as_bytes()).unwrap();
    }
    let o = child.wait_with_output().unwrap();
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(stdout(&o).contains("\"step\":\"L3\""), "{}", stdout(&o));
}

#[test]
fn shipped_sample_is_the_generators_output() {
    let dir = tempfile::tempdir().unwrap();
    let p = policy();
    let args = [
        "generate",
        "--students",
        "1500",
        "--seed",
        "2023",
        "--calendar",
        p.to_str().unwrap(),
        "--output",
        "sample.csv",
        "--roster-output",
        "roster.csv",
    ];
    let o = verzuim_in(dir.path(), &args);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    for (made, shipped) in [
        ("sample.csv", "data/sample-2022-2023.csv"),
        ("roster.csv", "data/roster-2022-2023.csv"),
    ] {
        let made = std::fs::read(dir.path().join(made)).unwrap();
        let shipped = std::fs::read(root().join(shipped)).unwrap();
        assert!(
            made == shipped,
            "the shipped file is stale: regenerate it (see docs/generator.md)"
        );
    }
}
