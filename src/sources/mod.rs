//! Source systems: the registry of connected systems, the connector protocol, dsar's
//! service tokens, collection as background tasks, and the built-in simulator of the Norwegian
//! sources.
//!
//! Over 500 lines on purpose: the registry of source systems, its input checks and their tests are one thing.
pub mod admin;
pub mod client;
pub mod collection;
pub mod notices;
pub mod protocol;
pub mod queue;
pub mod relations;
pub mod service_token;
pub mod simulator;
pub mod task;
pub mod tokens;

use std::time::Duration;

use chrono::Utc;
use entity::source_system;
use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait, QueryOrder, Set};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::{ServiceError, ServiceResult};
pub use admin::{list, put, rotate_service_key};
use protocol::Operation;

/// How dsar proves itself to a source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema, Default)]
#[serde(rename_all = "snake_case")]
pub enum AuthMode {
    /// A service token signed by dsar (verified against our JWKS).
    #[default]
    Dsar,
    /// An access token from Maskinporten (JWT grant signed with our key).
    Maskinporten,
}

impl AuthMode {
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Dsar => "dsar",
            Self::Maskinporten => "maskinporten",
        }
    }
}

/// A source system as the rest of the code sees it: parsed, valid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct SourceSystem {
    /// Stable slug, e.g. `folkeregisteret`; the `aud` of our service tokens.
    pub id: String,
    pub name: String,
    /// The organisation that runs it.
    pub owner: String,
    pub capabilities: Vec<Operation>,
    /// Base URL of its connector; absent for a manual source (a caseworker task).
    pub endpoint: Option<String>,
    pub auth_mode: AuthMode,
    pub maskinporten_scope: Option<String>,
    /// The Maskinporten `resource` asked for with the scope: the access token is then
    /// restricted to this audience (the source's API), so it is good at no other API.
    #[serde(default)]
    pub maskinporten_resource: Option<String>,
    pub timeout_ms: u32,
    pub max_attempts: u32,
    /// First retry delay; doubles each attempt, with jitter.
    pub backoff_ms: u32,
    /// Service area codes it serves; empty means every area.
    pub service_areas: Vec<String>,
    pub active: bool,
    /// The population register (Folkeregisteret): the only source whose answer may set a
    /// person's protection or address.
    #[serde(default)]
    pub population_register: bool,
    /// Finds a person by DUF number (UDI's registration number) as well as by national
    /// identity number: asked about a person known only by a DUF number.
    #[serde(default)]
    pub finds_by_duf: bool,
}

impl SourceSystem {
    pub fn from_model(m: &source_system::Model) -> Self {
        Self {
            id: m.id.clone(),
            name: m.name.clone(),
            owner: m.owner.clone(),
            capabilities: serde_json::from_str::<Vec<String>>(&m.capabilities)
                .unwrap_or_default()
                .iter()
                .filter_map(|c| Operation::parse(c))
                .collect(),
            endpoint: m.endpoint.clone(),
            auth_mode: if m.auth_mode == "maskinporten" {
                AuthMode::Maskinporten
            } else {
                AuthMode::Dsar
            },
            maskinporten_scope: m.maskinporten_scope.clone(),
            maskinporten_resource: m.maskinporten_resource.clone(),
            timeout_ms: m.timeout_ms.max(1) as u32,
            max_attempts: m.max_attempts.max(1) as u32,
            backoff_ms: m.backoff_ms.max(1) as u32,
            service_areas: serde_json::from_str(&m.service_areas).unwrap_or_default(),
            active: m.active,
            population_register: m.is_population_register,
            finds_by_duf: m.finds_by_duf,
        }
    }

    pub fn timeout(&self) -> Duration {
        Duration::from_millis(self.timeout_ms as u64)
    }

    pub fn is_manual(&self) -> bool {
        self.endpoint.is_none()
    }

    /// Whether a request in `area` (none: "I don't know") should ask this source.
    pub fn serves(&self, area: Option<&str>, operation: Operation) -> bool {
        self.active
            && self.capabilities.contains(&operation)
            && match area {
                Some(a) => {
                    self.service_areas.is_empty() || self.service_areas.iter().any(|s| s == a)
                }
                None => true,
            }
    }
}

