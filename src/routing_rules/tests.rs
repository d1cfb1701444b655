//! Unit tests of routing: a rule set like the demo's, ties, fallbacks, geography parsing and the
//! route's reason.
mod route_table;

use super::*;

/// Deterministic ids: `id(n)` sorts by `n`.
fn id(n: u128) -> Uuid {
    Uuid::from_u128(n)
}

// Controllers.
const OSLO_DISTRICT_BASE: u128 = 0x1000; // + district number 1..=15: bydel as controller
const UTDANNINGSETATEN: u128 = 0x2001;
const VELFERDSETATEN: u128 = 0x2002;
const ELVERUM: u128 = 0x2003;
const LILLESTROM: u128 = 0x2004;
const OSLO: u128 = 0x2005;
const NAV: u128 = 0x2006;
// Units.
const NAV_OFFICE_BASE: u128 = 0x3000; // + district number: NAV office of the bydel
const UNIT_UTDANNINGSETATEN: u128 = 0x4001;
const UNIT_VELFERDSETATEN: u128 = 0x4002;
const UNIT_ELVERUM_BOSETTING: u128 = 0x4003;
const UNIT_LILLESTROM: u128 = 0x4004;
const UNIT_OSLO_SETTLEMENT_CENTRAL: u128 = 0x4005;
const UNIT_ELVERUM_SLETTING: u128 = 0x4006;
const UNIT_INACTIVE: u128 = 0x4007;
const UNIT_FALLBACK: u128 = 0x4f00;
const UNIT_VIKAFOSSEN: u128 = 0x4f01; // NAV 2103
const UNIT_OSLO_PROTECTED: u128 = 0x4f02; // Oslo kommune's unit for all its bodies
const UNIT_ELVERUM_PROTECTED: u128 = 0x4f03;

fn rule(
    n: u128,
    area: Option<&str>,
    geo: Option<&str>,
    kind: Option<RightKind>,
    controller: u128,
    unit: u128,
) -> Rule {
    Rule {
        id: id(n),
        service_area: area.map(str::to_owned),
        geography: geo.map(|g| Geography::parse(g).unwrap()),
        kind,
        controller_id: id(controller),
        unit_id: id(unit),
        active: true,
    }
}

/// A rule set like the demo's (`demo.rs`).
fn rules() -> Vec<Rule> {
    let mut v = Vec::new();
    // Oslo settlement: one rule per district 030101–030115 → that bydel, its NAV office.
    for d in 1..=15u128 {
        v.push(rule(
            0x100 + d,
            Some("settlement"),
            Some(&format!("0301{d:02}")),
            None,
            OSLO_DISTRICT_BASE + d,
            NAV_OFFICE_BASE + d,
        ));
    }
    v.push(rule(
        0x201,
        Some("norwegian-training"),
        Some("0301"),
        None,
        UTDANNINGSETATEN,
        UNIT_UTDANNINGSETATEN,
    ));
    v.push(rule(
        0x202,
        Some("statistics"),
        None,
        None,
        VELFERDSETATEN,
        UNIT_VELFERDSETATEN,
    ));
    v.push(rule(
        0x203,
        Some("settlement"),
        Some("3420"),
        None,
        ELVERUM,
        UNIT_ELVERUM_BOSETTING,
    ));
    // Kind-specific: erasure requests for Elverum settlement go to a separate unit.
    v.push(rule(
        0x204,
        Some("settlement"),
        Some("3420"),
        Some(RightKind::Sletting),
        ELVERUM,
        UNIT_ELVERUM_SLETTING,
    ));
    // Lillestrøm: the whole municipality, any service area.
    v.push(rule(
        0x205,
        None,
        Some("3205"),
        None,
        LILLESTROM,
        UNIT_LILLESTROM,
    ));
    // An inactive rule that would otherwise be the most specific for 030105.
    let mut inactive = rule(
        0x206,
        Some("settlement"),
        Some("030105"),
        Some(RightKind::Innsyn),
        NAV,
        UNIT_INACTIVE,
    );
    inactive.active = false;
    v.push(inactive);
    v
}

