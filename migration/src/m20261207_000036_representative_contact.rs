//! The representative's name and postal address (sealed): from the document staff registered,
//! or for a parent the name Folkeregisteret gives; letters are addressed and posted to them.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Representation {
    Table,
    RepresentativeName,
    RepresentativeAddress,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // SQLite adds one column per statement.
        m.alter_table(
            Table::alter()
                .table(Representation::Table)
                .add_column(text_null(Representation::RepresentativeName))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Representation::Table)
                .add_column(text_null(Representation::RepresentativeAddress))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Representation::Table)
                .drop_column(Representation::RepresentativeAddress)
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Representation::Table)
                .drop_column(Representation::RepresentativeName)
                .to_owned(),
        )
        .await
    }
}
