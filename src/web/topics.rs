//! Topic pages: the taxonomy as a tree with counts, and one topic's events and articles
//! (a topic includes its subtopics).

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use sqlx::SqlitePool;

use super::error::AppError;
use super::meta::{Origin, PageMeta};
use super::params::check_slug;
use super::timeline::{MonthGroup, group};
use crate::store::read::{self, ArticleSummary, TopicRow, TopicSummary};
use crate::store::event_index::LiveIndex;
use crate::store::timeline::{self as tl, TimelineFilter};

/// A topic page lists this many recent events and articles; the timeline has them all.
const RECENT: i64 = 50;

/// A topic and its depth in the tree, for indentation.
pub struct TopicNode {
    pub topic: TopicSummary,
    pub depth: usize,
}

#[derive(Template, WebTemplate)]
#[template(path = "topics.html")]
pub struct TopicsPage {
    pub meta: PageMeta,
    pub nodes: Vec<TopicNode>,
}

pub async fn list_topics(State(db): State<SqlitePool>, origin: Origin) -> Result<TopicsPage, AppError> {
    let topics = read::topics(&db).await?;
    let mut nodes = Vec::new();
    push_children(&topics, None, 0, &mut nodes);
    let description = format!("{} topics in the diplomacy timeline.", nodes.len());
    Ok(TopicsPage {
        meta: PageMeta::new(&origin, "/topics", "Topics", description),
        nodes,
    })
}

/// Depth-first, so each topic is followed by its subtopics.
fn push_children(all: &[TopicSummary], parent: Option<&str>, depth: usize, out: &mut Vec<TopicNode>) {
    for topic in all.iter().filter(|t| t.parent.as_deref() == parent) {
        out.push(TopicNode {
            topic: topic.clone(),
            depth,
        });
        // The taxonomy is checked for unknown parents, not for cycles; a depth bound ends any.
        if depth < 16 {
            push_children(all, Some(&topic.slug), depth + 1, out);
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "topic.html")]
pub struct TopicPage {
    pub meta: PageMeta,
    pub topic: TopicRow,
    pub parent: Option<TopicRow>,
    pub children: Vec<TopicSummary>,
    pub months: Vec<MonthGroup>,
    pub event_count: i64,
    pub articles: Vec<ArticleSummary>,
}

pub async fn show_topic(
    State(db): State<SqlitePool>,
    State(index): State<LiveIndex>,
    origin: Origin,
    Path(slug): Path<String>,
) -> Result<TopicPage, AppError> {
    check_slug("slug", &slug).map_err(|_| AppError::not_found("topic", &slug))?;
    let topic = read::topic_by_slug(&db, &slug)
        .await?
        .ok_or_else(|| AppError::not_found("topic", &slug))?;
    let parent = match &topic.parent {
        Some(parent) => read::topic_by_slug(&db, parent).await?,
        None => None,
    };
    let children = read::topics(&db)
        .await?
        .into_iter()
        .filter(|t| t.parent.as_deref() == Some(topic.slug.as_str()))
        .collect();
    let filter = TimelineFilter {
        topics: vec![topic.slug.clone()],
        ..Default::default()
    };
    let index = index.get().await?;
    let selection = tl::select(&db, &index, &filter).await?;
    let events = tl::latest(&db, &selection, RECENT as usize).await?;
    let event_count = selection.count();
    let articles = read::topic_articles(&db, &topic.slug, RECENT).await?;
    let description = format!("{}: {event_count} events in {} articles.", topic.name, articles.len());
    Ok(TopicPage {
        meta: PageMeta::new(&origin, &format!("/topics/{}", topic.slug), topic.name.clone(), description),
        articles,
        months: group(events),
        event_count,
        children,
        parent,
        topic,
    })
}
