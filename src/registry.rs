//! The registry of controllers, units, service areas and routing rules, read from the
//! database and cached briefly: rules change seldom, requests arrive often.
use std::{
    collections::HashMap,
    sync::Arc,
    time::{Duration, Instant},
};

use entity::{controller, routing_rule, service_area, unit};
use sea_orm::{ConnectionTrait, DbErr, EntityTrait};
use tokio::sync::RwLock;
use uuid::Uuid;

use crate::{
    lifecycle::RightKind,
    routing_rules::{self, Destination, Geography, Routed, RoutingInput, Rule},
};

#[derive(Debug, Clone)]
pub struct Registry {
    pub controllers: HashMap<Uuid, controller::Model>,
    pub units: HashMap<Uuid, unit::Model>,
    pub service_areas: HashMap<String, service_area::Model>,
    pub rules: Vec<Rule>,
    pub fallback: Option<Destination>,
    /// Per controller: the unit it names for persons with a strictly confidential address.
    pub protected_units: HashMap<Uuid, Destination>,
    /// Every registered source system (active or not).
    pub sources: Vec<crate::sources::SourceSystem>,
}

#[derive(Debug, thiserror::Error)]
pub enum RoutingError {
    #[error("no fallback unit is configured: requests could not be routed")]
    NoFallback,
}

impl Registry {
    pub async fn load(db: &impl ConnectionTrait) -> Result<Self, DbErr> {
        let controllers: HashMap<_, _> = controller::Entity::find()
            .all(db)
            .await?
            .into_iter()
            .map(|c| (c.id, c))
            .collect();
        let units: HashMap<_, _> = unit::Entity::find()
            .all(db)
            .await?
            .into_iter()
            .map(|u| (u.id, u))
            .collect();
        let service_areas = service_area::Entity::find()
            .all(db)
            .await?
            .into_iter()
            .map(|s| (s.code.clone(), s))
            .collect();
        let rules = routing_rule::Entity::find()
            .all(db)
            .await?
            .into_iter()
            .map(|r| {
                // A stored value the rules cannot read is an error: read as a wildcard it
                // would route more requests than the rule was written for.
                let unreadable = |what: &str, v: &str| {
                    DbErr::Type(format!("routing rule {}: {what} {v:?}", r.id))
                };
                let geography = match r.geography.as_deref() {
                    Some(g) => Some(Geography::parse(g).map_err(|_| unreadable("geography", g))?),
                    None => None,
                };
                let kind = match r.kind.as_deref() {
                    Some(k) => Some(RightKind::parse(k).ok_or_else(|| unreadable("kind", k))?),
                    None => None,
                };
                Ok(Rule {
                    id: r.id,
                    service_area: r.service_area,
                    geography,
                    kind,
                    controller_id: r.controller_id,
                    unit_id: r.unit_id,
                    active: r.active,
                })
            })
            .collect::<Result<_, DbErr>>()?;
        let pick = |flag: fn(&unit::Model) -> bool| {
            let mut found: Vec<&unit::Model> = units.values().filter(|u| flag(u)).collect();
            found.sort_by_key(|u| u.id);
            found.first().map(|u| Destination {
                controller_id: u.controller_id,
                unit_id: u.id,
            })
        };
        let fallback = pick(|u| u.is_fallback);
        // Only a unit that exists and is marked protected can take such persons.
        let protected_units = controllers
            .values()
            .filter_map(|c| {
                let unit = units.get(&c.protected_unit_id?)?;
                unit.is_protected.then_some((
                    c.id,
                    Destination {
                        controller_id: unit.controller_id,
                        unit_id: unit.id,
                    },
                ))
            })
            .collect();
        let sources = entity::source_system::Entity::find()
            .all(db)
            .await?
            .iter()
            .map(crate::sources::SourceSystem::from_model)
            .collect();
        Ok(Self {
            controllers,
            units,
            service_areas,
            rules,
            fallback,
            protected_units,
            sources,
        })
    }

    /// Routes a request; no match goes to the fallback unit, never dropped.
    pub fn route(
        &self,
        kind: RightKind,
        service_area: Option<&str>,
        geography: Option<&Geography>,
        strictly_confidential: bool,
    ) -> Result<Routed, RoutingError> {
        let fallback = self.fallback.ok_or(RoutingError::NoFallback)?;
        let input = RoutingInput {
            service_area,
            geography,
            kind,
            strictly_confidential,
        };
        Ok(routing_rules::route(&self.rules, &input, fallback, |c| {
            self.protected_units.get(&c).copied()
        }))
    }

    /// Where a request already with `controller_id` goes once its person turns out to have a
    /// strictly confidential address: that controller's protected unit, never elsewhere by rule.
    pub fn protected_destination(&self, controller_id: Uuid) -> Result<Routed, RoutingError> {
        let fallback = self.fallback.ok_or(RoutingError::NoFallback)?;
        Ok(match self.protected_units.get(&controller_id) {
            Some(destination) => Routed {
                destination: *destination,
                reason: routing_rules::RouteReason::ProtectedAddress,
            },
            None => Routed {
                destination: self
                    .protected_units
                    .get(&fallback.controller_id)
                    .copied()
                    .unwrap_or(fallback),
                reason: routing_rules::RouteReason::ProtectedAddressNoUnit,
            },
        })
    }

    /// The controller and, when it is a public body, its parts (sorted, the body first): what
    /// its privacy officers' reports cover.
    pub fn body_with_parts(&self, controller_id: Uuid) -> Vec<Uuid> {
        let mut parts: Vec<&controller::Model> = self
            .controllers
            .values()
            .filter(|c| c.public_body_id == Some(controller_id) && c.id != controller_id)
            .collect();
        parts.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
        std::iter::once(controller_id)
            .chain(parts.into_iter().map(|c| c.id))
            .collect()
    }

    /// The controllers `controller_id` may be made part of: any other controller that is not
    /// itself part of a body. None when `controller_id` has parts of its own (one level only).
    pub fn public_bodies_for(&self, controller_id: Uuid) -> Vec<Uuid> {
        if self
            .controllers
            .values()
            .any(|c| c.public_body_id == Some(controller_id))
        {
            return Vec::new();
        }
        self.controllers
            .values()
            .filter(|c| c.id != controller_id && c.public_body_id.is_none())
            .map(|c| c.id)
            .collect()
    }
}

#[derive(Default)]
pub struct RegistryCache {
    cached: RwLock<Option<(Instant, Arc<Registry>)>>,
}

const MAX_AGE: Duration = Duration::from_secs(10);

impl RegistryCache {
    pub async fn get(&self, db: &impl ConnectionTrait) -> Result<Arc<Registry>, DbErr> {
        if let Some((at, reg)) = self.cached.read().await.as_ref()
            && at.elapsed() < MAX_AGE
        {
            return Ok(reg.clone());
        }
        let reg = Arc::new(Registry::load(db).await?);
        *self.cached.write().await = Some((Instant::now(), reg.clone()));
        Ok(reg)
    }

    /// Forget the cache after the registry changed.
    pub async fn invalidate(&self) {
        *self.cached.write().await = None;
    }
}
