//! Norwegian identity types, parsed once at the edge ("parse, don't validate").
//!
//! * [`Pid`] — fødselsnummer or d-nummer (11 digits `DDMMYYIIIK1K2`), with both the
//!   classic mod-11 check digits and the rule for numbers issued from 2032-01-01
//!   (Skatteetaten: k1 may leave remainder 0, 1, 2 or 3). Synthetic test numbers
//!   (month +40 NAV Dolly, month +80 Skatteetaten Tenor / ID-porten TestID) are
//!   accepted only when [`PidPolicy::allow_synthetic`] is set. H-numbers and
//!   FH-numbers are not supported.
//! * [`OrgNumber`] — 9-digit organisation number (Enhetsregisteret), mod 11.
//! * [`Reference`] — human case reference `PV-YYYY-NNNNNN`.
//!
//! A value of any of these types can only hold a valid number. A `Pid` is personal
//! data: it has no `Display`, its `Debug` is redacted, it has no serde impls, and
//! no error message ever contains the input.
//!
//! One file per type: `pid.rs` (its table-driven tests in `pid/tests.rs`), `duf.rs`,
//! `name_birth.rs`, `subject.rs`, `org_number.rs`, `reference.rs`.

mod duf;
mod name_birth;
mod org_number;
mod pid;
mod reference;
mod subject;

pub use duf::{DUF_FIRST_YEAR, DufError, DufNumber};
pub use name_birth::{MAX_NAME_CHARS, NameAndBirthDate, NameBirthError};
pub use org_number::{OrgNumber, OrgNumberError};
pub use pid::{Pid, PidError, PidKind, PidPolicy, generate_pid, synthetic_pid};
pub use reference::{Reference, ReferenceError};
pub use subject::SubjectId;

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn error_messages_are_plain_english() {
        assert_eq!(
            PidError::SyntheticNotAllowed.to_string(),
            "synthetic test identity numbers are not accepted here"
        );
        assert_eq!(
            OrgNumberError::Checksum.to_string(),
            "the organisation number has an invalid check digit"
        );
        assert_eq!(
            ReferenceError::Format.to_string(),
            "a case reference must look like PV-YYYY-NNNNNN"
        );
    }
}
