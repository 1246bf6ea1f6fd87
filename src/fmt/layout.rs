//! From printed lines to the formatted text: placing the comments, blank
//! lines and column alignment.
//!
//! The printer turns the AST into [`Line`]s, each knowing where its first
//! token was in the source. A line's source range ends at the last token
//! before the next line's start. Each comment then goes:
//!
//! - after the line whose range ends at the last token before it, on the
//!   same source line (a trailing comment);
//! - otherwise on a line of its own before the first line whose range ends
//!   after it (a leading comment, indented like that line; before a `}`
//!   indented like the block's contents), or at the end of the file.
//!
//! A trailing comment in the middle of what is now one line (a header that
//! was written on several lines) becomes a leading comment of that line.
//! Comments keep their order; their text loses trailing whitespace only.

use super::source::Source;

/// Whether a blank line may precede an element.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Policy {
    /// Never.
    Never,
    /// When the source had one (several collapse to one).
    Keep,
    /// Always.
    Force,
}

/// The blank-line policies of a line and the comments before it.
#[derive(Debug, Clone, Copy)]
pub(super) struct Blanks {
    /// Before the line when no comment precedes it.
    pub alone: Policy,
    /// Before the first of its leading comments.
    pub first: Policy,
    /// Between its leading comments.
    pub mid: Policy,
    /// Between its last leading comment and the line.
    pub last: Policy,
}

impl Blanks {
    /// The first line of a block or file: no blank line after `{`.
    pub fn first_child() -> Blanks {
        Blanks {
            alone: Policy::Never,
            first: Policy::Never,
            mid: Policy::Keep,
            last: Policy::Keep,
        }
    }

    /// A later line among siblings: blank lines as in the source.
    pub fn sibling() -> Blanks {
        Blanks {
            alone: Policy::Keep,
            first: Policy::Keep,
            mid: Policy::Keep,
            last: Policy::Keep,
        }
    }

    /// A top-level item after the first; `force` puts a blank line before it
    /// (and its comments).
    pub fn item(force: bool) -> Blanks {
        let before = if force { Policy::Force } else { Policy::Keep };
        Blanks {
            alone: before,
            first: before,
            ..Blanks::sibling()
        }
    }

    /// A continuation line of a header: never a blank line.
    pub fn never() -> Blanks {
        Blanks {
            alone: Policy::Never,
            first: Policy::Never,
            mid: Policy::Never,
            last: Policy::Never,
        }
    }

    /// The `}` of a block; `empty` when the block has no lines inside.
    pub fn close(empty: bool) -> Blanks {
        Blanks {
            alone: Policy::Never,
            first: if empty { Policy::Never } else { Policy::Keep },
            mid: Policy::Keep,
            last: Policy::Never,
        }
    }
}

