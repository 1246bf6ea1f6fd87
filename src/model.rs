//! The checked policy: what `check` produces from an AST and what `eval`
//! runs. Every name is resolved to an index; every constant is validated;
//! variant ladders are expanded. Spans point back into the policy source for
//! diagnostics and for `explain`.

use crate::calendar::Calendar;
use crate::span::Span;
use crate::syntax::ast::{
    Attr, Authorization, CmpOp, DayUnit, Junction, MeasureFn, Number, ReclassifyMode, RolesJoin,
    WindowUnit,
};
use chrono::{NaiveTime, Weekday};
use std::collections::BTreeMap;

/// Index into [`Policy::roles`].
pub type RoleId = usize;
/// Index into [`Policy::kinds`] (event kinds and signals share one index space).
pub type KindId = usize;
/// Index into [`Policy::groups`].
pub type GroupId = usize;
/// Index into [`Policy::ladders`].
pub type LadderId = usize;
/// Index into [`Policy::steps`] (ladder steps and standalone rules).
pub type StepId = usize;
/// Index into [`Policy::measures`].
pub type MeasureId = usize;

/// A checked, runnable policy.
#[derive(Debug, Clone)]
pub struct Policy {
    /// `policy "…"`.
    pub name: String,
    /// `school "…"`.
    pub school: String,
    /// The school year, e.g. `(2022, 2023)`; printed `2022-2023`.
    pub school_year: (i32, i32),
    /// The calendar: the only source of school days.
    pub calendar: Calendar,
    /// Roles in declaration order.
    pub roles: Vec<RoleDef>,
    /// Event kinds and signals in declaration order.
    pub kinds: Vec<KindDef>,
    /// School code → what it means. Codes are matched exactly (case-sensitive).
    pub codes: BTreeMap<String, CodeMeaning>,
    /// Groups in declaration order.
    pub groups: Vec<GroupDef>,
    /// Reclassifications, applied in declaration order to each registration.
    pub reclassifications: Vec<ReclassifyDef>,
    /// Exemptions.
    pub exemptions: Vec<ExemptionDef>,
    /// Ladders in declaration order (variants expanded: a variant lists the
    /// base's steps it keeps plus its own).
    pub ladders: Vec<LadderDef>,
    /// Every step and rule, in declaration order (ladder steps first in the
    /// order of their ladder, rules where they stand). Evaluation order.
    pub steps: Vec<StepDef>,
    /// Distinct measures used anywhere (deduplicated).
    pub measures: Vec<MeasureDef>,
}

impl Policy {
    /// The school year as printed in IDs and output: `2022-2023`.
    pub fn school_year_label(&self) -> String {
        format!("{}-{}", self.school_year.0, self.school_year.1)
    }

    /// Look up a kind or signal by name.
    pub fn kind_by_name(&self, name: &str) -> Option<KindId> {
        self.kinds.iter().position(|k| k.id == name)
    }
}

/// `role vc "Verzuimcoördinator"`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleDef {
    /// Short name.
    pub id: String,
    /// Dutch display name.
    pub name: String,
}

/// An event kind or a signal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KindDef {
    /// Name (the `kind` column value).
    pub id: String,
    /// Display name.
    pub name: String,
    /// True for a `signal`: no period or minutes, staff-recorded.
    pub signal: bool,
    /// The kind's marking, used for rows given by `kind` rather than `code`.
    /// Signals are `Authorized`.
    pub authorization: Authorization,
}

/// What a school code means.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CodeMeaning {
    /// A registration of this kind with this marking.
    Kind(KindId, Authorization),
    /// Read, counted in the summary as ignored, never measured.
    Ignored,
}

/// A group of students.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupDef {
    /// Group ID.
    pub id: String,
    /// The name as in the roster's `groups` column.
    pub name: String,
    /// Attribute conditions (all must hold); empty means roster membership:
    /// the roster's `groups` column lists the ID or the name.
    pub conditions: Vec<AttrCondDef>,
}

impl GroupDef {
    /// True when `entry`, one value of a roster's `groups` column, names
    /// this group: its ID or its name, ignoring surrounding spaces and
    /// ASCII case. This is how roster membership is decided (`eval`), so
    /// readers warning about unknown groups must use it too.
    pub fn is_named(&self, entry: &str) -> bool {
        let x = entry.trim();
        x.eq_ignore_ascii_case(&self.id) || x.eq_ignore_ascii_case(&self.name)
    }
}

