//! Demo data (demo mode only): a registry of real public bodies (Oslo districts with their
//! NAV offices, Utdanningsetaten, Velferdsetaten, Elverum, Lillestrøm, the fallback and the
//! protected-address unit), demo staff, synthetic citizens, and a few dozen requests in every
//! state, made through the same services as real ones so timelines and the audit chain are real.
//!
//! Over 500 lines on purpose: the demo data set: a table of public bodies, staff and requests.
use chrono::{Days, Utc};
use entity::{
    controller, person, person_identifier, routing_rule, service_area, staff_unit, staff_user, unit,
};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter,
    sea_query::Expr,
};
use uuid::Uuid;

pub use crate::sources::simulator::citizens::{DemoCitizen, demo_citizens};
use crate::{
    auth::resolve,
    clock,
    core::Core,
    decisions,
    error::ServiceResult,
    identity::{Pid, PidPolicy},
    lifecycle::{Action, Outcome, RightKind},
    requests::{case, intake},
};

/// Oslo districts (SSB codes) with their NAV office and its four-digit NAV unit number.
pub const OSLO_DISTRICTS: [(&str, &str, &str); 15] = [
    ("030101", "Gamle Oslo", "0316"),
    ("030102", "Grünerløkka", "0315"),
    ("030103", "Sagene", "0314"),
    ("030104", "St. Hanshaugen", "0313"),
    ("030105", "Frogner", "0312"),
    ("030106", "Ullern", "0335"),
    ("030107", "Vestre Aker", "0334"),
    ("030108", "Nordre Aker", "0331"),
    ("030109", "Bjerke", "0330"),
    ("030110", "Grorud", "0328"),
    ("030111", "Stovner", "0327"),
    ("030112", "Alna", "0326"),
    ("030113", "Østensjø", "0321"),
    ("030114", "Nordstrand", "0318"),
    ("030115", "Søndre Nordstrand", "0319"),
];

/// A valid (mod 11) organisation number for demo controllers whose real number the demo does
/// not carry: prefix 9 and a running number, with the check digit computed.
fn demo_org_number(n: u32) -> String {
    let mut k = 0;
    loop {
        let base = format!("9{:07}", 1_000_000 + n * 17 + k);
        let digits: Vec<u32> = base.chars().filter_map(|c| c.to_digit(10)).collect();
        let sum: u32 = digits
            .iter()
            .zip([3, 2, 7, 6, 5, 4, 3, 2])
            .map(|(d, w)| d * w)
            .sum();
        let check = (11 - sum % 11) % 11;
        if check < 10 {
            return format!("{base}{check}");
        }
        k += 1;
    }
}

/// A mailbox-friendly form of a name: "Nav Gamle Oslo" → "nav-gamle-oslo".
fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.to_lowercase().chars() {
        let c = match c {
            'æ' => 'e',
            'ø' => 'o',
            'å' | 'ä' => 'a',
            'ü' => 'u',
            c => c,
        };
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

/// The registry-of-processing entry group for a demo controller.
fn processing_key(name: &str) -> Option<String> {
    let key = match name {
        n if n.starts_with("Bydel ") || n == "Oslo kommune" => "oslo-bydel",
        // NAV's own entry: the NAV office's part in the introduction programme, not a district's.
        n if n.contains("(Nav)") => "nav",
        "Utdanningsetaten" => "oslo-utdanningsetaten",
        "Velferdsetaten" => "oslo-velferdsetaten",
        n if n.starts_with("Elverum") => "elverum",
        n if n.starts_with("Lillestrøm") => "lillestrom",
        _ => return None,
    };
    Some(key.into())
}

/// Demo appeal bodies: the municipalities' own appeal boards (forvaltningsloven § 28 second
/// paragraph). Nav's demo controller has none, so its refusals show the answer that is not a
/// vedtak.
fn demo_appeal_body(name: &str) -> Option<String> {
    if oslo_body(name) {
        return Some("Oslo kommunes klagenemnd".into());
    }
    name.strip_suffix(" kommune")
        .map(|municipality| format!("Klagenemnda i {municipality} kommune"))
}

fn oslo_body(name: &str) -> bool {
    name.starts_with("Bydel ") || name.contains("Oslo") || name.ends_with("etaten")
}

struct Seeder<'a> {
    app: &'a Core,
    now: chrono::DateTime<Utc>,
}

