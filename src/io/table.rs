//! The `table` output of `verzuim run`: for people, at most 100 columns.
//!
//! Actions are grouped by the date they fired (a heading with the Dutch
//! weekday), then by who acts (the roles' display names; `mentor` is the
//! student's mentor from the roster when one is given), one line per action:
//! student (and name), step ID, the action text wrapped to the line width,
//! the due date and `(optioneel)`; identical lines of one day (a step that
//! fires per lesson hour) are shown once with a count, `(9×)`. A closing
//! summary gives the run's counts.

use crate::eval::{ActionRecord, Roster, RunResult, RunSummary};
use crate::model::Policy;
use chrono::{Datelike, NaiveDate, Weekday};
use std::collections::BTreeMap;
use std::io::{self, Write};

/// Line width of the table.
pub const WIDTH: usize = 100;

const MAX_STUDENT: usize = 10;
const MAX_NAME: usize = 22;
const MAX_STEP: usize = 12;
const MIN_TEXT: usize = 30;

/// Write `result` as a table. `filter` describes the output filters, if
/// any (`--student S00012`), for the summary.
pub fn write_table<W: Write>(
    w: &mut W,
    policy: &Policy,
    roster: Option<&Roster>,
    result: &RunResult,
    filter: Option<&str>,
) -> io::Result<()> {
    let t = Table::new(policy, roster, &result.actions);
    let mut by_date: BTreeMap<NaiveDate, Vec<&ActionRecord>> = BTreeMap::new();
    for a in &result.actions {
        by_date.entry(a.triggered_on).or_default().push(a);
    }
    if by_date.is_empty() {
        writeln!(w, "Geen acties.")?;
    }
    for (date, actions) in &by_date {
        t.write_day(w, *date, actions)?;
    }
    if by_date.is_empty() {
        writeln!(w)?;
    }
    write_summary(w, policy, &result.summary, filter)
}

/// Column widths and lookups for one table.
struct Table<'a> {
    policy: &'a Policy,
    roster: Option<&'a Roster>,
    student_w: usize,
    name_w: usize,
    step_w: usize,
}

impl<'a> Table<'a> {
    fn new(policy: &'a Policy, roster: Option<&'a Roster>, actions: &[ActionRecord]) -> Table<'a> {
        let mut t = Table {
            policy,
            roster,
            student_w: 0,
            name_w: 0,
            step_w: 0,
        };
        for a in actions {
            t.student_w = t.student_w.max(a.student.chars().count());
            t.step_w = t.step_w.max(a.step.chars().count());
            let name = t.name(&a.student).map_or(0, |n| n.chars().count());
            t.name_w = t.name_w.max(name);
        }
        t.student_w = t.student_w.min(MAX_STUDENT);
        t.step_w = t.step_w.min(MAX_STEP);
        t.name_w = t.name_w.min(MAX_NAME);
        t
    }

    fn name(&self, student: &str) -> Option<&'a str> {
        self.roster?.students.get(student)?.name.as_deref()
    }

    /// Who acts, as a heading, and its sort key (policy role order).
    fn actor(&self, a: &ActionRecord) -> (Vec<usize>, String) {
        let join = if a.roles_join == "and" {
            " en "
        } else {
            " of "
        };
        let mut key = Vec::new();
        let mut names = Vec::new();
        for r in &a.roles {
            let idx = self.policy.roles.iter().position(|d| &d.id == r);
            key.push(idx.unwrap_or(usize::MAX));
            let display = idx.map_or(r.as_str(), |i| self.policy.roles[i].name.as_str());
            let mentor = self
                .roster
                .and_then(|ro| ro.students.get(&a.student)?.mentor.as_deref());
            match mentor {
                Some(m) if r == "mentor" => names.push(format!("{display} ({m})")),
                _ => names.push(display.to_string()),
            }
        }
        (key, names.join(join))
    }

    fn write_day<W: Write>(
        &self,
        w: &mut W,
        date: NaiveDate,
        actions: &[&ActionRecord],
    ) -> io::Result<()> {
        let heading = format!("── {} ", dutch_date(date));
        let fill = WIDTH.saturating_sub(heading.chars().count());
        writeln!(w, "{heading}{}", "─".repeat(fill))?;
        let mut groups: BTreeMap<(Vec<usize>, String), Vec<&ActionRecord>> = BTreeMap::new();
        for a in actions {
            groups.entry(self.actor(a)).or_default().push(a);
        }
        for ((_, actor), list) in &groups {
            writeln!(w, "  {actor}")?;
            for (a, n) in collapse(list) {
                self.write_action(w, a, n)?;
            }
        }
        writeln!(w)
    }

    fn write_action<W: Write>(&self, w: &mut W, a: &ActionRecord, n: usize) -> io::Result<()> {
        let mut prefix = format!("    {} ", pad(&a.student, self.student_w));
        if self.name_w > 0 {
            let name = self.name(&a.student).unwrap_or("");
            prefix.push_str(&pad(name, self.name_w));
            prefix.push(' ');
        }
        prefix.push_str(&pad(&a.step, self.step_w));
        prefix.push_str("  ");
        let indent = prefix.chars().count();
        let text_w = WIDTH.saturating_sub(indent).max(MIN_TEXT);
        let mut text = a.text.clone();
        if let Some(due) = a.due {
            text.push_str(&format!(" — uiterlijk {}", due.format("%Y-%m-%d")));
        }
        if a.optional {
            text.push_str(" (optioneel)");
        }
        if n > 1 {
            text.push_str(&format!(" ({n}×)"));
        }
        for (i, line) in wrap(&text, text_w).iter().enumerate() {
            if i == 0 {
                writeln!(w, "{prefix}{line}")?;
            } else {
                writeln!(w, "{}{line}", " ".repeat(indent))?;
            }
        }
        Ok(())
    }
}

