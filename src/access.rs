//! Who may read the site: the credentials (a shared token, users with argon2 password hashes),
//! loading them from files with errors that name the file and line, hashing a new password for
//! the users file, and the rule that refuses to serve a non-loopback address to anyone at all
//! unless that was asked for. The web side of sign-in lives in `web::auth`.

use std::fmt;
use std::net::SocketAddr;
use std::path::Path;

use anyhow::Context;
use argon2::{Algorithm, Argon2, Params, PasswordHash, PasswordHasher, PasswordVerifier};

/// A shared token shorter than this is refused: it would be guessable.
pub const MIN_TOKEN_LEN: usize = 16;

/// Someone allowed in by name: a line `name:$argon2id$...` of the users file.
#[derive(Clone, PartialEq, Eq)]
pub struct User {
    pub name: String,
    /// The PHC string, checked to parse as argon2 when the file was read.
    phc: String,
}

// By hand so that a debug print never shows a hash.
impl fmt::Debug for User {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("User").field("name", &self.name).finish_non_exhaustive()
    }
}

impl User {
    /// The PHC string, as written in the users file.
    pub(crate) fn phc(&self) -> &str {
        &self.phc
    }

    /// Whether `password` is this user's. Slow on purpose (argon2): call it off the async threads.
    pub fn verify(&self, password: &str) -> bool {
        verify_password(&self.phc, password)
    }
}

/// Whether `password` matches the PHC argon2 string `phc`; a malformed string matches nothing.
pub fn verify_password(phc: &str, password: &str) -> bool {
    // The hash carries its own algorithm and parameters; the default instance only supplies code.
    Argon2::default().verify_password(password.as_bytes(), phc).is_ok()
}

/// An argon2id PHC string for `password` with a fresh random salt and the crate's default
/// (OWASP-recommended) parameters: what `entente hash-password` prints.
pub fn hash_password(password: &str) -> anyhow::Result<String> {
    let hash = Argon2::default()
        .hash_password(password.as_bytes())
        .map_err(|err| anyhow::anyhow!("cannot hash the password: {err}"))?;
    Ok(hash.to_string())
}

/// Reads a users file: one `name:PHC` per line; blank lines and lines starting with `#` are
/// skipped. Any bad line fails the whole file, so a typo never silently locks someone out.
pub fn load_users(path: &Path) -> anyhow::Result<Vec<User>> {
    let text = std::fs::read_to_string(path).with_context(|| format!("{}: cannot read", path.display()))?;
    parse_users(&text).map_err(|err| anyhow::anyhow!("{} {err}", path.display()))
}

/// A problem on one line of a users file; shown after the file's name.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {problem}")]
pub struct UsersError {
    pub line: usize,
    pub problem: String,
}

/// Parses the text of a users file (see [`load_users`]).
pub fn parse_users(text: &str) -> Result<Vec<User>, UsersError> {
    let mut users: Vec<User> = Vec::new();
    for (index, raw) in text.lines().enumerate() {
        let line = index + 1;
        let fail = |problem: &str| UsersError {
            line,
            problem: problem.to_string(),
        };
        let entry = raw.trim();
        if entry.is_empty() || entry.starts_with('#') {
            continue;
        }
        let (name, phc) = entry
            .split_once(':')
            .ok_or_else(|| fail("expected `name:$argon2id$...` (make the hash with `entente hash-password`)"))?;
        let name = name.trim();
        if name.is_empty() {
            return Err(fail("empty user name"));
        }
        if name.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(fail("a user name cannot contain spaces or control characters"));
        }
        if users.iter().any(|u| u.name == name) {
            return Err(fail(&format!("user `{name}` is listed twice")));
        }
        let phc = phc.trim();
        check_phc(phc).map_err(|_| fail("not a PHC argon2 hash (make one with `entente hash-password`)"))?;
        users.push(User {
            name: name.to_string(),
            phc: phc.to_string(),
        });
    }
    Ok(users)
}

/// Accepts a PHC string only if verifying against it can work: an argon2 variant, parameters
/// argon2 takes, a salt and a hash. Checked at load so that a bad line fails at start, not at
/// the user's first sign-in.
fn check_phc(phc: &str) -> Result<(), ()> {
    let hash = PasswordHash::new(phc).map_err(|_| ())?;
    Algorithm::try_from(hash.algorithm.as_str()).map_err(|_| ())?;
    Params::try_from(&hash).map_err(|_| ())?;
    if hash.salt.is_none() || hash.hash.is_none() {
        return Err(());
    }
    Ok(())
}

/// Reads the shared token from `path`: the file's content without surrounding whitespace.
pub fn load_token_file(path: &Path) -> anyhow::Result<String> {
    let text = std::fs::read_to_string(path).with_context(|| format!("{}: cannot read", path.display()))?;
    check_token(text.trim()).map_err(|err| anyhow::anyhow!("{}: {err}", path.display()))
}

/// A token as given (file or `ENTENTE_TOKEN`), refused when empty or short enough to guess.
pub fn check_token(token: &str) -> anyhow::Result<String> {
    let len = token.chars().count();
    if len < MIN_TOKEN_LEN {
        anyhow::bail!(
            "the token has {len} characters; use at least {MIN_TOKEN_LEN} (for example `openssl rand -hex 32`)"
        );
    }
    if token.chars().any(char::is_control) {
        anyhow::bail!("the token contains control characters");
    }
    Ok(token.to_string())
}

