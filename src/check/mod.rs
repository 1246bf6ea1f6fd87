//! Checking: resolves names, validates dates and units, and builds the
//! runnable [`crate::model::Policy`] from an AST.
//!
//! Entry points: [`load`] reads a file and [`check_source`] checks its text.
//! A `*.test.verzuim` file is no policy (see `crate::testing`).
//! A file with a `policy` header is a policy and needs exactly one calendar
//! (inline `calendar { … }` or `use calendar "rel/path"`, resolved against
//! the policy file's directory); a file with only a `calendar` block is a
//! calendar file. Every check error of a file is reported in one run, each
//! as a [`miette::Report`] carrying the source of the file it points into.
//! Diagnostic codes are listed in [`error::Code`].

mod actions;
mod calendar;
mod conditions;
pub mod error;
mod ladders;
mod policy;
mod resolve;

use crate::calendar::Calendar;
use crate::model::Policy;
use crate::span::Span;
use crate::syntax::ast::{self, Item};
use error::{CheckError, Code};
use miette::{Diagnostic, NamedSource, Report};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A successfully checked file.
// The variants' shapes are the contract with `eval` and `cli`; a policy is
// built once per run, so its size does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Debug)]
pub enum Loaded {
    /// A policy file.
    Policy {
        /// The checked policy.
        policy: Policy,
        /// Non-fatal diagnostics (unused roles, kinds without codes).
        warnings: Vec<Report>,
    },
    /// A calendar file.
    Calendar {
        /// The checked calendar.
        calendar: Calendar,
        /// Non-fatal diagnostics.
        warnings: Vec<Report>,
    },
}

/// Why a file could not be loaded.
#[derive(Debug)]
pub enum LoadError {
    /// The file itself could not be read (exit code 2).
    Io {
        /// The path as given.
        path: PathBuf,
        /// The error.
        error: std::io::Error,
    },
    /// The file (or a calendar it uses) has syntax or check errors (exit
    /// code 1); each report carries its file's source.
    Invalid(Vec<Report>),
}

/// Reads `path` and checks it with [`check_source`].
pub fn load(path: &Path) -> Result<Loaded, LoadError> {
    let src = crate::source::read_source(path).map_err(|error| LoadError::Io {
        path: path.to_path_buf(),
        error,
    })?;
    check_source(path, &src)
}

/// Parses and checks `src`, the text of the file at `path` (used to name
/// the file in reports and to resolve `use calendar`). Syntax errors, and
/// errors in a used calendar file (pointing into that file), are returned
/// as [`LoadError::Invalid`] like check errors. A `use calendar` file that
/// cannot be read is a check error on the `use` line, not an I/O error.
pub fn check_source(path: &Path, src: &str) -> Result<Loaded, LoadError> {
    let source = Source::new(path, src);
    if crate::syntax::is_test_file(path) {
        return Err(LoadError::Invalid(
            source.reports(vec![test_file_error(path)]),
        ));
    }
    let file = parse(&source)?;
    let headers: Vec<&ast::PolicyHeader> = file
        .items
        .iter()
        .filter_map(|i| {
            if let Item::Policy(h) = i {
                Some(h)
            } else {
                None
            }
        })
        .collect();
    match headers.split_first() {
        Some((header, extra)) => check_policy_file(&source, &file, header, extra),
        None => check_calendar_file(&source, &file),
    }
}

/// A file's name (as given) and text, shared by its reports.
struct Source {
    path: PathBuf,
    named: NamedSource<Arc<str>>,
}

impl Source {
    fn new(path: &Path, src: &str) -> Source {
        Source {
            path: path.to_path_buf(),
            named: NamedSource::new(path.display().to_string(), Arc::from(src)),
        }
    }

    /// Attaches this file's source to each diagnostic.
    fn reports<D: Diagnostic + Send + Sync + 'static>(&self, diags: Vec<D>) -> Vec<Report> {
        diags
            .into_iter()
            .map(|d| Report::new(d).with_source_code(self.named.clone()))
            .collect()
    }
}

/// A `*.test.verzuim` file given where a policy or calendar is expected.
fn test_file_error(path: &Path) -> CheckError {
    CheckError::new(
        Code::NotAPolicy,
        "this is a test file, not a policy or calendar",
        Span::new(0, 0),
        "a test file",
    )
    .help(format!(
        "run its tests with `verzuim test {}`; files named `*.test.verzuim` hold tests",
        path.display()
    ))
}

/// Parses `source`; syntax errors become reports.
fn parse(source: &Source) -> Result<ast::File, LoadError> {
    crate::syntax::parse(source.named.inner())
        .map_err(|errs| LoadError::Invalid(source.reports(errs)))
}

