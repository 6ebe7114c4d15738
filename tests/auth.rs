//! Access control through the real router: the redirect to sign in that keeps a shared link,
//! the sign-in page, passwords and the shared token, the cookie's attributes, bearer tokens for
//! data, tampered and foreign cookies, open-redirect attempts, signing out; and the command
//! line's `hash-password` and its refusal to serve a network address to anyone.

mod common;

use std::process::{Command, Stdio};

use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::{Fetched, get_once, seeded_db, send};
use entente::access::{self, User};
use entente::web::auth::{Access, AccessConfig};
use entente::web::{AppState, make_app};

const TOKEN: &str = "a-shared-token-for-tests-0123456789";
const SHARED: &str = "/?actor=keir-starmer&topic=security-guarantees";
const SHARED_ENCODED: &str = "%2F%3Factor%3Dkeir-starmer%26topic%3Dsecurity-guarantees";

struct Site {
    app: axum::Router,
    _dir: tempfile::TempDir,
}

fn users() -> Vec<User> {
    let text = format!(
        "alice:{}\nbob:{}\n",
        access::hash_password("correct horse").expect("hash"),
        access::hash_password("battery staple").expect("hash")
    );
    access::parse_users(&text).expect("users")
}

fn config(token: bool, users: Vec<User>) -> AccessConfig {
    AccessConfig {
        token: token.then(|| TOKEN.to_string()),
        users,
        session_secret: None,
        secure_cookies: true,
    }
}

async fn site(config: AccessConfig) -> Site {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = seeded_db(dir.path()).await;
    let pool = entente::store::open_ro(&db, 2).await.expect("open read-only");
    let access = Access::new(config).expect("access");
    Site {
        app: make_app(AppState::with_access(pool, access)),
        _dir: dir,
    }
}

fn post_form(uri: &str, fields: &[(&str, &str)]) -> Request<Body> {
    let body: String = form_urlencoded::Serializer::new(String::new()).extend_pairs(fields).finish();
    Request::post(uri)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from(body))
        .expect("request")
}

fn get_with(uri: &str, header: &str, value: &str) -> Request<Body> {
    Request::get(uri).header(header, value).body(Body::empty()).expect("request")
}

fn set_cookie(fetched: &Fetched) -> String {
    fetched
        .page
        .headers
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .expect("a Set-Cookie header")
        .to_string()
}

/// `name=value` of a Set-Cookie header, as a browser sends it back.
fn cookie_pair(set_cookie: &str) -> String {
    set_cookie.split(';').next().expect("pair").to_string()
}

/// GETs `uri` with `cookie`, following redirects as a browser would.
async fn browse(app: &axum::Router, uri: &str, cookie: &str) -> Fetched {
    let mut uri = uri.to_string();
    for _ in 0..5 {
        let fetched = send(app, get_with(&uri, "cookie", cookie)).await;
        match fetched.location.clone() {
            Some(next) if fetched.status.is_redirection() => uri = next,
            _ => return fetched,
        }
    }
    panic!("{uri}: too many redirects");
}

async fn sign_in_as_alice(site: &Site, next: &str) -> Fetched {
    send(
        &site.app,
        post_form("/login", &[("user", "alice"), ("password", "correct horse"), ("next", next)]),
    )
    .await
}

#[tokio::test]
async fn without_credentials_everyone_is_let_in() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = seeded_db(dir.path()).await;
    let (app, _) = common::app(&db).await;
    assert_eq!(get_once(&app, SHARED).await.status, StatusCode::OK);
    assert_eq!(get_once(&app, "/timeline.json").await.status, StatusCode::OK);
    let login = get_once(&app, "/login?next=%2Factors").await;
    assert_eq!(login.status, StatusCode::SEE_OTHER);
    assert_eq!(login.location.as_deref(), Some("/actors"));
}

