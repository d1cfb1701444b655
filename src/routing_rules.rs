//! Routing of a request to a controller and unit (docs/architecture.md).
//!
//! Rules map (service area, geography, right) → (controller, unit). Every set field of a rule
//! must match; unset fields are wildcards; inactive rules never match. The most specific
//! matching rule wins (see [`Rule::specificity`]); ties go to the **lowest rule id** (by
//! [`Uuid`] ordering) so that routing is deterministic. No match goes to the fallback unit of
//! the privacy officer ("ufordelt"), so a request is never lost.
//!
//! A person with a strictly confidential address (Folkeregisteret: strengt fortrolig) is never
//! routed by their registered address (it is not stored): the rules pick the controller from what
//! the person told us, and the request goes to the unit that controller names for such persons
//! (its own or its public body's; for NAV: 2103 Nav Vikafossen), never to an ordinary unit. A
//! controller that names none sends them to the fallback controller's protected unit, which the
//! route's reason says so that an administrator can see it.
//!
//! This module is pure; loading rules and recording the route in the audit trail are the
//! caller's job.

use std::fmt;

use uuid::Uuid;

use crate::lifecycle::RightKind;

/// Specificity points for a matching district (6-digit) rule.
pub const SCORE_DISTRICT: u32 = 4;
/// Specificity points for a matching municipality (4-digit) rule.
pub const SCORE_MUNICIPALITY: u32 = 2;
/// Specificity points for a matching service area: the most important dimension, since it
/// decides the controller.
pub const SCORE_SERVICE_AREA: u32 = 8;
/// Specificity points for a matching right kind.
pub const SCORE_KIND: u32 = 1;

/// A person's registered address as a routing area: an SSB municipality number (4 digits,
/// e.g. `0301` Oslo, `3420` Elverum, `3205` Lillestrøm) or a district (bydel) number
/// (6 digits, e.g. `030101` Gamle Oslo).
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Geography {
    /// Municipality (kommune), 4 digits.
    Municipality(String),
    /// District (bydel), 6 digits; the first 4 are the municipality.
    District(String),
}

/// Why a geography code was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GeographyError {
    /// The code contains something other than ASCII digits (or is empty).
    #[error("geography code must be ASCII digits only")]
    NotDigits,
    /// The code is digits but neither 4 (municipality) nor 6 (district) long.
    #[error("geography code must have 4 (municipality) or 6 (district) digits, not {len}")]
    WrongLength {
        /// Number of digits given.
        len: usize,
    },
}

impl Geography {
    /// Parses 4 ASCII digits as a municipality or 6 as a district. No trimming.
    pub fn parse(s: &str) -> Result<Geography, GeographyError> {
        if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(GeographyError::NotDigits);
        }
        match s.len() {
            4 => Ok(Geography::Municipality(s.to_owned())),
            6 => Ok(Geography::District(s.to_owned())),
            len => Err(GeographyError::WrongLength { len }),
        }
    }

    /// The municipality number: the code itself, or a district's first 4 digits.
    pub fn municipality(&self) -> &str {
        match self {
            Geography::Municipality(m) => m,
            // `get` keeps this panic-free even for a hand-built, malformed value.
            Geography::District(d) => d.get(..4).unwrap_or(d),
        }
    }

    /// The code as given (4 or 6 digits).
    pub fn as_str(&self) -> &str {
        match self {
            Geography::Municipality(s) | Geography::District(s) => s,
        }
    }

    /// Points if a rule with this geography matches the person's `input` geography:
    /// a district rule matches only that district; a municipality rule matches the
    /// municipality or any of its districts.
    fn match_score(&self, input: &Geography) -> Option<u32> {
        match self {
            Geography::District(d) => match input {
                Geography::District(i) if i == d => Some(SCORE_DISTRICT),
                _ => None,
            },
            Geography::Municipality(m) => {
                (input.municipality() == m.as_str()).then_some(SCORE_MUNICIPALITY)
            }
        }
    }
}

