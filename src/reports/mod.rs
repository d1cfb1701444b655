//! Reports for Datatilsynet and internal control (docs/reports-and-retention.md): the period
//! summary, the pseudonymised case list and one case's audit extract. Who may read what is
//! decided here, once, for the HTTP API and the command line alike.
pub mod art30;
pub mod audit_extract;
pub mod case_lists;
pub mod cases;
pub mod export;
pub mod pdf;
pub mod summary;

use std::sync::Arc;

use chrono::NaiveDate;
use entity::request;
use sea_orm::{ColumnTrait, Condition, DbBackend, Statement};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::{
    audit::AuditRecord,
    auth::Principal,
    core::Core,
    error::{ServiceError, ServiceResult},
    i18n::{Language, t},
    lifecycle::Role,
    registry::Registry,
};

/// A text cell for CSV that a spreadsheet will not run as a formula: a value starting with
/// `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading `'` (OWASP's advice), unless it
/// is a plain number such as `-3` or `+1.5`. Unit names and other text typed by people reach
/// the case list and the summary this way.
pub fn csv_cell(value: &str) -> std::borrow::Cow<'_, str> {
    let risky = value
        .chars()
        .next()
        .is_some_and(|c| matches!(c, '=' | '+' | '-' | '@' | '\t' | '\r'));
    if !risky || is_plain_number(value) {
        return std::borrow::Cow::Borrowed(value);
    }
    std::borrow::Cow::Owned(format!("'{value}"))
}

fn is_plain_number(value: &str) -> bool {
    let digits = value.strip_prefix(['+', '-']).unwrap_or(value);
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, "0"));
    !whole.is_empty()
        && !fraction.is_empty()
        && whole.bytes().all(|b| b.is_ascii_digit())
        && fraction.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod csv_cell_tests {
    use super::csv_cell;

    #[test]
    fn formula_starts_are_neutralised() {
        for (value, expected) in [
            ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
            ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
            ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
            ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
            ("\t=1+1", "'\t=1+1"),
            ("\r=1+1", "'\r=1+1"),
            ("-", "'-"),
            ("Bydel Gamle Oslo", "Bydel Gamle Oslo"),
            ("a=b", "a=b"),
            ("", ""),
            ("12", "12"),
            ("-3", "-3"),
            ("+1.5", "+1.5"),
            ("-1.", "'-1."),
            ("-.5", "'-.5"),
        ] {
            assert_eq!(csv_cell(value), expected, "{value:?}");
        }
    }
}

/// Output formats of the reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    #[default]
    Json,
    Csv,
    /// The summary and the case list.
    Xlsx,
    /// The summary only (with the chart of received against answered per month).
    Pdf,
}

impl Format {
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Json => "json",
            Self::Csv => "csv",
            Self::Xlsx => "xlsx",
            Self::Pdf => "pdf",
        }
    }

    pub fn content_type(&self) -> &'static str {
        match self {
            Self::Json => "application/json",
            Self::Csv => "text/csv; charset=utf-8",
            Self::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Self::Pdf => "application/pdf",
        }
    }
}

/// The period (both days included, by receipt date) and the controller (absent: all the caller
/// may see).
#[derive(Debug, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ReportQuery {
    /// First day of the period (YYYY-MM-DD), by receipt date.
    pub from: NaiveDate,
    /// Last day of the period (YYYY-MM-DD), included.
    pub to: NaiveDate,
    /// Only this controller. Privacy officers always get their own controller.
    pub controller: Option<Uuid>,
    /// `json` (default), `csv`, `xlsx`, or (the summary only) `pdf`.
    pub format: Option<Format>,
    /// Language of the labels in the PDF, CSV and XLSX: `nb` (default) or `en`.
    pub lang: Option<crate::i18n::Language>,
    /// CSV field separator: `semicolon` (default, what Norwegian spreadsheets open) or `comma`.
    pub delimiter: Option<Delimiter>,
}

/// The CSV field separator.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Delimiter {
    #[default]
    Semicolon,
    Comma,
}

impl Delimiter {
    pub fn byte(self) -> u8 {
        match self {
            Self::Semicolon => b';',
            Self::Comma => b',',
        }
    }
}

/// A download's file name: what, whose, which period, e.g.
/// `rapport-oslo-kommune-2026-01-01-2026-06-30.csv`.
pub fn file_name(what: &str, controller: Option<&str>, scope: &Scope, format: Format) -> String {
    let whose = controller.map_or_else(|| "alle".to_string(), slug);
    format!(
        "{what}-{whose}-{}-{}.{}",
        scope.from,
        scope.to,
        format.as_str()
    )
}

