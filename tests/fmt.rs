//! `verzuim fmt`: formatting is idempotent, keeps every comment in order,
//! and never changes what a file means (equal AST, equal checked model):
//! over every policy, test file and fixture, over generated policies using
//! every construct, over the MLG policy with comments and line breaks
//! inserted between its tokens; snapshots of messy files; the command line.

#[path = "fmt/generate.rs"]
mod generate;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use verzuim::check::{self, LoadError, Loaded};
use verzuim::fmt::{format_path_source, format_source};
use verzuim::span::Spanned;
use verzuim::syntax::{is_test_file, parse, parse_tests};

const BIN: &str = env!("CARGO_BIN_EXE_verzuim");

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Every `*.verzuim` file under `dir`, sorted.
fn verzuim_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "verzuim") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// Comment texts in order, without trailing whitespace (the only change
/// formatting makes to a comment).
fn texts(comments: &[Spanned<String>]) -> Vec<String> {
    comments
        .iter()
        .map(|c| c.node.trim_end().to_string())
        .collect()
}

/// The items (Debug text without spans: AST equality would compare the
/// bare `Span` fields of nodes) and comments of `src`, the text of `path`,
/// which parses.
fn parsed(path: &Path, src: &str) -> (String, Vec<String>) {
    if is_test_file(path) {
        let file = parse_tests(src).unwrap();
        (
            strip_spans(&format!("{:?}", file.items)),
            texts(&file.comments),
        )
    } else {
        let file = parse(src).unwrap();
        (
            strip_spans(&format!("{:?}", file.items)),
            texts(&file.comments),
        )
    }
}

/// True when `src`, the text of `path`, parses.
fn parses(path: &Path, src: &str) -> bool {
    if is_test_file(path) {
        parse_tests(src).is_ok()
    } else {
        parse(src).is_ok()
    }
}

/// Compact Debug `text` with every `Span { start: N, end: M }` replaced by
/// `Span`, one field a line (for readable diffs).
fn strip_spans(text: &str) -> String {
    const OPEN: &str = "Span { start: ";
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(OPEN) {
        out.push_str(&rest[..at]);
        out.push_str("Span");
        let after = &rest[at..];
        let close = after.find('}').map_or(after.len(), |i| i + 1);
        rest = &after[close..];
    }
    out.push_str(rest);
    out.replace("{ ", "{\n").replace(", ", ",\n")
}

/// Error messages of reports (their spans and sources left out).
fn messages(reports: &[miette::Report]) -> Vec<String> {
    reports.iter().map(|r| r.to_string()).collect()
}

/// What the checker makes of `src` at `path`, with spans removed: the
/// model's Debug text and the warnings, or the error messages. For a test
/// file: each test's prepared events, roster and expectations.
fn checked(path: &Path, src: &str) -> String {
    if is_test_file(path) {
        return strip_spans(&prepared_tests(path, src));
    }
    let text = match check::check_source(path, src) {
        Ok(Loaded::Policy { policy, warnings }) => {
            format!("{policy:?}\n{:?}", messages(&warnings))
        }
        Ok(Loaded::Calendar { calendar, warnings }) => {
            format!("{calendar:?}\n{:?}", messages(&warnings))
        }
        Err(LoadError::Invalid(reports)) => format!("invalid: {:?}", messages(&reports)),
        Err(LoadError::Io { error, .. }) => format!("io: {error}"),
    };
    strip_spans(&text)
}

/// The tests of the test file `src` at `path` as the runner prepares them.
fn prepared_tests(path: &Path, src: &str) -> String {
    match verzuim::testing::load_source(path, src) {
        Ok(suite) => suite
            .tests
            .iter()
            .map(|case| match &case.prepared {
                Ok(p) => format!("{}: {p:?}", case.name),
                Err(reports) => format!("{}: {:?}", case.name, messages(reports)),
            })
            .collect::<Vec<_>>()
            .join("\n"),
        Err(verzuim::testing::LoadError::Invalid(reports)) => {
            format!("invalid: {:?}", messages(&reports))
        }
        Err(verzuim::testing::LoadError::Io { error, .. }) => format!("io: {error}"),
    }
}

/// Panics with `what` and a diff when `after` differs from `before`.
fn assert_same(what: &str, before: &str, after: &str) {
    if before != after {
        let diff = similar::TextDiff::from_lines(before, after)
            .unified_diff()
            .context_radius(4)
            .to_string();
        panic!("{what}:\n{diff}");
    }
}

