//! The school calendar: which dates are school days, how they group into
//! school weeks, which lesson periods are scheduled on each weekday. Built by
//! `check` from a `calendar { … }` block; the only source of school days
//! (verzuim has no built-in public holidays).

use chrono::{Datelike, Days, NaiveDate, Weekday};

/// A named range of free days (both ends inclusive).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FreeRange {
    /// Name, e.g. `Herfstvakantie`.
    pub name: String,
    /// First free day.
    pub start: NaiveDate,
    /// Last free day (inclusive).
    pub end: NaiveDate,
}

/// A named period of the calendar (a term), usable as a scope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    /// Term ID.
    pub id: String,
    /// Display name.
    pub name: String,
    /// First day (inclusive).
    pub start: NaiveDate,
    /// Last day (inclusive).
    pub end: NaiveDate,
}

/// A checked school calendar with precomputed school-day and school-week
/// indices.
///
/// School days are the weekdays (Monday–Friday) from `first` to `last` that
/// have scheduled periods and lie in no free range. A school week is an ISO
/// week (Monday–Sunday) holding at least one school day; school weeks are
/// numbered 0, 1, … in order, so weeks without school days are skipped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Calendar {
    /// The calendar's name.
    pub name: String,
    /// First school day of the school year.
    pub first: NaiveDate,
    /// Last school day of the school year.
    pub last: NaiveDate,
    /// Length of one lesson hour, in minutes.
    pub lesson_minutes: u32,
    /// Scheduled periods per weekday (index: days from Monday), inclusive.
    pub periods: [Option<(u32, u32)>; 7],
    /// Free ranges.
    pub free: Vec<FreeRange>,
    /// Terms.
    pub terms: Vec<Term>,
    /// School days in order.
    days: Vec<NaiveDate>,
    /// For each calendar day from `first` to `last`: its school-day index, or
    /// `u32::MAX` when it is not a school day.
    by_offset: Vec<u32>,
    /// School-week ordinal of each school day.
    week_of: Vec<u32>,
    /// Index of the first school day of each school week.
    week_start: Vec<u32>,
    /// Scheduled lesson periods on school days before each index (prefix sums).
    scheduled_prefix: Vec<u64>,
}

/// Index of a school day in [`Calendar`] order (0 = the first school day).
pub type DayIdx = u32;

impl Calendar {
    /// Build a calendar. Inputs are assumed valid (`check` validates them):
    /// `first <= last`, periods `first <= last`.
    pub fn new(
        name: String,
        first: NaiveDate,
        last: NaiveDate,
        lesson_minutes: u32,
        periods: [Option<(u32, u32)>; 7],
        free: Vec<FreeRange>,
        terms: Vec<Term>,
    ) -> Calendar {
        let mut cal = Calendar {
            name,
            first,
            last,
            lesson_minutes,
            periods,
            free,
            terms,
            days: Vec::new(),
            by_offset: Vec::new(),
            week_of: Vec::new(),
            week_start: Vec::new(),
            scheduled_prefix: vec![0],
        };
        let mut d = first;
        let mut last_week: Option<(i32, u32)> = None;
        while d <= last {
            let is_school = d.weekday().num_days_from_monday() < 5
                && cal.periods[d.weekday().num_days_from_monday() as usize].is_some()
                && !cal.free.iter().any(|f| f.start <= d && d <= f.end);
            if is_school {
                let idx = cal.days.len() as u32;
                let iso = d.iso_week();
                let key = (iso.year(), iso.week());
                if last_week != Some(key) {
                    last_week = Some(key);
                    cal.week_start.push(idx);
                }
                cal.week_of.push(cal.week_start.len() as u32 - 1);
                cal.days.push(d);
                cal.by_offset.push(idx);
                let periods = cal.periods[d.weekday().num_days_from_monday() as usize]
                    .map_or(0, |(a, b)| u64::from(b + 1 - a));
                let before = cal.scheduled_prefix.last().copied().unwrap_or(0);
                cal.scheduled_prefix.push(before + periods);
            } else {
                cal.by_offset.push(u32::MAX);
            }
            d = match d.succ_opt() {
                Some(n) => n,
                None => break,
            };
        }
        cal
    }

    /// Number of school days.
    pub fn num_school_days(&self) -> u32 {
        self.days.len() as u32
    }

    /// Number of school weeks.
    pub fn num_school_weeks(&self) -> u32 {
        self.week_start.len() as u32
    }

    /// The school day index of `date`, or `None` when it is not a school day.
    pub fn day_index(&self, date: NaiveDate) -> Option<DayIdx> {
        if date < self.first || date > self.last {
            return None;
        }
        let off = (date - self.first).num_days() as usize;
        match self.by_offset.get(off) {
            Some(&i) if i != u32::MAX => Some(i),
            _ => None,
        }
    }

    /// True when `date` is a school day.
    pub fn is_school_day(&self, date: NaiveDate) -> bool {
        self.day_index(date).is_some()
    }

    /// The date of school day `idx`. Panics never: `idx` past the end gives
    /// the last school day.
    pub fn date(&self, idx: DayIdx) -> NaiveDate {
        self.days
            .get(idx as usize)
            .or(self.days.last())
            .copied()
            .unwrap_or(self.first)
    }

    /// The school-week ordinal of school day `idx`.
    pub fn week_of(&self, idx: DayIdx) -> u32 {
        self.week_of.get(idx as usize).copied().unwrap_or(0)
    }

    /// The first school day index of school week `week`.
    pub fn week_start(&self, week: u32) -> DayIdx {
        self.week_start.get(week as usize).copied().unwrap_or(0)
    }