/// A source system as an admin registers or changes it.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SourceSystemInput {
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    #[schema(min_length = 1, max_length = 200)]
    pub owner: String,
    pub capabilities: Vec<Operation>,
    /// `http(s)://…` base URL, or absent for a manual source.
    pub endpoint: Option<String>,
    #[serde(default)]
    pub auth_mode: AuthMode,
    pub maskinporten_scope: Option<String>,
    /// Maskinporten only: the `resource` (audience) the access token is to be restricted to,
    /// an absolute `https://` URI as the source's API names it.
    #[schema(max_length = 500)]
    pub maskinporten_resource: Option<String>,
    /// 100–120000 ms (default 5000).
    pub timeout_ms: Option<u32>,
    /// 1–10 (default 3).
    pub max_attempts: Option<u32>,
    /// 10–600000 ms (default 1000).
    pub backoff_ms: Option<u32>,
    #[serde(default)]
    pub service_areas: Vec<String>,
    pub active: Option<bool>,
    /// Marks the population register, whose answers may set a person's protection and address.
    #[serde(default)]
    pub population_register: bool,
    /// The source finds a person by DUF number too (UDI, IMDi, the municipality's refugee
    /// services); without it a person known only by a DUF number is a manual task there.
    #[serde(default)]
    pub finds_by_duf: bool,
}

