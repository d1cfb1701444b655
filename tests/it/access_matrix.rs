//! The access matrix, generated from the OpenAPI document (docs/security.md): every operation
//! of `/openapi.json` is called, with its path and query parameters filled from one real case
//! (a completed request of a demo citizen in Nav Gamle Oslo, with its documents, an art. 19
//! notice and a merge of the person waiting for approval), by
//!
//! - a citizen who is not the person,
//! - a caseworker of another unit of the same controller,
//! - a caseworker and a privacy officer of another controller,
//! - nobody (no credentials),
//!
//! and each must be refused (401, 403 or 404; without credentials 401 wherever the document asks
//! for a bearer token), except the operations in [`ANSWERS_OUTSIDERS`], which say why they may
//! answer. No answer to an outsider, refused or not, may carry the case's id, reference,
//! identity number, document or notice. A new operation in the document is walked the same way
//! without being named here; one with a request body needs a valid body in [`body`] (the test
//! says so), so that a refusal is about access and never about a malformed body.
//!
//! Then the case's own staff call every operation (the positive control: the parameters name
//! real objects the case's staff can reach), and every operation with a body is sent one byte
//! over `max_body_bytes` (413).
//! Over 500 lines on purpose: one matrix: the case it walks, the exceptions with their reasons, the request bodies and the walk.
use std::collections::BTreeSet;

use reqwest::Method;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use serde_json::{Value, json};

use crate::{
    db_test,
    support::{TestApp, today},
};

/// Operations that may answer an outsider with 2xx, and why. Their answers are still searched
/// for the case's data.
const ANSWERS_OUTSIDERS: &[(&str, &str, &str)] = &[
    (
        "post",
        "/api/v1/requests",
        "intake: a signed-in caller registers a new request; the answer is that new request",
    ),
    (
        "post",
        "/api/v1/requests/on-behalf",
        "intake for someone else: the caller's authority over the represented person is checked (Folkeregisteret or a registration); the answer is the new request or why it is refused",
    ),
    (
        "post",
        "/api/v1/representations",
        "a caseworker or privacy officer registers a guardian or power of attorney from a document, for any controller; the answer is that registration, numbers masked",
    ),
    (
        "get",
        "/api/v1/requests",
        "the queue: the caller's own requests; asked for the case's controller, unit and reference it must come back without it",
    ),
    (
        "get",
        "/api/v1/deadlines",
        "date arithmetic on the deadline calendar, no personal data",
    ),
    (
        "get",
        "/api/v1/registry",
        "controllers, units and service areas are public",
    ),
    (
        "get",
        "/api/v1/legal-bases",
        "the legal-basis catalogue is public",
    ),
    (
        "get",
        "/api/v1/source-systems",
        "the source systems' configuration, for all staff; no personal data",
    ),
    (
        "get",
        "/api/v1/print-jobs",
        "the letters to post of the requests the caller works; the case's letter must not be among them",
    ),
];

/// The operations only the case's person calls (with a multipart body) in the positive control.
const CITIZEN_INSIDER: &[(&str, &str)] = &[("post", "/api/v1/requests/{id}/attachments")];

/// Routes outside the API document that anyone may call: health, the document itself, the
/// public keys. Called without credentials; their answers are searched for the case's data too.
/// (The pages are walked by the page tests; `/metrics` has its own token, tests/it/metrics.rs.)
const OPEN_OUTSIDE_THE_DOCUMENT: &[(&str, &str)] = &[
    ("/healthz", "liveness"),
    ("/readyz", "readiness"),
    ("/openapi.json", "the API document"),
    (
        "/.well-known/jwks.json",
        "the public keys of dsar's service tokens",
    ),
];

