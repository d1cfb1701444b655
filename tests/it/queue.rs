//! The queue: filters, due-date order and keyset pagination.
use serde_json::{Value, json};

use crate::{db_test, support::*};

async fn all_pages(app: &TestApp, token: &str, query: &str) -> Vec<Value> {
    let mut items = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("/api/v1/requests?{query}&cursor={c}"),
            None => format!("/api/v1/requests?{query}"),
        };
        let (status, page) = app.get(&path, token).await;
        assert_eq!(status, 200, "{page}");
        items.extend(page["items"].as_array().unwrap().iter().cloned());
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_string()),
            None => break,
        }
    }
    items
}

db_test!(queue_pages_in_due_order_with_filters, |app| {
    let kari = app.staff("saksbehandler.gamleoslo").await;
    let pid = app.citizen_pid(0).await;
    for days in [3u64, 20, 9, 14, 1, 27, 9] {
        let received = today() - chrono::Days::new(days);
        app.create(&kari, json!({ "kind": if days % 2 == 0 { "retting" } else { "innsyn" }, "description": "x",
            "service_area": "settlement", "subject_pid": pid, "received_on": received.to_string() })).await;
    }
    let whole = all_pages(&app, &kari, "limit=100").await;
    let paged = all_pages(&app, &kari, "limit=2").await;
    let ids = |v: &[Value]| {
        v.iter()
            .map(|r| r["id"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        ids(&whole),
        ids(&paged),
        "pages join up without gaps or repeats"
    );
    let dues: Vec<&str> = paged
        .iter()
        .map(|r| r["due_on"].as_str().unwrap())
        .collect();
    assert!(
        dues.windows(2).all(|w| w[0] <= w[1]),
        "most urgent first: {dues:?}"
    );
    assert!(
        paged.iter().all(|r| r["unit"]["name"] == "Nav Gamle Oslo"),
        "only the caseworker's unit"
    );
    // Filters.
    let received = all_pages(&app, &kari, "status=received&kind=retting&limit=3").await;
    assert!(!received.is_empty());
    assert!(
        received
            .iter()
            .all(|r| r["status"] == "received" && r["kind"] == "retting")
    );
    let cutoff = dsar::deadlines::due_date(today() - chrono::Days::new(14));
    let due = all_pages(&app, &kari, &format!("due_before={cutoff}")).await;
    assert!(!due.is_empty());
    assert!(
        due.iter()
            .all(|r| r["due_on"].as_str().unwrap() <= cutoff.to_string().as_str())
    );
    let id = paged[0]["id"].as_str().unwrap();
    app.post(
        &format!("/api/v1/requests/{id}/assign"),
        &kari,
        json!({ "assignee": "saksbehandler.gamleoslo" }),
    )
    .await;
    let mine = all_pages(&app, &kari, "assignee=me").await;
    assert_eq!(mine.iter().filter(|r| r["id"] == id).count(), 1);
    assert!(
        mine.iter()
            .all(|r| r["assignee"] == "saksbehandler.gamleoslo")
    );
    let unassigned = all_pages(&app, &kari, "assignee=none").await;
    assert!(unassigned.iter().all(|r| r["assignee"].is_null()));
    let by_name = all_pages(&app, &kari, "assignee=saksbehandler.gamleoslo").await;
    assert_eq!(ids(&by_name), ids(&mine));
    let unit = paged[0]["unit"]["id"].as_str().unwrap();
    let controller = paged[0]["controller"]["id"].as_str().unwrap();
    assert_eq!(
        all_pages(&app, &kari, &format!("unit={unit}&controller={controller}"))
            .await
            .len(),
        whole.len()
    );
    // A unit the caseworker does not work shows nothing, rather than someone else's queue.
    let other = uuid::Uuid::now_v7();
    assert!(
        all_pages(&app, &kari, &format!("unit={other}"))
            .await
            .is_empty()
    );
});

db_test!(demo_data_has_requests_in_every_state, |app| {
    let auditor = app.staff("revisor").await;
    let all = all_pages(&app, &auditor, "limit=100").await;
    assert!(all.len() >= 40, "a few dozen: {}", all.len());
    for status in [
        "received",
        "in_progress",
        "awaiting_requester",
        "awaiting_approval",
        "completed",
        "withdrawn",
        "forwarded",
    ] {
        assert!(all.iter().any(|r| r["status"] == status), "{status}");
    }
    for kind in ["innsyn", "retting", "sletting", "begrensning", "protest"] {
        assert!(all.iter().any(|r| r["kind"] == kind), "{kind}");
    }
});