impl fmt::Display for Geography {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One routing rule; `None` fields are wildcards.
#[derive(Debug, Clone)]
pub struct Rule {
    /// Rule id; the lowest id wins a tie.
    pub id: Uuid,
    /// Service area (e.g. `settlement`), compared ASCII-case-insensitively.
    pub service_area: Option<String>,
    /// Municipality or district the rule covers.
    pub geography: Option<Geography>,
    /// The right the rule is limited to.
    pub kind: Option<RightKind>,
    /// Controller (behandlingsansvarlig) the request goes to.
    pub controller_id: Uuid,
    /// Unit inside the controller whose queue gets the request.
    pub unit_id: Uuid,
    /// Inactive rules never match.
    pub active: bool,
}

impl Rule {
    /// `Some(score)` if this rule matches `input`, else `None`. Score = sum of
    /// [`SCORE_SERVICE_AREA`] (8), [`SCORE_DISTRICT`] (4) or [`SCORE_MUNICIPALITY`] (2), and
    /// [`SCORE_KIND`] (1) for each field the rule sets. A wildcard-only rule scores 0.
    pub fn specificity(&self, input: &RoutingInput) -> Option<u32> {
        if !self.active {
            return None;
        }
        let mut score = 0;
        if let Some(area) = &self.service_area {
            match input.service_area {
                Some(i) if i.eq_ignore_ascii_case(area) => score += SCORE_SERVICE_AREA,
                _ => return None,
            }
        }
        if let Some(geo) = &self.geography {
            score += geo.match_score(input.geography?)?;
        }
        if let Some(kind) = self.kind {
            if kind != input.kind {
                return None;
            }
            score += SCORE_KIND;
        }
        Some(score)
    }
}

/// What is known about a request when routing it.
#[derive(Debug, Clone, Copy)]
pub struct RoutingInput<'a> {
    /// The service area the request concerns, if known.
    pub service_area: Option<&'a str>,
    /// The person's registered address (Folkeregisteret, else the person's choice).
    pub geography: Option<&'a Geography>,
    /// The right invoked.
    pub kind: RightKind,
    /// Strictly confidential address (strengt fortrolig): never routed by address.
    pub strictly_confidential: bool,
}

/// Where a request goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Destination {
    /// Controller (behandlingsansvarlig).
    pub controller_id: Uuid,
    /// Unit inside the controller.
    pub unit_id: Uuid,
}

/// Why a request went where it did (for the audit trail).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case", tag = "reason")]
pub enum RouteReason {
    /// A rule matched; `specificity` is its score.
    Rule {
        /// The winning rule.
        rule_id: Uuid,
        /// Its score (see [`Rule::specificity`]).
        specificity: u32,
    },
    /// Strictly confidential address: sent to the protected unit the controller names. The rule
    /// is not recorded: it would tell where the person lives.
    ProtectedAddress,
    /// Strictly confidential address, and the controller names no protected unit: sent to the
    /// fallback controller's protected unit (or the fallback unit when it has none either).
    ProtectedAddressNoUnit,
    /// No rule matched: sent to the privacy officer's fallback unit.
    Fallback,
}

/// The routing decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Routed {
    /// Where the request goes.
    pub destination: Destination,
    /// Why.
    pub reason: RouteReason,
}

/// Routes a request. `protected_of`: the unit a controller names for persons with a strictly
/// confidential address. `fallback`: the privacy officer's unit when no rule matches.
///
/// Highest [`Rule::specificity`] wins; on a tie the rule with the lowest id wins.
pub fn route(
    rules: &[Rule],
    input: &RoutingInput,
    fallback: Destination,
    protected_of: impl Fn(Uuid) -> Option<Destination>,
) -> Routed {
    let ordinary = route_by_rules(rules, input, fallback);
    if !input.strictly_confidential {
        return ordinary;
    }
    match protected_of(ordinary.destination.controller_id) {
        Some(destination) => Routed {
            destination,
            reason: RouteReason::ProtectedAddress,
        },
        None => Routed {
            destination: protected_of(fallback.controller_id).unwrap_or(fallback),
            reason: RouteReason::ProtectedAddressNoUnit,
        },
    }
}

fn route_by_rules(rules: &[Rule], input: &RoutingInput, fallback: Destination) -> Routed {
    let best = rules
        .iter()
        .filter_map(|r| r.specificity(input).map(|s| (s, r)))
        // max_by: higher score wins; on equal score the lower id compares greater.
        .max_by(|(sa, ra), (sb, rb)| sa.cmp(sb).then_with(|| rb.id.cmp(&ra.id)));
    match best {
        Some((specificity, rule)) => Routed {
            destination: Destination {
                controller_id: rule.controller_id,
                unit_id: rule.unit_id,
            },
            reason: RouteReason::Rule {
                rule_id: rule.id,
                specificity,
            },
        },
        None => Routed {
            destination: fallback,
            reason: RouteReason::Fallback,
        },
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
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
}
