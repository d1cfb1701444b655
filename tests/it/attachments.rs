//! Files the person attaches to their request, through the real router: kept with the case
//! (type from the content, size and count limits, sanitised name), seen by whoever may read
//! the case and nobody else, scanned by a real clamd when one is configured (clean kept,
//! EICAR refused and audited, scanner down refused), on Min side with the clarification answer
//! (nothing typed lost on a refusal), on the office case page, and deleted by retention.
use std::{
    io::{BufRead, BufReader},
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::{
    browser::*,
    db_test,
    support::{Backend, TestApp, free_addr, postgres_enabled},
};

/// A small valid PDF.
pub const PDF: &[u8] = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n";
/// The start of a Windows program.
const EXE: &[u8] = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00This program cannot be run in DOS mode.";
/// The EICAR anti-virus test string (harmless; every scanner reports it).
const EICAR: &str = "X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*";

/// A multipart/form-data body: text fields, then one file part named `file`.
pub fn multipart(fields: &[(&str, &str)], file: Option<(&str, &str, &[u8])>) -> (String, Vec<u8>) {
    let boundary = "dsarBoundary7MA4YWxkTrZu0gW";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    if let Some((name, content_type, bytes)) = file {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: {content_type}\r\n\r\n")
                .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

async fn upload(app: &TestApp, token: &str, id: &str, name: &str, bytes: &[u8]) -> (u16, Value) {
    let (ct, body) = multipart(&[], Some((name, "application/pdf", bytes)));
    let r = app
        .client
        .post(app.url(&format!("/api/v1/requests/{id}/attachments")))
        .bearer_auth(token)
        .header("content-type", ct)
        .body(body)
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    if status >= 400 {
        assert_eq!(
            r.headers()["content-type"].to_str().unwrap(),
            "application/problem+json"
        );
    }
    (status, r.json().await.unwrap_or(Value::Null))
}

/// A request by citizen `index` (routed to Gamle Oslo), returning its id.
async fn citizen_request(app: &TestApp, index: usize) -> (String, String) {
    let citizen = app.citizen(index).await;
    let created = app
        .create(
            &citizen,
            json!({"kind": "innsyn", "description": "Alt om meg", "service_area": "settlement"}),
        )
        .await;
    (citizen, created["id"].as_str().unwrap().to_string())
}

async fn audit_count(app: &TestApp, action: &str) -> i64 {
    app.count(&format!("audit_event WHERE action = '{action}'"))
        .await
}

fn stored_files(app: &TestApp) -> usize {
    let root = app.data_dir.path().join("documents");
    let Ok(fans) = std::fs::read_dir(root) else {
        return 0;
    };
    fans.flatten()
        .filter_map(|d| std::fs::read_dir(d.path()).ok())
        .flat_map(|f| f.flatten())
        .filter(|f| !f.file_name().to_string_lossy().starts_with('.'))
        .count()
}

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
        let (s, v) = upload(&app, &citizen, &id, "../../Mitt pass.PDF", PDF).await;
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
        let (s, v) = upload(&app, &citizen, &id, "pass.pdf", EXE).await;
        assert_eq!(s, 415, "{v}");
        assert_eq!(v["field"], "file");
        // Too large, and empty.
        let (s, _) = upload(
            &app,
            &citizen,
            &id,
            "big.pdf",
            &[PDF, &vec![b' '; 5000]].concat(),
        )
        .await;
        assert_eq!(s, 413);
        let (s, _) = upload(&app, &citizen, &id, "empty.pdf", b"").await;
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
        let (s, v) = upload(&app, &citizen, &id, "bilde", png).await;
        assert_eq!(s, 201, "{v}");
        assert_eq!(v["name"], "bilde.png");
        let (s, v) = upload(&app, &citizen, &id, "tredje.pdf", PDF).await;
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
        let (s, _) = upload(&app, &other, &id, "x.pdf", PDF).await;
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
        let (s, _) = upload(&app, &caseworker, &id, "x.pdf", PDF).await;
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
        let (s, _) = upload(&app, &citizen, &id, "sent.pdf", PDF).await;
        assert_eq!(s, 409);
    }
);

db_test!(retention_deletes_the_files_with_the_case_data, |app| {
    let (citizen, id) = citizen_request(&app, 0).await;
    let (s, v) = upload(&app, &citizen, &id, "pass.pdf", PDF).await;
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

/// A real clamd on a free port with a signature database of one EICAR signature (no virus
/// database is downloaded); stopped when dropped.
pub struct Clamd {
    child: Child,
    pub addr: String,
    _dir: tempfile::TempDir,
}

impl Clamd {
    /// Starts clamd; `None` when it is not installed, unless `DSAR_REQUIRE_CLAMD` is set (CI),
    /// where a missing clamd fails the test.
    pub fn start() -> Option<Clamd> {
        let bin = ["/usr/sbin/clamd", "/usr/bin/clamd"]
            .into_iter()
            .find(|p| std::path::Path::new(p).exists());
        let Some(bin) = bin else {
            assert!(
                std::env::var_os("DSAR_REQUIRE_CLAMD").is_none(),
                "clamd is required (DSAR_REQUIRE_CLAMD) but not installed: apt-get install clamav-daemon"
            );
            eprintln!("clamd not installed: the malware-scanning test is skipped");
            return None;
        };
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("db");
        std::fs::create_dir(&db).unwrap();
        // An extended signature (.ndb: name, any target type, any offset, the bytes in hex).
        let hex: String = EICAR.bytes().map(|b| format!("{b:02x}")).collect();
        std::fs::write(
            db.join("eicar.ndb"),
            format!("Eicar-Test-Signature:0:*:{hex}\n"),
        )
        .unwrap();
        let addr = free_addr();
        let conf = dir.path().join("clamd.conf");
        std::fs::write(
            &conf,
            format!(
                "Foreground yes\nTCPSocket {}\nTCPAddr 127.0.0.1\nDatabaseDirectory {}\nLogFile {}\nStreamMaxLength 30M\n",
                addr.port(),
                db.display(),
                dir.path().join("clamd.log").display()
            ),
        )
        .unwrap();
        let mut child = Command::new(bin)
            .arg("-c")
            .arg(&conf)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // Ready when it answers PING.
        let started = Instant::now();
        loop {
            if let Ok(mut s) = std::net::TcpStream::connect(addr) {
                use std::io::Write;
                let _ = s.write_all(b"zPING\0");
                let mut line = Vec::new();
                let _ = BufReader::new(s).read_until(0, &mut line);
                if line.starts_with(b"PONG") {
                    break;
                }
            }
            if let Ok(Some(status)) = child.try_wait() {
                let mut err = String::new();
                let _ = std::io::Read::read_to_string(child.stderr.as_mut().unwrap(), &mut err);
                panic!("clamd exited ({status}): {err}");
            }
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "clamd did not start"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        Some(Clamd {
            child,
            addr: addr.to_string(),
            _dir: dir,
        })
    }

    pub fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Clamd {
    fn drop(&mut self) {
        self.stop();
    }
}

async fn scanning(backend: Backend) {
    let Some(mut clamd) = Clamd::start() else {
        return;
    };
    let addr = clamd.addr.clone();
    let app = TestApp::spawn_with(backend, move |s| s.attachments.clamd_addr = Some(addr)).await;
    let (citizen, id) = citizen_request(&app, 0).await;
    // Clean: kept as scanned.
    let (s, v) = upload(&app, &citizen, &id, "pass.pdf", PDF).await;
    assert_eq!(s, 201, "{v}");
    assert_eq!(v["scan_status"], "clean");
    // EICAR inside a PDF: refused, audited with the signature, nothing kept.
    let infected = [b"%PDF-1.4\n".as_slice(), EICAR.as_bytes()].concat();
    let files = stored_files(&app);
    let (s, v) = upload(&app, &citizen, &id, "pass2.pdf", &infected).await;
    assert_eq!(s, 422, "{v}");
    assert_eq!(
        v["type"].as_str().unwrap().rsplit('/').next(),
        Some("malware-found")
    );
    assert_eq!(app.count("attachment").await, 1);
    assert_eq!(stored_files(&app), files);
    assert_eq!(audit_count(&app, "request.attachment_refused").await, 1);
    // The scanner down: refused with "try again later", never kept unscanned.
    clamd.stop();
    let (s, v) = upload(&app, &citizen, &id, "pass3.pdf", PDF).await;
    assert_eq!(s, 503, "{v}");
    assert_eq!(app.count("attachment").await, 1);
    assert_eq!(stored_files(&app), files);
    if backend == Backend::Postgres {
        app.cleanup().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clamd_scans_before_a_file_is_kept_sqlite() {
    scanning(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clamd_scans_before_a_file_is_kept_postgres() {
    if postgres_enabled("attachments::clamd_scans_before_a_file_is_kept_postgres") {
        scanning(Backend::Postgres).await;
    }
}
