//! Source pages: the list of articles, and one article with its quotes, actors and dates
//! marked and every sentence anchored, so that timeline entries can link to what they cite.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use sqlx::SqlitePool;

use super::actors::Statement;
use super::error::AppError;
use super::format;
use super::meta::{Origin, PageMeta};
use super::marks::{self, Paragraph};
use super::params::check_slug;
use super::timeline::EventItem;
use crate::store::read::{self, ActorSummary, ArticleRow, ArticleSummary, Named, RelatedArticle};

#[derive(Template, WebTemplate)]
#[template(path = "sources.html")]
pub struct SourcesPage {
    pub meta: PageMeta,
    pub articles: Vec<ArticleSummary>,
}

pub async fn list_sources(State(db): State<SqlitePool>, origin: Origin) -> Result<SourcesPage, AppError> {
    let articles = read::articles(&db).await?;
    let description = format!("{} articles in the diplomacy timeline.", articles.len());
    Ok(SourcesPage {
        meta: PageMeta::new(&origin, "/sources", "Sources", description),
        articles,
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
}

pub async fn show_source(
    State(db): State<SqlitePool>,
    origin: Origin,
    Path(slug): Path<String>,
) -> Result<SourcePage, AppError> {
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
        article,
    })
}
