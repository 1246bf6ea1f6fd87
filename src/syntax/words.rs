//! Every grammar rule in words, for "expected …" messages. The match is
//! exhaustive, so a new rule cannot reach users under its grammar name.

use super::grammar::Rule;

/// A description: the phrase, an optional example for `help`, and the
/// keywords the rule spells (for "did you mean …?").
pub(crate) type Words = (
    &'static [&'static str],
    Option<&'static str>,
    &'static [&'static str],
);

/// A keyword rule: its phrase is the keyword in backticks.
macro_rules! kw {
    ($w:literal) => {
        (&[concat!("`", $w, "`")], None, &[$w])
    };
    ($w:literal, $e:literal) => {
        (&[concat!("`", $w, "`")], Some($e), &[$w])
    };
}

/// Alternatives, each its own phrase: `` `for` `` or `` `except` ``.
macro_rules! alts {
    ([$($p:literal),+], $e:literal, $($w:literal),+) => {
        (&[$($p),+], Some($e), &[$($w),+])
    };
}

/// A phrase with an example and no keywords.
macro_rules! words {
    ($p:literal) => {
        (&[$p], None, &[])
    };
    ($p:literal, $e:literal) => {
        (&[$p], Some($e), &[])
    };
    ($p:literal, $e:literal, $($w:literal),+) => {
        (&[$p], Some($e), &[$($w),+])
    };
}

/// Describes `rule` for an "expected …" message.
pub(crate) fn describe(r: Rule) -> Words {
    if let Some(w) = lexeme(r) {
        return w;
    }
    if let Some(w) = construct(r) {
        return w;
    }
    keyword(r)
}

