//! Source systems: the registry of connected systems, one task per request, source
//! and operation (which doubles as the background job, claimed with a lease), the records they
//! answered with (encrypted), and dsar's own signing keys for service tokens.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum SourceSystem {
    Table,
    Id,
    Name,
    Owner,
    Capabilities,
    Endpoint,
    AuthMode,
    MaskinportenScope,
    TimeoutMs,
    MaxAttempts,
    BackoffMs,
    ServiceAreas,
    Active,
    CreatedAt,
    UpdatedAt,
}
#[derive(DeriveIden)]
enum SourceTask {
    Table,
    Id,
    RequestId,
    SourceId,
    Operation,
    Status,
    Attempts,
    RoundAttempts,
    Error,
    RecordCount,
    NextAttemptAt,
    LeaseOwner,
    LeaseUntil,
    Params,
    CreatedAt,
    UpdatedAt,
    StartedAt,
    FinishedAt,
    LastDurationMs,
}
#[derive(DeriveIden)]
enum SourceRecord {
    Table,
    Id,
    TaskId,
    RequestId,
    SourceId,
    Operation,
    RecordKey,
    Category,
    SpecialCategory,
    ThirdParty,
    Outcome,
    Payload,
    CreatedAt,
}
#[derive(DeriveIden)]
enum SigningKey {
    Table,
    Kid,
    Algorithm,
    PrivateKey,
    PublicJwk,
    CreatedAt,
    RetiredAt,
}
#[derive(DeriveIden)]
enum Unit {
    Table,
    AutoCollect,
}
#[derive(DeriveIden)]
enum Request {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(SourceSystem::Table)
                .col(string(SourceSystem::Id).primary_key())
                .col(string(SourceSystem::Name))
                .col(string(SourceSystem::Owner))
                .col(text(SourceSystem::Capabilities))
                .col(string_null(SourceSystem::Endpoint))
                .col(string(SourceSystem::AuthMode))
                .col(string_null(SourceSystem::MaskinportenScope))
                .col(integer(SourceSystem::TimeoutMs))
                .col(integer(SourceSystem::MaxAttempts))
                .col(integer(SourceSystem::BackoffMs))
                .col(text(SourceSystem::ServiceAreas))
                .col(boolean(SourceSystem::Active).default(true))
                .col(timestamp_with_time_zone(SourceSystem::CreatedAt))
                .col(timestamp_with_time_zone(SourceSystem::UpdatedAt))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(SourceTask::Table)
                .col(pk_uuid(SourceTask::Id))
                .col(uuid(SourceTask::RequestId))
                .col(string(SourceTask::SourceId))
                .col(string(SourceTask::Operation))
                .col(string(SourceTask::Status))
                .col(integer(SourceTask::Attempts).default(0))
                .col(integer(SourceTask::RoundAttempts).default(0))
                .col(text_null(SourceTask::Error))
                .col(integer(SourceTask::RecordCount).default(0))
                .col(timestamp_with_time_zone(SourceTask::NextAttemptAt))
                .col(string_null(SourceTask::LeaseOwner))
                .col(timestamp_with_time_zone_null(SourceTask::LeaseUntil))
                .col(text_null(SourceTask::Params))
                .col(timestamp_with_time_zone(SourceTask::CreatedAt))
                .col(timestamp_with_time_zone(SourceTask::UpdatedAt))
                .col(timestamp_with_time_zone_null(SourceTask::StartedAt))
                .col(timestamp_with_time_zone_null(SourceTask::FinishedAt))
                .col(integer_null(SourceTask::LastDurationMs))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_source_task_request")
                        .from(SourceTask::Table, SourceTask::RequestId)
                        .to(Request::Table, Request::Id),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_source_task_source")
                        .from(SourceTask::Table, SourceTask::SourceId)
                        .to(SourceSystem::Table, SourceSystem::Id),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_source_task_request_source_operation")
                .table(SourceTask::Table)
                .col(SourceTask::RequestId)
                .col(SourceTask::SourceId)
                .col(SourceTask::Operation)
                .unique()
                .to_owned(),
        )
        .await?;
        // The worker's claim: due tasks by time.
        m.create_index(
            Index::create()
                .name("ix_source_task_due")
                .table(SourceTask::Table)
                .col(SourceTask::Status)
                .col(SourceTask::NextAttemptAt)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(SourceRecord::Table)
                .col(pk_uuid(SourceRecord::Id))
                .col(uuid(SourceRecord::TaskId))
                .col(uuid(SourceRecord::RequestId))
                .col(string(SourceRecord::SourceId))
                .col(string(SourceRecord::Operation))
                .col(string(SourceRecord::RecordKey))
                .col(string(SourceRecord::Category))
                .col(boolean(SourceRecord::SpecialCategory))
                .col(boolean(SourceRecord::ThirdParty))
                .col(string_null(SourceRecord::Outcome))
                .col(text(SourceRecord::Payload))
                .col(timestamp_with_time_zone(SourceRecord::CreatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_source_record_task")
                        .from(SourceRecord::Table, SourceRecord::TaskId)
                        .to(SourceTask::Table, SourceTask::Id),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_source_record_task_key")
                .table(SourceRecord::Table)
                .col(SourceRecord::TaskId)
                .col(SourceRecord::RecordKey)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_source_record_request")
                .table(SourceRecord::Table)
                .col(SourceRecord::RequestId)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(SigningKey::Table)
                .col(string(SigningKey::Kid).primary_key())
                .col(string(SigningKey::Algorithm))
                .col(text(SigningKey::PrivateKey))
                .col(text(SigningKey::PublicJwk))
                .col(timestamp_with_time_zone(SigningKey::CreatedAt))
                .col(timestamp_with_time_zone_null(SigningKey::RetiredAt))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Unit::Table)
                .add_column(boolean(Unit::AutoCollect).default(false))
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Unit::Table)
                .drop_column(Unit::AutoCollect)
                .to_owned(),
        )
        .await?;
        for t in [
            SigningKey::Table.into_iden(),
            SourceRecord::Table.into_iden(),
            SourceTask::Table.into_iden(),
            SourceSystem::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
