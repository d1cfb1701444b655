//! Closed sets stored as strings: each enum's string values are the stored text (and the API's
//! serde value), so a stored value outside the set is a decode error, never a default.
//!
//! Over 500 lines on purpose: one closed set per stored column, each with its table test.
use std::fmt;

use sea_orm::entity::prelude::*;

/// The data-subject right a request invokes (art. 15-18, 21). API values are the Norwegian names.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    serde::Serialize,
    serde::Deserialize,
    utoipa::ToSchema,
    EnumIter,
    DeriveActiveEnum,
)]
#[serde(rename_all = "snake_case")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum RightKind {
    /// Right of access, GDPR art. 15.
    #[sea_orm(string_value = "innsyn")]
    Innsyn,
    /// Right to rectification, GDPR art. 16.
    #[sea_orm(string_value = "retting")]
    Retting,
    /// Right to erasure, GDPR art. 17.
    #[sea_orm(string_value = "sletting")]
    Sletting,
    /// Right to restriction of processing, GDPR art. 18.
    #[sea_orm(string_value = "begrensning")]
    Begrensning,
    /// Right to object, GDPR art. 21.
    #[sea_orm(string_value = "protest")]
    Protest,
}

impl RightKind {
    /// Every right, in article order.
    pub const ALL: [RightKind; 5] = [
        RightKind::Innsyn,
        RightKind::Retting,
        RightKind::Sletting,
        RightKind::Begrensning,
        RightKind::Protest,
    ];

    /// The API value (snake_case), identical to the serde representation.
    pub fn as_str(&self) -> &'static str {
        match self {
            RightKind::Innsyn => "innsyn",
            RightKind::Retting => "retting",
            RightKind::Sletting => "sletting",
            RightKind::Begrensning => "begrensning",
            RightKind::Protest => "protest",
        }
    }

    /// Parses an API value produced by [`RightKind::as_str`] (exact match).
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The GDPR article number that grants this right.
    pub fn gdpr_article(&self) -> &'static str {
        match self {
            RightKind::Innsyn => "15",
            RightKind::Retting => "16",
            RightKind::Sletting => "17",
            RightKind::Begrensning => "18",
            RightKind::Protest => "21",
        }
    }
}

impl fmt::Display for RightKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The state of a request.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    serde::Serialize,
    serde::Deserialize,
    utoipa::ToSchema,
    EnumIter,
    DeriveActiveEnum,
)]
#[serde(rename_all = "snake_case")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum Status {
    /// Registered; the art. 12(3) period runs from the receipt date.
    #[sea_orm(string_value = "received")]
    Received,
    /// A caseworker is handling it.
    #[sea_orm(string_value = "in_progress")]
    InProgress,
    /// Waiting for the requester (clarification or proof of identity).
    #[sea_orm(string_value = "awaiting_requester")]
    AwaitingRequester,
    /// Drafted answer waiting for the privacy officer (four-eyes).
    #[sea_orm(string_value = "awaiting_approval")]
    AwaitingApproval,
    /// Answered; an [`Outcome`] is recorded.
    #[sea_orm(string_value = "completed")]
    Completed,
    /// Withdrawn by the requester.
    #[sea_orm(string_value = "withdrawn")]
    Withdrawn,
    /// Sent out of this system to another controller.
    #[sea_orm(string_value = "forwarded")]
    Forwarded,
}

impl Status {
    /// Every state, in lifecycle order.
    pub const ALL: [Status; 7] = [
        Status::Received,
        Status::InProgress,
        Status::AwaitingRequester,
        Status::AwaitingApproval,
        Status::Completed,
        Status::Withdrawn,
        Status::Forwarded,
    ];

    /// The API value (snake_case), identical to the serde representation.
    pub fn as_str(&self) -> &'static str {
        match self {
            Status::Received => "received",
            Status::InProgress => "in_progress",
            Status::AwaitingRequester => "awaiting_requester",
            Status::AwaitingApproval => "awaiting_approval",
            Status::Completed => "completed",
            Status::Withdrawn => "withdrawn",
            Status::Forwarded => "forwarded",
        }
    }

    /// Parses an API value produced by [`Status::as_str`] (exact match).
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == s)
    }

    /// `completed`, `withdrawn` and `forwarded`: no further transitions.
    pub fn is_terminal(&self) -> bool {
        matches!(
            self,
            Status::Completed | Status::Withdrawn | Status::Forwarded
        )
    }

    /// Not terminal: the request is still being handled and its deadline runs.
    pub fn is_open(&self) -> bool {
        !self.is_terminal()
    }

    /// The open states, for `status IN (…)` filters.
    pub fn open_states() -> Vec<Status> {
        Self::ALL.into_iter().filter(|s| s.is_open()).collect()
    }

    /// The stored values of the open states, for SQL written out as literals.
    pub fn open_values() -> Vec<&'static str> {
        Self::ALL
            .iter()
            .filter(|s| s.is_open())
            .map(|s| s.as_str())
            .collect()
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The result recorded when a request is completed.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    serde::Serialize,
    serde::Deserialize,
    utoipa::ToSchema,
    EnumIter,
    DeriveActiveEnum,
)]
#[serde(rename_all = "snake_case")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum Outcome {
    /// The request was met in full.
    #[sea_orm(string_value = "granted")]
    Granted,
    /// Met in part; the refused part names its legal basis.
    #[sea_orm(string_value = "partially_granted")]
    PartiallyGranted,
    /// Refused, incl. manifestly unfounded or excessive (art. 12(5)).
    #[sea_orm(string_value = "refused")]
    Refused,
}

