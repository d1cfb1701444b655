//! The foundation schema: registry and routing, persons, requests with timeline, the audit
//! chain, reference counters and idempotency keys.
//!
//! Over 500 lines on purpose: one migration creates the foundation tables together; an applied
//! migration is never split or changed.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Controller {
    Table,
    Id,
    Name,
    OrgNumber,
    FourEyes,
    CreatedAt,
}
#[derive(DeriveIden)]
enum Unit {
    Table,
    Id,
    ControllerId,
    Name,
    Code,
    IsFallback,
    IsProtected,
    CreatedAt,
}
#[derive(DeriveIden)]
enum ServiceArea {
    Table,
    Code,
    Name,
}
#[derive(DeriveIden)]
enum RoutingRule {
    Table,
    Id,
    ServiceArea,
    Geography,
    Kind,
    ControllerId,
    UnitId,
    Active,
}
#[derive(DeriveIden)]
enum Person {
    Table,
    Id,
    Geography,
    StrictlyConfidential,
    CreatedAt,
}
#[derive(DeriveIden)]
enum PersonIdentifier {
    Table,
    Id,
    PersonId,
    PidHash,
    PidCiphertext,
    Kind,
    CreatedAt,
}
#[derive(DeriveIden)]
enum StaffUser {
    Table,
    Id,
    Username,
    DisplayName,
    Role,
    ControllerId,
    Active,
    CreatedAt,
}
#[derive(DeriveIden)]
enum StaffUnit {
    Table,
    StaffId,
    UnitId,
}
#[derive(DeriveIden)]
enum Request {
    Table,
    Id,
    Reference,
    Kind,
    Status,
    Outcome,
    OutcomeNote,
    Description,
    ServiceArea,
    Language,
    Channel,
    PersonId,
    ControllerId,
    UnitId,
    AssigneeId,
    ReceivedOn,
    FirstDueOn,
    DueOn,
    ExtensionReason,
    Routing,
    CreatedAt,
    UpdatedAt,
    ClosedAt,
    Version,
}
#[derive(DeriveIden)]
enum RequestEvent {
    Table,
    Id,
    RequestId,
    At,
    ActorKind,
    Actor,
    Action,
    FromStatus,
    ToStatus,
    Details,
}
#[derive(DeriveIden)]
enum AuditEvent {
    Table,
    Seq,
    At,
    Actor,
    Action,
    RequestId,
    Details,
    PrevHash,
    Hash,
}
#[derive(DeriveIden)]
enum AuditHead {
    Table,
    Id,
    Seq,
    Hash,
}
#[derive(DeriveIden)]
enum ReferenceCounter {
    Table,
    Year,
    NextValue,
}
#[derive(DeriveIden)]
enum IdempotencyKey {
    Table,
    Principal,
    Key,
    Fingerprint,
    StatusCode,
    ResponseBody,
    CreatedAt,
}

