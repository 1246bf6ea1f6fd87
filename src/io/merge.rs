//! Registrations collected from one or more events files, and how they are
//! merged into one [`Registrations`].
//!
//! Each registration has a **key**: its `id` when the row gives one,
//! otherwise (student, date, period, kind). When several files hold the
//! same key, the rows of the **last** of those files win: an earlier row
//! whose content differs from every winning row of its key is *replaced*;
//! one equal to a winning row is an exact *duplicate*. Identical rows
//! (same student, date, period, kind, minutes, code and marking) are merged
//! into one, wherever they come from. Both counts are returned, never
//! silent. Rows with an ignored code take part like registrations (their
//! natural key is student, date, period and code).

use super::enrolment::{Enrolment, RosterIndex};
use crate::eval::{Registration, Registrations};
use crate::model::KindId;
use crate::syntax::ast::Authorization;
use chrono::NaiveDate;
use std::collections::{HashMap, HashSet};

/// No `id` given.
pub(crate) const NO_ID: u32 = u32::MAX;

/// The events of all files, merged.
#[derive(Debug, Clone, Default)]
pub struct EventsRead {
    /// The registrations (students interned in sorted order, rows in
    /// evaluation order).
    pub registrations: Registrations,
    /// Rows dropped because an identical row was read (in the same or
    /// another file).
    pub duplicates_merged: u64,
    /// Rows dropped because a later file has a different row with the same
    /// key.
    pub replaced: u64,
}

/// A row with an ignored code.
struct Ignored {
    file: u32,
    id: u32,
    /// Student, date, period and code as written, `\u{1f}`-separated.
    content: String,
}

/// A collected row: a registration or an ignored row, by index.
#[derive(Debug, Clone, Copy)]
enum Entry {
    Reg(usize),
    Ignored(usize),
}

/// The student table: IDs interned in first-seen order (indices are never
/// renumbered while reading), with each student's standing in the roster.
#[derive(Default)]
pub(crate) struct Students {
    index: HashMap<String, u32>,
    names: Vec<String>,
    /// Each interned student's standing in the roster (when one is given).
    enrolment: Vec<Enrolment>,
    /// The index last returned: rows of one student tend to come together,
    /// and comparing one ID is cheaper than a lookup.
    last: usize,
}

impl Students {
    /// The student's index, and its standing in the roster when one is given.
    pub(crate) fn intern(&mut self, id: &str, roster: Option<&RosterIndex>) -> (u32, Enrolment) {
        let known = match self.names.get(self.last) {
            Some(name) if name == id => Some(self.last as u32),
            _ => self.index.get(id).copied(),
        };
        if let Some(i) = known {
            self.last = i as usize;
            let e = self.enrolment.get(i as usize).copied();
            return (i, e.unwrap_or(Enrolment::Known(None, None)));
        }
        let i = self.names.len() as u32;
        self.last = i as usize;
        self.index.insert(id.to_string(), i);
        self.names.push(id.to_string());
        let e = roster.map_or(Enrolment::Known(None, None), |r| r.status(id));
        if roster.is_some() {
            self.enrolment.push(e);
        }
        (i, e)
    }

    /// The IDs, by index.
    pub(crate) fn names(&self) -> &[String] {
        &self.names
    }
}

/// Registrations and ignored rows read so far (of every file, or under
/// `--sorted` of one date), before merging.
#[derive(Default)]
pub(crate) struct RowSet {
    rows: Vec<Registration>,
    // INVARIANT: empty, or one entry per row of `rows`.
    row_ids: Vec<u32>,
    ids: HashMap<String, u32>,
    ignored: Vec<Ignored>,
    /// The current file's ids: id → (first line, entry).
    file_ids: HashMap<u32, (u64, Entry)>,
    /// The current file's index.
    file: u32,
    /// Number of files started.
    files: u32,
}

