//! Four eyes on closing a case without an answer: a staff member's withdrawal or forward out of
//! the controller, proposed and waiting for a privacy officer who approves or returns it.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ClosingStep {
    Table,
    Id,
    RequestId,
    Action,
    Input,
    Status,
    ProposedBy,
    ProposedAt,
    ReviewedBy,
    ReviewedAt,
    ReviewComment,
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
                .table(ClosingStep::Table)
                .col(pk_uuid(ClosingStep::Id))
                .col(uuid(ClosingStep::RequestId))
                .col(string(ClosingStep::Action))
                .col(text(ClosingStep::Input))
                .col(string(ClosingStep::Status))
                .col(uuid(ClosingStep::ProposedBy))
                .col(timestamp_with_time_zone(ClosingStep::ProposedAt))
                .col(uuid_null(ClosingStep::ReviewedBy))
                .col(timestamp_with_time_zone_null(ClosingStep::ReviewedAt))
                .col(text_null(ClosingStep::ReviewComment))
                .foreign_key(
                    ForeignKey::create()
                        .from(ClosingStep::Table, ClosingStep::RequestId)
                        .to(Request::Table, Request::Id),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_closing_step_request")
                .table(ClosingStep::Table)
                .col(ClosingStep::RequestId)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(ClosingStep::Table).to_owned())
            .await
    }
}