impl Outcome {
    /// Every outcome.
    pub const ALL: [Outcome; 3] = [
        Outcome::Granted,
        Outcome::PartiallyGranted,
        Outcome::Refused,
    ];

    /// The API value (snake_case), identical to the serde representation.
    pub fn as_str(&self) -> &'static str {
        match self {
            Outcome::Granted => "granted",
            Outcome::PartiallyGranted => "partially_granted",
            Outcome::Refused => "refused",
        }
    }

    /// Parses an API value produced by [`Outcome::as_str`] (exact match).
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == s)
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How the request reached the controller.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    serde::Serialize,
    serde::Deserialize,
    utoipa::ToSchema,
    EnumIter,
    DeriveActiveEnum,
)]
#[serde(rename_all = "snake_case")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum Channel {
    #[sea_orm(string_value = "portal")]
    Portal,
    #[sea_orm(string_value = "api")]
    Api,
    #[sea_orm(string_value = "letter")]
    Letter,
    #[sea_orm(string_value = "email")]
    Email,
    #[sea_orm(string_value = "in_person")]
    InPerson,
}

impl Channel {
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Portal => "portal",
            Self::Api => "api",
            Self::Letter => "letter",
            Self::Email => "email",
            Self::InPerson => "in_person",
        }
    }
    /// Lenient, for the office's registration form: anything unknown is `api`.
    pub fn parse(s: &str) -> Self {
        match s {
            "portal" => Self::Portal,
            "letter" => Self::Letter,
            "email" => Self::Email,
            "in_person" => Self::InPerson,
            _ => Self::Api,
        }
    }
}

/// A language we write to people in: bokmål (default), nynorsk, English, Ukrainian, Arabic,
/// Tigrinya, Dari and Somali.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Default,
    serde::Serialize,
    serde::Deserialize,
    utoipa::ToSchema,
    EnumIter,
    DeriveActiveEnum,
)]
#[serde(rename_all = "snake_case")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum Language {
    #[default]
    #[sea_orm(string_value = "nb")]
    Nb,
    #[sea_orm(string_value = "nn")]
    Nn,
    #[sea_orm(string_value = "en")]
    En,
    #[sea_orm(string_value = "uk")]
    Uk,
    #[sea_orm(string_value = "ar")]
    Ar,
    #[sea_orm(string_value = "ti")]
    Ti,
    /// Dari: tagged `fa-AF` (Persian as written in Afghanistan), the tag browsers, CLDR and
    /// screen readers know; `prs` is accepted as input (docs/languages.md).
    #[serde(rename = "fa-AF")]
    #[sea_orm(string_value = "fa-AF")]
    FaAf,
    #[sea_orm(string_value = "so")]
    So,
}

impl Language {
    /// Every language, the default first. A new language is a variant here (with its code in
    /// each match below) plus its folder under `locales/`.
    pub const ALL: [Language; 8] = [
        Language::Nb,
        Language::Nn,
        Language::En,
        Language::Uk,
        Language::Ar,
        Language::Ti,
        Language::FaAf,
        Language::So,
    ];
    /// The languages of the office pages.
    pub const OFFICE: [Language; 2] = [Language::Nb, Language::En];

    /// The code: the stored value, the API value, the `locales/` folder and the BCP 47 tag.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Nb => "nb",
            Self::Nn => "nn",
            Self::En => "en",
            Self::Uk => "uk",
            Self::Ar => "ar",
            Self::Ti => "ti",
            Self::FaAf => "fa-AF",
            Self::So => "so",
        }
    }

    /// Strict: `None` for an unknown code (user input, cookies). `no` (Norwegian) is bokmål;
    /// Dari is `fa-AF` in any case, or `prs` (its ISO 639-3 code).
    pub fn from_code(s: &str) -> Option<Self> {
        match s {
            "no" => Some(Self::Nb),
            "prs" => Some(Self::FaAf),
            _ if s.eq_ignore_ascii_case("fa-AF") => Some(Self::FaAf),
            _ => Self::ALL.into_iter().find(|l| l.as_str() == s),
        }
    }

    /// Written right to left (Arabic script).
    pub fn is_rtl(&self) -> bool {
        matches!(self, Self::Ar | Self::FaAf)
    }

    /// The value for `dir` on `<html>`.
    pub fn dir(&self) -> &'static str {
        if self.is_rtl() { "rtl" } else { "ltr" }
    }

    /// The value for `<html lang>`.
    pub fn html_lang(&self) -> &'static str {
        self.as_str()
    }

    /// The language's own name, for a language picker.
    pub fn native_name(&self) -> &'static str {
        match self {
            Self::Nb => "Norsk bokmål",
            Self::Nn => "Norsk nynorsk",
            Self::En => "English",
            Self::Uk => "Українська",
            Self::Ar => "العربية",
            Self::Ti => "ትግርኛ",
            Self::FaAf => "دری",
            Self::So => "Soomaali",
        }
    }

    /// Picks the first supported language of an `Accept-Language` header.
    pub fn from_accept_language(header: &str) -> Option<Self> {
        let mut tags: Vec<(f32, &str)> = header
            .split(',')
            .filter_map(|part| {
                let mut it = part.trim().split(';');
                let tag = it.next()?.trim();
                let q = it
                    .find_map(|p| p.trim().strip_prefix("q="))
                    .and_then(|q| q.parse::<f32>().ok())
                    .unwrap_or(1.0);
                Some((q, tag))
            })
            .collect();
        tags.sort_by(|a, b| b.0.partial_cmp(&a.0).unwrap_or(std::cmp::Ordering::Equal));
        tags.iter().find_map(|(_, tag)| {
            let primary = tag.split('-').next().unwrap_or("").to_ascii_lowercase();
            // Persian (`fa`, `fa-IR`) reads Dari: the nearest language we write.
            if primary == "fa" {
                return Some(Self::FaAf);
            }
            Self::from_code(&primary)
        })
    }
}

