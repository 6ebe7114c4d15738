//! Access control for the pages: when a shared token or users are configured, every route but
//! `/login`, `/logout` and `/static/*` needs a signed session cookie (or, for scripts and feed
//! readers, `Authorization: Bearer <token>`). A page asked for without one redirects to
//! `/login?next=<path and query>`, so a shared link survives signing in; data twins (`.json`,
//! `.csv`, `.atom`, `.ics`) and other requests get 401. With nothing configured, everyone is
//! let through (the command line refuses that on a non-loopback address unless told otherwise).

use std::sync::Arc;

use askama::Template;
use axum::extract::{RawQuery, State};
use axum::http::header::{
    AUTHORIZATION, CACHE_CONTROL, CONTENT_TYPE, HOST, ORIGIN, REFERER, SET_COOKIE, WWW_AUTHENTICATE,
};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::{Form, extract::Request, middleware::Next};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use tokio::sync::Semaphore;

use super::error::AppError;
use super::session::{self, SessionKey, Who};
use crate::access::User;

/// A sign-in form is a few short fields; anything bigger is refused before it is read.
pub(crate) const MAX_FORM_BYTES: usize = 4 * 1024;

/// Shortest `ENTENTE_SESSION_SECRET` accepted.
const MIN_SECRET_LEN: usize = 32;

/// Longest `next` followed after signing in.
const MAX_NEXT: usize = 2048;

/// Argon2 checks running at once; each holds about 19 MiB and a core for a moment, so a burst of
/// sign-in attempts queues instead of exhausting the machine.
const PARALLEL_VERIFIES: usize = 2;

/// How access is configured, as the command line reads it. (No `Debug`: it holds secrets.)
#[derive(Clone, Default)]
pub struct AccessConfig {
    /// The shared token.
    pub token: Option<String>,
    /// Users who sign in with a password.
    pub users: Vec<User>,
    /// Signs session cookies when set (`ENTENTE_SESSION_SECRET`), so that sessions outlive a
    /// restart; otherwise a random key is made at start.
    pub session_secret: Option<String>,
    /// Mark the cookie `Secure` (browsers then send it only over https, or to localhost).
    pub secure_cookies: bool,
}

/// Access control as the router applies it; the default lets everyone in.
#[derive(Clone, Default)]
pub struct Access(Option<Arc<Guard>>);

struct Guard {
    /// SHA-256 of the shared token: compared in constant time, and the token itself is not kept.
    token: Option<[u8; 32]>,
    users: Vec<User>,
    key: SessionKey,
    secure_cookies: bool,
    verifying: Arc<Semaphore>,
}

impl Access {
    /// Access control for `config`; open when it has neither a token nor users.
    pub fn new(config: AccessConfig) -> anyhow::Result<Self> {
        if config.token.is_none() && config.users.is_empty() {
            return Ok(Access::default());
        }
        let secret = match config.session_secret {
            Some(secret) if secret.chars().count() >= MIN_SECRET_LEN => secret.into_bytes(),
            Some(_) => anyhow::bail!("ENTENTE_SESSION_SECRET: use at least {MIN_SECRET_LEN} characters"),
            None => {
                let mut bytes = vec![0u8; 32];
                getrandom::fill(&mut bytes)
                    .map_err(|err| anyhow::anyhow!("cannot get random bytes for the session key: {err}"))?;
                bytes
            }
        };
        let token = config.token.map(|token| <[u8; 32]>::from(Sha256::digest(token.as_bytes())));
        // The credentials go into the session key, so changing them signs everyone out.
        let mut context = Vec::new();
        if let Some(digest) = &token {
            context.extend_from_slice(b"token:");
            context.extend_from_slice(digest);
        }
        for user in &config.users {
            context.extend_from_slice(format!("\nuser:{}:{}", user.name, user.phc()).as_bytes());
        }
        Ok(Access(Some(Arc::new(Guard {
            token,
            users: config.users,
            key: SessionKey::derive(&secret, &context),
            secure_cookies: config.secure_cookies,
            verifying: Arc::new(Semaphore::new(PARALLEL_VERIFIES)),
        }))))
    }

    /// Whether requests need to sign in.
    pub fn is_enforced(&self) -> bool {
        self.0.is_some()
    }
}

impl Guard {
    fn token_matches(&self, presented: &str) -> bool {
        let presented = <[u8; 32]>::from(Sha256::digest(presented.as_bytes()));
        self.token.is_some_and(|expected| bool::from(presented[..].ct_eq(&expected[..])))
    }

    fn session(&self, headers: &HeaderMap) -> Option<Who> {
        self.key.verify(session::from_headers(headers)?, now())
    }

    fn bearer(&self, headers: &HeaderMap) -> bool {
        headers
            .get(AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.split_once(' '))
            .is_some_and(|(scheme, token)| scheme.eq_ignore_ascii_case("bearer") && self.token_matches(token.trim()))
    }

    fn cookie(&self, value: &str, max_age: i64) -> String {
        let secure = if self.secure_cookies { "; Secure" } else { "" };
        format!("{}={value}; Path=/; Max-Age={max_age}; HttpOnly; SameSite=Lax{secure}", session::COOKIE)
    }

