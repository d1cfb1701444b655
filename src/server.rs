//! Serving: bind, print the URL, run until SIGINT/SIGTERM, then finish in-flight requests.
//! Each connection gets a header-read timeout (which also bounds how long a kept-alive
//! connection may sit idle) and the listener a cap on open connections, so slow clients
//! (slowloris) cannot hold the server's connections (docs/hardening.md).
use std::{net::SocketAddr, sync::Arc, time::Duration};

use axum::{Router, extract::ConnectInfo};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::{net::TcpListener, sync::Semaphore};
use tower::ServiceExt;

use crate::{app::AppState, config::ConnectionSettings};

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
            let limits = app.settings.connections.clone();
            tokio::spawn(serve(metrics, router, limits, std::future::pending()));
        }
        crate::jobs::spawn_all(&app);
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
        let limits = app.settings.connections.clone();
        let router = crate::http::router(self.app);
        serve(self.listener, router, limits, shutdown).await;
        app.stop_workers();
        Ok(())
    }
}

/// Accepts connections until `shutdown`, at most `max_connections` at once, each served over
/// HTTP/1.1 with the header-read timeout; then lets the open ones finish their request.
/// The peer address goes into every request as `ConnectInfo` (the rate limits read it).
pub async fn serve<F>(
    listener: TcpListener,
    router: Router,
    limits: ConnectionSettings,
    shutdown: F,
) where
    F: std::future::Future<Output = ()> + Send + 'static,
{
    let max = limits.max_connections.clamp(1, (u32::MAX >> 3) as usize);
    let slots = Arc::new(Semaphore::new(max));
    let header_timeout = Duration::from_millis(limits.header_read_timeout_ms.max(1));
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    tokio::pin!(shutdown);
    loop {
        let slot = tokio::select! {
            _ = &mut shutdown => break,
            slot = slots.clone().acquire_owned() => match slot {
                Ok(slot) => slot,
                Err(_) => break,
            },
        };
        let (stream, peer) = tokio::select! {
            _ = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Out of file descriptors and the like: wait a little instead of spinning.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
        };
        let _ = stream.set_nodelay(true);
        let router = router.clone();
        let service =
            hyper::service::service_fn(move |mut req: hyper::Request<hyper::body::Incoming>| {
                req.extensions_mut().insert(ConnectInfo::<SocketAddr>(peer));
                router.clone().oneshot(req)
            });
        let mut stop = stop_rx.clone();
        tokio::spawn(async move {
            let _slot = slot;
            let mut builder = hyper::server::conn::http1::Builder::new();
            builder
                .timer(TokioTimer::new())
                .header_read_timeout(header_timeout)
                .keep_alive(true);
            let conn = builder.serve_connection(TokioIo::new(stream), service);
            tokio::pin!(conn);
            tokio::select! {
                served = conn.as_mut() => {
                    if let Err(e) = served {
                        tracing::debug!(error = %e, "connection ended with an error");
                    }
                }
                _ = async { stop.wait_for(|stopping| *stopping).await.is_ok() } => {
                    conn.as_mut().graceful_shutdown();
                    let _ = conn.await;
                }
            }
        });
    }
    let _ = stop_tx.send(true);
    // Every open connection holds a slot: having them all back means all have finished.
    let _ = slots.acquire_many(max as u32).await;
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