/// `age < 18`, `grade = "4"`, `location in "A", "B"`.
#[derive(Debug, Clone, PartialEq)]
pub struct AttrCondDef {
    /// The attribute.
    pub attr: Attr,
    /// The operator (`in` is `Eq` with several values).
    pub op: CmpOp,
    /// Whole years for `age`.
    pub numbers: Vec<u32>,
    /// Strings for grade/location/class.
    pub texts: Vec<String>,
}

/// A reclassification of registrations.
#[derive(Debug, Clone, PartialEq)]
pub struct ReclassifyDef {
    /// Source kind.
    pub from: KindId,
    /// Which registrations.
    pub filter: FilterDef,
    /// Target kind.
    pub to: KindId,
    /// Instead of, or as well as.
    pub mode: ReclassifyMode,
}

/// An exemption: per-student date ranges during which kinds are not counted
/// and ladders do not fire.
#[derive(Debug, Clone, PartialEq)]
pub struct ExemptionDef {
    /// ID as in the roster's `exemptions` column.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Kinds not counted.
    pub kinds: Vec<KindId>,
    /// Ladders that do not fire.
    pub ladders: Vec<LadderId>,
    /// Opening signal (inclusive), if any.
    pub from_signal: Option<KindId>,
    /// Closing signal (inclusive), if any.
    pub until_signal: Option<KindId>,
}

/// `for G` / `except G`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SelectorDef {
    /// True for `except`.
    pub except: bool,
    /// The group.
    pub group: GroupId,
}

/// A ladder.
#[derive(Debug, Clone, PartialEq)]
pub struct LadderDef {
    /// Ladder ID.
    pub id: String,
    /// Display title (defaults to the ID).
    pub title: String,
    /// The counted measure of its threshold steps, if any.
    pub counts: Option<MeasureId>,
    /// Who follows it.
    pub selector: Option<SelectorDef>,
    /// Its steps, in source order.
    pub steps: Vec<StepId>,
    /// Ladders of the same family (a base and its variants) that take
    /// precedence over this one (`precedence A, B, C`: C yields to A and B):
    /// a student who follows one of them does not follow this one.
    pub yields_to: Vec<LadderId>,
    /// The ladder's declaration.
    pub span: Span,
}

/// A counting scope. See `docs/semantics.md`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScopeDef {
    /// The school year.
    SchoolYear,
    /// A calendar term, by index into `Calendar::terms`.
    Term(usize),
    /// A calendar month.
    Month,
    /// A school week (ISO week).
    SchoolWeek,
    /// Since step X last fired (restarts the school day after).
    SinceStep(StepId),
    /// Since an action of this kind was last issued by any step.
    SinceActionKind(ActionKindTag),
}

/// A step of a ladder, or a standalone rule / law.
#[derive(Debug, Clone, PartialEq)]
pub struct StepDef {
    /// Step ID (the protocol row ID, e.g. `L3`, or `LAW16`).
    pub id: String,
    /// Display title (defaults to the ID).
    pub title: String,
    /// Its ladder, or `None` for a standalone rule.
    pub ladder: Option<LadderId>,
    /// True for a `law`.
    pub law: bool,
    /// The source of a law (`Leerplichtwet 1969 art. 21a`).
    pub source: Option<String>,
    /// Who it applies to (a rule's own, or its ladder's).
    pub selector: Option<SelectorDef>,
    /// When it fires.
    pub trigger: TriggerDef,
    /// Its counting scope (step's own, else ladder's, else school year).
    pub scope: ScopeDef,
    /// Fire again at each later false→true change.
    pub repeat: bool,
    /// `at most once per N days|school_days`.
    pub throttle: Option<(u32, DayUnit)>,
    /// Actions in order.
    pub actions: Vec<ActionDef>,
    /// The step's declaration.
    pub span: Span,
}