/// Identical lines (same student, step, text, due date and optionality, as
/// when a step fires once per lesson hour) as one line with a count, in
/// order of first appearance.
fn collapse<'r>(list: &[&'r ActionRecord]) -> Vec<(&'r ActionRecord, usize)> {
    let mut out: Vec<(&ActionRecord, usize)> = Vec::new();
    let mut index: BTreeMap<(&str, &str, &str, Option<NaiveDate>, bool), usize> = BTreeMap::new();
    for a in list {
        let key = (
            a.student.as_str(),
            a.step.as_str(),
            a.text.as_str(),
            a.due,
            a.optional,
        );
        match index.get(&key) {
            Some(&i) => out[i].1 += 1,
            None => {
                index.insert(key, out.len());
                out.push((a, 1));
            }
        }
    }
    out
}

/// `s` padded or truncated (with `…`) to exactly `width` characters.
fn pad(s: &str, width: usize) -> String {
    let n = s.chars().count();
    if n <= width {
        format!("{s}{}", " ".repeat(width - n))
    } else if width == 0 {
        String::new()
    } else {
        let mut t: String = s.chars().take(width - 1).collect();
        t.push('…');
        t
    }
}

/// Greedy word wrap to `width` characters; overlong words are split.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut lines = Vec::new();
    let mut cur = String::new();
    let mut cur_len = 0;
    for word in text.split_whitespace() {
        let mut word: Vec<char> = word.chars().collect();
        while word.len() > width {
            if cur_len > 0 {
                lines.push(std::mem::take(&mut cur));
                cur_len = 0;
            }
            let rest = word.split_off(width);
            lines.push(word.iter().collect());
            word = rest;
        }
        let need = if cur_len == 0 {
            word.len()
        } else {
            cur_len + 1 + word.len()
        };
        if need > width && cur_len > 0 {
            lines.push(std::mem::take(&mut cur));
            cur_len = 0;
        }
        if cur_len > 0 {
            cur.push(' ');
            cur_len += 1;
        }
        cur.extend(word.iter());
        cur_len += word.len();
    }
    if cur_len > 0 || lines.is_empty() {
        lines.push(cur);
    }
    lines
}

/// `maandag 19 september 2022`.
pub fn dutch_date(d: NaiveDate) -> String {
    const MONTHS: [&str; 12] = [
        "januari",
        "februari",
        "maart",
        "april",
        "mei",
        "juni",
        "juli",
        "augustus",
        "september",
        "oktober",
        "november",
        "december",
    ];
    let month = MONTHS[d.month0() as usize];
    format!(
        "{} {} {month} {}",
        dutch_weekday(d.weekday()),
        d.day(),
        d.year()
    )
}

/// Dutch weekday name, lowercase.
pub fn dutch_weekday(w: Weekday) -> &'static str {
    match w {
        Weekday::Mon => "maandag",
        Weekday::Tue => "dinsdag",
        Weekday::Wed => "woensdag",
        Weekday::Thu => "donderdag",
        Weekday::Fri => "vrijdag",
        Weekday::Sat => "zaterdag",
        Weekday::Sun => "zondag",
    }
}

const LABEL_W: usize = 72;

fn count_line<W: Write>(w: &mut W, indent: usize, label: &str, n: u64) -> io::Result<()> {
    let label = pad(label, LABEL_W - indent);
    writeln!(w, "{}{label} {n:>8}", " ".repeat(indent))
}

