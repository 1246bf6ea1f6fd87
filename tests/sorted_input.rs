//! The streaming, date-sorted events reader (`verzuim::io::stream`, behind
//! `verzuim run --sorted`) against the buffered one: the same rows per date,
//! the same merge counts over several files, errors located the same way;
//! standard input, and an I/O error on it; and (ignored by default) its
//! throughput.

use std::collections::BTreeMap;
use std::io::Write;
use std::os::fd::OwnedFd;
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use verzuim::eval::{Registration, Roster};
use verzuim::io::events::{EventsFile, EventsRead, ReadOptions, parse_event_files};
use verzuim::io::stream::{DayBatch, SortedEvents};
use verzuim::io::{DataErrorCode, ReadError};
use verzuim::model::Policy;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn policy() -> Policy {
    match verzuim::check::load(&root().join("policies/mlg/2022-2023.verzuim")) {
        Ok(verzuim::check::Loaded::Policy { policy, .. }) => policy,
        _ => panic!("the MLG policy loads"),
    }
}

fn roster(policy: &Policy) -> Roster {
    let path = root().join("data/roster-2022-2023.csv");
    verzuim::io::roster::read_roster(policy, path.to_str().unwrap())
        .unwrap()
        .0
}

/// The shipped sample year (sorted by student), sorted by date: header and
/// rows, the order within a date kept.
fn sample_by_date() -> (String, Vec<String>) {
    let text = std::fs::read_to_string(root().join("data/sample-2022-2023.csv")).unwrap();
    let mut lines = text.lines();
    let header = lines.next().unwrap().to_string();
    let date = header.split(',').position(|c| c == "date").unwrap();
    let mut rows: Vec<String> = lines.map(str::to_string).collect();
    rows.sort_by(|a, b| a.split(',').nth(date).cmp(&b.split(',').nth(date)));
    (header, rows)
}

fn write(dir: &Path, name: &str, header: &str, rows: &[String]) -> String {
    let path = dir.join(name);
    let mut text = format!("{header}\n");
    for r in rows {
        text.push_str(r);
        text.push('\n');
    }
    std::fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_string()
}

/// Everything a stream gives: its good batches (or the first error's
/// messages and all errors' messages), and the student table.
struct Streamed {
    batches: Vec<DayBatch>,
    errors: Vec<String>,
    students: Vec<String>,
}

fn stream(policy: &Policy, paths: &[String], roster: Option<&Roster>) -> Streamed {
    let mut s = SortedEvents::open(policy, paths, roster).unwrap();
    let mut out = Streamed {
        batches: Vec::new(),
        errors: Vec::new(),
        students: Vec::new(),
    };
    while let Some(b) = s.next_batch() {
        match b {
            Ok(b) => {
                out.students.extend(b.new_students.iter().cloned());
                out.batches.push(b);
            }
            Err(e) => out.errors.extend(invalid(e).iter().map(|e| e.to_string())),
        }
    }
    let (read, total) = s.progress();
    if let Some(total) = total {
        assert_eq!(read, total, "every byte was read");
    }
    out
}

/// The data errors of `e`, which is no I/O error.
fn invalid(e: ReadError) -> Vec<verzuim::io::DataError> {
    match e {
        ReadError::Invalid(es) => es,
        ReadError::Io { path, error } => panic!("cannot read {path}: {error}"),
    }
}

fn buffered(policy: &Policy, paths: &[String], roster: Option<&Roster>) -> EventsRead {
    let files: Vec<EventsFile> = paths.iter().map(|p| EventsFile::read(p).unwrap()).collect();
    let opts = ReadOptions {
        roster,
        progress: None,
    };
    parse_event_files(policy, &files, opts).unwrap()
}

/// A registration with its student by name, for comparing readers that
/// number students differently.
type Named = (String, Registration);

