//! Whether a source system finds a person by DUF number (UDI's registration number) as well as
//! by national identity number.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum SourceSystem {
    Table,
    FindsByDuf,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(SourceSystem::Table)
                .add_column(boolean(SourceSystem::FindsByDuf).default(false))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(SourceSystem::Table)
                .drop_column(SourceSystem::FindsByDuf)
                .to_owned(),
        )
        .await
    }
}