/// Write the closing summary; `filter` as for [`write_table`].
pub fn write_summary<W: Write>(
    w: &mut W,
    policy: &Policy,
    s: &RunSummary,
    filter: Option<&str>,
) -> io::Result<()> {
    let heading = "── Samenvatting ";
    writeln!(
        w,
        "{heading}{}",
        "─".repeat(WIDTH - heading.chars().count())
    )?;
    if let Some(d) = s.as_of {
        writeln!(w, "  peildatum: {}", dutch_date(d))?;
    }
    if let Some(f) = filter.filter(|f| !f.is_empty()) {
        let text = format!(
            "filter: {f} (acties per rol, leerlingen per stap en DUO-meldingen tellen alleen de gekozen acties)"
        );
        for (i, line) in wrap(&text, WIDTH - 4).iter().enumerate() {
            let indent = if i == 0 { 2 } else { 4 };
            writeln!(w, "{}{line}", " ".repeat(indent))?;
        }
    }
    count_line(w, 2, "registraties gelezen", s.registrations)?;
    count_line(w, 2, "leerlingen", s.students)?;
    count_line(
        w,
        2,
        "dubbele registraties samengevoegd",
        s.duplicates_merged,
    )?;
    count_line(
        w,
        2,
        "registraties vervangen door een later bestand",
        s.replaced,
    )?;
    count_line(w, 2, "genegeerde codes", s.ignored)?;
    count_line(
        w,
        2,
        "registraties na de peildatum (--as-of)",
        s.after_as_of,
    )?;
    count_line(w, 2, "DUO-meldingen", s.duo_reports)?;
    writeln!(w, "  acties per rol")?;
    for role in &policy.roles {
        let n = s.actions_per_role.get(&role.id).copied().unwrap_or(0);
        count_line(w, 4, &role.name, n)?;
    }
    for (id, n) in &s.actions_per_role {
        if !policy.roles.iter().any(|r| &r.id == id) {
            count_line(w, 4, id, *n)?;
        }
    }
    writeln!(w, "  leerlingen per stap")?;
    for step in &policy.steps {
        let n = s.students_per_step.get(&step.id).copied().unwrap_or(0);
        let label = format!("{} {}", pad(&step.id, MAX_STEP), step.title);
        count_line(w, 4, &label, n)?;
    }
    write_missing_days(w, &s.missing_data_days)
}

fn write_missing_days<W: Write>(w: &mut W, days: &[NaiveDate]) -> io::Result<()> {
    count_line(
        w,
        2,
        "mogelijk ontbrekende gegevens (dagen)",
        days.len() as u64,
    )?;
    if days.is_empty() {
        return Ok(());
    }
    const SHOWN: usize = 10;
    let mut list: Vec<String> = days
        .iter()
        .take(SHOWN)
        .map(|d| d.format("%Y-%m-%d").to_string())
        .collect();
    if days.len() > SHOWN {
        list.push(format!("… en {} meer", days.len() - SHOWN));
    }
    for line in wrap(&list.join(", "), WIDTH - 4) {
        writeln!(w, "    {line}")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_at_word_boundaries() {
        let lines = wrap("een twee drie vier vijf", 9);
        assert_eq!(lines, vec!["een twee", "drie vier", "vijf"]);
        assert_eq!(wrap("abcdefghij", 4), vec!["abcd", "efgh", "ij"]);
        assert_eq!(wrap("", 10), vec![""]);
    }

    #[test]
    fn pads_and_truncates_by_characters() {
        assert_eq!(pad("ë", 3), "ë  ");
        assert_eq!(pad("abcdef", 4), "abc…");
    }

    #[test]
    fn groups_by_day_and_actor_and_collapses_repeats() {
        use crate::eval::StudentInfo;
        use crate::io::testutil::{d, policy, sample_action};
        let mut policy = policy();
        policy.steps.clear();
        let vc = sample_action();
        let mut mentor = sample_action();
        mentor.roles = vec!["mentor".into()];
        mentor.text = "Koppelt terug".into();
        mentor.due = Some(d("2022-09-21"));
        mentor.optional = true;
        let mut later = sample_action();
        later.triggered_on = d("2022-09-20");
        let result = RunResult {
            actions: vec![vc.clone(), vc, mentor, later],
            summary: RunSummary::default(),
        };
        let mut roster = Roster::default();
        let info = StudentInfo {
            name: Some("Anna de Vries".into()),
            mentor: Some("mw. A. Jansen".into()),
            ..StudentInfo::default()
        };
        roster.students.insert("S1".into(), info);
        let mut out = Vec::new();
        write_table(&mut out, &policy, Some(&roster), &result, None).unwrap();
        let text = String::from_utf8(out).unwrap();
        let expected = "\
── maandag 19 september 2022 ───────────────────────────────────────────────────────────────────────
  Verzuimcoördinator
    S1 Anna de Vries L3  Signaleert (2×)
  Mentor (mw. A. Jansen)
    S1 Anna de Vries L3  Koppelt terug — uiterlijk 2022-09-21 (optioneel)

── dinsdag 20 september 2022 ───────────────────────────────────────────────────────────────────────
  Verzuimcoördinator
    S1 Anna de Vries L3  Signaleert

── Samenvatting ";
        assert!(text.starts_with(expected), "{text}");
        assert!(text.lines().all(|l| l.chars().count() <= WIDTH), "{text}");
    }

    #[test]
    fn dates_in_dutch() {
        let d = NaiveDate::from_ymd_opt(2022, 9, 19).unwrap();
        assert_eq!(dutch_date(d), "maandag 19 september 2022");
    }
}