fn fk(
    name: &str,
    from: (impl IntoIden, impl IntoIden),
    to: (impl IntoIden, impl IntoIden),
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(name)
        .from(from.0, from.1)
        .to(to.0, to.1)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Controller::Table)
                .col(pk_uuid(Controller::Id))
                .col(string(Controller::Name))
                .col(string_uniq(Controller::OrgNumber))
                .col(boolean(Controller::FourEyes).default(false))
                .col(timestamp_with_time_zone(Controller::CreatedAt))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Unit::Table)
                .col(pk_uuid(Unit::Id))
                .col(uuid(Unit::ControllerId))
                .col(string(Unit::Name))
                .col(string_null(Unit::Code))
                .col(boolean(Unit::IsFallback).default(false))
                .col(boolean(Unit::IsProtected).default(false))
                .col(timestamp_with_time_zone(Unit::CreatedAt))
                .foreign_key(&mut fk(
                    "fk_unit_controller",
                    (Unit::Table, Unit::ControllerId),
                    (Controller::Table, Controller::Id),
                ))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(ServiceArea::Table)
                .col(string(ServiceArea::Code).primary_key())
                .col(string(ServiceArea::Name))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(RoutingRule::Table)
                .col(pk_uuid(RoutingRule::Id))
                .col(string_null(RoutingRule::ServiceArea))
                .col(string_null(RoutingRule::Geography))
                .col(string_null(RoutingRule::Kind))
                .col(uuid(RoutingRule::ControllerId))
                .col(uuid(RoutingRule::UnitId))
                .col(boolean(RoutingRule::Active).default(true))
                .foreign_key(&mut fk(
                    "fk_rule_controller",
                    (RoutingRule::Table, RoutingRule::ControllerId),
                    (Controller::Table, Controller::Id),
                ))
                .foreign_key(&mut fk(
                    "fk_rule_unit",
                    (RoutingRule::Table, RoutingRule::UnitId),
                    (Unit::Table, Unit::Id),
                ))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Person::Table)
                .col(pk_uuid(Person::Id))
                .col(string_null(Person::Geography))
                .col(boolean(Person::StrictlyConfidential).default(false))
                .col(timestamp_with_time_zone(Person::CreatedAt))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(PersonIdentifier::Table)
                .col(pk_uuid(PersonIdentifier::Id))
                .col(uuid(PersonIdentifier::PersonId))
                .col(string_uniq(PersonIdentifier::PidHash))
                .col(text(PersonIdentifier::PidCiphertext))
                .col(string(PersonIdentifier::Kind))
                .col(timestamp_with_time_zone(PersonIdentifier::CreatedAt))
                .foreign_key(&mut fk(
                    "fk_identifier_person",
                    (PersonIdentifier::Table, PersonIdentifier::PersonId),
                    (Person::Table, Person::Id),
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_identifier_person")
                .table(PersonIdentifier::Table)
                .col(PersonIdentifier::PersonId)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(StaffUser::Table)
                .col(pk_uuid(StaffUser::Id))
                .col(string_uniq(StaffUser::Username))
                .col(string(StaffUser::DisplayName))
                .col(string(StaffUser::Role))
                .col(uuid_null(StaffUser::ControllerId))
                .col(boolean(StaffUser::Active).default(true))
                .col(timestamp_with_time_zone(StaffUser::CreatedAt))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(StaffUnit::Table)
                .col(uuid(StaffUnit::StaffId))
                .col(uuid(StaffUnit::UnitId))
                .primary_key(
                    Index::create()
                        .col(StaffUnit::StaffId)
                        .col(StaffUnit::UnitId),
                )
                .foreign_key(&mut fk(
                    "fk_staff_unit_staff",
                    (StaffUnit::Table, StaffUnit::StaffId),
                    (StaffUser::Table, StaffUser::Id),
                ))
                .foreign_key(&mut fk(
                    "fk_staff_unit_unit",
                    (StaffUnit::Table, StaffUnit::UnitId),
                    (Unit::Table, Unit::Id),
                ))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Request::Table)
                .col(pk_uuid(Request::Id))
                .col(string_uniq(Request::Reference))
                .col(string(Request::Kind))
                .col(string(Request::Status))
                .col(string_null(Request::Outcome))
                .col(text_null(Request::OutcomeNote))
                .col(text(Request::Description))
                .col(string_null(Request::ServiceArea))
                .col(string(Request::Language))
                .col(string(Request::Channel))
                .col(uuid(Request::PersonId))
                .col(uuid(Request::ControllerId))
                .col(uuid(Request::UnitId))
                .col(uuid_null(Request::AssigneeId))
                .col(date(Request::ReceivedOn))
                .col(date(Request::FirstDueOn))
                .col(date(Request::DueOn))
                .col(text_null(Request::ExtensionReason))
                .col(text(Request::Routing))
                .col(timestamp_with_time_zone(Request::CreatedAt))
                .col(timestamp_with_time_zone(Request::UpdatedAt))
                .col(timestamp_with_time_zone_null(Request::ClosedAt))
                .col(integer(Request::Version).default(1))
                .foreign_key(&mut fk(
                    "fk_request_person",
                    (Request::Table, Request::PersonId),
                    (Person::Table, Person::Id),
                ))
                .foreign_key(&mut fk(
                    "fk_request_controller",
                    (Request::Table, Request::ControllerId),
                    (Controller::Table, Controller::Id),
                ))
                .foreign_key(&mut fk(
                    "fk_request_unit",
                    (Request::Table, Request::UnitId),
                    (Unit::Table, Unit::Id),
                ))
                .to_owned(),
        )
        .await?;
        // Queue pages: filter by unit (or controller) and status, ordered by due date, keyset on id.
        m.create_index(
            Index::create()
                .name("ix_request_unit_queue")
                .table(Request::Table)
                .col(Request::UnitId)
                .col(Request::Status)
                .col(Request::DueOn)
                .col(Request::Id)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_request_controller_queue")
                .table(Request::Table)
                .col(Request::ControllerId)
                .col(Request::Status)
                .col(Request::DueOn)
                .col(Request::Id)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_request_due")
                .table(Request::Table)
                .col(Request::DueOn)
                .col(Request::Id)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_request_person")
                .table(Request::Table)
                .col(Request::PersonId)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(RequestEvent::Table)
                .col(pk_uuid(RequestEvent::Id))
                .col(uuid(RequestEvent::RequestId))
                .col(timestamp_with_time_zone(RequestEvent::At))
                .col(string(RequestEvent::ActorKind))
                .col(string(RequestEvent::Actor))
                .col(string(RequestEvent::Action))
                .col(string_null(RequestEvent::FromStatus))
                .col(string_null(RequestEvent::ToStatus))
                .col(text(RequestEvent::Details))
                .foreign_key(&mut fk(
                    "fk_event_request",
                    (RequestEvent::Table, RequestEvent::RequestId),
                    (Request::Table, Request::Id),
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_event_request")
                .table(RequestEvent::Table)
                .col(RequestEvent::RequestId)
                .col(RequestEvent::Id)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(AuditEvent::Table)
                .col(big_integer(AuditEvent::Seq).primary_key())
                .col(timestamp_with_time_zone(AuditEvent::At))
                .col(string(AuditEvent::Actor))
                .col(string(AuditEvent::Action))
                .col(uuid_null(AuditEvent::RequestId))
                .col(text(AuditEvent::Details))
                .col(string(AuditEvent::PrevHash))
                .col(string(AuditEvent::Hash))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_audit_request")
                .table(AuditEvent::Table)
                .col(AuditEvent::RequestId)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(AuditHead::Table)
                .col(integer(AuditHead::Id).primary_key())
                .col(big_integer(AuditHead::Seq))
                .col(string(AuditHead::Hash))
                .to_owned(),
        )
        .await?;
        // The genesis head: seq 0 and the all-zero hash.
        m.exec_stmt(
            Query::insert()
                .into_table(AuditHead::Table)
                .columns([AuditHead::Id, AuditHead::Seq, AuditHead::Hash])
                .values_panic([1.into(), 0i64.into(), "0".repeat(64).into()])
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(ReferenceCounter::Table)
                .col(integer(ReferenceCounter::Year).primary_key())
                .col(big_integer(ReferenceCounter::NextValue))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(IdempotencyKey::Table)
                .col(string(IdempotencyKey::Principal))
                .col(string(IdempotencyKey::Key))
                .col(string(IdempotencyKey::Fingerprint))
                .col(integer(IdempotencyKey::StatusCode))
                .col(text(IdempotencyKey::ResponseBody))
                .col(timestamp_with_time_zone(IdempotencyKey::CreatedAt))
                .primary_key(
                    Index::create()
                        .col(IdempotencyKey::Principal)
                        .col(IdempotencyKey::Key),
                )
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            IdempotencyKey::Table.into_iden(),
            ReferenceCounter::Table.into_iden(),
            AuditHead::Table.into_iden(),
            AuditEvent::Table.into_iden(),
            RequestEvent::Table.into_iden(),
            Request::Table.into_iden(),
            StaffUnit::Table.into_iden(),
            StaffUser::Table.into_iden(),
            PersonIdentifier::Table.into_iden(),
            Person::Table.into_iden(),
            RoutingRule::Table.into_iden(),
            ServiceArea::Table.into_iden(),
            Unit::Table.into_iden(),
            Controller::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
