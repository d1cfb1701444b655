//! Server-side sessions (docs/login.md): browser sessions after an OpenID Connect login and the
//! short-lived pending logins (state, nonce, PKCE verifier) between `/login` and the callback.
//! Rows are keyed by a hash of the cookie value, so the table alone cannot be used to log in.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Session {
    Table,
    Id,
    Kind,
    Provider,
    Issuer,
    Sid,
    Data,
    CreatedAt,
    IdleExpiresAt,
    ExpiresAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Session::Table)
                .col(string(Session::Id).primary_key())
                .col(string(Session::Kind))
                .col(string(Session::Provider))
                .col(string_null(Session::Issuer))
                .col(string_null(Session::Sid))
                .col(text(Session::Data))
                .col(timestamp_with_time_zone(Session::CreatedAt))
                .col(timestamp_with_time_zone(Session::IdleExpiresAt))
                .col(timestamp_with_time_zone(Session::ExpiresAt))
                .to_owned(),
        )
        .await?;
        // Front-channel logout finds sessions by the provider's (iss, sid).
        m.create_index(
            Index::create()
                .name("ix_session_issuer_sid")
                .table(Session::Table)
                .col(Session::Issuer)
                .col(Session::Sid)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_session_expires")
                .table(Session::Table)
                .col(Session::ExpiresAt)
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(Session::Table).to_owned())
            .await
    }
}
