//! The expected-vs-actual listing in the help of a failed expectation: one
//! line per action, like
//!
//! ```text
//!     2022-09-05  L3  vc   sanction     due —
//!   - 2022-09-19  L3  vc   sanction     due 2022-09-22
//!   + 2022-09-26  L6  vc   inform       due —
//!   + 2022-09-26  L9  lpa  appointment  due —  after parents_informed
//! ```
//!
//! `-` marks what was expected and is missing, `+` what happened and was not
//! expected; unmarked lines are the other actual actions, for context. `*`
//! in an expected line means "any"; the make-up time and the label an
//! action is ordered after appear only when given. Long listings keep the
//! marked lines with a few lines of context around them.

use super::prepare::ActionCheck;
use crate::eval::ActionRecord;

/// Lines of context kept around marked lines in a long listing.
const CONTEXT: usize = 3;
/// Listings up to this many lines are shown whole.
const MAX_WHOLE: usize = 24;

/// How a line is marked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mark {
    /// An actual action, shown for context.
    Context,
    /// Expected, missing.
    Missing,
    /// Actual, not expected.
    Unexpected,
}

/// A listing under construction.
#[derive(Debug, Default)]
pub(crate) struct Listing {
    rows: Vec<(Mark, Vec<String>)>,
    with_student: bool,
}

impl Listing {
    /// An empty listing; `with_student` adds a student column (listings of
    /// several students).
    pub fn new(with_student: bool) -> Listing {
        Listing {
            rows: Vec::new(),
            with_student,
        }
    }

    /// Adds an actual action.
    pub fn action(&mut self, mark: Mark, a: &ActionRecord) {
        let join = if a.roles_join == "and" { "+" } else { "/" };
        let make_up = a
            .params
            .get("lesson_hours")
            .filter(|v| !v.is_null())
            .map(|v| format!("make_up {v}"))
            .unwrap_or_default();
        let cells = vec![
            a.student.clone(),
            a.triggered_on.to_string(),
            a.step.clone(),
            a.roles.join(join),
            a.kind.to_string(),
            format!("due {}", a.due.map_or("—".to_string(), |d| d.to_string())),
            make_up,
            after(a.after.as_deref()),
        ];
        self.push(mark, cells);
    }

    /// Adds an expected action, before the first actual action of a later
    /// date.
    pub fn expected(&mut self, e: &ActionCheck) {
        let cells = vec![
            e.student.clone(),
            e.date.to_string(),
            e.step.clone(),
            e.role.clone().unwrap_or_else(|| "*".into()),
            e.kind.map_or("*", |k| k.as_str()).to_string(),
            format!("due {}", e.due.map_or("*".to_string(), |d| d.to_string())),
            e.make_up
                .map(|n| format!("make_up {}", number(n)))
                .unwrap_or_default(),
            after(e.after.as_deref()),
        ];
        let date = e.date.to_string();
        let col = usize::from(self.with_student);
        let at = self
            .rows
            .iter()
            .position(|(_, c)| c.get(col).is_some_and(|d| *d > date))
            .unwrap_or(self.rows.len());
        let cells = self.shape(cells);
        self.rows.insert(at, (Mark::Missing, cells));
    }

    fn push(&mut self, mark: Mark, cells: Vec<String>) {
        let cells = self.shape(cells);
        self.rows.push((mark, cells));
    }

    /// Drops the student column unless wanted.
    fn shape(&self, mut cells: Vec<String>) -> Vec<String> {
        if !self.with_student {
            cells.remove(0);
        }
        cells
    }

    /// Number of lines.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// The listing as text: aligned columns, marks in front, long listings
    /// cut to the marked lines and their context (or to the first lines when
    /// nothing is marked).
    pub fn render(&self) -> String {
        let widths = self.widths();
        let keep = self.kept();
        let mut out = Vec::new();
        let mut skipped = 0;
        for (i, (mark, cells)) in self.rows.iter().enumerate() {
            if !keep[i] {
                skipped += 1;
                continue;
            }
            if skipped > 0 {
                out.push(format!("    … {skipped} more"));
                skipped = 0;
            }
            let sign = match mark {
                Mark::Context => ' ',
                Mark::Missing => '-',
                Mark::Unexpected => '+',
            };
            // Columns empty in every row (no make-up time) take no room.
            let text: Vec<String> = cells
                .iter()
                .zip(&widths)
                .filter(|(_, w)| **w > 0)
                .map(|(c, w)| format!("{c:<w$}"))
                .collect();
            out.push(format!("  {sign} {}", text.join("  ").trim_end()));
        }
        if skipped > 0 {
            out.push(format!("    … {skipped} more"));
        }
        out.join("\n")
    }

    fn widths(&self) -> Vec<usize> {
        let n = self.rows.first().map_or(0, |(_, c)| c.len());
        (0..n)
            .map(|i| {
                self.rows
                    .iter()
                    .map(|(_, c)| c.get(i).map_or(0, |s| s.chars().count()))
                    .max()
                    .unwrap_or(0)
            })
            .collect()
    }

    /// Which rows are shown.
    fn kept(&self) -> Vec<bool> {
        let n = self.rows.len();
        if n <= MAX_WHOLE {
            return vec![true; n];
        }
        let marked: Vec<usize> = (0..n)
            .filter(|&i| self.rows[i].0 != Mark::Context)
            .collect();
        if marked.is_empty() {
            return (0..n).map(|i| i < MAX_WHOLE).collect();
        }
        let mut keep = vec![false; n];
        for m in marked {
            let lo = m.saturating_sub(CONTEXT);
            let hi = (m + CONTEXT).min(n - 1);
            keep[lo..=hi].iter_mut().for_each(|k| *k = true);
        }
        keep
    }
}

/// `after LABEL`, or nothing.
fn after(label: Option<&str>) -> String {
    label.map(|l| format!("after {l}")).unwrap_or_default()
}

/// A number as written in a policy: `2`, `1.5`.
pub(crate) fn number(n: crate::syntax::ast::Number) -> String {
    if n.is_whole() {
        (n.hundredths / 100).to_string()
    } else {
        let s = format!("{}.{:02}", n.hundredths / 100, (n.hundredths % 100).abs());
        s.trim_end_matches('0').to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::ast::Number;

    #[test]
    fn numbers_read_as_written() {
        assert_eq!(number(Number::whole(2)), "2");
        assert_eq!(number(Number { hundredths: 150 }), "1.5");
        assert_eq!(number(Number { hundredths: 25 }), "0.25");
    }
}
