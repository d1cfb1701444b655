//! What an administrator changes in the registry from the office: staff roles and units, routing
//! rules, whether a source system is in use, a controller's settings and a unit's. Each change is
//! one transaction with its audit event, and the registry cache is refreshed after it.
//!
//! One file per thing changed: `staff.rs` (access, role, units), `staff_search.rs`,
//! `routing.rs`, `source_systems.rs`, `controller.rs`, `unit.rs`; the field checks the last two
//! share in `fields.rs`.
mod controller;
mod fields;
mod routing;
mod source_systems;
mod staff;
mod staff_search;
mod unit;

pub use controller::*;
pub use routing::*;
pub use source_systems::*;
pub use staff::*;
pub use staff_search::*;
pub use unit::*;

use crate::{
    auth::Principal,
    error::{ServiceError, ServiceResult},
    lifecycle::Role,
};

fn require_admin(principal: &Principal) -> ServiceResult<()> {
    match principal.staff() {
        Some(s) if s.role == Role::Admin => Ok(()),
        _ => Err(ServiceError::Forbidden(
            "only an administrator changes the registry".into(),
        )),
    }
}