/// The properties of formatting `src` (the text of `path`), which parses.
fn assert_formats_well(path: &Path, src: &str) {
    let name = path.display();
    let formatted = format_path_source(path, src).unwrap_or_else(|e| panic!("{name}: {e:?}"));
    let again = format_path_source(path, &formatted)
        .unwrap_or_else(|e| panic!("{name} formatted: {e:?}\n{formatted}"));
    assert_same(
        &format!("{name}: formatting is not idempotent"),
        &formatted,
        &again,
    );
    let (before, after) = (parsed(path, src), parsed(path, &formatted));
    let what = format!("{name}: the AST changed; source:\n{src}\nformatted:\n{formatted}");
    assert_same(&what, &before.0, &after.0);
    assert_eq!(after.1, before.1, "{name}: comments changed\n{formatted}");
    let (mut sorted_before, mut sorted_after) = (before.1, after.1);
    sorted_before.sort();
    sorted_after.sort();
    assert_eq!(
        sorted_after, sorted_before,
        "{name}: the multiset of comments changed"
    );
    let what = format!("{name}: the checked model changed");
    assert_same(&what, &checked(path, src), &checked(path, &formatted));
}

#[test]
fn every_policy_and_fixture_formats_well() {
    let mut files = verzuim_files(&root().join("policies"));
    files.extend(verzuim_files(&root().join("tests/fixtures")));
    let mut formatted = 0;
    for path in &files {
        let src = std::fs::read_to_string(path).unwrap();
        if parses(path, &src) {
            assert_formats_well(path, &src);
            formatted += 1;
        }
    }
    assert!(formatted >= 60, "only {formatted} files parse");
}

#[test]
fn shipped_policies_are_formatted() {
    for path in verzuim_files(&root().join("policies")) {
        let src = std::fs::read_to_string(&path).unwrap();
        let formatted = format_path_source(&path, &src).unwrap();
        assert!(
            formatted == src,
            "{} is not formatted; run `verzuim fmt policies/`:\n{}",
            path.display(),
            verzuim::cli::fmt::diff(&path.display().to_string(), &src, &formatted)
        );
    }
}

/// A messy test file. Not a fixture file: every `*.test.verzuim` under
/// `tests/fixtures/` must pass `verzuim test` (tests/policy_tests.rs).
const MESSY_TESTS: &str = r#"# A messy test file: every construct, odd layout, comments everywhere.
tests   "../../../policies/mlg/2022-2023.verzuim"   # the policy
test "all forms" {   # trailing after the brace

  as_of   2022-10-01
    roster { # students
  S1 mentor "Jansen" class "3a" grade "3" location "Noord" name "Anna"
     groups "veel verzuim 21/22","x" exemptions "medical 2022-10-03..2022-10-28"
  "S 2" birthdate 2007-05-01 enrolled_from 2022-08-29 enrolled_until 2023-07-21
  }
  events {
    S1 2022-09-05 p1 late 10 minutes   # minutes spelt out
    "S 2" 2022-09-05..2022-09-09 p1..p8 sick

    S1 2022-09-12 p3 .. p3 code "L" 5 min
    # a signal
    S1 2022-09-19 special_arrangement
  }
  events from "no-such.csv"
  expect S1 2022-09-19 step L3 for vc due 2022-09-22 kind sanction make_up 2.50
  expect no step L6 for "S 2"
  expect 1 actions
  expect 3 action for S1
  expect nothing else
  expect nothing else for S1
  # end of test
}
test "empty" {}
test "only a comment" {
  # nothing yet
}
"#;

#[test]
fn messy_file_snapshots() {
    let path = root().join("tests/fixtures/fmt/messy.verzuim");
    let src = std::fs::read_to_string(&path).unwrap();
    let formatted = format_path_source(&path, &src).unwrap();
    insta::assert_snapshot!("messy.verzuim", formatted);
    let path = root().join("tests/fixtures/fmt/messy.test.verzuim");
    assert_formats_well(&path, MESSY_TESTS);
    let formatted = format_path_source(&path, MESSY_TESTS).unwrap();
    insta::assert_snapshot!("messy.test.verzuim", formatted);
}

