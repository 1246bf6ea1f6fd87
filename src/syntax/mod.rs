//! Parsing: the pest grammar in `grammar/verzuim.pest`, lowered into the
//! spanned AST of [`ast`], with syntax errors worded for people.
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

/// Parses a `.verzuim` source into its AST.
///
/// On failure returns every syntax error found, in source order: at least the
/// first error of each broken top-level declaration. The errors carry spans
/// into `src` but not `src` itself; see `crate::diagnostics::attach`.
pub fn parse(src: &str) -> Result<ast::File, Vec<SyntaxError>> {
    let scan = lexer::scan(src);
    if scan.errors.is_empty() {
        match VerzuimParser::parse(Rule::file, src) {
            Ok(mut pairs) => {
                let file = pairs.next().ok_or_else(|| {
                    vec![SyntaxError::internal(
                        "no parse tree",
                        crate::span::Span::new(0, 0),
                    )]
                })?;
                return lower::file(file, scan.comments.clone());
            }
            Err(whole) => return Err(recover(src, &scan, Some(&whole))),
        }
    }
    Err(recover(src, &scan, None))
}

/// Parses each top-level chunk on its own and collects the first error of
/// each. If every chunk parses although the whole file did not, reports the
/// whole file's error instead.
fn recover(
    src: &str,
    scan: &lexer::Scan,
    whole: Option<&pest::error::Error<Rule>>,
) -> Vec<SyntaxError> {
    let mut errors = Vec::new();
    for chunk in scan.chunks(src) {
        if let Some(e) = chunk_error(src, scan, &chunk) {
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
        };
        errors.push(expected::convert(whole, &cx));
    }
    errors.sort_by_key(|e| e.span().start);
    errors
}

/// The first error in one chunk: a lexical error, a pest error, or a
/// lowering error, whichever comes first.
fn chunk_error(
    src: &str,
    scan: &lexer::Scan,
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
    let parsed = match VerzuimParser::parse(Rule::file, &masked) {
        Ok(mut pairs) => match pairs.next().map(|f| lower::file(f, Vec::new())) {
            Some(Err(mut errs)) if !errs.is_empty() => Some(errs.remove(0)),
            _ => None,
        },
        Err(e) => {
            let cx = expected::Context {
                src,
                chunk: chunk.clone(),
                scan,
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
