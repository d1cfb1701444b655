//! Printed letters to the person: one row per letter that goes by post, with its address
//! (encrypted), the deadline it serves and where its posting stands.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum PrintJob {
    Table,
    Id,
    RequestId,
    DocumentId,
    LetterKind,
    Status,
    Address,
    ServesDueOn,
    CreatedAt,
    UpdatedAt,
    PrintedAt,
    PrintedBy,
    PostedOn,
    PostedBy,
    CancelReason,
}

#[derive(DeriveIden)]
enum Request {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Document {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(PrintJob::Table)
                .col(pk_uuid(PrintJob::Id))
                .col(uuid(PrintJob::RequestId))
                .col(uuid(PrintJob::DocumentId))
                .col(string(PrintJob::LetterKind))
                .col(string(PrintJob::Status))
                .col(text_null(PrintJob::Address))
                .col(date(PrintJob::ServesDueOn))
                .col(timestamp_with_time_zone(PrintJob::CreatedAt))
                .col(timestamp_with_time_zone(PrintJob::UpdatedAt))
                .col(timestamp_with_time_zone_null(PrintJob::PrintedAt))
                .col(uuid_null(PrintJob::PrintedBy))
                .col(date_null(PrintJob::PostedOn))
                .col(uuid_null(PrintJob::PostedBy))
                .col(text_null(PrintJob::CancelReason))
                .foreign_key(
                    ForeignKey::create()
                        .from(PrintJob::Table, PrintJob::RequestId)
                        .to(Request::Table, Request::Id),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(PrintJob::Table, PrintJob::DocumentId)
                        .to(Document::Table, Document::Id),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_print_job_request")
                .table(PrintJob::Table)
                .col(PrintJob::RequestId)
                .to_owned(),
        )
        .await?;
        // The office's list of letters to post: by status, earliest deadline first.
        m.create_index(
            Index::create()
                .name("idx_print_job_status_due")
                .table(PrintJob::Table)
                .col(PrintJob::Status)
                .col(PrintJob::ServesDueOn)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(PrintJob::Table).to_owned())
            .await
    }
}