/// Adds an Oslo-wide settlement rule (for districts without their own rule, e.g. Sentrum).
fn rules_with_oslo_municipality() -> Vec<Rule> {
    let mut v = rules();
    v.push(rule(
        0x207,
        Some("settlement"),
        Some("0301"),
        None,
        OSLO,
        UNIT_OSLO_SETTLEMENT_CENTRAL,
    ));
    v
}

fn fallback() -> Destination {
    Destination {
        controller_id: id(OSLO),
        unit_id: id(UNIT_FALLBACK),
    }
}

/// The protected units the controllers name: Oslo's bodies share Oslo kommune's, Elverum
/// has its own, NAV has Vikafossen, Lillestrøm names none.
fn protected_of(controller: Uuid) -> Option<Destination> {
    let oslo = Destination {
        controller_id: id(OSLO),
        unit_id: id(UNIT_OSLO_PROTECTED),
    };
    match controller.as_u128() {
        c if (OSLO_DISTRICT_BASE + 1..=OSLO_DISTRICT_BASE + 15).contains(&c) => Some(oslo),
        UTDANNINGSETATEN | VELFERDSETATEN | OSLO => Some(oslo),
        ELVERUM => Some(Destination {
            controller_id: id(ELVERUM),
            unit_id: id(UNIT_ELVERUM_PROTECTED),
        }),
        NAV => Some(Destination {
            controller_id: id(NAV),
            unit_id: id(UNIT_VIKAFOSSEN),
        }),
        _ => None,
    }
}

#[test]
fn settlement_district_goes_to_district_controller() {
    let rs = rules();
    for d in 1..=15u128 {
        let geo = Geography::parse(&format!("0301{d:02}")).unwrap();
        let input = RoutingInput {
            service_area: Some("settlement"),
            geography: Some(&geo),
            kind: RightKind::Innsyn,
            strictly_confidential: false,
        };
        let got = route(&rs, &input, fallback(), protected_of);
        assert_eq!(
            got.destination,
            Destination {
                controller_id: id(OSLO_DISTRICT_BASE + d),
                unit_id: id(NAV_OFFICE_BASE + d)
            }
        );
    }
}

#[test]
fn tie_broken_by_lowest_id_regardless_of_order() {
    let a = rule(
        0x900,
        Some("statistics"),
        None,
        None,
        VELFERDSETATEN,
        0x5001,
    );
    let b = rule(
        0x901,
        Some("statistics"),
        None,
        None,
        VELFERDSETATEN,
        0x5002,
    );
    let c = rule(
        0x902,
        Some("statistics"),
        None,
        None,
        VELFERDSETATEN,
        0x5003,
    );
    let input = RoutingInput {
        service_area: Some("statistics"),
        geography: None,
        kind: RightKind::Innsyn,
        strictly_confidential: false,
    };
    for order in [
        vec![a.clone(), b.clone(), c.clone()],
        vec![c.clone(), b.clone(), a.clone()],
        vec![b.clone(), c.clone(), a.clone()],
    ] {
        let got = route(&order, &input, fallback(), protected_of);
        assert_eq!(got.destination.unit_id, id(0x5001));
        assert_eq!(
            got.reason,
            RouteReason::Rule {
                rule_id: id(0x900),
                specificity: 8
            }
        );
    }
    // A higher score beats a lower id.
    let d = rule(
        0x999,
        Some("statistics"),
        None,
        Some(RightKind::Innsyn),
        VELFERDSETATEN,
        0x5004,
    );
    let got = route(&[a, b, c, d], &input, fallback(), protected_of);
    assert_eq!(got.destination.unit_id, id(0x5004));
}

