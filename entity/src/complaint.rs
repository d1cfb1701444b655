//! A complaint about how a request was handled: an appeal of the decision, or a complaint to
//! Datatilsynet that Datatilsynet brought to the controller; where it stands and how it ended.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "complaint")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub request_id: Uuid,
    pub kind: ComplaintKind,
    /// The day the complaint reached the controller.
    pub received_on: Date,
    pub status: ComplaintStatus,
    /// An appeal the controller did not grant itself, sent on to the appeal body.
    pub sent_to_appeal_body_on: Option<Date>,
    pub outcome: Option<ComplaintOutcome>,
    pub decided_on: Option<Date>,
    /// Staff's summary (internal).
    pub note: Option<String>,
    pub registered_by: Uuid,
    pub registered_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

/// What the person complained through.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    serde::Serialize,
    serde::Deserialize,
    utoipa::ToSchema,
    EnumIter,
    DeriveActiveEnum,
)]
#[serde(rename_all = "snake_case")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum ComplaintKind {
    /// An appeal of the decision, made to the controller that decided.
    #[sea_orm(string_value = "appeal")]
    Appeal,
    /// A complaint to Datatilsynet about the handling, brought to the controller by Datatilsynet.
    #[sea_orm(string_value = "supervisory_authority")]
    SupervisoryAuthority,
}

/// Where a complaint stands.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    serde::Serialize,
    serde::Deserialize,
    utoipa::ToSchema,
    EnumIter,
    DeriveActiveEnum,
)]
#[serde(rename_all = "snake_case")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum ComplaintStatus {
    /// Received, being prepared by the controller.
    #[sea_orm(string_value = "open")]
    Open,
    /// Sent on to the appeal body, waiting for its decision.
    #[sea_orm(string_value = "with_appeal_body")]
    WithAppealBody,
    /// Ended, with an outcome.
    #[sea_orm(string_value = "closed")]
    Closed,
}

/// How a complaint ended.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    serde::Serialize,
    serde::Deserialize,
    utoipa::ToSchema,
    EnumIter,
    DeriveActiveEnum,
)]
#[serde(rename_all = "snake_case")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum ComplaintOutcome {
    /// The decision stands (for Datatilsynet: no breach found).
    #[sea_orm(string_value = "upheld")]
    Upheld,
    /// The decision was changed in the person's favour in full.
    #[sea_orm(string_value = "reversed")]
    Reversed,
    /// Changed in part.
    #[sea_orm(string_value = "partly_reversed")]
    PartlyReversed,
    /// Not considered on its merits (too late, no standing).
    #[sea_orm(string_value = "dismissed")]
    Dismissed,
    /// The person withdrew it.
    #[sea_orm(string_value = "withdrawn")]
    Withdrawn,
}

macro_rules! as_str {
    ($t:ty { $($v:ident => $s:literal),+ $(,)? }) => {
        impl $t {
            /// Every value.
            pub const ALL: &'static [$t] = &[$(<$t>::$v),+];
            /// The stored and API value.
            pub fn as_str(&self) -> &'static str {
                match self { $(<$t>::$v => $s),+ }
            }
            /// The value for `s` (exact match).
            pub fn parse(s: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|v| v.as_str() == s)
            }
        }
    };
}

as_str!(ComplaintKind { Appeal => "appeal", SupervisoryAuthority => "supervisory_authority" });
as_str!(ComplaintStatus { Open => "open", WithAppealBody => "with_appeal_body", Closed => "closed" });
as_str!(ComplaintOutcome {
    Upheld => "upheld",
    Reversed => "reversed",
    PartlyReversed => "partly_reversed",
    Dismissed => "dismissed",
    Withdrawn => "withdrawn",
});

#[cfg(test)]
mod tests {
    use sea_orm::ActiveEnum;

    use super::*;

    /// The stored string, the API string and `as_str` are the same for every value.
    #[test]
    fn stored_and_api_values_agree() {
        fn check<T>(all: &[T])
        where
            T: ActiveEnum<Value = String> + serde::Serialize + Copy,
        {
            for v in all {
                let stored = v.to_value();
                let api = serde_json::to_value(v).expect("serialise");
                assert_eq!(api, serde_json::Value::String(stored.clone()));
                assert_eq!(
                    T::try_from_value(&stored).ok().map(|x| x.to_value()),
                    Some(stored)
                );
            }
        }
        check(ComplaintKind::ALL);
        check(ComplaintStatus::ALL);
        check(ComplaintOutcome::ALL);
        for v in ComplaintOutcome::ALL {
            assert_eq!(ComplaintOutcome::parse(v.as_str()), Some(*v));
        }
        assert_eq!(ComplaintOutcome::parse("Upheld"), None);
    }
}
