//! Serving: bind, print the URL, run until SIGINT/SIGTERM, then finish in-flight requests.
use tokio::net::TcpListener;

use crate::app::AppState;

pub struct Server {
    listener: TcpListener,
    app: AppState,
}

impl Server {
    /// Binds the address, then starts the background workers (they may call this very server,
    /// e.g. the built-in source simulator, so they start only once it can answer).
    pub async fn bind(app: AppState, addr: std::net::SocketAddr) -> std::io::Result<Self> {
        let listener = TcpListener::bind(addr).await?;
        if let Ok(Some(metrics_addr)) = app.settings.metrics_addr() {
            let metrics = TcpListener::bind(metrics_addr).await?;
            let router = crate::http::metrics::separate(app.clone());
            tokio::spawn(async move { axum::serve(metrics, router).await });
        }
        if app.db.get_database_backend() == sea_orm::DbBackend::Sqlite
            && app.settings.sqlite_checkpoint_ms > 0
        {
            crate::db::spawn_checkpointer(
                app.db.clone(),
                std::time::Duration::from_millis(app.settings.sqlite_checkpoint_ms),
            );
        }
        if app.settings.sources.worker {
            crate::sources::worker::spawn(&app);
        }
        if app.settings.mail.worker {
            crate::notifications::worker::spawn(&app);
        }
        if app.settings.retention.worker {
            crate::retention::spawn(&app);
        }
        Ok(Self { listener, app })
    }

    pub fn local_addr(&self) -> std::io::Result<std::net::SocketAddr> {
        self.listener.local_addr()
    }

    pub async fn run_until<F>(self, shutdown: F) -> std::io::Result<()>
    where
        F: std::future::Future<Output = ()> + Send + 'static,
    {
        let app = self.app.clone();
        let router = crate::http::router(self.app);
        // The peer address feeds the login rate limit.
        let service = router.into_make_service_with_connect_info::<std::net::SocketAddr>();
        let served = axum::serve(self.listener, service)
            .with_graceful_shutdown(shutdown)
            .await;
        app.collector.stop();
        app.notifier.stop();
        served
    }
}

/// Resolves on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
    tracing::info!("shutting down");
}