/// One printed line.
#[derive(Debug, Clone)]
pub(super) struct Line {
    /// Indentation in spaces.
    pub indent: usize,
    /// The text, without indentation.
    pub text: String,
    /// Where its first token is in the source.
    pub start: usize,
    /// Blank lines before it.
    pub blanks: Blanks,
    /// Indentation of comments before it.
    pub comment_indent: usize,
    /// Column alignment: lines next to each other with the same key get
    /// spaces at this byte offset of `text`, so what follows lines up.
    pub align: Option<(&'static str, usize)>,
}

impl Line {
    /// A line whose leading comments have its own indentation.
    pub fn new(indent: usize, text: String, start: usize, blanks: Blanks) -> Line {
        Line {
            indent,
            text,
            start,
            blanks,
            comment_indent: indent,
            align: None,
        }
    }
}

/// Where each comment goes: indexes into the source's comments.
struct Placement {
    /// Own-line comments before each line.
    leading: Vec<Vec<usize>>,
    /// The comment after each line.
    trailing: Vec<Option<usize>>,
    /// Own-line comments after the last line.
    end: Vec<usize>,
}

/// One output line.
enum Out {
    Blank,
    Comment(usize, String),
    Code(usize, Option<String>),
}

/// Lays out `lines` with the comments of `src`: the formatted text, ending
/// in a newline (empty for an empty file).
pub(super) fn render(src: &Source<'_>, mut lines: Vec<Line>) -> String {
    let ends = line_ends(src, &mut lines);
    let placed = place(src, &ends);
    let outs = sequence(src, &lines, &ends, &placed);
    align(&mut lines, &outs);
    let mut text = String::new();
    for out in &outs {
        match out {
            Out::Blank => {}
            Out::Comment(indent, c) => push_indented(&mut text, *indent, c),
            Out::Code(k, trailing) => {
                if let Some(line) = lines.get(*k) {
                    push_indented(&mut text, line.indent, &line.text);
                    if let Some(c) = trailing {
                        text.push(' ');
                        text.push_str(c);
                    }
                }
            }
        }
        text.push('\n');
    }
    text
}

fn push_indented(out: &mut String, indent: usize, s: &str) {
    out.extend(std::iter::repeat_n(' ', indent));
    out.push_str(s);
}

/// The end of each line's source range: the last token before the next
/// line's start (or the end of the text). Starts are first made
/// non-decreasing: a clause printed in another place than it was written
/// (a scope written before a trigger, printed after it) must not make the
/// ranges overlap.
fn line_ends(src: &Source<'_>, lines: &mut [Line]) -> Vec<usize> {
    let mut floor = 0;
    for line in lines.iter_mut() {
        line.start = line.start.max(floor);
        floor = line.start;
    }
    lines
        .iter()
        .enumerate()
        .map(|(k, line)| {
            let next = lines.get(k + 1).map_or(src.text.len(), |l| l.start);
            src.prev_token_end(next, line.start)
        })
        .collect()
}

/// Assigns every comment to a line (see the module documentation).
fn place(src: &Source<'_>, ends: &[usize]) -> Placement {
    let mut placed = Placement {
        leading: vec![Vec::new(); ends.len()],
        trailing: vec![None; ends.len()],
        end: Vec::new(),
    };
    for (i, c) in src.comments.iter().enumerate() {
        let before = src.prev_token_end(c.span.start, 0);
        if before > 0 && src.same_line(before, c.span.start) {
            let k = ends.partition_point(|&e| e < before);
            if ends.get(k) == Some(&before)
                && let Some(slot @ None) = placed.trailing.get_mut(k)
            {
                *slot = Some(i);
                continue;
            }
        }
        let k = ends.partition_point(|&e| e <= c.span.start);
        match placed.leading.get_mut(k) {
            Some(group) => group.push(i),
            None => placed.end.push(i),
        }
    }
    placed
}

/// `#` and the comment's text without trailing whitespace.
fn comment_text(src: &Source<'_>, i: usize) -> String {
    let text = src.comments.get(i).map_or("", |c| c.node.trim_end());
    format!("#{text}")
}

/// Output lines being sequenced, with the source end of the last one.
struct Sequencer<'s, 'a> {
    src: &'s Source<'a>,
    outs: Vec<Out>,
    prev_end: Option<usize>,
}

impl Sequencer<'_, '_> {
    /// A blank line before an element starting at `start`, if `policy`
    /// wants one (never at the top of the file).
    fn blank(&mut self, policy: Policy, start: usize) {
        let wanted = match policy {
            Policy::Never => false,
            Policy::Force => true,
            Policy::Keep => self
                .prev_end
                .is_some_and(|p| self.src.blank_between(p, start)),
        };
        if wanted && !self.outs.is_empty() {
            self.outs.push(Out::Blank);
        }
    }

