//! Turns pest's "expected one of these rules at this position" into a
//! [`SyntaxError`] worded for people. Rule names never reach the user: every
//! rule is described by [`describe`], and a few common mistakes (`≥`,
//! `hours`, `2023/02/28`, a missing `}` or action text, an unknown
//! declaration) get errors of their own.

use super::error::SyntaxError;
use super::grammar::Rule;
use super::lexer::{Scan, TOP_LEVEL_KEYWORDS};
use crate::span::Span;
use std::ops::Range;

/// The text at the error position, as far as the user sees it.
struct Found {
    /// The token (`None`: nothing before the end of the chunk).
    token: Option<String>,
    /// Where the token is (zero width at the previous token's end if none).
    span: Span,
    /// End of the previous token in the chunk (the chunk start if none).
    prev_end: usize,
    /// True when the token is on a later line than the previous token.
    new_line: bool,
    /// True when a `{` before the token is still open (so a `}` there
    /// closes a block, even if the grammar wants something else first).
    inside_block: bool,
}

/// Where and what pest expected.
pub(crate) struct Context<'a> {
    /// The whole source.
    pub src: &'a str,
    /// The chunk that was parsed.
    pub chunk: Range<usize>,
    /// The lexical scan of the whole source.
    pub scan: &'a Scan,
    /// A policy or a test file.
    pub kind: super::Kind,
}

/// Converts a pest error of a chunk parse into one syntax error.
pub(crate) fn convert(err: &pest::error::Error<Rule>, cx: &Context<'_>) -> SyntaxError {
    let pos = match err.location {
        pest::error::InputLocation::Pos(p) => p,
        pest::error::InputLocation::Span((p, _)) => p,
    };
    let positives = match &err.variant {
        pest::error::ErrorVariant::ParsingError { positives, .. } => positives.clone(),
        pest::error::ErrorVariant::CustomError { message } => {
            return SyntaxError::internal(message.clone(), Span::new(pos, pos));
        }
    };
    let found = found_at(cx, pos);
    classify(cx, &positives, &found)
}

/// Picks the most specific error for what was expected and found.
fn classify(cx: &Context<'_>, positives: &[Rule], found: &Found) -> SyntaxError {
    let tok = found.token.as_deref().unwrap_or("");
    let has = |r: Rule| positives.contains(&r);
    // At the very start of a file pest names only the top rule.
    let at_top = [Rule::kw_policy, Rule::kw_test, Rule::file, Rule::test_file]
        .into_iter()
        .any(has);
    let first_in_chunk = found.prev_end <= cx.chunk.start;
    let word = tok.starts_with(|c: char| c.is_alphabetic());
    if at_top && word && (found.new_line || first_in_chunk) {
        return unknown_declaration(tok, found.span, cx.kind);
    }
    if let Some(e) = bad_comparison(tok, found.span) {
        return e;
    }
    if tok == "hours" {
        return unitless_hours(cx, found.span);
    }
    if (has(Rule::date) || has(Rule::year_range)) && tok.starts_with(|c: char| c.is_ascii_digit()) {
        return invalid_date(tok, has(Rule::date), found.span);
    }
    let closing = found.token.is_none()
        || tok == "step"
        || TOP_LEVEL_KEYWORDS.contains(&tok) && found.new_line;
    if has(Rule::rbrace)
        && closing
        && let Some(open) = cx.scan.unclosed_brace(&cx.chunk, found.span.start)
    {
        return unclosed_block(open, found);
    }
    if has(Rule::action_text) && (found.new_line || found.token.is_none() || tok == "}") {
        return missing_text(found);
    }
    if has(Rule::kw_min) && !tok.starts_with('m') {
        return missing_minutes_unit(found);
    }
    unexpected(positives, at_top, found.new_line || first_in_chunk, found)
}

/// Describes the token at `pos` (or the end of the chunk).
fn found_at(cx: &Context<'_>, pos: usize) -> Found {
    let prev_end = cx
        .scan
        .prev_token_end(cx.src, pos.min(cx.chunk.end), cx.chunk.start);
    let between = cx.src.get(prev_end..pos).unwrap_or("");
    let rest = cx.src.get(pos..cx.chunk.end).unwrap_or("");
    let token = if pos >= cx.chunk.end || rest.trim().is_empty() {
        None
    } else {
        Some(token_at(rest))
    };
    let span = match &token {
        Some(t) => Span::new(pos, pos + t.len()),
        None => Span::new(prev_end, prev_end),
    };
    Found {
        token,
        span,
        prev_end,
        new_line: between.contains('\n') || pos >= cx.chunk.end,
        inside_block: cx.scan.unclosed_brace(&cx.chunk, pos).is_some(),
    }
}

