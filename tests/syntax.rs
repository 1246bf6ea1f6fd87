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

/// Renders the errors of `src` as a user sees them (human, no colour, width 100).
fn rendered(name: &str, src: &str) -> String {
    match parse(src) {
        Ok(_) => "(parses without errors)\n".to_string(),
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
        if parse(&src).is_err() {
            panic!("{name} does not parse:\n{}", rendered(&name, &src));
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
