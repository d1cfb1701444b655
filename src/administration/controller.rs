//! A controller's settings: name, four-eyes, contact, the data protection officer, its processing.
use entity::controller;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait};
use uuid::Uuid;

use crate::{
    audit::AuditRecord, auth::Principal, core::Core, error::ServiceError, error::ServiceResult,
};

use super::fields::{
    MAX_NAME, check_address, check_email, check_name, check_phone, has_control, optional,
    save_settings,
};
use super::require_admin;

/// What an administrator changes on a controller. The organisation number identifies the
/// controller and is not among them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ControllerSettings {
    pub name: String,
    /// A decision needs a second person's approval.
    pub four_eyes: bool,
    pub contact_email: Option<String>,
    /// Postal address, lines separated by newlines.
    pub address: Option<String>,
    pub phone: Option<String>,
    pub dpo_name: Option<String>,
    pub dpo_email: Option<String>,
    /// The group of the registry of processing activities that describes its processing.
    pub processing_key: Option<String>,
    /// People see the names of this controller's staff who opened their case.
    pub show_staff_names_to_citizens: bool,
    /// Who hears appeals against its refusals; set, its refusals are individual decisions.
    pub appeal_body: Option<String>,
    /// The unit (marked protected) that handles persons with a strictly confidential address.
    pub protected_unit_id: Option<Uuid>,
    /// The public body it is part of (one level: a body is not itself part of another).
    pub public_body_id: Option<Uuid>,
}

impl ControllerSettings {
    pub fn of(c: &controller::Model) -> Self {
        Self {
            name: c.name.clone(),
            four_eyes: c.four_eyes,
            contact_email: c.contact_email.clone(),
            address: c.address.clone(),
            phone: c.phone.clone(),
            dpo_name: c.dpo_name.clone(),
            dpo_email: c.dpo_email.clone(),
            processing_key: c.processing_key.clone(),
            show_staff_names_to_citizens: c.show_staff_names_to_citizens,
            appeal_body: c.appeal_body.clone(),
            protected_unit_id: c.protected_unit_id,
            public_body_id: c.public_body_id,
        }
    }

    /// The fields that differ from `before`, by name (what the audit event records).
    pub fn changed_from(&self, before: &Self) -> Vec<&'static str> {
        let fields = [
            ("name", self.name != before.name),
            ("four_eyes", self.four_eyes != before.four_eyes),
            ("contact_email", self.contact_email != before.contact_email),
            ("address", self.address != before.address),
            ("phone", self.phone != before.phone),
            ("dpo_name", self.dpo_name != before.dpo_name),
            ("dpo_email", self.dpo_email != before.dpo_email),
            (
                "processing_key",
                self.processing_key != before.processing_key,
            ),
            (
                "show_staff_names_to_citizens",
                self.show_staff_names_to_citizens != before.show_staff_names_to_citizens,
            ),
            ("appeal_body", self.appeal_body != before.appeal_body),
            (
                "protected_unit_id",
                self.protected_unit_id != before.protected_unit_id,
            ),
            (
                "public_body_id",
                self.public_body_id != before.public_body_id,
            ),
        ];
        fields
            .into_iter()
            .filter_map(|(f, changed)| changed.then_some(f))
            .collect()
    }
}

/// Checks a controller's settings and returns them as stored (trimmed, empty fields `None`).
/// `processing_keys` are the groups of the registry of processing activities, `protected_units`
/// the units marked protected, `public_bodies` the controllers this one may be part of. Pure, so
/// the rules have a table test; fields are checked in the order of the form.
pub fn check_controller(
    input: ControllerSettings,
    processing_keys: &[&str],
    protected_units: &[Uuid],
    public_bodies: &[Uuid],
) -> ServiceResult<ControllerSettings> {
    let name = check_name("name", &input.name, "a controller")?;
    let contact_email = check_email("contact_email", input.contact_email)?;
    let address = check_address(input.address)?;
    let phone = check_phone(input.phone)?;
    let dpo_name = optional(input.dpo_name);
    if dpo_name
        .as_deref()
        .is_some_and(|n| n.chars().count() > MAX_NAME || has_control(n))
    {
        return Err(ServiceError::invalid(
            "dpo_name",
            format!("a name has at most {MAX_NAME} characters"),
        ));
    }
    let dpo_email = check_email("dpo_email", input.dpo_email)?;
    let appeal_body = optional(input.appeal_body);
    if appeal_body
        .as_deref()
        .is_some_and(|n| n.chars().count() > MAX_NAME || has_control(n))
    {
        return Err(ServiceError::invalid(
            "appeal_body",
            format!("a name has at most {MAX_NAME} characters"),
        ));
    }
    let processing_key = optional(input.processing_key);
    if processing_key
        .as_deref()
        .is_some_and(|k| !processing_keys.contains(&k))
    {
        return Err(ServiceError::invalid(
            "processing_key",
            "unknown group of processing activities",
        ));
    }
    if input
        .protected_unit_id
        .is_some_and(|u| !protected_units.contains(&u))
    {
        return Err(ServiceError::invalid(
            "protected_unit_id",
            "choose a unit marked for persons with a strictly confidential address",
        ));
    }
    if input
        .public_body_id
        .is_some_and(|b| !public_bodies.contains(&b))
    {
        return Err(ServiceError::invalid(
            "public_body_id",
            "choose another controller that is not itself part of a public body; a controller \
             that has parts of its own cannot be part of another",
        ));
    }
    Ok(ControllerSettings {
        name,
        four_eyes: input.four_eyes,
        contact_email,
        address,
        phone,
        dpo_name,
        dpo_email,
        processing_key,
        show_staff_names_to_citizens: input.show_staff_names_to_citizens,
        appeal_body,
        protected_unit_id: input.protected_unit_id,
        public_body_id: input.public_body_id,
    })
}

