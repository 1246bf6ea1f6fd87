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
use crate::io::sink::ActionSink;
use crate::model::{Policy, Thresholds, TriggerDef};
use chrono::{Datelike, NaiveDate, Weekday};
use std::collections::{BTreeMap, BTreeSet};
use std::io::{self, Write};

/// Line width of the table.
pub const WIDTH: usize = 100;

const MAX_STUDENT: usize = 10;
const MAX_NAME: usize = 22;
const MAX_STEP: usize = 12;
const MIN_TEXT: usize = 30;

/// Write `result` as a table. `filter` describes the output filters, if
/// any (`--student S00012`), for the summary. The columns fit the actions.
pub fn write_table<W: Write>(
    w: &mut W,
    policy: &Policy,
    roster: Option<&Roster>,
    result: &RunResult,
    filter: Option<&str>,
) -> io::Result<()> {
    let widths = TableWidths::of_actions(roster, &result.actions);
    let mut sink = TableSink::new(w, policy, roster, filter, widths);
    sink.actions(&result.actions)?;
    sink.finish(&result.summary)
}

/// The widths of the table's student, name and step columns (each capped;
/// a name width of 0 leaves the name column out).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TableWidths {
    /// Student ID column.
    pub student: usize,
    /// Name column (0: none).
    pub name: usize,
    /// Step column (the step ID, `[wet]` for a law).
    pub step: usize,
}

impl TableWidths {
    /// Widths that fit `actions` (the buffered table): the longest student
    /// ID, roster name and step label among them.
    pub fn of_actions<'r>(
        roster: Option<&Roster>,
        actions: impl IntoIterator<Item = &'r ActionRecord>,
    ) -> TableWidths {
        let mut t = TableWidths::default();
        for a in actions {
            t.student = t.student.max(a.student.chars().count());
            t.step = t.step.max(step_label(a).chars().count());
            let name = roster_name(roster, &a.student).map_or(0, |n| n.chars().count());
            t.name = t.name.max(name);
        }
        t.capped()
    }

    /// Widths known before any action (a streamed table): the longest step
    /// label of the policy, the longest name and student ID of the roster;
    /// without a roster, no name column and student IDs up to the cap
    /// (10 characters).
    pub fn for_policy(policy: &Policy, roster: Option<&Roster>) -> TableWidths {
        let label = |st: &crate::model::StepDef| st.id.chars().count() + if st.law { 6 } else { 0 };
        let step = policy.steps.iter().map(label).max().unwrap_or(0);
        let t = match roster {
            Some(r) => TableWidths {
                student: r
                    .students
                    .keys()
                    .map(|id| id.chars().count())
                    .max()
                    .unwrap_or(0),
                name: r
                    .students
                    .values()
                    .filter_map(|i| i.name.as_deref())
                    .map(|n| n.chars().count())
                    .max()
                    .unwrap_or(0),
                step,
            },
            None => TableWidths {
                student: MAX_STUDENT,
                name: 0,
                step,
            },
        };
        t.capped()
    }

    /// At most the caps.
    fn capped(self) -> TableWidths {
        TableWidths {
            student: self.student.min(MAX_STUDENT),
            name: self.name.min(MAX_NAME),
            step: self.step.min(MAX_STEP),
        }
    }
}

/// The `table` output as an [`ActionSink`]. Each call's actions are
/// grouped by day, then by who acts, so a call must hold whole days (later
/// than those before); the summary comes at the end (after `Geen acties.`
/// when no action was written). The column widths are fixed up front.
pub struct TableSink<'a, W: Write> {
    w: W,
    table: Table<'a>,
    filter: Option<&'a str>,
    /// Whether any action was written.
    written: bool,
    /// The DUO reports of each law step, by step ID.
    law_reports: BTreeMap<String, u64>,
}

impl<'a, W: Write> TableSink<'a, W> {
    /// A table to `w` with columns `widths`; `filter` describes the output
    /// filters for the summary (as for [`write_table`]).
    pub fn new(
        w: W,
        policy: &'a Policy,
        roster: Option<&'a Roster>,
        filter: Option<&'a str>,
        widths: TableWidths,
    ) -> Self {
        TableSink {
            w,
            table: Table {
                policy,
                roster,
                student_w: widths.student,
                name_w: widths.name,
                step_w: widths.step,
            },
            filter,
            written: false,
            law_reports: BTreeMap::new(),
        }
    }
}

