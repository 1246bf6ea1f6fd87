//! `verzuim run --sorted` end to end: the same bytes as the buffered run
//! for machine formats, with filters, `--as-of`, a roster and several
//! files; a row out of date order is an error naming its line; a bad row
//! stops the run with exit 1 and every bad row is listed.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_verzuim");

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn verzuim(args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .current_dir(root())
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn code(o: &Output) -> i32 {
    o.status.code().unwrap_or(-1)
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

const POLICY: &str = "policies/mlg/2022-2023.verzuim";
const SAMPLE: &str = "data/sample-2022-2023.csv";
const ROSTER: &str = "data/roster-2022-2023.csv";

/// A scratch directory for this test.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("verzuim-sorted-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// `text` (a CSV with a header and `date` as second column) with its rows
/// sorted by date only (stable: within a date the order is the file's).
fn by_date(text: &str) -> String {
    let mut lines = text.lines();
    let header = lines.next().unwrap();
    assert!(header.starts_with("student,date,"), "{header}");
    let mut rows: Vec<&str> = lines.collect();
    rows.sort_by_key(|l| l.split(',').nth(1).unwrap_or("").to_string());
    let mut out = String::from(header);
    out.push('\n');
    for r in rows {
        out.push_str(r);
        out.push('\n');
    }
    out
}

/// The sample year sorted by date, written to a scratch file.
fn sorted_sample(name: &str) -> String {
    let text = std::fs::read_to_string(root().join(SAMPLE)).unwrap();
    let path = scratch(name).join("sorted.csv");
    std::fs::write(&path, by_date(&text)).unwrap();
    path.to_string_lossy().into_owned()
}

/// Run buffered on `buffered` and `--sorted` on `sorted` with `extra`
/// arguments; both must succeed with the same stdout.
fn same_output(buffered: &[&str], sorted: &[&str], extra: &[&str]) -> Vec<u8> {
    let mut a = vec!["run", POLICY];
    a.extend_from_slice(buffered);
    a.extend_from_slice(extra);
    let mut b = vec!["run", POLICY];
    b.extend_from_slice(sorted);
    b.push("--sorted");
    b.extend_from_slice(extra);
    let (x, y) = (verzuim(&a), verzuim(&b));
    assert_eq!(code(&x), 0, "buffered: {}", stderr(&x));
    assert_eq!(code(&y), 0, "sorted: {}", stderr(&y));
    assert!(!x.stdout.is_empty());
    assert!(
        x.stdout == y.stdout,
        "--sorted output differs from the buffered run for {extra:?}"
    );
    y.stdout
}

#[test]
fn sorted_json_equals_buffered_json() {
    let sorted = sorted_sample("json");
    let out = same_output(
        &[SAMPLE],
        &[&sorted],
        &["--format", "json", "--roster", ROSTER],
    );
    let text = String::from_utf8(out).unwrap();
    let summary = text.lines().last().unwrap();
    assert!(summary.contains(r#""registrations":141070"#), "{summary}");
    assert!(summary.contains(r#""students":1500"#), "{summary}");
}

#[test]
fn sorted_csv_with_filters_and_as_of_equals_buffered() {
    let sorted = sorted_sample("csv");
    for extra in [
        &["--format", "csv-nl", "--roster", ROSTER, "--role", "mentor"][..],
        &[
            "--format",
            "json",
            "--as-of",
            "2022-12-01",
            "--from",
            "2022-11-01",
        ][..],
        &["--format", "csv", "--roster", ROSTER, "--class", "2B"][..],
        &[
            "--format",
            "json",
            "--student",
            "S00012",
            "--student",
            "S00480",
        ][..],
    ] {
        same_output(&[SAMPLE], &[&sorted], extra);
    }
}

#[test]
fn sorted_table_has_the_same_lines_as_buffered() {
    // The streamed table sizes its columns from the policy and roster (it
    // cannot see later days); its content is the buffered table's.
    let sorted = sorted_sample("table");
    let args = |file: &str, sorted: bool| {
        let mut v = vec![
            "run",
            POLICY,
            file,
            "--roster",
            ROSTER,
            "--to",
            "2022-10-15",
        ];
        if sorted {
            v.push("--sorted");
        }
        v.iter().map(|s| s.to_string()).collect::<Vec<_>>()
    };
    let run = |a: Vec<String>| {
        let a: Vec<&str> = a.iter().map(String::as_str).collect();
        let o = verzuim(&a);
        assert_eq!(code(&o), 0, "{}", stderr(&o));
        String::from_utf8(o.stdout).unwrap()
    };
    let squash = |t: &str| -> Vec<String> {
        t.lines()
            .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
            .filter(|l| !l.is_empty() && !l.chars().all(|c| c == '-' || c == '─'))
            .collect()
    };
    let (a, b) = (run(args(SAMPLE, false)), run(args(&sorted, true)));
    assert_eq!(squash(&a), squash(&b));
    assert!(b.contains("DUO"), "{b}");
}

#[test]
fn several_sorted_files_merge_like_buffered() {
    let dir = scratch("multi");
    let text = std::fs::read_to_string(root().join(SAMPLE)).unwrap();
    let header = text.lines().next().unwrap();
    // First export: the autumn; second export: everything again, with
    // the late arrivals of one student corrected to 20 minutes.
    let autumn: Vec<&str> = text
        .lines()
        .skip(1)
        .filter(|l| l.split(',').nth(1).is_some_and(|d| d < "2022-11-01"))
        .collect();
    let first = format!("{header}\n{}\n", autumn.join("\n"));
    let second: String = text
        .lines()
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            if f[0] == "S00392" && f[3] == "late" {
                format!("{},{},{},late,20", f[0], f[1], f[2])
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    let (a, b) = (dir.join("a.csv"), dir.join("b.csv"));
    std::fs::write(&a, by_date(&first)).unwrap();
    std::fs::write(&b, by_date(&(second + "\n"))).unwrap();
    let (a, b) = (a.to_string_lossy(), b.to_string_lossy());
    let out = same_output(&[&a, &b], &[&a, &b], &["--format", "json"]);
    let text = String::from_utf8(out).unwrap();
    let summary = text.lines().last().unwrap();
    assert!(!summary.contains(r#""duplicates_merged":0"#), "{summary}");
}

/// Write `csv` to a scratch `events.csv`, run it `--sorted` (plain
/// diagnostics), expect exit 1; (the path, stderr with the path shortened).
fn sorted_failure(name: &str, csv: &str) -> (String, String) {
    let path = scratch(name).join("events.csv");
    std::fs::write(&path, csv).unwrap();
    let p = path.to_string_lossy().into_owned();
    let o = verzuim(&["--error-format", "plain", "run", POLICY, &p, "--sorted"]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let err = stderr(&o).replace(&p, "events.csv");
    (p, err)
}

#[test]
fn a_row_out_of_date_order_is_an_error_naming_its_line() {
    let (p, err) = sorted_failure(
        "order",
        "student,date,period,kind,minutes\n\
         S1,2022-09-05,1,late,5\n\
         S1,2022-09-07,2,late,5\n\
         S2,2022-09-06,3,late,5\n\
         S2,2022-09-08,3,late,5\n",
    );
    assert!(err.contains("events.csv:4:"), "{err}");
    assert!(err.contains("out-of-order"), "{err}");
    assert!(err.contains("2022-09-06"), "{err}");
    insta::assert_snapshot!("sorted_out_of_order", err);
    // Without --sorted the same file is fine.
    let o = verzuim(&["run", POLICY, &p]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
}

#[test]
fn every_bad_row_is_listed_and_the_exit_code_is_1() {
    let (_, err) = sorted_failure(
        "bad",
        "student,date,period,kind,minutes\n\
         S1,2022-09-05,1,late,5\n\
         S1,2022-09-07,2,lat,5\n\
         S2,2022-09-08,3,late,5\n\
         S2,2022-09-10,3,late,5\n",
    );
    assert!(err.contains("events.csv:3:"), "{err}");
    assert!(err.contains("events.csv:5:"), "{err}");
    assert!(err.contains("2 problems in"), "{err}");
}

#[test]
fn a_generated_sorted_year_runs_twice_to_the_same_bytes() {
    let dir = scratch("twice");
    let events = dir.join("events.csv");
    let e = events.to_string_lossy();
    let o = verzuim(&[
        "generate",
        "--students",
        "300",
        "--seed",
        "7",
        "--calendar",
        POLICY,
        "--order",
        "date",
        "--output",
        &e,
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let run = || verzuim(&["run", POLICY, &e, "--sorted", "--format", "json"]);
    let (a, b) = (run(), run());
    assert_eq!(code(&a), 0, "{}", stderr(&a));
    assert!(a.stdout == b.stdout);
    // And equal to the buffered run.
    same_output(&[&e], &[&e], &["--format", "json"]);
}

#[test]
fn missing_events_file_is_exit_2() {
    let o = verzuim(&["run", POLICY, "no/such/file.csv", "--sorted"]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
}

#[test]
fn dates_with_only_ignored_codes_are_no_dates_of_data() {
    // Found by a tester: under --sorted a date whose rows all had an
    // ignored code moved the evaluation's end (an extra LAW16 report) and
    // the missing-data days.
    let dir = scratch("ignored");
    let path = dir.join("events.csv");
    let mut csv = String::from("student,date,period,code,minutes\n");
    for date in [
        "2022-09-05",
        "2022-09-06",
        "2022-09-07",
        "2022-09-08",
        "2022-09-09",
        "2022-09-12",
        "2022-09-13",
        "2022-09-14",
    ] {
        for p in 1..=6 {
            csv.push_str(&format!("S1,{date},{p},A,50\n"));
        }
    }
    csv.push_str("S2,2022-09-15,1,HV,\nS2,2022-09-26,1,HV,\n");
    std::fs::write(&path, csv).unwrap();
    let p = path.to_string_lossy();
    let out = same_output(&[&p], &[&p], &["--format", "json"]);
    let text = String::from_utf8(out).unwrap();
    let summary = text.lines().last().unwrap();
    assert!(summary.contains(r#""as_of":"2022-09-14""#), "{summary}");
    assert!(summary.contains(r#""ignored":2"#), "{summary}");
}

#[test]
fn output_before_a_bad_row_is_whole_days() {
    // Found by a tester: the JSON writer's buffer was cut at a chunk
    // boundary, mid-day, when a bad row stopped the run.
    let text = std::fs::read_to_string(root().join(SAMPLE)).unwrap();
    let sorted = by_date(&text);
    let mut lines: Vec<&str> = sorted.lines().collect();
    let bad = "S00001,2023-06-30,1,lat,5";
    let at = 1 + lines[1..]
        .iter()
        .position(|l| l.split(',').nth(1).is_some_and(|d| d >= "2023-06-30"))
        .unwrap();
    lines.insert(at, bad);
    let path = scratch("partial").join("events.csv");
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    let p = path.to_string_lossy();
    let o = verzuim(&["run", POLICY, &p, "--sorted", "--format", "json"]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let partial = String::from_utf8(o.stdout).unwrap();
    assert!(partial.ends_with('\n'));
    let full = verzuim(&["run", POLICY, SAMPLE, "--format", "json"]);
    let full = String::from_utf8(full.stdout).unwrap();
    // Every action of the dates before the bad row's date, and nothing of
    // that date or later.
    let expected: Vec<&str> = full
        .lines()
        .filter(|l| l.contains(r#""type":"action""#))
        .filter(|l| {
            l.split(r#""triggered_on":""#)
                .nth(1)
                .is_some_and(|d| d < "2023-06-30")
        })
        .collect();
    assert!(!expected.is_empty());
    assert_eq!(partial.lines().collect::<Vec<_>>(), expected);
}
