//! Documentation tests: the examples and the diagnostic list in `docs/`
//! cannot go stale.
//!
//! - Every ```` ```verzuim ```` block in `docs/*.md` and `README.md` is a
//!   complete file and must check without errors, as if it were the file
//!   `docs/example.verzuim` (so a `use calendar` path is relative to
//!   `docs/`). A block that is a test file (it starts with a `tests` header
//!   or a `test` block) is parsed as one, syntax only, like `verzuim check`
//!   does with `*.test.verzuim` files. Fragments belong in ```` ```text ````
//!   blocks.
//! - Every diagnostic code of the syntax, check and data phases (read from
//!   `src/syntax`, `src/check` and `src/io`) appears in
//!   `docs/diagnostics.md`.

use std::path::{Path, PathBuf};
use verzuim::check::error::Code;
use verzuim::check::{self, LoadError};
use verzuim::diagnostics::{self, ErrorFormat};
use verzuim::io::DataErrorCode;

/// The crate root.
fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// One ```` ```verzuim ```` block: where it starts and its text.
struct Block {
    /// The Markdown file, relative to the crate root.
    file: String,
    /// 1-based line of the block's first line of code.
    line: usize,
    /// The block's text.
    src: String,
}

/// The Markdown files whose `verzuim` blocks are checked: `docs/*.md`
/// (sorted) and `README.md`.
fn markdown_files() -> Vec<PathBuf> {
    let docs = root().join("docs");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&docs)
        .expect("docs/ is readable")
        .map(|e| e.expect("a docs/ entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    files.sort();
    files.push(root().join("README.md"));
    files
}

/// The ```` ```verzuim ```` blocks of one Markdown text. A block runs from
/// its opening fence to the next line that is only a closing fence; an
/// unclosed block is an `Err` naming where it opens.
fn blocks_of(file: &str, text: &str) -> Vec<Result<Block, String>> {
    let mut out = Vec::new();
    let mut lines = text.lines().enumerate();
    while let Some((i, line)) = lines.next() {
        if line.trim_end() != "```verzuim" {
            continue;
        }
        let mut src = String::new();
        let mut closed = false;
        for (_, l) in lines.by_ref() {
            if l.trim() == "```" {
                closed = true;
                break;
            }
            src.push_str(l);
            src.push('\n');
        }
        out.push(if closed {
            Ok(Block {
                file: file.to_string(),
                line: i + 2,
                src,
            })
        } else {
            Err(format!(
                "{file}:{}: ```verzuim block is never closed",
                i + 1
            ))
        });
    }
    out
}

/// Every `verzuim` block of the checked Markdown files.
fn all_blocks() -> Vec<Result<Block, String>> {
    let mut out = Vec::new();
    for path in markdown_files() {
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        let name = path
            .strip_prefix(root())
            .unwrap_or(&path)
            .display()
            .to_string();
        out.extend(blocks_of(&name, &text));
    }
    out
}

/// True when the block is a test file: its first word (after comments and
/// blank lines) is `tests` or `test`.
fn is_test_block(src: &str) -> bool {
    let first = src
        .lines()
        .map(|l| l.split('#').next().unwrap_or("").trim())
        .find(|l| !l.is_empty())
        .unwrap_or("");
    let word = first.split_whitespace().next().unwrap_or("");
    word == "tests" || word == "test"
}

/// Renders reports as plain text (no colour, 100 columns).
fn render(reports: &[miette::Report]) -> String {
    reports
        .iter()
        .map(|r| diagnostics::render(r, ErrorFormat::Plain, 100, false))
        .collect()
}

/// The errors of one block, rendered, or `None` when it checks. The block
/// is preceded by blank lines, so that the line numbers in its diagnostics
/// are those of the Markdown file.
fn block_errors(block: &Block) -> Option<String> {
    let src = format!("{}{}", "\n".repeat(block.line - 1), block.src);
    if is_test_block(&src) {
        return match verzuim::syntax::parse_tests(&src) {
            Ok(_) => None,
            Err(errs) => Some(render(&diagnostics::attach(
                errs,
                "docs/example.test.verzuim",
                &src,
            ))),
        };
    }
    // The path lies inside docs/, so `use calendar "../policies/…"` resolves
    // against docs/ (tests run in the crate root).
    match check::check_source(Path::new("docs/example.verzuim"), &src) {
        Ok(_) => None,
        Err(LoadError::Invalid(reports)) => Some(render(&reports)),
        Err(LoadError::Io { path, error }) => Some(format!("{}: {error}", path.display())),
    }
}

#[test]
fn every_verzuim_block_in_the_docs_checks() {
    let blocks = all_blocks();
    let mut failures = Vec::new();
    let mut checked = 0;
    for block in &blocks {
        match block {
            Err(e) => failures.push(e.clone()),
            Ok(b) => {
                checked += 1;
                if let Some(errors) = block_errors(b) {
                    failures.push(format!(
                        "{}:{}: this ```verzuim block does not check (line numbers below are the Markdown file's; a fragment belongs in a ```text block):\n{errors}",
                        b.file, b.line
                    ));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} ```verzuim blocks fail:\n\n{}",
        failures.len(),
        blocks.len(),
        failures.join("\n")
    );
    let in_language = blocks
        .iter()
        .flatten()
        .filter(|b| b.file.ends_with("language.md"))
        .count();
    assert!(
        in_language > 0,
        "docs/language.md has no ```verzuim blocks (checked {checked} blocks)"
    );
}

#[test]
fn blocks_are_found_with_their_lines() {
    let md = "intro\n```verzuim\nrole vc \"VC\"\n```\n```text\nx\n```\n```verzuim\ntests \"p.verzuim\"\n```\n";
    let blocks: Vec<Block> = blocks_of("x.md", md).into_iter().flatten().collect();
    assert_eq!(blocks.len(), 2);
    assert_eq!(
        (blocks[0].line, blocks[0].src.as_str()),
        (3, "role vc \"VC\"\n")
    );
    assert!(!is_test_block(&blocks[0].src));
    assert_eq!(blocks[1].line, 9);
    assert!(is_test_block(&blocks[1].src));
    assert!(blocks_of("x.md", "```verzuim\nrole vc \"VC\"\n")[0].is_err());
}

/// The text of the function starting at `signature` in `src`, up to the
/// line that closes it (`    }` at the indentation of an `impl` method).
fn function_body<'a>(src: &'a str, signature: &str) -> &'a str {
    let start = src
        .find(signature)
        .unwrap_or_else(|| panic!("`{signature}` not found"));
    let rest = &src[start..];
    let end = rest.find("\n    }\n").unwrap_or(rest.len());
    &rest[..end]
}

/// The string literals after `=>` in `body`: the arms of a `match` that maps
/// enum variants to kebab-case names.
fn arm_names(body: &str) -> Vec<String> {
    body.split("=> \"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .map(str::to_string)
        .collect()
}

/// Every `code("verzuim::…")` literal in the `.rs` files below `dir`.
fn literal_codes(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).expect("a source directory") {
            let path = entry.expect("a source entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).expect("a source file");
                for part in text.split("code(\"verzuim::").skip(1) {
                    if let Some(name) = part.split('"').next() {
                        out.push(format!("verzuim::{name}"));
                    }
                }
            }
        }
    }
    out
}

