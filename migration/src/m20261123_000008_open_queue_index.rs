//! The office queue over many requests: partial indexes over the open requests only, per unit and
//! per controller, in deadline order (the queue's first page is then read off the index), and
//! the assignee added to the existing queue indexes so the queue's counts are index-only.
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Kept in step with `lifecycle::Status::is_open` (the queries repeat this list literally so the
/// planner can match the index's condition).
const OPEN: &str =
    "status IN ('received', 'in_progress', 'awaiting_requester', 'awaiting_approval')";

/// The queue indexes of migration 000001 and their replacements with the assignee added.
const REPLACED: [(&str, &str, &str); 2] = [
    ("ix_request_unit_queue", "ix_request_unit_status", "unit_id"),
    (
        "ix_request_controller_queue",
        "ix_request_controller_status",
        "controller_id",
    ),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        for (name, column) in [
            ("ix_request_open_unit", "unit_id"),
            ("ix_request_open_controller", "controller_id"),
        ] {
            db.execute_unprepared(&format!(
                "CREATE INDEX {name} ON request ({column}, due_on, id) WHERE {OPEN}"
            ))
            .await?;
        }
        // New names rather than drop-and-recreate: a pooled SQLite connection reading an older
        // schema snapshot would still see the dropped name.
        for (old, new, column) in REPLACED {
            db.execute_unprepared(&format!(
                "CREATE INDEX {new} ON request ({column}, status, due_on, id, assignee_id)"
            ))
            .await?;
            db.execute_unprepared(&format!("DROP INDEX {old}")).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        for name in ["ix_request_open_unit", "ix_request_open_controller"] {
            db.execute_unprepared(&format!("DROP INDEX IF EXISTS {name}"))
                .await?;
        }
        for (old, new, column) in REPLACED {
            db.execute_unprepared(&format!(
                "CREATE INDEX {old} ON request ({column}, status, due_on, id)"
            ))
            .await?;
            db.execute_unprepared(&format!("DROP INDEX {new}")).await?;
        }
        Ok(())
    }
}
