//! Letters to the person and to recipients: the answer for every right and
//! outcome, the receipt (kvittering), the extension notice, the clarification request and the
//! art. 19 notice to recipients, in nb, nn, en and uk.
//!
//! Flow: inputs ([`input`]) → [`compose`] builds a [`LetterDocument`] → [`render`] gives the
//! standalone HTML and the PDF from that same model.
pub mod compose;
pub mod html;
pub mod input;
pub mod model;
pub mod pdf;
pub mod receipt;
pub mod sample;
mod shaping;
mod tagging;

pub use compose::{
    ForwardedTo, Onward, Resources, answer, clarification, extension_notice, format_date,
    forwarded_notice, receipt, recipient_notice, representation_refused, restriction_lift_notice,
};
pub use input::{
    Answer, CollectedRecord, ControllerContact, Decision, DpoContact, Extension, LetterContext,
    OnBehalfOf, OperationOutcome, OperationResult, Recipient, RecipientNotice,
};
pub use model::LetterDocument;

use crate::legal_bases::LegalBasisError;

#[derive(Debug, thiserror::Error)]
pub enum LetterError {
    #[error("an extension notice needs the extension (new due date and reason)")]
    MissingExtension,
    #[error("{0} must not be empty")]
    EmptyText(&'static str),
    #[error(transparent)]
    LegalBasis(#[from] LegalBasisError),
    #[error("a refusal or partial answer must name at least one legal basis")]
    MissingLegalBasis,
    #[error("a retting that is granted cannot rest on the data being correct")]
    CorrectButGranted,
    #[error("an innsyn answer needs the processing activity it describes")]
    MissingActivity,
    #[error("unknown processing activity {0:?}")]
    UnknownActivity(String),
    #[error("recipients are notified only of retting, sletting and begrensning, not {0}")]
    NoticeNotApplicable(&'static str),
    #[error("a notice to a recipient needs at least one record")]
    NoOperations,
    #[error(transparent)]
    Pdf(#[from] pdf::PdfError),
}

/// One letter in both formats.
#[derive(Debug, Clone)]
pub struct RenderedLetter {
    pub html: String,
    pub pdf: Vec<u8>,
}

/// Renders a composed letter as HTML and PDF.
pub fn render(doc: &LetterDocument) -> Result<RenderedLetter, LetterError> {
    Ok(RenderedLetter {
        html: html::render_html(doc),
        pdf: pdf::render_pdf(doc)?,
    })
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod counts_tests;

#[cfg(test)]
mod representative_tests;

#[cfg(test)]
mod pdfua_tests;
