//! Operations metrics for Prometheus (`GET /metrics`, text format). What lives in the database
//! (requests by state, overdue, the job queue) is counted at scrape time, so every instance
//! reports the same shared truth; what happens in this process (source call latency and errors)
//! is counted here. Protected by a bearer token, or served on a separate port, per the settings.
use std::sync::Arc;

use chrono::Utc;
use entity::{request, source_task};
use prometheus_client::{
    encoding::EncodeLabelSet,
    metrics::{counter::Counter, family::Family, gauge::Gauge, histogram::Histogram},
    registry::Registry,
};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QuerySelect,
    sea_query::{Expr, Func},
};

use crate::{error::ServiceResult, lifecycle::Status, sources::task::TaskStatus};

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct SourceLabels {
    pub source: String,
    /// `ok` or `error`.
    pub outcome: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct StatusLabels {
    status: String,
}

/// The in-process metrics; clones share their values.
#[derive(Clone)]
pub struct Metrics {
    source_call_seconds: Family<SourceLabels, Histogram>,
    source_errors: Family<SourceLabels, Counter>,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    pub fn new() -> Self {
        Self {
            source_call_seconds: Family::new_with_constructor(|| {
                Histogram::new([0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0])
            }),
            source_errors: Family::default(),
        }
    }

    /// One finished call to a source.
    pub fn source_call(&self, source: &str, ok: bool, seconds: f64) {
        let labels = SourceLabels {
            source: source.to_string(),
            outcome: if ok { "ok" } else { "error" }.into(),
        };
        self.source_call_seconds
            .get_or_create(&labels)
            .observe(seconds);
        if !ok {
            self.source_errors.get_or_create(&labels).inc();
        }
    }

    /// The whole text exposition: database gauges read now, plus this process's counters.
    pub async fn render(&self, db: &impl ConnectionTrait) -> ServiceResult<String> {
        let mut registry = Registry::with_prefix("dsar");
        let requests = Family::<StatusLabels, Gauge>::default();
        let by_status: Vec<(Status, i64)> = request::Entity::find()
            .select_only()
            .column(request::Column::Status)
            .column_as(Expr::expr(Func::count(Expr::col(request::Column::Id))), "n")
            .group_by(request::Column::Status)
            .into_tuple()
            .all(db)
            .await?;
        for status in Status::ALL {
            let n = by_status
                .iter()
                .find(|(s, _)| *s == status)
                .map(|(_, n)| *n)
                .unwrap_or(0);
            requests
                .get_or_create(&StatusLabels {
                    status: status.as_str().into(),
                })
                .set(n);
        }
        registry.register("requests", "Requests by state", requests);

        let today = crate::clock::today_oslo();
        let overdue = request::Entity::find()
            .filter(request::Column::Status.is_in(Status::open_states()))
            .filter(request::Column::DueOn.lt(today))
            .select_only()
            .column_as(Expr::expr(Func::count(Expr::col(request::Column::Id))), "n")
            .into_tuple::<i64>()
            .one(db)
            .await?
            .unwrap_or(0);
        let gauge = Gauge::<i64>::default();
        gauge.set(overdue);
        registry.register(
            "requests_overdue",
            "Open requests past their due date",
            gauge,
        );

        let tasks = Family::<StatusLabels, Gauge>::default();
        let by_status: Vec<(String, i64)> = source_task::Entity::find()
            .select_only()
            .column(source_task::Column::Status)
            .column_as(
                Expr::expr(Func::count(Expr::col(source_task::Column::Id))),
                "n",
            )
            .group_by(source_task::Column::Status)
            .into_tuple()
            .all(db)
            .await?;
        for status in [
            TaskStatus::Pending,
            TaskStatus::Running,
            TaskStatus::Done,
            TaskStatus::Failed,
            TaskStatus::Manual,
        ] {
            let n = by_status
                .iter()
                .find(|(s, _)| s == status.as_str())
                .map(|(_, n)| *n)
                .unwrap_or(0);
            tasks
                .get_or_create(&StatusLabels {
                    status: status.as_str().into(),
                })
                .set(n);
        }
        registry.register(
            "source_tasks",
            "Collection jobs by state (the job queue)",
            tasks,
        );

        let waiting = entity::collection_queue::Entity::find().count(db).await?;
        let gauge = Gauge::<i64>::default();
        gauge.set(waiting as i64);
        registry.register(
            "collection_queue",
            "Innsyn requests whose source tasks the collection worker has yet to plan",
            gauge,
        );

        let now = Utc::now();
        let oldest: Option<chrono::DateTime<Utc>> = source_task::Entity::find()
            .filter(source_task::Column::Status.eq(TaskStatus::Pending.as_str()))
            .filter(source_task::Column::NextAttemptAt.lte(now))
            .select_only()
            .column_as(
                Expr::expr(Func::min(Expr::col(source_task::Column::NextAttemptAt))),
                "oldest",
            )
            .into_tuple::<Option<chrono::DateTime<Utc>>>()
            .one(db)
            .await?
            .flatten();
        let age = Gauge::<f64, std::sync::atomic::AtomicU64>::default();
        age.set(
            oldest
                .map(|o| (now - o).num_milliseconds().max(0) as f64 / 1000.0)
                .unwrap_or(0.0),
        );
        registry.register(
            "source_task_queue_age_seconds",
            "How long the oldest due collection job has waited",
            age,
        );

        // The e-mail outbox: backlog by state and how long the oldest unsent message has waited.
        let outbox_family = Family::<StatusLabels, Gauge>::default();
        let by_status: Vec<(String, i64)> = entity::outbox::Entity::find()
            .select_only()
            .column(entity::outbox::Column::Status)
            .column_as(
                Expr::expr(Func::count(Expr::col(entity::outbox::Column::Id))),
                "n",
            )
            .group_by(entity::outbox::Column::Status)
            .into_tuple()
            .all(db)
            .await?;
        for status in crate::notifications::Status::ALL {
            let n = by_status
                .iter()
                .find(|(s, _)| s == status.as_str())
                .map(|(_, n)| *n)
                .unwrap_or(0);
            outbox_family
                .get_or_create(&StatusLabels {
                    status: status.as_str().into(),
                })
                .set(n);
        }
        registry.register("outbox", "E-mail messages by state", outbox_family);
        let unsent = [
            crate::notifications::Status::Pending.as_str(),
            crate::notifications::Status::Sending.as_str(),
        ];
        let oldest: Option<chrono::DateTime<Utc>> = entity::outbox::Entity::find()
            .filter(entity::outbox::Column::Status.is_in(unsent))
            .select_only()
            .column_as(
                Expr::expr(Func::min(Expr::col(entity::outbox::Column::CreatedAt))),
                "oldest",
            )
            .into_tuple::<Option<chrono::DateTime<Utc>>>()
            .one(db)
            .await?
            .flatten();
        let age = Gauge::<f64, std::sync::atomic::AtomicU64>::default();
        age.set(
            oldest
                .map(|o| (now - o).num_milliseconds().max(0) as f64 / 1000.0)
                .unwrap_or(0.0),
        );
        registry.register(
            "outbox_oldest_unsent_age_seconds",
            "How long the oldest unsent e-mail has waited",
            age,
        );

        registry.register(
            "source_call_duration_seconds",
            "Calls to source systems by this instance",
            self.source_call_seconds.clone(),
        );
        registry.register(
            "source_call_errors",
            "Failed calls to source systems by this instance",
            self.source_errors.clone(),
        );
        let mut out = String::new();
        prometheus_client::encoding::text::encode(&mut out, &registry)
            .map_err(|e| crate::error::ServiceError::Storage(e.into()))?;
        Ok(out)
    }
}

pub type SharedMetrics = Arc<Metrics>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn source_calls_are_counted_by_source_and_outcome() {
        let m = Metrics::new();
        m.source_call("udi", true, 0.2);
        m.source_call("udi", false, 3.0);
        m.source_call("udi", false, 3.0);
        let mut registry = Registry::default();
        registry.register("errors", "e", m.source_errors.clone());
        registry.register("calls", "c", m.source_call_seconds.clone());
        let mut out = String::new();
        prometheus_client::encoding::text::encode(&mut out, &registry).unwrap_or_default();
        assert!(
            out.contains(r#"errors_total{source="udi",outcome="error"} 2"#),
            "{out}"
        );
        assert!(
            out.contains(r#"calls_count{source="udi",outcome="ok"} 1"#),
            "{out}"
        );
    }
}
