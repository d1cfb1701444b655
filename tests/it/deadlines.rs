use reqwest::Method;

use crate::{db_test, support::*};

db_test!(deadline_endpoint_answers_for_anyone, |app| {
    for (received, due, extended) in [
        ("2025-01-31", "2025-02-28", "2025-04-30"),
        ("2025-11-25", "2025-12-29", "2026-02-25"),
        ("2024-04-17", "2024-05-21", "2024-07-17"),
        ("2025-12-01", "2026-01-02", "2026-03-02"),
    ] {
        let r = app
            .call(
                Method::GET,
                &format!("/api/v1/deadlines?received_on={received}"),
                None,
                None,
            )
            .await;
        assert_eq!(r.status(), 200);
        let body: serde_json::Value = r.json().await.unwrap();
        assert_eq!(body["received_on"], received);
        assert_eq!(body["due_on"], due, "{received}");
        assert_eq!(body["extended_due_on"], extended, "{received}");
    }
    for bad in [
        "",
        "?received_on=",
        "?received_on=2025-02-30",
        "?received_on=yesterday",
        "?other=1",
    ] {
        let r = app
            .call(Method::GET, &format!("/api/v1/deadlines{bad}"), None, None)
            .await;
        TestApp::expect_problem(r, 400).await;
    }
});

#[test]
fn deadline_command_prints_the_same_dates() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_dsar"))
        .args(["deadline", "2025-01-31"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let body: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(body["due_on"], "2025-02-28");
    assert_eq!(body["extended_due_on"], "2025-04-30");
}