#[tokio::test]
async fn a_shared_link_redirects_to_sign_in_with_the_link_intact() {
    let site = site(config(false, users())).await;
    let fetched = get_once(&site.app, SHARED).await;
    assert_eq!(fetched.status, StatusCode::SEE_OTHER);
    let location = fetched.location.expect("location");
    assert_eq!(location, format!("/login?next={SHARED_ENCODED}"));

    let login = get_once(&site.app, &location).await;
    assert_eq!(login.status, StatusCode::OK, "{}", login.page.body);
    let page = &login.page;
    assert_eq!(page.texts("h1"), ["Sign in"]);
    assert_eq!(page.attrs("form.sign-in", "method"), ["post"]);
    assert_eq!(page.attrs("form.sign-in input[type=hidden][name=next]", "value"), [SHARED]);
    assert_eq!(page.attrs("label[for=login-user] + input#login-user", "name"), ["user"]);
    assert_eq!(page.attrs("label[for=login-password] + input#login-password", "type"), ["password"]);
    assert_eq!(page.count("input[name=token]"), 0, "no token configured");
    assert_eq!(page.count("p.message"), 0);
    assert_eq!(login.page.headers.get("cache-control").map(|v| v.as_bytes()), Some(&b"no-store"[..]));

    // Other pages and unknown paths too; the stylesheet stays public for the sign-in page.
    for path in ["/actors/keir-starmer", "/no-such-page"] {
        assert_eq!(get_once(&site.app, path).await.status, StatusCode::SEE_OTHER, "{path}");
    }
    assert_eq!(get_once(&site.app, "/static/style.css").await.status, StatusCode::OK);
}

#[tokio::test]
async fn data_twins_get_401_not_a_redirect() {
    let site = site(config(true, Vec::new())).await;
    for path in ["/timeline.json", "/timeline.csv", "/timeline.atom?actor=keir-starmer", "/timeline.ics", "/actors.json"] {
        let fetched = get_once(&site.app, path).await;
        assert_eq!(fetched.status, StatusCode::UNAUTHORIZED, "{path}");
        assert!(fetched.page.headers.contains_key("www-authenticate"), "{path}");
    }
}

#[tokio::test]
async fn the_sign_in_page_shows_the_forms_that_are_configured() {
    let token_only = site(config(true, Vec::new())).await;
    let page = get_once(&token_only.app, "/login").await.page;
    assert_eq!(page.count("input[name=user]"), 0);
    assert_eq!(page.attrs("label[for=login-token] + input#login-token", "type"), ["password"]);
    assert_eq!(page.attrs("form.token input[name=next]", "value"), ["/"]);

    let both = site(config(true, users())).await;
    let page = get_once(&both.app, "/login").await.page;
    assert_eq!(page.count("form.sign-in.user input[name=user]"), 1);
    assert_eq!(page.count("form.sign-in.token input[name=token]"), 1);
}

#[tokio::test]
async fn a_wrong_password_or_unknown_user_gets_401_and_the_form() {
    let site = site(config(false, users())).await;
    let mut messages = Vec::new();
    for (user, password) in [("alice", "wrong"), ("alice", "battery staple"), ("mallory", "correct horse"), ("alice", "")] {
        let fetched = send(
            &site.app,
            post_form("/login", &[("user", user), ("password", password), ("next", SHARED)]),
        )
        .await;
        assert_eq!(fetched.status, StatusCode::UNAUTHORIZED, "{user}/{password}");
        assert!(!fetched.page.headers.contains_key("set-cookie"));
        let page = &fetched.page;
        assert_eq!(page.attrs("form.sign-in input[name=next]", "value"), [SHARED], "the link is kept");
        assert_eq!(page.count("input[name=user]"), 1);
        messages.push(page.texts("p.message[role=alert]"));
    }
    assert_eq!(messages[0].len(), 1);
    assert!(messages.iter().all(|m| *m == messages[0]), "no hint which field was wrong: {messages:?}");
}

#[tokio::test]
async fn the_right_password_lands_on_exactly_the_shared_page() {
    let site = site(config(false, users())).await;
    let fetched = sign_in_as_alice(&site, SHARED).await;
    assert_eq!(fetched.status, StatusCode::SEE_OTHER);
    assert_eq!(fetched.location.as_deref(), Some(SHARED));
    let set_cookie = set_cookie(&fetched);
    assert!(set_cookie.starts_with("entente_session=u-"), "{set_cookie}");
    let attributes: Vec<&str> = set_cookie.split(';').skip(1).map(str::trim).collect();
    for attribute in ["HttpOnly", "SameSite=Lax", "Secure", "Path=/", "Max-Age=43200"] {
        assert!(attributes.contains(&attribute), "{attribute} in {set_cookie}");
    }

    let cookie = cookie_pair(&set_cookie);
    let page = browse(&site.app, SHARED, &cookie).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.page.body);
    let canonical = page.page.attrs("link[rel=canonical]", "href").join("");
    assert!(canonical.contains("actor=keir-starmer") && canonical.contains("topic=security-guarantees"), "{canonical}");
    assert!(page.page.count("article.event") > 0);
    assert_eq!(page.page.headers.get("cache-control").map(|v| v.as_bytes()), Some(&b"private"[..]));
    let data = send(&site.app, get_with("/timeline.json", "cookie", &cookie)).await;
    assert_eq!(data.status, StatusCode::OK);

    // Signed in, the sign-in page says so and offers to sign out.
    let login = browse(&site.app, "/login", &cookie).await.page;
    assert_eq!(login.texts("p.signed-in"), ["You are signed in as alice."]);
    assert_eq!(login.attrs("form.logout", "action"), ["/logout"]);
}