/// The token at the start of `rest`: a word, a number-like run, a string, or
/// a run of operator characters.
fn token_at(rest: &str) -> String {
    let first = rest.chars().next().unwrap_or(' ');
    if first == '"' {
        let end = rest
            .char_indices()
            .skip(1)
            .find(|&(_, c)| c == '"' || c == '\n')
            .map_or(rest.len(), |(i, c)| if c == '"' { i + 1 } else { i });
        return rest.get(..end).unwrap_or(rest).to_string();
    }
    let word = |c: char| c.is_alphanumeric() || c == '_' || c == '-';
    let end = if first.is_ascii_digit() {
        let numberish = |c: char| word(c) || matches!(c, '/' | '.' | ':');
        let run = rest.find(|c| !numberish(c)).unwrap_or(rest.len());
        rest.get(..run).and_then(|r| r.find("..")).unwrap_or(run)
    } else if word(first) {
        rest.find(|c| !word(c)).unwrap_or(rest.len())
    } else {
        let op = |c: char| "<>=!≥≤≠".contains(c);
        if op(first) {
            rest.find(|c| !op(c)).unwrap_or(rest.len())
        } else {
            first.len_utf8()
        }
    };
    rest.get(..end.max(first.len_utf8()))
        .unwrap_or(rest)
        .to_string()
}

/// True for the keyword rules that start a declaration.
fn is_top_level(r: Rule) -> bool {
    matches!(
        r,
        Rule::kw_policy
            | Rule::kw_use
            | Rule::kw_calendar
            | Rule::kw_role
            | Rule::kw_event
            | Rule::kw_ignore
            | Rule::kw_signal
            | Rule::kw_group
            | Rule::kw_reclassify
            | Rule::kw_exemption
            | Rule::kw_ladder
            | Rule::kw_precedence
            | Rule::kw_rule
            | Rule::kw_law
            | Rule::kw_test
            | Rule::kw_tests
            | Rule::EOI
    )
}

/// `` `foo` does not start a declaration``, with a suggestion.
fn unknown_declaration(tok: &str, span: Span, kind: super::Kind) -> SyntaxError {
    let policy_keywords = &TOP_LEVEL_KEYWORDS[..14];
    let help = match kind {
        super::Kind::Policy if matches!(tok, "test" | "tests") => {
            "tests go in a file of their own, named like `2022-2023.test.verzuim` next to the policy (see docs/testing.md)".to_string()
        }
        super::Kind::Policy => match closest(tok, policy_keywords.iter().copied()) {
            Some(kw) => format!("did you mean `{kw}`?"),
            None => format!(
                "a declaration starts with {}",
                or_list(policy_keywords.iter().map(|k| format!("`{k}`")))
            ),
        },
        super::Kind::Tests if policy_keywords.contains(&tok) => format!(
            "a test file holds only a `tests \"…\"` header and `test \"…\" {{ … }}` blocks; `{tok}` belongs in the policy file"
        ),
        super::Kind::Tests => match closest(tok, ["test", "tests"].into_iter()) {
            Some(kw) => format!("did you mean `{kw}`?"),
            None => "a test file holds a `tests \"policy.verzuim\"` header and `test \"name\" { … }` blocks".to_string(),
        },
    };
    SyntaxError::UnknownDeclaration {
        found: tok.to_string(),
        span,
        help,
    }
}

/// `≥`, `=>`, `==`, … with the operator to write instead.
fn bad_comparison(tok: &str, span: Span) -> Option<SyntaxError> {
    let instead = match tok {
        "≥" | "=>" => "write `>=` for “at least”",
        "≤" | "=<" => "write `<=` for “at most”",
        "==" => "write a single `=` for “equals”",
        "!=" | "≠" | "<>" => "there is no “not equal”: write `not (… = …)`",
        _ => return None,
    };
    Some(SyntaxError::BadComparison {
        found: tok.to_string(),
        span,
        help: instead.to_string(),
    })
}

