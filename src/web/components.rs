//! The pieces pages are built from, so that every form, error and status looks and behaves the
//! same on every page, in the office and the citizen portal: a form's errors with their
//! summary, a labelled field with its hint and error, the hidden CSRF field, and the status
//! badge. Field ids are
//! `{form}-{field}` (in the portal, with one form on a page, just `{field}`), the hint
//! `{id}-hint` and the error `{id}-error`, which is what the error summary links to and what
//! `aria-describedby` names.
use std::borrow::Cow;

use maud::{Markup, Render, html};

use crate::{auth::sessions::Session, i18n::Language, lifecycle::Status};

/// The hidden CSRF field every state-changing form carries (checked by `CsrfForm`).
pub fn csrf_field(session: &Session) -> Markup {
    html! { input type="hidden" name="csrf_token" value=(session.data.csrf); }
}

/// The errors of a refused form, field by field, in the order they are shown.
#[derive(Debug, Clone, Default)]
pub struct FormErrors(pub Vec<(String, String)>);

impl FormErrors {
    pub fn get(&self, field: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, m)| m.as_str())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn push(&mut self, field: &str, message: impl Into<String>) {
        self.0.push((field.into(), message.into()));
    }

    /// The office's error summary on top of a refused form (`{form}-errors`), linking to the
    /// fields `{form}-{field}`.
    pub fn summary(&self, lang: Language, form_id: &str) -> Markup {
        self.summary_as(
            &format!("{form_id}-errors"),
            crate::i18n::t(lang, "office.form_errors"),
            |field| format!("{form_id}-{field}"),
        )
    }

    /// The error summary: the errors as links to what `anchor` names for each field. It takes
    /// the focus when the page loads (no script: `autofocus`), so the person lands on it
    /// instead of at the top of a long page, and is named by its heading (`{id}-title`).
    pub fn summary_as(&self, id: &str, title: &str, anchor: impl Fn(&str) -> String) -> Markup {
        let title_id = format!("{id}-title");
        html! {
            @if !self.is_empty() {
                div.error-summary role="alert" tabindex="-1" autofocus id=(id) aria-labelledby=(title_id) {
                    h2 id=(title_id) { (title) }
                    ul {
                        @for (field, message) in &self.0 {
                            li { a href={ "#" (anchor(field)) } { (message) } }
                        }
                    }
                }
            }
        }
    }
}

/// One form's fields: the form's id and the errors it was refused with, if any.
#[derive(Clone, Copy)]
pub struct Form<'a> {
    id: Option<&'a str>,
    errors: &'a FormErrors,
}

impl<'a> Form<'a> {
    pub fn new(id: &'a str, errors: &'a FormErrors) -> Self {
        Self {
            id: Some(id),
            errors,
        }
    }

    /// The only form of a page: its fields' ids are their names.
    pub fn alone(errors: &'a FormErrors) -> Self {
        Self { id: None, errors }
    }

    /// `{form}-{field}`, or `{field}` for a page's only form.
    pub fn id(&self, field: &str) -> String {
        match self.id {
            Some(form) => format!("{form}-{field}"),
            None => field.to_string(),
        }
    }

    /// `aria-invalid` of a field.
    pub fn invalid(&self, field: &str) -> Option<&'static str> {
        self.errors.get(field).map(|_| "true")
    }

    /// `aria-describedby` of a field: its hint (when it has one) and its error (when refused).
    pub fn described(&self, field: &str, hint: bool) -> Option<String> {
        let ids: Vec<String> = [
            hint.then(|| format!("{}-hint", self.id(field))),
            self.errors
                .get(field)
                .map(|_| format!("{}-error", self.id(field))),
        ]
        .into_iter()
        .flatten()
        .collect();
        (!ids.is_empty()).then(|| ids.join(" "))
    }

    /// The error beside a field (nothing when it has none).
    pub fn error(&self, field: &str) -> Markup {
        html! {
            @if let Some(e) = self.errors.get(field) {
                p.field-error id=(format!("{}-error", self.id(field))) { (e) }
            }
        }
    }

    /// A one-line text input; set its type and attributes on the returned field.
    pub fn text(&self, field: &'a str, label: &'a str) -> Field<'a> {
        Field::new(*self, field, label, Control::Input("text"))
    }

    /// A multi-line text area.
    pub fn textarea(&self, field: &'a str, label: &'a str, rows: u8) -> Field<'a> {
        Field::new(*self, field, label, Control::TextArea(rows))
    }

    /// A select with the given options (`option` elements).
    pub fn select(&self, field: &'a str, label: &'a str, options: Markup) -> Field<'a> {
        Field::new(*self, field, label, Control::Select(options))
    }
}

enum Control {
    Input(&'static str),
    TextArea(u8),
    Select(Markup),
}

/// A labelled field: label, hint, error, then the control, which names its hint and error in
/// `aria-describedby` and is `aria-invalid` when refused. Rendered with `(field)` in `html!`.
pub struct Field<'a> {
    form: Form<'a>,
    name: &'a str,
    label: &'a str,
    control: Control,
    hint: Option<&'a str>,
    value: Cow<'a, str>,
    maxlength: Option<usize>,
    min: Option<String>,
    max: Option<String>,
    numeric: bool,
    autocomplete: Option<&'a str>,
    required: bool,
    multiple: Option<u8>,
    verbatim: bool,
}

