//! `verzuim fmt`: prints a parsed policy, calendar or test file back in one
//! canonical layout, keeping every comment (see `docs/fmt.md`).
//!
//! The layout is printed from the AST ([`printer`] and [`test_file`] build
//! the lines, [`text`] the text of each construct), so formatting never
//! changes what a file means: the formatted text parses to the same tree.
//! Comments are placed by position ([`layout`]). Formatting is idempotent.

mod layout;
mod printer;
mod source;
mod test_file;
mod text;

use crate::span::Spanned;
use crate::syntax::{self, SyntaxError, ast, test_ast};
use std::path::Path;

/// Formats the text of a `.verzuim` policy or calendar file.
///
/// Returns the formatted text (ending in a newline unless empty), or the
/// file's syntax errors (spans into `src`) when it does not parse.
pub fn format_source(src: &str) -> Result<String, Vec<SyntaxError>> {
    let file = syntax::parse(src)?;
    Ok(format_file(src, &file))
}

/// Formats the text of a `*.test.verzuim` test file; results as for
/// [`format_source`].
pub fn format_test_source(src: &str) -> Result<String, Vec<SyntaxError>> {
    let file = syntax::parse_tests(src)?;
    Ok(format_test_file(src, &file))
}

/// Formats `src`, the text of the file at `path`: a test file when its name
/// ends in `.test.verzuim` ([`syntax::is_test_file`]), else a policy or
/// calendar file.
pub fn format_path_source(path: &Path, src: &str) -> Result<String, Vec<SyntaxError>> {
    if syntax::is_test_file(path) {
        format_test_source(src)
    } else {
        format_source(src)
    }
}

/// Formats `file`, the AST parsed from `src` (whose comments it holds).
pub fn format_file(src: &str, file: &ast::File) -> String {
    print(src, &file.comments, |p| p.items(&file.items))
}

/// Formats `file`, the test file AST parsed from `src`.
pub fn format_test_file(src: &str, file: &test_ast::TestFile) -> String {
    print(src, &file.comments, |p| p.test_items(&file.items))
}

/// Builds the lines with `build` and lays them out with the comments.
fn print(
    src: &str,
    comments: &[Spanned<String>],
    build: impl FnOnce(&mut printer::Printer<'_>),
) -> String {
    let source = source::Source {
        text: src,
        comments,
    };
    let mut p = printer::Printer {
        src: source,
        lines: Vec::new(),
    };
    build(&mut p);
    layout::render(&source, p.lines)
}