/// The rows of a [`RowSet`], merged.
pub(crate) struct Merged {
    /// The registrations, sorted (by student index, then evaluation order),
    /// identical rows merged.
    pub(crate) rows: Vec<Registration>,
    /// Rows with an ignored code, identical ones counted once.
    pub(crate) ignored: u64,
    /// Rows dropped as identical to another.
    pub(crate) duplicates: u64,
    /// Rows dropped because a later file has a different row with their key.
    pub(crate) replaced: u64,
}

impl RowSet {
    /// Start reading the rows of file `index` (files in command-line order).
    pub(crate) fn start_file(&mut self, index: u32) {
        self.file_ids.clear();
        self.file = index;
        self.files += 1;
    }

    /// The interned row `id` (empty: [`NO_ID`]).
    pub(crate) fn row_id(&mut self, id: &str) -> u32 {
        if id.is_empty() {
            return NO_ID;
        }
        if let Some(&i) = self.ids.get(id) {
            return i;
        }
        let next = self.ids.len() as u32;
        self.ids.insert(id.to_string(), next);
        next
    }

    /// Add a registration with row id `id`. `Err(first line)` when the
    /// current file already gave `id` to a different row.
    pub(crate) fn push(&mut self, reg: Registration, id: u32) -> Result<(), u64> {
        let line = reg.origin.line;
        if id != NO_ID {
            if let Some(&(first, e)) = self.file_ids.get(&id) {
                if !matches!(e, Entry::Reg(i) if same_content(&self.rows[i], &reg)) {
                    return Err(first);
                }
            } else {
                self.file_ids
                    .insert(id, (line, Entry::Reg(self.rows.len())));
            }
            self.row_ids.resize(self.rows.len(), NO_ID);
            self.row_ids.push(id);
        } else if !self.row_ids.is_empty() {
            self.row_ids.push(NO_ID);
        }
        self.rows.push(reg);
        Ok(())
    }

    /// Add a row with an ignored code; `content` identifies it (see
    /// [`Ignored::content`]). `Err(first line)` as for [`RowSet::push`].
    pub(crate) fn push_ignored(&mut self, id: u32, content: String, line: u64) -> Result<(), u64> {
        if id != NO_ID {
            if let Some(&(first, e)) = self.file_ids.get(&id) {
                if !matches!(e, Entry::Ignored(i) if self.ignored[i].content == content) {
                    return Err(first);
                }
            } else {
                let e = Entry::Ignored(self.ignored.len());
                self.file_ids.insert(id, (line, e));
            }
        }
        let file = self.file;
        self.ignored.push(Ignored { file, id, content });
        Ok(())
    }

    /// Merge: drop replaced rows and duplicates. `remap` (old student index
    /// → new) renumbers the students first; the rows come out sorted.
    pub(crate) fn merge(mut self, remap: Option<&[u32]>) -> Merged {
        let (mut duplicates, replaced) = if self.files > 1 {
            self.drop_replaced()
        } else {
            (0, 0)
        };
        let mut seen = HashSet::new();
        let ignored = self
            .ignored
            .iter()
            .filter(|i| seen.insert((i.id, i.content.as_str())))
            .count() as u64;
        duplicates += self.ignored.len() as u64 - ignored;
        let mut rows = self.rows;
        if let Some(remap) = remap {
            for r in &mut rows {
                r.student = remap[r.student as usize];
            }
        }
        rows.sort_unstable();
        let before = rows.len();
        rows.dedup_by(|b, a| same_content(a, b));
        duplicates += (before - rows.len()) as u64;
        Merged {
            rows,
            ignored,
            duplicates,
            replaced,
        }
    }