/// `hours` as a unit or as a measure function.
fn unitless_hours(cx: &Context<'_>, span: Span) -> SyntaxError {
    let call = cx
        .src
        .get(span.end..cx.chunk.end)
        .is_some_and(|r| r.trim_start().starts_with('('));
    let help = if call {
        "write `lesson_hours(…)` (one per registered lesson) or `clock_hours(…)` (registered minutes / 60)"
    } else {
        "write `lesson_hours` (lessons) or `clock_hours` (hours of 60 minutes)"
    };
    SyntaxError::UnitlessHours {
        span,
        help: help.to_string(),
    }
}

/// A date-like token that is not `YYYY-MM-DD` (or a school year not `YYYY-YYYY`).
fn invalid_date(tok: &str, date: bool, span: Span) -> SyntaxError {
    let parts: Vec<&str> = tok.split(['-', '/', '.']).collect();
    let numeric = parts
        .iter()
        .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    let (what, guess) = if date {
        let guess = match (numeric, parts.as_slice()) {
            (true, [y, m, d]) if y.len() == 4 => Some(format!("{y}-{m:0>2}-{d:0>2}")),
            (true, [d, m, y]) if y.len() == 4 => Some(format!("{y}-{m:0>2}-{d:0>2}")),
            _ => None,
        };
        ("a date written as YYYY-MM-DD", guess)
    } else {
        let guess = match (numeric, parts.as_slice()) {
            (true, [a, b]) if a.len() == 4 && b.len() == 4 => Some(format!("{a}-{b}")),
            (true, [a, b]) if a.len() == 4 && b.len() == 2 => Some(format!("{a}-{}{b}", &a[..2])),
            _ => None,
        };
        ("a school year written as YYYY-YYYY", guess)
    };
    let help = match guess.filter(|g| g.len() == 10 || g.len() == 9) {
        Some(g) => format!("write `{g}`"),
        None if date => "write dates as year-month-day with dashes, like 2023-02-28".to_string(),
        None => "write the school year as two years with a dash, like 2022-2023".to_string(),
    };
    SyntaxError::InvalidDateFormat {
        found: tok.to_string(),
        what: what.to_string(),
        span,
        help,
    }
}

/// A block whose `}` is missing.
fn unclosed_block(open: usize, found: &Found) -> SyntaxError {
    let (at, at_label) = if found.token.is_some() {
        (found.span, "expected `}` before this")
    } else {
        (
            Span::new(found.prev_end, found.prev_end),
            "expected `}` after this",
        )
    };
    SyntaxError::UnclosedBlock {
        open: Span::new(open, open + 1),
        at,
        at_label: at_label.to_string(),
        help: "add a `}` after the last line of the block".to_string(),
    }
}

/// A number of minutes in an event line without `min` after it.
fn missing_minutes_unit(found: &Found) -> SyntaxError {
    SyntaxError::Unexpected {
        expected: "`min` after the minutes".to_string(),
        found: match &found.token {
            Some(t) if found.new_line => format!("`{}` on the next line", short(t)),
            Some(t) => format!("`{}`", short(t)),
            None => "the end of the file".to_string(),
        },
        span: Span::new(found.prev_end, found.prev_end),
        label: "expected `min` here".to_string(),
        help: "write the minutes with their unit, like `S1 2022-09-05 p1 late 10 min`".to_string(),
    }
}

/// An action without text.
fn missing_text(found: &Found) -> SyntaxError {
    SyntaxError::MissingText {
        span: Span::new(found.prev_end, found.prev_end),
        help: "every action says what to do, in quotes: `vc: inform mentor \"Licht mentor in\"`"
            .to_string(),
    }
}

/// The general case: "expected …, found …".
/// `at_top` says pest could have started a declaration here; `new_item` that
/// the found token also starts a line.
fn unexpected(positives: &[Rule], at_top: bool, new_item: bool, found: &Found) -> SyntaxError {
    let rules: Vec<Rule> = positives
        .iter()
        .copied()
        .filter(|r| !(at_top && is_top_level(*r)))
        .collect();
    let mut phrases: Vec<&str> = rules
        .iter()
        .flat_map(|r| describe(*r).0.iter().copied())
        .collect();
    phrases.sort_by_key(|p| (phrase_class(p), *p));
    phrases.dedup();
    let expected = if phrases.is_empty() && new_item {
        "a declaration".to_string()
    } else if phrases.is_empty() {
        "the end of the declaration".to_string()
    } else {
        or_list(phrases.iter().map(|p| p.to_string()))
    };
    let (found_text, label) = match &found.token {
        Some(t) if found.new_line => (
            format!("`{}` on the next line", short(t)),
            "unexpected here",
        ),
        Some(t) => (format!("`{}`", short(t)), "unexpected here"),
        None => (
            "the end of the declaration".to_string(),
            "expected more after this",
        ),
    };
    SyntaxError::Unexpected {
        expected,
        found: found_text,
        span: found.span,
        label: label.to_string(),
        help: help_for(&rules, found),
    }
}

