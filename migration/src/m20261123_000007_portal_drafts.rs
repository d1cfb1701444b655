//! Portal drafts: an unfinished request in the citizen's wizard, kept so it can be resumed from
//! Min side, and deleted by the retention job three months after its last change. The answers
//! are sealed (encrypted, bound to the owner) because they may hold personal data.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum PortalDraft {
    Table,
    Id,
    OwnerHash,
    Data,
    CreatedAt,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(PortalDraft::Table)
                    .if_not_exists()
                    .col(pk_uuid(PortalDraft::Id))
                    .col(string(PortalDraft::OwnerHash))
                    .col(text(PortalDraft::Data))
                    .col(timestamp_with_time_zone(PortalDraft::CreatedAt))
                    .col(timestamp_with_time_zone(PortalDraft::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_portal_draft_owner")
                    .table(PortalDraft::Table)
                    .col(PortalDraft::OwnerHash)
                    .col(PortalDraft::UpdatedAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_portal_draft_updated")
                    .table(PortalDraft::Table)
                    .col(PortalDraft::UpdatedAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(PortalDraft::Table).to_owned())
            .await
    }
}
