//! The routing table: each case a request and where it must go, with the reason it gets.
use super::*;

struct Case {
    name: &'static str,
    area: Option<&'static str>,
    geo: Option<&'static str>,
    kind: RightKind,
    confidential: bool,
    with_oslo_rule: bool,
    unit: u128,
    reason: Option<(u128, u32)>, // Some((rule, score)) or None for fallback/protected
}

const fn case(
    name: &'static str,
    area: Option<&'static str>,
    geo: Option<&'static str>,
    kind: RightKind,
    unit: u128,
    reason: Option<(u128, u32)>,
) -> Case {
    Case {
        name,
        area,
        geo,
        kind,
        confidential: false,
        with_oslo_rule: false,
        unit,
        reason,
    }
}

#[test]
fn route_table() {
    use RightKind::*;
    let mut cases = vec![
        case(
            "district rule: Gamle Oslo",
            Some("settlement"),
            Some("030101"),
            Innsyn,
            NAV_OFFICE_BASE + 1,
            Some((0x101, 12)),
        ),
        case(
            "district rule: Søndre Nordstrand",
            Some("settlement"),
            Some("030115"),
            Retting,
            NAV_OFFICE_BASE + 15,
            Some((0x10f, 12)),
        ),
        case(
            "service area case-insensitive",
            Some("Settlement"),
            Some("030103"),
            Innsyn,
            NAV_OFFICE_BASE + 3,
            Some((0x103, 12)),
        ),
        case(
            "norwegian-training: municipality rule matches a district",
            Some("norwegian-training"),
            Some("030104"),
            Innsyn,
            UNIT_UTDANNINGSETATEN,
            Some((0x201, 10)),
        ),
        case(
            "norwegian-training: municipality itself",
            Some("norwegian-training"),
            Some("0301"),
            Sletting,
            UNIT_UTDANNINGSETATEN,
            Some((0x201, 10)),
        ),
        case(
            "norwegian-training outside Oslo → fallback",
            Some("norwegian-training"),
            Some("3420"),
            Innsyn,
            UNIT_FALLBACK,
            None,
        ),
        case(
            "statistics: any geography",
            Some("statistics"),
            Some("030107"),
            Innsyn,
            UNIT_VELFERDSETATEN,
            Some((0x202, 8)),
        ),
        case(
            "statistics: no geography",
            Some("statistics"),
            None,
            Protest,
            UNIT_VELFERDSETATEN,
            Some((0x202, 8)),
        ),
        case(
            "service area wins over geography-only rule (Lillestrøm)",
            Some("statistics"),
            Some("3205"),
            Innsyn,
            UNIT_VELFERDSETATEN,
            Some((0x202, 8)),
        ),
        case(
            "Lillestrøm, unknown service area",
            Some("kindergarten"),
            Some("3205"),
            Innsyn,
            UNIT_LILLESTROM,
            Some((0x205, 2)),
        ),
        case(
            "Lillestrøm, no service area",
            None,
            Some("3205"),
            Begrensning,
            UNIT_LILLESTROM,
            Some((0x205, 2)),
        ),
        case(
            "Elverum settlement",
            Some("settlement"),
            Some("3420"),
            Innsyn,
            UNIT_ELVERUM_BOSETTING,
            Some((0x203, 10)),
        ),
        case(
            "Elverum settlement, kind-specific rule wins",
            Some("settlement"),
            Some("3420"),
            Sletting,
            UNIT_ELVERUM_SLETTING,
            Some((0x204, 11)),
        ),
        case(
            "030116 Sentrum without a rule → fallback",
            Some("settlement"),
            Some("030116"),
            Innsyn,
            UNIT_FALLBACK,
            None,
        ),
        case(
            "030199 unknown → fallback",
            Some("settlement"),
            Some("030199"),
            Innsyn,
            UNIT_FALLBACK,
            None,
        ),
        case(
            "Oslo municipality only, settlement: district rules don't match",
            Some("settlement"),
            Some("0301"),
            Innsyn,
            UNIT_FALLBACK,
            None,
        ),
        case(
            "inactive rule ignored (Frogner)",
            Some("settlement"),
            Some("030105"),
            Innsyn,
            NAV_OFFICE_BASE + 5,
            Some((0x105, 12)),
        ),
        case(
            "settlement without geography → fallback",
            Some("settlement"),
            None,
            Innsyn,
            UNIT_FALLBACK,
            None,
        ),
        case(
            "no service area, Oslo district → fallback",
            None,
            Some("030101"),
            Innsyn,
            UNIT_FALLBACK,
            None,
        ),
        case(
            "nothing known → fallback",
            None,
            None,
            Innsyn,
            UNIT_FALLBACK,
            None,
        ),
        case(
            "other municipality → fallback",
            Some("settlement"),
            Some("4601"),
            Innsyn,
            UNIT_FALLBACK,
            None,
        ),
    ];
    // With an Oslo-wide settlement rule.
    for mut c in [
        case(
            "district still beats municipality",
            Some("settlement"),
            Some("030102"),
            Innsyn,
            NAV_OFFICE_BASE + 2,
            Some((0x102, 12)),
        ),
        case(
            "030116 Sentrum → Oslo municipality rule",
            Some("settlement"),
            Some("030116"),
            Innsyn,
            UNIT_OSLO_SETTLEMENT_CENTRAL,
            Some((0x207, 10)),
        ),
        case(
            "030117 Marka → Oslo municipality rule",
            Some("settlement"),
            Some("030117"),
            Sletting,
            UNIT_OSLO_SETTLEMENT_CENTRAL,
            Some((0x207, 10)),
        ),
        case(
            "030199 → Oslo municipality rule",
            Some("settlement"),
            Some("030199"),
            Innsyn,
            UNIT_OSLO_SETTLEMENT_CENTRAL,
            Some((0x207, 10)),
        ),
        case(
            "0301 itself → Oslo municipality rule",
            Some("settlement"),
            Some("0301"),
            Innsyn,
            UNIT_OSLO_SETTLEMENT_CENTRAL,
            Some((0x207, 10)),
        ),
    ] {
        c.with_oslo_rule = true;
        cases.push(c);
    }
    // Protected address beats the rule's unit: the controller the rules pick names the unit.
    for (name, with_oslo_rule, area, geo, unit) in [
        (
            "protected, Oslo district → Oslo's protected unit",
            false,
            Some("settlement"),
            Some("030101"),
            UNIT_OSLO_PROTECTED,
        ),
        (
            "protected, Oslo-wide rule → Oslo's protected unit",
            true,
            Some("settlement"),
            Some("030116"),
            UNIT_OSLO_PROTECTED,
        ),
        (
            "protected, Velferdsetaten → Oslo's protected unit",
            false,
            Some("statistics"),
            None,
            UNIT_OSLO_PROTECTED,
        ),
        (
            "protected, no rule → the fallback controller's protected unit",
            false,
            None,
            None,
            UNIT_OSLO_PROTECTED,
        ),
        (
            "protected, Elverum → Elverum's own, never Vikafossen",
            false,
            Some("settlement"),
            Some("3420"),
            UNIT_ELVERUM_PROTECTED,
        ),
        (
            "protected, Lillestrøm names none → fallback controller's protected unit",
            false,
            None,
            Some("3205"),
            UNIT_OSLO_PROTECTED,
        ),
    ] {
        let mut c = case(name, area, geo, Sletting, unit, None);
        c.confidential = true;
        c.with_oslo_rule = with_oslo_rule;
        cases.push(c);
    }

    let plain = rules();
    let with_oslo = rules_with_oslo_municipality();
    for c in &cases {
        let geo = c.geo.map(|g| Geography::parse(g).unwrap());
        let input = RoutingInput {
            service_area: c.area,
            geography: geo.as_ref(),
            kind: c.kind,
            strictly_confidential: c.confidential,
        };
        let rs = if c.with_oslo_rule { &with_oslo } else { &plain };
        let got = route(rs, &input, fallback(), protected_of);
        assert_eq!(got.destination.unit_id, id(c.unit), "{}", c.name);
        let want_reason = match (c.confidential, c.reason) {
            (true, _) if c.geo == Some("3205") => RouteReason::ProtectedAddressNoUnit,
            (true, _) => RouteReason::ProtectedAddress,
            (false, Some((r, s))) => RouteReason::Rule {
                rule_id: id(r),
                specificity: s,
            },
            (false, None) => RouteReason::Fallback,
        };
        assert_eq!(got.reason, want_reason, "{}", c.name);
        if got.reason == RouteReason::Fallback {
            assert_eq!(got.destination, fallback(), "{}", c.name);
        }
    }
}
