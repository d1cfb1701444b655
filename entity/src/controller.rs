//! A controller (behandlingsansvarlig): an organisation with an org number.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "controller")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub name: String,
    #[sea_orm(unique)]
    pub org_number: String,
    /// Whether a decision needs a second person's approval (four eyes).
    pub four_eyes: bool,
    pub created_at: DateTimeUtc,
    /// Where people write to the controller (shown in letters).
    pub contact_email: Option<String>,
    /// Postal address, lines separated by newlines.
    pub address: Option<String>,
    pub phone: Option<String>,
    pub dpo_name: Option<String>,
    pub dpo_email: Option<String>,
    /// Which entry group of the registry of processing activities describes this controller's
    /// processing (e.g. `oslo-bydel`, `elverum`): the innsyn answer's art. 15(1) facts.
    pub processing_key: Option<String>,
    /// Whether the people whose cases this controller's staff open see the staff member's name
    /// in "who opened my case" (otherwise only role and unit).
    pub show_staff_names_to_citizens: bool,
    /// Who hears an appeal against this controller's refusals (klageinstans). Set: a refusal is
    /// an individual decision (enkeltvedtak) and its letter carries the appeal information.
    pub appeal_body: Option<String>,
    /// The unit that handles requests from persons with a strictly confidential address (its
    /// own, or one of its public body's): such requests never go to an ordinary unit.
    pub protected_unit_id: Option<Uuid>,
    /// The public body this controller is part of (a district of Oslo kommune); its privacy
    /// officers' reports include this controller's figures.
    pub public_body_id: Option<Uuid>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