/// When a step fires.
#[derive(Debug, Clone, PartialEq)]
pub enum TriggerDef {
    /// Threshold forms on a counted measure (the ladder's `counts`).
    Threshold {
        /// The counted measure.
        measure: MeasureId,
        /// The set of counts at which it fires.
        thresholds: Thresholds,
        /// `when C` / `or C`.
        extra: Option<(Junction, CondDef)>,
    },
    /// Once per (counted) registration of this kind or signal: `every
    /// registration` in a ladder, `on X`.
    PerRegistration {
        /// The kind or signal.
        kind: KindId,
        /// Filter of the counted measure (empty for `on`).
        filter: FilterDef,
    },
    /// A condition, evaluated after every registration and, when it is
    /// time-driven or throttled, on every school day.
    When(CondDef),
}

/// Threshold sets, in the counted measure's unit (whole numbers).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Thresholds {
    /// `at N`: once.
    At(Number),
    /// `every from N`: N, N+1, …
    EveryFrom(Number),
    /// `every k-th from N`: N, N+k, …
    EveryNth {
        /// N.
        from: Number,
        /// k ≥ 1.
        step: u32,
    },
    /// `each A .. B`: A, A+1, …, B.
    Each {
        /// A.
        from: Number,
        /// B (inclusive).
        to: Number,
    },
}

impl Thresholds {
    /// The lowest count in the set (for ordering and checks).
    pub fn first(&self) -> Number {
        match *self {
            Thresholds::At(n) | Thresholds::EveryFrom(n) => n,
            Thresholds::EveryNth { from, .. } | Thresholds::Each { from, .. } => from,
        }
    }

    /// True for the repeating forms (identity includes the count reached).
    pub fn repeats(&self) -> bool {
        !matches!(self, Thresholds::At(_))
    }
}

/// A checked condition.
#[derive(Debug, Clone, PartialEq)]
pub enum CondDef {
    /// All hold.
    And(Vec<CondDef>),
    /// Any holds.
    Or(Vec<CondDef>),
    /// Negation.
    Not(Box<CondDef>),
    /// `measure OP value`.
    Compare {
        /// Left.
        left: MeasureId,
        /// Operator.
        op: CmpOp,
        /// Right.
        right: OperandDef,
    },
    /// Step X has fired for this student this school year.
    Fired(StepId),
    /// Time-driven: the latest `after` registration's deadline passed without
    /// an `expected` registration/signal.
    NoWithin {
        /// Expected kind or signal.
        expected: KindId,
        /// Deadline.
        deadline: DeadlineDef,
        /// Clock-starting kind.
        after: KindId,
        /// Filter on it.
        after_filter: FilterDef,
    },
}

impl CondDef {
    /// True when the condition can become true on a day without any
    /// registration (it contains a `NoWithin`): evaluated day by day.
    pub fn time_driven(&self) -> bool {
        match self {
            CondDef::And(v) | CondDef::Or(v) => v.iter().any(CondDef::time_driven),
            CondDef::Not(c) => c.time_driven(),
            CondDef::NoWithin { .. } => true,
            CondDef::Compare { .. } | CondDef::Fired(_) => false,
        }
    }
}

/// Right side of a comparison.
#[derive(Debug, Clone, PartialEq)]
pub enum OperandDef {
    /// Another measure of the same unit.
    Measure(MeasureId),
    /// A constant in the left measure's unit (clock hours, %, …, as written).
    Const(Number),
}

/// A deadline for `NoWithin`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeadlineDef {
    /// N school days or calendar days after the registration's date.
    Within(u32, DayUnit),
    /// The last school day of the registration's school week.
    EndOfSchoolWeek,
}

/// A measure over one student's registrations.
#[derive(Debug, Clone, PartialEq)]
pub struct MeasureDef {
    /// The function.
    pub func: MeasureFn,
    /// Kind or signal measured.
    pub kind: KindId,
    /// Registration filter.
    pub filter: FilterDef,
    /// `on same weekday`.
    pub same_weekday: bool,
    /// `within N unit`.
    pub window: Option<(u32, WindowUnit)>,
}

/// A checked filter: every present part must hold.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FilterDef {
    /// Codes (any of); empty: any code.
    pub codes: Vec<String>,
    /// Required marking.
    pub authorization: Option<Authorization>,
    /// Weekdays (any of); empty: any.
    pub weekdays: Vec<Weekday>,
    /// Inclusive period range.
    pub period: Option<(u32, u32)>,
    /// Inclusive minutes range.
    pub minutes: Option<(u32, u32)>,
}

impl FilterDef {
    /// True when it filters nothing.
    pub fn is_empty(&self) -> bool {
        *self == FilterDef::default()
    }
}

