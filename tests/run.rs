//! End-to-end tests of `verzuim run`: several events files (replacements
//! and duplicates counted), JSON Lines input, strict roster checks (one
//! snapshot per error kind), output filters, the CSV outputs read back, and
//! byte-for-byte determinism of every format.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_verzuim");
const HEADER: &str = "student,date,period,kind,minutes\n";
const FORMATS: [&str; 4] = ["table", "json", "csv", "csv-nl"];

fn policy() -> String {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("policies/mlg/2022-2023.verzuim");
    p.to_str().unwrap().to_string()
}

/// Run the binary in `dir` with `args` and no stdin.
fn verzuim(dir: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

/// `verzuim run POLICY args…` in `dir`.
fn run(dir: &Path, args: &[&str]) -> Output {
    let p = policy();
    let mut all = vec!["run", p.as_str()];
    all.extend_from_slice(args);
    verzuim(dir, &all)
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

fn write(dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).unwrap();
}

/// The JSON lines of a successful run: (actions, summary).
fn json_run(dir: &Path, args: &[&str]) -> (Vec<Value>, Value) {
    let mut all = args.to_vec();
    all.extend_from_slice(&["--format", "json"]);
    let o = run(dir, &all);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let mut lines: Vec<Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let summary = lines.pop().unwrap();
    assert_eq!(summary["type"], "summary");
    (lines, summary)
}

/// `generate` `n` students with `seed` into `events` (and `roster`).
fn generate(dir: &Path, n: &str, seed: &str, events: &str, roster: &str) {
    let p = policy();
    let args = [
        "generate",
        "--students",
        n,
        "--seed",
        seed,
        "--calendar",
        &p,
        "--output",
        events,
        "--roster-output",
        roster,
    ];
    let o = verzuim(dir, &args);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
}

/// (snapshot name, files) — one per strict-check error kind of a run.
const RUN_ERRORS: &[(&str, &[(&str, &str)])] = &[
    (
        "unknown_student_with_leading_zeros",
        &[
            (
                "data.csv",
                "student,date,period,kind,minutes\n00123,2022-09-05,1,late,4\n123,2022-09-06,1,late,4\n77,2022-09-06,2,late,4\n",
            ),
            ("roster.csv", "student,name\n00123,Geheime Naam\n"),
        ],
    ),
    (
        "not_enrolled",
        &[
            (
                "data.csv",
                "student,date,period,kind,minutes\nS1,2022-09-05,1,late,4\nS1,2022-10-03,1,late,4\nS1,2023-02-01,1,late,4\n",
            ),
            (
                "roster.csv",
                "student,name,enrolled_from,enrolled_until\nS1,Geheime Naam,2022-10-03,2023-01-31\n",
            ),
        ],
    ),
    (
        "duplicate_id",
        &[(
            "data.csv",
            "id,student,date,period,kind,minutes\nr1,S1,2022-09-05,1,late,4\nr1,S1,2022-09-05,2,late,4\n",
        )],
    ),
    (
        "jsonl_bad_value",
        &[(
            "data.jsonl",
            "{\"student\":\"S1\",\"date\":\"2022-09-03\",\"period\":1,\"kind\":\"sick\"}\n{\"student\":\"S1\",\"date\":\"2022-09-05\",\"period\":1,\"kind\":\"late\",\"minutes\":true}\n",
        )],
    ),
    (
        "jsonl_unknown_field",
        &[(
            "data.jsonl",
            "{\"student\":\"S1\",\"date\":\"2022-09-05\",\"period\":1,\"kind\":\"sick\",\"lesuur\":3}\n",
        )],
    ),
    (
        "jsonl_not_json",
        &[(
            "data.jsonl",
            "{\"student\":\"S1\",\"date\":\"2022-09-05\",\"period\":1,\"kind\":\"sick\"}\n{\"student\":\"S1\",\n",
        )],
    ),
];

#[test]
fn each_strict_check_error_names_file_line_and_column() {
    for (name, files) in RUN_ERRORS {
        let dir = tempfile::tempdir().unwrap();
        let mut shown = String::new();
        for (f, text) in *files {
            write(dir.path(), f, text);
            shown.push_str(&format!("── {f} ──\n{text}"));
        }
        let mut args = vec![files[0].0];
        if files.iter().any(|(f, _)| *f == "roster.csv") {
            args.extend_from_slice(&["--roster", "roster.csv"]);
        }
        let o = run(dir.path(), &args);
        let err = stderr(&o);
        assert_eq!(code(&o), 1, "{name}:\n{err}");
        assert!(err.contains(&format!("{}:", files[0].0)), "{name}:\n{err}");
        assert!(
            !err.contains("Geheime"),
            "{name}: a roster name leaked:\n{err}"
        );
        assert!(stdout(&o).is_empty(), "{name}: no output on failure");
        insta::assert_snapshot!(
            format!("run_error__{name}"),
            format!("{shown}── stderr ──\n{err}")
        );
    }
}

#[test]
fn every_row_of_a_missing_student_is_listed() {
    let dir = tempfile::tempdir().unwrap();
    let (_, files) = RUN_ERRORS[0];
    for (f, text) in files {
        write(dir.path(), f, text);
    }
    let o = run(
        dir.path(),
        &[
            "data.csv",
            "--roster",
            "roster.csv",
            "--error-format",
            "json",
        ],
    );
    assert_eq!(code(&o), 1);
    let lines: Vec<Value> = stderr(&o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let messages: Vec<&str> = lines
        .iter()
        .map(|v| v["message"].as_str().unwrap())
        .collect();
    assert_eq!(
        messages,
        vec![
            "data.csv:3:1: student `123` is not in the roster",
            "data.csv:4:1: student `77` is not in the roster",
            "no actions were computed: 2 problems in data.csv",
        ]
    );
    assert!(
        lines[0]["help"]
            .as_str()
            .unwrap()
            .starts_with("did you mean `00123`?")
    );
    assert_eq!(lines[0]["code"], "verzuim::data::unknown-student");
}

/// Three late arrivals of S1 in `a.csv`; `b.csv` repeats one exactly and
/// changes another's minutes; `c.jsonl` (with ids) and `d.csv` replace a
/// truant hour of S2 by a sick hour through its id.
#[test]
fn later_files_replace_and_duplicates_are_counted() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(
        d,
        "a.csv",
        &format!(
            "{HEADER}S1,2022-09-05,1,late,5\nS1,2022-09-06,1,late,5\nS1,2022-09-07,1,late,5\nS1,2022-09-07,1,late,5\n"
        ),
    );
    write(
        d,
        "b.csv",
        &format!("{HEADER}S1,2022-09-06,1,late,5\nS1,2022-09-07,1,late,12\n"),
    );
    write(
        d,
        "c.jsonl",
        "{\"id\":\"m-1\",\"student\":\"S2\",\"date\":\"2022-09-05\",\"period\":2,\"kind\":\"truancy\"}\n{\"id\":\"m-2\",\"student\":\"S2\",\"date\":\"2022-09-05\",\"period\":3,\"kind\":\"truancy\"}\n",
    );
    write(
        d,
        "d.csv",
        "id,student,date,period,kind\nm-1,S2,2022-09-05,2,sick\n",
    );
    let (actions, summary) = json_run(d, &["a.csv", "b.csv", "c.jsonl", "d.csv"]);
    // a.csv's 4th row duplicates its 3rd; b.csv's first row duplicates a.csv's.
    assert_eq!(summary["duplicates_merged"], 2, "{summary}");
    // a.csv's 2022-09-07 row (5 minutes) and c.jsonl's m-1 are replaced.
    assert_eq!(summary["replaced"], 2, "{summary}");
    assert_eq!(summary["registrations"], 5, "{summary}");
    let l3 = actions.iter().find(|a| a["step"] == "L3").unwrap();
    let minutes: Vec<i64> = l3["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["minutes"].as_i64().unwrap())
        .collect();
    assert_eq!(minutes, vec![5, 5, 12], "the later file wins");
    let truant: Vec<&Value> = actions
        .iter()
        .filter(|a| a["student"] == "S2" && a["step"] == "T1")
        .collect();
    assert!(
        truant.iter().all(|a| a["trigger"]["period"] == 3),
        "{truant:?}"
    );
    // The order of the files matters: the other way round, a.csv wins.
    let (_, summary) = json_run(d, &["b.csv", "a.csv"]);
    assert_eq!(summary["replaced"], 1);
    assert_eq!(summary["duplicates_merged"], 2);
    // The table shows both counts.
    let o = run(d, &["a.csv", "b.csv"]);
    let table = stdout(&o);
    assert!(
        table.contains("dubbele registraties samengevoegd"),
        "{table}"
    );
    assert!(
        table.lines().any(
            |l| l.starts_with("  registraties vervangen door een later bestand")
                && l.ends_with(" 1")
        ),
        "{table}"
    );
    // The csv output has no summary: the counts go to stderr.
    let o = run(d, &["a.csv", "b.csv", "--format", "csv"]);
    assert_eq!(code(&o), 0);
    assert!(
        stderr(&o).contains("2 identical rows merged, 1 row replaced by a later file"),
        "{}",
        stderr(&o)
    );
}

/// The events CSV as JSON Lines: numbers as numbers, empty cells as null or
/// left out.
fn csv_to_jsonl(csv_text: &str) -> String {
    let mut r = csv::Reader::from_reader(csv_text.as_bytes());
    let header = r.headers().unwrap().clone();
    let mut out = String::new();
    for row in r.records() {
        let row = row.unwrap();
        let mut obj = serde_json::Map::new();
        for (name, value) in header.iter().zip(row.iter()) {
            let v = match value.parse::<u64>() {
                _ if value.is_empty() && name == "period" => Value::Null,
                _ if value.is_empty() => continue,
                Ok(n) if name != "student" => Value::from(n),
                _ => Value::from(value),
            };
            obj.insert(name.to_string(), v);
        }
        out.push_str(&Value::Object(obj).to_string());
        out.push('\n');
    }
    out
}

#[test]
fn json_lines_input_gives_the_same_output_as_csv() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    generate(d, "60", "4", "e.csv", "r.csv");
    let text = std::fs::read_to_string(d.join("e.csv")).unwrap();
    write(d, "e.jsonl", &csv_to_jsonl(&text));
    write(d, "e-noext", &csv_to_jsonl(&text));
    for format in ["json", "table"] {
        let a = run(d, &["e.csv", "--roster", "r.csv", "--format", format]);
        assert_eq!(code(&a), 0, "{}", stderr(&a));
        for other in ["e.jsonl", "e-noext"] {
            let b = run(d, &[other, "--roster", "r.csv", "--format", format]);
            assert_eq!(code(&b), 0, "{}", stderr(&b));
            assert!(
                a.stdout == b.stdout,
                "{other} differs from e.csv ({format})"
            );
        }
    }
}

#[test]
fn shuffled_input_gives_identical_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    generate(d, "80", "11", "e.csv", "r.csv");
    let text = std::fs::read_to_string(d.join("e.csv")).unwrap();
    let (header, body) = text.split_once('\n').unwrap();
    let mut rows: Vec<&str> = body.lines().collect();
    // A fixed pseudo-random permutation (Fisher–Yates with an LCG).
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    for i in (1..rows.len()).rev() {
        x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
        rows.swap(i, (x >> 33) as usize % (i + 1));
    }
    write(
        d,
        "shuffled.csv",
        &format!("{header}\n{}\n", rows.join("\n")),
    );
    for format in FORMATS {
        let a = run(d, &["e.csv", "--roster", "r.csv", "--format", format]);
        let b = run(
            d,
            &["shuffled.csv", "--roster", "r.csv", "--format", format],
        );
        assert_eq!(code(&a), 0, "{}", stderr(&a));
        assert!(!a.stdout.is_empty());
        assert!(
            a.stdout == b.stdout,
            "shuffled input changes the {format} output"
        );
    }
}