/// Literals, names and punctuation.
fn lexeme(r: Rule) -> Option<Words> {
    Some(match r {
        Rule::ident | Rule::ident_body | Rule::ident_char => words!(
            "a name",
            "names start with a letter and hold letters, digits, `_` and `-`, like `L3` or `n2_late`"
        ),
        Rule::role_name => words!(
            "a role name",
            "roles are declared with `role ID \"Name\"`, like `role vc \"Verzuimcoördinator\"`"
        ),
        Rule::kind_name => words!(
            "an event kind or signal",
            "event kinds are declared with `event`, signals with `signal`"
        ),
        Rule::group_name => words!(
            "a group name",
            "groups are declared with `group ID \"name\"`"
        ),
        Rule::string | Rule::string_inner | Rule::code_list => {
            words!(
                "a text in quotes",
                "texts are written in double quotes, like \"Te laat\""
            )
        }
        Rule::action_text => words!(
            "the action's text in quotes",
            "every action says what to do, in quotes: `vc: inform mentor \"Licht mentor in\"`"
        ),
        Rule::number | Rule::literal => words!("a number", "numbers are written like 16 or 0.5"),
        Rule::integer => words!("a whole number", "write a whole number, like 5"),
        Rule::date | Rule::date_range => words!(
            "a date like 2023-02-28",
            "dates are written year-month-day, like 2023-02-28"
        ),
        Rule::year_range => words!(
            "a school year like 2022-2023",
            "write the school year as two years with a dash, like 2022-2023"
        ),
        Rule::time => words!("a time like 08:00", "write times as HH:MM, like 08:00"),
        Rule::ordinal => words!(
            "an ordinal like `2nd`",
            "write `every 2nd from 5` for the 5th, 7th, 9th, …",
            "2nd",
            "3rd"
        ),
        Rule::weekday | Rule::weekday_set => words!(
            "a weekday like `monday`",
            "weekdays are written in English: `monday` … `sunday`",
            "monday",
            "tuesday",
            "wednesday",
            "thursday",
            "friday",
            "saturday",
            "sunday"
        ),
        Rule::authorization => alts!(
            ["`authorized`", "`unauthorized`"],
            "write `authorized` (geoorloofd) or `unauthorized` (ongeoorloofd)",
            "authorized",
            "unauthorized"
        ),
        Rule::cmp_op | Rule::eq => words!(
            "a comparison: `>`, `>=`, `<`, `<=` or `=`",
            "compare with `>`, `>=`, `<`, `<=` or `=`, like `count(late) >= 3`"
        ),
        Rule::junction => alts!(
            ["`when`", "`or`"],
            "`at 9 when C` needs both, `at 7 or C` either",
            "when",
            "or"
        ),
        Rule::reclassify_mode => alts!(
            ["`instead`", "`also`"],
            "`instead`: counted only as the new kind; `also`: as both",
            "instead",
            "also"
        ),
        Rule::attr => words!(
            "a student attribute: `age`, `grade`, `location` or `class`",
            "a group condition reads like `age < 18` or `location in \"Noord\", \"Zuid\"`",
            "age",
            "grade",
            "location",
            "class"
        ),
        Rule::measure_fn | Rule::measure => words!(
            "a measure like `count(late)`",
            "measures are `count`, `lesson_hours`, `clock_hours`, `days`, `streak`, `full_day_streak`, `episodes` and `share`, like `count(late)`",
            "count",
            "lesson_hours",
            "clock_hours",
            "days",
            "streak",
            "full_day_streak",
            "episodes",
            "share"
        ),
        Rule::unit => words!(
            "a unit",
            "units are `registrations`, `lesson_hours`, `clock_hours`, `school_days`, `episodes` and `%`",
            "registrations",
            "lesson_hours",
            "clock_hours",
            "school_days",
            "episodes"
        ),
        Rule::window_unit => alts!(
            ["`days`", "`school_days`", "`school_weeks`"],
            "a window reads like `within 4 school_weeks`",
            "days",
            "school_days",
            "school_weeks"
        ),
        Rule::day_unit => alts!(
            ["`days`", "`school_days`"],
            "write `days` (calendar days) or `school_days`",
            "days",
            "school_days"
        ),
        Rule::lbrace => words!("`{`", "a block starts with `{` and ends with `}`"),
        Rule::rbrace => words!("`}`", "a block starts with `{` and ends with `}`"),
        Rule::lparen => words!("`(`", "a measure reads like `count(late)`"),
        Rule::rparen => words!("`)`", "every `(` needs a matching `)`"),
        Rule::colon => words!(
            "`:`",
            "an action reads `ROLE: \"text\"`, like `vc: \"Belt ouders\"`"
        ),
        Rule::comma => words!("`,`"),
        Rule::precedence_comma => words!(
            "`,`",
            "a precedence lists two or more ladders of one family, separated by `,`, the one that wins first: `precedence late_high, late`"
        ),
        Rule::dotdot => words!(
            "`..`",
            "a range reads like `1 .. 8` or `2022-10-15 .. 2022-10-23`"
        ),
        Rule::student | Rule::student_word => words!(
            "a student ID",
            "a student ID is a word like `S1` or `123456`, or a text in quotes; an event line starts with it: `S1 2022-09-05 p1 late 10 min`"
        ),
        Rule::period | Rule::period_range => words!(
            "a lesson period like `p1`",
            "lesson periods are written `p1`, `p2`, …; several as `p1 .. p8`"
        ),
        Rule::roster_text_key | Rule::roster_list_key | Rule::roster_date_key => words!(
            "a roster field like `mentor`",
            "a roster line reads `S1 mentor \"Jansen\" class \"3a\" groups \"veel verzuim 21/22\"`",
            "name",
            "mentor",
            "class",
            "grade",
            "location",
            "groups",
            "exemptions",
            "birthdate",
            "enrolled_from",
            "enrolled_until"
        ),
        _ => return None,
    })
}

