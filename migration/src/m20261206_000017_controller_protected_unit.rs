//! The unit that handles a controller's requests from persons with a strictly confidential
//! address (Folkeregisteret: strengt fortrolig adresse). Each controller, or the public body it
//! belongs to, names its own; a controller that owns a protected unit starts with that one.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Controller {
    Table,
    ProtectedUnitId,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Controller::Table)
                .add_column(uuid_null(Controller::ProtectedUnitId))
                .to_owned(),
        )
        .await?;
        m.get_connection()
            .execute_unprepared(
                "UPDATE controller SET protected_unit_id = (SELECT u.id FROM unit u \
                 WHERE u.controller_id = controller.id AND u.is_protected \
                 ORDER BY u.id LIMIT 1)",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Controller::Table)
                .drop_column(Controller::ProtectedUnitId)
                .to_owned(),
        )
        .await
    }
}
