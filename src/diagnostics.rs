//! Reporting diagnostics of every phase (syntax, check, io): attach the
//! source to span-only errors and render them as text for people
//! (graphical or plain) or as JSON Lines for tools.
//!
//! Rendering is deterministic: it depends only on its arguments, never on the
//! terminal or the environment.

use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, JSONReportHandler, LabeledSpan,
    MietteError, MietteSpanContents, NamedSource, NarratableReportHandler, Report, Severity,
    SourceCode, SourceSpan, SpanContents,
};
use std::fmt;

/// How diagnostics are printed (`--error-format`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, clap::ValueEnum)]
pub enum ErrorFormat {
    /// Graphical: source excerpt with underlined labels (miette's graphical handler).
    #[default]
    Human,
    /// Plain prose, one fact per line, for screen readers and logs.
    Plain,
    /// One JSON object per diagnostic and line, with `"type":"diagnostic"` and `"schema":1`.
    Json,
}

/// Wraps each diagnostic in a [`Report`] carrying `src` under the name `path`.
pub fn attach(
    diags: Vec<impl Diagnostic + Send + Sync + 'static>,
    path: &str,
    src: &str,
) -> Vec<Report> {
    diags
        .into_iter()
        .map(|d| Report::new(d).with_source_code(NamedSource::new(path, src.to_string())))
        .collect()
}

/// True when a label of `diag` starts beyond column 60,000 of its line.
fn has_far_label(diag: &dyn Diagnostic) -> bool {
    let (Some(src), Some(labels)) = (diag.source_code(), diag.labels()) else {
        return false;
    };
    labels.into_iter().any(|l| {
        src.read_span(l.inner(), 0, 0)
            .is_ok_and(|c| c.column() > 60_000 || c.span().len() > 60_000)
    })
}

/// Renders one report in `format`. `width` is the line width for the human
/// format; `color` adds ANSI colours to it. The result ends with a newline.
pub fn render(report: &Report, format: ErrorFormat, width: usize, color: bool) -> String {
    let diag: &dyn Diagnostic = report.as_ref();
    let mut out = String::new();
    let rendered = match format {
        // miette's graphical handler panics on labels past column 65,535:
        // such diagnostics are written in the plain format instead.
        ErrorFormat::Human if has_far_label(diag) => {
            NarratableReportHandler::new().render_report(&mut out, &PlainView::new(diag))
        }
        ErrorFormat::Human => {
            let theme = if color {
                GraphicalTheme::unicode()
            } else {
                GraphicalTheme::unicode_nocolor()
            };
            let mut handler = GraphicalReportHandler::new_themed(theme)
                .with_width(width)
                .with_links(false);
            if !color {
                handler = handler.without_syntax_highlighting();
            }
            handler.render_report(&mut out, diag)
        }
        ErrorFormat::Plain => {
            NarratableReportHandler::new().render_report(&mut out, &PlainView::new(diag))
        }
        ErrorFormat::Json => {
            let mut raw = String::new();
            let r = JSONReportHandler::new().render_report(&mut raw, diag);
            out = tag_json(&raw);
            r
        }
    };
    if rendered.is_err() {
        // Rendering into a String fails only if a Display impl fails; fall
        // back to the bare message rather than losing the diagnostic.
        out = format!("{report}");
    }
    if !out.ends_with('\n') {
        out.push('\n');
    }
    out
}

/// A diagnostic as the plain (narratable) handler is given it: the same
/// diagnostic, with its source wrapped in [`ExcerptSource`].
struct PlainView<'a> {
    inner: &'a dyn Diagnostic,
    source: Option<ExcerptSource<'a>>,
}

impl<'a> PlainView<'a> {
    fn new(inner: &'a dyn Diagnostic) -> Self {
        PlainView {
            inner,
            source: inner.source_code().map(ExcerptSource::new),
        }
    }
}

impl fmt::Debug for PlainView<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.inner, f)
    }
}

impl fmt::Display for PlainView<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self.inner, f)
    }
}