/// Larger constructs, described by how they start.
fn construct(r: Rule) -> Option<Words> {
    Some(match r {
        Rule::WHITESPACE | Rule::COMMENT | Rule::EOI | Rule::file | Rule::item => words!(
            "a declaration",
            "a declaration starts with `policy`, `use`, `calendar`, `role`, `event`, `ignore`, `signal`, `group`, `reclassify`, `exemption`, `ladder`, `precedence`, `rule` or `law`"
        ),
        Rule::policy => kw!("policy"),
        Rule::use_calendar => kw!("use"),
        Rule::calendar => kw!("calendar"),
        Rule::calendar_entry => alts!(
            [
                "`school_year`",
                "`lesson_hour`",
                "`periods`",
                "`free`",
                "`term`"
            ],
            "a calendar holds `school_year`, `lesson_hour`, `periods`, `free` and `term` lines",
            "school_year",
            "lesson_hour",
            "periods",
            "free",
            "term"
        ),
        Rule::cal_school_year => kw!("school_year"),
        Rule::cal_lesson_hour => kw!("lesson_hour"),
        Rule::cal_periods => kw!("periods"),
        Rule::cal_free => kw!("free"),
        Rule::cal_term => kw!("term"),
        Rule::role => kw!("role"),
        Rule::event => kw!("event"),
        Rule::event_code => words!(
            "a code in quotes",
            "codes are written in quotes, like \"L\""
        ),
        Rule::ignore => kw!("ignore"),
        Rule::signal => kw!("signal"),
        Rule::group => kw!("group"),
        Rule::attr_cond => words!(
            "a group condition",
            "a group condition reads like `age < 18`"
        ),
        Rule::attr_value => words!(
            "a number or a text in quotes",
            "write a number for `age` and a text in quotes otherwise"
        ),
        Rule::reclassify => kw!("reclassify"),
        Rule::exemption => kw!("exemption"),
        Rule::exempt_target => words!(
            "an event kind or `ladder NAME`",
            "an exemption excludes kinds and ladders, like `excludes sick, ladder late`"
        ),
        Rule::from_signal => kw!("from"),
        Rule::until_signal => kw!("until"),
        Rule::ladder => kw!("ladder"),
        Rule::counts_clause => kw!("counts"),
        Rule::extends_clause => kw!("extends"),
        Rule::precedence => kw!(
            "precedence",
            "a precedence lists two or more ladders of one family, the one that wins first: `precedence late_high, late`"
        ),
        Rule::selector => alts!(
            ["`for`", "`except`"],
            "write `for GROUP` or `except GROUP`",
            "for",
            "except"
        ),
        Rule::scope | Rule::per_scope | Rule::since_last => alts!(
            ["`per`", "`since last`"],
            "scopes are `per school_year`, `per term ID`, `per month`, `per school_week` and `since last ID`",
            "per",
            "since"
        ),
        Rule::repeat => kw!("repeat"),
        Rule::throttle => words!("`at most once per …`", "write `at most once per 7 days`"),
        Rule::step => words!(
            "a `step`",
            "a ladder holds steps like `step L3 \"3x te laat\" at 3 { … }`",
            "step"
        ),
        Rule::trigger
        | Rule::trig_at
        | Rule::trig_every_registration
        | Rule::trig_every_from
        | Rule::trig_every_nth
        | Rule::trig_each
        | Rule::trig_when
        | Rule::trig_on => alts!(
            ["`at`", "`every`", "`each`", "`when`", "`on`"],
            "a step fires `at 3`, `every from 10`, `every 2nd from 5`, `each 5 .. 9`, `every registration`, `when CONDITION` or `on SIGNAL`",
            "at",
            "every",
            "each",
            "when",
            "on"
        ),
        Rule::rule => kw!("rule"),
        Rule::law => kw!("law"),
        Rule::source => keyword(Rule::kw_source),
        Rule::cond | Rule::conj | Rule::neg | Rule::comparison => words!(
            "a condition",
            "a condition reads like `count(late) >= 3`, `fired(L9)` or `not (…)`, joined with `and` and `or`",
            "not",
            "fired",
            "no"
        ),
        Rule::fired => kw!("fired"),
        Rule::same_weekday => kw!("on"),
        Rule::window => kw!("within"),
        Rule::no_within => kw!("no"),
        Rule::deadline => alts!(
            ["`within`", "`by end of school_week`"],
            "write `within 3 school_days` or `by end of school_week`",
            "within",
            "by"
        ),
        Rule::where_filters => kw!("where"),
        Rule::filter
        | Rule::filter_code
        | Rule::filter_weekday
        | Rule::filter_period
        | Rule::filter_minutes
        | Rule::num_filter => words!(
            "a filter",
            "filters are `code = \"S\"`, `authorized`, `unauthorized`, `weekday = monday`, `period in 1 .. 2` and `minutes > 20`",
            "code",
            "authorized",
            "unauthorized",
            "weekday",
            "period",
            "minutes"
        ),
        Rule::block => words!("`{`", "a block starts with `{` and ends with `}`"),
        Rule::action | Rule::roles => words!(
            "an action",
            "an action reads `ROLE: \"text\"`, like `vc: inform mentor \"Licht mentor in\"`"
        ),
        Rule::role_list => words!(
            "a role name",
            "roles are separated by commas, like `parents, student`"
        ),
        Rule::action_kind
        | Rule::ak_inform
        | Rule::ak_mail
        | Rule::ak_appointment
        | Rule::ak_sanction
        | Rule::ak_make_up
        | Rule::ak_duo_report
        | Rule::ak_referral => words!(
            "an action kind",
            "action kinds are `inform`, `mail`, `appointment`, `sanction`, `make_up`, `duo_report` and `referral`",
            "inform",
            "mail",
            "appointment",
            "sanction",
            "make_up",
            "duo_report",
            "referral"
        ),
        Rule::sanction_time => kw!("at"),
        Rule::cc => kw!("cc"),
        Rule::due => kw!("within"),
        Rule::label => kw!("as"),
        Rule::after_label => kw!("after"),
        Rule::test_file | Rule::test_item => words!(
            "a `test`",
            "a test file holds a `tests \"policy.verzuim\"` header and `test \"name\" { … }` blocks",
            "test",
            "tests"
        ),
        Rule::tests_header => kw!("tests"),
        Rule::test => kw!("test"),
        Rule::test_entry => alts!(
            ["`as_of`", "`roster`", "`events`", "`expect`"],
            "a test holds `as_of`, `roster { … }`, `events { … }`, `events from \"…\"` and `expect` lines",
            "as_of",
            "roster",
            "events",
            "expect"
        ),
        Rule::test_as_of => kw!("as_of"),
        Rule::test_roster => kw!("roster"),
        Rule::roster_line => words!(
            "a roster line",
            "a roster line reads `S1 mentor \"Jansen\" class \"3a\" groups \"veel verzuim 21/22\"`"
        ),
        Rule::roster_field | Rule::roster_text | Rule::roster_list | Rule::roster_date => words!(
            "a roster field like `mentor`",
            "a roster line reads `S1 mentor \"Jansen\" class \"3a\" groups \"veel verzuim 21/22\"`",
            "name",
            "mentor",
            "class",
            "grade",
            "location",
            "groups",
            "exemptions",
            "birthdate",
            "enrolled_from",
            "enrolled_until"
        ),
        Rule::events_from | Rule::events_block => kw!("events"),
        Rule::event_line => words!(
            "an event line",
            "an event line reads `S1 2022-09-05 p1 late 10 min`, `S1 2022-09-12 p1 code \"L\" 5 min` or `S1 2022-09-19 special_arrangement`"
        ),
        Rule::event_code_ref => kw!("code"),
        Rule::event_minutes => words!("minutes like `10 min`", "minutes are written like `10 min`"),
        Rule::expect
        | Rule::expect_count
        | Rule::expect_no
        | Rule::expect_nothing
        | Rule::expect_action => words!(
            "an expectation",
            "expectations read `expect S1 2022-09-19 step L3`, `expect no step L6`, `expect 3 actions` or `expect nothing else for S1`",
            "expect"
        ),
        Rule::for_student => kw!("for"),
        Rule::action_match
        | Rule::match_role
        | Rule::match_due
        | Rule::match_kind
        | Rule::match_make_up
        | Rule::match_after => alts!(
            ["`for`", "`due`", "`kind`", "`make_up`", "`after`"],
            "an expected action can name `for ROLE`, `due DATE`, `kind KIND`, `make_up N` and `after LABEL`",
            "for",
            "due",
            "kind",
            "make_up",
            "after"
        ),
        _ => return None,
    })
}

