//! Partial indexes over the open requests only, per unit and per controller, in deadline order
//! and covering what the office queue counts (status, assignee). Closed requests pile up over the
//! years; the queue and its counts then read only the open ones.
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Kept in step with `lifecycle::Status::is_open` (the queries repeat this list literally so the
/// planner can match the index's condition).
const OPEN: &str =
    "status IN ('received', 'in_progress', 'awaiting_requester', 'awaiting_approval')";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        for (name, column) in [
            ("ix_request_open_unit", "unit_id"),
            ("ix_request_open_controller", "controller_id"),
        ] {
            db.execute_unprepared(&format!(
                "CREATE INDEX {name} ON request ({column}, due_on, id, status, assignee_id) WHERE {OPEN}"
            ))
            .await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        for name in ["ix_request_open_unit", "ix_request_open_controller"] {
            db.execute_unprepared(&format!("DROP INDEX IF EXISTS {name}"))
                .await?;
        }
        Ok(())
    }
}
