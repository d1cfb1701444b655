//! Complaints about how a request was handled: an appeal of the decision to the controller
//! (forvaltningsloven § 28), or a complaint to Datatilsynet (GDPR art. 77) that Datatilsynet
//! brings to the controller; with where each stands and how it ended.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Complaint {
    Table,
    Id,
    RequestId,
    Kind,
    ReceivedOn,
    Status,
    SentToAppealBodyOn,
    Outcome,
    DecidedOn,
    Note,
    RegisteredBy,
    RegisteredAt,
    UpdatedAt,
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
                .table(Complaint::Table)
                .col(pk_uuid(Complaint::Id))
                .col(uuid(Complaint::RequestId))
                .col(string(Complaint::Kind))
                .col(date(Complaint::ReceivedOn))
                .col(string(Complaint::Status))
                .col(date_null(Complaint::SentToAppealBodyOn))
                .col(string_null(Complaint::Outcome))
                .col(date_null(Complaint::DecidedOn))
                .col(text_null(Complaint::Note))
                .col(uuid(Complaint::RegisteredBy))
                .col(timestamp_with_time_zone(Complaint::RegisteredAt))
                .col(timestamp_with_time_zone(Complaint::UpdatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(Complaint::Table, Complaint::RequestId)
                        .to(Request::Table, Request::Id),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_complaint_request")
                .table(Complaint::Table)
                .col(Complaint::RequestId)
                .to_owned(),
        )
        .await?;
        // The reports count complaints by the day they were received.
        m.create_index(
            Index::create()
                .name("idx_complaint_received")
                .table(Complaint::Table)
                .col(Complaint::ReceivedOn)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(Complaint::Table).to_owned())
            .await
    }
}