fn named(students: &[String], rows: &[Registration]) -> Vec<Named> {
    let mut out: Vec<Named> = rows
        .iter()
        .map(|r| {
            let mut r = r.clone();
            let name = students[r.student as usize].clone();
            r.student = 0;
            (name, r)
        })
        .collect();
    out.sort();
    out
}

/// Per date, the streamed rows and the buffered rows.
fn per_date(s: &Streamed, b: &EventsRead) -> BTreeMap<chrono::NaiveDate, (Vec<Named>, Vec<Named>)> {
    let mut by_date: BTreeMap<_, (Vec<Named>, Vec<Named>)> = BTreeMap::new();
    for batch in &s.batches {
        let e = by_date.entry(batch.date).or_default();
        e.0.extend(named(&s.students, &batch.rows));
        e.0.sort();
    }
    for (name, r) in named(&b.registrations.students, &b.registrations.rows) {
        by_date.entry(r.date).or_default().1.push((name, r));
    }
    for v in by_date.values_mut() {
        v.1.sort();
    }
    by_date
}

#[test]
fn a_year_streams_as_the_buffered_reader_reads_it() {
    let policy = policy();
    let roster = roster(&policy);
    let dir = tempfile::tempdir().unwrap();
    let (header, rows) = sample_by_date();
    let path = write(dir.path(), "year.csv", &header, &rows);
    let paths = vec![path];
    let s = stream(&policy, &paths, Some(&roster));
    let b = buffered(&policy, &paths, Some(&roster));
    assert!(s.errors.is_empty(), "{:?}", s.errors);
    let dates: Vec<_> = s.batches.iter().map(|b| b.date).collect();
    assert!(dates.windows(2).all(|w| w[0] < w[1]), "dates increase");
    assert!(dates.len() > 150, "a school year of dates");
    for (date, (streamed, buffered)) in per_date(&s, &b) {
        assert_eq!(streamed, buffered, "the rows of {date}");
    }
    let mut students = s.students.clone();
    students.sort();
    assert_eq!(students, b.registrations.students);
    let ignored: u64 = s.batches.iter().map(|b| b.ignored).sum();
    let duplicates: u64 = s.batches.iter().map(|b| b.duplicates_merged).sum();
    assert_eq!(ignored, b.registrations.ignored);
    assert_eq!(duplicates, b.duplicates_merged);
}

#[test]
fn several_files_merge_by_date_as_when_buffered() {
    let policy = policy();
    let dir = tempfile::tempdir().unwrap();
    let (header, rows) = sample_by_date();
    // A: the first 40,000 rows with every 7th row written twice. B, a later
    // export: every 3rd row of A's, late minutes changed on every 5th of
    // those (a replacement), plus rows A does not have.
    let mut a = Vec::new();
    for (i, r) in rows[..40_000].iter().enumerate() {
        a.push(r.clone());
        if i % 7 == 0 {
            a.push(r.clone());
        }
    }
    let mut b: Vec<String> = Vec::new();
    for (i, r) in rows[..40_000].iter().enumerate().step_by(3) {
        let mut f: Vec<&str> = r.split(',').collect();
        let changed;
        if i % 5 == 0 && f[3] == "late" {
            changed = if f[4] == "1" { "2" } else { "1" }.to_string();
            f[4] = &changed;
        }
        b.push(f.join(","));
    }
    b.extend(rows[40_000..50_000].iter().cloned());
    let paths = vec![
        write(dir.path(), "a.csv", &header, &a),
        write(dir.path(), "b.csv", &header, &b),
    ];
    let s = stream(&policy, &paths, None);
    let buf = buffered(&policy, &paths, None);
    assert!(s.errors.is_empty(), "{:?}", s.errors);
    let replaced: u64 = s.batches.iter().map(|b| b.replaced).sum();
    let duplicates: u64 = s.batches.iter().map(|b| b.duplicates_merged).sum();
    assert!(replaced > 0 && duplicates > 0);
    assert_eq!(
        (replaced, duplicates),
        (buf.replaced, buf.duplicates_merged)
    );
    for (date, (streamed, buffered)) in per_date(&s, &buf) {
        assert_eq!(streamed, buffered, "the rows of {date}");
    }
    let files: Vec<u32> = s
        .batches
        .iter()
        .flat_map(|b| b.rows.iter().map(|r| r.origin.file))
        .collect();
    assert!(files.contains(&0) && files.contains(&1));
}

