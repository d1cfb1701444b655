//! The steps tests repeat, so a test reads as the story it checks: tokens for the demo people,
//! filing a request, verifying the requester, collecting, deciding and approving, attaching a
//! file, running the background jobs, and reading the timeline and the e-mails.
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use super::TestApp;

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

impl TestApp {
    /// A caseworker at Nav Gamle Oslo (where the demo citizens 0 and 1 are routed).
    pub async fn as_caseworker(&self) -> String {
        self.staff("saksbehandler.gamleoslo").await
    }

    /// The privacy officer of Bydel Gamle Oslo: approves decisions (four eyes) and reads reports.
    pub async fn as_privacy_officer(&self) -> String {
        self.staff("personvern.gamleoslo").await
    }

    /// The person files a request of `kind` (`innsyn`, `retting`, ...) in the settlement
    /// service area; returns its id.
    pub async fn file_request(&self, token: &str, kind: &str, description: &str) -> String {
        let body =
            json!({ "kind": kind, "description": description, "service_area": "settlement" });
        self.create(token, body).await["id"]
            .as_str()
            .unwrap()
            .to_string()
    }

    /// The request's timeline as the caller sees it.
    pub async fn timeline(&self, token: &str, id: &str) -> Vec<Value> {
        let (status, events) = self
            .get(&format!("/api/v1/requests/{id}/events"), token)
            .await;
        assert_eq!(status, 200, "{events}");
        events.as_array().unwrap().clone()
    }

    /// The e-mails the file mailer has written to `address` (the `.eml` files in the mail
    /// directory), as text.
    pub fn mail_to(&self, address: &str) -> Vec<String> {
        let Ok(dir) = std::fs::read_dir(self.data_dir.path().join("mail")) else {
            return Vec::new();
        };
        dir.flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "eml"))
            .map(|p| std::fs::read_to_string(p).unwrap())
            .filter(|text| {
                text.lines()
                    .any(|l| l.starts_with("To:") && l.contains(address))
            })
            .collect()
    }

    /// Records that the staff member behind `token` saw the requester's passport in person: a
    /// decision on a request registered by staff waits for a verified identity.
    pub async fn verify_identity(&self, token: &str, id: &str) {
        let body = serde_json::json!({
            "method": "id_document_in_person",
            "document_type": "passport",
            "document_number": "AB1234567",
        });
        let (status, json) = self
            .post(
                &format!("/api/v1/requests/{id}/identity-verification"),
                token,
                body,
            )
            .await;
        assert_eq!(status, 200, "{json}");
    }

    /// Asks every source what it holds about the person and waits until they have answered: a
    /// decision is made only after collection (or the caseworker's waiver). `token` is the
    /// caseworker's; the request must be in progress.
    pub async fn collect_to_idle(&self, token: &str, id: &str) -> Vec<Value> {
        let (status, v) = self
            .post(
                &format!("/api/v1/requests/{id}/collect"),
                token,
                serde_json::json!({"operation": "access"}),
            )
            .await;
        assert_eq!(status, 202, "{v}");
        // The tests run without the background worker (they count rows); one runs here until
        // the sources have answered, then stops.
        let worker = dsar::jobs::collection::spawn(&self.app);
        let mut tasks = self.settled(token, id, Duration::from_secs(20)).await;
        worker.abort();
        let _ = worker.await;
        // A source without an API (the paper archive): the caseworker looked and found nothing.
        for t in tasks.iter_mut().filter(|t| t["status"] == "manual") {
            let source = t["source"].as_str().unwrap().to_string();
            let (status, v) = self
                .post(
                    &format!("/api/v1/requests/{id}/sources/{source}/manual"),
                    token,
                    serde_json::json!({"records": []}),
                )
                .await;
            assert_eq!(status, 200, "{v}");
            *t = v;
        }
        assert!(
            tasks.iter().all(|t| t["status"] == "done"),
            "every source answered: {tasks:?}"
        );
        tasks
    }

    /// Polls the request's sources until none is pending or running.
    pub async fn settled(&self, token: &str, id: &str, within: Duration) -> Vec<Value> {
        let start = Instant::now();
        loop {
            let (status, tasks) = self
                .get(&format!("/api/v1/requests/{id}/sources"), token)
                .await;
            assert_eq!(status, 200, "{tasks}");
            let tasks = tasks.as_array().unwrap().clone();
            let busy = tasks
                .iter()
                .any(|t| t["status"] == "pending" || t["status"] == "running");
            if !busy && !tasks.is_empty() {
                return tasks;
            }
            assert!(
                start.elapsed() < within,
                "collection did not settle: {tasks:?}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// The caseworker behind `decider` decides request `id` with `decision` (outcome, legal
    /// bases, text) and the one behind `approver` approves it: the same token where the
    /// controller decides without a second pair of eyes. Returns the approval's answer.
    pub async fn decide_and_approve(
        &self,
        decider: &str,
        approver: &str,
        id: &str,
        decision: Value,
    ) -> Value {
        let (status, v) = self
            .post(
                &format!("/api/v1/requests/{id}/decision"),
                decider,
                decision,
            )
            .await;
        assert_eq!(status, 201, "{v}");
        let (status, approved) = self
            .post(
                &format!("/api/v1/requests/{id}/decision/approve"),
                approver,
                json!({}),
            )
            .await;
        assert_eq!(status, 200, "{approved}");
        approved
    }

    /// Runs the collection and outbox workers until nothing is waiting for them (requests queued
    /// for collection, source tasks, recipient notices, e-mails), then stops them. The tests run
    /// without background workers (they count rows); one that runs them anyway is waited for too.
    pub async fn run_jobs_to_idle(&self) {
        let workers = [
            dsar::jobs::collection::spawn(&self.app),
            dsar::jobs::outbox::spawn(&self.app),
        ];
        let start = Instant::now();
        loop {
            let waiting = self.count("collection_queue").await
                + self
                    .count("source_task WHERE status IN ('pending', 'running')")
                    .await
                + self
                    .count("recipient_notice WHERE status = 'pending'")
                    .await
                + self
                    .count("outbox WHERE status IN ('pending', 'sending')")
                    .await;
            if waiting == 0 {
                break;
            }
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "{waiting} jobs still waiting"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        for worker in workers {
            worker.abort();
            let _ = worker.await;
        }
    }

    /// Attaches `bytes` as `file_name` to request `request_id`, sent as a PDF by the person
    /// behind `token` (the server reads the type from the content). A refusal is problem+json.
    pub async fn upload(
        &self,
        token: &str,
        request_id: &str,
        file_name: &str,
        bytes: &[u8],
    ) -> (u16, Value) {
        let (content_type, body) = multipart(&[], Some((file_name, "application/pdf", bytes)));
        let r = self
            .client
            .post(self.url(&format!("/api/v1/requests/{request_id}/attachments")))
            .bearer_auth(token)
            .header("content-type", content_type)
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
}
