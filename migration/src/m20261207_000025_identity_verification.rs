//! How the requester's identity was established for a request (GDPR art. 12(6)): one row per
//! verification, the ID document's number sealed.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum IdentityVerification {
    Table,
    Id,
    RequestId,
    Method,
    Level,
    DocumentType,
    DocumentNumber,
    Note,
    VerifiedBy,
    Actor,
    VerifiedAt,
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
                .table(IdentityVerification::Table)
                .col(pk_uuid(IdentityVerification::Id))
                .col(uuid(IdentityVerification::RequestId))
                .col(string(IdentityVerification::Method))
                .col(string_null(IdentityVerification::Level))
                .col(string_null(IdentityVerification::DocumentType))
                .col(text_null(IdentityVerification::DocumentNumber))
                .col(text_null(IdentityVerification::Note))
                .col(uuid_null(IdentityVerification::VerifiedBy))
                .col(string(IdentityVerification::Actor))
                .col(timestamp_with_time_zone(IdentityVerification::VerifiedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(IdentityVerification::Table, IdentityVerification::RequestId)
                        .to(Request::Table, Request::Id),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_identity_verification_request")
                .table(IdentityVerification::Table)
                .col(IdentityVerification::RequestId)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(IdentityVerification::Table).to_owned())
            .await
    }
}