#[tokio::test]
async fn insecure_mode_leaves_secure_off() {
    let site = site(AccessConfig {
        secure_cookies: false,
        ..config(false, users())
    })
    .await;
    let set_cookie = set_cookie(&sign_in_as_alice(&site, "/").await);
    assert!(set_cookie.contains("HttpOnly") && set_cookie.contains("SameSite=Lax"), "{set_cookie}");
    assert!(!set_cookie.contains("Secure"), "{set_cookie}");
}

#[tokio::test]
async fn the_shared_token_signs_in_and_works_as_a_bearer_token() {
    let site = site(config(true, users())).await;
    let fetched = send(&site.app, post_form("/login", &[("token", TOKEN), ("next", "/actors")])).await;
    assert_eq!(fetched.status, StatusCode::SEE_OTHER);
    assert_eq!(fetched.location.as_deref(), Some("/actors"));
    let cookie = cookie_pair(&set_cookie(&fetched));
    assert_eq!(browse(&site.app, "/actors", &cookie).await.status, StatusCode::OK);

    let wrong = send(&site.app, post_form("/login", &[("token", "a-shared-token-for-tests-0123456788")])).await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);

    let bearer = send(&site.app, get_with("/timeline.json", "authorization", &format!("Bearer {TOKEN}"))).await;
    assert_eq!(bearer.status, StatusCode::OK);
    assert!(bearer.page.content_type.starts_with("application/json"), "{}", bearer.page.content_type);
    for bad in ["Bearer nope", "Basic YWxpY2U6Y29ycmVjdCBob3JzZQ==", TOKEN] {
        let fetched = send(&site.app, get_with("/timeline.json", "authorization", bad)).await;
        assert_eq!(fetched.status, StatusCode::UNAUTHORIZED, "{bad}");
    }
}