impl<W: Write> ActionSink for TableSink<'_, W> {
    fn actions(&mut self, actions: &[ActionRecord]) -> io::Result<()> {
        let mut by_date: BTreeMap<NaiveDate, Vec<&ActionRecord>> = BTreeMap::new();
        for a in actions {
            by_date.entry(a.triggered_on).or_default().push(a);
            if a.law && a.kind == "duo_report" {
                match self.law_reports.get_mut(&a.step) {
                    Some(n) => *n += 1,
                    None => {
                        self.law_reports.insert(a.step.clone(), 1);
                    }
                }
            }
        }
        for (date, actions) in &by_date {
            self.table.write_day(&mut self.w, *date, actions)?;
            self.written = true;
        }
        Ok(())
    }

    fn finish(&mut self, summary: &RunSummary) -> io::Result<()> {
        if !self.written {
            writeln!(self.w, "Geen acties.")?;
            writeln!(self.w)?;
        }
        let policy = self.table.policy;
        write_summary(&mut self.w, policy, summary, &self.law_reports, self.filter)?;
        self.w.flush()
    }

    fn flush(&mut self) -> io::Result<()> {
        self.w.flush()
    }
}

/// The roster name of `student`.
fn roster_name<'r>(roster: Option<&'r Roster>, student: &str) -> Option<&'r str> {
    roster?.students.get(student)?.name.as_deref()
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
    fn name(&self, student: &str) -> Option<&'a str> {
        roster_name(self.roster, student)
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
                Some(m) if r == "mentor" => {
                    names.push(format!("{display} ({})", printable(m)));
                }
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
        let mut explained: BTreeSet<&str> = BTreeSet::new();
        for ((_, actor), list) in &groups {
            for (i, line) in wrap(actor, WIDTH - 4).iter().enumerate() {
                let indent = if i == 0 { 2 } else { 4 };
                writeln!(w, "{}{line}", " ".repeat(indent))?;
            }
            for members in collapse(list) {
                let a = members[0];
                let n = members.len();
                self.write_action(w, a, n)?;
                if explained.insert(firing(a)) {
                    for line in wrap(&why(self.policy, a), WIDTH - WHY_INDENT) {
                        writeln!(w, "{}{line}", " ".repeat(WHY_INDENT))?;
                    }
                }
                explained.extend(members.iter().map(|m| firing(m)));
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
        prefix.push_str(&pad(&step_label(a), self.step_w));
        prefix.push_str("  ");
        let indent = prefix.chars().count();
        let text_w = WIDTH.saturating_sub(indent).max(MIN_TEXT);
        let mut text = a.text.clone();
        if !a.cc.is_empty() {
            let cc: Vec<String> = a.cc.iter().map(|r| self.role_lower(r)).collect();
            text.push_str(&format!(" (cc {})", cc.join(", ")));
        }
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

    /// A role's display name, starting lowercase, for running text.
    fn role_lower(&self, id: &str) -> String {
        let name = self
            .policy
            .roles
            .iter()
            .find(|r| r.id == id)
            .map_or(id, |r| r.name.as_str());
        lower_first(name)
    }
}

/// `name` with its first character lowercase.
fn lower_first(name: &str) -> String {
    let mut chars = name.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The step column: the step ID, tagged `[wet]` for a law.
fn step_label(a: &ActionRecord) -> String {
    if a.law {
        format!("{} [wet]", a.step)
    } else {
        a.step.clone()
    }
}

/// The identity of the firing an action belongs to: its `id` without the
/// last part (the action's label).
fn firing(a: &ActionRecord) -> &str {
    a.id.rsplit_once('/').map_or(a.id.as_str(), |(f, _)| f)
}

/// N of a step that fires `at N` registrations, once.
fn at_threshold(policy: &Policy, a: &ActionRecord) -> Option<usize> {
    let step = policy.steps.get(a.step_index).filter(|s| s.id == a.step);
    let step = step.or_else(|| policy.steps.iter().find(|s| s.id == a.step))?;
    match &step.trigger {
        TriggerDef::Threshold {
            thresholds: Thresholds::At(n),
            extra: None,
            ..
        } if n.hundredths % 100 == 0 && n.hundredths > 0 => {
            usize::try_from(n.hundredths / 100).ok()
        }
        _ => None,
    }
}

/// Indent of a `waarom:` line: under the student ID, two further in.
const WHY_INDENT: usize = 6;

/// Evidence dates shown in a `waarom:` line before `…`.
const WHY_DATES: usize = 3;

/// Why a firing happened, in Dutch, from its trigger and evidence:
/// `waarom: 3e te laat op 2022-09-19 (p2, 7 min); eerder 2022-09-05, 2022-09-12`.
fn why(policy: &Policy, a: &ActionRecord) -> String {
    let kind_name = |k: &str| {
        let name = policy
            .kinds
            .iter()
            .find(|d| d.id == k)
            .map_or(k, |d| d.name.as_str());
        lower_first(name)
    };
    let mut text = String::from("waarom: ");
    let mut counted = false;
    let earlier: Vec<&crate::eval::Evidence> = match &a.trigger {
        Some(t) => {
            counted = at_threshold(policy, a) == Some(a.evidence.len())
                && a.evidence.iter().all(|e| e.kind == t.kind)
                && a.evidence.last() == Some(t);
            if counted {
                text.push_str(&format!("{}e ", a.evidence.len()));
            }
            text.push_str(&format!(
                "{} op {}",
                kind_name(&t.kind),
                t.date.format("%Y-%m-%d")
            ));
            if let Some(p) = t.period {
                text.push_str(&format!(" (p{p}, {} min)", t.minutes));
            }
            let mut rest: Vec<&crate::eval::Evidence> = a.evidence.iter().collect();
            if let Some(i) = rest.iter().rposition(|e| *e == t) {
                rest.remove(i);
            }
            rest
        }
        None => {
            text.push_str("uitgestelde melding, geen nieuwe registratie");
            a.evidence.iter().collect()
        }
    };
    let mut dates: Vec<NaiveDate> = earlier.iter().map(|e| e.date).collect();
    dates.dedup();
    if !dates.is_empty() {
        let label = if a.trigger.is_some() {
            "eerder"
        } else {
            "op grond van"
        };
        let count = if !counted && earlier.len() > 1 && earlier.len() != dates.len().min(WHY_DATES)
        {
            format!(" ({} registraties)", earlier.len())
        } else {
            String::new()
        };
        // As many dates as fit on one line, at most WHY_DATES.
        let fits = |(k, count): (usize, &str)| {
            let mut shown: Vec<String> = dates
                .iter()
                .take(k)
                .map(|d| d.format("%Y-%m-%d").to_string())
                .collect();
            if dates.len() > k {
                shown.push("…".into());
            }
            format!("; {label} {}{count}", shown.join(", "))
        };
        let room = (WIDTH - WHY_INDENT).saturating_sub(text.chars().count());
        let part = (1..=WHY_DATES.min(dates.len()))
            .rev()
            .flat_map(|k| [(k, count.as_str()), (k, "")])
            .map(fits)
            .find(|p| p.chars().count() <= room)
            .unwrap_or_else(|| fits((1, "")));
        text.push_str(&part);
    }
    text
}

/// Identical lines (same student, step, text, due date and optionality, as
/// when a step fires once per lesson hour) as one line with a count, in
/// order of first appearance.
fn collapse<'r>(list: &[&'r ActionRecord]) -> Vec<Vec<&'r ActionRecord>> {
    let mut out: Vec<Vec<&ActionRecord>> = Vec::new();
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
            Some(&i) => out[i].push(a),
            None => {
                index.insert(key, out.len());
                out.push(vec![a]);
            }
        }
    }
    out
}

