//! Art. 19 notices: one row per recipient of changed data, with the channel it goes through (the
//! source protocol of the recipient's system, or a printed letter a caseworker sends) and where
//! its delivery stands.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum RecipientNotice {
    Table,
    Id,
    RequestId,
    DecisionId,
    Recipient,
    SourceId,
    Channel,
    Status,
    Payload,
    DocumentId,
    Attempts,
    Error,
    NextAttemptAt,
    CreatedAt,
    UpdatedAt,
    DeliveredAt,
    DeliveredBy,
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
                .table(RecipientNotice::Table)
                .col(pk_uuid(RecipientNotice::Id))
                .col(uuid(RecipientNotice::RequestId))
                .col(uuid(RecipientNotice::DecisionId))
                .col(string(RecipientNotice::Recipient))
                .col(string_null(RecipientNotice::SourceId))
                .col(string(RecipientNotice::Channel))
                .col(string(RecipientNotice::Status))
                .col(text(RecipientNotice::Payload))
                .col(uuid_null(RecipientNotice::DocumentId))
                .col(integer(RecipientNotice::Attempts))
                .col(text_null(RecipientNotice::Error))
                .col(timestamp_with_time_zone(RecipientNotice::NextAttemptAt))
                .col(timestamp_with_time_zone(RecipientNotice::CreatedAt))
                .col(timestamp_with_time_zone(RecipientNotice::UpdatedAt))
                .col(timestamp_with_time_zone_null(RecipientNotice::DeliveredAt))
                .col(uuid_null(RecipientNotice::DeliveredBy))
                .foreign_key(
                    ForeignKey::create()
                        .from(RecipientNotice::Table, RecipientNotice::RequestId)
                        .to(Request::Table, Request::Id),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_recipient_notice_request")
                .table(RecipientNotice::Table)
                .col(RecipientNotice::RequestId)
                .to_owned(),
        )
        .await?;
        // The delivery worker looks for due notices by status and time.
        m.create_index(
            Index::create()
                .name("idx_recipient_notice_due")
                .table(RecipientNotice::Table)
                .col(RecipientNotice::Status)
                .col(RecipientNotice::NextAttemptAt)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(RecipientNotice::Table).to_owned())
            .await
    }
}