/// A slug: 2–40 of a–z, 0–9 and `-`, starting with a letter.
pub fn valid_source_id(id: &str) -> bool {
    (2..=40).contains(&id.len())
        && id.starts_with(|c: char| c.is_ascii_lowercase())
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// A Maskinporten `resource`: an absolute `https://` URI without spaces or a fragment.
fn valid_resource(resource: &str) -> bool {
    resource.chars().count() <= 500
        && !resource.contains(char::is_whitespace)
        && !resource.contains('#')
        && url::Url::parse(resource).is_ok_and(|u| u.scheme() == "https" && u.host().is_some())
}

fn valid_endpoint(url: &str) -> bool {
    (url.starts_with("https://") || url.starts_with("http://"))
        && reqwest::Url::parse(url).is_ok_and(|u| u.host_str().is_some() && u.query().is_none())
}

/// Whether dsar may call a source at `url` in this environment. Identity numbers and collected
/// records travel in the call, so production takes TLS only, loopback included; plain HTTP is
/// for development and tests (the simulator, local stand-ins).
pub fn endpoint_allowed(url: &str, environment: crate::config::Environment) -> bool {
    !environment.is_production() || url.starts_with("https://")
}

/// Refuses the start-up when an active source would be called over plain HTTP in production.
pub async fn check_endpoints(
    db: &impl ConnectionTrait,
    environment: crate::config::Environment,
) -> ServiceResult<()> {
    for s in load_all(db).await? {
        if let Some(e) = &s.endpoint
            && s.active
            && !endpoint_allowed(e, environment)
        {
            return Err(ServiceError::Conflict(format!(
                "source system `{}` has a plain http:// endpoint, refused in production: give \
                 it an https:// endpoint or take it out of use",
                s.id
            )));
        }
    }
    Ok(())
}

impl SourceSystemInput {
    /// Checks every field and gives the valid source system.
    pub fn validate(
        self,
        id: &str,
        known_areas: &[String],
        environment: crate::config::Environment,
    ) -> ServiceResult<SourceSystem> {
        if !valid_source_id(id) {
            return Err(ServiceError::invalid(
                "id",
                "use 2–40 lower-case letters, digits and dashes, starting with a letter",
            ));
        }
        let name = self.name.trim().to_string();
        let owner = self.owner.trim().to_string();
        if name.is_empty() || name.chars().count() > 200 {
            return Err(ServiceError::invalid(
                "name",
                "give a name of 1–200 characters",
            ));
        }
        if owner.is_empty() || owner.chars().count() > 200 {
            return Err(ServiceError::invalid(
                "owner",
                "give the owner organisation (1–200 characters)",
            ));
        }
        let mut capabilities = self.capabilities;
        capabilities.sort_by_key(|o| o.as_str());
        capabilities.dedup();
        if capabilities.is_empty() {
            return Err(ServiceError::invalid(
                "capabilities",
                "name at least one operation",
            ));
        }
        let endpoint = self
            .endpoint
            .map(|e| e.trim().trim_end_matches('/').to_string());
        if let Some(e) = &endpoint
            && !valid_endpoint(e)
        {
            return Err(ServiceError::invalid(
                "endpoint",
                "give an http(s) URL without a query, or leave it out for a manual source",
            ));
        }
        if let Some(e) = &endpoint
            && !endpoint_allowed(e, environment)
        {
            return Err(ServiceError::invalid(
                "endpoint",
                "production calls sources over https:// only",
            ));
        }
        if self.auth_mode == AuthMode::Maskinporten
            && self
                .maskinporten_scope
                .as_deref()
                .is_none_or(|s| s.trim().is_empty())
        {
            return Err(ServiceError::invalid(
                "maskinporten_scope",
                "a Maskinporten source needs the scope to ask for",
            ));
        }
        let maskinporten_resource = self
            .maskinporten_resource
            .map(|r| r.trim().to_string())
            .filter(|r| !r.is_empty());
        if let Some(resource) = &maskinporten_resource {
            if self.auth_mode != AuthMode::Maskinporten {
                return Err(ServiceError::invalid(
                    "maskinporten_resource",
                    "only a Maskinporten source asks for a resource",
                ));
            }
            if !valid_resource(resource) {
                return Err(ServiceError::invalid(
                    "maskinporten_resource",
                    "give an absolute https:// URI of at most 500 characters",
                ));
            }
        }
        let timeout_ms = self.timeout_ms.unwrap_or(5_000);
        if !(100..=120_000).contains(&timeout_ms) {
            return Err(ServiceError::invalid(
                "timeout_ms",
                "between 100 and 120000",
            ));
        }
        let max_attempts = self.max_attempts.unwrap_or(3);
        if !(1..=10).contains(&max_attempts) {
            return Err(ServiceError::invalid("max_attempts", "between 1 and 10"));
        }
        let backoff_ms = self.backoff_ms.unwrap_or(1_000);
        if !(10..=600_000).contains(&backoff_ms) {
            return Err(ServiceError::invalid("backoff_ms", "between 10 and 600000"));
        }
        for area in &self.service_areas {
            if !known_areas.contains(area) {
                return Err(ServiceError::invalid(
                    "service_areas",
                    format!("unknown service area `{area}`"),
                ));
            }
        }
        Ok(SourceSystem {
            id: id.to_string(),
            name,
            owner,
            capabilities,
            endpoint,
            auth_mode: self.auth_mode,
            maskinporten_scope: self.maskinporten_scope,
            maskinporten_resource,
            timeout_ms,
            max_attempts,
            backoff_ms,
            service_areas: self.service_areas,
            active: self.active.unwrap_or(true),
            population_register: self.population_register,
            finds_by_duf: self.finds_by_duf,
        })
    }
}

/// Every registered source system, active or not.
pub async fn load_all(db: &impl ConnectionTrait) -> ServiceResult<Vec<SourceSystem>> {
    Ok(source_system::Entity::find()
        .order_by_asc(source_system::Column::Id)
        .all(db)
        .await?
        .iter()
        .map(SourceSystem::from_model)
        .collect())
}

fn to_active(s: &SourceSystem, now: chrono::DateTime<Utc>) -> source_system::ActiveModel {
    source_system::ActiveModel {
        id: Set(s.id.clone()),
        name: Set(s.name.clone()),
        owner: Set(s.owner.clone()),
        capabilities: Set(serde_json::to_string(&s.capabilities).unwrap_or_else(|_| "[]".into())),
        endpoint: Set(s.endpoint.clone()),
        auth_mode: Set(s.auth_mode.as_str().into()),
        maskinporten_scope: Set(s.maskinporten_scope.clone()),
        maskinporten_resource: Set(s.maskinporten_resource.clone()),
        timeout_ms: Set(s.timeout_ms as i32),
        max_attempts: Set(s.max_attempts as i32),
        backoff_ms: Set(s.backoff_ms as i32),
        service_areas: Set(serde_json::to_string(&s.service_areas).unwrap_or_else(|_| "[]".into())),
        active: Set(s.active),
        is_population_register: Set(s.population_register),
        finds_by_duf: Set(s.finds_by_duf),
        created_at: Set(now),
        updated_at: Set(now),
    }
}

/// Inserts a source system in the caller's transaction (demo seed, admin).
pub async fn insert(
    db: &impl ConnectionTrait,
    s: &SourceSystem,
    now: chrono::DateTime<Utc>,
) -> ServiceResult<()> {
    to_active(s, now).insert(db).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Environment;

    fn input() -> SourceSystemInput {
        SourceSystemInput {
            name: "UDI".into(),
            owner: "Utlendingsdirektoratet".into(),
            capabilities: vec![Operation::Access, Operation::Access, Operation::Erase],
            endpoint: Some("https://udi.example/connector/".into()),
            auth_mode: AuthMode::Dsar,
            maskinporten_scope: None,
            maskinporten_resource: None,
            timeout_ms: None,
            max_attempts: None,
            backoff_ms: None,
            service_areas: vec!["settlement".into()],
            active: None,
            population_register: false,
            finds_by_duf: false,
        }
    }

    #[test]
    fn registrations_are_validated_field_by_field() {
        let areas = vec!["settlement".to_string()];
        let ok = input().validate("udi", &areas, Environment::Test);
        let ok = match ok {
            Ok(s) => s,
            Err(e) => panic!("{e}"),
        };
        assert_eq!(ok.capabilities, vec![Operation::Access, Operation::Erase]);
        assert_eq!(
            ok.endpoint.as_deref(),
            Some("https://udi.example/connector")
        );
        assert_eq!(
            (ok.timeout_ms, ok.max_attempts, ok.backoff_ms),
            (5000, 3, 1000)
        );
        type Change = fn(&mut SourceSystemInput);
        let cases: [(&str, Change, &str); 11] = [
            ("UDI", |_| {}, "id"),
            ("udi", |i| i.name = " ".into(), "name"),
            ("udi", |i| i.capabilities.clear(), "capabilities"),
            ("udi", |i| i.endpoint = Some("ftp://x".into()), "endpoint"),
            (
                "udi",
                |i| i.endpoint = Some("https://x/?a=1".into()),
                "endpoint",
            ),
            ("udi", |i| i.timeout_ms = Some(50), "timeout_ms"),
            ("udi", |i| i.max_attempts = Some(0), "max_attempts"),
            (
                "udi",
                |i| i.service_areas = vec!["mars".into()],
                "service_areas",
            ),
            (
                "udi",
                |i| i.auth_mode = AuthMode::Maskinporten,
                "maskinporten_scope",
            ),
            // A resource only for Maskinporten, and only an absolute https:// URI.
            (
                "udi",
                |i| i.maskinporten_resource = Some("https://api.udi.example/dsar".into()),
                "maskinporten_resource",
            ),
            (
                "udi",
                |i| {
                    i.auth_mode = AuthMode::Maskinporten;
                    i.maskinporten_scope = Some("udi:dsar".into());
                    i.maskinporten_resource = Some("http://api.udi.example/dsar".into());
                },
                "maskinporten_resource",
            ),
        ];
        for (id, change, field) in cases {
            let mut i = input();
            change(&mut i);
            match i.validate(id, &areas, Environment::Test) {
                Err(ServiceError::Invalid { field: f, .. }) => assert_eq!(f, field),
                other => panic!("{field}: {other:?}"),
            }
        }
        let manual = SourceSystemInput {
            endpoint: None,
            ..input()
        }
        .validate("arkiv", &areas, Environment::Test);
        assert!(manual.is_ok_and(|s| s.is_manual()));
        let audience = SourceSystemInput {
            auth_mode: AuthMode::Maskinporten,
            maskinporten_scope: Some("udi:dsar".into()),
            maskinporten_resource: Some(" https://api.udi.example/dsar ".into()),
            ..input()
        }
        .validate("udi", &areas, Environment::Test);
        assert!(audience.is_ok_and(
            |s| s.maskinporten_resource.as_deref() == Some("https://api.udi.example/dsar")
        ));
        // Production takes https only, a loopback address included; elsewhere http is fine.
        for (url, production_ok) in [
            ("https://udi.example/connector", true),
            ("http://udi.example/connector", false),
            ("http://127.0.0.1:8080/sim/udi", false),
            ("http://localhost/udi", false),
        ] {
            let with = |env| {
                SourceSystemInput {
                    endpoint: Some(url.into()),
                    ..input()
                }
                .validate("udi", &areas, env)
            };
            assert!(with(Environment::Development).is_ok(), "{url}");
            match with(Environment::Production) {
                Ok(_) => assert!(production_ok, "{url} accepted in production"),
                Err(ServiceError::Invalid { field, .. }) => {
                    assert!(!production_ok, "{url}");
                    assert_eq!(field, "endpoint");
                }
                Err(e) => panic!("{e}"),
            }
        }
    }

    #[test]
    fn serves_by_area_and_capability() {
        let areas = vec!["settlement".to_string(), "statistics".to_string()];
        let Ok(s) = input().validate("udi", &areas, Environment::Test) else {
            panic!()
        };
        assert!(s.serves(Some("settlement"), Operation::Access));
        assert!(s.serves(None, Operation::Access));
        assert!(!s.serves(Some("statistics"), Operation::Access));
        assert!(!s.serves(Some("settlement"), Operation::Rectify));
        let everywhere = SourceSystem {
            service_areas: vec![],
            ..s.clone()
        };
        assert!(everywhere.serves(Some("statistics"), Operation::Access));
        let off = SourceSystem { active: false, ..s };
        assert!(!off.serves(Some("settlement"), Operation::Access));
    }
}