#[tokio::test]
async fn tampered_and_foreign_cookies_are_refused() {
    let site = site(config(false, users())).await;
    let cookie = cookie_pair(&set_cookie(&sign_in_as_alice(&site, "/").await));
    let (pair, mac) = cookie.rsplit_once('.').expect("mac");
    let tampered = [
        format!("{pair}.{}", mac.chars().rev().collect::<String>()),
        cookie.replace("u-616c696365", "u-626f62"), // alice -> bob, same MAC
        "entente_session=t.99999999999.00".to_string(),
        "entente_session=".to_string(),
    ];
    for bad in tampered {
        let fetched = send(&site.app, get_with("/", "cookie", &bad)).await;
        assert_eq!(fetched.status, StatusCode::SEE_OTHER, "{bad}");
        assert_eq!(fetched.location.as_deref(), Some("/login?next=%2F"), "{bad}");
    }
    // A restart makes a new random key: old cookies no longer work.
    let restarted = self::site(config(false, users())).await;
    assert_eq!(send(&restarted.app, get_with("/", "cookie", &cookie)).await.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn a_fixed_session_secret_keeps_sessions_across_restarts() {
    let secret = || AccessConfig {
        session_secret: Some("a-session-secret-of-at-least-32-chars".to_string()),
        ..config(true, Vec::new())
    };
    let first = site(secret()).await;
    let fetched = send(&first.app, post_form("/login", &[("token", TOKEN)])).await;
    let cookie = cookie_pair(&set_cookie(&fetched));
    let second = site(secret()).await;
    assert_eq!(send(&second.app, get_with("/", "cookie", &cookie)).await.status, StatusCode::OK);
    let short = AccessConfig {
        session_secret: Some("short".to_string()),
        ..config(true, Vec::new())
    };
    assert!(Access::new(short).is_err());
}

#[tokio::test]
async fn open_redirect_attempts_land_on_the_home_page() {
    let site = site(config(false, users())).await;
    for next in ["//evil.example", "https://evil.example", "/\\evil.example", "javascript:alert(1)", "/login"] {
        let fetched = sign_in_as_alice(&site, next).await;
        assert_eq!(fetched.status, StatusCode::SEE_OTHER, "{next}");
        assert_eq!(fetched.location.as_deref(), Some("/"), "{next}");
        let page = get_once(&site.app, &format!("/login?next={}", form_urlencoded::byte_serialize(next.as_bytes()).collect::<String>())).await;
        assert_eq!(page.page.attrs("input[name=next]", "value"), ["/"], "{next}");
    }
}

#[tokio::test]
async fn signing_out_clears_the_cookie_only_from_this_site() {
    let site = site(config(false, users())).await;
    let logout = |origin: &str| {
        Request::post("/logout")
            .header("host", "entente.lan:8080")
            .header("origin", origin)
            .body(Body::empty())
            .expect("request")
    };
    let forged = send(&site.app, logout("https://evil.example")).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    assert!(!forged.page.headers.contains_key("set-cookie"));
    assert_eq!(forged.page.texts("section.error h1"), ["Forbidden"]);

    let fetched = send(&site.app, logout("http://entente.lan:8080")).await;
    assert_eq!(fetched.status, StatusCode::SEE_OTHER);
    assert_eq!(fetched.location.as_deref(), Some("/login"));
    let cleared = set_cookie(&fetched);
    assert!(cleared.starts_with("entente_session=;") && cleared.contains("Max-Age=0"), "{cleared}");
}

#[tokio::test]
async fn a_large_sign_in_body_is_refused() {
    let site = site(config(true, Vec::new())).await;
    let big = "x".repeat(8 * 1024);
    let fetched = send(&site.app, post_form("/login", &[("token", &big)])).await;
    assert_eq!(fetched.status, StatusCode::PAYLOAD_TOO_LARGE);
}

fn entente() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_entente"));
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("ENTENTE_") {
            command.env_remove(name);
        }
    }
    command.env("RUST_LOG", "off");
    command
}

fn run_with_stdin(mut command: Command, stdin: &str) -> std::process::Output {
    use std::io::Write;
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("entente runs");
    child.stdin.take().expect("stdin").write_all(stdin.as_bytes()).expect("write");
    child.wait_with_output().expect("output")
}

#[test]
fn hash_password_prints_a_hash_that_verifies() {
    let mut command = entente();
    command.arg("hash-password");
    let output = run_with_stdin(command, "correct horse battery\n");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let stdout = String::from_utf8(output.stdout).expect("utf-8");
    let hash = stdout.trim_end();
    assert_eq!(stdout.lines().count(), 1, "{stdout}");
    assert!(hash.starts_with("$argon2id$"), "{hash}");
    assert!(access::verify_password(hash, "correct horse battery"));
    assert!(!access::verify_password(hash, "correct horse battery\n"));
    let users = access::parse_users(&format!("carol:{hash}\n")).expect("usable in a users file");
    assert!(users[0].verify("correct horse battery"));

    let mut command = entente();
    command.arg("hash-password");
    let empty = run_with_stdin(command, "");
    assert!(!empty.status.success());
    assert!(String::from_utf8_lossy(&empty.stderr).contains("empty password"));
}

#[test]
fn serving_a_network_address_without_access_control_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("entente.db");
    let output = entente()
        .args(["serve", "--addr", "0.0.0.0:0", "--db"])
        .arg(&db)
        .output()
        .expect("entente runs");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("refusing to serve on 0.0.0.0:0 without access control"), "{stderr}");
    assert!(stderr.contains("--token-file") && stderr.contains("--allow-anonymous"), "{stderr}");
    assert!(!db.exists(), "refused before touching the database");

    let users = dir.path().join("users.txt");
    std::fs::write(&users, "# readers\nalice:$argon2id$nonsense\n").expect("write");
    let output = entente()
        .args(["serve", "--addr", "0.0.0.0:0", "--db"])
        .arg(&db)
        .arg("--users")
        .arg(&users)
        .output()
        .expect("entente runs");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains(&format!("{} line 2: not a PHC argon2 hash", users.display())), "{stderr}");
}
