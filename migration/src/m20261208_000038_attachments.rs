//! Files the person sent with their request (`attachment`): the bytes are in the document
//! store, this row says what they are, who sent them and whether they were scanned.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Attachment {
    Table,
    Id,
    RequestId,
    UploadedBy,
    ByRepresentative,
    DisplayName,
    MediaType,
    Size,
    Sha256,
    ScanStatus,
    UploadedAt,
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
                .table(Attachment::Table)
                .col(pk_uuid(Attachment::Id))
                .col(uuid(Attachment::RequestId))
                .col(string(Attachment::UploadedBy))
                .col(boolean(Attachment::ByRepresentative))
                .col(string(Attachment::DisplayName))
                .col(string(Attachment::MediaType))
                .col(big_integer(Attachment::Size))
                .col(string(Attachment::Sha256))
                .col(string(Attachment::ScanStatus))
                .col(timestamp_with_time_zone(Attachment::UploadedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(Attachment::Table, Attachment::RequestId)
                        .to(Request::Table, Request::Id),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_attachment_request")
                .table(Attachment::Table)
                .col(Attachment::RequestId)
                .col(Attachment::UploadedAt)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(Attachment::Table).to_owned())
            .await
    }
}
