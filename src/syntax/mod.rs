//! Parsing: the pest grammar in `grammar/verzuim.pest`, lowered into the
//! spanned AST of [`ast`] (policies and calendars, [`parse`]) or of
//! [`test_ast`] (`*.test.verzuim` files, [`parse_tests`]), with syntax
//! errors worded for people.
//!
//! [`parse`] first parses the whole file. Only when that fails does it
//! recover: it splits the file into top-level chunks (at each line whose first
//! word is a declaration keyword) and parses each chunk on its own, so that a
//! broken declaration yields its first error and the others still get
//! checked.

pub mod ast;
mod error;
mod expected;
mod lexer;
mod lower;
pub mod test_ast;
mod words;

pub use error::SyntaxError;

use grammar::{Rule, VerzuimParser};
use pest::Parser as _;

mod grammar {
    //! The pest parser generated from `grammar/verzuim.pest`.
    #![allow(missing_docs)]
    use pest_derive::Parser;

    /// The generated parser.
    #[derive(Parser)]
    #[grammar = "../grammar/verzuim.pest"]
    pub(crate) struct VerzuimParser;
}

/// Parses a `.verzuim` policy or calendar source into its AST.
///
/// On failure returns every syntax error found, in source order: at least the
/// first error of each broken top-level declaration. The errors carry spans
/// into `src` but not `src` itself; see `crate::diagnostics::attach`.
pub fn parse(src: &str) -> Result<ast::File, Vec<SyntaxError>> {
    parse_as(src, Kind::Policy, lower::file)
}

/// Parses a `*.test.verzuim` source (a `tests "…"` header and `test` blocks)
/// into its AST; errors as for [`parse`].
pub fn parse_tests(src: &str) -> Result<test_ast::TestFile, Vec<SyntaxError>> {
    parse_as(src, Kind::Tests, lower::test_file)
}

/// True when `path` names a test file: its file name ends in `.test.verzuim`.
pub fn is_test_file(path: &std::path::Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.ends_with(".test.verzuim"))
}

/// Which kind of file is parsed: it decides the grammar's top rule and how
/// errors at the top level are worded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// A policy or calendar file (`file`).
    Policy,
    /// A test file (`test_file`).
    Tests,
}

impl Kind {
    fn rule(self) -> Rule {
        match self {
            Kind::Policy => Rule::file,
            Kind::Tests => Rule::test_file,
        }
    }
}

/// Lowers the top pair of a parse into `T`.
type Lower<T> = fn(
    pest::iterators::Pair<'_, Rule>,
    Vec<crate::span::Spanned<String>>,
) -> Result<T, Vec<SyntaxError>>;

/// Parses the whole file as `kind`; on failure recovers chunk by chunk.
fn parse_as<T>(src: &str, kind: Kind, lower: Lower<T>) -> Result<T, Vec<SyntaxError>> {
    let blanked = without_bom(src);
    let src = blanked.as_deref().unwrap_or(src);
    let mut scan = lexer::scan(src);
    if let Some(deep) = scan.too_deep.take() {
        // Parsing it would exhaust the stack: report only this.
        return Err(vec![deep]);
    }
    if scan.errors.is_empty() {
        match VerzuimParser::parse(kind.rule(), src) {
            Ok(mut pairs) => {
                let file = pairs.next().ok_or_else(|| {
                    vec![SyntaxError::internal(
                        "no parse tree",
                        crate::span::Span::new(0, 0),
                    )]
                })?;
                return lower(file, scan.comments.clone());
            }
            Err(whole) => return Err(recover(src, &scan, kind, lower, Some(&whole))),
        }
    }
    Err(recover(src, &scan, kind, lower, None))
}

/// `src` with a leading UTF-8 byte-order mark (which some Windows editors
/// write) replaced by three spaces, so that every byte offset, and so every
/// span, stays that of the file as read; `None` when there is no mark.
fn without_bom(src: &str) -> Option<String> {
    let rest = src.strip_prefix('\u{feff}')?;
    // INVARIANT: the mark is three bytes in UTF-8, as are the three spaces.
    Some(format!("   {rest}"))
}

/// Parses each top-level chunk on its own and collects the first error of
/// each. If every chunk parses although the whole file did not, reports the
/// whole file's error instead.
fn recover<T>(
    src: &str,
    scan: &lexer::Scan,
    kind: Kind,
    lower: Lower<T>,
    whole: Option<&pest::error::Error<Rule>>,
) -> Vec<SyntaxError> {
    let mut errors = Vec::new();
    for chunk in scan.chunks(src) {
        if let Some(e) = chunk_error(src, scan, kind, lower, &chunk) {
            errors.push(e);
        }
    }
    if errors.is_empty()
        && let Some(whole) = whole
    {
        let cx = expected::Context {
            src,
            chunk: 0..src.len(),
            scan,
            kind,
        };
        errors.push(expected::convert(whole, &cx));
    }
    errors.sort_by_key(|e| e.span().start);
    errors
}

/// The first error in one chunk: a lexical error, a pest error, or a
/// lowering error, whichever comes first.
fn chunk_error<T>(
    src: &str,
    scan: &lexer::Scan,
    kind: Kind,
    lower: Lower<T>,
    chunk: &std::ops::Range<usize>,
) -> Option<SyntaxError> {
    let lexical = scan
        .errors
        .iter()
        .find(|e| chunk.contains(&e.span().start))
        .cloned();
    let Some(masked) = lexer::mask(src, chunk) else {
        let at = crate::span::Span::new(chunk.start, chunk.start);
        return Some(SyntaxError::internal(
            "chunk boundary inside a character",
            at,
        ));
    };
    let parsed = match VerzuimParser::parse(kind.rule(), &masked) {
        Ok(mut pairs) => match pairs.next().map(|f| lower(f, Vec::new())) {
            Some(Err(mut errs)) if !errs.is_empty() => Some(errs.remove(0)),
            _ => None,
        },
        Err(e) => {
            let cx = expected::Context {
                src,
                chunk: chunk.clone(),
                scan,
                kind,
            };
            Some(expected::convert(&e, &cx))
        }
    };
    match (lexical, parsed) {
        (Some(l), Some(p)) if p.span().start < l.span().start => Some(p),
        (Some(l), _) => Some(l),
        (None, p) => p,
    }
}