    /// Drop every row whose key a later file also has: (duplicates, replaced).
    fn drop_replaced(&mut self) -> (u64, u64) {
        let n = self.rows.len();
        let entries: Vec<(Key, Content, u32)> = (0..n)
            .map(|i| {
                let r = &self.rows[i];
                let id = self.row_ids.get(i).copied().unwrap_or(NO_ID);
                (Key::of_reg(r, id), Content::of_reg(r), r.origin.file)
            })
            .chain(self.ignored.iter().map(|g| {
                let key = match g.id {
                    NO_ID => Key::Ignored(&g.content),
                    id => Key::Id(id),
                };
                (key, Content::Ignored(&g.content), g.file)
            }))
            .collect();
        let mut last: HashMap<Key, u32> = HashMap::new();
        for &(k, _, f) in &entries {
            let w = last.entry(k).or_insert(f);
            *w = (*w).max(f);
        }
        let winners: HashSet<(Key, Content)> = entries
            .iter()
            .filter(|(k, _, f)| last.get(k) == Some(f))
            .map(|&(k, c, _)| (k, c))
            .collect();
        let (mut duplicates, mut replaced) = (0, 0);
        let mut keep = vec![true; entries.len()];
        // Identical dropped rows are one replaced row and duplicates.
        let mut dropped = HashSet::new();
        for (i, &(k, c, f)) in entries.iter().enumerate() {
            if last.get(&k) != Some(&f) {
                keep[i] = false;
                if winners.contains(&(k, c)) || !dropped.insert((k, c)) {
                    duplicates += 1;
                } else {
                    replaced += 1;
                }
            }
        }
        drop(dropped);
        drop(winners);
        drop(entries);
        let mut flags = keep.into_iter();
        self.rows.retain(|_| flags.next().unwrap_or(true));
        self.ignored.retain(|_| flags.next().unwrap_or(true));
        self.row_ids = Vec::new();
        (duplicates, replaced)
    }
}

/// Rows read so far, from every file: the student table and the rows.
#[derive(Default)]
pub(crate) struct Collected {
    /// The students, in first-seen order.
    pub(crate) students: Students,
    /// The rows.
    pub(crate) rows: RowSet,
}

impl Collected {
    /// Merge: drop replaced rows and duplicates, renumber students in sorted
    /// order, sort the rows into evaluation order.
    pub(crate) fn finish(self) -> EventsRead {
        let names = self.students.names;
        let mut order: Vec<u32> = (0..names.len() as u32).collect();
        order.sort_by(|&a, &b| names[a as usize].cmp(&names[b as usize]));
        let mut remap = vec![0u32; order.len()];
        for (sorted, &first_seen) in order.iter().enumerate() {
            remap[first_seen as usize] = sorted as u32;
        }
        let merged = self.rows.merge(Some(&remap));
        let mut names = names;
        let students = order
            .iter()
            .map(|&i| std::mem::take(&mut names[i as usize]))
            .collect();
        EventsRead {
            registrations: Registrations {
                students,
                rows: merged.rows,
                ignored: merged.ignored,
            },
            duplicates_merged: merged.duplicates,
            replaced: merged.replaced,
        }
    }
}

/// A row's key (see the module documentation).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Key<'a> {
    Id(u32),
    Natural(u32, NaiveDate, Option<u32>, KindId),
    Ignored(&'a str),
}

impl Key<'_> {
    fn of_reg(r: &Registration, id: u32) -> Key<'static> {
        match id {
            NO_ID => Key::Natural(r.student, r.date, r.period, r.kind),
            id => Key::Id(id),
        }
    }
}

/// A row's content: everything but where it was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Content<'a> {
    Reg(
        u32,
        NaiveDate,
        Option<u32>,
        KindId,
        u32,
        Option<&'a str>,
        Authorization,
    ),
    Ignored(&'a str),
}

impl Content<'_> {
    fn of_reg(r: &Registration) -> Content<'_> {
        Content::Reg(
            r.student,
            r.date,
            r.period,
            r.kind,
            r.minutes,
            r.code.as_deref(),
            r.authorization,
        )
    }
}

/// Equal in everything but the origin.
fn same_content(a: &Registration, b: &Registration) -> bool {
    Content::of_reg(a) == Content::of_reg(b)
}
