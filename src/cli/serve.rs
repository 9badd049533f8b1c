//! `rapport serve`: the gRPC server and the admin listener (`/metrics`, supervisor page) until
//! SIGTERM / Ctrl-C, then a bounded drain. SIGHUP reloads the tokens of `[auth]` from the
//! config file.

use std::path::PathBuf;
use std::time::Duration;

use rapport::admin::AdminState;
use rapport::auth::Security;
use rapport::config::Config;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

pub async fn run(config: Config, path: Option<PathBuf>) -> Result<(), String> {
    // First, so a server that must not listen (no [auth] on a public address) stops at once.
    let security = Security::from_config(&config)?;
    if security.auth.is_enabled() {
        tracing::info!("bearer tokens required; SIGHUP reloads [auth]");
    } else {
        tracing::warn!("no authentication: every caller may use every tenant");
    }
    if let Some(tls) = &config.server.tls {
        tracing::info!(mutual = tls.client_ca.is_some(), "TLS on");
    }
    tokio::spawn(rapport::auth::reload_on_hangup(security.auth.clone(), path));
    let metrics = rapport::telemetry::install()?;
    let pipeline = super::pipeline(&config)?;
    rapport::telemetry::build_info(pipeline.model_version());
    let sweep = Duration::from_secs((config.store.idle_ttl_secs / 4).clamp(1, 60));
    pipeline.spawn_expiry(sweep);
    let listener = TcpListener::bind(config.server.listen)
        .await
        .map_err(|e| format!("{}: {e}", config.server.listen))?;
    // The bound address, so `listen = "127.0.0.1:0"` reports the port the kernel chose.
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    tracing::info!(%addr, model = %pipeline.model_version(), "serving rapport.v1.Rapport");

    let shutdown = CancellationToken::new();
    tokio::spawn(cancel_on_signal(shutdown.clone()));
    rapport::signals::webhook::spawn_all(
        pipeline.hub(),
        &config.signals.webhooks,
        shutdown.clone(),
    )?;
    pipeline.start_sinks().await;
    if let Some(addr) = config.server.metrics_listen {
        let admin = TcpListener::bind(addr)
            .await
            .map_err(|e| format!("{addr}: {e}"))?;
        let addr = admin.local_addr().map_err(|e| e.to_string())?;
        tracing::info!(%addr, "admin: /metrics, /supervisor");
        let state = AdminState::new(metrics, pipeline.clone(), shutdown.clone())
            .with_auth(security.auth.clone());
        tokio::spawn(async move {
            if let Err(error) = rapport::admin::serve(admin, state).await {
                tracing::error!(%error, "admin listener failed");
            }
        });
    } else {
        tracing::info!(
            "admin listener off (server.metrics_listen = \"\"): no /metrics, no /supervisor"
        );
    }
    let drain = Duration::from_millis(config.server.drain_timeout_ms);
    let tracer = pipeline.tracer().clone();
    let server = rapport::api::serve_with(
        listener,
        pipeline,
        shutdown.clone(),
        rapport::api::StreamLimits::from_config(&config.server),
        security,
    );
    let result = tokio::select! {
        result = server => result.map_err(|e| e.to_string()),
        () = async { shutdown.cancelled().await; tokio::time::sleep(drain).await } => {
            tracing::warn!(?drain, "drain timeout: closing remaining streams");
            Ok(())
        }
    };
    // The spans of the last turns still go out (bounded by the exporter's timeout).
    let _ = tokio::task::spawn_blocking(move || tracer.shutdown()).await;
    result
}

async fn cancel_on_signal(shutdown: CancellationToken) {
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        () = terminate => {}
    }
    tracing::info!("shutting down: draining open streams");
    shutdown.cancel();
}
