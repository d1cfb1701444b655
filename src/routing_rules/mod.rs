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
mod tests;