impl Seeder<'_> {
    async fn controller(&self, name: &str, org: String, four_eyes: bool) -> ServiceResult<Uuid> {
        let id = Uuid::now_v7();
        controller::ActiveModel {
            id: Set(id),
            name: Set(name.into()),
            org_number: Set(org),
            four_eyes: Set(four_eyes),
            created_at: Set(self.now),
            contact_email: Set(Some(format!("postmottak@{}.example.no", slug(name)))),
            address: Set(Some(format!("{name}\nPostboks 1\n0101 Oslo"))),
            phone: Set(None),
            dpo_name: Set(Some("Personvernombudet".into())),
            processing_key: Set(processing_key(name)),
            show_staff_names_to_citizens: Set(false),
            appeal_body: Set(demo_appeal_body(name)),
            protected_unit_id: Set(None),
            public_body_id: Set(None),
            // Oslo's bodies share the municipality's DPO (per its privacy statement).
            dpo_email: Set(Some(if oslo_body(name) {
                "personvernombud@oslo.kommune.no".to_string()
            } else {
                format!("personvernombud@{}.example.no", slug(name))
            })),
        }
        .insert(&self.app.db)
        .await?;
        Ok(id)
    }

    async fn unit(
        &self,
        controller_id: Uuid,
        name: &str,
        code: Option<&str>,
        fallback: bool,
        protected: bool,
    ) -> ServiceResult<Uuid> {
        let id = Uuid::now_v7();
        unit::ActiveModel {
            id: Set(id),
            controller_id: Set(controller_id),
            name: Set(name.into()),
            code: Set(code.map(Into::into)),
            is_fallback: Set(fallback),
            is_protected: Set(protected),
            // Oslo's district units start collecting as soon as an innsyn request arrives.
            auto_collect: Set(name.starts_with("Nav ") && code.is_some_and(|c| c.starts_with("03"))),
            email: Set(Some(format!("{}@example.no", slug(name)))),
            created_at: Set(self.now),
        }
        .insert(&self.app.db)
        .await?;
        Ok(id)
    }

    async fn rule(
        &self,
        area: Option<&str>,
        geography: Option<&str>,
        kind: Option<RightKind>,
        controller_id: Uuid,
        unit_id: Uuid,
    ) -> ServiceResult<()> {
        routing_rule::ActiveModel {
            id: Set(Uuid::now_v7()),
            service_area: Set(area.map(Into::into)),
            geography: Set(geography.map(Into::into)),
            kind: Set(kind.map(|k| k.as_str().into())),
            controller_id: Set(controller_id),
            unit_id: Set(unit_id),
            active: Set(true),
        }
        .insert(&self.app.db)
        .await?;
        Ok(())
    }

    async fn staff(
        &self,
        username: &str,
        name: &str,
        role: &str,
        controller_id: Option<Uuid>,
        units: &[Uuid],
    ) -> ServiceResult<()> {
        let id = Uuid::now_v7();
        staff_user::ActiveModel {
            id: Set(id),
            username: Set(username.into()),
            display_name: Set(name.into()),
            role: Set(role.into()),
            controller_id: Set(controller_id),
            active: Set(true),
            created_at: Set(self.now),
        }
        .insert(&self.app.db)
        .await?;
        for u in units {
            staff_unit::ActiveModel {
                staff_id: Set(id),
                unit_id: Set(*u),
            }
            .insert(&self.app.db)
            .await?;
        }
        Ok(())
    }

    async fn person(&self, citizen: &DemoCitizen) -> ServiceResult<()> {
        let policy = PidPolicy {
            allow_synthetic: true,
        };
        let person_id = Uuid::now_v7();
        person::ActiveModel {
            id: Set(person_id),
            geography: Set(citizen.geography.map(Into::into)),
            strictly_confidential: Set(citizen.strictly_confidential),
            created_at: Set(self.now),
        }
        .insert(&self.app.db)
        .await?;
        for number in std::iter::once(&citizen.pid).chain(citizen.earlier_pid.iter()) {
            let Ok(p) = Pid::parse(number, policy) else {
                continue;
            };
            person_identifier::ActiveModel {
                id: Set(Uuid::now_v7()),
                person_id: Set(person_id),
                pid_hash: Set(self.app.vault.lookup_hash(&p)),
                pid_ciphertext: Set(self.app.vault.encrypt(&p)),
                kind: Set(p.kind().identifier_kind()),
                created_at: Set(self.now),
            }
            .insert(&self.app.db)
            .await?;
        }
        Ok(())
    }
}