    /// Checks a submitted form. A token, when given, decides alone; otherwise the user name
    /// and password are checked with argon2 on the blocking threads.
    async fn check(self: Arc<Self>, form: LoginForm) -> Option<Who> {
        if !form.token.is_empty() {
            return self.token_matches(&form.token).then_some(Who::Token);
        }
        if self.users.is_empty() || form.user.is_empty() || form.password.is_empty() {
            return None;
        }
        let _permit = Arc::clone(&self.verifying).acquire_owned().await.ok()?;
        tokio::task::spawn_blocking(move || self.verify_user(&form.user, &form.password))
            .await
            .ok()
            .flatten()
    }

    fn verify_user(&self, name: &str, password: &str) -> Option<Who> {
        match self.users.iter().find(|user| user.name == name) {
            Some(user) => user.verify(password).then(|| Who::User(user.name.clone())),
            None => {
                // As slow as a real check, so the time taken does not tell which names exist.
                if let Some(user) = self.users.first() {
                    user.verify(password);
                }
                None
            }
        }
    }
}

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// The middleware: lets a request through when access is open, the path is public, or it
/// carries a valid session or bearer token; otherwise sends it to sign in.
pub(crate) async fn require_sign_in(State(access): State<Access>, request: Request, next: Next) -> Response {
    let Some(guard) = access.0 else {
        return next.run(request).await;
    };
    let path = request.uri().path();
    if path == "/login" || path == "/logout" || path.starts_with("/static/") {
        return next.run(request).await;
    }
    if guard.session(request.headers()).is_some() || guard.bearer(request.headers()) {
        let mut response = next.run(request).await;
        // What needs signing in must not be kept by shared caches.
        response
            .headers_mut()
            .entry(CACHE_CONTROL)
            .or_insert(HeaderValue::from_static("private"));
        return response;
    }
    let is_page = matches!(*request.method(), Method::GET | Method::HEAD) && !is_data(path);
    if is_page {
        let wanted = request.uri().path_and_query().map_or("/", |pq| pq.as_str());
        let encoded: String = form_urlencoded::byte_serialize(wanted.as_bytes()).collect();
        return Redirect::to(&format!("/login?next={encoded}")).into_response();
    }
    (
        StatusCode::UNAUTHORIZED,
        [
            (WWW_AUTHENTICATE, "Bearer realm=\"entente\""),
            (CONTENT_TYPE, "text/plain; charset=utf-8"),
        ],
        "Sign in at /login, or send the shared token as `Authorization: Bearer <token>`.\n",
    )
        .into_response()
}

/// The data twins and feeds, which a redirect to a form would not help.
fn is_data(path: &str) -> bool {
    let last = path.rsplit('/').next().unwrap_or(path);
    last.rsplit_once('.')
        .is_some_and(|(_, ext)| matches!(ext, "json" | "csv" | "atom" | "ics"))
}

/// Where to go after signing in: `next` if it is a path on this site, else `/`. A `//host` or
/// `/\host` (which browsers read as `//host`), a scheme, or anything but visible ASCII is
/// refused, so the form cannot be used to send people elsewhere.
fn local_next(next: Option<&str>) -> String {
    match next {
        Some(next) if is_local_path(next) => next.to_string(),
        _ => "/".to_string(),
    }
}

fn is_local_path(next: &str) -> bool {
    next.starts_with('/')
        && !next.starts_with("//")
        && !next.contains('\\')
        && next.len() <= MAX_NEXT
        && next.bytes().all(|b| b.is_ascii_graphic())
        && !(next == "/login" || next.starts_with("/login?") || next.starts_with("/logout"))
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    next: String,
    users: bool,
    token: bool,
    message: Option<&'static str>,
    /// "as alice" or "with the shared token", when the reader is signed in already.
    signed_in: Option<String>,
}

impl LoginPage {
    fn new(guard: &Guard, next: String, headers: &HeaderMap) -> Self {
        LoginPage {
            next,
            users: !guard.users.is_empty(),
            token: guard.token.is_some(),
            message: None,
            signed_in: guard.session(headers).map(|who| match who {
                Who::Token => "with the shared token".to_string(),
                Who::User(name) => format!("as {name}"),
            }),
        }
    }

    fn respond(&self, status: StatusCode) -> Result<Response, AppError> {
        Ok((status, [(CACHE_CONTROL, "no-store")], Html(self.render()?)).into_response())
    }
}

/// `GET /login?next=...`: the sign-in form(s), and a sign-out button for who is signed in.
pub(crate) async fn login_page(
    State(access): State<Access>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    // Read by hand so that a repeated or odd parameter cannot make the form fail to show.
    let next = form_urlencoded::parse(query.unwrap_or_default().as_bytes())
        .find(|(key, _)| key == "next")
        .map(|(_, value)| value.into_owned());
    let next = local_next(next.as_deref());
    match access.0 {
        Some(guard) => LoginPage::new(&guard, next, &headers).respond(StatusCode::OK),
        // Nothing to sign in to.
        None => Ok(Redirect::to(&next).into_response()),
    }
}