/// Lowercase ASCII letters and digits joined by single hyphens (æ ø å written out).
fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.to_lowercase().chars() {
        let piece = match c {
            'æ' => "ae".to_string(),
            'ø' | 'ö' => "o".to_string(),
            'å' | 'ä' | 'á' | 'à' => "a".to_string(),
            'é' | 'è' => "e".to_string(),
            'ü' => "u".to_string(),
            c if c.is_ascii_alphanumeric() => c.to_string(),
            _ => "-".to_string(),
        };
        if piece == "-" && (out.is_empty() || out.ends_with('-')) {
            continue;
        }
        out.push_str(&piece);
    }
    out.trim_end_matches('-').to_string()
}

/// A checked report request: the period and the controllers the caller may see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope {
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// The controller asked for, whose name heads the report; `None`: every controller
    /// (auditors without a controller only).
    pub controller: Option<Uuid>,
    /// What the figures cover: the controller and, when it is a public body, its parts
    /// (the body first); `None`: every controller.
    pub controllers: Option<Arc<[Uuid]>>,
}

impl Scope {
    /// A scope over `controller` and its parts (or everything).
    pub fn new(
        registry: &Registry,
        from: NaiveDate,
        to: NaiveDate,
        controller: Option<Uuid>,
    ) -> Self {
        Self {
            from,
            to,
            controller,
            controllers: controller.map(|c| registry.body_with_parts(c).into()),
        }
    }

    /// The condition on `request.controller_id` for the controllers covered.
    pub fn controller_condition(&self) -> Condition {
        match &self.controllers {
            Some(ids) => {
                Condition::all().add(request::Column::ControllerId.is_in(ids.iter().copied()))
            }
            None => Condition::all(),
        }
    }

    /// Whether the figures cover more than one controller (a public body with its parts).
    /// The period's requests: received in it (both days included), of the controllers in scope.
    pub fn cohort(&self) -> Condition {
        self.controller_condition()
            .add(request::Column::ReceivedOn.gte(self.from))
            .add(request::Column::ReceivedOn.lte(self.to))
    }

    /// Whether the scope is every controller (no condition on the controller).
    pub fn all_controllers(&self) -> bool {
        self.controllers.is_none()
    }

    pub fn rolls_up(&self) -> bool {
        self.controllers.as_ref().is_none_or(|c| c.len() > 1)
    }
}