/// Seeds the demo data when the database has no controllers yet.
pub async fn seed_if_empty(app: &Core) -> ServiceResult<()> {
    if controller::Entity::find().count(&app.db).await? > 0 {
        return Ok(());
    }
    seed(app).await?;
    tracing::info!("demo data seeded");
    Ok(())
}

pub async fn seed(app: &Core) -> ServiceResult<()> {
    let s = Seeder {
        app,
        now: Utc::now(),
    };
    for (code, name) in [
        ("settlement", "Bosetting og introduksjonsprogram"),
        (
            "norwegian-training",
            "Opplæring i norsk og samfunnskunnskap",
        ),
        ("statistics", "Statistikk og analyse"),
    ] {
        service_area::ActiveModel {
            code: Set(code.into()),
            name: Set(name.into()),
        }
        .insert(&app.db)
        .await?;
    }
    let oslo = s
        .controller("Oslo kommune", "958935420".into(), true)
        .await?;
    let fallback = s
        .unit(oslo, "Personvernombudet – ufordelt", None, true, false)
        .await?;
    let nav = s
        .controller("Arbeids- og velferdsetaten (Nav)", "889640782".into(), true)
        .await?;
    let vikafossen = s
        .unit(nav, "Nav Vikafossen", Some("2103"), false, true)
        .await?;
    let mut district_units = Vec::new();
    for (i, (code, name, nav_unit)) in OSLO_DISTRICTS.iter().enumerate() {
        let c = s
            .controller(&format!("Bydel {name}"), demo_org_number(i as u32), false)
            .await?;
        let u = s
            .unit(c, &format!("Nav {name}"), Some(nav_unit), false, false)
            .await?;
        s.rule(Some("settlement"), Some(code), None, c, u).await?;
        district_units.push((c, u));
    }
    let ude = s
        .controller("Utdanningsetaten", "976820037".into(), true)
        .await?;
    let ude_unit = s
        .unit(ude, "Utdanningsetaten – personvern", None, false, false)
        .await?;
    s.rule(
        Some("norwegian-training"),
        Some("0301"),
        None,
        ude,
        ude_unit,
    )
    .await?;
    let vel = s
        .controller("Velferdsetaten", demo_org_number(40), true)
        .await?;
    let vel_unit = s
        .unit(
            vel,
            "Velferdsetaten – analyse og statistikk",
            None,
            false,
            false,
        )
        .await?;
    s.rule(Some("statistics"), Some("0301"), None, vel, vel_unit)
        .await?;
    let elverum = s
        .controller("Elverum kommune", "944117784".into(), false)
        .await?;
    let elverum_unit = s
        .unit(
            elverum,
            "Enhet for bosetting og introduksjon",
            None,
            false,
            false,
        )
        .await?;
    s.unit(elverum, "Nav Elverum", Some("0427"), false, false)
        .await?;
    s.rule(None, Some("3420"), None, elverum, elverum_unit)
        .await?;
    let lillestrom = s
        .controller("Lillestrøm kommune", demo_org_number(41), false)
        .await?;
    let lillestrom_unit = s
        .unit(
            lillestrom,
            "Lillestrøm kommune – personvern",
            None,
            false,
            false,
        )
        .await?;
    s.unit(lillestrom, "Nav Lillestrøm", Some("0231"), false, false)
        .await?;
    s.rule(None, Some("3205"), None, lillestrom, lillestrom_unit)
        .await?;

    // Each public body handles its own persons with a strictly confidential address: Oslo's
    // bodies share one unit of Oslo kommune, the other municipalities have their own, and Nav's
    // 2103 Nav Vikafossen serves Nav only.
    let oslo_protected = s
        .unit(oslo, "Oslo kommune – skjermede personer", None, false, true)
        .await?;
    let elverum_protected = s
        .unit(
            elverum,
            "Elverum kommune – skjermede personer",
            None,
            false,
            true,
        )
        .await?;
    let lillestrom_protected = s
        .unit(
            lillestrom,
            "Lillestrøm kommune – skjermede personer",
            None,
            false,
            true,
        )
        .await?;
    let mut oslo_parts = vec![ude, vel];
    oslo_parts.extend(district_units.iter().map(|(c, _)| *c));
    // The districts and agencies are parts of Oslo kommune: its privacy officers' reports
    // roll them up.
    controller::Entity::update_many()
        .col_expr(controller::Column::PublicBodyId, Expr::value(oslo))
        .filter(controller::Column::Id.is_in(oslo_parts.clone()))
        .exec(&app.db)
        .await?;
    let mut oslo_bodies = vec![oslo];
    oslo_bodies.extend(oslo_parts);
    for (controllers, unit) in [
        (oslo_bodies, oslo_protected),
        (vec![nav], vikafossen),
        (vec![elverum], elverum_protected),
        (vec![lillestrom], lillestrom_protected),
    ] {
        controller::Entity::update_many()
            .col_expr(controller::Column::ProtectedUnitId, Expr::value(unit))
            .filter(controller::Column::Id.is_in(controllers))
            .exec(&app.db)
            .await?;
    }

    let (gamle_oslo, gamle_oslo_unit) = district_units[0];
    let (_, grunerlokka_unit) = district_units[1];
    let (_, alna_unit) = district_units[11];
    s.staff(
        "saksbehandler.gamleoslo",
        "Kari Saksbehandler (Nav Gamle Oslo)",
        "caseworker",
        None,
        &[gamle_oslo_unit],
    )
    .await?;
    s.staff(
        "saksbehandler2.gamleoslo",
        "Per Saksbehandler (Nav Gamle Oslo)",
        "caseworker",
        None,
        &[gamle_oslo_unit],
    )
    .await?;
    s.staff(
        "saksbehandler.grunerlokka",
        "Nora Saksbehandler (Nav Grünerløkka)",
        "caseworker",
        None,
        &[grunerlokka_unit],
    )
    .await?;
    s.staff(
        "saksbehandler.alna",
        "Ali Saksbehandler (Nav Alna)",
        "caseworker",
        None,
        &[alna_unit],
    )
    .await?;
    s.staff(
        "personvern.gamleoslo",
        "Ingrid Personvernrådgiver (Bydel Gamle Oslo)",
        "privacy_officer",
        Some(gamle_oslo),
        &[gamle_oslo_unit],
    )
    .await?;
    s.staff(
        "saksbehandler.ude",
        "Jonas Saksbehandler (Utdanningsetaten)",
        "caseworker",
        None,
        &[ude_unit],
    )
    .await?;
    s.staff(
        "personvern.ude",
        "Siri Personvernrådgiver (Utdanningsetaten)",
        "privacy_officer",
        Some(ude),
        &[ude_unit],
    )
    .await?;
    s.staff(
        "saksbehandler.elverum",
        "Eli Saksbehandler (Elverum)",
        "caseworker",
        None,
        &[elverum_unit],
    )
    .await?;
    s.staff(
        "saksbehandler.lillestrom",
        "Lars Saksbehandler (Lillestrøm)",
        "caseworker",
        None,
        &[lillestrom_unit],
    )
    .await?;
    s.staff(
        "personvern.oslo",
        "Ola Personvernrådgiver (Oslo kommune)",
        "privacy_officer",
        Some(oslo),
        &[fallback],
    )
    .await?;
    s.staff(
        "saksbehandler.skjermet.oslo",
        "Sara Saksbehandler (Oslo kommune, skjermede personer)",
        "caseworker",
        None,
        &[oslo_protected],
    )
    .await?;
    s.staff(
        "saksbehandler.vikafossen",
        "Vera Saksbehandler (Nav Vikafossen)",
        "caseworker",
        None,
        &[vikafossen],
    )
    .await?;
    // Nav decides with four eyes: its privacy officer approves what Vikafossen drafts.
    s.staff(
        "personvern.nav",
        "Nils Personvernrådgiver (Nav)",
        "privacy_officer",
        Some(nav),
        &[vikafossen],
    )
    .await?;
    s.staff("revisor", "Revisor (lesetilgang)", "auditor", None, &[])
        .await?;
    s.staff("admin", "Systemadministrator", "admin", None, &[])
        .await?;

    // The simulated Norwegian sources (served by this process at /sim in demo mode), and one
    // source without an API: the municipality's paper archive, a caseworker's manual task.
    let sim_base = format!("{}/sim", app.settings.base_url().trim_end_matches('/'));
    let mut sources = crate::sources::simulator::demo_sources(&sim_base);
    sources.push(crate::sources::SourceSystem {
        id: "papirarkiv".into(),
        name: "Papirarkivet (bosetting før 2020)".into(),
        owner: "Kommunen".into(),
        capabilities: vec![crate::sources::protocol::Operation::Access],
        endpoint: None,
        auth_mode: crate::sources::AuthMode::Dsar,
        maskinporten_scope: None,
        maskinporten_resource: None,
        timeout_ms: 5_000,
        max_attempts: 1,
        backoff_ms: 1_000,
        service_areas: vec!["settlement".into()],
        active: true,
        population_register: false,
        finds_by_duf: false,
    });
    for source in &sources {
        crate::sources::insert(&app.db, source, s.now).await?;
    }
    let citizens = demo_citizens();
    for c in &citizens {
        s.person(c).await?;
    }
    app.registry.invalidate().await;
    seed_requests(app, &citizens).await
}

