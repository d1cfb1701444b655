//! Innsyn requests waiting for the collection worker to plan their source tasks. The intake
//! writes one small row here instead of one task per source system; the worker turns it into
//! tasks in batches, off the intake's path.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum CollectionQueue {
    Table,
    RequestId,
    QueuedAt,
}

#[derive(DeriveIden)]
enum Request {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(CollectionQueue::Table)
                .col(pk_uuid(CollectionQueue::RequestId))
                .col(timestamp_with_time_zone(CollectionQueue::QueuedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(CollectionQueue::Table, CollectionQueue::RequestId)
                        .to(Request::Table, Request::Id),
                )
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(CollectionQueue::Table).to_owned())
            .await
    }
}