/// On SQLite, names the index a query over `request` reads (`INDEXED BY`, an index from
/// migration 000006): for a year's range its planner prefers `ix_request_received` with a row
/// read per request (seconds on 1,000,000 requests) to a covering index (a tenth of that). On
/// PostgreSQL the statement as built.
pub(crate) fn on_request_index(stmt: Statement, backend: DbBackend, index: &str) -> Statement {
    if backend != DbBackend::Sqlite {
        return stmt;
    }
    let mut stmt = stmt;
    stmt.sql = stmt.sql.replacen(
        r#"FROM "request""#,
        &format!(r#"FROM "request" INDEXED BY "{index}""#),
        1,
    );
    stmt
}

/// Longest period one report covers; keeps a mistyped year from scanning decades.
const MAX_PERIOD_DAYS: i64 = 3660;

/// Checks the period and that `principal` may read reports for `controller`: privacy officers
/// and auditors of a controller that controller's (with its parts when it is a public body) or
/// one of its parts', auditors without one any or all.
pub fn scope(
    principal: &Principal,
    registry: &Registry,
    from: NaiveDate,
    to: NaiveDate,
    controller: Option<Uuid>,
) -> ServiceResult<Scope> {
    if to < from {
        return Err(ServiceError::invalid("to", "`to` is before `from`"));
    }
    if (to - from).num_days() > MAX_PERIOD_DAYS {
        return Err(ServiceError::invalid(
            "to",
            "the period is longer than ten years",
        ));
    }
    let controller = own_controller(principal, registry, controller)?;
    Ok(Scope::new(registry, from, to, controller))
}

/// The controller a report reader may see: their own or one of its parts, or (auditors of no
/// controller) any.
pub fn own_controller(
    principal: &Principal,
    registry: &Registry,
    requested: Option<Uuid>,
) -> ServiceResult<Option<Uuid>> {
    let forbidden =
        || ServiceError::Forbidden("reports are for privacy officers and auditors".into());
    let staff = principal.staff().ok_or_else(forbidden)?;
    match (staff.role, staff.controller_id) {
        (Role::PrivacyOfficer | Role::Auditor, Some(own)) => match requested {
            None => Ok(Some(own)),
            Some(c) if c == own => Ok(Some(own)),
            Some(c)
                if registry
                    .controllers
                    .get(&c)
                    .is_some_and(|part| part.public_body_id == Some(own)) =>
            {
                Ok(Some(c))
            }
            Some(_) => Err(ServiceError::Forbidden(
                "reports only for your own controller or its parts".into(),
            )),
        },
        (Role::Auditor, None) => Ok(requested),
        _ => Err(forbidden()),
    }
}

/// Writes a report download to the audit trail (what, for which period; never content).
pub async fn audit_download(
    app: &Core,
    actor: String,
    action: &'static str,
    request_id: Option<Uuid>,
    details: serde_json::Value,
) -> ServiceResult<()> {
    app.writer
        .audit(AuditRecord {
            actor,
            action: action.into(),
            request_id,
            details,
        })
        .await
}

/// A report text (`office_reports.<key>`) in `lang`.
pub(crate) fn k(lang: Language, key: &str) -> String {
    t(lang, &format!("office_reports.{key}")).to_string()
}

/// A label for a stored value (kind, channel, outcome) in `group`; the value itself when there
/// is no text for it.
pub(crate) fn label(lang: Language, group: &str, value: &str) -> String {
    let key = format!("office_reports.{group}.{value}");
    let text = t(lang, &key);
    if text == key {
        value.to_string()
    } else {
        text.to_string()
    }
}

/// Nearest-rank percentile (`p` in 1..=100) of sorted values: the smallest value with at least
/// p % of the values at or below it. `None` for no values.
pub fn nearest_rank(sorted: &[i64], p: u32) -> Option<i64> {
    if sorted.is_empty() {
        return None;
    }
    let n = sorted.len();
    let rank = (n * p as usize).div_ceil(100).max(1);
    sorted.get(rank - 1).copied()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn only_sqlite_is_told_which_request_index_to_read() {
        let sql = r#"SELECT "request"."id" FROM "request" WHERE "request"."received_on" >= ?"#;
        for (backend, want) in [
            (
                DbBackend::Sqlite,
                r#"SELECT "request"."id" FROM "request" INDEXED BY "ix_x" WHERE "request"."received_on" >= ?"#,
            ),
            (DbBackend::Postgres, sql),
        ] {
            let stmt = Statement::from_string(backend, sql);
            assert_eq!(
                on_request_index(stmt, backend, "ix_x").sql,
                want,
                "{backend:?}"
            );
        }
    }

    #[test]
    fn file_names_name_the_body_and_period() {
        let scope = Scope {
            from: "2026-01-01".parse().unwrap(),
            to: "2026-06-30".parse().unwrap(),
            controller: None,
            controllers: None,
        };
        for (controller, want) in [
            (
                Some("Oslo kommune"),
                "rapport-oslo-kommune-2026-01-01-2026-06-30.csv",
            ),
            (
                Some("Lillestrøm kommune"),
                "rapport-lillestrom-kommune-2026-01-01-2026-06-30.csv",
            ),
            (
                Some("Arbeids- og velferdsetaten (Nav)"),
                "rapport-arbeids-og-velferdsetaten-nav-2026-01-01-2026-06-30.csv",
            ),
            (
                Some("Bydel Grünerløkka"),
                "rapport-bydel-grunerlokka-2026-01-01-2026-06-30.csv",
            ),
            (None, "rapport-alle-2026-01-01-2026-06-30.csv"),
        ] {
            assert_eq!(file_name("rapport", controller, &scope, Format::Csv), want);
        }
    }

    #[test]
    fn nearest_rank_table() {
        let cases: [(&[i64], u32, Option<i64>); 7] = [
            (&[], 50, None),
            (&[7], 50, Some(7)),
            (&[7], 90, Some(7)),
            (&[1, 2, 3, 4], 50, Some(2)),
            (&[1, 2, 3, 4], 90, Some(4)),
            (&[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90, Some(9)),
            (&[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], 90, Some(10)),
        ];
        for (values, p, want) in cases {
            assert_eq!(nearest_rank(values, p), want, "{values:?} p{p}");
        }
    }
}
