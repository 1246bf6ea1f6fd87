//! End-to-end benchmark of `verzuim run` (see `docs/performance.md`).
//!
//! ```sh
//! cargo bench --bench run                       # 1,600 / 16,000 / 160,000 students
//! cargo bench --bench run -- --students 1600,16000 --dir /tmp/vbench --timeout 600
//! ```
//!
//! For each size it generates a school year with `verzuim generate` (seed 1,
//! the MLG policy's calendar; cached in `--dir`, default
//! `target/bench-data`), then runs the complete MLG policy end to end —
//! read the CSV, evaluate, write JSON Lines to `/dev/null` — under
//! `/usr/bin/time -v`, and prints one Markdown table row: registrations,
//! wall time, registrations per second and peak memory (maximum resident
//! set size). A run longer than `--timeout` seconds is stopped and reported
//! as such. Not part of `cargo test`; no timing is asserted anywhere.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_verzuim");

/// Command-line options.
struct Options {
    students: Vec<u32>,
    dir: PathBuf,
    timeout: Duration,
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn policy() -> PathBuf {
    root().join("policies/mlg/2022-2023.verzuim")
}

fn options() -> Result<Options, String> {
    let mut o = Options {
        students: vec![1_600, 16_000, 160_000],
        dir: root().join("target/bench-data"),
        timeout: Duration::from_secs(600),
    };
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut value = || args.next().ok_or(format!("{a} needs a value"));
        match a.as_str() {
            "--students" => {
                o.students = value()?
                    .split(',')
                    .map(|s| s.trim().parse().map_err(|e| format!("{s}: {e}")))
                    .collect::<Result<_, _>>()?;
            }
            "--dir" => o.dir = PathBuf::from(value()?),
            "--timeout" => {
                let s: u64 = value()?.parse().map_err(|e| format!("--timeout: {e}"))?;
                o.timeout = Duration::from_secs(s);
            }
            // `cargo bench` passes `--bench`.
            "--bench" => {}
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    Ok(o)
}

/// The events file for `students`, generated when missing; its number of
/// registrations (rows after the header).
fn events(dir: &Path, students: u32) -> Result<(PathBuf, u64), String> {
    std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
    let path = dir.join(format!("events-{students}.csv"));
    if !path.exists() {
        let tmp = dir.join(format!("events-{students}.csv.part"));
        let status = Command::new(BIN)
            .args([
                "generate",
                "--students",
                &students.to_string(),
                "--seed",
                "1",
            ])
            .arg("--calendar")
            .arg(policy())
            .arg("--output")
            .arg(&tmp)
            .stderr(Stdio::null())
            .status()
            .map_err(|e| e.to_string())?;
        if !status.success() {
            return Err(format!("generate failed: {status}"));
        }
        std::fs::rename(&tmp, &path).map_err(|e| e.to_string())?;
    }
    let text = std::fs::read(&path).map_err(|e| e.to_string())?;
    let rows = text.iter().filter(|&&b| b == b'\n').count() as u64;
    Ok((path, rows.saturating_sub(1)))
}

/// One measured run.
struct Measured {
    /// Wall-clock time.
    wall: Duration,
    /// User + system CPU seconds, from `/usr/bin/time`.
    cpu: Option<f64>,
    /// Maximum resident set size in KiB, from `/usr/bin/time`.
    peak: Option<u64>,
}

/// The number after `label` in `/usr/bin/time -v` output.
fn time_field(stderr: &str, label: &str) -> Option<f64> {
    stderr
        .lines()
        .find_map(|l| l.trim().strip_prefix(label))
        .and_then(|v| v.trim().parse().ok())
}

/// One measured run, or `None` when it was stopped at the timeout.
fn measure(events: &Path, timeout: Duration) -> Result<Option<Measured>, String> {
    let time = Path::new("/usr/bin/time");
    let mut cmd = if time.exists() {
        let mut c = Command::new(time);
        c.arg("-v").arg(BIN);
        c
    } else {
        Command::new(BIN)
    };
    cmd.arg("run")
        .arg(policy())
        .arg(events)
        .args(["--format", "json"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    let start = Instant::now();
    let mut child = cmd.spawn().map_err(|e| e.to_string())?;
    loop {
        if child.try_wait().map_err(|e| e.to_string())?.is_some() {
            break;
        }
        if start.elapsed() > timeout {
            let _ = child.kill();
            let _ = child.wait();
            return Ok(None);
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let wall = start.elapsed();
    let out = child.wait_with_output().map_err(|e| e.to_string())?;
    if !out.status.success() {
        return Err(format!(
            "run failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let stderr = String::from_utf8_lossy(&out.stderr);
    let user = time_field(&stderr, "User time (seconds):");
    let system = time_field(&stderr, "System time (seconds):");
    Ok(Some(Measured {
        wall,
        cpu: user.zip(system).map(|(u, s)| u + s),
        peak: time_field(&stderr, "Maximum resident set size (kbytes):").map(|k| k as u64),
    }))
}

/// `nproc`, the CPU model and the memory of this machine.
fn machine() -> String {
    let cpus = std::thread::available_parallelism().map_or(0, |n| n.get());
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find_map(|l| l.strip_prefix("model name"))
        .map_or("unknown", |m| m.trim_start_matches([' ', '\t', ':']));
    let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let mem = meminfo
        .lines()
        .find_map(|l| l.strip_prefix("MemTotal:"))
        .map_or("unknown".to_string(), |m| m.trim().to_string());
    format!("{cpus} CPUs ({model}), {mem} memory")
}

fn main() {
    let o = match options() {
        Ok(o) => o,
        Err(e) => {
            eprintln!("bench: {e}");
            std::process::exit(2);
        }
    };
    println!("machine: {}", machine());
    println!(
        "| students | registrations | wall time | registrations/s (wall) | CPU time | peak memory |"
    );
    println!("|---:|---:|---:|---:|---:|---:|");
    for &n in &o.students {
        let row = events(&o.dir, n).and_then(|(path, regs)| Ok((regs, measure(&path, o.timeout)?)));
        match row {
            Ok((regs, Some(m))) => {
                let secs = m.wall.as_secs_f64();
                let rate = regs as f64 / secs;
                let cpu = m.cpu.map_or("n/a".to_string(), |c| format!("{c:.2} s"));
                let peak = m
                    .peak
                    .map_or("n/a".to_string(), |k| format!("{} MB", k / 1024));
                println!("| {n} | {regs} | {secs:.2} s | {rate:.0} | {cpu} | {peak} |");
            }
            Ok((regs, None)) => {
                let t = o.timeout.as_secs();
                println!("| {n} | {regs} | stopped after {t} s | – | – | – |");
            }
            Err(e) => println!("| {n} | – | failed: {e} | – | – | – |"),
        }
    }
}