#[test]
fn a_generated_year_runs_to_identical_bytes_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    generate(d, "300", "9", "e.csv", "r.csv");
    for format in FORMATS {
        let args = ["e.csv", "--roster", "r.csv", "--format", format];
        let a = run(d, &args);
        let b = run(d, &args);
        assert_eq!(code(&a), 0, "{}", stderr(&a));
        assert!(a.stdout.len() > 1000, "{format}: output expected");
        assert!(a.stdout == b.stdout, "{format} output differs between runs");
    }
}

/// The roster's (student, mentor, class) rows.
fn roster_rows(path: &Path) -> Vec<(String, String, String)> {
    let mut r = csv::Reader::from_path(path).unwrap();
    let h = r.headers().unwrap().clone();
    let col = |n: &str| h.iter().position(|c| c == n).unwrap();
    let (s, m, c) = (col("student"), col("mentor"), col("class"));
    r.records()
        .map(|row| {
            let row = row.unwrap();
            (row[s].to_string(), row[m].to_string(), row[c].to_string())
        })
        .collect()
}

#[test]
fn roster_filters_select_students_and_resolve_the_mentor() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    generate(d, "120", "5", "e.csv", "r.csv");
    let roster = roster_rows(&d.join("r.csv"));
    let (all, _) = json_run(d, &["e.csv", "--roster", "r.csv"]);
    let student = all.iter().find(|a| a["roles"][0] == "mentor").unwrap()["student"].clone();
    let (_, mentor, class) = roster.iter().find(|(s, _, _)| *s == student).unwrap();
    let of = |pick: &dyn Fn(&(String, String, String)) -> bool| -> Vec<String> {
        roster
            .iter()
            .filter(|r| pick(r))
            .map(|r| r.0.clone())
            .collect()
    };
    let mentees = of(&|r| r.1 == *mentor);
    let (actions, summary) = json_run(
        d,
        &[
            "e.csv",
            "--roster",
            "r.csv",
            "--mentor",
            &mentor.to_uppercase(),
        ],
    );
    assert!(!actions.is_empty());
    assert!(
        actions
            .iter()
            .all(|a| mentees.contains(&a["student"].as_str().unwrap().to_string()))
    );
    assert_eq!(summary["filtered"], true);
    let per_role: u64 = summary["actions_per_role"]
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_u64().unwrap())
        .sum();
    let acting: usize = actions
        .iter()
        .map(|a| a["roles"].as_array().unwrap().len())
        .sum();
    assert_eq!(per_role, acting as u64, "per-role counts follow the filter");
    // The table names the mentor beside the role.
    let o = run(
        d,
        &[
            "e.csv", "--roster", "r.csv", "--mentor", mentor, "--role", "mentor",
        ],
    );
    let table = stdout(&o);
    assert!(table.contains(&format!("  Mentor ({mentor})")), "{table}");
    assert!(
        !table.contains("  Verzuimcoördinator\n"),
        "only the mentor's actions: {table}"
    );
    assert!(
        table.contains(&format!("filter: --role mentor, --mentor {mentor}")),
        "{table}"
    );
    // Class, student and dates.
    let classmates = of(&|r| r.2 == *class);
    let (actions, _) = json_run(d, &["e.csv", "--roster", "r.csv", "--class", class]);
    assert!(
        actions
            .iter()
            .all(|a| classmates.contains(&a["student"].as_str().unwrap().to_string()))
    );
    let s = student.as_str().unwrap();
    let (actions, _) = json_run(
        d,
        &[
            "e.csv",
            "--student",
            s,
            "--from",
            "2022-10-01",
            "--to",
            "2022-12-31",
        ],
    );
    assert!(actions.iter().all(|a| a["student"] == s));
    assert!(actions.iter().all(|a| {
        let t = a["triggered_on"].as_str().unwrap();
        ("2022-10-01"..="2022-12-31").contains(&t)
    }));
}

