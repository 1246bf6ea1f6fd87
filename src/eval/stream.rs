//! The streaming driver: registrations arrive one date at a time (any
//! students, any order within the date), every student keeps its own
//! evaluation state between dates, and the actions of each date come out
//! as soon as the date is done, in output order. Memory grows with the
//! students and what their state keeps, not with the output.
//!
//! [`super::run`] (the buffered run) feeds its sorted input through the same
//! driver, so both runs evaluate alike by construction.

use super::interp::Plan;
use super::student::StudentCtx;
use super::{ActionRecord, Registration, Roster, RunOptions, RunSummary, StudentIdx};
use crate::calendar::DayIdx;
use crate::model::Policy;
use chrono::NaiveDate;
use std::collections::BTreeSet;
use std::sync::Arc;

/// A run fed one date at a time.
///
/// Use: [`Stream::add_students`] for the student IDs the registrations
/// index, [`Stream::push`] for each date in increasing order, then
/// [`Stream::finish`]. Concatenating the actions returned by every `push`
/// and by `finish` gives the actions of [`super::run`] over the same input,
/// in the same order (triggered_on, student, step, firing, action).
///
/// Students are independent, so they are split over shards (student index
/// modulo the number of shards, one per available core, at most 8) that
/// evaluate a date side by side; the output order does not depend on the
/// split.
pub struct Stream<'a> {
    shared: Shared<'a>,
    shards: Vec<Shard<'a>>,
    /// Dates with at least one row (for possible missing-data days).
    dates: BTreeSet<NaiveDate>,
    last_date: Option<NaiveDate>,
    summary: RunSummary,
}

/// What every shard reads.
struct Shared<'a> {
    policy: &'a Policy,
    plan: Arc<Plan>,
    roster: Option<&'a Roster>,
    opts: RunOptions,
    /// Student IDs by [`StudentIdx`].
    names: Vec<Arc<str>>,
}

/// The students of one shard (the vectors are indexed by [`StudentIdx`];
/// other shards' entries stay empty).
#[derive(Default)]
struct Shard<'a> {
    /// Each student's state, from its first registration on.
    students: Vec<Option<Box<StudentCtx<'a>>>>,
    /// Students that must be observed at the start of school days.
    awake: Vec<StudentIdx>,
    /// Scratch: students of the date being pushed.
    in_batch: Vec<bool>,
    /// Students created (with at least one registration evaluated).
    created: u64,
}

/// At most this many shards (threads evaluating one date).
const MAX_SHARDS: usize = 8;

/// Dates with fewer rows are evaluated on one thread: splitting them costs
/// more than it saves.
const PARALLEL_ROWS: usize = 2048;

