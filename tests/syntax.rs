//! Syntax tests: every policy under `policies/` parses, and every fixture
//! under `tests/fixtures/syntax/` renders its diagnostics (snapshotted with
//! the source).

use std::path::{Path, PathBuf};
use verzuim::diagnostics::{ErrorFormat, attach, render};
use verzuim::syntax::parse;

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

/// Renders the errors of `src` as a user sees them (human, no colour, width
/// 100). A `*.test.verzuim` name is parsed as a test file.
fn rendered(name: &str, src: &str) -> String {
    let parsed = if verzuim::syntax::is_test_file(Path::new(name)) {
        verzuim::syntax::parse_tests(src).map(|_| ())
    } else {
        parse(src).map(|_| ())
    };
    match parsed {
        Ok(()) => "(parses without errors)\n".to_string(),
        Err(errors) => attach(errors, name, src)
            .iter()
            .map(|r| render(r, ErrorFormat::Human, 100, false))
            .collect::<Vec<_>>()
            .join("\n"),
    }
}

#[test]
fn every_policy_parses() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("policies");
    let files = verzuim_files(&root);
    assert!(
        files.len() >= 2,
        "no policies found under {}",
        root.display()
    );
    for path in files {
        let src = std::fs::read_to_string(&path).unwrap();
        let name = path.display().to_string();
        let out = rendered(&name, &src);
        if out != "(parses without errors)\n" {
            panic!("{name} does not parse:\n{out}");
        }
    }
}

#[test]
fn syntax_fixtures() {
    insta::with_settings!({
        snapshot_path => "fixtures/syntax/snapshots",
        prepend_module_to_snapshot => false,
    }, {
        insta::glob!("fixtures/syntax/*.verzuim", |path| {
            let src = std::fs::read_to_string(path).unwrap();
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            let out = rendered(&name, &src);
            insta::assert_snapshot!(format!("── source ──\n{src}── diagnostics ──\n{out}"));
        });
    });
}

/// Checks the invariants of a parse result: errors are sorted, their spans
/// lie within the source on character boundaries, none is an internal error,
/// and every error renders.
fn check_errors(src: &str) {
    let Err(errors) = parse(src) else { return };
    assert!(!errors.is_empty());
    for e in &errors {
        let s = e.span();
        assert!(
            s.start <= s.end && s.end <= src.len(),
            "{e:?} out of {}",
            src.len()
        );
        assert!(
            src.is_char_boundary(s.start) && src.is_char_boundary(s.end),
            "{e:?}"
        );
        assert!(
            !matches!(e, verzuim::syntax::SyntaxError::Internal { .. }),
            "{e:?}\n{src}"
        );
    }
    let starts: Vec<usize> = errors.iter().map(|e| e.span().start).collect();
    assert!(starts.windows(2).all(|w| w[0] <= w[1]), "{starts:?}");
    for r in attach(errors, "p.verzuim", src) {
        let out = render(&r, ErrorFormat::Human, 100, false);
        assert!(!out.is_empty());
    }
}

/// The MLG policy, the base for mutations.
fn mlg() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("policies/mlg/2022-2023.verzuim");
    std::fs::read_to_string(path).unwrap()
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(300))]

    #[test]
    fn arbitrary_text_never_panics(src in "[a-z\"{}()#:,.<>=≥0-9 \n-]{0,200}") {
        check_errors(&src);
    }

    #[test]
    fn mutated_policy_reports_clean_errors(
        at in 0usize..20_000,
        len in 0usize..12,
        insert in "[a-z\"{}()#:,<>= \n]{0,3}",
    ) {
        let src = mlg();
        let mut start = at % src.len();
        while !src.is_char_boundary(start) {
            start -= 1;
        }
        let mut end = (start + len).min(src.len());
        while !src.is_char_boundary(end) {
            end += 1;
        }
        let mutated = format!("{}{}{}", &src[..start], insert, &src[end..]);
        check_errors(&mutated);
    }
}

#[test]
fn plain_and_json_formats() {
    let name = "two-broken-declarations.verzuim";
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/syntax")
        .join(name);
    let src = std::fs::read_to_string(path).unwrap();
    let reports = attach(parse(&src).unwrap_err(), name, &src);
    let render_all = |format| {
        reports
            .iter()
            .map(|r| render(r, format, 100, false))
            .collect::<String>()
    };
    let json = render_all(ErrorFormat::Json);
    for line in json.lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        assert_eq!(
            (v["type"].as_str(), v["schema"].as_i64()),
            (Some("diagnostic"), Some(1))
        );
    }
    insta::with_settings!({
        snapshot_path => "fixtures/syntax/snapshots",
        prepend_module_to_snapshot => false,
    }, {
        insta::assert_snapshot!("formats-plain", render_all(ErrorFormat::Plain));
        insta::assert_snapshot!("formats-json", json);
    });
}