impl<'a> Field<'a> {
    fn new(form: Form<'a>, name: &'a str, label: &'a str, control: Control) -> Self {
        Self {
            form,
            name,
            label,
            control,
            hint: None,
            value: Cow::Borrowed(""),
            maxlength: None,
            min: None,
            max: None,
            numeric: false,
            autocomplete: None,
            required: false,
            multiple: None,
            verbatim: false,
        }
    }

    /// An input of another type than text: `date`, `email`, `number`.
    pub fn kind(mut self, kind: &'static str) -> Self {
        if let Control::Input(_) = self.control {
            self.control = Control::Input(kind);
        }
        self
    }

    pub fn hint(mut self, hint: &'a str) -> Self {
        self.hint = Some(hint);
        self
    }

    pub fn value(mut self, value: impl Into<Cow<'a, str>>) -> Self {
        self.value = value.into();
        self
    }

    pub fn maxlength(mut self, n: usize) -> Self {
        self.maxlength = Some(n);
        self
    }

    pub fn min(mut self, v: impl std::fmt::Display) -> Self {
        self.min = Some(v.to_string());
        self
    }

    pub fn max(mut self, v: impl std::fmt::Display) -> Self {
        self.max = Some(v.to_string());
        self
    }

    /// Digits only (identity numbers): the numeric keyboard on phones.
    pub fn numeric(mut self) -> Self {
        self.numeric = true;
        self
    }

    /// Not filled in by the browser (another person's data, a case's data).
    pub fn no_autocomplete(self) -> Self {
        self.autocomplete("off")
    }

    /// What the browser may fill in (`email`, `tel`, `organization`).
    pub fn autocomplete(mut self, token: &'a str) -> Self {
        self.autocomplete = Some(token);
        self
    }

    pub fn required(mut self) -> Self {
        self.required = true;
        self
    }

    /// A select where several options may be chosen, showing `size` rows.
    pub fn multiple(mut self, size: u8) -> Self {
        self.multiple = Some(size);
        self
    }

    /// User names and codes: no capitalisation or spell checking.
    pub fn verbatim(mut self) -> Self {
        self.verbatim = true;
        self
    }
}

impl Render for Field<'_> {
    fn render(&self) -> Markup {
        let form = self.form;
        let name = self.name;
        let id = form.id(name);
        let invalid = form.invalid(name);
        let described = form.described(name, self.hint.is_some());
        let control = match &self.control {
            Control::Input(kind) => html! {
                input id=(id) type=(kind) name=(name) value=(&*self.value)
                    autocomplete=[self.autocomplete] inputmode=[self.numeric.then_some("numeric")]
                    autocapitalize=[self.verbatim.then_some("none")] spellcheck=[self.verbatim.then_some("false")]
                    maxlength=[self.maxlength] min=[self.min.as_deref()] max=[self.max.as_deref()]
                    required[self.required]
                    aria-invalid=[invalid] aria-describedby=[described];
            },
            Control::TextArea(rows) => html! {
                textarea id=(id) name=(name) rows=(rows) autocomplete=[self.autocomplete]
                    maxlength=[self.maxlength] required[self.required]
                    aria-invalid=[invalid] aria-describedby=[described] { (&*self.value) }
            },
            Control::Select(options) => html! {
                select id=(id) name=(name) multiple[self.multiple.is_some()] size=[self.multiple]
                    required[self.required]
                    aria-invalid=[invalid] aria-describedby=[described] { (options) }
            },
        };
        html! {
            div.field {
                label for=(form.id(name)) { (self.label) }
                @if let Some(h) = self.hint { p.hint id=(format!("{}-hint", form.id(name))) { (h) } }
                (form.error(name))
                (control)
            }
        }
    }
}

/// The `.tag` colour for a request status, the same in the portal and the office.
pub fn status_variant(status: Status) -> &'static str {
    use Status::*;
    match status {
        Received => "neutral",
        InProgress => "info",
        AwaitingRequester => "warning",
        AwaitingApproval => "alt",
        Completed => "success",
        Withdrawn | Forwarded => "neutral",
    }
}

/// A request's status as a badge, with the words for it in the page's language.
pub fn status_badge(status: Status, text: &str) -> Markup {
    html! {
        span class=(format!("tag tag--{} status-{}", status_variant(status), status.as_str())) { (text) }
    }
}

