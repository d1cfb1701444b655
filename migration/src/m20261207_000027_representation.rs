//! Representatives: someone acting for another person (a holder of parental responsibility,
//! a guardian appointed by the Statsforvalteren, the representative of an unaccompanied minor
//! asylum seeker, or a person with a written power of attorney), and which requests were made
//! through such a representation.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Representation {
    Table,
    Id,
    Basis,
    RepresentativeHash,
    RepresentativeCiphertext,
    RepresentedHash,
    RepresentedCiphertext,
    Evidence,
    VerifiedBy,
    VerifiedAt,
    EndsOn,
    CreatedAt,
}

#[derive(DeriveIden)]
enum RequestRepresentation {
    Table,
    RequestId,
    RepresentationId,
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
                .table(Representation::Table)
                .col(pk_uuid(Representation::Id))
                .col(string(Representation::Basis))
                .col(string(Representation::RepresentativeHash))
                .col(text(Representation::RepresentativeCiphertext))
                .col(string(Representation::RepresentedHash))
                .col(text(Representation::RepresentedCiphertext))
                .col(text(Representation::Evidence))
                .col(uuid_null(Representation::VerifiedBy))
                .col(timestamp_with_time_zone(Representation::VerifiedAt))
                .col(date_null(Representation::EndsOn))
                .col(timestamp_with_time_zone(Representation::CreatedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_representation_representative")
                .table(Representation::Table)
                .col(Representation::RepresentativeHash)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(RequestRepresentation::Table)
                .col(pk_uuid(RequestRepresentation::RequestId))
                .col(uuid(RequestRepresentation::RepresentationId))
                .foreign_key(
                    ForeignKey::create()
                        .from(
                            RequestRepresentation::Table,
                            RequestRepresentation::RequestId,
                        )
                        .to(Request::Table, Request::Id),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(
                            RequestRepresentation::Table,
                            RequestRepresentation::RepresentationId,
                        )
                        .to(Representation::Table, Representation::Id),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_request_representation_representation")
                .table(RequestRepresentation::Table)
                .col(RequestRepresentation::RepresentationId)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(RequestRepresentation::Table).to_owned())
            .await?;
        m.drop_table(Table::drop().table(Representation::Table).to_owned())
            .await
    }
}
