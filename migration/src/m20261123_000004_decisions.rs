//! Decisions (drafted, approved or returned), admin-added legal bases, generated documents with
//! their checksums, and the e-mail outbox written in the same transaction as the event it tells.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Decision {
    Table,
    Id,
    RequestId,
    Outcome,
    LegalBases,
    Text,
    Status,
    DraftedBy,
    DraftedAt,
    ReviewedBy,
    ReviewedAt,
    ReviewComment,
}
#[derive(DeriveIden)]
enum LegalBasis {
    Table,
    Id,
    Citation,
    Kinds,
    Texts,
    CreatedBy,
    CreatedAt,
}
#[derive(DeriveIden)]
enum Document {
    Table,
    Id,
    RequestId,
    DecisionId,
    Kind,
    Name,
    MediaType,
    Language,
    Sha256,
    Size,
    StorageKey,
    CitizenVisible,
    CreatedAt,
}
#[derive(DeriveIden)]
enum Outbox {
    Table,
    Id,
    Kind,
    RequestId,
    Recipient,
    Language,
    Template,
    Params,
    Status,
    Attempts,
    NextAttemptAt,
    LeaseOwner,
    LeaseUntil,
    LastError,
    DedupeKey,
    CreatedAt,
    SentAt,
}
#[derive(DeriveIden)]
enum Controller {
    Table,
    ContactEmail,
    Address,
    Phone,
    DpoName,
    DpoEmail,
    ProcessingKey,
}
#[derive(DeriveIden)]
enum Unit {
    Table,
    Email,
}
#[derive(DeriveIden)]
enum Request {
    Table,
    Id,
    ContactEmail,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Decision::Table)
                .col(pk_uuid(Decision::Id))
                .col(uuid(Decision::RequestId))
                .col(string(Decision::Outcome))
                .col(text(Decision::LegalBases))
                .col(text(Decision::Text))
                .col(string(Decision::Status))
                .col(uuid(Decision::DraftedBy))
                .col(timestamp_with_time_zone(Decision::DraftedAt))
                .col(uuid_null(Decision::ReviewedBy))
                .col(timestamp_with_time_zone_null(Decision::ReviewedAt))
                .col(text_null(Decision::ReviewComment))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_decision_request")
                        .from(Decision::Table, Decision::RequestId)
                        .to(Request::Table, Request::Id),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_decision_request")
                .table(Decision::Table)
                .col(Decision::RequestId)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(LegalBasis::Table)
                .col(string(LegalBasis::Id).primary_key())
                .col(string(LegalBasis::Citation))
                .col(text(LegalBasis::Kinds))
                .col(text(LegalBasis::Texts))
                .col(uuid(LegalBasis::CreatedBy))
                .col(timestamp_with_time_zone(LegalBasis::CreatedAt))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Document::Table)
                .col(pk_uuid(Document::Id))
                .col(uuid(Document::RequestId))
                .col(uuid_null(Document::DecisionId))
                .col(string(Document::Kind))
                .col(string(Document::Name))
                .col(string(Document::MediaType))
                .col(string(Document::Language))
                .col(string(Document::Sha256))
                .col(big_integer(Document::Size))
                .col(string(Document::StorageKey))
                .col(boolean(Document::CitizenVisible))
                .col(timestamp_with_time_zone(Document::CreatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_document_request")
                        .from(Document::Table, Document::RequestId)
                        .to(Request::Table, Request::Id),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_document_request")
                .table(Document::Table)
                .col(Document::RequestId)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Outbox::Table)
                .col(pk_uuid(Outbox::Id))
                .col(string(Outbox::Kind))
                .col(uuid_null(Outbox::RequestId))
                .col(text(Outbox::Recipient))
                .col(string(Outbox::Language))
                .col(string(Outbox::Template))
                .col(text(Outbox::Params))
                .col(string(Outbox::Status))
                .col(integer(Outbox::Attempts).default(0))
                .col(timestamp_with_time_zone(Outbox::NextAttemptAt))
                .col(string_null(Outbox::LeaseOwner))
                .col(timestamp_with_time_zone_null(Outbox::LeaseUntil))
                .col(text_null(Outbox::LastError))
                .col(string_uniq(Outbox::DedupeKey))
                .col(timestamp_with_time_zone(Outbox::CreatedAt))
                .col(timestamp_with_time_zone_null(Outbox::SentAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_outbox_due")
                .table(Outbox::Table)
                .col(Outbox::Status)
                .col(Outbox::NextAttemptAt)
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Request::Table)
                .add_column(text_null(Request::ContactEmail))
                .to_owned(),
        )
        .await?;
        // Letters name the controller's contact and DPO; reminders go to the unit's mailbox.
        // (SQLite adds one column per ALTER.)
        for col in [
            Controller::ContactEmail,
            Controller::Address,
            Controller::Phone,
            Controller::DpoName,
            Controller::DpoEmail,
            Controller::ProcessingKey,
        ] {
            m.alter_table(
                Table::alter()
                    .table(Controller::Table)
                    .add_column(string_null(col))
                    .to_owned(),
            )
            .await?;
        }
        m.alter_table(
            Table::alter()
                .table(Unit::Table)
                .add_column(string_null(Unit::Email))
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Unit::Table)
                .drop_column(Unit::Email)
                .to_owned(),
        )
        .await?;
        for col in [
            Controller::ContactEmail,
            Controller::Address,
            Controller::Phone,
            Controller::DpoName,
            Controller::DpoEmail,
            Controller::ProcessingKey,
        ] {
            m.alter_table(
                Table::alter()
                    .table(Controller::Table)
                    .drop_column(col)
                    .to_owned(),
            )
            .await?;
        }
        m.alter_table(
            Table::alter()
                .table(Request::Table)
                .drop_column(Request::ContactEmail)
                .to_owned(),
        )
        .await?;
        for t in [
            Outbox::Table.into_iden(),
            Document::Table.into_iden(),
            LegalBasis::Table.into_iden(),
            Decision::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