    /// Comment `i` on a line of its own.
    fn comment(&mut self, i: usize, indent: usize, policy: Policy) {
        if let Some(c) = self.src.comments.get(i) {
            self.blank(policy, c.span.start);
            self.outs
                .push(Out::Comment(indent, comment_text(self.src, i)));
            self.prev_end = Some(c.span.end);
        }
    }
}

/// The output lines in order, with blank lines decided.
fn sequence(src: &Source<'_>, lines: &[Line], ends: &[usize], placed: &Placement) -> Vec<Out> {
    let mut seq = Sequencer {
        src,
        outs: Vec::new(),
        prev_end: None,
    };
    for (k, line) in lines.iter().enumerate() {
        let group = placed.leading.get(k).map_or(&[][..], Vec::as_slice);
        for (n, &i) in group.iter().enumerate() {
            let policy = if n == 0 {
                line.blanks.first
            } else {
                line.blanks.mid
            };
            seq.comment(i, line.comment_indent, policy);
        }
        let policy = if group.is_empty() {
            line.blanks.alone
        } else {
            line.blanks.last
        };
        seq.blank(policy, line.start);
        let trailing = placed.trailing.get(k).copied().flatten();
        seq.outs
            .push(Out::Code(k, trailing.map(|i| comment_text(src, i))));
        seq.prev_end = match trailing.and_then(|i| src.comments.get(i)) {
            Some(c) => Some(c.span.end),
            None => ends.get(k).copied(),
        };
    }
    for &i in &placed.end {
        seq.comment(i, 0, Policy::Keep);
    }
    seq.outs
}

/// Pads aligned lines: each run of adjacent output lines with the same
/// alignment key (no blank line or comment line between them).
fn align(lines: &mut [Line], outs: &[Out]) {
    let mut run: Vec<usize> = Vec::new();
    let mut key = None;
    for out in outs.iter().chain(std::iter::once(&Out::Blank)) {
        let this = match out {
            Out::Code(k, _) => lines
                .get(*k)
                .and_then(|l| l.align)
                .map(|(key, _)| (*k, key)),
            _ => None,
        };
        match this {
            Some((k, kk)) if key == Some(kk) => run.push(k),
            _ => {
                pad(lines, &run);
                run.clear();
                key = this.map(|(_, kk)| kk);
                run.extend(this.map(|(k, _)| k));
            }
        }
    }
}

/// Pads the lines of one run so that the text after each alignment offset
/// starts in the same column.
fn pad(lines: &mut [Line], run: &[usize]) {
    if run.len() < 2 {
        return;
    }
    let width = |l: &Line| {
        l.align.map_or(0, |(_, at)| {
            l.text.get(..at).map_or(0, |h| h.chars().count())
        })
    };
    let widest = run
        .iter()
        .filter_map(|&k| lines.get(k))
        .map(width)
        .max()
        .unwrap_or(0);
    for &k in run {
        if let Some(line) = lines.get_mut(k) {
            let (head_width, at) = (width(line), line.align.map_or(0, |(_, at)| at));
            if let (Some(head), Some(rest)) = (line.text.get(..at), line.text.get(at..)) {
                let spaces = " ".repeat(widest - head_width);
                line.text = format!("{head}{spaces}{rest}");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::span::{Span, Spanned};

    /// Lines whose source starts are out of order keep every comment, in
    /// order.
    #[test]
    fn out_of_order_starts_keep_comments() {
        let text = "rule R # a\n per month # b\n when x # c\n{ # d\n}\n";
        let comments: Vec<Spanned<String>> = text
            .match_indices('#')
            .map(|(i, _)| {
                let end = text[i..].find('\n').map_or(text.len(), |n| i + n);
                Spanned::new(text[i + 1..end].to_string(), Span::new(i, end))
            })
            .collect();
        let src = Source {
            text,
            comments: &comments,
        };
        let at = |s: &str| text.find(s).unwrap_or(0);
        let lines = vec![
            Line::new(0, "rule R".into(), 0, Blanks::first_child()),
            Line::new(2, "when x".into(), at("when"), Blanks::never()),
            Line::new(2, "per month {".into(), at("per"), Blanks::never()),
            Line::new(0, "}".into(), at("}"), Blanks::close(true)),
        ];
        let out = render(&src, lines);
        let kept: Vec<&str> = out
            .match_indices('#')
            .map(|(i, _)| &out[i..i + 3])
            .collect();
        assert_eq!(kept, ["# a", "# b", "# c", "# d"], "{out}");
    }
}
