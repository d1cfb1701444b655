//! Representatives: a parent files for a child (parental responsibility checked against the
//! simulated Folkeregisteret's family relations), an unaccompanied minor's representative and
//! a power of attorney registered by staff from the document, staff registering a
//! representative's letter, refusals of representations that are not proven, the case showing
//! both persons and who acted, the child's own view, and the parent's access ending at 18.
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, sea_query::Expr};
use serde_json::{Value, json};

use crate::{db_test, support::TestApp};

/// Demo citizens (src/sources/simulator/citizens.rs): Amina (0) holds parental responsibility
/// for Leah (6, born 2014); Yonas (3) is the representative of Ahmad (7), an unaccompanied
/// minor (registered by the demo); Olena (4) and Mariam (2) represent nobody.
const PARENT: usize = 0;
const CHILD: usize = 6;
const MINOR: usize = 7;
const MINOR_REPRESENTATIVE: usize = 3;
const STRANGER: usize = 4;
const ADULT: usize = 2;

fn for_someone(basis: &str, represented: &str) -> Value {
    json!({
        "request": {
            "kind": "innsyn",
            "description": "Hvilke opplysninger har dere om barnet mitt?",
            "service_area": "settlement",
            "geography": "030101",
        },
        "basis": basis,
        "represented_pid": represented,
    })
}

async fn ids(app: &TestApp, token: &str) -> Vec<String> {
    let (status, page) = app.get("/api/v1/requests", token).await;
    assert_eq!(status, 200, "{page}");
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_string())
        .collect()
}

db_test!(parent_files_for_a_child_from_folkeregisteret, |app| {
    let parent = app.citizen(PARENT).await;
    let child_pid = app.citizen_pid(CHILD).await;
    let (status, created) = app
        .post(
            "/api/v1/requests/on-behalf",
            &parent,
            for_someone("parental_responsibility", &child_pid),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    let id = created["id"].as_str().unwrap().to_string();

    // The parent sees the child's request on their list; so does the child, whose it is.
    assert!(ids(&app, &parent).await.contains(&id));
    let child = app.citizen(CHILD).await;
    assert!(ids(&app, &child).await.contains(&id));
    let (status, rep) = app
        .get(&format!("/api/v1/requests/{id}/representation"), &parent)
        .await;
    assert_eq!(status, 200, "{rep}");
    assert_eq!(rep["basis"], "parental_responsibility");
    assert_eq!(rep["evidence"], "Folkeregisteret");
    assert_eq!(rep["in_force"], true);
    assert_eq!(rep["verified_by"], Value::Null);
    assert!(!rep.to_string().contains(&child_pid), "{rep}");

    // The case shows who acted for whom: the created event names the basis.
    let kari = app.staff("saksbehandler.gamleoslo").await;
    let (status, events) = app
        .get(&format!("/api/v1/requests/{id}/events"), &kari)
        .await;
    assert_eq!(status, 200, "{events}");
    let created_event = events
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "created")
        .unwrap()
        .clone();
    assert_eq!(
        created_event["details"]["on_behalf"]["basis"], "parental_responsibility",
        "{created_event}"
    );
    let (status, rep) = app
        .get(&format!("/api/v1/requests/{id}/representation"), &kari)
        .await;
    assert_eq!(status, 200, "{rep}");
    // Leah is 12: great weight on her view (barnelova § 31).
    assert_eq!(rep["child_say"], "great_weight");

    // The caseworker records the child's own view; it is on the timeline.
    let (status, v) = app
        .post(
            &format!("/api/v1/requests/{id}/child-view"),
            &kari,
            json!({ "view": "Leah vil at mamma skal få se opplysningene." }),
        )
        .await;
    assert_eq!(status, 201, "{v}");
    let (status, v) = app
        .post(
            &format!("/api/v1/requests/{id}/child-view"),
            &kari,
            json!({ "view": "  " }),
        )
        .await;
    assert_eq!(status, 422, "{v}");
    let (_, events) = app
        .get(&format!("/api/v1/requests/{id}/events"), &kari)
        .await;
    assert!(
        events
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["action"] == "child_view_recorded"
                && e["details"]["child_say"] == "great_weight"),
        "{events}"
    );

    // A parent asking again reuses the same representation.
    let (status, again) = app
        .post(
            "/api/v1/requests/on-behalf",
            &parent,
            for_someone("parental_responsibility", &child_pid),
        )
        .await;
    assert_eq!(status, 201, "{again}");
    let (_, rep2) = app
        .get(
            &format!(
                "/api/v1/requests/{}/representation",
                again["id"].as_str().unwrap()
            ),
            &parent,
        )
        .await;
    assert_eq!(rep2["id"], rep["id"]);

    // On the child's 18th birthday (the representation's end) the parent no longer sees it.
    entity::representation::Entity::update_many()
        .col_expr(
            entity::representation::Column::EndsOn,
            Expr::value(crate::support::today()),
        )
        .filter(entity::representation::Column::Basis.eq("parental_responsibility"))
        .exec(&app.app.db)
        .await
        .unwrap();
    assert!(!ids(&app, &parent).await.contains(&id));
    let (status, _) = app.get(&format!("/api/v1/requests/{id}"), &parent).await;
    assert_eq!(status, 404);
    // The child still does.
    assert!(ids(&app, &child).await.contains(&id));
});

db_test!(representation_that_is_not_proven_is_refused, |app| {
    let child_pid = app.citizen_pid(CHILD).await;
    let stranger = app.citizen(STRANGER).await;
    // Not the parent in Folkeregisteret.
    let r = app
        .call(
            reqwest::Method::POST,
            "/api/v1/requests/on-behalf",
            Some(&stranger),
            Some(for_someone("parental_responsibility", &child_pid)),
        )
        .await;
    let problem = TestApp::expect_problem(r, 403).await;
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("parental responsibility"),
        "{problem}"
    );
    // A verge nobody registered.
    let (status, v) = app
        .post(
            "/api/v1/requests/on-behalf",
            &stranger,
            for_someone("verge", &child_pid),
        )
        .await;
    assert_eq!(status, 403, "{v}");
    // A citizen cannot name another representative.
    let mut body = for_someone("parental_responsibility", &child_pid);
    body["representative_pid"] = json!(app.citizen_pid(PARENT).await);
    let (status, v) = app
        .post("/api/v1/requests/on-behalf", &stranger, body)
        .await;
    assert_eq!(status, 403, "{v}");
    // Nothing was written for the child.
    let child = app.citizen(CHILD).await;
    assert!(ids(&app, &child).await.is_empty());
});