    /// The last school day index of school week `week`.
    pub fn week_end(&self, week: u32) -> DayIdx {
        match self.week_start.get(week as usize + 1) {
            Some(&next) => next - 1,
            None => self.num_school_days().saturating_sub(1),
        }
    }

    /// The first school day on or after `date`, if any.
    pub fn next_school_day_from(&self, date: NaiveDate) -> Option<DayIdx> {
        if date < self.first {
            return if self.days.is_empty() { None } else { Some(0) };
        }
        let mut d = date;
        while d <= self.last {
            if let Some(i) = self.day_index(d) {
                return Some(i);
            }
            d = d.succ_opt()?;
        }
        None
    }

    /// The date `n` school days after `date` (`n = 0` gives `date`). Past the
    /// last school day of the year, Monday–Friday count as school days (the
    /// next year's calendar is unknown).
    pub fn add_school_days(&self, date: NaiveDate, n: u32) -> NaiveDate {
        if n == 0 {
            return date;
        }
        if let Some(i) = self.day_index(date)
            && let Some(j) = i.checked_add(n)
            && (j as usize) < self.days.len()
        {
            return self.days[j as usize];
        }
        let mut d = date;
        let mut left = n;
        while left > 0 {
            d = match d.succ_opt() {
                Some(x) => x,
                None => return d,
            };
            let school = if d <= self.last {
                self.is_school_day(d)
            } else {
                d.weekday().num_days_from_monday() < 5
            };
            if school {
                left -= 1;
            }
        }
        d
    }

    /// The date `n` calendar days after `date`.
    pub fn add_days(date: NaiveDate, n: u32) -> NaiveDate {
        date.checked_add_days(Days::new(n as u64)).unwrap_or(date)
    }

    /// The scheduled periods (inclusive) on `weekday`, if any.
    pub fn periods_on(&self, weekday: Weekday) -> Option<(u32, u32)> {
        self.periods[weekday.num_days_from_monday() as usize]
    }

    /// Number of scheduled lesson periods on school day `idx`.
    pub fn scheduled_periods(&self, idx: DayIdx) -> u32 {
        match self.periods_on(self.date(idx).weekday()) {
            Some((a, b)) => b + 1 - a,
            None => 0,
        }
    }

    /// Scheduled lesson periods on school days `a ..= b` (0 when `a > b`).
    pub fn scheduled_between(&self, a: DayIdx, b: DayIdx) -> u64 {
        if a > b {
            return 0;
        }
        let at = |i: usize| {
            self.scheduled_prefix
                .get(i.min(self.scheduled_prefix.len().saturating_sub(1)))
                .copied()
                .unwrap_or(0)
        };
        at(b as usize + 1) - at(a as usize)
    }

    /// The free range containing `date`, if any.
    pub fn free_range_of(&self, date: NaiveDate) -> Option<&FreeRange> {
        self.free.iter().find(|f| f.start <= date && date <= f.end)
    }

    /// All school days in order.
    pub fn school_days(&self) -> &[NaiveDate] {
        &self.days
    }
}

/// "February 2023 has 28 days": the length of month `m` of year `y`, for
/// messages about impossible dates; `None` when `m` is not a month.
pub fn month_length_note(y: i32, m: u32) -> Option<String> {
    const NAMES: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let name = NAMES.get(usize::try_from(m.checked_sub(1)?).ok()?)?;
    let first = NaiveDate::from_ymd_opt(y, m, 1)?;
    let next = first.checked_add_months(chrono::Months::new(1))?;
    Some(format!("{name} {y} has {} days", (next - first).num_days()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn noord() -> Calendar {
        let f = |n: &str, a: &str, b: &str| FreeRange {
            name: n.into(),
            start: d(a),
            end: d(b),
        };
        let mut periods = [None; 7];
        for p in periods.iter_mut().take(5) {
            *p = Some((1, 8));
        }
        Calendar::new(
            "Noord".into(),
            d("2022-08-29"),
            d("2023-07-21"),
            50,
            periods,
            vec![
                f("Herfst", "2022-10-15", "2022-10-23"),
                f("Kerst", "2022-12-24", "2023-01-08"),
                f("Voorjaar", "2023-02-25", "2023-03-05"),
                f("Goede Vrijdag", "2023-04-07", "2023-04-07"),
                f("Tweede Paasdag", "2023-04-10", "2023-04-10"),
                f("Mei", "2023-04-22", "2023-05-07"),
                f("Hemelvaart", "2023-05-18", "2023-05-19"),
                f("Pinksteren", "2023-05-29", "2023-05-29"),
            ],
            vec![],
        )
    }

    #[test]
    fn noord_has_200_school_days_in_41_weeks() {
        let c = noord();
        assert_eq!(c.num_school_days(), 200);
        assert_eq!(c.num_school_weeks(), 41);
    }

    #[test]
    fn adding_school_days_skips_holidays() {
        let c = noord();
        // Friday before the autumn holiday + 1 school day = Monday after it.
        assert_eq!(c.add_school_days(d("2022-10-14"), 1), d("2022-10-24"));
        assert_eq!(c.add_school_days(d("2022-09-05"), 3), d("2022-09-08"));
        // Past the last school day, weekdays count.
        assert_eq!(c.add_school_days(d("2023-07-21"), 1), d("2023-07-24"));
    }

    #[test]
    fn school_weeks_skip_holiday_weeks() {
        let c = noord();
        let before = c.day_index(d("2022-10-14")).unwrap();
        let after = c.day_index(d("2022-10-24")).unwrap();
        assert_eq!(c.week_of(after), c.week_of(before) + 1);
    }
}
