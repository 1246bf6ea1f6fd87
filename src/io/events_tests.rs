//! Unit tests of the events reader.
use super::*;
use crate::io::testutil::{d, policy};

fn errors(text: &str) -> Vec<String> {
    match parse_events(&policy(), "data.csv", text, 0) {
        Ok(_) => vec![],
        Err(es) => es.iter().map(|e| e.to_string()).collect(),
    }
}

#[test]
fn reads_kinds_codes_and_signals() {
    let text = "student,date,period,kind,code,minutes\n\
                S2,2022-09-05,1,late,,7\n\
                S1,2022-09-05,2,,Z,\n\
                S1,2022-09-05,,special_arrangement,,\n\
                S1,2022-09-06,3,,HV,\n\
                S1,2022-09-05,2,,Z,\n";
    let regs = parse_events(&policy(), "data.csv", text, 0).unwrap();
    assert_eq!(regs.students, vec!["S1", "S2"]);
    assert_eq!(regs.ignored, 1);
    assert_eq!(regs.rows.len(), 3, "the duplicate sick row is merged");
    let r = &regs.rows[0];
    assert_eq!((r.student, r.period, r.kind, r.minutes), (0, None, 5, 0));
    let r = &regs.rows[1];
    assert_eq!(
        (r.date, r.period, r.kind, r.minutes),
        (d("2022-09-05"), Some(2), 1, 50)
    );
    assert_eq!(r.code.as_deref(), Some("Z"));
    assert_eq!(r.origin.line, 3);
    let r = &regs.rows[2];
    assert_eq!((r.student, r.kind, r.minutes), (1, 0, 7));
    assert_eq!(r.authorization, Authorization::Unauthorized);
}

#[test]
fn code_overrides_kind_marking() {
    let text = "code,student,date,period,minutes\nLa,S1,2022-09-05,1,5\n";
    let regs = parse_events(&policy(), "x.csv", text, 0).unwrap();
    assert_eq!(regs.rows[0].authorization, Authorization::Authorized);
}

#[test]
fn every_bad_row_is_reported_with_its_location() {
    let text = "student,date,period,kind,minutes\n\
                S1,2022-09-05,1,lat,5\n\
                S1,2023-02-30,1,sick,\n\
                S1,2022-10-17,1,sick,\n\
                S1,2022-09-03,1,sick,\n\
                S1,2022-09-07,7,sick,\n\
                S1,2022-09-05,x,sick,\n\
                S1,2022-09-05,1,late,-3\n\
                ,2022-09-05,1,sick,\n\
                S1,2022-09-05,2,special_arrangement,\n\
                S1,2022-09-05,,sick,\n\
                S1,2022-09-05,1,late,\n\
                S1,2022-08-01,1,sick,\n";
    let errs = errors(text);
    assert_eq!(
        errs,
        vec![
            "data.csv:2:17: unknown kind `lat` (expected one of: late, sick, truancy, removal, authorized, special_arrangement, unclear_illness)",
            "data.csv:3:4: impossible date `2023-02-30`: February 2023 has 28 days",
            "data.csv:4:4: 2022-10-17 is in Herfstvakantie (2022-10-15 .. 2022-10-23)",
            "data.csv:5:4: 2022-09-03 is a Saturday",
            "data.csv:6:15: period `7` is not scheduled on Wednesdays (expected 1–6)",
            "data.csv:7:15: bad period: `x` is not a whole number",
            "data.csv:8:22: bad minutes: negative number `-3`",
            "data.csv:9:1: missing student",
            "data.csv:10:15: a signal has no period, but the row gives `2`",
            "data.csv:11:15: missing period",
            "data.csv:12:22: late arrival without minutes late",
            "data.csv:13:4: 2022-08-01 is outside the school year (2022-08-29 .. 2023-07-21)",
        ]
    );
}

#[test]
fn unknown_kind_suggests_the_closest() {
    let text = "student,date,period,kind,minutes\nS1,2022-09-05,1,lat,5\n";
    let err = parse_events(&policy(), "d.csv", text, 0).unwrap_err();
    assert_eq!(err[0].help.as_deref(), Some("did you mean `late`?"));
    assert_eq!(err[0].code, DataErrorCode::UnknownKind);
}