#[derive(Deserialize)]
pub(crate) struct LoginForm {
    #[serde(default)]
    next: String,
    #[serde(default)]
    user: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    token: String,
}

/// `POST /login`: on success a session cookie and a redirect to `next`; on failure the form
/// again with 401, never saying which field was wrong.
pub(crate) async fn sign_in(
    State(access): State<Access>,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Result<Response, AppError> {
    let next = local_next(Some(&form.next));
    let Some(guard) = access.0 else {
        return Ok(Redirect::to(&next).into_response());
    };
    match Arc::clone(&guard).check(form).await {
        Some(who) => {
            let cookie = guard.cookie(&guard.key.sign(&who, now() + session::LIFETIME_SECS), session::LIFETIME_SECS);
            Ok(([(SET_COOKIE, cookie)], Redirect::to(&next)).into_response())
        }
        None => {
            tracing::info!("sign-in refused");
            let mut page = LoginPage::new(&guard, next, &headers);
            page.message = Some("Sign-in failed: those credentials were not accepted.");
            page.respond(StatusCode::UNAUTHORIZED)
        }
    }
}

/// `POST /logout`: clears the cookie and goes to the sign-in page.
pub(crate) async fn sign_out(State(access): State<Access>, headers: HeaderMap) -> Result<Response, AppError> {
    let Some(guard) = access.0 else {
        return Ok(Redirect::to("/").into_response());
    };
    // SameSite=Lax already keeps the cookie off cross-site POSTs; this also stops another site
    // from signing readers out with a hidden form.
    if !same_origin(&headers) {
        return Err(AppError::Forbidden("sign-out must come from this site's own page".to_string()));
    }
    Ok(([(SET_COOKIE, guard.cookie("", 0))], Redirect::to("/login")).into_response())
}

/// Whether a POST came from a page of this site: its `Origin` (or, lacking one, `Referer`)
/// names the host the request was sent to (`Host`, or `X-Forwarded-Host` behind a proxy; a
/// cross-site form cannot set either). Clients that send neither, such as curl, are not
/// browsers a forged form could drive, and pass.
fn same_origin(headers: &HeaderMap) -> bool {
    let header = |name: HeaderName| headers.get(name).and_then(|value| value.to_str().ok());
    let Some(from) = header(ORIGIN).or_else(|| header(REFERER)) else {
        return true;
    };
    let from_host = from
        .split_once("://")
        .map(|(_, rest)| rest.split('/').next().unwrap_or(rest));
    let Some(from_host) = from_host else {
        return false;
    };
    [header(HOST), header(HeaderName::from_static("x-forwarded-host"))]
        .into_iter()
        .flatten()
        .any(|host| host.eq_ignore_ascii_case(from_host))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_followed() {
        for ok in ["/", "/?actor=keir-starmer&topic=security-guarantees", "/actors/keir-starmer#x", "/a:b"] {
            assert_eq!(local_next(Some(ok)), ok);
        }
        for bad in [
            "//evil.example",
            "///evil.example",
            "/\\evil.example",
            "https://evil.example",
            "javascript:alert(1)",
            "evil.example",
            "",
            "/login?next=/",
            "/logout",
            "/a b",
            "/\u{e9}",
            "/\r\nSet-Cookie:x=y",
        ] {
            assert_eq!(local_next(Some(bad)), "/", "{bad:?}");
        }
        assert_eq!(local_next(None), "/");
        assert_eq!(local_next(Some(&format!("/{}", "a".repeat(MAX_NEXT)))), "/");
    }

    #[test]
    fn data_paths_are_told_from_pages() {
        for data in ["/timeline.json", "/timeline.csv", "/timeline.atom", "/timeline.ics", "/actors.json"] {
            assert!(is_data(data), "{data}");
        }
        for page in ["/", "/timeline", "/actors/keir-starmer", "/events/a.b", "/compare"] {
            assert!(!is_data(page), "{page}");
        }
    }

    #[test]
    fn same_origin_compares_hosts() {
        let headers = |pairs: &[(&'static str, &'static str)]| {
            let mut map = HeaderMap::new();
            for (name, value) in pairs {
                map.insert(*name, HeaderValue::from_static(value));
            }
            map
        };
        assert!(same_origin(&headers(&[("host", "entente.lan:8080"), ("origin", "http://entente.lan:8080")])));
        assert!(same_origin(&headers(&[("host", "a"), ("referer", "https://a/login?next=/")])));
        assert!(same_origin(&headers(&[("host", "a")])), "no Origin: not a browser form");
        assert!(same_origin(&headers(&[
            ("host", "127.0.0.1:8080"),
            ("x-forwarded-host", "entente.example.org"),
            ("origin", "https://entente.example.org")
        ])));
        assert!(!same_origin(&headers(&[("host", "a"), ("origin", "https://evil.example")])));
        assert!(!same_origin(&headers(&[("host", "a"), ("origin", "null")])));
        assert!(!same_origin(&headers(&[("origin", "https://a")])), "no Host to compare with");
    }
}