#[test]
fn filter_usage_errors_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "e.csv", &format!("{HEADER}S1,2022-09-05,1,late,5\n"));
    write(d, "r.csv", "student,mentor,class\nS1,dhr. J. Bakker,2A\n");
    let cases: &[(&[&str], &str)] = &[
        (&["e.csv", "--mentor", "x"], "--mentor needs a roster"),
        (&["e.csv", "--class", "2A"], "--class needs a roster"),
        (
            &["e.csv", "--roster", "r.csv", "--mentor", "mw. X"],
            "no student in the roster has the mentor `mw. X`",
        ),
        (
            &["e.csv", "--roster", "r.csv", "--class", "2B"],
            "no student in the roster is in class `2B`",
        ),
        (&["e.csv", "--role", "mentr"], "unknown role `mentr`"),
        (
            &["e.csv", "--from", "2022-10-01", "--to", "2022-09-01"],
            "--to 2022-09-01 is before --from 2022-10-01",
        ),
        (&["-", "-"], "standard input (`-`) can be read once only"),
    ];
    for (args, message) in cases {
        let o = run(d, args);
        assert_eq!(code(&o), 2, "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).contains(message), "{args:?}: {}", stderr(&o));
    }
}

/// A registration as the CSV output writes it.
fn compact(e: &Value) -> String {
    match e["period"].as_u64() {
        Some(p) => format!(
            "{} p{p} {} {}",
            e["date"].as_str().unwrap(),
            e["kind"].as_str().unwrap(),
            e["minutes"]
        ),
        None => format!(
            "{} {}",
            e["date"].as_str().unwrap(),
            e["kind"].as_str().unwrap()
        ),
    }
}