impl<'a> Stream<'a> {
    /// A run of `policy` with an optional roster (groups, exemptions,
    /// birth dates). `opts.as_of`: rows dated later are counted in
    /// [`RunSummary::after_as_of`] and not evaluated; without it the
    /// evaluation ends at the last date pushed. One shard per available
    /// core.
    pub fn new(policy: &'a Policy, roster: Option<&'a Roster>, opts: RunOptions) -> Stream<'a> {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        Stream::with_shards(policy, roster, opts, cores)
    }

    /// As [`Stream::new`] with `shards` shards (1 to 8; the output is the
    /// same for any number).
    pub fn with_shards(
        policy: &'a Policy,
        roster: Option<&'a Roster>,
        opts: RunOptions,
        shards: usize,
    ) -> Stream<'a> {
        Stream {
            shared: Shared {
                policy,
                plan: Arc::new(Plan::new(policy)),
                roster,
                opts,
                names: Vec::new(),
            },
            shards: (0..shards.clamp(1, MAX_SHARDS))
                .map(|_| Shard::default())
                .collect(),
            dates: BTreeSet::new(),
            last_date: None,
            summary: RunSummary::default(),
        }
    }

    /// Append student IDs to the table that [`Registration::student`]
    /// indexes (the first call gives index 0, 1, …; later calls continue).
    pub fn add_students<I: IntoIterator<Item = String>>(&mut self, names: I) {
        self.shared.names.extend(names.into_iter().map(Arc::from));
        let n = self.shared.names.len();
        for sh in &mut self.shards {
            sh.students.resize_with(n, || None);
            sh.in_batch.resize(n, false);
        }
    }

    /// Evaluate `date` with its registrations (every student's, any order)
    /// and return the actions triggered on `date` and on the school days
    /// since the previous push (start-of-day firings), in output order. A
    /// push without rows changes nothing (as if the date had no rows).
    ///
    /// Dates must increase from push to push, and every row must be dated
    /// `date`, be on a school day and index a known student; the events
    /// readers guarantee all three. Rows of unknown students are skipped.
    pub fn push(&mut self, date: NaiveDate, mut rows: Vec<Registration>) -> Vec<ActionRecord> {
        debug_assert!(
            self.last_date.is_none_or(|l| l < date),
            "dates must increase"
        );
        rows.retain(|r| (r.student as usize) < self.shared.names.len());
        // A date without registrations (only ignored codes, say) is no date
        // of data: it neither extends the evaluation nor fills a gap.
        if rows.is_empty() {
            return Vec::new();
        }
        self.dates.insert(date);
        self.last_date = Some(date);
        if self.shared.opts.as_of.is_some_and(|a| date > a) {
            self.summary.after_as_of += rows.len() as u64;
            return Vec::new();
        }
        let d = self.shared.day_of(date);
        self.summary.registrations += rows.len() as u64;
        let n = self.shards.len();
        let mut parts: Vec<Vec<Registration>> = (0..n).map(|_| Vec::new()).collect();
        if n == 1 {
            parts[0] = rows;
        } else {
            for r in rows {
                parts[r.student as usize % n].push(r);
            }
        }
        let parallel = n > 1 && parts.iter().map(Vec::len).sum::<usize>() >= PARALLEL_ROWS;
        self.each_shard(parallel, parts, |sh, shared, rows| sh.push(shared, d, rows))
    }

    /// End the run: the start-of-day evaluations up to the evaluation date
    /// (`as_of`, or the last date pushed), their actions in output order,
    /// and the summary's input counts (registrations, students,
    /// after_as_of, as_of, missing_data_days). The per-action counts
    /// (`actions_per_role`, …) are left to the caller, who may filter.
    pub fn finish(mut self) -> (Vec<ActionRecord>, RunSummary) {
        let as_of = self.shared.opts.as_of.or(self.last_date);
        let mut actions = Vec::new();
        if let Some(a) = as_of {
            let cal = &self.shared.policy.calendar;
            let end = cal.school_days().partition_point(|d| *d <= a);
            if end > 0 {
                let end = (end - 1) as DayIdx;
                let parts = (0..self.shards.len()).map(|_| Vec::new()).collect();
                actions = self.each_shard(false, parts, |sh, shared, _| sh.finish(shared, end));
            }
        }
        self.summary.students = self.shards.iter().map(|sh| sh.created).sum();
        self.summary.as_of = as_of;
        self.summary.missing_data_days = self.missing_data_days();
        (actions, self.summary)
    }

    /// Run `work` on every shard with its part of the rows (side by side
    /// when `parallel`) and merge their actions into output order.
    fn each_shard<F>(
        &mut self,
        parallel: bool,
        parts: Vec<Vec<Registration>>,
        work: F,
    ) -> Vec<ActionRecord>
    where
        F: Fn(&mut Shard<'a>, &Shared<'a>, Vec<Registration>) -> Vec<ActionRecord> + Sync,
    {
        let shared = &self.shared;
        let mut actions = if parallel {
            std::thread::scope(|scope| {
                let work = &work;
                let handles: Vec<_> = self
                    .shards
                    .iter_mut()
                    .zip(parts)
                    .map(|(sh, rows)| scope.spawn(move || work(sh, shared, rows)))
                    .collect();
                let mut all = Vec::new();
                for h in handles {
                    match h.join() {
                        Ok(a) => all.extend(a),
                        Err(panic) => std::panic::resume_unwind(panic),
                    }
                }
                all
            })
        } else {
            let mut all = Vec::new();
            for (sh, rows) in self.shards.iter_mut().zip(parts) {
                all.extend(work(sh, shared, rows));
            }
            all
        };
        if self.shards.len() > 1 {
            sort_actions(&mut actions);
        }
        actions
    }

    /// School days between the first and last date pushed on which no
    /// student has any row (possible missing data).
    fn missing_data_days(&self) -> Vec<NaiveDate> {
        let (Some(first), Some(last)) = (self.dates.first(), self.dates.last()) else {
            return Vec::new();
        };
        self.shared
            .policy
            .calendar
            .school_days()
            .iter()
            .filter(|d| *d >= first && *d <= last && !self.dates.contains(d))
            .copied()
            .collect()
    }
}

