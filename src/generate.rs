//! Synthetic registrations for a school year: `verzuim generate`.
//!
//! Every student gets a latent *risk* (unauthorized behaviour) and *health*
//! factor, drawn log-normally so that most students have few registrations
//! and a few have very many. From those: late arrivals, whole-day sickness
//! episodes (some students with a fixed weekday pattern), truancy (single
//! lessons, blocks, whole days and, for the heaviest tail, runs of
//! consecutive days), removals, authorized appointments, and a few signals.
//! The model is described in `docs/generator.md`.
//!
//! Output is deterministic per seed: each student draws from its own
//! ChaCha8 stream, so student `S00042` is the same whatever `--students`.
//! The rows are written by student ([`write_events`]) or, the same rows,
//! by date for `run --sorted` ([`write_events_by_date`]).

use crate::calendar::Calendar;
use crate::model::Policy;
use chrono::{Datelike, NaiveDate, Weekday};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, Exp, LogNormal, Poisson};
use std::collections::{BTreeMap, BTreeSet};
use std::io::{self, Write};

/// The kind names the generator writes, taken from a policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GenKinds {
    /// Late arrivals (minutes late).
    pub late: String,
    /// Sickness (whole days).
    pub sick: String,
    /// Unauthorized absence.
    pub truancy: String,
    /// Sent out of class.
    pub removal: String,
    /// Authorized absence (appointments).
    pub authorized: String,
    /// The policy's signals, in declaration order.
    pub signals: Vec<String>,
}

/// The event kinds the generator needs, by name.
pub const NEEDED_KINDS: [&str; 5] = ["late", "sick", "truancy", "removal", "authorized"];

/// The signal tied to sickness: given to some often-sick students.
pub const UNCLEAR_ILLNESS: &str = "unclear_illness";

impl GenKinds {
    /// The standard kind names without signals (for a calendar-only file).
    pub fn standard() -> GenKinds {
        GenKinds {
            late: NEEDED_KINDS[0].into(),
            sick: NEEDED_KINDS[1].into(),
            truancy: NEEDED_KINDS[2].into(),
            removal: NEEDED_KINDS[3].into(),
            authorized: NEEDED_KINDS[4].into(),
            signals: Vec::new(),
        }
    }

    /// The kinds of `policy`. Errors with the names of the needed event
    /// kinds the policy does not declare.
    pub fn from_policy(policy: &Policy) -> Result<GenKinds, Vec<String>> {
        let missing: Vec<String> = NEEDED_KINDS
            .iter()
            .filter(|n| !policy.kinds.iter().any(|k| !k.signal && k.id == **n))
            .map(|n| n.to_string())
            .collect();
        if !missing.is_empty() {
            return Err(missing);
        }
        let mut kinds = GenKinds::standard();
        kinds.signals = policy
            .kinds
            .iter()
            .filter(|k| k.signal)
            .map(|k| k.id.clone())
            .collect();
        Ok(kinds)
    }
}

/// Generator settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GenOptions {
    /// Number of students (`S00001` …).
    pub students: u32,
    /// Seed of every random stream.
    pub seed: u64,
}

/// The student ID of index `i` (0-based): `S00001` ….
pub fn student_id(i: u32) -> String {
    format!("S{:05}", i + 1)
}

/// A student's latent factors, drawn first from the student's stream.
#[derive(Debug, Clone)]
pub(crate) struct Profile {
    /// Unauthorized-behaviour factor (log-normal, median 1).
    pub risk: f64,
    /// Sickness factor (log-normal, median 1).
    pub health: f64,
    /// Per-kind noise (late, truancy, removal).
    pub noise: [f64; 3],
    /// In the previous year's high-absence group.
    pub high_previous_year: bool,
}

/// The random stream of student `i` (events) or its roster stream.
pub(crate) fn stream(seed: u64, i: u32, roster: bool) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(u64::from(i) * 2 + u64::from(roster));
    rng
}

fn lognormal<R: Rng>(rng: &mut R, sigma: f64) -> f64 {
    LogNormal::new(0.0, sigma).map_or(1.0, |d| d.sample(rng))
}

fn poisson<R: Rng>(rng: &mut R, lambda: f64) -> u32 {
    if lambda <= 0.0 || !lambda.is_finite() {
        return 0;
    }
    Poisson::new(lambda).map_or(0, |d| d.sample(rng) as u32)
}

