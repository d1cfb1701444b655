//! JSON API v1, one file per resource.
pub mod attachments;
pub mod complaints;
pub mod deadlines;
pub mod decisions;
pub mod identity;
pub mod persons;
pub mod print;
pub mod registry;
pub mod reports;
pub mod representations;
pub mod requests;
pub mod sources;