#[test]
fn all_inactive_goes_to_fallback() {
    let mut rs = rules_with_oslo_municipality();
    for r in &mut rs {
        r.active = false;
    }
    let geo = Geography::parse("030101").unwrap();
    let input = RoutingInput {
        service_area: Some("settlement"),
        geography: Some(&geo),
        kind: RightKind::Innsyn,
        strictly_confidential: false,
    };
    let got = route(&rs, &input, fallback(), protected_of);
    assert_eq!(
        got,
        Routed {
            destination: fallback(),
            reason: RouteReason::Fallback
        }
    );
    assert_eq!(
        route(&[], &input, fallback(), protected_of).reason,
        RouteReason::Fallback
    );
}

#[test]
fn wildcard_rule_scores_zero_and_loses_to_anything() {
    let catch_all = rule(0x1, None, None, None, OSLO, 0x5100);
    let geo = Geography::parse("030101").unwrap();
    let input = RoutingInput {
        service_area: Some("settlement"),
        geography: Some(&geo),
        kind: RightKind::Innsyn,
        strictly_confidential: false,
    };
    let mut rs = rules();
    rs.push(catch_all.clone());
    assert_eq!(
        route(&rs, &input, fallback(), protected_of)
            .destination
            .unit_id,
        id(NAV_OFFICE_BASE + 1)
    );
    let got = route(&[catch_all], &input, fallback(), protected_of);
    assert_eq!(
        got.reason,
        RouteReason::Rule {
            rule_id: id(0x1),
            specificity: 0
        }
    );
}

#[test]
fn geography_parse_table() {
    let ok = [
        ("0301", Geography::Municipality("0301".into()), "0301"),
        ("3420", Geography::Municipality("3420".into()), "3420"),
        ("030101", Geography::District("030101".into()), "0301"),
        ("030199", Geography::District("030199".into()), "0301"),
    ];
    for (s, want, muni) in ok {
        let g = Geography::parse(s).unwrap();
        assert_eq!(g, want);
        assert_eq!(g.as_str(), s);
        assert_eq!(g.to_string(), s);
        assert_eq!(g.municipality(), muni);
    }
    let bad = [
        ("030", GeographyError::WrongLength { len: 3 }),
        ("03010", GeographyError::WrongLength { len: 5 }),
        ("0301011", GeographyError::WrongLength { len: 7 }),
        ("abcd", GeographyError::NotDigits),
        ("03a1", GeographyError::NotDigits),
        ("Oslo", GeographyError::NotDigits),
        ("", GeographyError::NotDigits),
        (" 0301", GeographyError::NotDigits),
        ("0301 ", GeographyError::NotDigits),
        ("٠٣٠١", GeographyError::NotDigits), // Arabic-Indic digits are not ASCII
        ("-301", GeographyError::NotDigits),
    ];
    for (s, want) in bad {
        assert_eq!(Geography::parse(s), Err(want), "{s:?}");
    }
    assert!(
        GeographyError::WrongLength { len: 5 }
            .to_string()
            .contains("not 5")
    );
}

#[test]
fn route_reason_serializes_tagged() {
    let r = RouteReason::Rule {
        rule_id: id(0x101),
        specificity: 12,
    };
    let v = serde_json::to_value(&r).unwrap();
    assert_eq!(v["reason"], "rule");
    assert_eq!(v["specificity"], 12);
    assert_eq!(v["rule_id"], id(0x101).to_string());
    assert_eq!(
        serde_json::to_string(&RouteReason::ProtectedAddress).unwrap(),
        r#"{"reason":"protected_address"}"#
    );
    assert_eq!(
        serde_json::to_string(&RouteReason::ProtectedAddressNoUnit).unwrap(),
        r#"{"reason":"protected_address_no_unit"}"#
    );
    assert_eq!(
        serde_json::to_string(&RouteReason::Fallback).unwrap(),
        r#"{"reason":"fallback"}"#
    );
}

#[test]
fn geography_serde_round_trip() {
    for g in [
        Geography::parse("3205").unwrap(),
        Geography::parse("030115").unwrap(),
    ] {
        let json = serde_json::to_string(&g).unwrap();
        assert_eq!(serde_json::from_str::<Geography>(&json).unwrap(), g);
    }
}