async fn staff_principal(app: &Core, username: &str) -> ServiceResult<crate::auth::Principal> {
    resolve::resolve_staff(app, username).await
}

/// A few dozen requests, registered by caseworkers (letters, spread over the last weeks), then
/// moved into every state.
async fn seed_requests(app: &Core, citizens: &[DemoCitizen]) -> ServiceResult<()> {
    let today = clock::today_oslo();
    let plans: [(&str, usize, &str); 5] = [
        ("saksbehandler.gamleoslo", 0, "settlement"),
        ("saksbehandler.grunerlokka", 1, "settlement"),
        ("saksbehandler.elverum", 2, "settlement"),
        ("saksbehandler.lillestrom", 3, "settlement"),
        ("saksbehandler.alna", 4, "settlement"),
    ];
    let descriptions = [
        "Jeg ønsker innsyn i alle opplysninger dere har om meg i introduksjonsprogrammet.",
        "Adressen min er feil registrert. Den riktige adressen står i vedlagt brev.",
        "Jeg ber om at kartleggingsnotatet fra 2023 slettes.",
        "Jeg ber om begrensning av behandlingen mens klagen min behandles.",
        "Jeg protesterer mot at opplysningene mine brukes til forskning.",
    ];
    let mut n = 0u64;
    for (username, citizen, area) in plans {
        let staff = staff_principal(app, username).await?;
        for (k, kind) in RightKind::ALL.iter().enumerate() {
            for round in 0..2u64 {
                n += 1;
                let received_on = today - Days::new((n * 7 + k as u64 * 3) % 50);
                let input = intake::NewRequest {
                    kind: *kind,
                    description: descriptions[k].into(),
                    service_area: Some(area.into()),
                    language: None,
                    geography: None,
                    subject_pid: Some(citizens[citizen].pid.clone()),
                    subject_duf: None,
                    subject_name: None,
                    subject_birth_date: None,
                    channel: Some(if round == 0 {
                        crate::requests::view::Channel::Letter
                    } else {
                        crate::requests::view::Channel::Email
                    }),
                    received_on: Some(received_on),
                    contact_email: None,
                    wants_paper: false,
                };
                let (view, _) = intake::create(app, &staff, input, None).await?;
                advance(app, &staff, view.id, (n % 7) as u8).await?;
            }
        }
    }
    // Utdanningsetaten decides with four eyes: a drafted answer waits for its privacy officer.
    let ude = staff_principal(app, "saksbehandler.ude").await?;
    let input = intake::NewRequest {
        kind: RightKind::Sletting,
        description: descriptions[2].into(),
        service_area: Some("norwegian-training".into()),
        language: None,
        geography: None,
        subject_pid: Some(citizens[1].pid.clone()),
        subject_duf: None,
        subject_name: None,
        subject_birth_date: None,
        channel: Some(crate::requests::view::Channel::Letter),
        received_on: Some(today - Days::new(12)),
        contact_email: None,
        wants_paper: false,
    };
    let (view, _) = intake::create(app, &ude, input, None).await?;
    advance(app, &ude, view.id, 3).await?;
    // A citizen's own request through the API path, and a protected-address request.
    for c in [&citizens[0], &citizens[5]] {
        let policy = PidPolicy {
            allow_synthetic: true,
        };
        if let Ok(p) = Pid::parse(&c.pid, policy) {
            let citizen = crate::auth::Principal::Citizen {
                lookup_hash: app.vault.lookup_hash(&p),
                pid: p,
            };
            let input = intake::NewRequest {
                kind: RightKind::Innsyn,
                description: "Hvilke opplysninger har dere om meg?".into(),
                service_area: Some("settlement".into()),
                language: Some(crate::requests::view::Language::En),
                geography: None,
                subject_pid: None,
                subject_duf: None,
                subject_name: None,
                subject_birth_date: None,
                channel: None,
                received_on: None,
                contact_email: Some("demo.innbygger@example.no".into()),
                wants_paper: false,
            };
            intake::create(app, &citizen, input, None).await?;
        }
    }
    // The unaccompanied minor's representative, appointed by the Statsforvalteren and
    // registered by a caseworker from the appointment (the child and the parent with parental
    // responsibility are in the simulated Folkeregisteret).
    use crate::sources::simulator::citizens::{MINOR_REPRESENTATIVE, UNACCOMPANIED_MINOR};
    let lillestrom = staff_principal(app, "saksbehandler.lillestrom").await?;
    crate::representation::register(
        app,
        &lillestrom,
        crate::representation::NewRepresentation {
            basis: entity::values::RepresentationBasis::AsylumRepresentative,
            representative_pid: citizens[MINOR_REPRESENTATIVE].pid.clone(),
            represented_pid: citizens[UNACCOMPANIED_MINOR].pid.clone(),
            evidence: "Oppnevning som representant fra Statsforvalteren i Oslo og Viken".into(),
            valid_until: None,
            representative_name: Some(citizens[MINOR_REPRESENTATIVE].name.into()),
            representative_address: vec![],
        },
    )
    .await?;
    Ok(())
}