/// The operations the case's privacy officer or an admin calls in the positive control; all
/// others are called by the case's caseworker.
const INSIDER: &[(&str, &str, &str)] = &[
    (
        "post",
        "/api/v1/persons/links/{id}/approve",
        "personvern.gamleoslo",
    ),
    ("get", "/api/v1/reports/summary", "personvern.gamleoslo"),
    ("get", "/api/v1/requests/{id}/audit", "personvern.gamleoslo"),
    ("get", "/api/v1/reports/cases", "personvern.gamleoslo"),
    (
        "get",
        "/api/v1/reports/processing-activities",
        "personvern.gamleoslo",
    ),
    ("put", "/api/v1/source-systems/{source}", "admin"),
    ("post", "/api/v1/legal-bases", "admin"),
    (
        "post",
        "/api/v1/requests/{id}/closing-step/approve",
        "personvern.gamleoslo",
    ),
    (
        "post",
        "/api/v1/requests/{id}/closing-step/return",
        "personvern.gamleoslo",
    ),
];

/// Positive-control calls that move the case away from its staff run last.
const INSIDER_LAST: &[&str] = &["/api/v1/requests/{id}/forward"];

struct Case {
    id: String,
    reference: String,
    pid: String,
    d_number: String,
    controller: String,
    unit: String,
    document: String,
    notice: String,
    /// An appeal of the case's decision.
    complaint: String,
    /// The case's printed letter to the person.
    print_job: String,
    link: String,
    /// A unit of another controller (a valid forwarding target).
    other_unit: String,
}

impl Case {
    fn markers(&self) -> [&str; 6] {
        [
            &self.id,
            &self.reference,
            &self.pid,
            &self.document,
            &self.notice,
            &self.print_job,
        ]
    }
}