impl fmt::Display for Language {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where one source stands for one request and operation.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    serde::Serialize,
    serde::Deserialize,
    utoipa::ToSchema,
    EnumIter,
    DeriveActiveEnum,
)]
#[serde(rename_all = "snake_case")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum TaskStatus {
    #[sea_orm(string_value = "pending")]
    Pending,
    #[sea_orm(string_value = "running")]
    Running,
    #[sea_orm(string_value = "done")]
    Done,
    #[sea_orm(string_value = "failed")]
    Failed,
    /// A source without an API: a caseworker enters what it holds.
    #[sea_orm(string_value = "manual")]
    Manual,
}

impl TaskStatus {
    /// Every state.
    pub const ALL: [TaskStatus; 5] = [
        Self::Pending,
        Self::Running,
        Self::Done,
        Self::Failed,
        Self::Manual,
    ];

    /// The stored and API value.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Running => "running",
            Self::Done => "done",
            Self::Failed => "failed",
            Self::Manual => "manual",
        }
    }

    /// Parses a value produced by [`TaskStatus::as_str`] (exact match).
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == s)
    }
}

impl fmt::Display for TaskStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How a notice reaches its recipient.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    serde::Serialize,
    serde::Deserialize,
    utoipa::ToSchema,
    EnumIter,
    DeriveActiveEnum,
)]
#[serde(rename_all = "snake_case")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum NoticeChannel {
    /// The recipient's source system takes notices over the source protocol.
    #[sea_orm(string_value = "protocol")]
    Protocol,
    /// A caseworker sends the printable letter and records that it was sent.
    #[sea_orm(string_value = "manual")]
    Manual,
}

impl NoticeChannel {
    pub const ALL: [NoticeChannel; 2] = [Self::Protocol, Self::Manual];

    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Protocol => "protocol",
            Self::Manual => "manual",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

impl fmt::Display for NoticeChannel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a notice's delivery stands.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    serde::Serialize,
    serde::Deserialize,
    utoipa::ToSchema,
    EnumIter,
    DeriveActiveEnum,
)]
#[serde(rename_all = "snake_case")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum NoticeStatus {
    /// Waiting for (another) delivery attempt over the protocol.
    #[sea_orm(string_value = "pending")]
    Pending,
    /// The recipient's system confirmed it, or a caseworker recorded the letter as sent.
    #[sea_orm(string_value = "delivered")]
    Delivered,
    /// The protocol delivery gave up; retry, or send the letter and record it.
    #[sea_orm(string_value = "failed")]
    Failed,
    /// Waiting for a caseworker to send the printable letter.
    #[sea_orm(string_value = "manual")]
    Manual,
}

impl NoticeStatus {
    pub const ALL: [NoticeStatus; 4] = [Self::Pending, Self::Delivered, Self::Failed, Self::Manual];

    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Delivered => "delivered",
            Self::Failed => "failed",
            Self::Manual => "manual",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

impl fmt::Display for NoticeStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What an outbox row carries; e-mail is the only kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum OutboxKind {
    #[sea_orm(string_value = "email")]
    Email,
}

impl OutboxKind {
    pub const ALL: [OutboxKind; 1] = [Self::Email];

    /// The stored value.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Email => "email",
        }
    }

    /// Parses a value produced by [`OutboxKind::as_str`] (exact match).
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

impl fmt::Display for OutboxKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An outbox row's state: `pending` until a worker claims it (`sending`, with a lease), then
/// `sent`, or `failed` when its attempts ran out or it can never be sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum OutboxStatus {
    #[sea_orm(string_value = "pending")]
    Pending,
    #[sea_orm(string_value = "sending")]
    Sending,
    #[sea_orm(string_value = "sent")]
    Sent,
    #[sea_orm(string_value = "failed")]
    Failed,
}

impl OutboxStatus {
    /// Every state.
    pub const ALL: [OutboxStatus; 4] = [Self::Pending, Self::Sending, Self::Sent, Self::Failed];

    /// The stored value.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Sending => "sending",
            Self::Sent => "sent",
            Self::Failed => "failed",
        }
    }

    /// Parses a value produced by [`OutboxStatus::as_str`] (exact match).
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == s)
    }
}

