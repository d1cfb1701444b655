//! Whom a represented request's letters greet and where they go: the parent about the child,
//! the person after turning 18, a registered representative at the registered address, and
//! the representative after a forward.
use super::*;

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
