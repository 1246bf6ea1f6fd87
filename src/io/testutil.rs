//! A small MLG-like policy built by hand, for the readers' unit tests.

use crate::calendar::{Calendar, FreeRange};
use crate::eval::{ActionRecord, Evidence};
use crate::model::ActionKindTag;
use crate::model::{CodeMeaning, ExemptionDef, GroupDef, KindDef, Policy, RoleDef};
use crate::syntax::ast::Authorization::{self, Authorized, Unauthorized};
use chrono::NaiveDate;
use std::collections::BTreeMap;

pub(crate) fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn kind(id: &str, signal: bool, authorization: Authorization) -> KindDef {
    KindDef {
        id: id.into(),
        name: id.into(),
        signal,
        authorization,
    }
}

pub(crate) fn calendar() -> Calendar {
    let mut periods = [None; 7];
    for p in periods.iter_mut().take(5) {
        *p = Some((1, 8));
    }
    periods[2] = Some((1, 6));
    let free = vec![FreeRange {
        name: "Herfstvakantie".into(),
        start: d("2022-10-15"),
        end: d("2022-10-23"),
    }];
    Calendar::new(
        "Test".into(),
        d("2022-08-29"),
        d("2023-07-21"),
        50,
        periods,
        free,
        vec![],
    )
}

pub(crate) fn policy() -> Policy {
    let kinds = vec![
        kind("late", false, Unauthorized),
        kind("sick", false, Authorized),
        kind("truancy", false, Unauthorized),
        kind("removal", false, Authorized),
        kind("authorized", false, Authorized),
        kind("special_arrangement", true, Authorized),
        kind("unclear_illness", true, Authorized),
    ];
    let mut codes = BTreeMap::new();
    codes.insert("L".to_string(), CodeMeaning::Kind(0, Unauthorized));
    codes.insert("La".to_string(), CodeMeaning::Kind(0, Authorized));
    codes.insert("Z".to_string(), CodeMeaning::Kind(1, Authorized));
    codes.insert("S".to_string(), CodeMeaning::Kind(2, Unauthorized));
    codes.insert("HV".to_string(), CodeMeaning::Ignored);
    Policy {
        name: "Test".into(),
        school: "T".into(),
        school_year: (2022, 2023),
        calendar: calendar(),
        roles: vec![
            RoleDef {
                id: "vc".into(),
                name: "Verzuimcoördinator".into(),
            },
            RoleDef {
                id: "mentor".into(),
                name: "Mentor".into(),
            },
        ],
        kinds,
        codes,
        groups: vec![GroupDef {
            id: "previous_year_high".into(),
            name: "veel verzuim 21/22".into(),
            conditions: vec![],
        }],
        reclassifications: vec![],
        exemptions: vec![ExemptionDef {
            id: "medical".into(),
            name: "Medisch".into(),
            kinds: vec![1],
            ladders: vec![],
            from_signal: None,
            until_signal: None,
        }],
        ladders: vec![],
        steps: vec![],
        measures: vec![],
    }
}

/// The real Regio Noord 2022/23 calendar (200 school days).
pub(crate) fn noord() -> Calendar {
    let f = |n: &str, a: &str, b: &str| FreeRange {
        name: n.into(),
        start: d(a),
        end: d(b),
    };
    let mut periods = [None; 7];
    for p in periods.iter_mut().take(5) {
        *p = Some((1, 8));
    }
    let free = vec![
        f("Herfstvakantie", "2022-10-15", "2022-10-23"),
        f("Kerstvakantie", "2022-12-24", "2023-01-08"),
        f("Voorjaarsvakantie", "2023-02-25", "2023-03-05"),
        f("Goede Vrijdag", "2023-04-07", "2023-04-07"),
        f("Tweede Paasdag", "2023-04-10", "2023-04-10"),
        f("Meivakantie", "2023-04-22", "2023-05-07"),
        f("Hemelvaart", "2023-05-18", "2023-05-19"),
        f("Tweede Pinksterdag", "2023-05-29", "2023-05-29"),
    ];
    Calendar::new(
        "Regio Noord 2022/23".into(),
        d("2022-08-29"),
        d("2023-07-21"),
        50,
        periods,
        free,
        vec![],
    )
}

/// An L3 action for student S1.
pub(crate) fn sample_action() -> ActionRecord {
    ActionRecord {
        id: "S1/L3/2022-2023".into(),
        student: "S1".into(),
        ladder: Some("late".into()),
        step: "L3".into(),
        title: "3x te laat".into(),
        triggered_on: d("2022-09-19"),
        roles: vec!["vc".into()],
        roles_join: "or",
        text: "Signaleert".into(),
        cc: vec![],
        due: None,
        optional: false,
        kind: "sanction",
        params: serde_json::Map::new(),
        law: false,
        trigger: Some(Evidence {
            date: d("2022-09-19"),
            period: Some(2),
            kind: "late".into(),
            minutes: 7,
        }),
        evidence: vec![],
        after: None,
        step_index: 0,
        action_index: 0,
        seq: 0,
        kind_tag: ActionKindTag::Sanction,
    }
}
