//! A file kept with the case and seen only by those who read it, and deleted with the case data
//! by retention.
use super::*;

db_test!(
    the_person_attaches_files_that_only_those_who_read_the_case_see,
    setup = |s| {
        s.attachments.max_file_bytes = 4096;
        s.attachments.max_files_per_case = 2;
    },
    |app| {
        let (citizen, id) = citizen_request(&app, 0).await;
        let caseworker = app.staff("saksbehandler.gamleoslo").await;
        let files_before = stored_files(&app);

        // A PDF is kept; the name loses its path and follows the type.
        let (s, v) = app.upload(&citizen, &id, "../../Mitt pass.PDF", PDF).await;
        assert_eq!(s, 201, "{v}");
        assert_eq!(v["name"], "Mitt pass.pdf");
        assert_eq!(v["media_type"], "application/pdf");
        assert_eq!(v["scan_status"], "not_scanned");
        assert_eq!(v["size"], PDF.len());
        assert_eq!(v["by_representative"], false);
        let file_id = v["id"].as_str().unwrap().to_string();
        assert_eq!(stored_files(&app), files_before + 1);
        assert_eq!(audit_count(&app, "request.attachment_added").await, 1);

        // The type is read from the content: a program named .pdf and sent as a PDF is refused.
        let (s, v) = app.upload(&citizen, &id, "pass.pdf", EXE).await;
        assert_eq!(s, 415, "{v}");
        assert_eq!(v["field"], "file");
        // Too large, and empty.
        let (s, _) = app
            .upload(&citizen, &id, "big.pdf", &[PDF, &vec![b' '; 5000]].concat())
            .await;
        assert_eq!(s, 413);
        let (s, _) = app.upload(&citizen, &id, "empty.pdf", b"").await;
        assert_eq!(s, 422);
        // Not multipart at all.
        let (s, _) = app
            .post(
                &format!("/api/v1/requests/{id}/attachments"),
                &citizen,
                json!({"file": "x"}),
            )
            .await;
        assert_eq!(s, 415);
        // A PNG is the second file; a third is over the request's limit.
        let png =
            b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89";
        let (s, v) = app.upload(&citizen, &id, "bilde", png).await;
        assert_eq!(s, 201, "{v}");
        assert_eq!(v["name"], "bilde.png");
        let (s, v) = app.upload(&citizen, &id, "tredje.pdf", PDF).await;
        assert_eq!(s, 422, "{v}");
        assert_eq!(
            v["type"].as_str().unwrap().rsplit('/').next(),
            Some("attachment-limit")
        );
        assert_eq!(app.count("attachment").await, 2);
        assert_eq!(
            stored_files(&app),
            files_before + 2,
            "nothing refused is kept"
        );

        // The person and the case's caseworker list them; the caseworker downloads (audited).
        let (s, list) = app
            .get(&format!("/api/v1/requests/{id}/attachments"), &citizen)
            .await;
        assert_eq!(s, 200);
        assert_eq!(list.as_array().unwrap().len(), 2);
        let (s, list) = app
            .get(&format!("/api/v1/requests/{id}/attachments"), &caseworker)
            .await;
        assert_eq!(s, 200);
        assert_eq!(list[0]["name"], "Mitt pass.pdf");
        let r = app
            .client
            .get(app.url(&format!("/api/v1/requests/{id}/attachments/{file_id}")))
            .bearer_auth(&caseworker)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        assert_eq!(r.headers()["content-type"], "application/pdf");
        assert!(
            r.headers()["content-disposition"]
                .to_str()
                .unwrap()
                .contains("Mitt pass.pdf")
        );
        assert_eq!(r.bytes().await.unwrap().as_ref(), PDF);
        assert_eq!(audit_count(&app, "request.attachment_read").await, 1);

        // Another citizen, a caseworker of another unit: as if there were nothing.
        let other = app.citizen(1).await;
        let (s, _) = app.upload(&other, &id, "x.pdf", PDF).await;
        assert_eq!(s, 404);
        let (s, _) = app
            .get(&format!("/api/v1/requests/{id}/attachments"), &other)
            .await;
        assert_eq!(s, 404);
        let elsewhere = app.staff("saksbehandler.elverum").await;
        let (s, _) = app
            .get(&format!("/api/v1/requests/{id}/attachments"), &elsewhere)
            .await;
        assert_eq!(s, 404);
        let (s, _) = app
            .get(
                &format!("/api/v1/requests/{id}/attachments/{file_id}"),
                &elsewhere,
            )
            .await;
        assert_eq!(s, 404);
        assert_eq!(audit_count(&app, "request.attachment_read").await, 1);
        // Staff do not upload in the person's name.
        let (s, _) = app.upload(&caseworker, &id, "x.pdf", PDF).await;
        assert_eq!(s, 403);

        // The timeline says the person sent a document, to both.
        let (_, events) = app
            .get(&format!("/api/v1/requests/{id}/events"), &citizen)
            .await;
        let added: Vec<&Value> = events
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["action"] == "attachment_added")
            .collect();
        assert_eq!(added.len(), 2);
        assert_eq!(added[0]["actor_kind"], "citizen");

        // A closed request takes no more files.
        let (s, v) = app
            .post(
                &format!("/api/v1/requests/{id}/transitions"),
                &citizen,
                json!({"action": "withdraw"}),
            )
            .await;
        assert_eq!(s, 200, "{v}");
        let (s, _) = app.upload(&citizen, &id, "sent.pdf", PDF).await;
        assert_eq!(s, 409);
    }
);

db_test!(retention_deletes_the_files_with_the_case_data, |app| {
    let (citizen, id) = citizen_request(&app, 0).await;
    let (s, v) = app.upload(&citizen, &id, "pass.pdf", PDF).await;
    assert_eq!(s, 201, "{v}");
    let file_id: uuid::Uuid = v["id"].as_str().unwrap().parse().unwrap();
    let (s, _) = app
        .post(
            &format!("/api/v1/requests/{id}/transitions"),
            &citizen,
            json!({"action": "withdraw"}),
        )
        .await;
    assert_eq!(s, 200);
    let now = chrono::Utc::now();
    // Closed today: kept.
    dsar::retention::run(&app.app, now, false).await.unwrap();
    assert_eq!(app.count("attachment").await, 1);
    // Closed longer ago than the controller keeps case data: gone, bytes and row.
    let long_ago = now - chrono::Duration::days(400);
    {
        use sea_orm::{ActiveModelTrait, EntityTrait, IntoActiveModel, Set};
        let row = entity::request::Entity::find_by_id(id.parse::<uuid::Uuid>().unwrap())
            .one(&app.app.db)
            .await
            .unwrap()
            .unwrap();
        let mut row = row.into_active_model();
        row.closed_at = Set(Some(long_ago));
        row.update(&app.app.db).await.unwrap();
    }
    assert_eq!(
        dsar::attachments::retention::expire(&app.app, now, true)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        app.count("attachment").await,
        1,
        "a dry run deletes nothing"
    );
    dsar::retention::run(&app.app, now, false).await.unwrap();
    assert_eq!(app.count("attachment").await, 0);
    assert!(
        app.app
            .documents
            .get(dsar::documents::DocumentId(file_id))
            .await
            .is_err()
    );
    assert_eq!(audit_count(&app, "retention.attachments_deleted").await, 1);
    // A rerun finds nothing more.
    dsar::retention::run(&app.app, now, false).await.unwrap();
    assert_eq!(audit_count(&app, "retention.attachments_deleted").await, 1);
});
