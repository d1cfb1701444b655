//! Intake limits shared by every instance over one database (`rate_limit_bucket`: one row per
//! limited key, its theoretical arrival time in microseconds), and the Maskinporten `resource`
//! (the audience of the access token) a source asks for.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum RateLimitBucket {
    Table,
    Bucket,
    TatUs,
}

#[derive(DeriveIden)]
enum SourceSystem {
    Table,
    MaskinportenResource,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(RateLimitBucket::Table)
                .if_not_exists()
                .col(string_len(RateLimitBucket::Bucket, 96).primary_key())
                .col(big_integer(RateLimitBucket::TatUs))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(SourceSystem::Table)
                .add_column(string_null(SourceSystem::MaskinportenResource))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(SourceSystem::Table)
                .drop_column(SourceSystem::MaskinportenResource)
                .to_owned(),
        )
        .await?;
        m.drop_table(Table::drop().table(RateLimitBucket::Table).to_owned())
            .await
    }
}