impl fmt::Display for OutboxStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// On what ground someone acts for another person (stored on `representation`).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    serde::Serialize,
    serde::Deserialize,
    utoipa::ToSchema,
    EnumIter,
    DeriveActiveEnum,
)]
#[serde(rename_all = "snake_case")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum RepresentationBasis {
    /// A holder of parental responsibility for a child under 18 (barnelova § 30,
    /// vergemålsloven § 16), as Folkeregisteret records it.
    #[sea_orm(string_value = "parental_responsibility")]
    ParentalResponsibility,
    /// A guardian (verge) appointed by the Statsforvalteren (vergemålsloven § 20).
    #[sea_orm(string_value = "verge")]
    Verge,
    /// The representative of an unaccompanied minor asylum seeker, appointed by the
    /// Statsforvalteren (vergemålsloven § 98).
    #[sea_orm(string_value = "asylum_representative")]
    AsylumRepresentative,
    /// A written power of attorney (fullmakt).
    #[sea_orm(string_value = "fullmakt")]
    Fullmakt,
}

impl RepresentationBasis {
    pub const ALL: [RepresentationBasis; 4] = [
        Self::ParentalResponsibility,
        Self::Verge,
        Self::AsylumRepresentative,
        Self::Fullmakt,
    ];

    /// The stored and API value.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::ParentalResponsibility => "parental_responsibility",
            Self::Verge => "verge",
            Self::AsylumRepresentative => "asylum_representative",
            Self::Fullmakt => "fullmakt",
        }
    }

    /// Parses a value produced by [`RepresentationBasis::as_str`] (exact match).
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == s)
    }
}

impl fmt::Display for RepresentationBasis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a drafted decision stands.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    serde::Serialize,
    serde::Deserialize,
    utoipa::ToSchema,
    EnumIter,
    DeriveActiveEnum,
)]
#[serde(rename_all = "snake_case")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum DecisionStatus {
    #[sea_orm(string_value = "draft")]
    Draft,
    #[sea_orm(string_value = "approved")]
    Approved,
    #[sea_orm(string_value = "returned")]
    Returned,
    /// Replaced by a newer draft.
    #[sea_orm(string_value = "superseded")]
    Superseded,
}

impl DecisionStatus {
    pub const ALL: [DecisionStatus; 4] = [
        Self::Draft,
        Self::Approved,
        Self::Returned,
        Self::Superseded,
    ];

    /// The stored and API value.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Approved => "approved",
            Self::Returned => "returned",
            Self::Superseded => "superseded",
        }
    }

    /// Parses a value produced by [`DecisionStatus::as_str`] (exact match).
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == s)
    }
}

impl fmt::Display for DecisionStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The steps that close a case here without an answer.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    serde::Serialize,
    serde::Deserialize,
    utoipa::ToSchema,
    EnumIter,
    DeriveActiveEnum,
)]
#[serde(rename_all = "snake_case")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum ClosingAction {
    /// The person withdrew the request (staff register it).
    #[sea_orm(string_value = "withdraw")]
    Withdraw,
    /// Sent out of this system (`forward_out`).
    #[sea_orm(string_value = "forward_out")]
    ForwardOut,
    /// Forwarded to a unit of another controller.
    #[sea_orm(string_value = "forward")]
    Forward,
}

impl ClosingAction {
    pub const ALL: [ClosingAction; 3] = [Self::Withdraw, Self::ForwardOut, Self::Forward];

    /// The stored and API value.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Withdraw => "withdraw",
            Self::ForwardOut => "forward_out",
            Self::Forward => "forward",
        }
    }

    /// Parses a value produced by [`ClosingAction::as_str`] (exact match).
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == s)
    }
}

impl fmt::Display for ClosingAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a proposed closing stands.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    serde::Serialize,
    serde::Deserialize,
    utoipa::ToSchema,
    EnumIter,
    DeriveActiveEnum,
)]
#[serde(rename_all = "snake_case")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum ClosingStatus {
    /// Waiting for a privacy officer.
    #[sea_orm(string_value = "pending")]
    Pending,
    /// Approved and carried out.
    #[sea_orm(string_value = "approved")]
    Approved,
    /// Returned to the proposer; the case stays open.
    #[sea_orm(string_value = "returned")]
    Returned,
}

impl ClosingStatus {
    pub const ALL: [ClosingStatus; 3] = [Self::Pending, Self::Approved, Self::Returned];

    /// The stored and API value.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Approved => "approved",
            Self::Returned => "returned",
        }
    }

    /// Parses a value produced by [`ClosingStatus::as_str`] (exact match).
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == s)
    }
}

impl fmt::Display for ClosingStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a merge of two persons stands.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    serde::Serialize,
    serde::Deserialize,
    utoipa::ToSchema,
    EnumIter,
    DeriveActiveEnum,
)]
#[serde(rename_all = "snake_case")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum LinkStatus {
    /// Waiting for a privacy officer.
    #[sea_orm(string_value = "pending")]
    Pending,
    /// Approved: the two are one person.
    #[sea_orm(string_value = "approved")]
    Approved,
    /// Refused: they stay two.
    #[sea_orm(string_value = "refused")]
    Refused,
}

impl LinkStatus {
    pub const ALL: [LinkStatus; 3] = [Self::Pending, Self::Approved, Self::Refused];