#[test]
fn a_row_out_of_order_is_named_and_later_errors_are_listed() {
    let policy = policy();
    let dir = tempfile::tempdir().unwrap();
    let (header, rows) = sample_by_date();
    let mut rows = rows[..20_000].to_vec();
    // An error in the 5th school day, a row moved back, an error after it.
    let moved = rows.remove(10);
    rows.insert(15_000, moved.clone());
    let day5 = rows
        .iter()
        .position(|r| r.contains(",2022-09-02,") && r.contains(",late,"))
        .unwrap();
    rows[day5] = rows[day5].replace(",late,", ",lat,");
    rows[19_000] = rows[19_000].replacen("S0", "", 1).replace(",2022-", ",22-");
    let path = write(dir.path(), "e.csv", &header, &rows);
    let mut s = SortedEvents::open(&policy, std::slice::from_ref(&path), None).unwrap();
    let mut good_days = 0;
    let mut errors = Vec::new();
    while let Some(b) = s.next_batch() {
        match b {
            Ok(_) if errors.is_empty() => good_days += 1,
            Ok(_) => {}
            Err(e) => errors.extend(invalid(e)),
        }
    }
    assert_eq!(good_days, 4, "the first four days are good");
    let messages: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
    assert_eq!(errors.len(), 3, "{messages:#?}");
    assert!(messages[0].starts_with(&format!("{path}:{}:", day5 + 2)));
    assert_eq!(errors[1].code, DataErrorCode::OutOfOrder);
    let moved_date = moved.split(',').nth(1).unwrap();
    let before = rows[14_999].split(',').nth(1).unwrap();
    let prefix = format!("{path}:15002:8: row dated {moved_date} after line ");
    let suffix = format!(", dated {before}: under --sorted dates must not decrease");
    assert!(messages[1].starts_with(&prefix), "{}", messages[1]);
    assert!(messages[1].ends_with(&suffix), "{}", messages[1]);
    assert_eq!(errors[2].code, DataErrorCode::BadDate);
    assert_eq!(errors[2].line, 19_002);
}

#[test]
fn standard_input_can_be_read_once() {
    let policy = policy();
    let paths = vec!["-".to_string(), "-".to_string()];
    match SortedEvents::open(&policy, &paths, None) {
        Err(ReadError::Io { path, error }) => {
            assert_eq!(path, "-");
            assert_eq!(error.kind(), std::io::ErrorKind::InvalidInput);
        }
        _ => panic!("`-` twice is refused"),
    }
}

/// Run by [`standard_input_is_streamed`] in a child process with the
/// events on its standard input: prints what it read.
#[test]
fn stdin_child() {
    if std::env::var_os("VERZUIM_SORTED_STDIN_CHILD").is_none() {
        return;
    }
    let policy = policy();
    let s = stream(&policy, &["-".to_string()], None);
    let rows: usize = s.batches.iter().map(|b| b.rows.len()).sum();
    println!(
        "batches={} rows={rows} students={} errors={:?}",
        s.batches.len(),
        s.students.len(),
        s.errors
    );
}