pub(crate) fn profile<R: Rng>(rng: &mut R) -> Profile {
    let risk = lognormal(rng, 1.0);
    let health = lognormal(rng, 0.9);
    let noise = [
        lognormal(rng, 0.5),
        lognormal(rng, 0.5),
        lognormal(rng, 0.5),
    ];
    let p_group = (0.0145 * risk.powf(1.3)).min(0.6);
    let high_previous_year = rng.gen_bool(p_group);
    Profile {
        risk,
        health,
        noise,
        high_previous_year,
    }
}

/// What one generated row is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Slot {
    Late(u32),
    Sick,
    Truancy,
    Removal,
    Authorized,
}

/// One student's registrations while they are being placed.
struct Plan<'a> {
    cal: &'a Calendar,
    /// (school-day index, period) → what.
    cells: BTreeMap<(u32, u32), Slot>,
    /// School-day index → signal indices (into `GenKinds::signals`).
    signals: BTreeSet<(u32, usize)>,
    /// Days with a whole-day sickness or truancy.
    whole_days: BTreeSet<u32>,
    /// First days of sickness episodes.
    sick_starts: Vec<u32>,
}

impl<'a> Plan<'a> {
    fn new(cal: &'a Calendar) -> Plan<'a> {
        Plan {
            cal,
            cells: BTreeMap::new(),
            signals: BTreeSet::new(),
            whole_days: BTreeSet::new(),
            sick_starts: Vec::new(),
        }
    }

    fn days(&self) -> u32 {
        self.cal.num_school_days()
    }

    fn periods(&self, day: u32) -> Option<(u32, u32)> {
        self.cal.periods_on(self.cal.date(day).weekday())
    }

    /// Mark every period of `day` as `slot`, unless the day has rows already.
    fn whole_day(&mut self, day: u32, slot: Slot) -> bool {
        let Some((a, b)) = self.periods(day) else {
            return false;
        };
        if day >= self.days()
            || self
                .cells
                .range((day, 0)..=(day, u32::MAX))
                .next()
                .is_some()
        {
            return false;
        }
        for p in a..=b {
            self.cells.insert((day, p), slot);
        }
        self.whole_days.insert(day);
        true
    }

    /// Place `slot` at (`day`, `period`) if that lesson is free.
    fn lesson(&mut self, day: u32, period: u32, slot: Slot) -> bool {
        if day >= self.days() || self.whole_days.contains(&day) {
            return false;
        }
        match self.periods(day) {
            Some((a, b)) if (a..=b).contains(&period) => {}
            _ => return false,
        }
        if self.cells.contains_key(&(day, period)) {
            return false;
        }
        self.cells.insert((day, period), slot);
        true
    }

    /// Append this plan, as student `student`'s, to the per-day word lists
    /// of [`day_code`].
    fn encode(&self, student: u32, days: &mut [Vec<u32>]) {
        let mut signals = self.signals.iter().peekable();
        let mut cells = self.cells.iter().peekable();
        loop {
            let day = match (signals.peek(), cells.peek()) {
                (None, None) => break,
                (Some(&&(d, _)), None) | (None, Some(&(&(d, _), _))) => d,
                (Some(&&(a, _)), Some(&(&(b, _), _))) => a.min(b),
            };
            let Some(out) = days.get_mut(day as usize) else {
                break;
            };
            out.push(day_code::student(student));
            while let Some(&(_, s)) = signals.next_if(|&&(d, _)| d == day) {
                out.push(day_code::signal(s));
            }
            let whole = self.whole_days.contains(&day);
            let mut first = true;
            while let Some((&(_, period), &slot)) = cells.next_if(|&(&(d, _), _)| d == day) {
                if !whole {
                    out.push(day_code::lesson(period, slot));
                } else if first {
                    out.push(day_code::whole_day(slot));
                }
                first = false;
            }
        }
    }

    fn random_period<R: Rng>(&self, rng: &mut R, day: u32) -> u32 {
        match self.periods(day) {
            Some((a, b)) => rng.gen_range(a..=b),
            None => 0,
        }
    }
}

/// Episode lengths in school days 1–7, skewed short.
const EPISODE_WEIGHTS: [u32; 7] = [30, 22, 16, 11, 9, 6, 6];

fn episode_length<R: Rng>(rng: &mut R) -> u32 {
    let total: u32 = EPISODE_WEIGHTS.iter().sum();
    let mut x = rng.gen_range(0..total);
    for (i, w) in EPISODE_WEIGHTS.iter().enumerate() {
        if x < *w {
            return i as u32 + 1;
        }
        x -= w;
    }
    1
}

fn place_sickness<R: Rng>(plan: &mut Plan, rng: &mut R, prof: &Profile) {
    let n = plan.days();
    if n == 0 {
        return;
    }
    for _ in 0..poisson(rng, 2.3 * prof.health) {
        let start = rng.gen_range(0..n);
        let len = episode_length(rng);
        let mut placed = false;
        for d in start..(start + len).min(n) {
            placed |= plan.whole_day(d, Slot::Sick);
        }
        if placed {
            plan.sick_starts.push(start);
        }
    }
    if rng.gen_bool(0.05) {
        place_weekday_pattern(plan, rng);
    }
}

/// Often sick on one weekday: over 8–14 school weeks, that weekday is a
/// one-day sickness episode with probability 0.45 each week.
fn place_weekday_pattern<R: Rng>(plan: &mut Plan, rng: &mut R) {
    let weekday = match rng.gen_range(0..10) {
        0..=4 => Weekday::Mon,
        5..=7 => Weekday::Fri,
        8 => Weekday::Wed,
        _ => Weekday::Tue,
    };
    let weeks = plan.cal.num_school_weeks();
    let span = rng.gen_range(8..=14).min(weeks);
    let first = rng.gen_range(0..=weeks - span);
    for w in first..first + span {
        if !rng.gen_bool(0.45) {
            continue;
        }
        let (a, b) = (plan.cal.week_start(w), plan.cal.week_end(w));
        if let Some(d) = (a..=b).find(|&d| plan.cal.date(d).weekday() == weekday)
            && plan.whole_day(d, Slot::Sick)
        {
            plan.sick_starts.push(d);
        }
    }
}

fn place_truancy<R: Rng>(plan: &mut Plan, rng: &mut R, prof: &Profile) {
    let n = plan.days();
    if n == 0 || !rng.gen_bool((0.22 * prof.risk.powf(1.3)).min(0.95)) {
        return;
    }
    for _ in 0..poisson(rng, 2.0 * prof.risk.powf(1.1) * prof.noise[1]) {
        let day = rng.gen_range(0..n);
        let u: f64 = rng.r#gen();
        if u < 0.75 {
            let p = plan.random_period(rng, day);
            plan.lesson(day, p, Slot::Truancy);
        } else if u < 0.95 {
            let p = plan.random_period(rng, day);
            for q in p..p + rng.gen_range(2..=3) {
                plan.lesson(day, q, Slot::Truancy);
            }
        } else {
            plan.whole_day(day, Slot::Truancy);
        }
    }
    if prof.risk > 4.5 {
        for _ in 0..poisson(rng, (prof.risk - 3.5) / 2.5).min(5) {
            let start = rng.gen_range(0..n);
            for d in start..(start + rng.gen_range(2..=5)).min(n) {
                plan.whole_day(d, Slot::Truancy);
            }
        }
    }
}

fn place_late<R: Rng>(plan: &mut Plan, rng: &mut R, prof: &Profile) {
    let n = plan.days();
    let minutes = Exp::new(1.0 / 6.0).ok();
    for _ in 0..poisson(rng, 4.0 * prof.risk.powf(0.9) * prof.noise[0]) {
        let day = rng.gen_range(0..n.max(1));
        let period = match plan.periods(day) {
            Some((a, _)) if rng.gen_bool(0.65) => a,
            _ => plan.random_period(rng, day),
        };
        let extra = minutes.map_or(0.0, |e| e.sample(rng));
        let late = (1 + extra as u32)
            .min(45)
            .min(plan.cal.lesson_minutes.max(1));
        plan.lesson(day, period, Slot::Late(late));
    }
}

fn place_removals<R: Rng>(plan: &mut Plan, rng: &mut R, prof: &Profile) {
    let n = plan.days();
    let disruptive = rng.gen_bool((0.004 * prof.risk * prof.risk).min(0.5));
    let count = if disruptive {
        6 + poisson(rng, 6.0 * prof.noise[2])
    } else if rng.gen_bool((0.06 * prof.risk).min(0.5)) {
        1 + poisson(rng, 0.8)
    } else {
        0
    };
    for _ in 0..count {
        let day = rng.gen_range(0..n.max(1));
        let p = plan.random_period(rng, day);
        plan.lesson(day, p, Slot::Removal);
    }
}

fn place_authorized<R: Rng>(plan: &mut Plan, rng: &mut R) {
    let n = plan.days();
    for _ in 0..poisson(rng, 7.0) {
        let day = rng.gen_range(0..n.max(1));
        let p = plan.random_period(rng, day);
        plan.lesson(day, p, Slot::Authorized);
    }
}

fn place_signals<R: Rng>(plan: &mut Plan, rng: &mut R, kinds: &GenKinds) {
    let n = plan.days();
    for (i, name) in kinds.signals.iter().enumerate() {
        let days: Vec<u32> = if name == UNCLEAR_ILLNESS && plan.sick_starts.len() >= 6 {
            match rng.gen_bool(0.15) {
                true => vec![plan.sick_starts[rng.gen_range(0..plan.sick_starts.len())]],
                false => vec![],
            }
        } else if rng.gen_bool(if name == UNCLEAR_ILLNESS { 0.003 } else { 0.01 }) {
            (0..rng.gen_range(1..=2))
                .map(|_| rng.gen_range(0..n.max(1)))
                .collect()
        } else {
            vec![]
        };
        for d in days {
            plan.signals.insert((d, i));
        }
    }
}

/// The order of the generated rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Order {
    /// By student, then date, then period (signals first on their date).
    #[default]
    Student,
    /// By date, then student ID, then period (signals first): the order in
    /// which `verzuim run` evaluates, for `run --sorted`.
    Date,
}

