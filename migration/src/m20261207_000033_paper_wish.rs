//! The person's wish to get the answers on paper (by post), recorded on the request.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Request {
    Table,
    WantsPaper,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Request::Table)
                .add_column(boolean(Request::WantsPaper).default(false))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Request::Table)
                .drop_column(Request::WantsPaper)
                .to_owned(),
        )
        .await
    }
}