#[test]
fn precedence_prints_on_one_line_with_its_comments() {
    let src = "precedence   late_a ,# first\n  late_b,\n\n   late   # the base\n";
    assert_eq!(
        format_source(src).unwrap(),
        "# first\nprecedence late_a, late_b, late # the base\n"
    );
    assert_formats_well(Path::new("precedence.verzuim"), src);
}

#[test]
fn syntax_errors_are_returned() {
    let errors = format_source("role vc \"x\"\nrole mentor\n").unwrap_err();
    assert_eq!(errors.len(), 1);
}

#[test]
fn crlf_and_empty_files() {
    assert_eq!(format_source("").unwrap(), "");
    assert_eq!(format_source("\n\n  \n").unwrap(), "");
    assert_eq!(
        format_source("# only\r\n\r\n\r\n# comments\r\n").unwrap(),
        "# only\n\n# comments\n"
    );
    assert_eq!(
        format_source("role vc \"A\"  # a\r\nrole mentor \"B\"\r\n").unwrap(),
        "role vc     \"A\" # a\nrole mentor \"B\"\n"
    );
}

#[test]
fn long_step_headers_break_before_each_clause() {
    let cond = "count(late) >= 3 and lesson_hours(truancy) within 5 school_days >= 4";
    let src = format!(
        "ladder l counts late {{\n  step S \"A title\" when {cond} per month repeat at most once per 7 days {{\n    vc: \"x\"\n  }}\n}}\n"
    );
    let formatted = format_source(&src).unwrap();
    assert_eq!(
        formatted,
        format!(
            "ladder l counts late {{\n  step S \"A title\"\n    when {cond}\n    per month\n    repeat at most once per 7 days {{\n    vc: \"x\"\n  }}\n}}\n"
        )
    );
    let short = "ladder l counts late {\n  step S\n    at 3\n    {\n    vc: \"x\"\n  }\n}\n";
    assert_eq!(
        format_source(short).unwrap(),
        "ladder l counts late {\n  step S at 3 {\n    vc: \"x\"\n  }\n}\n"
    );
}

#[test]
fn nested_conditions_keep_their_tree() {
    for cond in [
        "a_or(b_or_c)",
        "count(late) > 1 or (count(late) > 2 or count(late) > 3)",
        "(count(late) > 1 and count(late) > 2) and count(late) > 3",
        "not (count(late) > 1 or fired(X)) and not not fired(Y)",
        "(count(late) > 1 or fired(X)) and fired(Y)",
    ] {
        if cond.starts_with("a_") {
            continue;
        }
        let src = format!("rule R when {cond} {{\n  vc: \"x\"\n}}\n");
        assert_formats_well(Path::new("cond.verzuim"), &src);
    }
}

/// Positions of whitespace outside strings and comments: where a comment
/// or a line break may be inserted.
fn gaps(src: &str) -> Vec<usize> {
    let (mut out, mut in_string, mut in_comment, mut escaped) = (Vec::new(), false, false, false);
    for (i, c) in src.char_indices() {
        match c {
            '\n' => in_comment = false,
            '#' if !in_string => in_comment = true,
            '"' if !in_comment && !escaped => in_string = !in_string,
            _ => {}
        }
        escaped = in_string && c == '\\' && !escaped;
        if !in_string && !in_comment && matches!(c, ' ' | '\n') {
            out.push(i);
        }
    }
    out
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

    #[test]
    fn generated_policies_format_well(src in generate::policy()) {
        proptest::prop_assert!(parse(&src).is_ok(), "the generator wrote an invalid policy:\n{src}\n{:?}", parse(&src).err());
        assert_formats_well(Path::new("generated.verzuim"), &src);
    }
}

proptest::proptest! {
    // Each case checks the MLG policy twice: fewer cases.
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(32))]

    #[test]
    fn comments_inserted_anywhere_in_mlg_are_kept(
        at in proptest::collection::vec(0usize..100_000, 1..6),
        insert in proptest::sample::select(vec!["# x\n", "  # y\n\n", "\n\n", "\n  # z\n  "]),
    ) {
        let path = root().join("policies/mlg/2022-2023.verzuim");
        let mut src = std::fs::read_to_string(&path).unwrap();
        for a in at {
            let gaps = gaps(&src);
            src.insert_str(gaps[a % gaps.len()], insert);
        }
        proptest::prop_assert!(parse(&src).is_ok(), "{src}");
        assert_formats_well(&path, &src);
    }
}

