//! The keyset cursor over the period's requests, one page of projections at a time.

use chrono::NaiveDate;
use entity::request;
use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, DbBackend, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Select, sea_query::Expr,
};
use uuid::Uuid;

use crate::error::ServiceResult;
use crate::reports::Scope;

use super::{
    PAGE,
    projection::{COLUMNS, Projection, SqliteProjection},
    sqlite,
};

/// The keyset cursor over the period's requests, by (received_on, id).
pub(super) struct Pages {
    scope: Scope,
    after: Option<(NaiveDate, Uuid)>,
    pub(super) done: bool,
}

impl Pages {
    pub(super) fn new(scope: Scope) -> Self {
        Pages {
            scope,
            after: None,
            done: false,
        }
    }

    /// The next page; empty when the list is finished.
    pub(super) async fn next(&mut self, db: &DatabaseConnection) -> ServiceResult<Vec<Projection>> {
        if self.done {
            return Ok(Vec::new());
        }
        let mut cond = self
            .scope
            .controller_condition()
            .add(request::Column::ReceivedOn.lte(self.scope.to));
        cond = match self.after {
            None => cond.add(request::Column::ReceivedOn.gte(self.scope.from)),
            // `received_on >= d` bounds the index range; the OR only sorts out day d itself.
            Some((d, id)) => cond.add(request::Column::ReceivedOn.gte(d)).add(
                Condition::any()
                    .add(request::Column::ReceivedOn.gt(d))
                    .add(request::Column::Id.gt(id)),
            ),
        };
        let page = request::Entity::find()
            .filter(cond)
            .order_by_asc(request::Column::ReceivedOn)
            .order_by_asc(request::Column::Id)
            .limit(PAGE);
        let page: Vec<Projection> = match db.get_database_backend() {
            DbBackend::Sqlite => match sqlite::page(db, page.clone()).await? {
                Some(rows) => rows,
                // Not as dsar writes it: row by row, with sqlx's decoding, as before.
                None => {
                    tracing::debug!(after = ?self.after, "case list: a page read row by row");
                    projected(page)
                        .into_model::<SqliteProjection>()
                        .all(db)
                        .await?
                        .into_iter()
                        .map(|p| p.0)
                        .collect()
                }
            },
            _ => projected(page).into_model::<Projection>().all(db).await?,
        };
        if (page.len() as u64) < PAGE {
            self.done = true;
        }
        if let Some(last) = page.last() {
            self.after = Some((last.received_on, last.id));
        }
        Ok(page)
    }
}

/// The page's [`COLUMNS`], then `extended` and `person_id`, for [`Projection::read`].
pub(super) fn projected(page: Select<request::Entity>) -> Select<request::Entity> {
    page.select_only()
        .columns(COLUMNS)
        .column_as(
            sea_orm::sea_query::ExprTrait::is_not_null(Expr::col(request::Column::ExtensionReason)),
            "extended",
        )
        .column(request::Column::PersonId)
}
