//! Which source is the population register (the only one whose answer may set a person's
//! protection or address), and merges of two persons waiting for a privacy officer's approval.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum SourceSystem {
    Table,
    Id,
    IsPopulationRegister,
}

#[derive(DeriveIden)]
enum PersonLink {
    Table,
    Id,
    FirstHash,
    FirstCiphertext,
    FirstKind,
    SecondHash,
    SecondCiphertext,
    SecondKind,
    RequestedBy,
    RequestedAt,
    Status,
    DecidedBy,
    DecidedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(SourceSystem::Table)
                .add_column(boolean(SourceSystem::IsPopulationRegister).default(false))
                .to_owned(),
        )
        .await?;
        // Folkeregisteret is the population register under its well-known slug.
        m.exec_stmt(
            Query::update()
                .table(SourceSystem::Table)
                .value(SourceSystem::IsPopulationRegister, true)
                .and_where(Expr::col(SourceSystem::Id).eq("folkeregisteret"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(PersonLink::Table)
                .col(pk_uuid(PersonLink::Id))
                .col(string(PersonLink::FirstHash))
                .col(string(PersonLink::FirstCiphertext))
                .col(string(PersonLink::FirstKind))
                .col(string(PersonLink::SecondHash))
                .col(string(PersonLink::SecondCiphertext))
                .col(string(PersonLink::SecondKind))
                .col(uuid(PersonLink::RequestedBy))
                .col(timestamp_with_time_zone(PersonLink::RequestedAt))
                .col(string(PersonLink::Status))
                .col(uuid_null(PersonLink::DecidedBy))
                .col(timestamp_with_time_zone_null(PersonLink::DecidedAt))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(PersonLink::Table).to_owned())
            .await?;
        m.alter_table(
            Table::alter()
                .table(SourceSystem::Table)
                .drop_column(SourceSystem::IsPopulationRegister)
                .to_owned(),
        )
        .await
    }
}
