//! Unit tests of delivery: the channel rule, the print steps, lateness and the postal address.
use super::*;

/// The delivery rule, every channel × e-mail × paper wish.
#[test]
fn every_letter_reaches_the_person() {
    use Channel::*;
    // (channel, has e-mail, wants paper) → (e-mail notice, printed)
    let table = [
        (Portal, true, false, true, false),
        (Portal, false, false, false, true),
        (Portal, true, true, true, true),
        (Api, true, false, true, false),
        (Api, false, false, false, true),
        (Email, true, false, true, false),
        (Email, false, false, false, true),
        (Letter, true, false, true, true),
        (Letter, false, false, false, true),
        (InPerson, true, false, true, true),
        (InPerson, false, false, false, true),
    ];
    for (channel, email, paper, notice, printed) in table {
        let d = delivery(channel, email, paper);
        assert!(d.min_side, "{channel:?}: Min side always");
        assert_eq!(
            (d.email_notice, d.printed),
            (notice, printed),
            "{channel:?} e-mail={email} paper={paper}"
        );
        assert!(
            d.email_notice || d.printed,
            "{channel:?}: the person is always told"
        );
    }
}

#[test]
fn a_letter_is_posted_once_and_only_with_an_address() {
    use PrintAction as A;
    use PrintStatus::*;
    let table = [
        (Queued, A::Printed, false, Ok(Printed)),
        (Queued, A::Posted, true, Ok(Posted)),
        (Queued, A::Posted, false, Err(PrintRefusal::AddressNeeded)),
        (Printed, A::Posted, true, Ok(Posted)),
        (Printed, A::Posted, false, Err(PrintRefusal::AddressNeeded)),
        (Printed, A::Printed, true, Err(PrintRefusal::Closed)),
        (Queued, A::Cancel, false, Ok(Cancelled)),
        (Printed, A::Cancel, true, Ok(Cancelled)),
        (Posted, A::Posted, true, Err(PrintRefusal::Closed)),
        (Posted, A::Cancel, true, Err(PrintRefusal::Closed)),
        (Cancelled, A::Posted, true, Err(PrintRefusal::Closed)),
    ];
    for (status, action, address, want) in table {
        assert_eq!(next(status, action, address), want, "{status:?} {action:?}");
    }
}

#[test]
fn posting_on_the_deadline_day_is_in_time() {
    let d = |s: &str| s.parse::<NaiveDate>().unwrap_or_default();
    let due = d("2026-12-02");
    let table = [
        (PrintStatus::Posted, Some("2026-12-02"), "2026-12-10", false),
        (PrintStatus::Posted, Some("2026-12-03"), "2026-12-10", true),
        (PrintStatus::Queued, None, "2026-12-02", false),
        (PrintStatus::Queued, None, "2026-12-03", true),
        (PrintStatus::Printed, None, "2026-12-03", true),
        (PrintStatus::Cancelled, None, "2026-12-30", false),
    ];
    for (status, posted, today, want) in table {
        assert_eq!(
            late(status, posted.map(d), due, d(today)),
            want,
            "{status:?} {posted:?} {today}"
        );
    }
}

fn refs(rs: &[Record]) -> Vec<&Record> {
    rs.iter().collect()
}

fn record(id: &str, value: &str) -> Record {
    Record {
        id: id.into(),
        category: "address".into(),
        label: id.into(),
        value: value.into(),
        recorded_at: None,
        purpose: "p".into(),
        legal_basis: "b".into(),
        recipients: vec![],
        retention: "r".into(),
        special_category: false,
        third_party: false,
    }
}

#[test]
fn the_address_comes_from_folkeregisteret_and_never_for_a_protected_person() {
    let open = [
        record(PROTECTION_RECORD, "ugradert"),
        record(POSTAL_ADDRESS_RECORD, "Storgata 12, 0182 OSLO"),
    ];
    assert_eq!(
        postal_address(&refs(&open)),
        Some(vec!["Storgata 12".to_string(), "0182 OSLO".to_string()])
    );
    let protected = [
        record(PROTECTION_RECORD, "strengtFortrolig"),
        record(POSTAL_ADDRESS_RECORD, "Storgata 12, 0182 OSLO"),
    ];
    assert_eq!(postal_address(&refs(&protected)), None);
    assert_eq!(
        postal_address(&refs(&[record(PROTECTION_RECORD, "ugradert")])),
        None
    );
}