impl Shared<'_> {
    /// The school day index of `date` (a date that is not a school day maps
    /// to the next one).
    fn day_of(&self, date: NaiveDate) -> DayIdx {
        let cal = &self.policy.calendar;
        cal.day_index(date)
            .or_else(|| cal.next_school_day_from(date))
            .unwrap_or_else(|| cal.num_school_days().saturating_sub(1))
    }
}

impl<'a> Shard<'a> {
    /// Evaluate school day `d` for this shard's `rows` and its awake
    /// students; their actions in output order.
    fn push(
        &mut self,
        shared: &Shared<'a>,
        d: DayIdx,
        mut rows: Vec<Registration>,
    ) -> Vec<ActionRecord> {
        rows.sort_unstable();
        let mut touched: Vec<StudentIdx> = Vec::new();
        let mut rest = rows.into_iter().peekable();
        while let Some(first) = rest.next() {
            let s = first.student;
            let mut day = vec![first];
            while let Some(r) = rest.next_if(|r| r.student == s) {
                day.push(r);
            }
            self.ctx(shared, s).push_day(d, day);
            self.in_batch[s as usize] = true;
            touched.push(s);
        }
        for &s in &self.awake {
            if !self.in_batch[s as usize]
                && let Some(ctx) = self.students[s as usize].as_mut()
            {
                ctx.advance(d);
                touched.push(s);
            }
        }
        for &s in &touched {
            self.in_batch[s as usize] = false;
        }
        self.collect(shared, touched)
    }

    /// The start-of-day evaluations of the awake students up to school day
    /// `end`; their actions in output order.
    fn finish(&mut self, shared: &Shared<'a>, end: DayIdx) -> Vec<ActionRecord> {
        let awake = std::mem::take(&mut self.awake);
        for &s in &awake {
            if let Some(ctx) = self.students[s as usize].as_mut() {
                ctx.advance(end);
            }
        }
        self.collect(shared, awake)
    }

    /// The student's state, created at its first registration.
    fn ctx(&mut self, shared: &Shared<'a>, s: StudentIdx) -> &mut StudentCtx<'a> {
        let created = &mut self.created;
        self.students[s as usize].get_or_insert_with(|| {
            let name = shared.names[s as usize].clone();
            let info = shared.roster.and_then(|r| r.students.get(&*name));
            let mut ctx = StudentCtx::new(shared.policy, shared.plan.clone(), name, info);
            ctx.reference = shared.opts.reference;
            *created += 1;
            Box::new(ctx)
        })
    }

    /// Take the actions of `touched` students, in output order, and keep
    /// the students that must be observed daily awake. Students are put in
    /// name order once and each student's few actions sorted by number, so
    /// that names are compared per student, not per action.
    fn collect(&mut self, shared: &Shared<'a>, mut touched: Vec<StudentIdx>) -> Vec<ActionRecord> {
        touched.sort_unstable();
        touched.dedup();
        self.awake = touched
            .iter()
            .copied()
            .filter(|&s| {
                self.students[s as usize]
                    .as_ref()
                    .is_some_and(|ctx| ctx.awake())
            })
            .collect();
        touched.sort_by(|&a, &b| shared.names[a as usize].cmp(&shared.names[b as usize]));
        let mut actions = Vec::new();
        for s in touched {
            if let Some(ctx) = self.students[s as usize].as_mut() {
                let mut own = ctx.take_actions();
                own.sort_by_key(|a| (a.triggered_on, a.step_index, a.seq, a.action_index));
                actions.extend(own);
            }
        }
        if !actions
            .windows(2)
            .all(|w| w[0].triggered_on <= w[1].triggered_on)
        {
            // Actions of several days (a student observed over days without
            // rows): by date first; the sort is stable, so students stay in
            // name order within a date.
            actions.sort_by_key(|a| a.triggered_on);
        }
        actions
    }
}

/// Output order: triggered_on, student, step (policy order), the student's
/// firing order, action order.
pub(super) fn sort_actions(actions: &mut [ActionRecord]) {
    actions.sort_by(|a, b| {
        (
            a.triggered_on,
            &a.student,
            a.step_index,
            a.seq,
            a.action_index,
        )
            .cmp(&(
                b.triggered_on,
                &b.student,
                b.step_index,
                b.seq,
                b.action_index,
            ))
    });
}
