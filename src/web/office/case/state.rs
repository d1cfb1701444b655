//! What the case page shows beyond the case itself: which form was refused, with its errors and
//! what was typed (kept in the fields), a revealed number, and the confirmation after an action.
//! The handlers make it; the panels read a field's error and value from it.
use crate::web::{form::Typed, office::FormErrors};

/// What the page shows beyond the case itself: a refused form with its input, a revealed
/// number, a confirmation.
#[derive(Default)]
pub(super) struct CaseState {
    /// Which form the errors and values belong to.
    pub(super) form: &'static str,
    pub(super) errors: FormErrors,
    pub(super) values: Typed,
    pub(super) revealed: Option<crate::identity::SubjectId>,
    pub(super) done: Option<String>,
}

impl CaseState {
    pub(super) fn refused(form: &'static str, errors: FormErrors, values: Typed) -> Self {
        Self {
            form,
            errors,
            values,
            ..Default::default()
        }
    }

    pub(super) fn value(&self, form: &str, field: &str) -> String {
        if self.form != form {
            return String::new();
        }
        self.values.get(field)
    }

    pub(super) fn values_of(&self, form: &str, field: &str) -> Vec<String> {
        if self.form != form {
            return vec![];
        }
        self.values.all(field)
    }

    pub(super) fn error(&self, form: &str, field: &str) -> Option<&str> {
        (self.form == form)
            .then(|| self.errors.get(field))
            .flatten()
    }

    /// One field's error and typed value, for a part of the page drawn elsewhere.
    pub(super) fn field(
        &self,
        form: &str,
        field: &str,
    ) -> crate::web::office::case_person_panel::Field<'_> {
        crate::web::office::case_person_panel::Field {
            error: self.error(form, field),
            value: self.value(form, field),
        }
    }
}
