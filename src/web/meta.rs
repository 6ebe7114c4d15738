//! What a page says about itself to browsers and chat tools: its canonical URL and its Open
//! Graph title and description, so that a pasted link previews well.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::header;

/// `http://host:port` as the client addressed us, for absolute canonical and og:url links.
#[derive(Debug, Clone)]
pub struct Origin(pub String);

impl<S: Send + Sync> FromRequestParts<S> for Origin {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let host = parts
            .headers
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .filter(|h| valid_host(h))
            .unwrap_or("127.0.0.1:8080");
        Ok(Origin(format!("http://{host}")))
    }
}

/// A Host header is ours to echo only if it looks like a host name or address with a port.
fn valid_host(host: &str) -> bool {
    !host.is_empty()
        && host.len() <= 255
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'))
}

/// The head metadata of one page.
#[derive(Debug, Clone)]
pub struct PageMeta {
    pub canonical: String,
    pub title: String,
    pub description: String,
}

impl PageMeta {
    pub fn new(origin: &Origin, path_and_query: &str, title: impl Into<String>, description: impl Into<String>) -> Self {
        PageMeta {
            canonical: format!("{}{path_and_query}", origin.0),
            title: title.into(),
            description: description.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_hosts_are_echoed() {
        assert!(valid_host("127.0.0.1:8080"));
        assert!(valid_host("entente.internal"));
        assert!(valid_host("[::1]:8080"));
        assert!(!valid_host("evil.com\"><script>"));
        assert!(!valid_host(""));
    }
}
