//! Family relations from the population register (Folkeregisteret): `POST
//! {endpoint}/dsar/v1/relations` with a service token for the asking person (scope
//! `dsar:relations`); the answer lists their parents and children and whether the asker holds
//! parental responsibility for each child. Used to check that someone filing "for my child"
//! holds parental responsibility.
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{SourceSystem, client::CallError, protocol::PROTOCOL_VERSION};
use crate::{
    core::Core,
    error::{ServiceError, ServiceResult},
    identity::Pid,
};

/// The token scope for asking about relations.
pub const SCOPE: &str = "dsar:relations";
/// The path under a source's endpoint.
pub const PATH: &str = "dsar/v1/relations";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RelationRole {
    /// The related person is the asker's child.
    Child,
    /// The related person is the asker's parent.
    Parent,
}

/// One family relation as Folkeregisteret records it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FamilyRelation {
    pub pid: String,
    pub role: RelationRole,
    /// For a child: whether the asker holds parental responsibility (foreldreansvar).
    pub parental_responsibility: bool,
    pub birth_date: Option<NaiveDate>,
    /// The related person's name, for the portal's choice.
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RelationsAnswer {
    pub protocol: String,
    pub relations: Vec<FamilyRelation>,
}

/// The body: whom the relations are asked about (the token names the same person).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RelationsCall {
    pub pid: String,
}

/// The registered population-register source, if any is in use.
async fn population_register(app: &Core) -> ServiceResult<SourceSystem> {
    super::load_all(&app.db)
        .await?
        .into_iter()
        .find(|s| s.population_register && s.active && s.endpoint.is_some())
        .ok_or_else(|| {
            ServiceError::Conflict(
                "no population register is connected, so family relations cannot be checked".into(),
            )
        })
}

/// The family relations of `pid` as the population register answers them.
pub async fn of(app: &Core, pid: &Pid) -> ServiceResult<Vec<FamilyRelation>> {
    let source = population_register(app).await?;
    let unavailable = |e: CallError| {
        tracing::warn!(source = %source.id, error = %e, "family relations not available");
        ServiceError::Conflict(format!(
            "Folkeregisteret did not answer ({e}); family relations cannot be checked now, try again later"
        ))
    };
    let token = app
        .service_keys
        .sign_scope(&app.db, &app.vault, &source.id, SCOPE, pid)
        .await?;
    let endpoint = source.endpoint.clone().unwrap_or_default();
    let call = app
        .sources
        .http()
        .post(format!("{endpoint}/{PATH}"))
        .bearer_auth(token)
        .json(&RelationsCall {
            pid: pid.as_str().to_string(),
        })
        .timeout(source.timeout())
        .send()
        .await
        .map_err(|e| unavailable(CallError::Unreachable(e.without_url().to_string())))?;
    let status = call.status().as_u16();
    if status != 200 {
        return Err(unavailable(CallError::Status(status)));
    }
    let answer: RelationsAnswer = call
        .json()
        .await
        .map_err(|_| unavailable(CallError::Status(status)))?;
    if answer.protocol != PROTOCOL_VERSION {
        return Err(unavailable(CallError::Status(status)));
    }
    Ok(answer.relations)
}
