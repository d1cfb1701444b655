//! Whether a controller lets the people whose cases its staff open see the staff member's name
//! in "who opened my case" (off by default: role and unit only).
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Controller {
    Table,
    ShowStaffNamesToCitizens,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Controller::Table)
                .add_column(boolean(Controller::ShowStaffNamesToCitizens).default(false))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Controller::Table)
                .drop_column(Controller::ShowStaffNamesToCitizens)
                .to_owned(),
        )
        .await
    }
}
