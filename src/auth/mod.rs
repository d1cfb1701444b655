//! Authentication: bearer tokens from trusted issuers for the API (docs/api.md), OpenID Connect
//! logins with server-side sessions for the pages, the built-in demo issuer and demo provider,
//! and who the caller is (`Principal`) with the roles that decide what they see.
pub mod demo_idp;
pub mod demo_issuer;
pub mod jwks;
pub mod login;
pub mod oidc;
pub mod principal;
pub mod rate_limit;
pub mod resolve;
pub mod sessions;
pub mod settings;
pub mod tokens;

pub use principal::{Principal, Staff};
