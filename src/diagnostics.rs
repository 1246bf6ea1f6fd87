//! Reporting diagnostics of every phase (syntax, check, io): attach the
//! source to span-only errors and render them as text for people
//! (graphical or plain) or as JSON Lines for tools.
//!
//! Rendering is deterministic: it depends only on its arguments, never on the
//! terminal or the environment.

use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, JSONReportHandler, NamedSource,
    NarratableReportHandler, Report,
};

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

/// Renders one report in `format`. `width` is the line width for the human
/// format; `color` adds ANSI colours to it. The result ends with a newline.
pub fn render(report: &Report, format: ErrorFormat, width: usize, color: bool) -> String {
    let diag: &dyn Diagnostic = report.as_ref();
    let mut out = String::new();
    let rendered = match format {
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
        ErrorFormat::Plain => NarratableReportHandler::new().render_report(&mut out, diag),
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