/// Moves a seeded request to one of the states (0 = stay received).
async fn advance(
    app: &Core,
    staff: &crate::auth::Principal,
    id: Uuid,
    stage: u8,
) -> ServiceResult<()> {
    let step = |action: Action, note: Option<&str>| case::TransitionInput {
        action,
        note: note.map(Into::into),
        withdrawal: None,
        outcome: None,
        for_identity: false,
    };
    let username = staff.staff().map(|s| s.username.clone());
    if stage >= 1 {
        case::assign(app, staff, id, case::AssignInput { assignee: username }).await?;
        case::transition(app, staff, id, step(Action::Start, None)).await?;
    }
    // The letters came with a copy of the person's passport (a decision waits for this).
    if (3..=4).contains(&stage) {
        crate::requests::verification::record(
            app,
            staff,
            id,
            crate::requests::verification::VerifyIdentity {
                method: entity::values::VerificationMethod::LetterWithIdCopy,
                document_type: Some(crate::requests::verification::DocumentType::Passport),
                document_number: None,
                note: None,
            },
        )
        .await?;
    }
    // A granted answer: the letter itself says what was done, so no reasons are needed.
    let granted = || decisions::DraftInput {
        outcome: Outcome::Granted,
        legal_bases: vec![],
        text: String::new(),
    };
    if matches!(stage, 3 | 4) {
        decisions::collected::waive_for_seed(
            app,
            id,
            "Demodata: saken er lagt inn uten innhenting fra kildesystemene.",
        )
        .await?;
    }
    match stage {
        2 => {
            case::transition(
                app,
                staff,
                id,
                step(
                    Action::AskRequester,
                    Some("Vi trenger en kopi av vedtaket du viser til."),
                ),
            )
            .await?;
        }
        3 => {
            decisions::draft(app, staff, id, granted()).await?;
        }
        4 => {
            decisions::draft(app, staff, id, granted()).await?;
            decisions::approve(app, staff, id).await?;
        }
        5 => {
            let mut withdraw = step(
                Action::Withdraw,
                Some("Trukket i brev fra den registrerte."),
            );
            withdraw.withdrawal = Some(case::WithdrawalRecord {
                channel: case::WithdrawalChannel::Letter,
                received_on: clock::today_oslo(),
                reference: None,
            });
            case::transition(app, staff, id, withdraw).await?;
        }
        6 => {
            case::transition(
                app,
                staff,
                id,
                step(
                    Action::ForwardOut,
                    Some("Sendt til IMDi, som er behandlingsansvarlig for NIR."),
                ),
            )
            .await?;
        }
        _ => {}
    }
    Ok(())
}