/// `s` padded or truncated (with `…`) to exactly `width` characters.
/// `s` with each control character (from a student ID or a roster name: a
/// newline, a terminal escape) shown as `�`, one column wide, so that data
/// can neither break the table's lines nor act on the terminal.
fn printable(s: &str) -> std::borrow::Cow<'_, str> {
    if s.chars().any(char::is_control) {
        s.chars()
            .map(|c| if c.is_control() { '\u{fffd}' } else { c })
            .collect::<String>()
            .into()
    } else {
        s.into()
    }
}

fn pad(s: &str, width: usize) -> String {
    let s = &printable(s);
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

/// Write the closing summary; `law_reports` are the `duo_report` actions
/// written of each `law` step (by step ID), `filter` as for [`write_table`].
pub fn write_summary<W: Write>(
    w: &mut W,
    policy: &Policy,
    s: &RunSummary,
    law_reports: &BTreeMap<String, u64>,
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
    // The DUO reports of each law, in policy order (a law without any: 0).
    let mut per_law: BTreeMap<&str, u64> = BTreeMap::new();
    for step in policy.steps.iter().filter(|st| st.law) {
        per_law.insert(&step.id, 0);
    }
    for (step, n) in law_reports {
        *per_law.entry(step.as_str()).or_default() += n;
    }
    let law_order = |id: &str| policy.steps.iter().position(|st| st.id == id);
    let mut laws: Vec<(&str, u64)> = per_law.into_iter().collect();
    laws.sort_by_key(|(id, _)| law_order(id).unwrap_or(usize::MAX));
    for (id, n) in laws {
        count_line(w, 4, &format!("waarvan wettelijk, {id}"), n)?;
    }
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
    use crate::model::RoleDef;

    #[test]
    fn wraps_at_word_boundaries() {
        let lines = wrap("een twee drie vier vijf", 9);
        assert_eq!(lines, vec!["een twee", "drie vier", "vijf"]);
        assert_eq!(wrap("abcdefghij", 4), vec!["abcd", "efgh", "ij"]);
        assert_eq!(wrap("", 10), vec![""]);
    }

    #[test]
    fn control_characters_in_data_are_shown_as_replacement_characters() {
        assert_eq!(pad("S1\u{1b}[2J\n", 8), "S1\u{fffd}[2J\u{fffd} ");
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
      waarom: late op 2022-09-19 (p2, 7 min)
  Mentor (mw. A. Jansen)
    S1 Anna de Vries L3  Koppelt terug — uiterlijk 2022-09-21 (optioneel)

── dinsdag 20 september 2022 ───────────────────────────────────────────────────────────────────────
  Verzuimcoördinator
    S1 Anna de Vries L3  Signaleert
      waarom: late op 2022-09-19 (p2, 7 min)

── Samenvatting ";
        assert!(text.starts_with(expected), "{text}");
        assert!(text.lines().all(|l| l.chars().count() <= WIDTH), "{text}");
    }

    fn ev(date: &str, period: u32) -> crate::eval::Evidence {
        crate::eval::Evidence {
            date: crate::io::testutil::d(date),
            period: Some(period),
            kind: "late".into(),
            minutes: 7,
        }
    }

    #[test]
    fn explains_firings_shows_cc_and_tags_law_actions() {
        use crate::io::testutil::{policy, sample_action};
        let mut policy = policy();
        policy.kinds[0].name = "Te laat".into();
        policy.roles.push(RoleDef {
            id: "parents".into(),
            name: "Ouders/verzorgers".into(),
        });
        let mut l3 = sample_action();
        l3.id = "L3/S1/2022-2023/a1".into();
        l3.cc = vec!["parents".into(), "mentor".into()];
        l3.evidence = vec![
            ev("2022-09-05", 1),
            ev("2022-09-12", 1),
            ev("2022-09-19", 2),
        ];
        let mut l3b = l3.clone();
        l3b.id = "L3/S1/2022-2023/a2".into();
        l3b.text = "Plant in".into();
        l3b.cc = vec![];
        let mut law = sample_action();
        law.id = "LAW16/S1/2022-2023/since-2022-08-31/2022-09-19/a1".into();
        law.step = "LAW16".into();
        law.ladder = None;
        law.law = true;
        law.kind = "duo_report";
        law.text = "16-uursmelding".into();
        law.trigger = None;
        law.evidence = ["2022-09-01", "2022-09-02", "2022-09-05", "2022-09-06"]
            .iter()
            .map(|x| ev(x, 1))
            .collect();
        let summary = RunSummary {
            duo_reports: 3,
            ..RunSummary::default()
        };
        let result = RunResult {
            actions: vec![l3, l3b, law],
            summary,
        };
        let mut out = Vec::new();
        write_table(&mut out, &policy, None, &result, None).unwrap();
        let text = String::from_utf8(out).unwrap();
        let expected = "\
  Verzuimcoördinator
    S1 L3           Signaleert (cc ouders/verzorgers, mentor)
      waarom: te laat op 2022-09-19 (p2, 7 min); eerder 2022-09-05, 2022-09-12
    S1 L3           Plant in
    S1 LAW16 [wet]  16-uursmelding
      waarom: uitgestelde melding, geen nieuwe registratie; op grond van 2022-09-01, 2022-09-02, …
";
        assert!(text.contains(expected), "{text}");
        assert!(text.contains("  DUO-meldingen "), "{text}");
        assert!(
            text.lines()
                .any(|l| l.starts_with("    waarvan wettelijk, LAW16 ") && l.ends_with(" 1")),
            "{text}"
        );
        assert!(text.lines().all(|l| l.chars().count() <= WIDTH), "{text}");
    }

    #[test]
    fn long_group_headings_wrap_within_the_width() {
        use crate::io::testutil::{policy, sample_action};
        let mut policy = policy();
        for (id, name) in [
            ("lpa", "Leerplichtambtenaar"),
            ("cll", "Coördinator leerlingzaken"),
            ("iot", "Intern ondersteuningsteam"),
            ("sa", "Schoolarts"),
        ] {
            policy.roles.push(RoleDef {
                id: id.into(),
                name: name.into(),
            });
        }
        let mut a = sample_action();
        a.roles = ["vc", "mentor", "lpa", "cll", "iot", "sa"]
            .map(String::from)
            .to_vec();
        a.roles_join = "and";
        let result = RunResult {
            actions: vec![a],
            summary: RunSummary::default(),
        };
        let mut out = Vec::new();
        write_table(&mut out, &policy, None, &result, None).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.lines().all(|l| l.chars().count() <= WIDTH), "{text}");
        assert!(
            text.contains("  Verzuimcoördinator en Mentor en Leerplichtambtenaar en"),
            "{text}"
        );
        assert!(
            text.contains("\n    Schoolarts\n") || text.contains(" en Schoolarts\n"),
            "{text}"
        );
    }

    #[test]
    fn dates_in_dutch() {
        let d = NaiveDate::from_ymd_opt(2022, 9, 19).unwrap();
        assert_eq!(dutch_date(d), "maandag 19 september 2022");
    }
}
