//! Web: the read-only pages. One router ([`make_app`]) holds every route; handlers live in a
//! module per page family and render askama templates from `templates/`. When access control
//! is configured, [`auth`] sits in front of every route.

mod actors;
mod cache;
pub mod auth;
mod compare;
pub mod error;
mod events;
mod format;
mod marks;
mod meta;
pub mod params;
mod session;
mod sources;
mod timeline;
mod topics;
mod twins;

use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;

use axum::Router;
use axum::extract::{DefaultBodyLimit, FromRef};
use axum::http::{HeaderValue, header};
use axum::response::IntoResponse;
use axum::middleware;
use axum::routing::{get, post};
use sqlx::SqlitePool;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;

/// The largest request body accepted anywhere.
const MAX_BODY_BYTES: usize = 16 * 1024;

use auth::Access;
use cache::PageCache;
use error::AppError;

use crate::store::event_index::LiveIndex;

/// What every handler can reach.
#[derive(Clone, FromRef)]
pub struct AppState {
    pub db: SqlitePool,
    pub access: Access,
    pub cache: PageCache,
    pub events: LiveIndex,
}

impl AppState {
    /// The site on `db`, open to everyone.
    pub fn new(db: SqlitePool) -> Self {
        Self::with_access(db, Access::default())
    }

    /// The site on `db`, with access control as configured.
    pub fn with_access(db: SqlitePool, access: Access) -> Self {
        let cache = PageCache::new(db.connect_options().get_filename());
        let events = LiveIndex::new(db.clone());
        AppState {
            db,
            access,
            cache,
            events,
        }
    }
}

/// Every route of the site.
pub fn make_app(state: AppState) -> Router {
    Router::new()
        .route("/", get(timeline::show_timeline))
        .route("/timeline", get(timeline::show_timeline))
        .route("/timeline.json", get(twins::stream_timeline))
        .route("/timeline.csv", get(twins::stream_timeline))
        .route("/timeline.atom", get(twins::stream_timeline))
        .route("/timeline.ics", get(twins::stream_timeline))
        .route("/compare", get(compare::show_compare))
        .route("/actors", get(actors::list_actors))
        .route("/actors.json", get(twins::actors_json))
        .route("/actors.csv", get(twins::actors_csv))
        .route("/actors/{slug}", get(actors::show_actor))
        .route("/sources", get(sources::list_sources))
        .route("/sources.json", get(twins::sources_json))
        .route("/sources.csv", get(twins::sources_csv))
        .route("/sources/{slug}", get(sources::show_source))
        .route("/events/{slug}", get(events::show_event))
        .route("/topics", get(topics::list_topics))
        .route("/topics/{slug}", get(topics::show_topic))
        .route("/static/style.css", get(stylesheet))
        .route("/static/app.js", get(script))
        .route(
            "/login",
            get(auth::login_page)
                .post(auth::sign_in)
                .layer(DefaultBodyLimit::max(auth::MAX_FORM_BYTES)),
        )
        .route("/logout", post(auth::sign_out))
        .fallback(not_found)
        // Inside sign-in, so that only those let in are served from it.
        .layer(middleware::from_fn_with_state(state.cache.clone(), cache::cache_pages))
        // Inside the header layers, so that redirects to sign in carry them too.
        .layer(middleware::from_fn_with_state(state.clone(), auth::require_sign_in))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(
                "default-src 'none'; style-src 'self'; img-src 'self' data:; script-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
            ),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ))
        // For browsers that predate CSP's frame-ancestors.
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        // The site reads no request bodies but the sign-in form's.
        .layer(RequestBodyLimitLayer::new(MAX_BODY_BYTES))
        .layer(TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(30),
        ))
        .with_state(state)
}

/// The stylesheet is compiled in, so the binary needs no files beside it.
async fn stylesheet() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../../static/style.css"),
    )
}

/// The one script: progressive enhancement (the copy-link button), compiled in too.
async fn script() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../../static/app.js"),
    )
}

async fn not_found(uri: axum::http::Uri) -> AppError {
    AppError::not_found("page", uri.path())
}

/// Serves the database at `db` on `addr` to whom `access` lets in, until SIGINT or SIGTERM;
/// requests in flight finish.
/// How long the database files stay unchanged before the server reads the timeline's index of
/// them ahead of requests: longer than an import's commits are apart.
const INDEX_AFTER_STILL: Duration = Duration::from_secs(5);

pub async fn serve(db: &Path, addr: SocketAddr, access: Access) -> anyhow::Result<()> {
    let pool = crate::store::open_ro(db, 8).await?;
    let access_enforced = access.is_enforced();
    let state = AppState::with_access(pool.clone(), access);
    // Read the timeline's index while the server starts, and again after each import, rather
    // than on the first request that needs it.
    state.events.follow(INDEX_AFTER_STILL);
    let app = make_app(state);
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|err| anyhow::anyhow!("cannot listen on {addr}: {err}"))?;
    let who = if access_enforced { "to those who sign in" } else { "to everyone" };
    tracing::info!("serving {} on http://{addr} {who}", db.display());
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown_signal())
        .await?;
    pool.close().await;
    Ok(())
}

async fn shutdown_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}
