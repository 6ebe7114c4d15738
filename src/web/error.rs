//! The web layer's one error type and how each case becomes a page with a status code.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

/// Everything a handler can fail with.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// A query parameter that cannot be used, named with the reason.
    #[error("{param}: {reason}")]
    BadParam { param: String, reason: String },
    /// A slug (or path) that names nothing.
    #[error("no {what} `{slug}`")]
    NotFound { what: &'static str, slug: String },
    /// A request this site will not act on, with the reason.
    #[error("{0}")]
    Forbidden(String),
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    #[error("template: {0}")]
    Template(#[from] askama::Error),
}

impl AppError {
    pub fn bad_param(param: &str, reason: impl Into<String>) -> Self {
        AppError::BadParam {
            param: param.to_string(),
            reason: reason.into(),
        }
    }

    pub fn not_found(what: &'static str, slug: &str) -> Self {
        AppError::NotFound {
            what,
            slug: slug.to_string(),
        }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            AppError::BadParam { .. } => StatusCode::BAD_REQUEST,
            AppError::NotFound { .. } => StatusCode::NOT_FOUND,
            AppError::Forbidden(_) => StatusCode::FORBIDDEN,
            AppError::Database(_) | AppError::Template(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    pub title: String,
    pub message: String,
    pub status: u16,
    /// Where a reader could go instead: (href, label).
    pub links: Vec<(String, String)>,
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status = self.status();
        let (title, message, links) = match &self {
            AppError::BadParam { .. } => (
                "Bad request".to_string(),
                self.to_string(),
                vec![("/".to_string(), "The whole timeline".to_string())],
            ),
            AppError::NotFound { what, .. } => (
                "Not found".to_string(),
                format!("There is {self}."),
                recovery_links(what),
            ),
            AppError::Forbidden(_) => (
                "Forbidden".to_string(),
                format!("Not done: {self}."),
                vec![("/".to_string(), "The timeline".to_string())],
            ),
            AppError::Database(_) | AppError::Template(_) => {
                // Logged once here, never shown: the details are ours, not the reader's.
                tracing::error!("{self}");
                (
                    "Something went wrong".to_string(),
                    "The page could not be built. The error has been logged.".to_string(),
                    vec![("/".to_string(), "The timeline".to_string())],
                )
            }
        };
        let page = ErrorPage {
            title,
            message,
            status: status.as_u16(),
            links,
        };
        match page.render() {
            Ok(html) => (status, Html(html)).into_response(),
            Err(err) => {
                tracing::error!("error page: {err}");
                (status, page.message).into_response()
            }
        }
    }
}

fn recovery_links(what: &str) -> Vec<(String, String)> {
    let list = match what {
        "actor" => Some(("/actors", "All actors")),
        "source" => Some(("/sources", "All sources")),
        "topic" => Some(("/topics", "All topics")),
        "event" => Some(("/", "The timeline")),
        _ => None,
    };
    let mut links: Vec<(String, String)> = list
        .into_iter()
        .map(|(href, label)| (href.to_string(), label.to_string()))
        .collect();
    if what != "event" {
        links.push(("/".to_string(), "The timeline".to_string()));
    }
    links
}
