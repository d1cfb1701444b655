//! Who a source is asked about: the person's preferred identity number or DUF number, and
//! whether a source can be asked by it.
use crate::sources::{SourceSystem, protocol::Subject};
use crate::{
    error::{ServiceError, ServiceResult},
    identity::{Pid, SubjectId},
};
use entity::person_identifier;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

/// The person's current identity number in clear, for the call to the source: the newest
/// fødselsnummer, else the newest number. The kind is read from the number itself (its first
/// digit), not from the stored label, so no spelling of a label can change the choice. A person
/// known only by a DUF number or by name has none (`NotFound`).
pub async fn person_pid(
    db: &impl ConnectionTrait,
    vault: &crate::crypto::PidVault,
    person_id: Uuid,
) -> ServiceResult<Pid> {
    person_subject(db, vault, person_id)
        .await?
        .pid()
        .cloned()
        .ok_or(ServiceError::NotFound("identity number"))
}

/// What the person is best identified by: a number (as [`person_pid`] chooses it), else the
/// newest DUF number, else the newest name with date of birth.
pub async fn person_subject(
    db: &impl ConnectionTrait,
    vault: &crate::crypto::PidVault,
    person_id: Uuid,
) -> ServiceResult<SubjectId> {
    let ids = person_identifier::Entity::find()
        .filter(person_identifier::Column::PersonId.eq(person_id))
        .order_by_desc(person_identifier::Column::CreatedAt)
        .all(db)
        .await?;
    let all = ids
        .iter()
        .map(|i| vault.decrypt_subject(&i.pid_ciphertext))
        .collect::<Result<Vec<SubjectId>, _>>()
        .map_err(|_| ServiceError::Storage("an identity number could not be decrypted".into()))?;
    preferred_subject(all).ok_or(ServiceError::NotFound("identity number"))
}

/// Of a person's identifiers, newest first: the number [`preferred_pid`] picks, else the first
/// DUF number, else the first name with date of birth.
pub fn preferred_subject(newest_first: Vec<SubjectId>) -> Option<SubjectId> {
    let pids: Vec<Pid> = newest_first
        .iter()
        .filter_map(|s| s.pid().cloned())
        .collect();
    if let Some(pid) = preferred_pid(pids) {
        return Some(SubjectId::Pid(pid));
    }
    let duf = newest_first.iter().position(|s| s.duf().is_some());
    newest_first.into_iter().nth(duf.unwrap_or(0))
}

/// Why a source is not asked about a person known only by a DUF number.
pub const NEEDS_PID: &str =
    "this source finds persons by national identity number only: look the person up by hand";
/// Why a source is not asked about a person known only by name and date of birth.
pub const NEEDS_NUMBER: &str =
    "the person has no number a source can find them by: look the person up by hand";

/// How `source` is asked about the person: by national identity number, or by DUF number
/// where the source finds persons by it. `Err` gives the reason it cannot be asked at all.
pub fn call_subject(source: &SourceSystem, person: &SubjectId) -> Result<Subject, &'static str> {
    match person {
        SubjectId::Pid(pid) => Ok(Subject::pid(pid)),
        SubjectId::Duf(duf) if source.finds_by_duf => Ok(Subject::duf(duf)),
        SubjectId::Duf(_) => Err(NEEDS_PID),
        SubjectId::NameBirth(_) => Err(NEEDS_NUMBER),
    }
}

/// Of a person's numbers, newest first: the first fødselsnummer, else the first number.
pub fn preferred_pid(newest_first: Vec<Pid>) -> Option<Pid> {
    let fnr = newest_first
        .iter()
        .position(|p| p.kind() == crate::identity::PidKind::Fodselsnummer);
    newest_first.into_iter().nth(fnr.unwrap_or(0))
}
