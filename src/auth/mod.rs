//! Authentication of API callers: bearer tokens from trusted issuers (DESIGN §9), the built-in
//! demo issuer, and who the caller is (`Principal`) with the roles that decide what they see.
pub mod demo_issuer;
pub mod principal;
pub mod tokens;

pub use principal::{Principal, Staff};
