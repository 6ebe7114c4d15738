//! Source pages: the list of articles, and one article with its quotes, actors and dates
//! marked and every sentence anchored, so that timeline entries can link to what they cite.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, RawQuery, State};
use sqlx::SqlitePool;

use super::actors::Statement;
use super::error::AppError;
use super::format;
use super::meta::{Origin, PageMeta};
use super::marks::{self, Paragraph};
use super::params::{self, check_slug, page_href};
use super::timeline::EventItem;
use crate::store::read::{self, ActorSummary, ArticleRow, ArticleSummary, FactLine, Named, RelatedArticle, UNDATED};
use crate::store::timeline::{Cursor, PageAt, TimelineFilter};

/// Articles on one page of the list.
const SOURCES_PER_PAGE: i64 = 100;

#[derive(Template, WebTemplate)]
#[template(path = "sources.html")]
pub struct SourcesPage {
    pub meta: PageMeta,
    pub articles: Vec<ArticleSummary>,
    pub total: i64,
    pub newer_href: Option<String>,
    pub older_href: Option<String>,
}

pub async fn list_sources(
    State(db): State<SqlitePool>,
    origin: Origin,
    RawQuery(query): RawQuery,
) -> Result<SourcesPage, AppError> {
    let at = params::parse_page(query.as_deref())?;
    let (articles, newer, older) = read::articles_page(&db, &at, SOURCES_PER_PAGE).await?;
    let total = read::article_count(&db).await?;
    let none = TimelineFilter::default();
    let cursor = |a: &ArticleSummary| Cursor {
        date: a.published.clone().unwrap_or_else(|| UNDATED.to_string()),
        id: a.id,
    };
    let description = format!("{total} articles in the diplomacy timeline.");
    Ok(SourcesPage {
        meta: PageMeta::new(&origin, &page_href("/sources", &none, &at), "Sources", description),
        newer_href: articles.first().filter(|_| newer).map(|a| page_href("/sources", &none, &PageAt::Before(cursor(a)))),
        older_href: articles.last().filter(|_| older).map(|a| page_href("/sources", &none, &PageAt::After(cursor(a)))),
        articles,
        total,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "source.html")]
pub struct SourcePage {
    pub meta: PageMeta,
    pub article: ArticleRow,
    pub published: String,
    pub paragraphs: Vec<Paragraph>,
    pub statements: Vec<Statement>,
    pub actors: Vec<ActorSummary>,
    pub topics: Vec<Named>,
    pub events: Vec<EventItem>,
    pub related: Vec<RelatedArticle>,
    /// With `?explain=1`: every fact and the rule behind it, sentence by sentence.
    pub explanation: Option<Vec<FactLine>>,
}

pub async fn show_source(
    State(db): State<SqlitePool>,
    origin: Origin,
    Path(slug): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<SourcePage, AppError> {
    let explain = wants_explanation(query.as_deref())?;
    check_slug("slug", &slug).map_err(|_| AppError::not_found("source", &slug))?;
    let (article, body) = read::article_by_slug(&db, &slug)
        .await?
        .ok_or_else(|| AppError::not_found("source", &slug))?;
    let marks_data = read::article_marks(&db, article.id).await?;
    let quotes = read::article_quotes(&db, article.id).await?;
    let paragraphs = marks::layout(&body, &marks_data, &quotes);
    let description = format!(
        "{}{}, {}: {} quotes, as extracted by Entente.",
        article.outlet.as_deref().unwrap_or("Article"),
        article.via.as_deref().map(|v| format!(" via {v}")).unwrap_or_default(),
        format::short_date(article.published.as_deref()),
        quotes.len()
    );
    Ok(SourcePage {
        meta: PageMeta::new(&origin, &format!("/sources/{}", article.slug), article.title.clone(), description),
        published: format::short_date(article.published.as_deref()),
        paragraphs,
        statements: quotes.into_iter().map(Statement::new).collect(),
        actors: read::article_actors(&db, article.id).await?,
        topics: read::article_topics(&db, article.id).await?,
        events: read::article_events(&db, article.id)
            .await?
            .into_iter()
            .map(EventItem::new)
            .collect(),
        related: read::related_articles(&db, article.id).await?,
        explanation: if explain { Some(read::article_explanation(&db, article.id).await?) } else { None },
        article,
    })
}

/// `explain=1` shows the explanation; anything but 1 or 0 is a bad parameter.
fn wants_explanation(query: Option<&str>) -> Result<bool, AppError> {
    let mut explain = false;
    for (key, value) in form_urlencoded::parse(query.unwrap_or("").as_bytes()) {
        if key == "explain" {
            explain = match value.as_ref() {
                "1" => true,
                "0" | "" => false,
                other => {
                    return Err(AppError::bad_param(
                        "explain",
                        format!("`{}` is not 1 or 0", other.chars().take(20).collect::<String>()),
                    ));
                }
            };
        }
    }
    Ok(explain)
}