/// A sentence with a reference in it, the reference marked as one word that does not break at
/// its hyphens on a narrow screen (`span.reference`).
pub fn with_reference(sentence: &str, reference: &str) -> Markup {
    match sentence.split_once(reference) {
        Some((before, after)) => html! { (before) span.reference { (reference) } (after) },
        None => html! { (sentence) },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors(field: &str) -> FormErrors {
        let mut e = FormErrors::default();
        e.push(field, "Skriv et navn");
        e
    }

    #[test]
    fn a_refused_field_names_its_hint_and_error_and_is_invalid() {
        let e = errors("name");
        let form = Form::new("staff", &e);
        let html = form
            .text("name", "Navn")
            .hint("Som i folkeregisteret")
            .value("<Ola>")
            .maxlength(200)
            .render()
            .into_string();
        assert!(
            html.contains(r#"<label for="staff-name">Navn</label>"#),
            "{html}"
        );
        assert!(
            html.contains(r#"<p class="hint" id="staff-name-hint">"#),
            "{html}"
        );
        assert!(
            html.contains(r#"<p class="field-error" id="staff-name-error">Skriv et navn</p>"#),
            "{html}"
        );
        assert!(html.contains(r#"aria-invalid="true""#), "{html}");
        assert!(
            html.contains(r#"aria-describedby="staff-name-hint staff-name-error""#),
            "{html}"
        );
        assert!(
            html.contains(r#"value="&lt;Ola&gt;""#),
            "typed values are escaped: {html}"
        );
        assert!(html.contains(r#"maxlength="200""#), "{html}");
    }

    #[test]
    fn a_field_without_error_or_hint_has_no_describedby_and_is_not_invalid() {
        let e = errors("other");
        let form = Form::new("staff", &e);
        let html = form
            .text("name", "Navn")
            .kind("date")
            .render()
            .into_string();
        assert!(!html.contains("aria-invalid"), "{html}");
        assert!(!html.contains("aria-describedby"), "{html}");
        assert!(!html.contains("field-error"), "{html}");
        assert!(html.contains(r#"type="date""#), "{html}");
    }

    #[test]
    fn textarea_and_select_carry_the_same_description() {
        let e = errors("units");
        let form = Form::new("staff", &e);
        let area = form.textarea("units", "Enheter", 3).render().into_string();
        assert!(area.contains(r#"<textarea id="staff-units" name="units" rows="3" aria-invalid="true" aria-describedby="staff-units-error">"#), "{area}");
        let options = html! { option value="a" { "A" } };
        let select = form
            .select("units", "Enheter", options)
            .multiple(8)
            .render()
            .into_string();
        assert!(select.contains(r#"multiple size="8""#), "{select}");
        assert!(
            select.contains(r#"<option value="a">A</option>"#),
            "{select}"
        );
    }

    #[test]
    fn the_summary_links_every_error_to_its_field_and_takes_focus() {
        let mut e = errors("name");
        e.push("role", "Velg en rolle");
        let html = e.summary(Language::Nb, "staff").into_string();
        assert!(
            html.contains(r##"<a href="#staff-name">Skriv et navn</a>"##),
            "{html}"
        );
        assert!(
            html.contains(r##"<a href="#staff-role">Velg en rolle</a>"##),
            "{html}"
        );
        assert!(html.contains("autofocus"), "{html}");
        assert_eq!(
            FormErrors::default()
                .summary(Language::Nb, "staff")
                .into_string(),
            ""
        );
    }

    #[test]
    fn a_page_s_only_form_names_its_fields_by_name() {
        let e = errors("contact_email");
        let form = Form::alone(&e);
        let html = form
            .text("contact_email", "E-post")
            .kind("email")
            .hint("Frivillig")
            .render()
            .into_string();
        assert!(html.contains(r#"id="contact_email""#), "{html}");
        assert!(
            html.contains(r#"aria-describedby="contact_email-hint contact_email-error""#),
            "{html}"
        );
        let summary = e
            .summary_as("error-summary", "Noe må rettes", |f| f.to_string())
            .into_string();
        assert!(
            summary.contains(r##"<a href="#contact_email">Skriv et navn</a>"##),
            "{summary}"
        );
        assert!(
            summary.contains(r#"aria-labelledby="error-summary-title""#)
                && summary.contains(r#"<h2 id="error-summary-title">"#),
            "{summary}"
        );
    }

    #[test]
    fn a_reference_in_a_sentence_is_marked_as_one_word() {
        let html = with_reference(
            "Referansen er PV-2026-000123. Svar innen 6. januar.",
            "PV-2026-000123",
        );
        assert_eq!(
            html.into_string(),
            r#"Referansen er <span class="reference">PV-2026-000123</span>. Svar innen 6. januar."#
        );
        assert_eq!(
            with_reference("Ingen <referanse>", "PV-1").into_string(),
            "Ingen &lt;referanse&gt;"
        );
    }

    #[test]
    fn every_status_has_a_badge_with_its_variant() {
        let table = [
            (Status::Received, "tag--neutral"),
            (Status::InProgress, "tag--info"),
            (Status::AwaitingRequester, "tag--warning"),
            (Status::AwaitingApproval, "tag--alt"),
            (Status::Completed, "tag--success"),
            (Status::Withdrawn, "tag--neutral"),
            (Status::Forwarded, "tag--neutral"),
        ];
        for (status, variant) in table {
            let html = status_badge(status, "x").into_string();
            assert!(html.contains(variant), "{status:?}: {html}");
            assert!(
                html.contains(&format!("status-{}", status.as_str())),
                "{html}"
            );
        }
    }
}
