//! `GET /api/v1/deadlines`: the deadline calendar (GDPR art. 12(3), Reg. 1182/71) for anyone.
use axum::Json;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::{deadlines, http::extract::ApiQuery, http::problem::Problem};

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DeadlineQuery {
    /// Day the request was received (YYYY-MM-DD, Norwegian date).
    pub received_on: NaiveDate,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct DeadlineAnswer {
    pub received_on: NaiveDate,
    /// One month after receipt, moved to the next working day if needed.
    pub due_on: NaiveDate,
    /// The latest due date with an extension: three months after receipt, same rule.
    pub extended_due_on: NaiveDate,
}

#[utoipa::path(
    get, path = "/api/v1/deadlines", tag = "deadlines",
    params(DeadlineQuery),
    responses(
        (status = 200, description = "The due dates", body = DeadlineAnswer),
        (status = 400, description = "Missing or malformed date", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get_deadline(ApiQuery(q): ApiQuery<DeadlineQuery>) -> Json<DeadlineAnswer> {
    Json(DeadlineAnswer {
        received_on: q.received_on,
        due_on: deadlines::due_date(q.received_on),
        extended_due_on: deadlines::extended_due_date(q.received_on),
    })
}
