//! Group commit: jobs that share a transaction still succeed or fail alone.
use dsar::{audit::AuditRecord, error::ServiceError};

use crate::db_test;

db_test!(a_failing_job_rolls_back_alone_within_a_batch, |app| {
    let before = app.count("audit_event").await;
    let writer = app.app.writer.clone();
    let mut handles = Vec::new();
    for i in 0..30u32 {
        let writer = writer.clone();
        handles.push(tokio::spawn(async move {
            writer
                .run(move |tx| {
                    Box::pin(async move {
                        tx.audit(AuditRecord {
                            actor: "system".into(),
                            action: format!("test.job_{i}"),
                            request_id: None,
                            details: serde_json::json!({ "i": i }),
                        })
                        .await?;
                        if i % 3 == 0 {
                            // Fails after writing: its audit event must vanish with it.
                            return Err(ServiceError::Conflict(format!("job {i} fails")));
                        }
                        Ok(i)
                    })
                })
                .await
        }));
    }
    let mut ok = 0;
    for h in handles {
        match h.await.unwrap() {
            Ok(i) => {
                assert_ne!(i % 3, 0);
                ok += 1;
            }
            Err(ServiceError::Conflict(m)) => assert!(m.contains("fails")),
            Err(e) => panic!("unexpected {e:?}"),
        }
    }
    assert_eq!(ok, 20);
    assert_eq!(app.count("audit_event").await, before + 20);
    let report = dsar::audit::verify(&app.app.db, &app.app.audit_key)
        .await
        .unwrap();
    assert!(report.intact, "{:?}", report.first_break);
});
