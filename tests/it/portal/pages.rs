//! The portal's pages as such: the chosen language remembered, pages for people and problems
//! for programs, a static folder replacing the stylesheet, and the link to bokmål after a form
//! post.
use super::*;

db_test!(the_chosen_language_is_remembered, |app| {
    let browser = Browser::new();
    let r = browser.get(&app.url("/?lang=nn")).await;
    assert!(
        r.headers()
            .get_all("set-cookie")
            .iter()
            .any(|c| c.to_str().unwrap().starts_with("dsar_lang=nn"))
    );
    assert!(r.text().await.unwrap().contains("lang=\"nn\""));
    // Without ?lang= the cookie decides, over the browser's preference.
    let html = browser.get(&app.url("/")).await.text().await.unwrap();
    assert!(html.contains("lang=\"nn\""), "{html}");
});

db_test!(pages_for_people_and_problems_for_programs, |app| {
    // A browser asking for an address nobody serves gets a page in its language...
    let r = app
        .client
        .get(app.url("/no-such-page?lang=en"))
        .header("accept", "text/html,application/xhtml+xml")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let html = r.text().await.unwrap();
    assert!(html.contains("Page not found") && html.contains("Error code:"));
    // ...the API and other clients get problem+json.
    for (path, accept) in [
        ("/no-such-page", "application/json"),
        ("/api/v1/no-such-thing", "text/html"),
    ] {
        let r = app
            .client
            .get(app.url(path))
            .header("accept", accept)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{path}");
        assert_eq!(r.headers()["content-type"], "application/problem+json");
    }
    // The footer's statements exist in every language, and pages may not be framed.
    for lang in ["nb", "nn", "en", "uk"] {
        for path in ["/personvern", "/tilgjengelighet"] {
            let r = app
                .client
                .get(app.url(&format!("{path}?lang={lang}")))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), StatusCode::OK);
            assert_eq!(r.headers()["x-frame-options"], "DENY");
            let html = r.text().await.unwrap();
            assert!(html.contains(&format!("lang=\"{lang}\"")));
            assert!(
                html.contains("WCAG 2.1") || html.contains("Datatilsynet"),
                "{path} {lang}"
            );
            assert!(
                html.contains("aria-current=\"true\""),
                "the language switcher marks {lang}"
            );
        }
    }
});

/// The stylesheet is built into the binary (the durability test starts the server from another
/// directory and reads it); a configured `static_dir` replaces the built-in files.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_static_folder_replaces_the_built_in_stylesheet() {
    let folder = tempfile::tempdir().unwrap();
    std::fs::write(folder.path().join("dsar.css"), "/* trying a change */").unwrap();
    let path = folder.path().to_path_buf();
    let app = crate::support::TestApp::spawn_with(crate::support::Backend::Sqlite, move |s| {
        s.static_dir = Some(path)
    })
    .await;
    let css = app
        .client
        .get(app.url("/static/dsar.css"))
        .send()
        .await
        .unwrap();
    assert_eq!(css.status(), 200);
    assert_eq!(css.text().await.unwrap(), "/* trying a change */");
    let missing = app
        .client
        .get(app.url("/static/office.css"))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);

    let built_in = crate::support::TestApp::spawn(crate::support::Backend::Sqlite).await;
    let css = built_in
        .client
        .get(built_in.url("/static/office.css"))
        .send()
        .await
        .unwrap();
    assert_eq!(css.status(), 200);
    assert_eq!(css.headers()["content-type"], "text/css; charset=utf-8");
    let missing = built_in
        .client
        .get(built_in.url("/static/nothing.css"))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
}

/// The `href` of the link in the notice that the Norwegian text is binding.
fn bokmal_link(html: &str) -> String {
    let notice = &html[html.find("notice--translation").expect("the notice")..];
    let start = notice.find("href=\"").unwrap() + 6;
    notice[start..start + notice[start..].find('"').unwrap()].replace("&amp;", "&")
}

// On a page in an unreviewed language that answers a form post (a wizard step, the receipt), the
// link to bokmål (and the language switcher) opens the same page by GET: the wizard's draft at
// the step shown, the receipt's case page; not a fresh wizard.
db_test!(the_link_to_bokmal_keeps_the_page_after_a_form_post, |app| {
    let (browser, home) = citizen_browser(&app, 2).await;
    let csrf = csrf_token(&home);
    let post = |fields: Vec<(&str, &str)>| {
        let mut all: Vec<(String, String)> = vec![("csrf_token".into(), csrf.clone())];
        all.extend(
            fields
                .into_iter()
                .map(|(k, v)| (k.to_string(), v.to_string())),
        );
        let browser = &browser;
        let url = app.url("/min-side/ny?lang=ar");
        async move { browser.post_form(&url, &all).await }
    };
    // Nothing answered yet: no draft, the first step.
    let r = post(vec![("step", "1"), ("go", "next")]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        bokmal_link(&r.text().await.unwrap()),
        "/min-side/ny?lang=nb"
    );
    // A step further: the draft, which opens at that step in bokmål with the answers.
    let r = post(vec![("step", "1"), ("go", "next"), ("kind", "retting")]).await;
    assert_eq!(r.status(), StatusCode::OK);
    let html = r.text().await.unwrap();
    let draft = field_value(&html, "draft");
    let link = bokmal_link(&html);
    assert_eq!(link, format!("/min-side/ny?utkast={draft}&lang=nb"));
    assert!(
        html.contains(&format!("href=\"/min-side/ny?utkast={draft}&amp;lang=en\"")),
        "the language switcher too"
    );
    let nb = browser.get(&app.url(&link)).await;
    assert_eq!(nb.status(), StatusCode::OK);
    let nb = nb.text().await.unwrap();
    assert!(
        nb.contains("<html lang=\"nb\"") && nb.contains("Steg 2 av 5"),
        "{nb}"
    );
    assert_eq!(field_value(&nb, "kind"), "retting");
    assert!(!nb.contains("notice--translation"));
    // The receipt: the request's page.
    let r = post(vec![
        ("step", "5"),
        ("go", "send"),
        ("draft", &draft),
        ("kind", "retting"),
        ("service_area", "settlement"),
        ("wrong", "Adressen min"),
        ("right", "Storgata 1, 2406 Elverum"),
        ("language", "ar"),
    ])
    .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let html = r.text().await.unwrap();
    let at = html.find("href=\"/min-side/sak/").unwrap() + "href=\"/min-side/sak/".len();
    let id = &html[at..at + 36];
    let link = bokmal_link(&html);
    assert_eq!(link, format!("/min-side/sak/{id}?lang=nb"));
    let nb = browser.get(&app.url(&link)).await;
    assert_eq!(nb.status(), StatusCode::OK);
    let nb = nb.text().await.unwrap();
    assert!(
        nb.contains("<html lang=\"nb\"") && nb.contains("Adressen min"),
        "{nb}"
    );
    // A page reached by GET links to itself.
    let case = browser
        .get(&app.url(&format!("/min-side/sak/{id}?lang=ar")))
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(bokmal_link(&case), format!("/min-side/sak/{id}?lang=nb"));
    let start = browser
        .get(&app.url("/?lang=ar"))
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(bokmal_link(&start), "?lang=nb");
});