/// Sorts diagnostics by position, drops exact repeats (a variant's copies of
/// its base's steps are checked twice).
fn tidy(mut errs: Vec<CheckError>) -> Vec<CheckError> {
    errs.sort_by_key(|e| (e.span().start, e.span().end));
    let mut out: Vec<CheckError> = Vec::new();
    for e in errs {
        let repeat = out
            .iter()
            .any(|o| o.code == e.code && o.labels == e.labels && o.message == e.message);
        if !repeat {
            out.push(e);
        }
    }
    out
}

fn check_policy_file(
    source: &Source,
    file: &ast::File,
    header: &ast::PolicyHeader,
    extra_headers: &[&ast::PolicyHeader],
) -> Result<Loaded, LoadError> {
    let mut errs: Vec<CheckError> = extra_headers
        .iter()
        .map(|h| {
            CheckError::new(
                Code::DuplicateEntry,
                "a second `policy` header",
                h.span,
                "given again here",
            )
            .label(header.span, "first given here")
            .help("a file holds one policy: remove one of the headers")
        })
        .collect();
    let header_ok = check_header_year(header, &mut errs);
    let mut reports = Vec::new();
    let calendar = policy_calendar(source, file, header, header_ok, &mut errs, &mut reports);
    let outcome = policy::check_policy(file, header, calendar.as_ref());
    errs.extend(outcome.errors);
    reports.extend(source.reports(tidy(errs)));
    match outcome.policy {
        Some(policy) if reports.is_empty() => Ok(Loaded::Policy {
            policy,
            warnings: source.reports(tidy(outcome.warnings)),
        }),
        _ => Err(LoadError::Invalid(reports)),
    }
}

/// The header's `school_year` spans two consecutive years (else reports
/// and returns false).
fn check_header_year(header: &ast::PolicyHeader, errs: &mut Vec<CheckError>) -> bool {
    let (a, b) = header.school_year.node;
    let ok = b == a + 1;
    if !ok {
        errs.push(
            CheckError::new(
                Code::InvalidSchoolYear,
                format!("school year `{a}-{b}` does not span two consecutive years"),
                header.school_year.span,
                "not consecutive",
            )
            .help(format!(
                "a school year runs from one year into the next, e.g. `{a}-{}`",
                a + 1
            )),
        );
    }
    ok
}

/// Finds, reads and checks the policy's one calendar. Errors in the
/// policy file go to `errs`; reports for a used calendar file (pointing
/// into that file) go to `reports`.
fn policy_calendar(
    source: &Source,
    file: &ast::File,
    header: &ast::PolicyHeader,
    header_ok: bool,
    errs: &mut Vec<CheckError>,
    reports: &mut Vec<Report>,
) -> Option<Calendar> {
    let sources: Vec<(&Item, Span)> = file
        .items
        .iter()
        .filter_map(|i| match i {
            Item::Calendar(c) => Some((i, c.name.span)),
            Item::UseCalendar(t) => Some((i, t.span)),
            _ => None,
        })
        .collect();
    let Some(((first, first_span), rest)) = sources.split_first() else {
        errs.push(
            CheckError::new(Code::NoCalendar, "policy has no calendar", header.span, "no calendar for this policy")
                .help("add `use calendar \"../calendars/….verzuim\"` or an inline `calendar \"…\" { … }` block"),
        );
        return None;
    };
    for (_, span) in rest {
        errs.push(
            CheckError::new(
                Code::TwoCalendars,
                "policy has a second calendar",
                *span,
                "second calendar",
            )
            .label(*first_span, "first calendar")
            .help("a policy counts school days with one calendar: remove one"),
        );
    }
    let checked = match first {
        Item::Calendar(c) => calendar::check_calendar(c, errs),
        Item::UseCalendar(rel) => used_calendar(source, rel, errs, reports)?,
        _ => return None,
    };
    if header_ok {
        check_calendar_year(header, &checked, *first_span, errs);
    }
    checked.calendar
}