/// The expected CSV field for one column of a JSON action.
fn expected_field(a: &Value, column: &str) -> String {
    let list = |v: &Value| {
        let items: Vec<&str> = v
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_str().unwrap())
            .collect();
        items.join(";")
    };
    match column {
        "roles" | "cc" => list(&a[column]),
        "params" => a["params"].to_string(),
        "trigger" if a["trigger"].is_null() => String::new(),
        "trigger" => compact(&a["trigger"]),
        "evidence_count" => a["evidence"].as_array().unwrap().len().to_string(),
        "evidence" => {
            let items: Vec<String> = a["evidence"]
                .as_array()
                .unwrap()
                .iter()
                .map(compact)
                .collect();
            items.join(";")
        }
        _ => match &a[column] {
            Value::Null => String::new(),
            Value::String(s) => s.clone(),
            other => other.to_string(),
        },
    }
}

#[test]
fn csv_nl_reads_back_as_the_json_output() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    generate(d, "100", "2", "e.csv", "r.csv");
    let (actions, _) = json_run(d, &["e.csv", "--roster", "r.csv"]);
    for (format, delimiter) in [("csv-nl", b';'), ("csv", b',')] {
        let o = run(d, &["e.csv", "--roster", "r.csv", "--format", format]);
        assert_eq!(code(&o), 0, "{}", stderr(&o));
        let bytes = &o.stdout[..];
        let body = match format {
            "csv-nl" => bytes
                .strip_prefix("\u{feff}".as_bytes())
                .expect("csv-nl starts with a BOM"),
            _ => bytes,
        };
        let mut r = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .from_reader(body);
        let header: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
        assert_eq!(header.len(), 19);
        let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
        assert_eq!(rows.len(), actions.len(), "{format}: one row per action");
        for (row, a) in rows.iter().zip(&actions) {
            for (column, field) in header.iter().zip(row.iter()) {
                assert_eq!(
                    field,
                    expected_field(a, column),
                    "{format}: {column} of {}",
                    a["id"]
                );
            }
        }
    }
}