/// The kinds of structured action, as printed in output's `kind` field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ActionKindTag {
    /// `task`
    Task,
    /// `inform`
    Inform,
    /// `mail`
    Mail,
    /// `appointment`
    Appointment,
    /// `sanction`
    Sanction,
    /// `make_up`
    MakeUp,
    /// `duo_report`
    DuoReport,
    /// `referral`
    Referral,
}

impl ActionKindTag {
    /// Every action kind, in declaration order (the order in which their
    /// names are listed in messages).
    pub const ALL: [ActionKindTag; 8] = [
        ActionKindTag::Task,
        ActionKindTag::Inform,
        ActionKindTag::Mail,
        ActionKindTag::Appointment,
        ActionKindTag::Sanction,
        ActionKindTag::MakeUp,
        ActionKindTag::DuoReport,
        ActionKindTag::Referral,
    ];

    /// The names of [`ActionKindTag::ALL`], in that order.
    pub fn names() -> [&'static str; 8] {
        Self::ALL.map(|k| k.as_str())
    }

    /// The name used in policies and output.
    pub fn as_str(&self) -> &'static str {
        match self {
            ActionKindTag::Task => "task",
            ActionKindTag::Inform => "inform",
            ActionKindTag::Mail => "mail",
            ActionKindTag::Appointment => "appointment",
            ActionKindTag::Sanction => "sanction",
            ActionKindTag::MakeUp => "make_up",
            ActionKindTag::DuoReport => "duo_report",
            ActionKindTag::Referral => "referral",
        }
    }

    /// Parse a name used in `since last X`.
    pub fn from_name(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// A checked action kind with its arguments.
#[derive(Debug, Clone, PartialEq)]
pub enum ActionKindDef {
    /// Plain task.
    Task,
    /// Inform these roles.
    Inform(Vec<RoleId>),
    /// Mail these roles.
    Mail(Vec<RoleId>),
    /// Appointment with these roles.
    Appointment(Vec<RoleId>),
    /// A sanction at a time for a duration (minutes).
    Sanction {
        /// Start time.
        at: Option<NaiveTime>,
        /// Duration, minutes.
        minutes: Option<u32>,
    },
    /// Make-up time: factor × the triggering registration's lesson hours.
    MakeUp(Number),
    /// DUO report.
    DuoReport,
    /// Referral to a role.
    Referral(RoleId),
}

impl ActionKindDef {
    /// The tag.
    pub fn tag(&self) -> ActionKindTag {
        match self {
            ActionKindDef::Task => ActionKindTag::Task,
            ActionKindDef::Inform(_) => ActionKindTag::Inform,
            ActionKindDef::Mail(_) => ActionKindTag::Mail,
            ActionKindDef::Appointment(_) => ActionKindTag::Appointment,
            ActionKindDef::Sanction { .. } => ActionKindTag::Sanction,
            ActionKindDef::MakeUp(_) => ActionKindTag::MakeUp,
            ActionKindDef::DuoReport => ActionKindTag::DuoReport,
            ActionKindDef::Referral(_) => ActionKindTag::Referral,
        }
    }
}

/// A checked action.
#[derive(Debug, Clone, PartialEq)]
pub struct ActionDef {
    /// Acting roles.
    pub roles: Vec<RoleId>,
    /// Alternatives or together.
    pub roles_join: RolesJoin,
    /// Kind and arguments.
    pub kind: ActionKindDef,
    /// Dutch text.
    pub text: String,
    /// Roles in cc.
    pub cc: Vec<RoleId>,
    /// Due time.
    pub due: Option<(u32, DayUnit)>,
    /// Optional (bracketed in the protocol).
    pub optional: bool,
    /// `as LABEL`.
    pub label: Option<String>,
    /// Index (within the same step) of the action this one is ordered after.
    pub after: Option<usize>,
    /// The action's line.
    pub span: Span,
}

#[cfg(test)]
mod tests {
    use super::ActionKindTag;

    #[test]
    fn action_kind_names_read_back() {
        for k in ActionKindTag::ALL {
            assert_eq!(ActionKindTag::from_name(k.as_str()), Some(k));
        }
        assert_eq!(ActionKindTag::names()[5], "make_up");
        assert_eq!(ActionKindTag::from_name("makeup"), None);
    }
}