/// Write the generated events as canonical CSV in `order`: [`write_events`]
/// or [`write_events_by_date`]. Returns the number of rows written.
pub fn write_events_in<W: Write + ?Sized>(
    w: &mut W,
    cal: &Calendar,
    kinds: &GenKinds,
    opts: GenOptions,
    order: Order,
) -> io::Result<u64> {
    match order {
        Order::Student => write_events(w, cal, kinds, opts),
        Order::Date => write_events_by_date(w, cal, kinds, opts),
    }
}

/// Write the generated events as canonical CSV (`student,date,period,kind,
/// minutes`, sorted by student, date, period; signals first on their date).
/// Returns the number of rows written.
pub fn write_events<W: Write + ?Sized>(
    w: &mut W,
    cal: &Calendar,
    kinds: &GenKinds,
    opts: GenOptions,
) -> io::Result<u64> {
    writeln!(w, "student,date,period,kind,minutes")?;
    let mut rows = 0;
    if cal.num_school_days() == 0 {
        return Ok(0);
    }
    let dates = dates(cal);
    let mut line = Vec::with_capacity(1 << 16);
    for i in 0..opts.students {
        let plan = student_plan(cal, kinds, opts.seed, i);
        rows += write_plan(&mut line, &student_id(i), &plan, kinds, &dates);
        if line.len() >= 1 << 16 {
            w.write_all(&line)?;
            line.clear();
        }
    }
    w.write_all(&line)?;
    Ok(rows)
}