/// Keyword rules.
fn keyword(r: Rule) -> Words {
    match r {
        Rule::kw_after => kw!("after"),
        Rule::kw_and => kw!("and"),
        Rule::kw_appointment => kw!("appointment"),
        Rule::kw_as => kw!("as"),
        Rule::kw_at => kw!("at"),
        Rule::kw_by => kw!("by"),
        Rule::kw_calendar => kw!("calendar"),
        Rule::kw_cc => kw!("cc"),
        Rule::kw_code => kw!("code"),
        Rule::kw_codes => kw!(
            "codes",
            "codes are listed in quotes after `codes`, like `codes \"L\", \"T\"`"
        ),
        Rule::kw_counts => kw!("counts"),
        Rule::kw_duo_report => kw!("duo_report"),
        Rule::kw_each => kw!("each"),
        Rule::kw_end => kw!("end"),
        Rule::kw_event => kw!("event"),
        Rule::kw_every => kw!("every"),
        Rule::kw_except => kw!("except"),
        Rule::kw_excludes => kw!("excludes"),
        Rule::kw_exemption => kw!("exemption"),
        Rule::kw_extends => kw!("extends"),
        Rule::kw_fired => kw!("fired"),
        Rule::kw_for => kw!("for"),
        Rule::kw_free => kw!(
            "free",
            "a calendar holds `school_year`, `lesson_hour`, `periods`, `free` and `term` lines, like `free \"Kerstvakantie\" 2022-12-24 .. 2023-01-08`"
        ),
        Rule::kw_from => kw!("from"),
        Rule::kw_group => kw!("group"),
        Rule::kw_ignore => kw!("ignore"),
        Rule::kw_in => kw!("in"),
        Rule::kw_inform => kw!("inform"),
        Rule::kw_ladder => kw!("ladder"),
        Rule::kw_last => kw!("last"),
        Rule::kw_law => kw!("law"),
        Rule::kw_lesson_hour => kw!(
            "lesson_hour",
            "a calendar holds `school_year`, `lesson_hour`, `periods`, `free` and `term` lines, like `free \"Kerstvakantie\" 2022-12-24 .. 2023-01-08`"
        ),
        Rule::kw_mail => kw!("mail"),
        Rule::kw_make_up => kw!("make_up"),
        Rule::kw_minutes => kw!(
            "minutes",
            "durations are written in `minutes`, like `lesson_hour 50 minutes`"
        ),
        Rule::kw_month => kw!("month"),
        Rule::kw_most => kw!("most"),
        Rule::kw_no => kw!("no"),
        Rule::kw_not => kw!("not"),
        Rule::kw_of => kw!("of"),
        Rule::kw_on => kw!(
            "on",
            "a rule fires `when CONDITION` or `on SIGNAL`, like `when count(late) >= 3`"
        ),
        Rule::kw_once => kw!("once"),
        Rule::kw_optional => kw!("optional"),
        Rule::kw_or => kw!("or"),
        Rule::kw_per => kw!("per"),
        Rule::kw_period => kw!("period"),
        Rule::kw_periods => kw!(
            "periods",
            "a calendar holds `school_year`, `lesson_hour`, `periods`, `free` and `term` lines, like `free \"Kerstvakantie\" 2022-12-24 .. 2023-01-08`"
        ),
        Rule::kw_policy => kw!("policy"),
        Rule::kw_precedence => kw!(
            "precedence",
            "a precedence lists two or more ladders of one family, the one that wins first: `precedence late_high, late`"
        ),
        Rule::kw_referral => kw!("referral"),
        Rule::kw_reclassify => kw!("reclassify"),
        Rule::kw_registration => kw!("registration"),
        Rule::kw_repeat => kw!("repeat"),
        Rule::kw_role => kw!("role"),
        Rule::kw_rule => kw!("rule"),
        Rule::kw_same => kw!("same"),
        Rule::kw_sanction => kw!("sanction"),
        Rule::kw_school => kw!(
            "school",
            "the header reads `policy \"Name\" school \"MLG\" school_year 2022-2023`"
        ),
        Rule::kw_school_week => kw!("school_week"),
        Rule::kw_school_year => kw!(
            "school_year",
            "write `school_year 2022-2023` in the policy header and `school_year 2022-08-29 .. 2023-07-21` in a calendar"
        ),
        Rule::kw_signal => kw!("signal"),
        Rule::kw_since => kw!("since"),
        Rule::kw_source => kw!(
            "source",
            "a law names its source right after its title: `law LAW16 \"…\" source \"Leerplichtwet 1969 art. 21a\"`"
        ),
        Rule::kw_step => kw!("step"),
        Rule::kw_term => kw!(
            "term",
            "a calendar holds `school_year`, `lesson_hour`, `periods`, `free` and `term` lines, like `free \"Kerstvakantie\" 2022-12-24 .. 2023-01-08`"
        ),
        Rule::kw_until => kw!("until"),
        Rule::kw_use => kw!("use"),
        Rule::kw_weekday => kw!("weekday"),
        Rule::kw_when => kw!(
            "when",
            "a rule fires `when CONDITION` or `on SIGNAL`, like `when count(late) >= 3`"
        ),
        Rule::kw_where => kw!("where"),
        Rule::kw_with => kw!("with"),
        Rule::kw_within => kw!("within"),
        Rule::kw_tests => kw!(
            "tests",
            "the header names the policy under test: `tests \"2022-2023.verzuim\"`"
        ),
        Rule::kw_test => kw!("test", "a test reads `test \"name\" { … }`"),
        Rule::kw_as_of => kw!("as_of", "write `as_of 2022-09-30`"),
        Rule::kw_roster => kw!("roster"),
        Rule::kw_events => kw!("events"),
        Rule::kw_expect => kw!("expect"),
        Rule::kw_nothing => kw!("nothing", "write `expect nothing else for S1`"),
        Rule::kw_else => kw!("else", "write `expect nothing else for S1`"),
        Rule::kw_actions => kw!(
            "actions",
            "write `expect 3 actions` or `expect 3 actions for S1`"
        ),
        Rule::kw_due => kw!("due"),
        Rule::kw_kind => kw!("kind"),
        Rule::kw_min => kw!("min", "minutes are written like `10 min`"),
        Rule::kw_expect_step => kw!(
            "step",
            "an expectation reads `expect S1 2022-09-19 step L3` or `expect no step L6`"
        ),
        Rule::kw_x => kw!(
            "x",
            "make-up time reads `make_up 2 x \"…\"`: twice the registration's lesson hours"
        ),
        _ => words!("something else"),
    }
}
