//! A request written by someone who says they act for the person, registered before that is
//! proven: who wrote (keyed hash and sealed number, sealed name and address), on what basis,
//! why it is not proven, and whether it was proven later or refused.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum RepresentationClaim {
    Table,
    RequestId,
    Basis,
    RepresentativeHash,
    RepresentativeCiphertext,
    RepresentativeName,
    RepresentativeAddress,
    Reason,
    Status,
    CreatedAt,
    ResolvedAt,
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
                .table(RepresentationClaim::Table)
                .col(pk_uuid(RepresentationClaim::RequestId))
                .col(string(RepresentationClaim::Basis))
                .col(string(RepresentationClaim::RepresentativeHash))
                .col(text(RepresentationClaim::RepresentativeCiphertext))
                .col(text_null(RepresentationClaim::RepresentativeName))
                .col(text_null(RepresentationClaim::RepresentativeAddress))
                .col(text(RepresentationClaim::Reason))
                .col(string(RepresentationClaim::Status))
                .col(timestamp_with_time_zone(RepresentationClaim::CreatedAt))
                .col(timestamp_with_time_zone_null(
                    RepresentationClaim::ResolvedAt,
                ))
                .foreign_key(
                    ForeignKey::create()
                        .from(RepresentationClaim::Table, RepresentationClaim::RequestId)
                        .to(Request::Table, Request::Id),
                )
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(RepresentationClaim::Table).to_owned())
            .await
    }
}
