//! Typed values are read from the database as they were written: a stored text outside its set
//! is an error where it is read, never a default.
use sea_orm::EntityTrait;

use crate::db_test;

db_test!(an_unknown_actor_kind_on_the_timeline_is_an_error, |app| {
    let citizen = app.citizen(0).await;
    let id = app.file_request(&citizen, "innsyn", "Alt").await;
    assert_eq!(
        app.timeline(&citizen, &id).await[0]["actor_kind"],
        "citizen"
    );

    app.exec("UPDATE request_event SET actor_kind = 'robot'")
        .await;
    assert!(
        entity::request_event::Entity::find()
            .all(&app.app.db)
            .await
            .is_err(),
        "an unknown actor kind does not decode"
    );
    let (status, problem) = app
        .get(&format!("/api/v1/requests/{id}/events"), &citizen)
        .await;
    assert_eq!(status, 500, "{problem}");
});

db_test!(
    an_unknown_routing_rule_kind_is_an_error_not_a_wildcard,
    |app| {
        assert!(dsar::registry::Registry::load(&app.app.db).await.is_ok());
        app.exec("UPDATE routing_rule SET kind = 'everything'")
            .await;
        let err = dsar::registry::Registry::load(&app.app.db)
            .await
            .expect_err("a rule with an unknown kind is refused");
        assert!(err.to_string().contains("kind \"everything\""), "{err}");
    }
);

db_test!(
    an_unknown_routing_rule_geography_is_an_error_not_a_wildcard,
    |app| {
        app.exec("UPDATE routing_rule SET geography = 'Oslo' WHERE geography IS NOT NULL")
            .await;
        let err = dsar::registry::Registry::load(&app.app.db)
            .await
            .expect_err("a rule with an unreadable geography is refused");
        assert!(err.to_string().contains("geography \"Oslo\""), "{err}");
    }
);
