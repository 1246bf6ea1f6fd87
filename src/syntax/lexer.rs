//! A quick lexical pass over a whole source before pest sees it: it collects
//! the comments (for `File.comments`), finds unterminated strings and unknown
//! escapes (which pest would report far less clearly), records the positions
//! of structural braces, and splits the file into top-level chunks for error
//! recovery.

use super::error::SyntaxError;
use crate::span::{Span, Spanned};
use std::ops::Range;

/// The words that start a top-level declaration. The parser resynchronises
/// after a syntax error at the next line starting with one of them. The
/// first 14 start policy declarations; `test` and `tests` start the items of
/// a test file.
pub(crate) const TOP_LEVEL_KEYWORDS: [&str; 16] = [
    "policy",
    "use",
    "calendar",
    "role",
    "event",
    "ignore",
    "signal",
    "group",
    "reclassify",
    "exemption",
    "ladder",
    "precedence",
    "rule",
    "law",
    "test",
    "tests",
];

/// What the lexical pass found.
#[derive(Debug, Default)]
pub(crate) struct Scan {
    /// Every `# …` comment: text without the `#`, span from `#` to the end
    /// of the line (without the line break).
    pub comments: Vec<Spanned<String>>,
    /// Unterminated strings and unknown escapes, in source order.
    pub errors: Vec<SyntaxError>,
    /// Positions of `{` (true) and `}` (false) outside strings and comments.
    pub braces: Vec<(usize, bool)>,
    /// The first place where a condition nests deeper than [`MAX_NESTING`].
    pub too_deep: Option<SyntaxError>,
}

/// True when the word `not` starts at byte `i` of `src`.
fn is_not_word(src: &str, i: usize) -> bool {
    let word = |c: char| c.is_alphanumeric() || c == '_' || c == '-';
    src[i..].starts_with("not")
        && !src[..i].chars().next_back().is_some_and(word)
        && !src[i + 3..].chars().next().is_some_and(word)
}

/// Where the scanner is.
enum State {
    Code,
    Str,
    Comment(usize),
}

/// How deeply a condition may nest: open parentheses plus `not`s within one
/// condition. Far beyond any real policy; deeper input would exhaust the
/// parser's stack.
pub(crate) const MAX_NESTING: usize = 64;

/// Scans `src` once; never fails.
pub(crate) fn scan(src: &str) -> Scan {
    let mut out = Scan::default();
    let mut state = State::Code;
    let mut str_start = 0;
    // Nesting of the current condition: open parentheses and `not`s since
    // the last brace.
    let (mut parens, mut nots) = (0usize, 0usize);
    let mut chars = src.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match state {
            State::Code => match c {
                '#' => state = State::Comment(i),
                '"' => {
                    state = State::Str;
                    str_start = i;
                }
                '{' | '}' => {
                    out.braces.push((i, c == '{'));
                    (parens, nots) = (0, 0);
                }
                '(' | 'n' => {
                    if c == '(' {
                        parens += 1;
                    } else if is_not_word(src, i) {
                        nots += 1;
                    }
                    if parens + nots > MAX_NESTING && out.too_deep.is_none() {
                        out.too_deep = Some(SyntaxError::TooDeep {
                            limit: MAX_NESTING,
                            span: Span::new(i, i + 1),
                        });
                    }
                }
                ')' => parens = parens.saturating_sub(1),
                _ => {}
            },
            State::Str => match c {
                '"' => state = State::Code,
                '\n' => {
                    out.errors.push(unterminated(src, str_start, i));
                    state = State::Code;
                }
                '\\' => match chars.peek().copied() {
                    Some((_, '"' | '\\')) => {
                        chars.next();
                    }
                    Some((j, e)) if e != '\n' => {
                        chars.next();
                        out.errors.push(SyntaxError::InvalidEscape {
                            escape: format!("\\{e}"),
                            span: Span::new(i, j + e.len_utf8()),
                        });
                    }
                    _ => {}
                },
                _ => {}
            },
            State::Comment(start) => {
                if c == '\n' {
                    out.comments.push(comment(src, start, i));
                    state = State::Code;
                }
            }
        }
    }
    match state {
        State::Str => out.errors.push(unterminated(src, str_start, src.len())),
        State::Comment(start) => out.comments.push(comment(src, start, src.len())),
        State::Code => {}
    }
    out
}

/// A comment from the `#` at `start` to the line break at `end`.
fn comment(src: &str, start: usize, end: usize) -> Spanned<String> {
    let end = trim_cr(src, start, end);
    let text = src.get(start + 1..end).unwrap_or_default().to_string();
    Spanned::new(text, Span::new(start, end))
}

/// An unterminated string from its quote at `start` to the line end.
fn unterminated(src: &str, start: usize, end: usize) -> SyntaxError {
    SyntaxError::UnterminatedString {
        span: Span::new(start, trim_cr(src, start, end)),
    }
}