    /// The stored and API value.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Approved => "approved",
            Self::Refused => "refused",
        }
    }

    /// Parses a value produced by [`LinkStatus::as_str`] (exact match).
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == s)
    }
}

impl fmt::Display for LinkStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a claimed representation stands: not yet proven, proven later (the request is then
/// linked to the representation), or refused by a decision.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    serde::Serialize,
    serde::Deserialize,
    utoipa::ToSchema,
    EnumIter,
    DeriveActiveEnum,
)]
#[serde(rename_all = "snake_case")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum ClaimStatus {
    #[sea_orm(string_value = "open")]
    Open,
    #[sea_orm(string_value = "proven")]
    Proven,
    #[sea_orm(string_value = "refused")]
    Refused,
}

impl ClaimStatus {
    pub const ALL: [ClaimStatus; 3] = [Self::Open, Self::Proven, Self::Refused];

    /// The stored and API value.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Proven => "proven",
            Self::Refused => "refused",
        }
    }

    /// Parses a value produced by [`ClaimStatus::as_str`] (exact match).
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == s)
    }
}

impl fmt::Display for ClaimStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a person identifier holds: a national identity number, UDI's DUF number, or (for a paper
/// request registered by staff) a name with a date of birth.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    serde::Serialize,
    serde::Deserialize,
    utoipa::ToSchema,
    EnumIter,
    DeriveActiveEnum,
)]
#[serde(rename_all = "snake_case")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum IdentifierKind {
    /// Fødselsnummer (Folkeregisteret).
    #[sea_orm(string_value = "fodselsnummer")]
    Fodselsnummer,
    /// D-nummer (Folkeregisteret, for persons without a fødselsnummer).
    #[sea_orm(string_value = "d_nummer")]
    DNummer,
    /// DUF number: UDI's registration number for a person who applies for protection or residence.
    #[sea_orm(string_value = "duf")]
    Duf,
    /// Name and date of birth, for a paper request from a person without a number.
    #[sea_orm(string_value = "name_birth_date")]
    NameBirthDate,
}

impl IdentifierKind {
    /// Every kind.
    pub const ALL: [IdentifierKind; 4] = [
        Self::Fodselsnummer,
        Self::DNummer,
        Self::Duf,
        Self::NameBirthDate,
    ];

    /// The stored and API value.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Fodselsnummer => "fodselsnummer",
            Self::DNummer => "d_nummer",
            Self::Duf => "duf",
            Self::NameBirthDate => "name_birth_date",
        }
    }

    /// Parses a value produced by [`IdentifierKind::as_str`] (exact match).
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == s)
    }
}

impl fmt::Display for IdentifierKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How staff (or the login) established that the requester is the person the request is about.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    serde::Serialize,
    serde::Deserialize,
    utoipa::ToSchema,
    EnumIter,
    DeriveActiveEnum,
)]
#[serde(rename_all = "snake_case")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum VerificationMethod {
    /// Logged in through ID-porten (recorded automatically for portal requests).
    #[sea_orm(string_value = "id_porten")]
    IdPorten,
    /// An ID document seen in person.
    #[sea_orm(string_value = "id_document_in_person")]
    IdDocumentInPerson,
    /// A letter with a copy of an ID document.
    #[sea_orm(string_value = "letter_with_id_copy")]
    LetterWithIdCopy,
    /// Known from the case (e.g. the controller's own dealings with the person).
    #[sea_orm(string_value = "known_from_case")]
    KnownFromCase,
}

impl VerificationMethod {
    /// Every method.
    pub const ALL: [VerificationMethod; 4] = [
        Self::IdPorten,
        Self::IdDocumentInPerson,
        Self::LetterWithIdCopy,
        Self::KnownFromCase,
    ];

    /// The stored and API value.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::IdPorten => "id_porten",
            Self::IdDocumentInPerson => "id_document_in_person",
            Self::LetterWithIdCopy => "letter_with_id_copy",
            Self::KnownFromCase => "known_from_case",
        }
    }

    /// Parses a value produced by [`VerificationMethod::as_str`] (exact match).
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == s)
    }
}

impl fmt::Display for VerificationMethod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a stored document is: a letter to the person as PDF and HTML, the innsyn data package,
/// or an art. 19 notice to a recipient.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum DocumentKind {
    #[sea_orm(string_value = "answer_pdf")]
    AnswerPdf,
    #[sea_orm(string_value = "answer_html")]
    AnswerHtml,
    #[sea_orm(string_value = "extension_pdf")]
    ExtensionPdf,
    #[sea_orm(string_value = "extension_html")]
    ExtensionHtml,
    #[sea_orm(string_value = "forwarded_pdf")]
    ForwardedPdf,
    #[sea_orm(string_value = "forwarded_html")]
    ForwardedHtml,
    #[sea_orm(string_value = "restriction_lift_pdf")]
    RestrictionLiftPdf,
    #[sea_orm(string_value = "restriction_lift_html")]
    RestrictionLiftHtml,
    /// The innsyn data package (ZIP).
    #[sea_orm(string_value = "data_package")]
    DataPackage,
    /// An art. 19 notice to a recipient (not for the person).
    #[sea_orm(string_value = "recipient_notice")]
    RecipientNotice,
}