/// The case: a completed request of demo citizen 0 in Nav Gamle Oslo with a generated
/// document; an art. 19 notice added to it; a merge of the person with a d-nummer waiting.
async fn the_case(app: &TestApp) -> Case {
    use entity::{decision, document, recipient_notice, request, unit};
    let db = &app.app.db;
    let unit_named = |name: &'static str| async move {
        unit::Entity::find()
            .filter(unit::Column::Name.eq(name))
            .one(db)
            .await
            .unwrap()
            .unwrap()
    };
    let gamle_oslo = unit_named("Nav Gamle Oslo").await;
    let other_unit = unit_named("Lillestrøm kommune – personvern").await;
    let ids: Vec<uuid::Uuid> = request::Entity::find()
        .filter(request::Column::UnitId.eq(gamle_oslo.id))
        .all(db)
        .await
        .unwrap()
        .iter()
        .map(|r| r.id)
        .collect();
    let doc = document::Entity::find()
        .filter(document::Column::RequestId.is_in(ids))
        .one(db)
        .await
        .unwrap()
        .expect("the demo has a decided request in Nav Gamle Oslo");
    let req = request::Entity::find_by_id(doc.request_id)
        .one(db)
        .await
        .unwrap()
        .unwrap();
    let decided = decision::Entity::find()
        .filter(decision::Column::RequestId.eq(req.id))
        .one(db)
        .await
        .unwrap()
        .unwrap();
    let now = chrono::Utc::now();
    let notice = recipient_notice::ActiveModel {
        id: Set(uuid::Uuid::now_v7()),
        request_id: Set(req.id),
        decision_id: Set(decided.id),
        recipient: Set("Skatteetaten".into()),
        source_id: Set(None),
        channel: Set(entity::values::NoticeChannel::Manual),
        status: Set(entity::values::NoticeStatus::Manual),
        payload: Set(app.app.vault.seal(r#"{"operations":[]}"#)),
        document_id: Set(Some(doc.id)),
        attempts: Set(0),
        error: Set(None),
        next_attempt_at: Set(now),
        created_at: Set(now),
        updated_at: Set(now),
        delivered_at: Set(None),
        delivered_by: Set(None),
    }
    .insert(db)
    .await
    .unwrap();
    let complaint = entity::complaint::ActiveModel {
        id: Set(uuid::Uuid::now_v7()),
        request_id: Set(req.id),
        kind: Set(entity::complaint::ComplaintKind::Appeal),
        received_on: Set(today()),
        status: Set(entity::complaint::ComplaintStatus::Open),
        sent_to_appeal_body_on: Set(None),
        outcome: Set(None),
        decided_on: Set(None),
        note: Set(None),
        registered_by: Set(decided.drafted_by),
        registered_at: Set(now),
        updated_at: Set(now),
    }
    .insert(db)
    .await
    .unwrap();
    // The answer goes by post too (a printed letter waiting to be posted).
    let print_job = entity::print_job::ActiveModel {
        id: Set(uuid::Uuid::now_v7()),
        request_id: Set(req.id),
        document_id: Set(doc.id),
        letter_kind: Set(entity::values::LetterKind::Answer),
        status: Set(entity::print_job::PrintStatus::Queued),
        address: Set(Some(app.app.vault.seal(r#"["Storgata 1","0182 OSLO"]"#))),
        serves_due_on: Set(req.due_on),
        created_at: Set(now),
        updated_at: Set(now),
        printed_at: Set(None),
        printed_by: Set(None),
        posted_on: Set(None),
        posted_by: Set(None),
        cancel_reason: Set(None),
    }
    .insert(db)
    .await
    .unwrap();
    // The person's d-nummer from before, on a request of its own: linking the two numbers
    // asks for a merge that waits for a privacy officer.
    let pid = app.citizen_pid(0).await;
    let birth = dsar::identity::Pid::parse(
        &pid,
        dsar::identity::PidPolicy {
            allow_synthetic: true,
        },
    )
    .unwrap()
    .birth_date()
    .unwrap();
    let d_number = {
        use chrono::Datelike;
        crate::security::synthetic(
            birth.day(),
            birth.month(),
            (birth.year() % 100) as u32,
            true,
        )
    };
    let kari = app.staff("saksbehandler.gamleoslo").await;
    app.create(&kari, json!({ "kind": "innsyn", "description": "Brev", "subject_pid": d_number, "geography": "030101", "service_area": "settlement" }))
        .await;
    let (status, link) = app
        .post(
            "/api/v1/persons/link-numbers",
            &kari,
            json!({ "pid": d_number, "other_pid": pid }),
        )
        .await;
    assert_eq!(status, 202, "{link}");
    Case {
        id: req.id.to_string(),
        reference: req.reference,
        pid,
        d_number,
        controller: req.controller_id.to_string(),
        unit: req.unit_id.to_string(),
        document: doc.id.to_string(),
        notice: notice.id.to_string(),
        complaint: complaint.id.to_string(),
        print_job: print_job.id.to_string(),
        link: link["link_id"].as_str().unwrap().to_string(),
        other_unit: other_unit.id.to_string(),
    }
}

/// A caseworker of a second unit of the case's controller (Bydel Gamle Oslo).
async fn caseworker_of_another_unit(app: &TestApp, case: &Case) -> String {
    use entity::{staff_unit, staff_user, unit};
    let db = &app.app.db;
    let controller = uuid::Uuid::parse_str(&case.controller).unwrap();
    let now = chrono::Utc::now();
    let other = unit::ActiveModel {
        id: Set(uuid::Uuid::now_v7()),
        controller_id: Set(controller),
        name: Set("Bydel Gamle Oslo – barnevern".into()),
        code: Set(None),
        is_fallback: Set(false),
        is_protected: Set(false),
        auto_collect: Set(false),
        email: Set(None),
        created_at: Set(now),
    }
    .insert(db)
    .await
    .unwrap();
    let staff = staff_user::ActiveModel {
        id: Set(uuid::Uuid::now_v7()),
        username: Set("saksbehandler.barnevern.gamleoslo".into()),
        display_name: Set("Berit Saksbehandler (barnevern)".into()),
        role: Set("caseworker".into()),
        controller_id: Set(None),
        active: Set(true),
        created_at: Set(now),
    }
    .insert(db)
    .await
    .unwrap();
    staff_unit::ActiveModel {
        staff_id: Set(staff.id),
        unit_id: Set(other.id),
    }
    .insert(db)
    .await
    .unwrap();
    app.app.registry.invalidate().await;
    app.staff("saksbehandler.barnevern.gamleoslo").await
}

/// A valid body for each operation that takes one, so that a refusal is about access.
fn body(method: &str, path: &str, case: &Case) -> Option<Value> {
    Some(match (method, path) {
        ("post", "/api/v1/requests") => {
            json!({ "kind": "innsyn", "description": "Matrise", "service_area": "settlement" })
        }
        ("post", "/api/v1/requests/{id}/transitions") => json!({ "action": "start" }),
        ("post", "/api/v1/requests/{id}/assign") => {
            json!({ "assignee": "saksbehandler.gamleoslo" })
        }
        ("post", "/api/v1/requests/{id}/extend") => {
            json!({ "reason": "Mange kilder må kontrolleres" })
        }
        ("post", "/api/v1/requests/{id}/forward") => {
            json!({ "unit_id": case.other_unit, "note": "Saken hører til Lillestrøm." })
        }
        ("post", "/api/v1/requests/{id}/expected-answer") => {
            json!({ "expected_on": (today() + chrono::Days::new(5)).to_string() })
        }
        ("post", "/api/v1/requests/{id}/language") => json!({ "language": "en" }),
        ("post", "/api/v1/requests/{id}/identity-verification") => {
            json!({ "method": "known_from_case", "note": "Matrise" })
        }
        ("post", "/api/v1/requests/{id}/notes") => json!({ "text": "Matrise" }),
        ("post", "/api/v1/requests/on-behalf") => json!({
            "request": { "kind": "innsyn", "description": "Matrise", "service_area": "settlement" },
            "basis": "parental_responsibility",
            "represented_pid": case.pid,
        }),
        ("post", "/api/v1/requests/{id}/child-view") => json!({ "view": "Matrise" }),
        ("post", "/api/v1/representations") => json!({
            "basis": "fullmakt",
            "representative_pid": (100..999)
                .find_map(|i| dsar::identity::synthetic_pid(3, 3, 75, i, true, false))
                .unwrap()
                .as_str(),
            "represented_pid": case.pid,
            "evidence": "Skriftlig fullmakt (matrise)",
        }),
        ("post", "/api/v1/requests/{id}/collection/waive") => {
            json!({ "reason": "Kravet avvises som åpenbart grunnløst." })
        }
        ("post", "/api/v1/requests/{id}/closing-step/return") => {
            json!({ "comment": "Personens tilbaketrekning mangler." })
        }
        ("post", "/api/v1/requests/{id}/complaints") => {
            json!({ "kind": "appeal", "received_on": today() })
        }
        ("post", "/api/v1/requests/{id}/complaints/{complaint_id}/appeal-body") => {
            json!({ "sent_on": today() })
        }
        ("post", "/api/v1/requests/{id}/complaints/{complaint_id}/outcome") => {
            json!({ "outcome": "upheld", "decided_on": today() })
        }
        ("post", "/api/v1/persons/link-numbers") => {
            json!({ "pid": case.pid, "other_pid": case.d_number })
        }
        ("put", "/api/v1/source-systems/{source}") => json!({
            "name": "Papirarkivet (bosetting før 2020)", "owner": "Kommunen",
            "capabilities": ["access"], "endpoint": null, "timeout_ms": 5000,
            "max_attempts": 1, "backoff_ms": 1000, "service_areas": ["settlement"]
        }),
        ("post", "/api/v1/requests/{id}/sources/{source}/manual") => json!({ "records": [] }),
        ("post", "/api/v1/requests/{id}/decision") => {
            json!({ "outcome": "granted", "legal_bases": [], "text": "" })
        }
        ("post", "/api/v1/requests/{id}/decision/return") => {
            json!({ "comment": "Se over begrunnelsen." })
        }
        ("post", "/api/v1/requests/{id}/restriction/lift-notice") => {
            json!({ "reason": "Klagen er avgjort.", "lift_on": today() })
        }
        ("post", "/api/v1/print-jobs/{job}") => json!({ "action": "printed" }),
        ("post", "/api/v1/legal-bases") => json!({
            "id": "matrise-1",
            "citation": { "nb": "Matriseloven § 1", "en": "Matrix Act s. 1" },
            "title": { "nb": "Matrise", "en": "Matrix" },
            "explanation": { "nb": "Bare for testen.", "en": "For the test only." },
            "applies_to": ["innsyn"]
        }),
        ("post", _) => json!({}),
        _ => return None,
    })
}

fn path_value(path: &str, name: &str, case: &Case) -> String {
    match name {
        "id" if path.starts_with("/api/v1/persons/links/") => case.link.clone(),
        "id" => case.id.clone(),
        "document" => case.document.clone(),
        // Any id: outsiders are refused on the request before the file is looked up.
        "attachment" => case.document.clone(),
        "notice" => case.notice.clone(),
        "complaint_id" => case.complaint.clone(),
        "job" => case.print_job.clone(),
        "source" => "papirarkiv".into(),
        other => panic!("{path}: no value for the path parameter `{other}`; add one here"),
    }
}

fn query_value(name: &str, case: &Case) -> Option<String> {
    Some(match name {
        "controller" => case.controller.clone(),
        "unit" => case.unit.clone(),
        "reference" => case.reference.clone(),
        "from" => (today() - chrono::Days::new(365)).to_string(),
        "to" | "received_on" => today().to_string(),
        _ => return None,
    })
}

struct Call {
    method: String,
    template: String,
    url: String,
    body: Option<Value>,
    needs_bearer: bool,
}

/// Every operation of the document, with its parameters filled from the case.
fn calls(doc: &Value, case: &Case) -> Vec<Call> {
    let mut out = Vec::new();
    for (template, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            if !["get", "post", "put", "patch", "delete"].contains(&method.as_str()) {
                continue;
            }
            let mut url = template.clone();
            let mut query = Vec::new();
            for p in op["parameters"].as_array().into_iter().flatten() {
                let name = p["name"].as_str().unwrap();
                match p["in"].as_str().unwrap() {
                    "path" => {
                        assert!(
                            template.contains(&format!("{{{name}}}")),
                            "{method} {template} declares a path parameter `{name}` that its path does not have"
                        );
                        url = url.replace(&format!("{{{name}}}"), &path_value(template, name, case))
                    }
                    "query" => match query_value(name, case) {
                        Some(v) => query.push(format!("{name}={v}")),
                        None => assert!(
                            p["required"] != true,
                            "{method} {template}: no value for the required query parameter `{name}`; add one to query_value"
                        ),
                    },
                    _ => {}
                }
            }
            if !query.is_empty() {
                url = format!("{url}?{}", query.join("&"));
            }
            let body = if op.get("requestBody").is_some() {
                let b = body(method, template, case);
                assert!(
                    b.is_some(),
                    "{method} {template} takes a body: add a valid one to body()"
                );
                b
            } else {
                None
            };
            let needs_bearer = op["security"]
                .as_array()
                .is_some_and(|s| s.iter().any(|r| r.get("bearer").is_some()));
            out.push(Call {
                method: method.clone(),
                template: template.clone(),
                url,
                body,
                needs_bearer,
            });
        }
    }
    out
}

async fn send(app: &TestApp, call: &Call, token: Option<&str>) -> (u16, String) {
    let method = Method::from_bytes(call.method.to_uppercase().as_bytes()).unwrap();
    let r = app.call(method, &call.url, token, call.body.clone()).await;
    (r.status().as_u16(), r.text().await.unwrap_or_default())
}

fn leaks<'a>(case: &'a Case, text: &str) -> Vec<&'a str> {
    case.markers()
        .into_iter()
        .filter(|m| text.contains(m))
        .collect()
}

db_test!(every_api_operation_refuses_outsiders, |app| {
    let case = the_case(&app).await;
    let doc: Value = app
        .client
        .get(app.url("/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let calls = calls(&doc, &case);
    let listed: BTreeSet<(&str, &str)> = ANSWERS_OUTSIDERS
        .iter()
        .chain(INSIDER)
        .map(|(m, p, _)| (*m, *p))
        .collect();
    for (method, path) in &listed {
        assert!(
            calls
                .iter()
                .any(|c| c.method == *method && c.template == *path),
            "{method} {path} is listed here but not in the API document"
        );
    }
    let outsiders = [
        (
            "a citizen who is not the person",
            Some(app.citizen(2).await),
        ),
        (
            "a caseworker of another unit of the controller",
            Some(caseworker_of_another_unit(&app, &case).await),
        ),
        (
            "a caseworker of another controller",
            Some(app.staff("saksbehandler.lillestrom").await),
        ),
        (
            "a privacy officer of another controller",
            Some(app.staff("personvern.ude").await),
        ),
        ("no credentials", None),
    ];
    let mut failures = Vec::new();
    for call in &calls {
        let open = ANSWERS_OUTSIDERS
            .iter()
            .any(|(m, p, _)| call.method == *m && call.template == *p);
        for (who, token) in &outsiders {
            let (status, text) = send(&app, call, token.as_deref()).await;
            let what = format!("{} {} by {who}: {status}", call.method, call.template);
            let leaked = leaks(&case, &text);
            if !leaked.is_empty() {
                failures.push(format!("{what} carried the case's data {leaked:?}"));
            }
            if token.is_none() && call.needs_bearer && status != 401 {
                failures.push(format!("{what}, expected 401"));
            } else if !open && ![401, 403, 404].contains(&status) {
                failures.push(format!("{what}, expected a refusal: {text}"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    for (path, why) in OPEN_OUTSIDE_THE_DOCUMENT {
        let r = app.call(Method::GET, path, None, None).await;
        assert_eq!(r.status(), 200, "{path} ({why})");
        let text = r.text().await.unwrap();
        assert!(
            leaks(&case, &text).is_empty(),
            "{path} carried the case's data"
        );
    }

    // The positive control: the case's own staff get past access control on every
    // operation, so the outsiders' refusals above were about access, not about the values.
    let mut ordered: Vec<&Call> = calls.iter().collect();
    ordered.sort_by_key(|c| INSIDER_LAST.contains(&c.template.as_str()));
    let kari = app.staff("saksbehandler.gamleoslo").await;
    for call in ordered {
        let user = INSIDER
            .iter()
            .find(|(m, p, _)| call.method == *m && call.template == *p)
            .map(|(_, _, u)| *u);
        // The person attaches files to their own case, with a multipart body.
        if CITIZEN_INSIDER.contains(&(call.method.as_str(), call.template.as_str())) {
            let token = app.token(json!({ "pid": case.pid })).await;
            let (ct, body) = crate::support::multipart(
                &[],
                Some(("matrise.pdf", "application/pdf", crate::attachments::PDF)),
            );
            let r = app
                .client
                .post(app.url(&call.url))
                .bearer_auth(&token)
                .header("content-type", ct)
                .body(body)
                .send()
                .await
                .unwrap();
            let status = r.status().as_u16();
            let text = r.text().await.unwrap_or_default();
            let refused = matches!(status, 400 | 401 | 403 | 415)
                || (status == 404 && text.contains("request not found"));
            assert!(
                !refused,
                "{} {} by the case's person: {status} {text}",
                call.method, call.template
            );
            continue;
        }
        let token = match user {
            Some(u) => app.staff(u).await,
            None => kari.clone(),
        };
        let (status, text) = send(&app, call, Some(&token)).await;
        let refused = matches!(status, 401 | 403)
            || (status == 404 && text.contains("request not found"))
            || status == 400
            || status == 415;
        assert!(
            !refused,
            "{} {} by the case's own staff ({}): {status} {text}",
            call.method,
            call.template,
            user.unwrap_or("saksbehandler.gamleoslo")
        );
    }

    // Every operation that takes a body refuses one over the limit, before any service runs.
    let over = app.settings.max_body_bytes + 1;
    let admin = app.staff("admin").await;
    // The upload route alone takes bodies as large as a file may be (its own limits,
    // tests/it/attachments.rs).
    for call in calls.iter().filter(|c| {
        c.body.is_some() && !CITIZEN_INSIDER.contains(&(c.method.as_str(), c.template.as_str()))
    }) {
        let method = Method::from_bytes(call.method.to_uppercase().as_bytes()).unwrap();
        let padding = "a".repeat(over);
        let r = app
            .client
            .request(method, app.url(&call.url))
            .bearer_auth(&admin)
            .header("content-type", "application/json")
            .body(format!(r#"{{"text":"{padding}"}}"#))
            .send()
            .await
            .unwrap();
        assert_eq!(
            r.status(),
            413,
            "{} {} with {over} bytes",
            call.method,
            call.template
        );
    }
});