#[test]
fn header_problems_are_reported() {
    let errs = errors("student,date,period,kind,minuten\n");
    assert_eq!(errs, vec!["data.csv:1:26: unknown column `minuten`"]);
    let errs = errors("student,date,period\n");
    assert_eq!(
        errs,
        vec!["data.csv:1:1: missing column `kind` (or `code`)"]
    );
    let errs = errors("");
    assert_eq!(errs, vec!["data.csv:1:1: the file is empty"]);
}

#[test]
fn codes_are_case_sensitive_with_a_hint() {
    let text = "student,date,period,code\nS1,2022-09-05,1,z\n";
    let err = parse_events(&policy(), "d.csv", text, 0).unwrap_err();
    assert_eq!(
        err[0].help.as_deref(),
        Some("codes are case-sensitive: did you mean `Z`?")
    );
}

proptest::proptest! {
    /// Whatever the text, reading it returns (never panics), and every
    /// error names a line and column inside the file.
    #[test]
    fn never_panics_on_arbitrary_rows(
        rows in proptest::collection::vec(
            "[S0-9]{0,3},(2022-09-0[0-9]|20[0-9-]{0,8}|x)?,[-0-9x]{0,2},(late|sick|lat|special_arrangement|)?,[-0-9]{0,3}(,\"[a,\"]{0,3}\")?",
            0..12,
        )
    ) {
        let mut text = String::from("student,date,period,kind,minutes\n");
        for r in &rows {
            text.push_str(r);
            text.push('\n');
        }
        if let Err(errs) = parse_events(&policy(), "p.csv", &text, 0) {
            let lines = text.lines().count() as u64;
            for e in errs {
                proptest::prop_assert!(e.line >= 1 && e.line <= lines.max(1), "{e}");
                proptest::prop_assert!(e.column >= 1, "{e}");
            }
        }
    }
}

#[test]
fn kind_and_code_must_agree() {
    let text = "student,date,period,kind,code\nS1,2022-09-05,1,truancy,Z\n";
    let errs = errors(text);
    assert_eq!(
        errs,
        vec!["data.csv:2:17: kind `truancy` does not match code `Z`, which means `sick`"]
    );
}

fn file(name: &str, text: &str) -> EventsFile {
    EventsFile {
        name: name.into(),
        text: text.into(),
        format: EventsFormat::detect(name, text),
    }
}

#[test]
fn an_ignored_row_with_the_same_id_replaces_a_registration() {
    let files = [
        file(
            "a.csv",
            "id,student,date,period,code\nr1,S1,2022-09-05,1,S\nr2,S1,2022-09-05,2,S\n",
        ),
        file(
            "b.jsonl",
            "{\"id\":\"r1\",\"student\":\"S1\",\"date\":\"2022-09-05\",\"period\":1,\"code\":\"HV\"}\n{\"id\":\"r2\",\"student\":\"S1\",\"date\":\"2022-09-05\",\"period\":2,\"code\":\"S\"}\n",
        ),
    ];
    let read = parse_event_files(&policy(), &files, ReadOptions::default()).unwrap();
    assert_eq!((read.replaced, read.duplicates_merged), (1, 1));
    assert_eq!(read.registrations.ignored, 1);
    let rows = &read.registrations.rows;
    assert_eq!(rows.len(), 1);
    assert_eq!(
        (rows[0].period, rows[0].origin.file, rows[0].origin.line),
        (Some(2), 1, 2)
    );
}

#[test]
fn one_file_merges_identical_rows_only() {
    let text = "student,date,period,kind,minutes\nS1,2022-09-05,1,late,5\nS1,2022-09-05,1,late,5\nS1,2022-09-05,1,late,9\n";
    let read =
        parse_event_files(&policy(), &[file("a.csv", text)], ReadOptions::default()).unwrap();
    assert_eq!((read.replaced, read.duplicates_merged), (0, 1));
    assert_eq!(read.registrations.rows.len(), 2);
}