/// The registrations of student `i`, drawn from its own stream.
fn student_plan<'a>(cal: &'a Calendar, kinds: &GenKinds, seed: u64, i: u32) -> Plan<'a> {
    let mut rng = stream(seed, i, false);
    let prof = profile(&mut rng);
    let mut plan = Plan::new(cal);
    place_sickness(&mut plan, &mut rng, &prof);
    place_truancy(&mut plan, &mut rng, &prof);
    place_late(&mut plan, &mut rng, &prof);
    place_removals(&mut plan, &mut rng, &prof);
    place_authorized(&mut plan, &mut rng);
    place_signals(&mut plan, &mut rng, kinds);
    plan
}

/// Write the same rows as [`write_events`] (the same multiset for the same
/// calendar, kinds and options) sorted by date, then student ID (as text,
/// so `S100000` before `S10001`), then period, with a student's signals
/// first on their date: the order in which `verzuim run` evaluates.
///
/// Every student's plan is drawn once, in student-ID order, and appended
/// to a per-school-day list in a compact encoding (about one 32-bit word
/// per registration, one word for a whole day, one per student and day);
/// the lists are then written day by day and freed. For the national
/// year (760,000 students, 73 million rows) this holds some 200 MB.
/// Returns the number of rows written.
pub fn write_events_by_date<W: Write + ?Sized>(
    w: &mut W,
    cal: &Calendar,
    kinds: &GenKinds,
    opts: GenOptions,
) -> io::Result<u64> {
    writeln!(w, "student,date,period,kind,minutes")?;
    let num_days = cal.num_school_days();
    if num_days == 0 {
        return Ok(0);
    }
    let too_big = |what: &str| io::Error::new(io::ErrorKind::InvalidInput, what.to_string());
    if opts.students > day_code::MAX_STUDENTS {
        return Err(too_big("too many students for --order date"));
    }
    if cal
        .periods
        .iter()
        .flatten()
        .any(|&(_, b)| b > day_code::MAX_PERIOD)
    {
        return Err(too_big("period numbers too high for --order date"));
    }
    let mut days: Vec<Vec<u32>> = vec![Vec::new(); num_days as usize];
    let dates = dates(cal);
    for i in id_order(opts.students) {
        student_plan(cal, kinds, opts.seed, i).encode(i, &mut days);
    }
    let lesson = cal.lesson_minutes;
    let mut rows = 0;
    let mut line = Vec::with_capacity(1 << 16);
    let mut id = String::new();
    for (day, words) in days.iter_mut().enumerate() {
        let words = std::mem::take(words);
        let date = &dates[day];
        let periods = cal.periods_on(cal.date(day as u32).weekday());
        for word in words {
            match day_code::decode(word) {
                day_code::Word::Student(i) => {
                    id.clear();
                    id.push_str(&student_id(i));
                }
                day_code::Word::Signal(s) => {
                    write_row(&mut line, &id, date, None, &kinds.signals[s as usize], None);
                    rows += 1;
                }
                day_code::Word::WholeDay(slot) => {
                    let (kind, minutes) = slot_row(kinds, lesson, slot);
                    if let Some((a, b)) = periods {
                        for p in a..=b {
                            write_row(&mut line, &id, date, Some(p), kind, Some(minutes));
                            rows += 1;
                        }
                    }
                }
                day_code::Word::Lesson(p, slot) => {
                    let (kind, minutes) = slot_row(kinds, lesson, slot);
                    write_row(&mut line, &id, date, Some(p), kind, Some(minutes));
                    rows += 1;
                }
            }
            if line.len() >= 1 << 16 {
                w.write_all(&line)?;
                line.clear();
            }
        }
    }
    w.write_all(&line)?;
    Ok(rows)
}