impl DocumentKind {
    /// Every kind.
    pub const ALL: [DocumentKind; 10] = [
        Self::AnswerPdf,
        Self::AnswerHtml,
        Self::ExtensionPdf,
        Self::ExtensionHtml,
        Self::ForwardedPdf,
        Self::ForwardedHtml,
        Self::RestrictionLiftPdf,
        Self::RestrictionLiftHtml,
        Self::DataPackage,
        Self::RecipientNotice,
    ];

    /// The stored and API value.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::AnswerPdf => "answer_pdf",
            Self::AnswerHtml => "answer_html",
            Self::ExtensionPdf => "extension_pdf",
            Self::ExtensionHtml => "extension_html",
            Self::ForwardedPdf => "forwarded_pdf",
            Self::ForwardedHtml => "forwarded_html",
            Self::RestrictionLiftPdf => "restriction_lift_pdf",
            Self::RestrictionLiftHtml => "restriction_lift_html",
            Self::DataPackage => "data_package",
            Self::RecipientNotice => "recipient_notice",
        }
    }

    /// Parses a value produced by [`DocumentKind::as_str`] (exact match).
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == s)
    }

    /// The letter to the person this document is the PDF of (the printable one).
    pub fn letter_pdf(&self) -> Option<LetterKind> {
        Some(match self {
            Self::AnswerPdf => LetterKind::Answer,
            Self::ExtensionPdf => LetterKind::Extension,
            Self::ForwardedPdf => LetterKind::Forwarded,
            Self::RestrictionLiftPdf => LetterKind::RestrictionLift,
            _ => return None,
        })
    }
}

impl fmt::Display for DocumentKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The kinds of letters to the person that can go by post.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    serde::Serialize,
    serde::Deserialize,
    utoipa::ToSchema,
    EnumIter,
    DeriveActiveEnum,
)]
#[serde(rename_all = "snake_case")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum LetterKind {
    /// The answer or decision.
    #[sea_orm(string_value = "answer")]
    Answer,
    /// The extension of the deadline with its reasons (art. 12(3)).
    #[sea_orm(string_value = "extension")]
    Extension,
    /// The request went to another controller.
    #[sea_orm(string_value = "forwarded")]
    Forwarded,
    /// A restriction will be lifted (art. 18(3)).
    #[sea_orm(string_value = "restriction_lift")]
    RestrictionLift,
}

impl LetterKind {
    /// Every kind.
    pub const ALL: [LetterKind; 4] = [
        Self::Answer,
        Self::Extension,
        Self::Forwarded,
        Self::RestrictionLift,
    ];

    /// The stored and API value.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Answer => "answer",
            Self::Extension => "extension",
            Self::Forwarded => "forwarded",
            Self::RestrictionLift => "restriction_lift",
        }
    }

    /// Parses a value produced by [`LetterKind::as_str`] (exact match).
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

impl fmt::Display for LetterKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Who did something on a request's timeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum ActorKind {
    /// The person (or their representative) through the portal or the API.
    #[sea_orm(string_value = "citizen")]
    Citizen,
    /// A staff member (the username is beside it).
    #[sea_orm(string_value = "staff")]
    Staff,
    /// A worker of the system itself.
    #[sea_orm(string_value = "system")]
    System,
}

impl ActorKind {
    /// Every kind.
    pub const ALL: [ActorKind; 3] = [Self::Citizen, Self::Staff, Self::System];

    /// The stored and API value.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Citizen => "citizen",
            Self::Staff => "staff",
            Self::System => "system",
        }
    }

    /// Parses a value produced by [`ActorKind::as_str`] (exact match).
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == s)
    }
}

impl fmt::Display for ActorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a browser session is: a pending login or a logged-in citizen or staff member.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum SessionKind {
    /// Between `/login` and the callback: holds state, nonce and PKCE verifier.
    #[sea_orm(string_value = "login")]
    Pending,
    #[sea_orm(string_value = "citizen")]
    Citizen,
    #[sea_orm(string_value = "staff")]
    Staff,
}

impl SessionKind {
    /// Every kind.
    pub const ALL: [SessionKind; 3] = [Self::Pending, Self::Citizen, Self::Staff];

    /// The stored value.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Pending => "login",
            Self::Citizen => "citizen",
            Self::Staff => "staff",
        }
    }

    /// Parses a value produced by [`SessionKind::as_str`] (exact match).
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == s)
    }
}

impl fmt::Display for SessionKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which login: citizens (ID-porten) or staff (the workforce IdP).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    serde::Serialize,
    serde::Deserialize,
    EnumIter,
    DeriveActiveEnum,
)]
#[serde(rename_all = "snake_case")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum ProviderKind {
    #[sea_orm(string_value = "citizen")]
    Citizen,
    #[sea_orm(string_value = "staff")]
    Staff,
}

impl ProviderKind {
    /// Every provider.
    pub const ALL: [ProviderKind; 2] = [Self::Citizen, Self::Staff];

    /// The stored and configured value.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Citizen => "citizen",
            Self::Staff => "staff",
        }
    }

    /// Parses a value produced by [`ProviderKind::as_str`] (exact match).
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == s)
    }
}