/// Why [`check_bind`] refused: the message says what to do instead.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "refusing to serve on {addr} without access control: anyone who can reach that address could \
     read the site. Configure a shared token (--token-file FILE or ENTENTE_TOKEN_FILE) or users \
     (--users FILE or ENTENTE_USERS, hashes made with `entente hash-password`), or serve everyone \
     on purpose with --allow-anonymous (ENTENTE_ALLOW_ANONYMOUS=true), or bind to 127.0.0.1"
)]
pub struct BindRefused {
    pub addr: SocketAddr,
}

/// The refusal rule: a non-loopback address needs credentials or an explicit `allow_anonymous`.
/// Loopback (127.0.0.0/8, ::1, and ::ffff:127.x.x.x) only reaches this machine, so it is fine
/// as it is.
pub fn check_bind(addr: SocketAddr, has_credentials: bool, allow_anonymous: bool) -> Result<(), BindRefused> {
    if addr.ip().to_canonical().is_loopback() || has_credentials || allow_anonymous {
        Ok(())
    } else {
        Err(BindRefused { addr })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn addr(s: &str) -> SocketAddr {
        s.parse().expect("socket address")
    }

    #[test]
    fn loopback_needs_nothing() {
        for a in ["127.0.0.1:8080", "127.9.9.9:1", "[::1]:8080", "[::ffff:127.0.0.1]:80"] {
            assert_eq!(check_bind(addr(a), false, false), Ok(()), "{a}");
        }
    }

    #[test]
    fn other_addresses_need_credentials_or_explicit_anonymity() {
        for a in ["0.0.0.0:8080", "10.1.2.3:8080", "[::]:8080", "[fe80::1]:80", "[::ffff:10.0.0.1]:80"] {
            assert_eq!(check_bind(addr(a), false, false), Err(BindRefused { addr: addr(a) }), "{a}");
            assert_eq!(check_bind(addr(a), true, false), Ok(()), "{a}");
            assert_eq!(check_bind(addr(a), false, true), Ok(()), "{a}");
        }
        let message = BindRefused { addr: addr("0.0.0.0:8080") }.to_string();
        for hint in ["0.0.0.0:8080", "--token-file", "--users", "--allow-anonymous", "hash-password"] {
            assert!(message.contains(hint), "{message}");
        }
    }

    /// A cheap hash (tiny parameters) so the tests stay fast; verification reads the
    /// parameters from the string, as it does for real hashes.
    fn cheap_hash(password: &str) -> String {
        let params = Params::new(64, 1, 1, None).expect("params");
        Argon2::new(Algorithm::Argon2id, argon2::Version::V0x13, params)
            .hash_password(password.as_bytes())
            .expect("hash")
            .to_string()
    }

    #[test]
    fn users_file_parses_and_verifies() {
        let text = format!(
            "# readers\n\nalice:{}\n  bob : {}  \n",
            cheap_hash("correct horse"),
            cheap_hash("battery staple")
        );
        let users = parse_users(&text).expect("parses");
        let names: Vec<&str> = users.iter().map(|u| u.name.as_str()).collect();
        assert_eq!(names, ["alice", "bob"]);
        assert!(users[0].verify("correct horse"));
        assert!(!users[0].verify("battery staple"));
        assert!(users[1].verify("battery staple"));
        assert!(!format!("{:?}", users[0]).contains("argon2"), "Debug hides the hash");
    }

    #[test]
    fn users_file_errors_name_the_line() {
        let good = cheap_hash("pw");
        let cases = [
            (format!("alice:{good}\nbob\n"), 2, "expected `name:"),
            (format!("alice:{good}\n\n# x\nbob:$2b$12$notargon\n"), 4, "not a PHC argon2 hash"),
            ("carol:plaintext".to_string(), 1, "not a PHC argon2 hash"),
            (format!("carol:{}", good.replace("argon2id", "scrypt")), 1, "not a PHC argon2 hash"),
            (format!("alice:{good}\nalice:{good}\n"), 2, "listed twice"),
            (format!(":{good}\n"), 1, "empty user name"),
            (format!("a b:{good}\n"), 1, "spaces"),
        ];
        for (text, line, problem) in cases {
            let err = parse_users(&text).expect_err(&text);
            assert_eq!(err.line, line, "{text}");
            assert!(err.to_string().starts_with(&format!("line {line}: ")), "{err}");
            assert!(err.problem.contains(problem), "{err}");
        }
    }

    #[test]
    fn load_users_puts_the_file_name_first() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("users.txt");
        std::fs::write(&path, "# ok\n\nalice:nope\n").expect("write");
        let err = load_users(&path).expect_err("bad line").to_string();
        assert_eq!(
            err,
            format!("{} line 3: not a PHC argon2 hash (make one with `entente hash-password`)", path.display())
        );
    }

    #[test]
    fn tokens_must_be_long_enough() {
        assert!(check_token("short").is_err());
        assert!(check_token("a-long-enough-shared-token").is_ok());
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("token");
        std::fs::write(&path, "  a-long-enough-shared-token\n").expect("write");
        assert_eq!(load_token_file(&path).expect("token"), "a-long-enough-shared-token");
    }
}
