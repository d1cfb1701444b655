//! The public body a controller is part of: Oslo's districts and agencies are parts of Oslo
//! kommune. Reports for the public body's privacy officers roll its parts up.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Controller {
    Table,
    PublicBodyId,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Controller::Table)
                .add_column(uuid_null(Controller::PublicBodyId))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Controller::Table)
                .drop_column(Controller::PublicBodyId)
                .to_owned(),
        )
        .await
    }
}