db_test!(staff_register_a_representative_who_then_files, |app| {
    let kari = app.staff("saksbehandler.gamleoslo").await;
    let minor_pid = app.citizen_pid(MINOR).await;
    let stranger_pid = app.citizen_pid(STRANGER).await;
    let stranger = app.citizen(STRANGER).await;

    // The demo registered Yonas as Ahmad's representative: he files and sees it.
    let yonas = app.citizen(MINOR_REPRESENTATIVE).await;
    let (status, created) = app
        .post(
            "/api/v1/requests/on-behalf",
            &yonas,
            for_someone("asylum_representative", &minor_pid),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    assert!(
        ids(&app, &yonas)
            .await
            .contains(&created["id"].as_str().unwrap().to_string())
    );

    // Olena is not registered yet: refused; then a caseworker registers her power of attorney.
    let (status, _) = app
        .post(
            "/api/v1/requests/on-behalf",
            &stranger,
            for_someone("fullmakt", &minor_pid),
        )
        .await;
    assert_eq!(status, 403);
    let registration = json!({
        "basis": "fullmakt",
        "representative_pid": stranger_pid,
        "represented_pid": minor_pid,
        "evidence": "Skriftlig fullmakt datert 2026-11-20",
    });
    let (status, v) = app
        .post("/api/v1/representations", &stranger, registration.clone())
        .await;
    assert_eq!(status, 403, "a citizen cannot register: {v}");
    let (status, rep) = app
        .post("/api/v1/representations", &kari, registration)
        .await;
    assert_eq!(status, 201, "{rep}");
    assert_eq!(rep["verified_by"], "saksbehandler.gamleoslo");
    assert_eq!(rep["in_force"], true);
    let (status, created) = app
        .post(
            "/api/v1/requests/on-behalf",
            &stranger,
            for_someone("fullmakt", &minor_pid),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    assert!(
        ids(&app, &stranger)
            .await
            .contains(&created["id"].as_str().unwrap().to_string())
    );

    // What cannot be registered.
    let adult_pid = app.citizen_pid(ADULT).await;
    for (body, field) in [
        (
            json!({ "basis": "parental_responsibility", "representative_pid": stranger_pid,
                    "represented_pid": minor_pid, "evidence": "Brev" }),
            "basis",
        ),
        (
            json!({ "basis": "asylum_representative", "representative_pid": stranger_pid,
                    "represented_pid": adult_pid, "evidence": "Oppnevning" }),
            "represented_pid",
        ),
        (
            json!({ "basis": "fullmakt", "representative_pid": stranger_pid,
                    "represented_pid": adult_pid, "evidence": "Fullmakt",
                    "valid_until": crate::support::today() - chrono::Days::new(1) }),
            "valid_until",
        ),
        (
            json!({ "basis": "verge", "representative_pid": stranger_pid,
                    "represented_pid": adult_pid, "evidence": " " }),
            "evidence",
        ),
        (
            json!({ "basis": "verge", "representative_pid": adult_pid,
                    "represented_pid": adult_pid, "evidence": "Oppnevning" }),
            "represented_pid",
        ),
    ] {
        let r = app
            .call(
                reqwest::Method::POST,
                "/api/v1/representations",
                Some(&kari),
                Some(body.clone()),
            )
            .await;
        let problem = TestApp::expect_problem(r, 422).await;
        assert_eq!(problem["field"], field, "{body} → {problem}");
    }

    // Staff register the representative's letter: the representative is named.
    let mut letter = for_someone("asylum_representative", &minor_pid);
    letter["request"]["channel"] = json!("letter");
    let (status, v) = app
        .post("/api/v1/requests/on-behalf", &kari, letter.clone())
        .await;
    assert_eq!(status, 422, "{v}");
    letter["representative_pid"] = json!(app.citizen_pid(MINOR_REPRESENTATIVE).await);
    let (status, created) = app.post("/api/v1/requests/on-behalf", &kari, letter).await;
    assert_eq!(status, 201, "{created}");
    assert!(
        ids(&app, &yonas)
            .await
            .contains(&created["id"].as_str().unwrap().to_string())
    );
    // Ahmad's registered address is in Lillestrøm: the request went there.
    let lillestrom = app.staff("saksbehandler.lillestrom").await;
    let (status, rep) = app
        .get(
            &format!(
                "/api/v1/requests/{}/representation",
                created["id"].as_str().unwrap()
            ),
            &lillestrom,
        )
        .await;
    assert_eq!(status, 200, "{rep}");
    assert_eq!(rep["basis"], "asylum_representative");
    assert_eq!(rep["verified_by"], "saksbehandler.lillestrom");
});

// The portal wizard offers the signed-in parent their child from Folkeregisteret, and the
// registered representative the person they represent; sent for the child, the request is on
// the parent's Min side and is the child's.
db_test!(
    the_wizard_files_for_a_child_and_a_represented_minor,
    |app| {
        use crate::browser::{Browser, csrf_token, demo_citizen_login};
        let child_pid = app.citizen_pid(CHILD).await;
        let browser = Browser::new();
        let parent_pid = app.citizen_pid(PARENT).await;
        demo_citizen_login(&browser, &app, &parent_pid).await;
        let url = app.url("/min-side/ny?lang=en");
        let page = browser.get(&url).await.text().await.unwrap();
        assert!(page.contains("Who is the request for?"), "{page}");
        assert!(
            page.contains("Leah Yusuf, my child (I have parental responsibility)"),
            "{page}"
        );
        let csrf = csrf_token(&page);
        let on_behalf = format!("parental_responsibility:{child_pid}");
        let fields: Vec<(String, String)> = [
            ("csrf_token", csrf.as_str()),
            ("step", "5"),
            ("go", "send"),
            ("on_behalf", on_behalf.as_str()),
            ("kind", "innsyn"),
            ("service_area", "settlement"),
            ("description", "Hva har dere om datteren min?"),
            ("language", "en"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        let r = browser.post_form(&url, &fields).await;
        assert_eq!(r.status(), reqwest::StatusCode::CREATED);
        let html = r.text().await.unwrap();
        assert!(html.contains("We have received your request"), "{html}");
        // The request is the child's, and on the parent's list beside their own.
        let child = app.citizen(CHILD).await;
        let mine = ids(&app, &child).await;
        assert_eq!(mine.len(), 1);
        let parent = app.citizen(PARENT).await;
        assert!(ids(&app, &parent).await.contains(&mine[0]));
        let mine_page = browser
            .get(&app.url("/min-side?lang=en"))
            .await
            .text()
            .await
            .unwrap();
        let (_, view) = app
            .get(&format!("/api/v1/requests/{}", mine[0]), &parent)
            .await;
        assert!(
            mine_page.contains(view["reference"].as_str().unwrap()),
            "{mine_page}"
        );

        // Yonas is offered Ahmad, whom the demo registered him as representing.
        let yonas = Browser::new();
        let yonas_pid = app.citizen_pid(MINOR_REPRESENTATIVE).await;
        demo_citizen_login(&yonas, &app, &yonas_pid).await;
        let page = yonas.get(&url).await.text().await.unwrap();
        assert!(
            page.contains("(I am their representative (unaccompanied minor asylum seeker))"),
            "{page}"
        );
        // Someone who represents nobody is not asked.
        let stranger = Browser::new();
        let stranger_pid = app.citizen_pid(STRANGER).await;
        demo_citizen_login(&stranger, &app, &stranger_pid).await;
        let page = stranger.get(&url).await.text().await.unwrap();
        assert!(!page.contains("Who is the request for?"));
    }
);

/// Drafts `outcome` on request `id` and approves it (by the unit's privacy officer where four
/// eyes apply); returns the approval.
async fn decide(app: &TestApp, caseworker: &str, officer: Option<&str>, id: &str) -> Value {
    let (status, draft) = app
        .post(
            &format!("/api/v1/requests/{id}/decision"),
            caseworker,
            json!({ "outcome": "granted", "legal_bases": [], "text": "" }),
        )
        .await;
    assert_eq!(status, 201, "{draft}");
    let approver = match (draft["four_eyes"].as_bool(), officer) {
        (Some(true), Some(o)) => o,
        _ => caseworker,
    };
    let (status, approved) = app
        .post(
            &format!("/api/v1/requests/{id}/decision/approve"),
            approver,
            json!({}),
        )
        .await;
    assert_eq!(status, 200, "{approved}");
    approved
}

/// The text of the request's document of `kind` (the newest), read with `token`.
async fn letter(app: &TestApp, token: &str, id: &str, kind: &str) -> String {
    let (status, docs) = app
        .get(&format!("/api/v1/requests/{id}/documents"), token)
        .await;
    assert_eq!(status, 200, "{docs}");
    let doc = docs
        .as_array()
        .unwrap()
        .iter()
        .rev()
        .find(|d| d["kind"] == kind)
        .unwrap_or_else(|| panic!("no {kind}: {docs}"))
        .clone();
    let r = app
        .call(
            reqwest::Method::GET,
            doc["href"].as_str().unwrap(),
            Some(token),
            None,
        )
        .await;
    assert_eq!(r.status(), 200);
    r.text().await.unwrap()
}

/// The e-mail addresses the request's notices of `template` are queued to.
async fn mailed_to(app: &TestApp, id: &str, template: &str) -> Vec<String> {
    entity::outbox::Entity::find()
        .filter(entity::outbox::Column::RequestId.eq(uuid::Uuid::parse_str(id).unwrap()))
        .filter(entity::outbox::Column::Template.eq(template))
        .all(&app.app.db)
        .await
        .unwrap()
        .iter()
        .map(|m| app.app.vault.open(&m.recipient).unwrap())
        .collect()
}

/// The printed letters of the request, and the sealed address each was queued with.
async fn printed(app: &TestApp, id: &str) -> Vec<(String, Option<Vec<String>>)> {
    entity::print_job::Entity::find()
        .filter(entity::print_job::Column::RequestId.eq(uuid::Uuid::parse_str(id).unwrap()))
        .order_by_asc(entity::print_job::Column::CreatedAt)
        .all(&app.app.db)
        .await
        .unwrap()
        .iter()
        .map(|j| {
            let address = j.address.as_deref().map(|a| {
                serde_json::from_str::<Vec<String>>(&app.app.vault.open(a).unwrap()).unwrap()
            });
            (j.letter_kind.to_string(), address)
        })
        .collect()
}

/// The lines of a letter's recipient block (its letterhead).
fn recipient_block(html: &str) -> Vec<String> {
    let start = html
        .find("<div class=\"recipient\">")
        .expect("a recipient block");
    let block = &html[start..];
    let block = &block[..block.find("</div>").unwrap()];
    block
        .split("<p>")
        .skip(1)
        .map(|p| p.trim_end_matches("</p>").to_string())
        .collect()
}

fn esc(s: &str) -> String {
    maud::html! { (s) }.into_string()
}

fn nb(key: &str, name: &str) -> String {
    dsar::i18n::tf(dsar::i18n::Language::Nb, key, &[("name", name)])
}

/// Folkeregisteret's postal address of demo citizen `index`, as the simulator gives it.
async fn registered_address(app: &TestApp, index: usize) -> Vec<String> {
    let pid = app.citizen_pid(index).await;
    dsar::sources::simulator::data::records("folkeregisteret", &pid)
        .unwrap()
        .iter()
        .find(|r| r.id == dsar::sources::simulator::data::POSTAL_ADDRESS_RECORD)
        .unwrap()
        .value
        .split(',')
        .map(|l| l.trim().to_string())
        .collect()
}

/// A parent files for the child with their own e-mail address and asks for paper.
async fn parent_files_with_contact(app: &TestApp) -> (String, String) {
    let parent = app.citizen(PARENT).await;
    let mut body = for_someone("parental_responsibility", &app.citizen_pid(CHILD).await);
    body["request"]["contact_email"] = json!("forelder@example.no");
    body["request"]["wants_paper"] = json!(true);
    let (status, created) = app.post("/api/v1/requests/on-behalf", &parent, body).await;
    assert_eq!(status, 201, "{created}");
    (created["id"].as_str().unwrap().to_string(), parent)
}

async fn start_and_collect(app: &TestApp, token: &str, id: &str) {
    let (status, v) = app
        .post(
            &format!("/api/v1/requests/{id}/transitions"),
            token,
            json!({ "action": "start" }),
        )
        .await;
    assert_eq!(status, 200, "{v}");
    app.collect_to_idle(token, id).await;
}

// The answer to a parent's request for their child greets the parent by name, says near the top
// that it is about their child (named) and why the parent gets it; the e-mail notice goes to the
// parent's address and the printed letter never to the child's. The data package is the child's.
db_test!(
    a_parents_answer_is_written_to_the_parent_about_the_child,
    |app| {
        let (id, parent) = parent_files_with_contact(&app).await;
        let kari = app.staff("saksbehandler.gamleoslo").await;
        let officer = app.staff("personvern.gamleoslo").await;
        start_and_collect(&app, &kari, &id).await;
        decide(&app, &kari, Some(&officer), &id).await;

        let (parent_name, child_name) = ("Amina Yusuf", "Leah Yusuf");
        let html = letter(&app, &kari, &id, "answer_html").await;
        let greeting = nb("letters.common.greeting", parent_name);
        let about = nb("letters.about.parental_responsibility", child_name);
        assert!(about.contains("barnet ditt"), "{about}");
        let (g, a) = (
            html.find(&esc(&greeting)).expect("the parent is greeted"),
            html.find(&esc(&about))
                .expect("the letter says whom it is about"),
        );
        assert!(g < a, "the about line follows the greeting");
        assert!(
            !html.contains(&esc(&nb("letters.common.greeting", child_name))),
            "the child is not greeted"
        );
        // Posted to the parent, never to the child's address: none is registered for the parent,
        // so the letterhead names the parent alone and the letter waits for staff to record where
        // it was posted.
        assert_eq!(recipient_block(&html), [parent_name]);
        assert_eq!(printed(&app, &id).await, vec![("answer".to_string(), None)]);
        // The e-mail notice to the address the parent gave.
        assert_eq!(
            mailed_to(&app, &id, "answer_ready").await,
            ["forelder@example.no"]
        );
        // The data package is about the child.
        let (_, docs) = app
            .get(&format!("/api/v1/requests/{id}/documents"), &parent)
            .await;
        let package = docs
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["kind"] == "data_package")
            .unwrap_or_else(|| panic!("the parent sees the answer on Min side: {docs}"))
            .clone();
        let bytes = app
            .call(
                reqwest::Method::GET,
                package["href"].as_str().unwrap(),
                Some(&parent),
                None,
            )
            .await
            .bytes()
            .await
            .unwrap();
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
        let mut data = String::new();
        std::io::Read::read_to_string(&mut zip.by_name("data.json").unwrap(), &mut data).unwrap();
        let data: Value = serde_json::from_str(&data).unwrap();
        assert_eq!(data["subject"]["name"], child_name);

        // The case page shows the child and the parent, the basis and until when.
        let (browser, _) = crate::office::staff_browser(&app, "saksbehandler.gamleoslo").await;
        let (status, page) =
            crate::office::page(&browser, &app, &format!("/office/sak/{id}")).await;
        assert_eq!(status, 200);
        let section = &page[page
            .find("id=\"representation\"")
            .expect("a representation section")..];
        for text in [
            child_name,
            parent_name,
            dsar::i18n::t(
                dsar::i18n::Language::Nb,
                "portal.basis.parental_responsibility",
            ),
            "Folkeregisteret",
        ] {
            assert!(section.contains(&esc(text)), "{text} in {section}");
        }
        // Leah turns 18 on 2 May 2032: the parent's authority lasts to the day before.
        assert!(section.contains("01.05.2032"), "{section}");
    }
);

// On the child's 18th birthday the representation ends: a letter made after it is the person's
// own (their name, no line about a representative), is not e-mailed to the address the parent
// gave, is posted to the person's registered address, and the parent no longer sees it.
db_test!(
    after_the_child_turns_18_the_answer_goes_to_the_person,
    |app| {
        let (id, parent) = parent_files_with_contact(&app).await;
        let kari = app.staff("saksbehandler.gamleoslo").await;
        let officer = app.staff("personvern.gamleoslo").await;
        start_and_collect(&app, &kari, &id).await;
        entity::representation::Entity::update_many()
            .col_expr(
                entity::representation::Column::EndsOn,
                Expr::value(crate::support::today()),
            )
            .exec(&app.app.db)
            .await
            .unwrap();
        decide(&app, &kari, Some(&officer), &id).await;

        let html = letter(&app, &kari, &id, "answer_html").await;
        assert!(
            html.contains(&esc(&nb("letters.common.greeting", "Leah Yusuf"))),
            "{html}"
        );
        assert!(!html.contains("Amina"), "{html}");
        assert!(!html.contains(&esc(&nb(
            "letters.about.parental_responsibility",
            "Leah Yusuf"
        ))));
        assert!(mailed_to(&app, &id, "answer_ready").await.is_empty());
        let address = registered_address(&app, CHILD).await;
        assert_eq!(
            printed(&app, &id).await,
            vec![("answer".to_string(), Some(address.clone()))]
        );
        let mut block = vec!["Leah Yusuf".to_string()];
        block.extend(address.iter().map(|l| esc(l)));
        assert_eq!(recipient_block(&html), block);
        // Min side: the person sees the answer; the parent no longer does.
        let (status, _) = app
            .get(&format!("/api/v1/requests/{id}/documents"), &parent)
            .await;
        assert_eq!(status, 404);
        let child = app.citizen(CHILD).await;
        let (status, docs) = app
            .get(&format!("/api/v1/requests/{id}/documents"), &child)
            .await;
        assert_eq!(status, 200, "{docs}");
        assert!(docs.to_string().contains("answer_html"), "{docs}");
        // The case page says so.
        let (browser, _) = crate::office::staff_browser(&app, "saksbehandler.gamleoslo").await;
        let (_, page) = crate::office::page(&browser, &app, &format!("/office/sak/{id}")).await;
        let ended = dsar::i18n::t(dsar::i18n::Language::Nb, "office.case.representation_ended");
        assert!(page.contains(&esc(ended)), "{page}");
    }
);

const OLENA_ADDRESS: [&str; 2] = ["Postboks 12 Sentrum", "0101 OSLO"];

/// Staff register Olena's power of attorney for Ahmad with her name and address.
async fn register_olena(app: &TestApp, staff: &str) -> Value {
    let (status, rep) = app
        .post(
            "/api/v1/representations",
            staff,
            json!({
                "basis": "fullmakt",
                "representative_pid": app.citizen_pid(STRANGER).await,
                "represented_pid": app.citizen_pid(MINOR).await,
                "evidence": "Skriftlig fullmakt datert 2026-11-20",
                "representative_name": "Olena Shevchenko",
                "representative_address": OLENA_ADDRESS,
            }),
        )
        .await;
    assert_eq!(status, 201, "{rep}");
    rep
}

/// Olena files for Ahmad, in English, on paper; returns the request id and her token.
async fn olena_files(app: &TestApp) -> (String, String) {
    let olena = app.citizen(STRANGER).await;
    let mut body = for_someone("fullmakt", &app.citizen_pid(MINOR).await);
    body["request"]["language"] = json!("en");
    body["request"]["wants_paper"] = json!(true);
    let (status, created) = app.post("/api/v1/requests/on-behalf", &olena, body).await;
    assert_eq!(status, 201, "{created}");
    (created["id"].as_str().unwrap().to_string(), olena)
}

// A power of attorney registered by staff with the representative's name and address: the
// extension letter and the answer, in English, greet the representative, say on what basis and
// whom they are about, and go by post to the registered address.
db_test!(
    a_registered_representatives_letters_go_to_the_registered_address,
    |app| {
        let kari = app.staff("saksbehandler.gamleoslo").await;
        let (minor_pid, olena_pid) = (
            app.citizen_pid(MINOR).await,
            app.citizen_pid(STRANGER).await,
        );
        let address = OLENA_ADDRESS;
        let rep = register_olena(&app, &kari).await;
        assert_eq!(rep["representative_name"], "Olena Shevchenko");
        // A one-line address is refused beside the field.
        let (status, problem) = app
            .post(
                "/api/v1/representations",
                &kari,
                json!({
                    "basis": "verge", "representative_pid": olena_pid,
                    "represented_pid": minor_pid, "evidence": "Oppnevning",
                    "representative_address": ["Postboks 12"],
                }),
            )
            .await;
        assert_eq!(status, 422, "{problem}");
        assert_eq!(problem["field"], "representative_address");

        let (id, _) = olena_files(&app).await;
        // Ahmad lives in Lillestrøm: the case is there, decided without four eyes.
        let lars = app.staff("saksbehandler.lillestrom").await;
        start_and_collect(&app, &lars, &id).await;
        let (status, v) = app
            .post(
                &format!("/api/v1/requests/{id}/extend"),
                &lars,
                json!({ "reason": "Mange kilder må hentes inn" }),
            )
            .await;
        assert_eq!(status, 200, "{v}");
        decide(&app, &lars, None, &id).await;

        let en = |key: &str, name: &str| {
            dsar::i18n::tf(dsar::i18n::Language::En, key, &[("name", name)])
        };
        let greeting = en("letters.common.greeting", "Olena Shevchenko");
        let about = en("letters.about.fullmakt", "Ahmad Rahimi");
        assert!(about.contains("power of attorney"), "{about}");
        for kind in ["extension_html", "answer_html"] {
            let html = letter(&app, &lars, &id, kind).await;
            assert!(html.contains(&esc(&greeting)), "{kind}: {html}");
            assert!(html.contains(&esc(&about)), "{kind}: {html}");
            assert_eq!(
                recipient_block(&html),
                ["Olena Shevchenko", address[0], address[1]],
                "{kind}"
            );
        }
        let jobs = printed(&app, &id).await;
        let want: Vec<String> = address.iter().map(|l| l.to_string()).collect();
        assert_eq!(
            jobs,
            vec![
                ("extension".to_string(), Some(want.clone())),
                ("answer".to_string(), Some(want)),
            ]
        );
    }
);

// Forwarded to another controller, the letter saying so goes to the representative, and the
// onward request is made through the same representation: the representative sees it and its
// letters will go to them.
db_test!(a_forwarded_request_stays_with_the_representative, |app| {
    let kari = app.staff("saksbehandler.gamleoslo").await;
    register_olena(&app, &kari).await;
    let (id, olena) = olena_files(&app).await;
    let lars = app.staff("saksbehandler.lillestrom").await;
    let vikafossen = app.unit_of("saksbehandler.vikafossen").await;
    let (status, body) = app
        .post(
            &format!("/api/v1/requests/{id}/forward"),
            &lars,
            json!({ "unit_id": vikafossen, "note": "Kravet gjelder det Nav har om ham." }),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let html = letter(&app, &lars, &id, "forwarded_html").await;
    let en =
        |key: &str, name: &str| dsar::i18n::tf(dsar::i18n::Language::En, key, &[("name", name)]);
    assert!(
        html.contains(&esc(&en("letters.common.greeting", "Olena Shevchenko"))),
        "{html}"
    );
    // Nothing was collected before the forwarding, so Folkeregisteret has not named Ahmad: the
    // letter still says whom it is about, without the name.
    let about = dsar::i18n::t(dsar::i18n::Language::En, "letters.about.fullmakt_unnamed");
    assert!(html.contains(&esc(about)), "{html}");
    assert_eq!(
        recipient_block(&html),
        ["Olena Shevchenko", OLENA_ADDRESS[0], OLENA_ADDRESS[1]]
    );

    let onward = app.onward_request(&lars, &id).await;
    let vera = app.staff("saksbehandler.vikafossen").await;
    let (status, rep) = app
        .get(&format!("/api/v1/requests/{onward}/representation"), &vera)
        .await;
    assert_eq!(status, 200, "{rep}");
    assert_eq!(rep["basis"], "fullmakt");
    assert_eq!(rep["representative_name"], "Olena Shevchenko");
    assert!(ids(&app, &olena).await.contains(&onward));
});

// A letter from someone who says they act for the person but has not shown it: staff register
// it (it must be answered), nothing of the person's is collected or shown to anyone outside
// the office, and the only answer is the decision refusing the representation, with reasons,
// posted to the writer.
db_test!(
    an_unproven_representation_is_registered_and_refused_by_decision,
    |app| {
        let kari = app.staff("saksbehandler.gamleoslo").await;
        let olena_pid = app.citizen_pid(STRANGER).await;
        let leah_pid = app.citizen_pid(CHILD).await;
        let mut body = for_someone("parental_responsibility", &leah_pid);
        body["request"]["channel"] = json!("letter");
        body["request"]["contact_email"] = json!("skribent@example.no");
        body["representative_pid"] = json!(olena_pid);
        body["representative_name"] = json!("Olena Skribent");
        body["representative_address"] = json!(["Storgata 1", "0155 Oslo"]);
        // Bad address input is refused before anything is written.
        let mut bad = body.clone();
        bad["representative_address"] = json!(["Storgata 1"]);
        let r = app
            .call(
                reqwest::Method::POST,
                "/api/v1/requests/on-behalf",
                Some(&kari),
                Some(bad),
            )
            .await;
        let problem = TestApp::expect_problem(r, 422).await;
        assert_eq!(problem["field"], "representative_address");
        let before = app.count("request").await;
        let (status, created) = app.post("/api/v1/requests/on-behalf", &kari, body).await;
        assert_eq!(status, 201, "{created}");
        assert_eq!(app.count("request").await, before + 1);
        let id = created["id"].as_str().unwrap().to_string();

        let (status, claim) = app
            .get(
                &format!("/api/v1/requests/{id}/claimed-representation"),
                &kari,
            )
            .await;
        assert_eq!(status, 200, "{claim}");
        assert_eq!(claim["status"], "open");
        assert_eq!(claim["basis"], "parental_responsibility");
        assert_eq!(claim["representative_name"], "Olena Skribent");
        assert!(
            claim["reason"]
                .as_str()
                .unwrap()
                .contains("Folkeregisteret"),
            "{claim}"
        );
        // Neither the writer nor the child sees it; no proven representation stands behind it.
        let olena = app.citizen(STRANGER).await;
        let leah = app.citizen(CHILD).await;
        assert!(!ids(&app, &olena).await.contains(&id));
        assert!(!ids(&app, &leah).await.contains(&id));
        let (status, _) = app.get(&format!("/api/v1/requests/{id}"), &leah).await;
        assert_eq!(status, 404);
        let (status, _) = app
            .get(&format!("/api/v1/requests/{id}/representation"), &kari)
            .await;
        assert_eq!(status, 404);
        // Nothing is collected for a writer who has not shown they may see it, and no receipt
        // points them to a Min side they cannot read.
        let uuid = uuid::Uuid::parse_str(&id).unwrap();
        let queued = entity::collection_queue::Entity::find()
            .filter(entity::collection_queue::Column::RequestId.eq(uuid))
            .all(&app.app.db)
            .await
            .unwrap();
        assert!(queued.is_empty(), "{queued:?}");
        assert!(mailed_to(&app, &id, "receipt").await.is_empty());

        let (status, started) = app
            .post(
                &format!("/api/v1/requests/{id}/transitions"),
                &kari,
                json!({ "action": "start" }),
            )
            .await;
        assert_eq!(status, 200, "{started}");
        let (status, collect) = app
            .post(&format!("/api/v1/requests/{id}/collect"), &kari, json!({}))
            .await;
        assert_eq!(status, 409, "{collect}");
        // No other letter goes to the writer while the representation is unproven.
        let (status, extended) = app
            .post(
                &format!("/api/v1/requests/{id}/extend"),
                &kari,
                json!({ "reason": "Mange kilder" }),
            )
            .await;
        assert_eq!(status, 409, "{extended}");
        // Only a refusal, with reasons, and without the catalogue's legal bases.
        for (body, field) in [
            (
                json!({ "outcome": "granted", "legal_bases": [], "text": "" }),
                "outcome",
            ),
            (
                json!({ "outcome": "refused", "legal_bases": ["gdpr-12-5"], "text": "Ikke vist" }),
                "legal_bases",
            ),
            (
                json!({ "outcome": "refused", "legal_bases": [], "text": " " }),
                "text",
            ),
        ] {
            let r = app
                .call(
                    reqwest::Method::POST,
                    &format!("/api/v1/requests/{id}/decision"),
                    Some(&kari),
                    Some(body.clone()),
                )
                .await;
            let problem = TestApp::expect_problem(r, 422).await;
            assert_eq!(problem["field"], field, "{body} → {problem}");
        }
        let reasons = "Folkeregisteret viser ikke at du har foreldreansvar for personen.";
        let (status, draft) = app
            .post(
                &format!("/api/v1/requests/{id}/decision"),
                &kari,
                json!({ "outcome": "refused", "legal_bases": [], "text": reasons }),
            )
            .await;
        assert_eq!(status, 201, "{draft}");
        let approver = match draft["four_eyes"].as_bool() {
            Some(true) => app.staff("personvern.gamleoslo").await,
            _ => kari.clone(),
        };
        let (status, approved) = app
            .post(
                &format!("/api/v1/requests/{id}/decision/approve"),
                &approver,
                json!({}),
            )
            .await;
        assert_eq!(status, 200, "{approved}");

        let html = letter(&app, &kari, &id, "answer_html").await;
        assert!(html.contains("Hei, Olena Skribent!"), "{html}");
        assert!(
            html.contains("Du skrev at du har foreldreansvar for personen kravet gjelder."),
            "{html}"
        );
        assert!(html.contains(reasons), "{html}");
        assert!(html.contains("forvaltningsloven § 12"), "{html}");
        assert!(html.contains("artikkel 12 nr. 4"), "{html}");
        // Nothing about the child: not their name, and no confirmation of who they are.
        assert!(!html.contains("Leah"), "{html}");
        assert!(!html.contains("Du får brevet fordi"), "{html}");
        assert_eq!(
            recipient_block(&html),
            ["Olena Skribent", "Storgata 1", "0155 Oslo"]
        );
        // Posted to the writer, never e-mailed (they cannot read Min side).
        assert_eq!(
            printed(&app, &id).await,
            [(
                "answer".to_string(),
                Some(vec!["Storgata 1".to_string(), "0155 Oslo".to_string()])
            )]
        );
        assert!(mailed_to(&app, &id, "answer_ready").await.is_empty());
        let (_, claim) = app
            .get(
                &format!("/api/v1/requests/{id}/claimed-representation"),
                &kari,
            )
            .await;
        assert_eq!(claim["status"], "refused");
        let (_, view) = app.get(&format!("/api/v1/requests/{id}"), &kari).await;
        assert_eq!(view["outcome"], "refused", "{view}");
        assert!(!ids(&app, &leah).await.contains(&id));
    }
);

// A claimed representation proven later (staff register the power of attorney that came
// afterwards): the request goes on as a represented request, the representative sees it.
db_test!(
    a_claimed_representation_proven_later_goes_on_as_represented,
    |app| {
        let kari = app.staff("saksbehandler.gamleoslo").await;
        let olena_pid = app.citizen_pid(STRANGER).await;
        // Amina lives in Gamle Oslo, where Kari works.
        let amina_pid = app.citizen_pid(PARENT).await;
        let mut body = for_someone("fullmakt", &amina_pid);
        body["request"]["channel"] = json!("letter");
        body["representative_pid"] = json!(olena_pid);
        let (status, created) = app.post("/api/v1/requests/on-behalf", &kari, body).await;
        assert_eq!(status, 201, "{created}");
        let id = created["id"].as_str().unwrap().to_string();
        let check = format!("/api/v1/requests/{id}/claimed-representation/check");
        // Not yet proven: the reason, nothing changed.
        let r = app
            .call(reqwest::Method::POST, &check, Some(&kari), Some(json!({})))
            .await;
        let problem = TestApp::expect_problem(r, 409).await;
        assert!(
            problem["detail"]
                .as_str()
                .unwrap()
                .contains("still not proven"),
            "{problem}"
        );
        // A citizen cannot check it.
        let olena = app.citizen(STRANGER).await;
        let r = app
            .call(reqwest::Method::POST, &check, Some(&olena), Some(json!({})))
            .await;
        TestApp::expect_problem(r, 403).await;

        let (status, rep) = app
        .post(
            "/api/v1/representations",
            &kari,
            json!({ "basis": "fullmakt", "representative_pid": olena_pid,
                    "represented_pid": amina_pid, "evidence": "Skriftlig fullmakt datert 2026-12-01" }),
        )
        .await;
        assert_eq!(status, 201, "{rep}");
        let (status, proven) = app.post(&check, &kari, json!({})).await;
        assert_eq!(status, 200, "{proven}");
        assert_eq!(proven["basis"], "fullmakt");
        assert!(ids(&app, &olena).await.contains(&id));
        let (_, claim) = app
            .get(
                &format!("/api/v1/requests/{id}/claimed-representation"),
                &kari,
            )
            .await;
        assert_eq!(claim["status"], "proven");
        let (status, rep) = app
            .get(&format!("/api/v1/requests/{id}/representation"), &kari)
            .await;
        assert_eq!(status, 200, "{rep}");
        // Collection starts now that someone entitled asked.
        let uuid = uuid::Uuid::parse_str(&id).unwrap();
        let queued = entity::collection_queue::Entity::find()
            .filter(entity::collection_queue::Column::RequestId.eq(uuid))
            .count(&app.app.db)
            .await
            .unwrap();
        let tasks = entity::source_task::Entity::find()
            .filter(entity::source_task::Column::RequestId.eq(uuid))
            .count(&app.app.db)
            .await
            .unwrap();
        assert!(queued + tasks > 0, "collection was not started");
        // Checked once: a second check has nothing to do.
        let r = app
            .call(reqwest::Method::POST, &check, Some(&kari), Some(json!({})))
            .await;
        TestApp::expect_problem(r, 409).await;
    }
);

// In the office: a letter written for a child by someone Folkeregisteret does not record as a
// parent is registered from the form with the writer's details; the case says the
// representation is not proven and how to go on; the document registered on the
// representatives page brings the caseworker back to the case, and checking again links it.
db_test!(
    the_office_registers_a_representatives_letter_and_proves_it_later,
    |app| {
        use crate::{
            browser::csrf_token,
            office::{page, post, staff_browser},
        };
        use reqwest::StatusCode;
        let (browser, _) = staff_browser(&app, "saksbehandler.gamleoslo").await;
        let (_, html) = page(&browser, &app, "/office/registrer").await;
        assert!(html.contains("Skrevet for en annen"), "{html}");
        let csrf = csrf_token(&html);
        let marker = "name=\"form_id\" value=\"";
        let start = html.find(marker).unwrap() + marker.len();
        let form_id = html[start..start + 36].to_string();
        let amina_pid = app.citizen_pid(PARENT).await;
        let olena_pid = app.citizen_pid(STRANGER).await;
        let base = [
            ("form_id", form_id.as_str()),
            ("kind", "innsyn"),
            ("received_on", "2026-11-02"),
            ("channel", "letter"),
            ("service_area", "settlement"),
            ("language", "nb"),
            ("description", "Brev fra fullmektig"),
            ("rep_basis", "fullmakt"),
            ("rep_name", "Olena Skribent"),
        ];
        // The person's number and the writer's are needed; a one-line address is refused.
        let (status, _, html) = post(&browser, &app, "/office/registrer", &csrf, &base).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("register-subject_pid-error"), "{html}");
        assert!(html.contains("register-rep_pid-error"), "{html}");
        let mut fields = base.to_vec();
        fields.extend([
            ("subject_pid", amina_pid.as_str()),
            ("rep_pid", olena_pid.as_str()),
            ("rep_address", "Storgata 1"),
        ]);
        let (status, _, html) = post(&browser, &app, "/office/registrer", &csrf, &fields).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("register-rep_address-error"), "{html}");
        fields.pop();
        fields.push(("rep_address", "Storgata 1\n0155 Oslo"));
        let (status, to, _) = post(&browser, &app, "/office/registrer", &csrf, &fields).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let to = to.unwrap();
        let id = to
            .split("/office/sak/")
            .nth(1)
            .unwrap()
            .split('?')
            .next()
            .unwrap()
            .to_string();
        let (_, html) = page(&browser, &app, &format!("/office/sak/{id}")).await;
        assert!(
            html.contains("Representasjon som ikke er dokumentert"),
            "{html}"
        );
        assert!(html.contains("Olena Skribent"), "{html}");
        assert!(html.contains("Det er ikke registrert noen oppnevning eller fullmakt"));
        // The decision form is there (nothing to collect for an unproven claim), and a grant is
        // refused beside the outcome.
        let csrf = csrf_token(&html);
        let (status, _, html) = post(
            &browser,
            &app,
            &format!("/office/sak/{id}/steg"),
            &csrf,
            &[("action", "start")],
        )
        .await;
        assert!(status.is_redirection(), "{status} {html}");
        let (_, html) = page(&browser, &app, &format!("/office/sak/{id}")).await;
        assert!(html.contains("id=\"decision-form\""), "{html}");
        assert!(html.contains("Ingenting hentes inn før representasjonen er dokumentert."));
        assert!(!html.contains("Identiteten er ikke bekreftet"), "{html}");
        let (status, _, html) = post(
            &browser,
            &app,
            &format!("/office/sak/{id}/vedtak"),
            &csrf,
            &[("outcome", "granted"), ("text", "")],
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("saken kan bare avslås"), "{html}");
        // Checked before the document is registered: said beside the button.
        let csrf = csrf_token(&html);
        let check = format!("/office/sak/{id}/representasjon/sjekk");
        let (status, _, html) = post(&browser, &app, &check, &csrf, &[]).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            html.contains("Representasjonen er fortsatt ikke dokumentert"),
            "{html}"
        );

        // The power of attorney came: registered from the case's link, back to the case.
        let (status, html) = page(
            &browser,
            &app,
            &format!("/office/representanter/ny?sak={id}"),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        assert!(!html.contains("basis-parental_responsibility"), "{html}");
        let csrf = csrf_token(&html);
        let document = [
            ("sak", id.as_str()),
            ("basis", "fullmakt"),
            ("represented_pid", amina_pid.as_str()),
            ("representative_pid", olena_pid.as_str()),
            ("representative_name", "Olena Skribent"),
            ("representative_address", "Storgata 1\n0155 Oslo"),
        ];
        // Without the document's description: refused beside the field, nothing registered.
        let (status, _, html) = post(
            &browser,
            &app,
            "/office/representanter/ny",
            &csrf,
            &document,
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("representative-evidence-error"), "{html}");
        assert_eq!(
            app.count("representation WHERE evidence LIKE 'Skriftlig fullmakt%'")
                .await,
            0
        );
        let mut document = document.to_vec();
        document.push(("evidence", "Skriftlig fullmakt datert 2026-10-30"));
        let (status, to, _) = post(
            &browser,
            &app,
            "/office/representanter/ny",
            &csrf,
            &document,
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let to = to.unwrap();
        assert!(
            to.contains(&format!("/office/sak/{id}?done=representation_registered")),
            "{to}"
        );
        let (_, html) = page(&browser, &app, &format!("/office/sak/{id}")).await;
        let csrf = csrf_token(&html);
        let (status, to, _) = post(&browser, &app, &check, &csrf, &[]).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{to:?}");
        let to = to.unwrap();
        let (_, html) = page(&browser, &app, &to[to.find("/office").unwrap()..]).await;
        assert!(html.contains("Representasjonen er dokumentert"), "{html}");
        assert!(
            html.contains("Skriftlig fullmakt datert 2026-10-30"),
            "{html}"
        );
        let olena = app.citizen(STRANGER).await;
        assert!(ids(&app, &olena).await.contains(&id));
    }
);

/// Logs demo citizen `index` in through the demo provider; returns the browser and the CSRF
/// token of their session.
async fn portal_login(app: &TestApp, index: usize) -> (crate::browser::Browser, String) {
    let browser = crate::browser::Browser::new();
    let pid = app.citizen_pid(index).await;
    let (page, _) = crate::browser::demo_citizen_login(&browser, app, &pid).await;
    let html = page.text().await.unwrap();
    (browser, crate::browser::csrf_token(&html))
}

async fn page(browser: &crate::browser::Browser, app: &TestApp, path: &str) -> String {
    let r = browser.get(&app.url(path)).await;
    assert_eq!(r.status(), 200, "{path}");
    r.text().await.unwrap()
}

// Min side and the case page say whom a request made through a representation is for (to the
// representative: the person by the name Folkeregisteret gave for the request, else by the
// relation and birth date, never a number) and who sent it (to the person it is about).
db_test!(min_side_says_whom_a_request_is_for_and_who_sent_it, |app| {
    let parent = app.citizen(PARENT).await;
    let child_pid = app.citizen_pid(CHILD).await;
    let (status, created) = app
        .post(
            "/api/v1/requests/on-behalf",
            &parent,
            for_someone("parental_responsibility", &child_pid),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    let id = created["id"].as_str().unwrap().to_string();
    let reference = created["reference"].as_str().unwrap().to_string();
    // The parent's own request says nothing of the kind.
    let own = app
        .create(
            &parent,
            json!({"kind": "innsyn", "description": "Alt om meg", "service_area": "settlement"}),
        )
        .await;
    let own_reference = own["reference"].as_str().unwrap().to_string();

    let (browser, _) = portal_login(&app, PARENT).await;
    // Before collection the case knows no name: the relation and the birth date.
    let list = page(&browser, &app, "/min-side?lang=nb").await;
    assert!(
        list.contains("Gjelder: barnet ditt, født 2. mai 2014"),
        "{list}"
    );
    assert_eq!(
        list.matches("Gjelder:").count(),
        1,
        "only the child's request: {list}"
    );
    let row = |html: &str, reference: &str| {
        let at = html.find(reference).unwrap();
        html[at..at + html[at..].find("</tr>").unwrap()].to_string()
    };
    assert!(row(&list, &reference).contains("Gjelder:"));
    assert!(!row(&list, &own_reference).contains("Gjelder:"));

    // Collection brings Folkeregisteret's name of the child.
    let kari = app.staff("saksbehandler.gamleoslo").await;
    start_and_collect(&app, &kari, &id).await;
    for (lang, line, label, who) in [
        (
            "nb",
            "Gjelder: Leah Yusuf, barnet ditt",
            "Gjelder",
            "Leah Yusuf, barnet ditt",
        ),
        (
            "en",
            "For: Leah Yusuf, your child",
            "For",
            "Leah Yusuf, your child",
        ),
    ] {
        let list = page(&browser, &app, &format!("/min-side?lang={lang}")).await;
        assert!(row(&list, &reference).contains(line), "{lang}: {list}");
        let case = page(&browser, &app, &format!("/min-side/sak/{id}?lang={lang}")).await;
        assert!(
            case.contains(&format!("<dt>{label}</dt><dd>{who}</dd>")),
            "{lang}: {case}"
        );
        assert!(!list.contains(&child_pid) && !case.contains(&child_pid));
    }

    // The child, whose request it is, is told that her parent sent it for her, and by whom.
    let (browser, _) = portal_login(&app, CHILD).await;
    for (lang, line, label, who) in [
        (
            "nb",
            "Sendt for deg av Amina Yusuf, forelderen din",
            "Sendt for deg av",
            "Amina Yusuf, forelderen din",
        ),
        (
            "en",
            "Sent for you by Amina Yusuf, your parent",
            "Sent for you by",
            "Amina Yusuf, your parent",
        ),
    ] {
        let list = page(&browser, &app, &format!("/min-side?lang={lang}")).await;
        assert!(row(&list, &reference).contains(line), "{lang}: {list}");
        let case = page(&browser, &app, &format!("/min-side/sak/{id}?lang={lang}")).await;
        assert!(
            case.contains(&format!("<dt>{label}</dt><dd>{who}</dd>")),
            "{lang}: {case}"
        );
    }
});

/// The value of the hidden field `name` in a page.
fn hidden_value(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html.find(&marker).expect("the field") + marker.len();
    let end = start + html[start..].find('"').unwrap();
    html[start..end].to_string()
}

// A refused request for someone else in the portal's wizard: a page in the person's language
// with the reason in its words (not the API's English), what to do instead and a way back to
// the first step; 403, nothing filed, the draft kept.
db_test!(
    the_wizard_says_why_a_request_for_someone_else_was_refused,
    |app| {
        let child_pid = app.citizen_pid(CHILD).await;
        let minor_pid = app.citizen_pid(MINOR).await;
        let (browser, csrf) = portal_login(&app, STRANGER).await;
        let post = |lang: &'static str, fields: Vec<(&'static str, String)>| {
            let mut all: Vec<(String, String)> = vec![("csrf_token".into(), csrf.clone())];
            all.extend(fields.into_iter().map(|(k, v)| (k.to_string(), v)));
            let browser = &browser;
            let url = app.url(&format!("/min-side/ny?lang={lang}"));
            async move { browser.post_form(&url, &all).await }
        };
        let r = post(
            "en",
            vec![
                ("step", "1".into()),
                ("go", "next".into()),
                ("kind", "innsyn".into()),
            ],
        )
        .await;
        assert_eq!(r.status(), 200);
        let draft = hidden_value(&r.text().await.unwrap(), "draft");
        assert!(!draft.is_empty());
        let requests = app.count("request").await;
        let drafts = app.count("portal_draft").await;
        let send = |lang: &'static str, on_behalf: String| {
            post(
                lang,
                vec![
                    ("step", "5".into()),
                    ("go", "send".into()),
                    ("draft", draft.clone()),
                    ("kind", "innsyn".into()),
                    ("service_area", "settlement".into()),
                    ("description", "Alt dere har om henne.".into()),
                    ("on_behalf", on_behalf),
                ],
            )
        };
        let cases = [
            (
                "en",
                format!("parental_responsibility:{child_pid}"),
                "We could not confirm that you may send the request for this person",
                "does not show that you have parental responsibility for the person",
                "Folkeregisteret does not record you",
            ),
            (
                "nb",
                format!("asylum_representative:{minor_pid}"),
                "Vi kunne ikke bekrefte at du kan sende forespørselen for denne personen",
                "Vi har ikke registrert at du er verge, representant eller fullmektig for personen.",
                "no representation on this basis is registered",
            ),
        ];
        for (lang, on_behalf, title, reason, english) in cases {
            let r = send(lang, on_behalf).await;
            assert_eq!(r.status(), 403, "{lang}");
            let html = r.text().await.unwrap();
            assert!(
                html.contains(&format!("<h1>{title}</h1>")),
                "{lang}: {html}"
            );
            assert!(html.contains(&esc(reason)), "{lang}: {html}");
            assert!(!html.contains(english), "no English reason: {html}");
            assert!(html.contains(&format!("lang=\"{lang}\"")));
            // What to do, and the way back to the first step.
            assert!(html.contains("name=\"go\" value=\"back\""), "{html}");
            assert!(html.contains(&format!("/min-side/ny?lang={lang}")));
        }
        assert_eq!(app.count("request").await, requests, "nothing filed");
        assert_eq!(app.count("portal_draft").await, drafts, "the draft is kept");
        // Back: the first step, with the answers kept.
        let r = post(
            "en",
            vec![
                ("step", "2".into()),
                ("go", "back".into()),
                ("draft", draft.clone()),
                ("kind", "innsyn".into()),
                ("service_area", "settlement".into()),
                ("description", "Alt dere har om henne.".into()),
            ],
        )
        .await;
        assert_eq!(r.status(), 200);
        let html = r.text().await.unwrap();
        assert!(html.contains("Step 1 of 5") && html.contains("Alt dere har om henne."));
    }
);
