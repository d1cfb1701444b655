//! Closed sets stored as strings: each enum's string values are the stored text (and the API's
//! serde value), so a stored value outside the set is a decode error, never a default.
//!
//! Over 500 lines on purpose: one closed set per stored column, each with its table test.
use std::fmt;

use sea_orm::entity::prelude::*;

/// A closed set stored as text: the enum as given (its docs and derives), each variant stored
/// as its text (`Variant = "text"` becomes `#[sea_orm(string_value = "text")]`), with `ALL` in
/// declaration order, `as_str`, `parse` and `Display` giving that text.
macro_rules! stored_set {
    (
        $(#[$($attr:tt)*])*
        pub enum $name:ident {
            $( $(#[doc = $doc:literal])* $variant:ident = $text:literal, )+
        }
    ) => {
        $(#[$($attr)*])*
        pub enum $name {
            $( $(#[doc = $doc])* #[sea_orm(string_value = $text)] $variant, )+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: [$name; [$($text),+].len()] = [$(Self::$variant),+];

            /// The stored and API value.
            pub fn as_str(&self) -> &'static str {
                match self {
                    $(Self::$variant => $text,)+
                }
            }

            /// Parses a value produced by `as_str` (exact match).
            pub fn parse(s: &str) -> Option<Self> {
                Self::ALL.into_iter().find(|v| v.as_str() == s)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

stored_set! {
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
    Innsyn = "innsyn",
    /// Right to rectification, GDPR art. 16.
    Retting = "retting",
    /// Right to erasure, GDPR art. 17.
    Sletting = "sletting",
    /// Right to restriction of processing, GDPR art. 18.
    Begrensning = "begrensning",
    /// Right to object, GDPR art. 21.
    Protest = "protest",
}
}

impl RightKind {
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

stored_set! {
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
    Received = "received",
    /// A caseworker is handling it.
    InProgress = "in_progress",
    /// Waiting for the requester (clarification or proof of identity).
    AwaitingRequester = "awaiting_requester",
    /// Drafted answer waiting for the privacy officer (four-eyes).
    AwaitingApproval = "awaiting_approval",
    /// Answered; an [`Outcome`] is recorded.
    Completed = "completed",
    /// Withdrawn by the requester.
    Withdrawn = "withdrawn",
    /// Sent out of this system to another controller.
    Forwarded = "forwarded",
}
}

impl Status {
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

stored_set! {
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
    Granted = "granted",
    /// Met in part; the refused part names its legal basis.
    PartiallyGranted = "partially_granted",
    /// Refused, incl. manifestly unfounded or excessive (art. 12(5)).
    Refused = "refused",
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

stored_set! {
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
    Pending = "pending",
    Running = "running",
    Done = "done",
    Failed = "failed",
    /// A source without an API: a caseworker enters what it holds.
    Manual = "manual",
}
}

stored_set! {
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
    Protocol = "protocol",
    /// A caseworker sends the printable letter and records that it was sent.
    Manual = "manual",
}
}

stored_set! {
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
    Pending = "pending",
    /// The recipient's system confirmed it, or a caseworker recorded the letter as sent.
    Delivered = "delivered",
    /// The protocol delivery gave up; retry, or send the letter and record it.
    Failed = "failed",
    /// Waiting for a caseworker to send the printable letter.
    Manual = "manual",
}
}

stored_set! {
/// What an outbox row carries; e-mail is the only kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum OutboxKind {
    Email = "email",
}
}

stored_set! {
/// An outbox row's state: `pending` until a worker claims it (`sending`, with a lease), then
/// `sent`, or `failed` when its attempts ran out or it can never be sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum OutboxStatus {
    Pending = "pending",
    Sending = "sending",
    Sent = "sent",
    Failed = "failed",
}
}

stored_set! {
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
    ParentalResponsibility = "parental_responsibility",
    /// A guardian (verge) appointed by the Statsforvalteren (vergemålsloven § 20).
    Verge = "verge",
    /// The representative of an unaccompanied minor asylum seeker, appointed by the
    /// Statsforvalteren (vergemålsloven § 98).
    AsylumRepresentative = "asylum_representative",
    /// A written power of attorney (fullmakt).
    Fullmakt = "fullmakt",
}
}

stored_set! {
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
    Draft = "draft",
    Approved = "approved",
    Returned = "returned",
    /// Replaced by a newer draft.
    Superseded = "superseded",
}
}

stored_set! {
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
    Withdraw = "withdraw",
    /// Sent out of this system (`forward_out`).
    ForwardOut = "forward_out",
    /// Forwarded to a unit of another controller.
    Forward = "forward",
}
}

stored_set! {
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
    Pending = "pending",
    /// Approved and carried out.
    Approved = "approved",
    /// Returned to the proposer; the case stays open.
    Returned = "returned",
}
}

stored_set! {
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
    Pending = "pending",
    /// Approved: the two are one person.
    Approved = "approved",
    /// Refused: they stay two.
    Refused = "refused",
}
}

stored_set! {
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
    Open = "open",
    Proven = "proven",
    Refused = "refused",
}
}

stored_set! {
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
    Fodselsnummer = "fodselsnummer",
    /// D-nummer (Folkeregisteret, for persons without a fødselsnummer).
    DNummer = "d_nummer",
    /// DUF number: UDI's registration number for a person who applies for protection or residence.
    Duf = "duf",
    /// Name and date of birth, for a paper request from a person without a number.
    NameBirthDate = "name_birth_date",
}
}

stored_set! {
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
    IdPorten = "id_porten",
    /// An ID document seen in person.
    IdDocumentInPerson = "id_document_in_person",
    /// A letter with a copy of an ID document.
    LetterWithIdCopy = "letter_with_id_copy",
    /// Known from the case (e.g. the controller's own dealings with the person).
    KnownFromCase = "known_from_case",
}
}

stored_set! {
/// What a stored document is: a letter to the person as PDF and HTML, the innsyn data package,
/// or an art. 19 notice to a recipient.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum DocumentKind {
    AnswerPdf = "answer_pdf",
    AnswerHtml = "answer_html",
    ExtensionPdf = "extension_pdf",
    ExtensionHtml = "extension_html",
    ForwardedPdf = "forwarded_pdf",
    ForwardedHtml = "forwarded_html",
    RestrictionLiftPdf = "restriction_lift_pdf",
    RestrictionLiftHtml = "restriction_lift_html",
    /// The innsyn data package (ZIP).
    DataPackage = "data_package",
    /// An art. 19 notice to a recipient (not for the person).
    RecipientNotice = "recipient_notice",
}
}

impl DocumentKind {
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

stored_set! {
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
    Answer = "answer",
    /// The extension of the deadline with its reasons (art. 12(3)).
    Extension = "extension",
    /// The request went to another controller.
    Forwarded = "forwarded",
    /// A restriction will be lifted (art. 18(3)).
    RestrictionLift = "restriction_lift",
}
}

stored_set! {
/// Who did something on a request's timeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum ActorKind {
    /// The person (or their representative) through the portal or the API.
    Citizen = "citizen",
    /// A staff member (the username is beside it).
    Staff = "staff",
    /// A worker of the system itself.
    System = "system",
}
}

stored_set! {
/// What a browser session is: a pending login or a logged-in citizen or staff member.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum SessionKind {
    /// Between `/login` and the callback: holds state, nonce and PKCE verifier.
    Pending = "login",
    Citizen = "citizen",
    Staff = "staff",
}
}

stored_set! {
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
    Citizen = "citizen",
    Staff = "staff",
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

stored_set! {
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
    NotScanned = "not_scanned",
    Clean = "clean",
}
}