/// Reads, parses and checks the calendar file named by `use calendar`.
fn used_calendar(
    source: &Source,
    rel: &ast::Text,
    errs: &mut Vec<CheckError>,
    reports: &mut Vec<Report>,
) -> Option<calendar::CheckedCalendar> {
    let dir = source.path.parent().unwrap_or(Path::new(""));
    let path = dir.join(&rel.node);
    let text = match crate::source::read_source(&path) {
        Ok(t) => t,
        Err(e) => {
            errs.push(
                CheckError::new(
                    Code::UnreadableCalendar,
                    format!("cannot read calendar `{}`", rel.node),
                    rel.span,
                    io_words(&e),
                )
                .help(format!(
                    "looked for `{}`: the path is relative to the policy file's directory",
                    path.display()
                )),
            );
            return None;
        }
    };
    let cal_source = Source::new(&path, &text);
    let file = match parse(&cal_source) {
        Ok(f) => f,
        Err(LoadError::Invalid(r)) => {
            reports.extend(r);
            return None;
        }
        Err(LoadError::Io { .. }) => return None,
    };
    let mut cal_errs = Vec::new();
    let checked = calendar_only(&file, &mut cal_errs);
    reports.extend(cal_source.reports(tidy(cal_errs)));
    checked
}

/// The one `calendar` block of a calendar file, checked; anything else in
/// the file is an error.
fn calendar_only(
    file: &ast::File,
    errs: &mut Vec<CheckError>,
) -> Option<calendar::CheckedCalendar> {
    let mut found: Option<&ast::Calendar> = None;
    for item in &file.items {
        match (item, found) {
            (Item::Calendar(c), None) => found = Some(c),
            (Item::Calendar(c), Some(first)) => errs.push(
                CheckError::new(Code::TwoCalendars, "a second calendar in one file", c.name.span, "second calendar")
                    .label(first.name.span, "first calendar")
                    .help("a calendar file holds one `calendar { … }` block"),
            ),
            (other, _) => errs.push(
                CheckError::new(
                    Code::NotACalendar,
                    "a calendar file holds only a calendar",
                    item_span(other),
                    "not part of a calendar",
                )
                .help("move this into a policy file, or add a `policy` header to make this file a policy"),
            ),
        }
    }
    match found {
        Some(c) => Some(calendar::check_calendar(c, errs)),
        None => {
            errs.push(
                CheckError::new(Code::NotAPolicy, "this file holds neither a policy nor a calendar", Span::new(0, 0), "empty")
                    .help("start a policy with `policy \"…\" school \"…\" school_year 2022-2023`, or write a `calendar \"…\" { … }` block"),
            );
            None
        }
    }
}

/// The calendar's dates match the header's `school_year`.
fn check_calendar_year(
    header: &ast::PolicyHeader,
    checked: &calendar::CheckedCalendar,
    calendar_at: Span,
    errs: &mut Vec<CheckError>,
) {
    use chrono::Datelike;
    let Some((first, last, _)) = checked.school_year else {
        return;
    };
    let (a, b) = header.school_year.node;
    if first.year() != a || last.year() != b {
        errs.push(
            CheckError::new(
                Code::SchoolYearMismatch,
                format!("the calendar covers `{first} .. {last}`, not school year `{a}-{b}`"),
                header.school_year.span,
                "the policy's school year",
            )
            .label(
                calendar_at,
                format!("covers {}-{}", first.year(), last.year()),
            )
            .help("use the calendar of the policy's school year, or correct the header"),
        );
    }
}

fn check_calendar_file(source: &Source, file: &ast::File) -> Result<Loaded, LoadError> {
    let mut errs = Vec::new();
    if let Some(other) = file.items.iter().find(|i| !matches!(i, Item::Calendar(_))) {
        errs.push(
            CheckError::new(
                Code::NotAPolicy,
                "this file has no `policy` header",
                item_span(other),
                "policy content without a header",
            )
            .help("start the file with `policy \"…\" school \"…\" school_year 2022-2023`"),
        );
        return Err(LoadError::Invalid(source.reports(errs)));
    }
    let checked = calendar_only(file, &mut errs);
    let errs = tidy(errs);
    match checked.and_then(|c| c.calendar) {
        Some(calendar) if errs.is_empty() => Ok(Loaded::Calendar {
            calendar,
            warnings: Vec::new(),
        }),
        _ => Err(LoadError::Invalid(source.reports(errs))),
    }
}

/// An I/O error in a few lowercase words.
fn io_words(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        std::io::ErrorKind::InvalidData => "not UTF-8 text".to_string(),
        _ => e.to_string(),
    }
}

/// A span to point at for a top-level item.
fn item_span(item: &Item) -> Span {
    match item {
        Item::Policy(h) => h.span,
        Item::UseCalendar(t) => t.span,
        Item::Calendar(c) => c.span,
        Item::Role(r) => r.span,
        Item::Event(e) => e.span,
        Item::Ignore(i) => i.span,
        Item::Signal(s) => s.span,
        Item::Group(g) => g.span,
        Item::Reclassify(r) => r.span,
        Item::Exemption(e) => e.span,
        Item::Ladder(l) => l.span,
        Item::Precedence(p) => p.span,
        Item::Rule(r) => r.step.span,
    }
}
