//! Who hears an appeal against a controller's refusals. Where it is set, a refusal or partial
//! refusal from this controller is an individual decision (enkeltvedtak) under the Public
//! Administration Act: the letter is headed as one and carries the appeal information. Where it
//! is empty the letter is an answer, not headed "vedtak".
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Controller {
    Table,
    AppealBody,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Controller::Table)
                .add_column(string_null(Controller::AppealBody))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Controller::Table)
                .drop_column(Controller::AppealBody)
                .to_owned(),
        )
        .await
    }
}
