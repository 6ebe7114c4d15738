//! Session cookies: who signed in and until when, signed with HMAC-SHA256 so that the server
//! needs no session store. The value is `<who>.<expires>.<mac>`: `who` is `t` for the shared
//! token or `u-` and the user name in hex (any name is cookie-safe that way), `expires` is Unix
//! seconds, and `mac` is the hex HMAC of the first two parts under the server's session key.

use hmac::digest::{Key, KeyInit};
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

use crate::ingest::hex;

type HmacSha256 = Hmac<Sha256>;

/// The cookie's name.
pub(crate) const COOKIE: &str = "entente_session";

/// How long a sign-in lasts, in seconds: a working day.
pub(crate) const LIFETIME_SECS: i64 = 12 * 60 * 60;

/// Who a session belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Who {
    /// Whoever knew the shared token.
    Token,
    /// A user from the users file.
    User(String),
}

/// The key sessions are signed with.
#[derive(Clone)]
pub(crate) struct SessionKey([u8; 32]);

impl SessionKey {
    /// Derives the key from the server's secret and `context`, the configured credentials: a
    /// changed token or users file then ends every session signed before the change.
    pub(crate) fn derive(secret: &[u8], context: &[u8]) -> Self {
        let mut mac = mac(&Sha256::digest(secret).into());
        mac.update(b"entente session key v1\0");
        mac.update(context);
        SessionKey(mac.finalize().into_bytes().into())
    }

    /// The cookie value for `who`, valid until `expires` (Unix seconds).
    pub(crate) fn sign(&self, who: &Who, expires: i64) -> String {
        let payload = format!("{}.{expires}", encode_who(who));
        let mut mac = mac(&self.0);
        mac.update(payload.as_bytes());
        format!("{payload}.{}", hex(&mac.finalize().into_bytes()))
    }

    /// Who `value` was signed for, if this key signed it and it has not expired at `now`.
    pub(crate) fn verify(&self, value: &str, now: i64) -> Option<Who> {
        let (payload, signature) = value.rsplit_once('.')?;
        let mut mac = mac(&self.0);
        mac.update(payload.as_bytes());
        // `verify_slice` compares in constant time, so the MAC cannot be guessed byte by byte.
        mac.verify_slice(&unhex(signature)?).ok()?;
        let (who, expires) = payload.rsplit_once('.')?;
        if expires.parse::<i64>().ok()? <= now {
            return None;
        }
        decode_who(who)
    }
}

fn mac(key: &[u8; 32]) -> HmacSha256 {
    // HMAC zero-pads a key shorter than the hash's block, so padding it here gives the standard
    // HMAC through the infallible constructor (`new_from_slice` returns a Result that cannot fail).
    let mut block = Key::<HmacSha256>::default();
    block[..key.len()].copy_from_slice(key);
    <HmacSha256 as KeyInit>::new(&block)
}

fn encode_who(who: &Who) -> String {
    match who {
        Who::Token => "t".to_string(),
        Who::User(name) => format!("u-{}", hex(name.as_bytes())),
    }
}

fn decode_who(text: &str) -> Option<Who> {
    if text == "t" {
        return Some(Who::Token);
    }
    let name = String::from_utf8(unhex(text.strip_prefix("u-")?)?).ok()?;
    Some(Who::User(name))
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| text.get(i..i + 2).and_then(|pair| u8::from_str_radix(pair, 16).ok()))
        .collect()
}

/// The value of the session cookie among the request's `Cookie` headers, if any.
pub(crate) fn from_headers(headers: &axum::http::HeaderMap) -> Option<&str> {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE)
        .map(|(_, value)| value)
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_760_000_000;

    fn key() -> SessionKey {
        SessionKey::derive(b"server secret", b"credentials")
    }

    #[test]
    fn signed_sessions_verify_until_they_expire() {
        let key = key();
        let alice = Who::User("alice".to_string());
        let value = key.sign(&alice, NOW + 60);
        assert!(value.starts_with("u-616c696365."), "{value}");
        assert_eq!(key.verify(&value, NOW), Some(alice.clone()));
        assert_eq!(key.verify(&value, NOW + 59), Some(alice));
        assert_eq!(key.verify(&value, NOW + 60), None, "expired at the second");
        assert_eq!(key.verify(&key.sign(&Who::Token, NOW + 1), NOW), Some(Who::Token));
        let odd = Who::User("Zoë; Path=/".to_string());
        assert_eq!(key.verify(&key.sign(&odd, NOW + 1), NOW), Some(odd), "any name round-trips");
    }

    #[test]
    fn tampered_or_foreign_sessions_are_rejected() {
        let key = key();
        let value = key.sign(&Who::User("alice".to_string()), NOW + 60);
        let (payload, mac) = value.rsplit_once('.').expect("mac");
        // Another user, a later expiry, a changed MAC, or a truncated value.
        let bob = format!("u-626f62.{}.{mac}", NOW + 60);
        let later = format!("{}.{}.{mac}", payload.split('.').next().expect("who"), NOW + 6000);
        let flipped = format!("{payload}.{}{}", if mac.starts_with('0') { '1' } else { '0' }, &mac[1..]);
        for bad in [bob, later, flipped, payload.to_string(), String::new(), "t.1.zz".to_string()] {
            assert_eq!(key.verify(&bad, NOW), None, "{bad}");
        }
        // Another secret (a restart) or other credentials (a changed users file).
        assert_eq!(SessionKey::derive(b"other secret", b"credentials").verify(&value, NOW), None);
        assert_eq!(SessionKey::derive(b"server secret", b"changed").verify(&value, NOW), None);
    }

    #[test]
    fn the_cookie_is_found_among_others() {
        let mut headers = axum::http::HeaderMap::new();
        assert_eq!(from_headers(&headers), None);
        headers.append("cookie", "theme=dark; entente_session_x=no".parse().expect("header"));
        headers.append("cookie", "a=b; entente_session=t.1.ab ; c=d".parse().expect("header"));
        assert_eq!(from_headers(&headers), Some("t.1.ab"));
    }
}