impl fmt::Display for ProviderKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use sea_orm::ActiveEnum;

    use super::*;

    /// Each value's text is its stored value, its API value and its display; it parses back;
    /// a stored text outside the set is a decode error.
    fn table<T>(
        table: &[(T, &str)],
        all: &[T],
        as_str: fn(&T) -> &'static str,
        parse: fn(&str) -> Option<T>,
    ) where
        T: ActiveEnum<Value = String> + fmt::Display + fmt::Debug + PartialEq + Copy,
    {
        assert_eq!(table.len(), all.len(), "the table names every value");
        for (value, text) in table {
            assert_eq!(as_str(value), *text);
            assert_eq!(value.to_string(), *text);
            assert_eq!(value.to_value(), *text, "stored as {text}");
            assert_eq!(
                <T as ActiveEnum>::try_from_value(&String::from(*text)).ok(),
                Some(*value)
            );
            assert_eq!(parse(text), Some(*value));
        }
        for wrong in ["", "unknown", "NB", "Pending"] {
            assert!(
                <T as ActiveEnum>::try_from_value(&String::from(wrong)).is_err(),
                "{wrong:?} is refused"
            );
            assert_eq!(parse(wrong), None, "{wrong:?}");
        }
    }

    #[test]
    fn languages() {
        use Language::*;
        table(
            &[
                (Nb, "nb"),
                (Nn, "nn"),
                (En, "en"),
                (Uk, "uk"),
                (Ar, "ar"),
                (Ti, "ti"),
                (FaAf, "fa-AF"),
                (So, "so"),
            ],
            &Language::ALL,
            Language::as_str,
            Language::from_code,
        );
        assert_eq!(Language::from_code("no"), Some(Nb), "Norwegian is bokmål");
    }

    #[test]
    fn notice_channels_and_states() {
        table(
            &[
                (NoticeChannel::Protocol, "protocol"),
                (NoticeChannel::Manual, "manual"),
            ],
            &NoticeChannel::ALL,
            NoticeChannel::as_str,
            NoticeChannel::parse,
        );
        use NoticeStatus::*;
        table(
            &[
                (Pending, "pending"),
                (Delivered, "delivered"),
                (Failed, "failed"),
                (Manual, "manual"),
            ],
            &NoticeStatus::ALL,
            NoticeStatus::as_str,
            NoticeStatus::parse,
        );
    }

    #[test]
    fn outbox_kinds_and_states() {
        table(
            &[(OutboxKind::Email, "email")],
            &OutboxKind::ALL,
            OutboxKind::as_str,
            OutboxKind::parse,
        );
        use OutboxStatus::*;
        table(
            &[
                (Pending, "pending"),
                (Sending, "sending"),
                (Sent, "sent"),
                (Failed, "failed"),
            ],
            &OutboxStatus::ALL,
            OutboxStatus::as_str,
            OutboxStatus::parse,
        );
    }

    #[test]
    fn task_states() {
        use TaskStatus::*;
        table(
            &[
                (Pending, "pending"),
                (Running, "running"),
                (Done, "done"),
                (Failed, "failed"),
                (Manual, "manual"),
            ],
            &TaskStatus::ALL,
            TaskStatus::as_str,
            TaskStatus::parse,
        );
    }

    #[test]
    fn rights_states_and_outcomes() {
        use RightKind as K;
        table(
            &[
                (K::Innsyn, "innsyn"),
                (K::Retting, "retting"),
                (K::Sletting, "sletting"),
                (K::Begrensning, "begrensning"),
                (K::Protest, "protest"),
            ],
            &RightKind::ALL,
            RightKind::as_str,
            RightKind::parse,
        );
        use Status as S;
        table(
            &[
                (S::Received, "received"),
                (S::InProgress, "in_progress"),
                (S::AwaitingRequester, "awaiting_requester"),
                (S::AwaitingApproval, "awaiting_approval"),
                (S::Completed, "completed"),
                (S::Withdrawn, "withdrawn"),
                (S::Forwarded, "forwarded"),
            ],
            &Status::ALL,
            Status::as_str,
            Status::parse,
        );
        use Outcome as O;
        table(
            &[
                (O::Granted, "granted"),
                (O::PartiallyGranted, "partially_granted"),
                (O::Refused, "refused"),
            ],
            &Outcome::ALL,
            Outcome::as_str,
            Outcome::parse,
        );
    }

    #[test]
    fn representation_bases() {
        use RepresentationBasis as B;
        table(
            &[
                (B::ParentalResponsibility, "parental_responsibility"),
                (B::Verge, "verge"),
                (B::AsylumRepresentative, "asylum_representative"),
                (B::Fullmakt, "fullmakt"),
            ],
            &RepresentationBasis::ALL,
            RepresentationBasis::as_str,
            RepresentationBasis::parse,
        );
        table(
            &[
                (DecisionStatus::Draft, "draft"),
                (DecisionStatus::Approved, "approved"),
                (DecisionStatus::Returned, "returned"),
                (DecisionStatus::Superseded, "superseded"),
            ],
            &DecisionStatus::ALL,
            DecisionStatus::as_str,
            DecisionStatus::parse,
        );
        table(
            &[
                (ClosingAction::Withdraw, "withdraw"),
                (ClosingAction::ForwardOut, "forward_out"),
                (ClosingAction::Forward, "forward"),
            ],
            &ClosingAction::ALL,
            ClosingAction::as_str,
            ClosingAction::parse,
        );
        table(
            &[
                (ClosingStatus::Pending, "pending"),
                (ClosingStatus::Approved, "approved"),
                (ClosingStatus::Returned, "returned"),
            ],
            &ClosingStatus::ALL,
            ClosingStatus::as_str,
            ClosingStatus::parse,
        );
        table(
            &[
                (LinkStatus::Pending, "pending"),
                (LinkStatus::Approved, "approved"),
                (LinkStatus::Refused, "refused"),
            ],
            &LinkStatus::ALL,
            LinkStatus::as_str,
            LinkStatus::parse,
        );
        use ClaimStatus as C;
        table(
            &[
                (C::Open, "open"),
                (C::Proven, "proven"),
                (C::Refused, "refused"),
            ],
            &ClaimStatus::ALL,
            ClaimStatus::as_str,
            ClaimStatus::parse,
        );
    }

    #[test]
    fn identifier_kinds_and_verification_methods() {
        use IdentifierKind as K;
        table(
            &[
                (K::Fodselsnummer, "fodselsnummer"),
                (K::DNummer, "d_nummer"),
                (K::Duf, "duf"),
                (K::NameBirthDate, "name_birth_date"),
            ],
            &IdentifierKind::ALL,
            IdentifierKind::as_str,
            IdentifierKind::parse,
        );
        use VerificationMethod as V;
        table(
            &[
                (V::IdPorten, "id_porten"),
                (V::IdDocumentInPerson, "id_document_in_person"),
                (V::LetterWithIdCopy, "letter_with_id_copy"),
                (V::KnownFromCase, "known_from_case"),
            ],
            &VerificationMethod::ALL,
            VerificationMethod::as_str,
            VerificationMethod::parse,
        );
    }

    #[test]
    fn documents_letters_actors_and_sessions() {
        use DocumentKind as D;
        table(
            &[
                (D::AnswerPdf, "answer_pdf"),
                (D::AnswerHtml, "answer_html"),
                (D::ExtensionPdf, "extension_pdf"),
                (D::ExtensionHtml, "extension_html"),
                (D::ForwardedPdf, "forwarded_pdf"),
                (D::ForwardedHtml, "forwarded_html"),
                (D::RestrictionLiftPdf, "restriction_lift_pdf"),
                (D::RestrictionLiftHtml, "restriction_lift_html"),
                (D::DataPackage, "data_package"),
                (D::RecipientNotice, "recipient_notice"),
            ],
            &DocumentKind::ALL,
            DocumentKind::as_str,
            DocumentKind::parse,
        );
        use LetterKind as L;
        table(
            &[
                (L::Answer, "answer"),
                (L::Extension, "extension"),
                (L::Forwarded, "forwarded"),
                (L::RestrictionLift, "restriction_lift"),
            ],
            &LetterKind::ALL,
            LetterKind::as_str,
            LetterKind::parse,
        );
        // Only the PDF of a letter to the person is a letter that can go by post.
        let printable: Vec<_> = DocumentKind::ALL
            .iter()
            .filter_map(|d| d.letter_pdf().map(|l| (*d, l)))
            .collect();
        assert_eq!(
            printable,
            [
                (D::AnswerPdf, L::Answer),
                (D::ExtensionPdf, L::Extension),
                (D::ForwardedPdf, L::Forwarded),
                (D::RestrictionLiftPdf, L::RestrictionLift),
            ]
        );
        table(
            &[
                (ActorKind::Citizen, "citizen"),
                (ActorKind::Staff, "staff"),
                (ActorKind::System, "system"),
            ],
            &ActorKind::ALL,
            ActorKind::as_str,
            ActorKind::parse,
        );
        table(
            &[
                (SessionKind::Pending, "login"),
                (SessionKind::Citizen, "citizen"),
                (SessionKind::Staff, "staff"),
            ],
            &SessionKind::ALL,
            SessionKind::as_str,
            SessionKind::parse,
        );
        table(
            &[
                (ProviderKind::Citizen, "citizen"),
                (ProviderKind::Staff, "staff"),
            ],
            &ProviderKind::ALL,
            ProviderKind::as_str,
            ProviderKind::parse,
        );
        assert_eq!(
            serde_json::to_value(LetterKind::RestrictionLift).ok(),
            Some(serde_json::json!("restriction_lift")),
            "the API value is the stored value"
        );
    }
}

/// Whether an attachment the person uploaded was scanned for malware: `clean` when a
/// configured scanner (clamd) found nothing, `not_scanned` when no scanner is configured.
/// An infected file or one that could not be scanned is never kept, so it has no status.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    serde::Serialize,
    serde::Deserialize,
    utoipa::ToSchema,
    EnumIter,
    DeriveActiveEnum,
)]
#[serde(rename_all = "snake_case")]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum ScanStatus {
    #[sea_orm(string_value = "not_scanned")]
    NotScanned,
    #[sea_orm(string_value = "clean")]
    Clean,
}

impl ScanStatus {
    pub const ALL: [ScanStatus; 2] = [Self::NotScanned, Self::Clean];

    /// The stored and API value.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::NotScanned => "not_scanned",
            Self::Clean => "clean",
        }
    }

    /// Parses a value produced by [`ScanStatus::as_str`] (exact match).
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == s)
    }
}

impl fmt::Display for ScanStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