/// The groups of the built-in registry of processing activities a controller can be linked to.
pub fn processing_keys() -> ServiceResult<Vec<String>> {
    let registry = crate::processing_activities::Registry::built_in()
        .map_err(|e| ServiceError::storage("processing activities", e))?;
    let mut keys: Vec<String> = registry
        .activities
        .into_iter()
        .map(|a| a.controller_key)
        .collect();
    keys.sort();
    keys.dedup();
    Ok(keys)
}

/// Changes a controller's settings (not its organisation number). Saving what is already there
/// changes nothing and records nothing.
pub async fn update_controller(
    app: &Core,
    principal: &Principal,
    controller_id: Uuid,
    input: ControllerSettings,
) -> ServiceResult<()> {
    require_admin(principal)?;
    let keys = processing_keys()?;
    let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
    let registry = app.registry.get(&app.db).await?;
    let protected_units: Vec<Uuid> = registry
        .units
        .values()
        .filter(|u| u.is_protected)
        .map(|u| u.id)
        .collect();
    let public_bodies = registry.public_bodies_for(controller_id);
    let settings = check_controller(input, &keys, &protected_units, &public_bodies)?;
    let actor = principal.audit_actor();
    save_settings(app, move |tx| {
        Box::pin(async move {
            let current = controller::Entity::find_by_id(controller_id)
                .one(&tx.db)
                .await?
                .ok_or(ServiceError::NotFound("controller"))?;
            let changed = settings.changed_from(&ControllerSettings::of(&current));
            if changed.is_empty() {
                return Ok(None);
            }
            let org_number = current.org_number.clone();
            let mut row: controller::ActiveModel = current.into();
            row.name = Set(settings.name);
            row.four_eyes = Set(settings.four_eyes);
            row.contact_email = Set(settings.contact_email);
            row.address = Set(settings.address);
            row.phone = Set(settings.phone);
            row.dpo_name = Set(settings.dpo_name);
            row.dpo_email = Set(settings.dpo_email);
            row.processing_key = Set(settings.processing_key);
            row.show_staff_names_to_citizens = Set(settings.show_staff_names_to_citizens);
            row.appeal_body = Set(settings.appeal_body);
            row.protected_unit_id = Set(settings.protected_unit_id);
            row.public_body_id = Set(settings.public_body_id);
            row.update(&tx.db).await?;
            // Which fields changed, not their values (the DPO is a person); the switches'
            // new positions are no one's personal data.
            let mut details = serde_json::json!({
                "controller_id": controller_id,
                "org_number": org_number,
                "changed": changed,
            });
            if changed.contains(&"four_eyes") {
                details["four_eyes"] = settings.four_eyes.into();
            }
            if changed.contains(&"show_staff_names_to_citizens") {
                details["show_staff_names_to_citizens"] =
                    settings.show_staff_names_to_citizens.into();
            }
            Ok(Some(AuditRecord {
                actor,
                action: "controller.updated".into(),
                request_id: None,
                details,
            }))
        })
    })
    .await
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::administration::fields::refused;

    #[test]
    fn controller_settings_rules() {
        let good = ControllerSettings {
            name: "Bydel Gamle Oslo".into(),
            four_eyes: true,
            contact_email: Some("postmottak@bgo.oslo.kommune.no".into()),
            address: Some("Postboks 1\n0101 Oslo".into()),
            phone: Some("+47 21 80 21 80".into()),
            dpo_name: Some("Personvernombudet".into()),
            dpo_email: Some("personvernombud@oslo.kommune.no".into()),
            processing_key: Some("oslo-bydel".into()),
            show_staff_names_to_citizens: false,
            appeal_body: Some("Oslo kommunes klagenemnd".into()),
            protected_unit_id: Some(Uuid::from_u128(0x4f02)),
            public_body_id: Some(Uuid::from_u128(0x0301)),
        };
        let with = |f: &dyn Fn(&mut ControllerSettings)| {
            let mut c = good.clone();
            f(&mut c);
            c
        };
        let cases: Vec<(ControllerSettings, Option<&str>)> = vec![
            (good.clone(), None),
            (
                with(&|c| {
                    c.contact_email = None;
                    c.address = Some("  ".into());
                    c.phone = Some(String::new());
                    c.dpo_name = None;
                    c.dpo_email = Some(" ".into());
                    c.processing_key = Some(String::new());
                }),
                None,
            ),
            (with(&|c| c.name = "   ".into()), Some("name")),
            (with(&|c| c.name = "x".repeat(201)), Some("name")),
            (
                with(&|c| c.contact_email = Some("post@oslo".into())),
                Some("contact_email"),
            ),
            (
                with(&|c| c.contact_email = Some("post mottak@oslo.no".into())),
                Some("contact_email"),
            ),
            (
                with(&|c| c.address = Some("1\n2\n3\n4\n5\n6\n7".into())),
                Some("address"),
            ),
            (
                with(&|c| c.address = Some("x".repeat(101))),
                Some("address"),
            ),
            (with(&|c| c.phone = Some("21 80 21 80".into())), None),
            (with(&|c| c.phone = Some("2180 218".into())), Some("phone")),
            (
                with(&|c| c.phone = Some("21-80-21-80".into())),
                Some("phone"),
            ),
            (
                with(&|c| c.phone = Some("+47 ring oss".into())),
                Some("phone"),
            ),
            (with(&|c| c.phone = Some("1".repeat(16))), Some("phone")),
            (with(&|c| c.appeal_body = Some("  ".into())), None),
            (
                with(&|c| c.appeal_body = Some("z".repeat(201))),
                Some("appeal_body"),
            ),
            (
                with(&|c| c.appeal_body = Some("Klage\u{7}nemnd".into())),
                Some("appeal_body"),
            ),
            (
                with(&|c| c.dpo_name = Some("y".repeat(201))),
                Some("dpo_name"),
            ),
            (
                with(&|c| c.dpo_email = Some("@oslo.kommune.no".into())),
                Some("dpo_email"),
            ),
            (
                with(&|c| c.processing_key = Some("bergen".into())),
                Some("processing_key"),
            ),
            (with(&|c| c.protected_unit_id = None), None),
            // An ordinary unit cannot take persons with a strictly confidential address.
            (
                with(&|c| c.protected_unit_id = Some(Uuid::from_u128(0x4001))),
                Some("protected_unit_id"),
            ),
            (with(&|c| c.public_body_id = None), None),
            // Not a controller it may be part of (itself, a part, or one with parts).
            (
                with(&|c| c.public_body_id = Some(Uuid::from_u128(0x0302))),
                Some("public_body_id"),
            ),
            // The first field in the form's order is the one named.
            (
                with(&|c| {
                    c.name = String::new();
                    c.phone = Some("x".into());
                }),
                Some("name"),
            ),
        ];
        for (input, expected) in cases {
            let got = refused(check_controller(
                input.clone(),
                &["oslo-bydel", "elverum"],
                &[Uuid::from_u128(0x4f02)],
                &[Uuid::from_u128(0x0301)],
            ));
            assert_eq!(got, expected, "{input:?}");
        }
        // Stored as typed, tidied: trimmed, blank address lines and empty fields dropped.
        let tidy = check_controller(
            with(&|c| {
                c.name = "  Bydel   Gamle Oslo ".into();
                c.address = Some(" Postboks 1 \r\n\r\n 0101 Oslo ".into());
                c.phone = Some(" +47  21 80 21 80 ".into());
                c.dpo_name = Some("  ".into());
            }),
            &["oslo-bydel"],
            &[Uuid::from_u128(0x4f02)],
            &[Uuid::from_u128(0x0301)],
        )
        .unwrap();
        assert_eq!(tidy.name, "Bydel Gamle Oslo");
        assert_eq!(tidy.address.as_deref(), Some("Postboks 1\n0101 Oslo"));
        assert_eq!(tidy.phone.as_deref(), Some("+47 21 80 21 80"));
        assert_eq!(tidy.dpo_name, None);
        // What changed, by field name.
        let changed = with(&|c| {
            c.four_eyes = false;
            c.show_staff_names_to_citizens = true;
            c.dpo_name = None;
        });
        assert_eq!(
            changed.changed_from(&good),
            ["four_eyes", "dpo_name", "show_staff_names_to_citizens"]
        );
        assert!(good.changed_from(&good).is_empty());
    }
}