impl std::error::Error for PlainView<'_> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.inner.source()
    }
}

impl Diagnostic for PlainView<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.inner.code()
    }
    fn severity(&self) -> Option<Severity> {
        self.inner.severity()
    }
    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.inner.help()
    }
    fn url<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.inner.url()
    }
    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source.as_ref().map(|s| s as &dyn SourceCode)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        self.inner.labels()
    }
    fn related<'b>(&'b self) -> Option<Box<dyn Iterator<Item = &'b dyn Diagnostic> + 'b>> {
        self.inner.related()
    }
    fn diagnostic_source(&self) -> Option<&dyn Diagnostic> {
        self.inner.diagnostic_source()
    }
}

/// A source whose excerpts never end in a line break unless they end the
/// file. miette's narratable handler takes an excerpt that ends in a line
/// break for the end of the file, and then prints every label further down
/// a second time on the excerpt's last line, at a bogus place ("label at
/// line 5, columns 39 to 38"); without the break it places each label once.
struct ExcerptSource<'a> {
    inner: &'a dyn SourceCode,
    /// The length of the whole source, in bytes.
    len: usize,
}

impl<'a> ExcerptSource<'a> {
    fn new(inner: &'a dyn SourceCode) -> Self {
        let len = inner
            .read_span(&SourceSpan::from((0, 0)), 0, usize::MAX)
            .map_or(0, |c| c.data().len());
        ExcerptSource { inner, len }
    }
}

impl SourceCode for ExcerptSource<'_> {
    fn read_span<'b>(
        &'b self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'b> + 'b>, MietteError> {
        let contents = self.inner.read_span(span, before, after)?;
        let data = contents.data();
        let at = contents.span();
        let trimmed = data
            .strip_suffix(b"\n")
            .map(|d| d.strip_suffix(b"\r").unwrap_or(d))
            .filter(|_| at.offset() + at.len() < self.len);
        let Some(data) = trimmed else {
            return Ok(contents);
        };
        let span = SourceSpan::new(at.offset().into(), data.len());
        let (line, column, lines) = (contents.line(), contents.column(), contents.line_count());
        Ok(Box::new(match contents.name() {
            Some(name) => {
                MietteSpanContents::new_named(name.to_string(), data, span, line, column, lines)
            }
            None => MietteSpanContents::new(data, span, line, column, lines),
        }))
    }
}

/// Adds `"type":"diagnostic"` and `"schema":1` to miette's JSON object and
/// prints it on one line.
fn tag_json(raw: &str) -> String {
    match serde_json::from_str::<serde_json::Value>(raw) {
        Ok(serde_json::Value::Object(fields)) => {
            let mut tagged = serde_json::Map::new();
            tagged.insert("type".into(), "diagnostic".into());
            tagged.insert("schema".into(), 1.into());
            tagged.extend(fields);
            serde_json::Value::Object(tagged).to_string()
        }
        _ => raw.replace('\n', " "),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::span::Span;
    use crate::syntax::SyntaxError;

    fn report() -> Report {
        let e = SyntaxError::UnterminatedString {
            span: Span::new(8, 12),
        };
        attach(vec![e], "p.verzuim", "role vc \"Ver\n").remove(0)
    }

    #[test]
    fn json_is_one_tagged_line() {
        let out = render(&report(), ErrorFormat::Json, 80, false);
        assert_eq!(out.lines().count(), 1);
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(v["type"], "diagnostic");
        assert_eq!(v["schema"], 1);
        assert_eq!(v["code"], "verzuim::syntax::unterminated-string");
    }

    #[test]
    fn human_without_color_has_no_escapes() {
        let out = render(&report(), ErrorFormat::Human, 80, false);
        assert!(!out.contains('\u{1b}'), "{out}");
        assert!(out.contains("p.verzuim:1:9"), "{out}");
    }

    #[test]
    fn plain_mentions_the_code() {
        let out = render(&report(), ErrorFormat::Plain, 80, false);
        assert!(
            out.contains("verzuim::syntax::unterminated-string"),
            "{out}"
        );
    }
}
