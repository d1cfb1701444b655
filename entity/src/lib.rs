//! sea-orm entities: one file per table, no behaviour (that lives in the `dsar` crate).
pub mod audit_event;
pub mod audit_head;
pub mod controller;
pub mod idempotency_key;
pub mod person;
pub mod person_identifier;
pub mod reference_counter;
pub mod request;
pub mod request_event;
pub mod routing_rule;
pub mod service_area;
pub mod session;
pub mod staff_unit;
pub mod staff_user;
pub mod unit;
