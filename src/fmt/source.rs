//! Positions in the source being formatted: where tokens end and keywords
//! start, skipping whitespace and comments. The AST's spans mark where nodes
//! start; where a node's text ends is found here, because pest's span of a
//! rule that ends in an optional part also covers the whitespace and
//! comments after it.

use crate::span::Spanned;

/// A source text and its comments (in source order).
#[derive(Debug, Clone, Copy)]
pub(super) struct Source<'a> {
    /// The text.
    pub text: &'a str,
    /// Every comment, text without `#`, span from `#` to the line end.
    pub comments: &'a [Spanned<String>],
}

/// The grammar's whitespace.
fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

/// A byte of an identifier or keyword.
fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'-'
}

impl Source<'_> {
    /// The byte at `i` (0 past the end).
    fn byte(&self, i: usize) -> u8 {
        self.text.as_bytes().get(i).copied().unwrap_or(0)
    }

    /// The end of the last token before `pos`, skipping whitespace and
    /// comments backwards, but not before `floor`.
    pub fn prev_token_end(&self, pos: usize, floor: usize) -> usize {
        let mut p = pos.min(self.text.len());
        loop {
            while p > floor && is_space(self.byte(p - 1)) {
                p -= 1;
            }
            let i = self.comments.partition_point(|c| c.span.end < p);
            match self.comments.get(i) {
                Some(c) if c.span.end == p && c.span.start >= floor && c.span.start < p => {
                    p = c.span.start;
                }
                _ => return p,
            }
        }
    }

    /// The start of the keyword before `pos`: skips whitespace, comments
    /// and opening parentheses backwards, then the keyword's letters.
    /// (`when (a or b)`: from the start of `a` to the `w` of `when`.)
    pub fn keyword_before(&self, pos: usize) -> usize {
        let mut p = self.prev_token_end(pos, 0);
        while p > 0 && self.byte(p - 1) == b'(' {
            p = self.prev_token_end(p - 1, 0);
        }
        while p > 0 && is_word(self.byte(p - 1)) {
            p -= 1;
        }
        p
    }

    /// True when the text between `from` and `to` holds a blank line (two
    /// line breaks). False when `from` is not before `to`.
    pub fn blank_between(&self, from: usize, to: usize) -> bool {
        self.text
            .get(from..to)
            .is_some_and(|gap| gap.matches('\n').count() >= 2)
    }

    /// True when no line break lies between `from` and `to`.
    pub fn same_line(&self, from: usize, to: usize) -> bool {
        self.text
            .get(from..to)
            .is_some_and(|gap| !gap.contains('\n'))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::span::Span;

    #[test]
    fn token_ends_skip_comments() {
        let text = "role a \"A\"  # one\n  # two\n\nrole";
        let comments = vec![
            Spanned::new(" one".to_string(), Span::new(12, 17)),
            Spanned::new(" two".to_string(), Span::new(20, 25)),
        ];
        let src = Source {
            text,
            comments: &comments,
        };
        assert_eq!(src.prev_token_end(text.len() - 4, 0), 10);
        assert_eq!(src.prev_token_end(text.len() - 4, 15), 17);
        assert!(src.blank_between(25, 28));
        assert!(!src.blank_between(10, 12));
        assert_eq!(src.keyword_before(7), 5);
    }

    #[test]
    fn keyword_before_parentheses() {
        let text = "when ( (count(x) > 1";
        let src = Source {
            text,
            comments: &[],
        };
        assert_eq!(src.keyword_before(8), 0);
    }
}