#[test]
fn the_table_says_why_a_step_fired_once_per_firing() {
    let dir = tempfile::tempdir().unwrap();
    let rows = "S1,2022-09-05,1,late,10\nS1,2022-09-12,1,late,5\nS1,2022-09-19,2,late,7\n";
    write(dir.path(), "data.csv", &format!("{HEADER}{rows}"));
    let o = run(dir.path(), &["data.csv"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let table = stdout(&o);
    let why = "      waarom: 3e te laat op 2022-09-19 (p2, 7 min); eerder 2022-09-05, 2022-09-12\n";
    assert!(table.contains(why), "{table}");
    assert!(table.lines().all(|l| l.chars().count() <= 100), "{table}");
}

#[test]
fn the_table_tags_law_actions_and_counts_their_duo_reports() {
    let dir = tempfile::tempdir().unwrap();
    // 20 truant lesson hours in one week: LAW16.
    let mut text = HEADER.to_string();
    for day in ["2022-09-05", "2022-09-06", "2022-09-07", "2022-09-08"] {
        for p in 1..=5 {
            text.push_str(&format!("S1,{day},{p},truancy,50\n"));
        }
    }
    write(dir.path(), "data.csv", &text);
    let o = run(dir.path(), &["data.csv"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let table = stdout(&o);
    assert!(table.contains(" LAW16 [wet] "), "{table}");
    assert!(table.contains("(cc "), "{table}");
    let law_line = table
        .lines()
        .find(|l| l.starts_with("    waarvan wettelijk, LAW16 "))
        .unwrap_or_else(|| panic!("{table}"));
    assert!(law_line.ends_with(" 1"), "{law_line}");
}

#[test]
fn a_roster_group_without_roster_is_warned_about() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "data.csv",
        &format!("{HEADER}S1,2022-09-05,1,late,4\n"),
    );
    let o = run(dir.path(), &["data.csv", "--error-format", "json"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("\"severity\":\"warning\""), "{err}");
    assert!(err.contains("verzuim::data::no-roster"), "{err}");
    assert!(
        err.contains(
            "group `previous_year_high` (\\\"veel verzuim 21/22\\\") takes its members from the roster"
        ),
        "{err}"
    );
    assert!(err.contains("pass --roster FILE"), "{err}");
    // With a roster: no warning.
    write(dir.path(), "roster.csv", "student,name\nS1,Anna\n");
    let o = run(dir.path(), &["data.csv", "--roster", "roster.csv"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(!stderr(&o).contains("no-roster"), "{}", stderr(&o));
}

#[test]
fn as_of_outside_the_school_year_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "data.csv",
        &format!("{HEADER}S1,2022-09-05,1,late,4\n"),
    );
    for bad in ["2022-08-28", "2023-08-01", "2021-09-06"] {
        let o = run(dir.path(), &["data.csv", "--as-of", bad]);
        assert_eq!(code(&o), 2, "{bad}: {}", stderr(&o));
        let err = stderr(&o);
        assert!(
            err.contains("outside the policy's school year 2022-2023"),
            "{err}"
        );
        assert!(
            err.contains("2022-08-29") && err.contains("2023-07-31"),
            "{err}"
        );
        assert!(stdout(&o).is_empty());
    }
    for good in ["2022-08-29", "2023-07-31"] {
        let o = run(dir.path(), &["data.csv", "--as-of", good]);
        assert_eq!(code(&o), 0, "{good}: {}", stderr(&o));
    }
}

#[test]
fn an_unknown_mentor_gets_the_closest_roster_names() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "data.csv",
        &format!("{HEADER}S1,2022-09-05,1,late,4\n"),
    );
    write(
        dir.path(),
        "roster.csv",
        "student,mentor\nS1,dhr. K. van den Berg\nS2,mw. I. de Jong\nS3,mw. O. de Jong\n",
    );
    let cases = [
        ("van den Berg", "did you mean `dhr. K. van den Berg`?"),
        (
            "DE JONG",
            "did you mean one of: `mw. I. de Jong`, `mw. O. de Jong`?",
        ),
        (
            "dhr. K. van den Brg",
            "did you mean `dhr. K. van den Berg`?",
        ),
    ];
    for (given, help) in cases {
        let o = run(
            dir.path(),
            &["data.csv", "--roster", "roster.csv", "--mentor", given],
        );
        assert_eq!(code(&o), 2, "{given}: {}", stderr(&o));
        let err = stderr(&o);
        assert!(err.contains(&format!("has the mentor `{given}`")), "{err}");
        assert!(err.contains(help), "{given}: {err}");
    }
}

#[test]
fn a_semicolon_separated_events_file_reads_like_a_comma_separated_one() {
    let dir = tempfile::tempdir().unwrap();
    let rows = "S1,2022-09-05,1,late,10\nS1,2022-09-12,1,late,5\nS1,2022-09-19,2,late,7\n";
    write(dir.path(), "comma.csv", &format!("{HEADER}{rows}"));
    // Dutch Excel: `;`, CRLF, a byte-order mark, quoted fields.
    let nl = format!("\u{feff}{}", format!("{HEADER}{rows}").replace(',', ";"))
        .replace("S1;2022-09-12", "\"S1\";2022-09-12")
        .replace('\n', "\r\n");
    write(dir.path(), "excel.csv", &nl);
    let expected = json_run(dir.path(), &["comma.csv"]);
    let o = run(dir.path(), &["excel.csv", "--format", "json"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(!stderr(&o).contains("×"), "{}", stderr(&o));
    let (actions, summary) = json_run(dir.path(), &["excel.csv"]);
    assert_eq!(actions, expected.0);
    assert_eq!(summary, expected.1);
    assert_eq!(actions.len(), 1);
    // A bad value is still located by its column.
    write(
        dir.path(),
        "bad.csv",
        "student;date;period;kind;minutes\nS1;2022-09-05;1;lat;10\n",
    );
    let o = run(dir.path(), &["bad.csv"]);
    assert_eq!(code(&o), 1);
    assert!(
        stderr(&o).contains("bad.csv:2:17: unknown kind `lat`"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn evidence_of_a_repeating_episode_count_is_that_episode() {
    // Found in review: N2-sick (`counts episodes(sick)`, `every from 1`)
    // cited the N-th sick registration of the year as the evidence of the
    // N-th episode (the third episode's report pointed at the first
    // episode's third lesson hour).
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "roster.csv",
        "student,name,groups\nS1,Test,previous_year_high\n",
    );
    write(
        dir.path(),
        "events.csv",
        &format!(
            "{HEADER}S1,2022-09-05,1,sick,\nS1,2022-09-05,2,sick,\nS1,2022-09-05,3,sick,\n\
             S1,2022-09-07,1,sick,\nS1,2022-09-07,2,sick,\nS1,2022-09-09,4,sick,\n"
        ),
    );
    let (actions, _) = json_run(dir.path(), &["events.csv", "--roster", "roster.csv"]);
    let cited = |n: &str| -> Vec<(String, u64)> {
        let a = actions
            .iter()
            .find(|a| a["step"] == "N2-sick" && a["id"].as_str().unwrap().contains(n))
            .unwrap_or_else(|| panic!("N2-sick {n} fired"));
        a["evidence"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                (
                    e["date"].as_str().unwrap().to_string(),
                    e["period"].as_u64().unwrap(),
                )
            })
            .collect()
    };
    assert_eq!(cited("/#1/"), [("2022-09-05".to_string(), 1)]);
    assert_eq!(cited("/#2/"), [("2022-09-07".to_string(), 1)]);
    assert_eq!(cited("/#3/"), [("2022-09-09".to_string(), 4)]);
}
