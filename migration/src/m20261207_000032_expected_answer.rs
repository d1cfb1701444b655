//! The date the caseworker expects to answer a request that is past its deadline: shown to the
//! person beside the apology; none until a caseworker sets one.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Request {
    Table,
    ExpectedAnswerOn,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Request::Table)
                .add_column(date_null(Request::ExpectedAnswerOn))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Request::Table)
                .drop_column(Request::ExpectedAnswerOn)
                .to_owned(),
        )
        .await
    }
}
