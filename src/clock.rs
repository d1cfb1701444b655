//! Dates are Norwegian dates: "today" is the date in Europe/Oslo.
use chrono::{NaiveDate, Utc};

pub fn today_oslo() -> NaiveDate {
    Utc::now()
        .with_timezone(&chrono_tz::Europe::Oslo)
        .date_naive()
}