/// Student indices in the text order of their IDs (`S00001` … `S99999`,
/// then `S100000` between `S10000` and `S10001`).
fn id_order(students: u32) -> Vec<u32> {
    let mut order: Vec<u32> = (0..students).collect();
    order.sort_by_cached_key(|&i| student_id(i));
    order
}

/// The kind name and minutes of a row holding `slot`.
fn slot_row(kinds: &GenKinds, lesson: u32, slot: Slot) -> (&str, u32) {
    match slot {
        Slot::Late(m) => (&kinds.late, m),
        Slot::Sick => (&kinds.sick, lesson),
        Slot::Truancy => (&kinds.truancy, lesson),
        Slot::Removal => (&kinds.removal, lesson),
        Slot::Authorized => (&kinds.authorized, lesson),
    }
}

/// Append one CSV row (`period` and `minutes` empty for a signal).
fn write_row(
    line: &mut Vec<u8>,
    id: &str,
    date: &str,
    period: Option<u32>,
    kind: &str,
    minutes: Option<u32>,
) {
    line.extend_from_slice(id.as_bytes());
    line.push(b',');
    line.extend_from_slice(date.as_bytes());
    line.push(b',');
    if let Some(p) = period {
        push_number(line, p);
    }
    line.push(b',');
    line.extend_from_slice(kind.as_bytes());
    line.push(b',');
    if let Some(m) = minutes {
        push_number(line, m);
    }
    line.push(b'\n');
}

