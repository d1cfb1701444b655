use reqwest::Method;

use crate::{db_test, support::*};

db_test!(deadline_endpoint_answers_for_anyone, |app| {
    for (received, due, extended) in [
        ("2025-01-31", "2025-02-28", "2025-04-28"), // first deadline + 2 months is earlier
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
    assert_eq!(body["extended_due_on"], "2025-04-28");
}

db_test!(registry_lists_controllers_units_and_service_areas, |app| {
    let r = app.call(Method::GET, "/api/v1/registry", None, None).await;
    assert_eq!(r.status(), 200);
    let body: serde_json::Value = r.json().await.unwrap();
    let controllers = body["controllers"].as_array().unwrap();
    assert!(controllers.len() >= 20, "15 districts and the agencies");
    for c in controllers {
        assert!(
            dsar::identity::OrgNumber::parse(c["org_number"].as_str().unwrap()).is_ok(),
            "{c}"
        );
    }
    let ude = controllers
        .iter()
        .find(|c| c["name"] == "Utdanningsetaten")
        .unwrap();
    assert_eq!(ude["org_number"], "976820037");
    let units: Vec<&serde_json::Value> = controllers
        .iter()
        .flat_map(|c| c["units"].as_array().unwrap())
        .collect();
    assert_eq!(units.iter().filter(|u| u["is_fallback"] == true).count(), 1);
    assert!(
        units
            .iter()
            .any(|u| u["code"] == "2103" && u["is_protected"] == true)
    );
    for code in ["0316", "0315", "0319", "0427", "0231"] {
        assert!(units.iter().any(|u| u["code"] == code), "NAV unit {code}");
    }
    let areas: Vec<&str> = body["service_areas"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["code"].as_str().unwrap())
        .collect();
    assert_eq!(areas, ["norwegian-training", "settlement", "statistics"]);
});