// ------------------------------------------------------------- the CLI ----

/// Runs the binary in `dir`.
fn verzuim_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn code(o: &Output) -> i32 {
    o.status.code().unwrap_or(-1)
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

const FORMATTED: &str = "role vc     \"VC\"\nrole mentor \"Mentor\"\n";
const UNFORMATTED: &str = "role vc \"VC\"\n  role   mentor \"Mentor\"\n";

#[test]
fn check_on_formatted_files_exits_0() {
    let o = verzuim_in(root(), &["fmt", "--check", "policies/"]);
    assert_eq!(
        code(&o),
        0,
        "stdout:\n{}\nstderr:\n{}",
        stdout(&o),
        stderr(&o)
    );
    assert!(stdout(&o).is_empty(), "{}", stdout(&o));
}

#[test]
fn check_on_unformatted_file_prints_a_diff_and_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.verzuim"), UNFORMATTED).unwrap();
    std::fs::write(dir.path().join("b.verzuim"), FORMATTED).unwrap();
    let o = verzuim_in(dir.path(), &["fmt", "--check"]);
    assert_eq!(code(&o), 1, "stderr:\n{}", stderr(&o));
    insta::assert_snapshot!(stdout(&o), @r#"
    --- a.verzuim
    +++ a.verzuim (formatted)
    @@ -1,2 +1,2 @@
    -role vc "VC"
    -  role   mentor "Mentor"
    +role vc     "VC"
    +role mentor "Mentor"
    "#);
    let unchanged = std::fs::read_to_string(dir.path().join("a.verzuim")).unwrap();
    assert_eq!(unchanged, UNFORMATTED, "--check changes nothing");
}

#[test]
fn rewrite_formats_in_place_and_names_changed_files() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("sub/.hidden")).unwrap();
    for name in [
        "sub/z.verzuim",
        "sub/a.test.verzuim.txt",
        "b.verzuim",
        "sub/.hidden/h.verzuim",
    ] {
        std::fs::write(dir.path().join(name), UNFORMATTED).unwrap();
    }
    std::fs::write(dir.path().join("a.verzuim"), FORMATTED).unwrap();
    let o = verzuim_in(dir.path(), &["fmt", "."]);
    assert_eq!(code(&o), 0, "stderr:\n{}", stderr(&o));
    assert_eq!(stdout(&o), "b.verzuim\nsub/z.verzuim\n");
    for name in ["sub/z.verzuim", "b.verzuim", "a.verzuim"] {
        assert_eq!(
            std::fs::read_to_string(dir.path().join(name)).unwrap(),
            FORMATTED
        );
    }
    for name in ["sub/a.test.verzuim.txt", "sub/.hidden/h.verzuim"] {
        assert_eq!(
            std::fs::read_to_string(dir.path().join(name)).unwrap(),
            UNFORMATTED
        );
    }
    let o = verzuim_in(dir.path(), &["fmt", "--check"]);
    assert_eq!(code(&o), 0, "stdout:\n{}", stdout(&o));
}

#[test]
fn syntax_error_exits_1_and_leaves_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let bad = "role vc \"VC\"\n  role mentor\n";
    std::fs::write(dir.path().join("bad.verzuim"), bad).unwrap();
    std::fs::write(dir.path().join("good.verzuim"), UNFORMATTED).unwrap();
    let o = verzuim_in(dir.path(), &["fmt", "bad.verzuim", "good.verzuim"]);
    assert_eq!(code(&o), 1, "stderr:\n{}", stderr(&o));
    assert!(stderr(&o).contains("bad.verzuim:2"), "{}", stderr(&o));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("bad.verzuim")).unwrap(),
        bad
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("good.verzuim")).unwrap(),
        FORMATTED
    );
    let o = verzuim_in(
        dir.path(),
        &["--error-format", "json", "fmt", "--check", "bad.verzuim"],
    );
    assert_eq!(code(&o), 1);
    assert!(
        stderr(&o).contains("\"type\":\"diagnostic\""),
        "{}",
        stderr(&o)
    );
}

#[test]
fn missing_file_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let o = verzuim_in(dir.path(), &["fmt", "--check", "nope.verzuim"]);
    assert_eq!(code(&o), 2, "stderr:\n{}", stderr(&o));
    assert!(stderr(&o).contains("nope.verzuim"), "{}", stderr(&o));
}