/// Every diagnostic code of the syntax, check and data phases.
fn source_codes() -> Vec<String> {
    let src = root().join("src");
    let read = |p: &str| std::fs::read_to_string(src.join(p)).expect("an error source file");
    let mut codes = Vec::new();
    for dir in ["syntax", "check", "io"] {
        codes.extend(literal_codes(&src.join(dir)));
    }
    let check_names = arm_names(function_body(
        &read("check/error.rs"),
        "pub fn name(&self) -> &'static str",
    ));
    codes.extend(check_names.iter().map(|n| format!("verzuim::check::{n}")));
    let data_names = arm_names(function_body(
        &read("io/error.rs"),
        "pub fn as_str(self) -> &'static str",
    ));
    codes.extend(data_names.iter().map(|n| format!("verzuim::data::{n}")));
    codes.sort();
    codes.dedup();
    // The source reading above must agree with the code's own names.
    for known in [
        Code::UnknownRole.to_string(),
        Code::KindWithoutCodes.to_string(),
        format!("verzuim::data::{}", DataErrorCode::BadCsv.as_str()),
        format!("verzuim::data::{}", DataErrorCode::UnknownStudent.as_str()),
        "verzuim::syntax::unexpected".to_string(),
    ] {
        assert!(codes.contains(&known), "{known} was not found in src/");
    }
    codes
}

#[test]
fn every_diagnostic_code_is_documented() {
    let doc = std::fs::read_to_string(root().join("docs/diagnostics.md"))
        .expect("docs/diagnostics.md is readable");
    let codes = source_codes();
    let missing: Vec<&String> = codes
        .iter()
        .filter(|c| !doc.contains(&format!("`{c}`")))
        .collect();
    assert!(
        missing.is_empty(),
        "docs/diagnostics.md does not list these codes (write each in backticks, with what triggers it and how to fix it):\n{}",
        missing
            .iter()
            .map(|c| format!("  {c}"))
            .collect::<Vec<_>>()
            .join("\n")
    );
}