/// `end`, moved before a `\r` that precedes it.
fn trim_cr(src: &str, start: usize, end: usize) -> usize {
    if end > start && src.as_bytes().get(end - 1) == Some(&b'\r') {
        end - 1
    } else {
        end
    }
}

impl Scan {
    /// The end of the last token before `pos` (skipping whitespace and
    /// comments), but not before `floor`.
    pub fn prev_token_end(&self, src: &str, pos: usize, floor: usize) -> usize {
        let bytes = src.as_bytes();
        let mut p = pos.min(src.len());
        loop {
            while p > floor && bytes.get(p - 1).is_some_and(|b| b.is_ascii_whitespace()) {
                p -= 1;
            }
            match self
                .comments
                .iter()
                .find(|c| c.span.end == p && c.span.start >= floor)
            {
                Some(c) if c.span.start < p => p = c.span.start,
                _ => return p,
            }
        }
    }

    /// The innermost `{` in `range` before `pos` that is not closed before `pos`.
    pub fn unclosed_brace(&self, range: &Range<usize>, pos: usize) -> Option<usize> {
        let mut open = Vec::new();
        for &(at, is_open) in &self.braces {
            if at < range.start || at >= pos.min(range.end) {
                continue;
            }
            if is_open {
                open.push(at);
            } else {
                open.pop();
            }
        }
        open.pop()
    }

    /// True when a comment starts at `pos`.
    fn comment_at(&self, pos: usize) -> Option<usize> {
        self.comments
            .iter()
            .find(|c| c.span.start == pos)
            .map(|c| c.span.start)
    }

    /// Splits `src` into chunks of whole lines, each starting at a line whose
    /// first word is a top-level keyword (the first chunk starts at 0). A
    /// keyword line right after a line ending in `,` continues that line
    /// (`excludes sick,` / `ladder late`) and starts no chunk.
    pub fn chunks(&self, src: &str) -> Vec<Range<usize>> {
        let mut starts = vec![0];
        let mut line_start = 0;
        let mut continues = false;
        for line in src.split_inclusive('\n') {
            let code = self.code_part(line, line_start);
            if line_start > 0 && !continues && starts_declaration(code) {
                starts.push(line_start);
            }
            if !code.trim().is_empty() {
                continues = code.trim_end().ends_with(',');
            }
            line_start += line.len();
        }
        let mut chunks = Vec::with_capacity(starts.len());
        for (i, &start) in starts.iter().enumerate() {
            let end = starts.get(i + 1).copied().unwrap_or(src.len());
            chunks.push(start..end);
        }
        chunks
    }

    /// The part of `line` (starting at byte `offset`) before its comment.
    fn code_part<'a>(&self, line: &'a str, offset: usize) -> &'a str {
        for (i, _) in line.match_indices('#') {
            if self.comment_at(offset + i).is_some() {
                return line.get(..i).unwrap_or(line);
            }
        }
        line
    }
}

/// True when `line` starts (after indentation) with a top-level keyword as a
/// whole word that is not a role before `:`.
fn starts_declaration(line: &str) -> bool {
    let rest = line.trim_start();
    TOP_LEVEL_KEYWORDS.iter().any(|kw| {
        rest.strip_prefix(kw).is_some_and(|after| {
            let next = after.chars().next();
            let word_ends =
                !next.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
            word_ends && !after.trim_start().starts_with(':')
        })
    })
}

/// `src` up to the end of `range`, with every byte before `range` replaced by
/// a space, so a chunk can be parsed on its own while keeping absolute byte
/// positions.
pub(crate) fn mask(src: &str, range: &Range<usize>) -> Option<String> {
    let inner = src.get(range.clone())?;
    let mut out = String::with_capacity(range.end);
    out.extend(std::iter::repeat_n(' ', range.start));
    out.push_str(inner);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_skip_strings() {
        let s = scan("role vc \"a # b\" # real\n# two\r\n");
        let texts: Vec<_> = s.comments.iter().map(|c| c.node.as_str()).collect();
        assert_eq!(texts, [" real", " two"]);
        assert!(s.errors.is_empty());
    }

    #[test]
    fn unterminated_and_escape() {
        let s = scan("role vc \"a \\n b\nrole x \"ok \\\" \\\\\"\n");
        assert_eq!(s.errors.len(), 2);
        assert!(matches!(s.errors[0], SyntaxError::InvalidEscape { .. }));
        assert!(matches!(
            s.errors[1],
            SyntaxError::UnterminatedString { span } if span == Span::new(8, 15)
        ));
    }

    #[test]
    fn chunks_at_keywords() {
        let src =
            "# c\nrole a \"A\"\n  role: x\nexemption e \"E\" excludes a,\n  ladder l\nrule r\n";
        let s = scan(src);
        let starts: Vec<_> = s.chunks(src).iter().map(|r| r.start).collect();
        assert_eq!(starts, [0, 4, 25, 64]);
    }
}