#[test]
fn standard_input_is_streamed() {
    let (header, rows) = sample_by_date();
    let mut text = format!("{header}\n");
    for r in &rows[..30_000] {
        text.push_str(r);
        text.push('\n');
    }
    text.push_str("S00001,2022-08-29,1,late,4\n");
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "stdin_child", "--nocapture", "--test-threads=1"])
        .env("VERZUIM_SORTED_STDIN_CHILD", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || stdin.write_all(text.as_bytes()).unwrap());
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    let out = String::from_utf8_lossy(&out.stdout);
    let line = out
        .lines()
        .find_map(|l| l.find("batches=").map(|i| &l[i..]))
        .unwrap_or_else(|| panic!("the child reports: {out}"));
    let policy = policy();
    let dates: std::collections::BTreeSet<&str> = rows[..30_000]
        .iter()
        .map(|r| r.split(',').nth(1).unwrap())
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "e.csv", &header, &rows[..30_000]);
    let b = buffered(&policy, &[path], None);
    let expected = format!(
        "batches={} rows={} students={} errors=[\"<stdin>:30002:8: row dated 2022-08-29 after line 30001, dated {}: under --sorted dates must not decrease\"]",
        dates.len(),
        b.registrations.rows.len(),
        b.registrations.students.len(),
        dates.last().unwrap()
    );
    assert_eq!(line, expected);
}

/// `verzuim run` with `text` on standard input, after which reading it
/// fails with "Connection reset by peer".
fn run_with_stdin_reset(args: &[&str], text: &str) -> std::process::Output {
    // A Unix socket closed with data left unread in it: the other end
    // reads what was written, then ECONNRESET.
    let (ours, theirs) = UnixStream::pair().unwrap();
    let mut unread = theirs.try_clone().unwrap();
    unread.write_all(b"x").unwrap();
    drop(unread);
    let child = Command::new(env!("CARGO_BIN_EXE_verzuim"))
        .args(args)
        .current_dir(root())
        .env("NO_COLOR", "1")
        .stdin(Stdio::from(OwnedFd::from(theirs)))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let text = text.to_string();
    let writer = std::thread::spawn(move || {
        let mut ours = ours;
        ours.write_all(text.as_bytes()).unwrap();
    });
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    out
}

#[test]
fn an_io_error_on_standard_input_is_a_read_error_as_when_buffered() {
    let (header, rows) = sample_by_date();
    let mut text = format!("{header}\n");
    for r in &rows[..2_000] {
        text.push_str(r);
        text.push('\n');
    }
    text.push_str("S00001,2022-09");
    let policy = "policies/mlg/2022-2023.verzuim";
    let buffered = run_with_stdin_reset(&["run", policy, "-"], &text);
    let sorted = run_with_stdin_reset(&["run", policy, "-", "--sorted"], &text);
    let stderr = |o: &std::process::Output| String::from_utf8_lossy(&o.stderr).into_owned();
    assert_eq!(buffered.status.code(), Some(2), "{}", stderr(&buffered));
    assert!(
        stderr(&buffered).contains("cannot read `<stdin>`: Connection reset by peer"),
        "{}",
        stderr(&buffered)
    );
    assert_eq!(sorted.status.code(), Some(2), "{}", stderr(&sorted));
    assert_eq!(stderr(&sorted), stderr(&buffered));
}

/// Rows per second of the streaming reader alone:
/// `VERZUIM_SORTED_BENCH=sorted.csv cargo test --release --test sorted_input -- --ignored --nocapture`.
#[test]
#[ignore]
fn throughput() {
    let Some(path) = std::env::var_os("VERZUIM_SORTED_BENCH") else {
        return;
    };
    let policy = policy();
    let paths = vec![path.to_string_lossy().into_owned()];
    let start = std::time::Instant::now();
    let mut s = SortedEvents::open(&policy, &paths, None).unwrap();
    let (mut rows, mut days, mut errors) = (0usize, 0usize, 0usize);
    while let Some(b) = s.next_batch() {
        match b {
            Ok(b) => {
                rows += b.rows.len();
                days += 1;
            }
            Err(e) => errors += invalid(e).len(),
        }
    }
    let secs = start.elapsed().as_secs_f64();
    let (bytes, _) = s.progress();
    println!(
        "{rows} rows, {days} days, {errors} errors, {bytes} bytes in {secs:.2} s: {:.0} rows/s, {:.0} MB/s",
        rows as f64 / secs,
        bytes as f64 / secs / 1e6
    );
}