/// Orders phrases: keywords first, then descriptions, then punctuation.
fn phrase_class(phrase: &str) -> u8 {
    let mut chars = phrase.chars();
    match (chars.next(), chars.next()) {
        (Some('`'), Some(c)) if c.is_alphabetic() => 0,
        (Some('`'), _) => 2,
        _ => 1,
    }
}

/// A did-you-mean, a hint about a missing `{`, or an example for the first
/// expected rule.
fn help_for(rules: &[Rule], found: &Found) -> String {
    if let Some(tok) = &found.token {
        let words = rules.iter().flat_map(|r| describe(*r).2.iter().copied());
        if let Some(w) = closest(tok, words) {
            return format!("did you mean `{w}`?");
        }
        if found.new_line && rules.contains(&Rule::lbrace) {
            return "did you forget the `{` at the end of the line above?".to_string();
        }
        if tok == "}" && !rules.contains(&Rule::rbrace) && !found.inside_block {
            return "this `}` closes no block: remove it".to_string();
        }
    }
    // A step's triggers include `at` and `every`; a rule's do not. The
    // keywords' own examples speak of rules.
    let trigger = [Rule::kw_at, Rule::kw_every, Rule::kw_when, Rule::kw_on];
    if trigger.iter().all(|r| rules.contains(r))
        && let Some(step_help) = describe(Rule::trigger).1
    {
        return step_help.to_string();
    }
    // Prefer what must come here over optional clauses, and words over
    // punctuation.
    let example = |rank: u8| {
        rules.iter().rev().find_map(|r| {
            let (phrases, example, _) = describe(*r);
            let punct = phrases.iter().all(|p| phrase_class(p) == 2);
            let r_rank = if is_optional_clause(*r) {
                2
            } else {
                u8::from(punct)
            };
            example.filter(|_| r_rank == rank)
        })
    };
    (0..3)
        .find_map(example)
        .unwrap_or("check the spelling and the order of the words here")
        .to_string()
}

/// Rules of optional clauses: their examples make poor help when something
/// else is missing.
fn is_optional_clause(r: Rule) -> bool {
    matches!(
        r,
        Rule::scope
            | Rule::per_scope
            | Rule::since_last
            | Rule::selector
            | Rule::repeat
            | Rule::throttle
            | Rule::junction
            | Rule::counts_clause
            | Rule::extends_clause
            | Rule::same_weekday
            | Rule::window
            | Rule::where_filters
            | Rule::sanction_time
            | Rule::cc
            | Rule::due
            | Rule::label
            | Rule::after_label
    )
}

/// The closest candidate to `word` within a small edit distance.
fn closest<'a>(word: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    if word.chars().count() < 2 || !word.chars().all(|c| c.is_alphanumeric() || c == '_') {
        return None;
    }
    let limit = if word.len() <= 4 { 1 } else { 2 };
    let prefix = |c: &str| word.len() >= 3 && c.starts_with(word);
    candidates
        .filter(|c| *c != word)
        .map(|c| (strsim::damerau_levenshtein(word, c), c))
        .filter(|(d, c)| *d <= limit || prefix(c))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// At most 40 characters of a token, with an ellipsis.
fn short(tok: &str) -> String {
    if tok.chars().count() <= 40 {
        tok.to_string()
    } else {
        let head: String = tok.chars().take(38).collect();
        format!("{head}…")
    }
}

/// `a`, `a or b`, `a, b or c`.
fn or_list(items: impl Iterator<Item = String>) -> String {
    let items: Vec<String> = items.collect();
    match items.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, init)) => format!("{} or {last}", init.join(", ")),
    }
}

/// A rule in words: (phrase, example help, keywords it spells).
fn describe(r: Rule) -> super::words::Words {
    super::words::describe(r)
}
