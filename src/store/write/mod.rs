//! Writing: the reference data, and articles with all their facts (`Writer`).
//!
//! An article is replaced whole: its row is deleted (its facts go with it by cascade) and
//! inserted again under the same slug. Events are shared between articles, so after a
//! replacement the events and extracted actors that nothing refers to any more are removed.

mod article;
pub(crate) mod bulk;
mod memory;
mod rows;

use std::collections::HashMap;

use sqlx::{Sqlite, SqlitePool, Transaction};

pub use article::Writer;

use crate::extract::Speaker;
use crate::reference::{ActorEntry, Reference, slugify};

/// The article's own fields, as stored.
#[derive(Debug, Clone)]
pub struct ArticleRecord {
    pub path: String,
    pub file: String,
    pub raw_hash: String,
    pub content_hash: String,
    pub title: String,
    pub outlet: Option<String>,
    pub outlet_slug: Option<String>,
    pub via: Option<String>,
    pub url: Option<String>,
    pub published: Option<String>,
    pub author: Option<String>,
    pub language: Option<String>,
    pub body: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Saved {
    New,
    Updated,
}

pub async fn meta(pool: &SqlitePool, key: &str) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar("SELECT value FROM meta WHERE key = ?")
        .bind(key)
        .fetch_optional(pool)
        .await
}

pub async fn set_meta(pool: &SqlitePool, key: &str, value: &str) -> sqlx::Result<()> {
    sqlx::query("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value")
        .bind(key)
        .bind(value)
        .execute(pool)
        .await
        .map(|_| ())
}

/// The files an import starts from: each path's content hash, and which path holds which bytes.
#[derive(Debug, Default)]
pub struct Known {
    pub by_path: HashMap<String, String>,
    pub by_raw_hash: HashMap<String, String>,
}

/// Loaded once per import (two columns of the articles table), so that no file costs a query
/// to find out it is unchanged or a copy of another.
pub async fn known_files(pool: &SqlitePool) -> sqlx::Result<Known> {
    let rows: Vec<(String, String, String)> = sqlx::query_as("SELECT path, content_hash, raw_hash FROM articles")
        .fetch_all(pool)
        .await?;
    let mut known = Known::default();
    for (path, content_hash, raw_hash) in rows {
        known.by_raw_hash.insert(raw_hash, path.clone());
        known.by_path.insert(path, content_hash);
    }
    Ok(known)
}

/// Actor and topic ids by slug, loaded once per import and kept up to date as extracted actors
/// come and go, so that writing an article does not look them up one by one.
#[derive(Debug, Default)]
pub(crate) struct Ids {
    /// slug -> (id, display name)
    actors: HashMap<String, (i64, String)>,
    topics: HashMap<String, i64>,
}

impl Ids {
    async fn load(pool: &SqlitePool) -> sqlx::Result<Self> {
        let actors: Vec<(String, i64, String)> = sqlx::query_as("SELECT slug, id, name FROM actors")
            .fetch_all(pool)
            .await?;
        let topics: Vec<(String, i64)> = sqlx::query_as("SELECT slug, id FROM topics").fetch_all(pool).await?;
        Ok(Ids {
            actors: actors.into_iter().map(|(slug, id, name)| (slug, (id, name))).collect(),
            topics: topics.into_iter().collect(),
        })
    }

    fn actor(&self, slug: &str) -> Option<&(i64, String)> {
        self.actors.get(slug)
    }

    fn topic(&self, slug: &str) -> Option<i64> {
        self.topics.get(slug).copied()
    }

    fn add_actor(&mut self, slug: &str, id: i64, name: &str) {
        self.actors.insert(slug.to_string(), (id, name.to_string()));
    }

    fn forget_actors(&mut self, slugs: &[String]) {
        for slug in slugs {
            self.actors.remove(slug);
        }
    }

