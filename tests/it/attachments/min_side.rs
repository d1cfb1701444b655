//! On Min side a file goes with the clarification answer and a refusal keeps what was typed;
//! the office case page lists it.
use super::*;

db_test!(
    on_min_side_a_file_goes_with_the_answer_and_a_refusal_keeps_the_text,
    |app| {
        let (_, id) = citizen_request(&app, 0).await;
        let staff = app.staff("saksbehandler.gamleoslo").await;
        let path = format!("/api/v1/requests/{id}/transitions");
        let (s, _) = app.post(&path, &staff, json!({"action": "start"})).await;
        assert_eq!(s, 200);
        let (s, _) = app
            .post(
                &path,
                &staff,
                json!({"action": "ask_requester", "note": "Send en kopi av passet."}),
            )
            .await;
        assert_eq!(s, 200);
        let browser = Browser::new();
        let pid = app.citizen_pid(0).await;
        demo_citizen_login(&browser, &app, &pid).await;
        let case = browser
            .get(&app.url(&format!("/min-side/sak/{id}?lang=en")))
            .await
            .text()
            .await
            .unwrap();
        assert!(case.contains("enctype=\"multipart/form-data\""), "{case}");
        assert!(case.contains("type=\"file\""));
        let csrf = csrf_token(&case);
        let answer_url = app.url(&format!("/min-side/sak/{id}/svar?lang=en"));
        let post = |fields: Vec<(&'static str, String)>,
                    file: Option<(&'static str, &'static [u8])>| {
            let fields: Vec<(&str, String)> = fields;
            let refs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let (ct, body) = multipart(&refs, file.map(|(n, b)| (n, "application/pdf", b)));
            browser
                .client
                .post(&answer_url)
                .header("content-type", ct)
                .body(body)
                .send()
        };
        // A forged token is refused.
        let r = post(
            vec![("csrf_token", "forged".into()), ("answer", "x".into())],
            Some(("pass.pdf", PDF)),
        )
        .await
        .unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        // A program named .pdf: refused beside the file field, the answer kept, nothing sent.
        let typed = "Her er passet mitt.";
        let r = post(
            vec![("csrf_token", csrf.clone()), ("answer", typed.into())],
            Some(("pass.pdf", EXE)),
        )
        .await
        .unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = r.text().await.unwrap();
        assert!(
            html.contains("We can only accept PDF, JPG or PNG files."),
            "{html}"
        );
        assert!(html.contains(typed), "what was typed is kept");
        assert!(html.contains("href=\"#file\""));
        assert_eq!(app.count("attachment").await, 0);
        let (_, view) = app.get(&format!("/api/v1/requests/{id}"), &staff).await;
        assert_eq!(view["status"], "awaiting_requester");
        // With a PDF: kept, and the answer sent.
        let r = post(
            vec![("csrf_token", csrf.clone()), ("answer", typed.into())],
            Some(("C:\\skann\\pass.pdf", PDF)),
        )
        .await
        .unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        assert_eq!(app.count("attachment").await, 1);
        let (_, view) = app.get(&format!("/api/v1/requests/{id}"), &staff).await;
        assert_eq!(view["status"], "in_progress");
        // Min side lists it, and offers to add another while the request is open.
        let case = browser
            .get(&app.url(&format!("/min-side/sak/{id}?lang=en")))
            .await
            .text()
            .await
            .unwrap();
        assert!(
            case.contains("Documents you have sent") && case.contains("pass.pdf"),
            "{case}"
        );
        assert!(case.contains("You sent a document"));
        let add_url = app.url(&format!("/min-side/sak/{id}/vedlegg?lang=en"));
        let (ct, body) = multipart(&[("csrf_token", &csrf)], None);
        let r = browser
            .client
            .post(&add_url)
            .header("content-type", ct)
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().await.unwrap().contains("Choose a file to send."));
        let (ct, body) = multipart(
            &[("csrf_token", &csrf)],
            Some(("brev.pdf", "application/pdf", PDF)),
        );
        let r = browser
            .client
            .post(&add_url)
            .header("content-type", ct)
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        assert!(location(&r).contains("vedlegg=sendt"));
        assert_eq!(app.count("attachment").await, 2);
        // Another person cannot add to it.
        let other = Browser::new();
        let other_pid = app.citizen_pid(1).await;
        let (home, _) = demo_citizen_login(&other, &app, &other_pid).await;
        let other_csrf = csrf_token(&home.text().await.unwrap());
        let (ct, body) = multipart(
            &[("csrf_token", &other_csrf)],
            Some(("x.pdf", "application/pdf", PDF)),
        );
        let r = other
            .client
            .post(&add_url)
            .header("content-type", ct)
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::NOT_FOUND);

        // The office case page lists them with type, size and scan status; the download works.
        let office = Browser::new();
        demo_staff_login(&office, &app, "saksbehandler.gamleoslo").await;
        let page = office
            .get(&app.url(&format!("/office/sak/{id}?lang=en")))
            .await
            .text()
            .await
            .unwrap();
        assert!(page.contains("Documents from the data subject"), "{page}");
        assert!(page.contains("pass.pdf") && page.contains("brev.pdf"));
        assert!(page.contains("Not scanned (no scanner configured)"));
        let (_, list) = app
            .get(&format!("/api/v1/requests/{id}/attachments"), &staff)
            .await;
        let file_id = list[0]["id"].as_str().unwrap();
        assert!(page.contains(&format!("/office/sak/{id}/vedlegg/{file_id}")));
        let r = office
            .get(&app.url(&format!("/office/sak/{id}/vedlegg/{file_id}")))
            .await;
        assert_eq!(r.status(), 200);
        assert_eq!(r.bytes().await.unwrap().as_ref(), PDF);
        assert_eq!(audit_count(&app, "request.attachment_read").await, 1);
        // A caseworker of another unit gets no file.
        let elsewhere = Browser::new();
        demo_staff_login(&elsewhere, &app, "saksbehandler.elverum").await;
        let r = elsewhere
            .get(&app.url(&format!("/office/sak/{id}/vedlegg/{file_id}")))
            .await;
        assert_eq!(r.status(), 404);
    }
);
