//! What a request filed on someone's behalf carries to the write: plain data, so the intake's
//! prepared items can hold it without depending on the authority check that produced it.
use entity::{representation, values::RepresentationBasis};
use uuid::Uuid;

/// What a request filed on someone's behalf is linked to: an existing representation, or a new
/// one proven by Folkeregisteret (written with the request).
#[derive(Clone)]
pub struct OnBehalf {
    pub representation_id: Uuid,
    pub basis: RepresentationBasis,
    pub new_row: Option<representation::Model>,
}