    /// The actor id (when known) and the display name of a speaker.
    fn speaker(&self, speaker: Option<&Speaker>) -> (Option<i64>, Option<String>) {
        match speaker {
            None => (None, None),
            Some(Speaker::Unnamed(description)) => (None, Some(description.clone())),
            Some(Speaker::Actor(slug)) => match self.actors.get(slug) {
                Some((id, name)) => (Some(*id), Some(name.clone())),
                None => (None, Some(slug.clone())),
            },
        }
    }
}

/// Makes the actors and topics tables match the reference files.
pub async fn sync_reference(pool: &SqlitePool, reference: &Reference) -> sqlx::Result<()> {
    let mut tx = pool.begin().await?;
    for actor in &reference.actors {
        let id = upsert_actor(&mut tx, actor, "gazetteer").await?;
        sqlx::query("DELETE FROM actor_aliases WHERE actor_id = ?")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM actor_roles WHERE actor_id = ?")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        insert_aliases_and_roles(&mut tx, id, actor).await?;
    }
    let slugs: Vec<&str> = reference.actors.iter().map(|a| a.slug.as_str()).collect();
    sqlx::query("DELETE FROM actors WHERE origin = 'gazetteer' AND slug NOT IN (SELECT value FROM json_each(?))")
        .bind(serde_json::to_string(&slugs).unwrap_or_default())
        .execute(&mut *tx)
        .await?;

    for topic in &reference.topics {
        sqlx::query(
            "INSERT INTO topics (slug, name, parent, keywords) VALUES (?, ?, ?, ?)
             ON CONFLICT (slug) DO UPDATE SET name = excluded.name, parent = excluded.parent,
                 keywords = excluded.keywords",
        )
        .bind(&topic.slug)
        .bind(&topic.name)
        .bind(&topic.parent)
        .bind(serde_json::to_string(&topic.keywords).unwrap_or_default())
        .execute(&mut *tx)
        .await?;
    }
    let slugs: Vec<&str> = reference.topics.iter().map(|t| t.slug.as_str()).collect();
    sqlx::query("DELETE FROM topics WHERE slug NOT IN (SELECT value FROM json_each(?))")
        .bind(serde_json::to_string(&slugs).unwrap_or_default())
        .execute(&mut *tx)
        .await?;
    tx.commit().await
}

async fn upsert_actor(
    tx: &mut Transaction<'_, Sqlite>,
    actor: &ActorEntry,
    origin: &str,
) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "INSERT INTO actors (slug, name, kind, country, origin) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (slug) DO UPDATE SET name = excluded.name, kind = excluded.kind,
             country = excluded.country, origin = excluded.origin
         RETURNING id",
    )
    .bind(&actor.slug)
    .bind(&actor.name)
    .bind(actor.kind.as_str())
    .bind(&actor.country)
    .bind(origin)
    .fetch_one(&mut **tx)
    .await
}

async fn insert_aliases_and_roles(
    tx: &mut Transaction<'_, Sqlite>,
    id: i64,
    actor: &ActorEntry,
) -> sqlx::Result<()> {
    for alias in &actor.aliases {
        sqlx::query("INSERT OR IGNORE INTO actor_aliases (actor_id, alias) VALUES (?, ?)")
            .bind(id)
            .bind(alias)
            .execute(&mut **tx)
            .await?;
    }
    for role in &actor.roles {
        sqlx::query("INSERT INTO actor_roles (actor_id, title, of_slug, date_from, date_to) VALUES (?, ?, ?, ?, ?)")
            .bind(id)
            .bind(&role.title)
            .bind(&role.of)
            .bind(role.from.map(|d| d.to_string()))
            .bind(role.to.map(|d| d.to_string()))
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// The first `n` words of `text` as a slug.
fn slugify_words(text: &str, n: usize) -> String {
    let slug = slugify(text);
    let words: Vec<&str> = slug.split('-').filter(|w| !w.is_empty()).take(n).collect();
    if words.is_empty() {
        "untitled".to_string()
    } else {
        words.join("-")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_take_the_first_words() {
        assert_eq!(slugify_words("Macron wins no security guarantees from Trump", 4), "macron-wins-no-security");
        assert_eq!(slugify_words("“”", 4), "untitled");
    }
}
