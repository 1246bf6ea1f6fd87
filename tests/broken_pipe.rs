//! A reader that goes away (`verzuim … | head -1`) ends no command with a
//! panic: the output is discarded and the command exits with its own code.

use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::{Command, ExitStatus, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_verzuim");

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn command(args: &[&str]) -> Command {
    let mut c = Command::new(BIN);
    c.args(args)
        .current_dir(root())
        .env("NO_COLOR", "1")
        .env("RUST_BACKTRACE", "1")
        .stdin(Stdio::null())
        .stderr(Stdio::piped());
    c
}

/// Run with a stdout whose read end is closed before the command starts:
/// its first write already fails. The exit status and stderr.
fn with_closed_stdout(args: &[&str]) -> (ExitStatus, String) {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let o = command(args).stdout(writer).output().unwrap();
    (o.status, String::from_utf8_lossy(&o.stderr).into_owned())
}

#[track_caller]
fn assert_quiet(args: &[&str], status: ExitStatus, stderr: &str, code: i32) {
    assert!(!stderr.contains("panicked"), "{args:?} panicked:\n{stderr}");
    assert!(!stderr.contains("Broken pipe"), "{args:?}:\n{stderr}");
    assert_eq!(status.code(), Some(code), "{args:?}:\n{stderr}");
}

#[test]
fn run_stops_quietly_when_its_reader_goes_away_after_one_line() {
    let args = [
        "run",
        "policies/mlg/2022-2023.verzuim",
        "data/sample-2022-2023.csv",
    ];
    let mut child = command(&args).stdout(Stdio::piped()).spawn().unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    assert!(first.contains("2022"), "{first}");
    // The reader (and with it the pipe's read end) is dropped here.
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    let status = child.wait().unwrap();
    assert_quiet(&args, status, &stderr, 0);
}

#[test]
fn every_command_exits_quietly_with_its_own_code_on_a_closed_stdout() {
    let cases: &[(&[&str], i32)] = &[
        (&["check", "policies/", "tests/fixtures/testing/"], 1),
        (&["check", "policies/"], 0),
        (&["fmt", "--check", "tests/fixtures/run/"], 1),
        (&["fmt", "--check", "policies/"], 0),
        (&["test", "policies/"], 0),
        (&["test", "--format", "json", "policies/"], 0),
        (&["test", "--format", "junit", "policies/"], 0),
        (
            &[
                "run",
                "policies/mlg/2022-2023.verzuim",
                "data/sample-2022-2023.csv",
                "--format",
                "json",
            ],
            0,
        ),
        (
            &[
                "generate",
                "--students",
                "5",
                "--seed",
                "1",
                "--calendar",
                "policies/mlg/2022-2023.verzuim",
            ],
            0,
        ),
        (&["--help"], 0),
    ];
    for (args, code) in cases {
        let (status, stderr) = with_closed_stdout(args);
        assert_quiet(args, status, &stderr, *code);
    }
}

#[test]
fn any_other_error_writing_stdout_is_reported_once_with_exit_2() {
    let Ok(full) = std::fs::OpenOptions::new().write(true).open("/dev/full") else {
        return; // not Linux
    };
    let o = command(&["check", "policies/"])
        .stdout(full)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(
        stderr.matches("cannot write `<stdout>`").count(),
        1,
        "{stderr}"
    );
    assert_eq!(o.status.code(), Some(2), "{stderr}");
}
