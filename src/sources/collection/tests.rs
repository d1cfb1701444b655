//! Unit tests of collection planning and the choice of identifiers.
use entity::values::IdentifierKind as K;

use uuid::Uuid;

use super::*;
use crate::{
    identity::{Pid, SubjectId},
    sources::protocol::Subject,
};

fn source(id: &str, finds_by_duf: bool) -> SourceSystem {
    let mut s = crate::sources::simulator::demo_sources("http://sim")
        .into_iter()
        .find(|s| s.id == "nav")
        .unwrap();
    s.id = id.into();
    s.finds_by_duf = finds_by_duf;
    s
}

#[test]
fn a_source_is_asked_only_by_an_identifier_it_finds_persons_by() {
    let udi = source("udi", true);
    let nav = source("nav", false);
    // (the person's identifier kinds, reach, asks UDI, asks NAV)
    let rows: &[(&[K], Reach, bool, bool)] = &[
        (&[K::Fodselsnummer], Reach::Pid, true, true),
        (&[K::Duf, K::DNummer], Reach::Pid, true, true),
        (&[K::NameBirthDate, K::Duf], Reach::Duf, true, false),
        (&[K::Duf], Reach::Duf, true, false),
        (&[K::NameBirthDate], Reach::Nothing, false, false),
        (&[], Reach::Nothing, false, false),
    ];
    for (kinds, reach, udi_asked, nav_asked) in rows {
        let got = Reach::of(kinds.iter().copied());
        assert_eq!(got, *reach, "{kinds:?}");
        assert_eq!(got.asks(&udi).is_ok(), *udi_asked, "{kinds:?}");
        assert_eq!(got.asks(&nav).is_ok(), *nav_asked, "{kinds:?}");
    }
    assert_eq!(Reach::Duf.asks(&nav), Err(NEEDS_PID));
    assert_eq!(Reach::Nothing.asks(&udi), Err(NEEDS_NUMBER));
}

#[test]
fn planned_tasks_are_manual_with_the_reason_where_the_person_cannot_be_found() {
    let sources = vec![source("udi", true), source("nav", false)];
    let now = Utc::now();
    let status = |reach| {
        plan_tasks(
            &sources,
            Uuid::now_v7(),
            Some("settlement"),
            Operation::Access,
            None,
            &[],
            reach,
            now,
        )
        .into_iter()
        .map(|t| (t.status.unwrap(), t.error.unwrap()))
        .collect::<Vec<_>>()
    };
    let pending = (TaskStatus::Pending, None);
    let manual = |why: &str| (TaskStatus::Manual, Some(why.to_string()));
    assert_eq!(status(Reach::Pid), vec![pending.clone(), pending.clone()]);
    assert_eq!(status(Reach::Duf), vec![pending, manual(NEEDS_PID)]);
    assert_eq!(
        status(Reach::Nothing),
        vec![manual(NEEDS_NUMBER), manual(NEEDS_NUMBER)]
    );
}

#[test]
fn a_number_is_preferred_to_a_duf_number_and_that_to_a_name() {
    let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 7).unwrap();
    let policy = crate::identity::PidPolicy {
        allow_synthetic: true,
    };
    let fnr = SubjectId::Pid(Pid::parse("01019012561", policy).unwrap());
    let dnr = SubjectId::Pid(Pid::parse("41019012555", policy).unwrap());
    let duf = SubjectId::Duf(crate::identity::DufNumber::parse("201258697561", 2026).unwrap());
    let name = SubjectId::NameBirth(
        crate::identity::NameAndBirthDate::parse(
            "Ola Nordmann",
            chrono::NaiveDate::from_ymd_opt(1990, 1, 31).unwrap(),
            today,
        )
        .unwrap(),
    );
    // (newest first, chosen)
    let rows = [
        (vec![duf.clone(), fnr.clone()], Some(&fnr)),
        (vec![dnr.clone(), duf.clone(), fnr.clone()], Some(&fnr)),
        (vec![duf.clone(), dnr.clone()], Some(&dnr)),
        (vec![name.clone(), duf.clone()], Some(&duf)),
        (vec![name.clone()], Some(&name)),
        (vec![], None),
    ];
    for (ids, want) in rows {
        assert_eq!(preferred_subject(ids).as_ref(), want);
    }
    assert_eq!(
        call_subject(&source("udi", true), &duf),
        Ok(Subject::duf(duf.duf().unwrap()))
    );
    assert_eq!(call_subject(&source("nav", false), &duf), Err(NEEDS_PID));
    assert_eq!(call_subject(&source("udi", true), &name), Err(NEEDS_NUMBER));
    assert_eq!(
        call_subject(&source("nav", false), &fnr),
        Ok(Subject::pid(fnr.pid().unwrap()))
    );
}