/// Append `n` in decimal.
fn push_number(line: &mut Vec<u8>, mut n: u32) {
    let mut digits = [0u8; 10];
    let mut k = digits.len();
    loop {
        k -= 1;
        digits[k] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    line.extend_from_slice(&digits[k..]);
}

/// The compact per-day encoding of [`write_events_by_date`]: one `u32` per
/// word. A student word starts the student's rows on that day; then its
/// signals, then either one whole-day word (every scheduled period holds
/// the same slot) or one word per lesson.
mod day_code {
    use super::Slot;

    /// Student indices must stay below this (the top bit marks a student).
    pub const MAX_STUDENTS: u32 = 1 << 31;
    /// The highest period number a lesson word holds.
    pub const MAX_PERIOD: u32 = (1 << 13) - 1;

    const STUDENT: u32 = 1 << 31;
    const WHOLE_DAY: u32 = 1 << 29;
    const LESSON: u32 = 2 << 29;
    const TAG: u32 = 3 << 29;

    /// One decoded word.
    pub enum Word {
        /// The following words are this student's.
        Student(u32),
        /// A signal, by index into the generator's signals.
        Signal(u32),
        /// Every scheduled period of the day holds this.
        WholeDay(Slot),
        /// One lesson: period and what.
        Lesson(u32, Slot),
    }

    /// The word starting student `i`'s rows on a day.
    pub fn student(i: u32) -> u32 {
        STUDENT | i
    }

    /// The word of signal `s` (index into the generator's signals).
    pub fn signal(s: usize) -> u32 {
        s as u32 & !(STUDENT | TAG)
    }

    /// The word of a whole day holding `slot` in every scheduled period.
    pub fn whole_day(slot: Slot) -> u32 {
        WHOLE_DAY | slot_bits(slot)
    }

    /// The word of one lesson holding `slot`.
    pub fn lesson(period: u32, slot: Slot) -> u32 {
        LESSON | (period.min(MAX_PERIOD) << 16) | slot_bits(slot)
    }

    fn slot_bits(slot: Slot) -> u32 {
        match slot {
            Slot::Late(m) => m.min(0xfff),
            Slot::Sick => 1 << 12,
            Slot::Truancy => 2 << 12,
            Slot::Removal => 3 << 12,
            Slot::Authorized => 4 << 12,
        }
    }

    fn slot_of(bits: u32) -> Slot {
        match (bits >> 12) & 0xf {
            0 => Slot::Late(bits & 0xfff),
            1 => Slot::Sick,
            2 => Slot::Truancy,
            3 => Slot::Removal,
            _ => Slot::Authorized,
        }
    }

    /// What `word` says.
    pub fn decode(word: u32) -> Word {
        if word & STUDENT != 0 {
            return Word::Student(word & !STUDENT);
        }
        match word & TAG {
            WHOLE_DAY => Word::WholeDay(slot_of(word & 0xffff)),
            LESSON => Word::Lesson((word >> 16) & MAX_PERIOD, slot_of(word & 0xffff)),
            _ => Word::Signal(word),
        }
    }
}

/// Append one student's rows (by date, signals first, then period) to
/// `line`; `dates` holds every school day's date as text. Returns the
/// number of rows.
fn write_plan(
    line: &mut Vec<u8>,
    id: &str,
    plan: &Plan,
    kinds: &GenKinds,
    dates: &[String],
) -> u64 {
    let mut rows = 0;
    let mut signals = plan.signals.iter().peekable();
    let lesson = plan.cal.lesson_minutes;
    let date = |d: u32| dates.get(d as usize).map_or("", String::as_str);
    let mut write_signals_until = |line: &mut Vec<u8>, upto: Option<u32>, rows: &mut u64| {
        while let Some(&(d, s)) = signals.next_if(|&&(d, _)| upto.is_none_or(|u| d <= u)) {
            write_row(line, id, date(d), None, &kinds.signals[s], None);
            *rows += 1;
        }
    };
    for (&(day, period), slot) in &plan.cells {
        write_signals_until(line, Some(day), &mut rows);
        let (kind, minutes) = slot_row(kinds, lesson, *slot);
        write_row(line, id, date(day), Some(period), kind, Some(minutes));
        rows += 1;
    }
    write_signals_until(line, None, &mut rows);
    rows
}

/// Every school day's date as text (`2022-08-29`), by day index.
fn dates(cal: &Calendar) -> Vec<String> {
    (0..cal.num_school_days())
        .map(|d| date(cal, d).to_string())
        .collect()
}

fn date(cal: &Calendar, day: u32) -> impl std::fmt::Display {
    cal.date(day).format("%Y-%m-%d")
}

/// The school-year start used to derive plausible birth dates.
fn year_start(cal: &Calendar) -> NaiveDate {
    cal.first
}

const FIRST_NAMES: [&str; 24] = [
    "Emma", "Noah", "Julia", "Liam", "Mila", "Lucas", "Sophie", "Daan", "Tess", "Sem", "Zoë",
    "Finn", "Sara", "Levi", "Nora", "Milan", "Yara", "Bram", "Fenna", "Jesse", "Lotte", "Thijs",
    "Amira", "Mohammed",
];

const LAST_NAMES: [&str; 24] = [
    "de Jong",
    "Jansen",
    "de Vries",
    "van den Berg",
    "van Dijk",
    "Bakker",
    "Janssen",
    "Visser",
    "Smit",
    "Meijer",
    "de Boer",
    "Mulder",
    "de Groot",
    "Bos",
    "Vos",
    "Peters",
    "Hendriks",
    "van Leeuwen",
    "Dekker",
    "Brouwer",
    "de Wit",
    "Dijkstra",
    "Yılmaz",
    "El Amrani",
];

const CLASS_LETTERS: [&str; 6] = ["A", "B", "C", "D", "E", "F"];

/// The mentor of a class: a deterministic teacher name per class.
fn mentor_of(grade: u32, letter: usize) -> String {
    let k = (grade as usize * 7 + letter * 5) % LAST_NAMES.len();
    let title = if (grade as usize + letter).is_multiple_of(2) {
        "mw."
    } else {
        "dhr."
    };
    const INITIALS: &str = "ABCDEFGHIJKLMNOPRSTW";
    let i = (grade as usize * CLASS_LETTERS.len() + letter) % INITIALS.len();
    let initial = INITIALS.chars().nth(i).unwrap_or('A');
    format!("{title} {initial}. {}", LAST_NAMES[k])
}

/// Write a roster for the generated students (`student,name,class,mentor,
/// grade,birthdate,groups`). `group` is the roster name given to the
/// students with a high-absence previous year (about 3%), if any.
pub fn write_roster<W: Write + ?Sized>(
    w: &mut W,
    cal: &Calendar,
    group: Option<&str>,
    opts: GenOptions,
) -> io::Result<()> {
    let mut out = csv::Writer::from_writer(w);
    let header = [
        "student",
        "name",
        "class",
        "mentor",
        "grade",
        "birthdate",
        "groups",
    ];
    out.write_record(header).map_err(io::Error::other)?;
    for i in 0..opts.students {
        let prof = profile(&mut stream(opts.seed, i, false));
        let mut rng = stream(opts.seed, i, true);
        let name = format!(
            "{} {}",
            FIRST_NAMES[rng.gen_range(0..FIRST_NAMES.len())],
            LAST_NAMES[rng.gen_range(0..LAST_NAMES.len())]
        );
        let grade: u32 = rng.gen_range(1..=6);
        let letter = rng.gen_range(0..CLASS_LETTERS.len());
        let age_days = (11 + grade) as u64 * 365 + rng.gen_range(0..365);
        let birth = year_start(cal)
            .checked_sub_days(chrono::Days::new(age_days))
            .unwrap_or(year_start(cal));
        let groups = match group {
            Some(g) if prof.high_previous_year => g,
            _ => "",
        };
        out.write_record([
            student_id(i),
            name,
            format!("{grade}{}", CLASS_LETTERS[letter]),
            mentor_of(grade, letter),
            grade.to_string(),
            birth.format("%Y-%m-%d").to_string(),
            groups.to_string(),
        ])
        .map_err(io::Error::other)?;
    }
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::events::parse_events;
    use crate::io::testutil::policy;

    fn generate(students: u32, seed: u64) -> String {
        let p = policy();
        let kinds = GenKinds::from_policy(&p).unwrap();
        let mut out = Vec::new();
        write_events(&mut out, &p.calendar, &kinds, GenOptions { students, seed }).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn output_is_valid_for_the_policy_and_sorted() {
        let p = policy();
        let text = generate(200, 7);
        let regs = parse_events(&p, "gen.csv", &text, 0).unwrap();
        assert_eq!(regs.rows.len(), text.lines().count() - 1, "no duplicates");
        let lines: Vec<&str> = text.lines().skip(1).collect();
        let mut sorted = lines.clone();
        sorted.sort_by_key(|l| {
            let f: Vec<&str> = l.split(',').collect();
            (f[0].to_string(), f[1].to_string(), f[2].parse::<u32>().ok())
        });
        assert_eq!(lines, sorted);
    }

    #[test]
    fn same_seed_same_bytes_and_students_are_stable() {
        assert_eq!(generate(50, 3), generate(50, 3));
        assert_ne!(generate(50, 3), generate(50, 4));
        let small = generate(10, 3);
        assert!(generate(50, 3).starts_with(&small));
    }

    fn generate_by_date(students: u32, seed: u64) -> String {
        let p = policy();
        let kinds = GenKinds::from_policy(&p).unwrap();
        let mut out = Vec::new();
        let opts = GenOptions { students, seed };
        write_events_in(&mut out, &p.calendar, &kinds, opts, Order::Date).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn date_order_is_a_permutation_sorted_by_date() {
        let p = policy();
        let by_student = generate(300, 11);
        let by_date = generate_by_date(300, 11);
        assert_eq!(by_student.lines().next(), by_date.lines().next());
        let mut a: Vec<&str> = by_student.lines().skip(1).collect();
        let mut b: Vec<&str> = by_date.lines().skip(1).collect();
        let lines = b.clone();
        assert!(lines.iter().any(|l| l.contains(",,")), "signals included");
        a.sort_unstable();
        b.sort_unstable();
        assert_eq!(a, b, "the same rows");
        // Evaluation order: date, student ID, signals (period empty) first,
        // then period; signals among themselves in declaration order.
        let signal = |k: &str| p.kinds.iter().filter(|k| k.signal).position(|s| s.id == k);
        let key = |l: &&str| {
            let f: Vec<&str> = l.split(',').collect();
            let period = f[2].parse::<u32>().ok();
            (f[1].to_string(), f[0].to_string(), period, signal(f[3]))
        };
        let mut sorted = lines.clone();
        sorted.sort_by_key(key);
        assert_eq!(lines, sorted);
        let regs = parse_events(&p, "gen.csv", &by_date, 0).unwrap();
        assert_eq!(regs.rows.len(), lines.len());
        assert_eq!(
            write_events_in(
                &mut Vec::new(),
                &p.calendar,
                &GenKinds::from_policy(&p).unwrap(),
                GenOptions {
                    students: 300,
                    seed: 11
                },
                Order::Student
            )
            .unwrap(),
            lines.len() as u64
        );
    }

    #[test]
    fn student_ids_are_ordered_as_text() {
        let order = id_order(100_001);
        let ids: Vec<String> = order.iter().map(|&i| student_id(i)).collect();
        assert!(ids.windows(2).all(|w| w[0] < w[1]));
        let at = |id: &str| ids.iter().position(|x| x == id).unwrap();
        assert_eq!(at("S100000"), at("S10000") + 1);
        assert_eq!(at("S100001"), at("S100000") + 1);
        assert_eq!(at("S10001"), at("S100001") + 1);
    }

    #[test]
    fn missing_kinds_are_named() {
        let mut p = policy();
        p.kinds.retain(|k| k.id != "removal");
        assert_eq!(GenKinds::from_policy(&p), Err(vec!["removal".to_string()]));
    }
}

#[cfg(test)]
mod tuning {
    use super::*;

    /// `VERZUIM_GEN_OUT=/tmp/x.csv cargo test --lib dump_sample -- --ignored`
    #[test]
    #[ignore]
    fn dump_sample() {
        let cal = crate::io::testutil::noord();
        let path = std::env::var("VERZUIM_GEN_OUT").unwrap();
        let mut f = std::fs::File::create(path).unwrap();
        let opts = GenOptions {
            students: 1500,
            seed: 2023,
        };
        let mut kinds = GenKinds::standard();
        kinds.signals = vec!["special_arrangement".into(), "unclear_illness".into()];
        write_events(&mut f, &cal, &kinds, opts).unwrap();
    }
}
