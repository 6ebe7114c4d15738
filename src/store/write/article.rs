//! The article writer: whole articles with all their facts, committed in groups of four
//! seconds' work (4,000 articles at most).
//!
//! Committing every article would write each touched page to the write-ahead log once per
//! article, and make each full-text index write a segment per article and merge them again;
//! grouping the commits does both once per group. An article is never partly stored: a crash,
//! or a database error (which ends the import), loses the group in flight whole, and the next
//! import redoes it.
//!
//! The writer allocates the ids of new rows itself (it holds SQLite's write lock for the whole
//! group), so an article's rows go to the database as one batch (`rows`): one round trip on the
//! usual path. That batch runs while the writer plans the next article, which needs the
//! database only for what it has not read yet.

use std::collections::HashSet;
use std::future::Future;
use std::pin::Pin;
use std::task::Poll;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use sqlx::{Sqlite, SqlitePool, Transaction};

use super::memory::{EventDays, EventKey, KnownEvent, Month, SpeakerWordings, Wording, Wordings, Words, month_days, same_words};
use super::rows::ArticleRows;
use super::{ArticleRecord, Ids, Saved, slugify_words};
use crate::extract::{Facts, QuoteFact, Speaker};

/// How long a group of articles stays uncommitted: short enough that readers see an import
/// progress, long enough that commits cost little. Many index pages take a row from most
/// articles, so a longer group writes each of them to the log for more articles at once: at
/// 100,000 articles, 2 s instead of 0.5 s took the import from 107 s to 86 s. With the page
/// indexes left out of bulk imports (`bulk`), 4 s and twice the page cache (`store`) instead of
/// 2 s took it from 100 s to 91 s; 4 s alone, to 96 s.
const GROUP_TIME: Duration = Duration::from_millis(4000);

/// The most articles a group holds however fast they come: what a crash can lose is bounded by
/// this as well as by time.
const GROUP_ARTICLES: usize = 4000;

/// The statement key shared by all unnamed sources; their wording has to match more closely.
const UNNAMED: &str = "unnamed";

/// One open group: its transaction, the next free id of each table the writer fills, and
/// where the group's rows begin in the tables that are searched.
struct Group {
    conn: Connection,
    started: Instant,
    articles: usize,
    next: NextIds,
    first: FirstIds,
}

/// A group's transaction: ready, or held by the insert of the article written last.
struct Connection {
    ready: Option<Transaction<'static, Sqlite>>,
    inserting: Option<Inserting>,
}

/// An insert under way, holding the transaction until it finishes.
type Inserting = Pin<Box<dyn Future<Output = (Transaction<'static, Sqlite>, sqlx::Result<()>)> + Send>>;

impl Connection {
    fn new(tx: Transaction<'static, Sqlite>) -> Self {
        Connection {
            ready: Some(tx),
            inserting: None,
        }
    }

    /// The transaction, once the insert in flight has finished; that insert's error if it
    /// failed. (It is missing only if a caller was cancelled inside `insert`, and the writer
    /// is then being dropped.)
    async fn tx(&mut self) -> sqlx::Result<&mut Transaction<'static, Sqlite>> {
        if let Some(inserting) = self.inserting.take() {
            let (tx, result) = inserting.await;
            self.ready = Some(tx);
            result?;
        }
        self.ready.as_mut().ok_or(sqlx::Error::WorkerCrashed)
    }

    /// Starts inserting `rows`; the next `tx` waits for it. One poll hands the batch to the
    /// connection's own thread, where SQLite runs it while the writer plans the next article.
    async fn insert(&mut self, rows: ArticleRows) -> sqlx::Result<()> {
        self.tx().await?;
        let mut tx = self.ready.take().ok_or(sqlx::Error::WorkerCrashed)?;
        let mut inserting: Inserting = Box::pin(async move {
            let result = rows.insert(&mut tx).await;
            (tx, result)
        });
        match std::future::poll_fn(|cx| Poll::Ready(inserting.as_mut().poll(cx))).await {
            Poll::Ready((tx, result)) => {
                self.ready = Some(tx);
                result
            }
            Poll::Pending => {
                self.inserting = Some(inserting);
                Ok(())
            }
        }
    }

    /// The transaction, to commit, once every insert has finished.
    async fn into_tx(mut self) -> sqlx::Result<Transaction<'static, Sqlite>> {
        self.tx().await?;
        self.ready.ok_or(sqlx::Error::WorkerCrashed)
    }
}

#[derive(Debug, Clone, Copy)]
struct NextIds {
    article: i64,
    event: i64,
    statement: i64,
    actor: i64,
}

/// The first id a group's rows can have in each table with a full-text index.
#[derive(Debug, Clone, Copy)]
struct FirstIds {
    article: i64,
    event: i64,
    sentence: i64,
    quote: i64,
}

/// Writes articles for one import. Call `finish` at the end, or the last group is lost.
pub struct Writer {
    pool: SqlitePool,
    group: Option<Group>,
    ids: Ids,
    events: EventDays,
    wordings: Wordings,
}

impl Writer {
    pub async fn new(pool: &SqlitePool) -> sqlx::Result<Self> {
        Ok(Writer {
            pool: pool.clone(),
            group: None,
            ids: Ids::load(pool).await?,
            events: EventDays::default(),
            wordings: Wordings::default(),
        })
    }

    /// Stores `article` and its facts, replacing the stored article of the same path when
    /// `replaces`. On a database error the open group is rolled back and the error returned:
    /// the writer must not be used again.
    pub async fn save(&mut self, article: &ArticleRecord, facts: &Facts, replaces: bool) -> sqlx::Result<Saved> {
        if replaces {
            // Triggers remove a replaced article's search entries, so everything it refers to
            // must be indexed already: the open group's rows are indexed when it commits.
            self.commit().await?;
        }
        let mut group = match self.group.take() {
            Some(group) => group,
            None => begin_group(&self.pool).await?,
        };
        // On an error the group is dropped here, which rolls it back.
        let saved = self.write(&mut group, article, facts, replaces).await?;
        group.articles += 1;
        let due = group.started.elapsed() >= GROUP_TIME || group.articles >= GROUP_ARTICLES;
        self.group = Some(group);
        if due {
            self.commit().await?;
        }
        Ok(saved)
    }

    /// Commits the articles written so far.
    pub async fn finish(mut self) -> sqlx::Result<()> {
        self.commit().await
    }

    async fn commit(&mut self) -> sqlx::Result<()> {
        let Some(group) = self.group.take() else {
            return Ok(());
        };
        let mut tx = group.conn.into_tx().await?;
        index_for_search(&mut tx, group.first).await?;
        tx.commit().await
    }

    async fn write(&mut self, group: &mut Group, article: &ArticleRecord, facts: &Facts, replaces: bool) -> sqlx::Result<Saved> {
        let Writer {
            ids,
            events,
            wordings,
            ..
        } = self;
        let old: Option<(i64, String)> = if replaces {
            sqlx::query_as("SELECT id, slug FROM articles WHERE path = ?")
                .bind(&article.path)
                .fetch_optional(&mut **group.conn.tx().await?)
                .await?
        } else {
            None
        };
        let saved = if old.is_some() { Saved::Updated } else { Saved::New };
        let mut orphans = Orphans::default();
        if let Some((old_id, _)) = &old {
            orphans = orphans_of(group.conn.tx().await?, *old_id).await?;
            sqlx::query("DELETE FROM articles WHERE id = ?")
                .bind(old_id)
                .execute(&mut **group.conn.tx().await?)
                .await?;
            // What the old version said is gone: read those speakers afresh. (Its events stay
            // until `prune`, which is when the days they are on are forgotten.)
            wordings.forget(&orphans.speakers);
        }
        let article_id = group.next.article;
        group.next.article += 1;

        let mut plan = Plan::new(article_id);
        plan.new_actors(ids, &mut group.next, facts);
        for (i, _) in &plan.actors {
            wordings.speaker_mut(&facts.new_actors[*i].slug).mark_complete();
        }
        plan.quotes(&mut group.conn, ids, wordings, &mut group.next, facts).await?;
        plan.events(&mut group.conn, ids, events, &mut group.next, facts).await?;

        // A replaced article keeps its slug; a new one gets the first free one in the batch.
        let kept_slug = old.as_ref().map(|(_, slug)| slug.as_str());
        group.conn.insert(ArticleRows::new(&plan, ids, article, kept_slug, facts)).await?;

        if saved == Saved::Updated {
            let pruned = prune(group.conn.tx().await?, &orphans).await?;
            ids.forget_actors(&pruned);
            for key in &orphans.event_keys {
                events.forget(key);
            }
        }
        Ok(saved)
    }
}

async fn begin_group(pool: &SqlitePool) -> sqlx::Result<Group> {
    // IMMEDIATE: the write lock is taken now, so the ids read next stay free for this group.
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    let (article, event, statement, actor, sentence, quote) = sqlx::query_as(
        "SELECT (SELECT COALESCE(MAX(id), 0) + 1 FROM articles), (SELECT COALESCE(MAX(id), 0) + 1 FROM events),
                (SELECT COALESCE(MAX(id), 0) + 1 FROM statements), (SELECT COALESCE(MAX(id), 0) + 1 FROM actors),
                (SELECT COALESCE(MAX(id), 0) + 1 FROM sentences), (SELECT COALESCE(MAX(id), 0) + 1 FROM quotes)",
    )
    .fetch_one(&mut *tx)
    .await?;
    let next = NextIds {
        article,
        event,
        statement,
        actor,
    };
    let first = FirstIds {
        article,
        event,
        sentence,
        quote,
    };
    Ok(Group {
        conn: Connection::new(tx),
        started: Instant::now(),
        articles: 0,
        next,
        first,
    })
}

/// Adds the group's new rows to the full-text indexes, one statement per index: FTS5 writes a
/// segment per statement, so this is what keeps the indexes small and the import fast.
async fn index_for_search(tx: &mut Transaction<'static, Sqlite>, first: FirstIds) -> sqlx::Result<()> {
    sqlx::query(
        // Plain `?` only: sqlx numbers them across the statements of a batch.
        "INSERT INTO articles_fts (rowid, title, body) SELECT id, title, body FROM articles WHERE id >= ?;
         INSERT INTO events_fts (rowid, title) SELECT id, title FROM events WHERE id >= ?;
         INSERT INTO sentences_fts (rowid, text) SELECT id, text FROM sentences WHERE id >= ?;
         INSERT INTO quotes_fts (rowid, text) SELECT id, text FROM quotes WHERE id >= ?;",
    )
    .bind(first.article)
    .bind(first.event)
    .bind(first.sentence)
    .bind(first.quote)
    .execute(&mut **tx)
    .await
    .map(|_| ())
}

/// What an article's old version referred to that may be left without support once it is gone.
#[derive(Default)]
struct Orphans {
    events: Vec<i64>,
    event_keys: Vec<EventKey>,
    statements: Vec<i64>,
    speakers: HashSet<String>,
    actors: Vec<i64>,
}

/// The events, statements and extracted actors an article refers to, read before it is deleted.
async fn orphans_of(tx: &mut Transaction<'static, Sqlite>, article_id: i64) -> sqlx::Result<Orphans> {
    let events: Vec<(i64, String, String, String)> = sqlx::query_as(
        "SELECT DISTINCT e.id, e.date_start, e.date_end, e.precision FROM event_sources s
         JOIN events e ON e.id = s.event_id WHERE s.article_id = ?",
    )
    .bind(article_id)
    .fetch_all(&mut **tx)
    .await?;
    let statements: Vec<(i64, String)> = sqlx::query_as(
        "SELECT DISTINCT s.id, s.speaker_key FROM quotes q JOIN statements s ON s.id = q.statement_id
         WHERE q.article_id = ?",
    )
    .bind(article_id)
    .fetch_all(&mut **tx)
    .await?;
    let actors = sqlx::query_scalar(
        "SELECT DISTINCT a.id FROM actors a WHERE a.origin = 'extracted' AND a.id IN (
             SELECT actor_id FROM mentions WHERE article_id = ?1
             UNION SELECT speaker_id FROM quotes WHERE article_id = ?1
             UNION SELECT reported_by_id FROM quotes WHERE article_id = ?1)",
    )
    .bind(article_id)
    .fetch_all(&mut **tx)
    .await?;
    Ok(Orphans {
        events: events.iter().map(|e| e.0).collect(),
        event_keys: events
            .into_iter()
            .filter_map(|(_, start, end, precision)| Some((start, end, precision_str(&precision)?)))
            .collect(),
        statements: statements.iter().map(|s| s.0).collect(),
        speakers: statements.into_iter().map(|s| s.1).collect(),
        actors,
    })
}

/// The precision names the schema allows, as the static strings event keys use.
fn precision_str(name: &str) -> Option<&'static str> {
    ["day", "week", "month", "year"].into_iter().find(|p| *p == name)
}

/// Removes what the replaced article alone supported. Only its own references are checked, so
/// the cost does not grow with the archive. Returns the slugs of the actors removed.
async fn prune(tx: &mut Transaction<'static, Sqlite>, orphans: &Orphans) -> sqlx::Result<Vec<String>> {
    if orphans.events.is_empty() && orphans.statements.is_empty() && orphans.actors.is_empty() {
        return Ok(Vec::new());
    }
    let ids = |v: &[i64]| serde_json::to_string(v).unwrap_or_else(|_| "[]".to_string());
    sqlx::query(
        "DELETE FROM events WHERE id IN (SELECT value FROM json_each(?))
           AND NOT EXISTS (SELECT 1 FROM event_sources s WHERE s.event_id = events.id)",
    )
    .bind(ids(&orphans.events))
    .execute(&mut **tx)
    .await?;
    sqlx::query(
        "DELETE FROM statements WHERE id IN (SELECT value FROM json_each(?))
           AND NOT EXISTS (SELECT 1 FROM quotes q WHERE q.statement_id = statements.id)",
    )
    .bind(ids(&orphans.statements))
    .execute(&mut **tx)
    .await?;
    sqlx::query_scalar(
        "DELETE FROM actors WHERE id IN (SELECT value FROM json_each(?))
           AND NOT EXISTS (SELECT 1 FROM mentions m WHERE m.actor_id = actors.id)
           AND NOT EXISTS (SELECT 1 FROM quotes q WHERE q.speaker_id = actors.id)
           AND NOT EXISTS (SELECT 1 FROM quotes q WHERE q.reported_by_id = actors.id)
           AND NOT EXISTS (SELECT 1 FROM event_actors e WHERE e.actor_id = actors.id)
         RETURNING slug",
    )
    .bind(ids(&orphans.actors))
    .fetch_all(&mut **tx)
    .await
}

/// A quote with its speaker resolved and its statement decided.
pub(super) struct QuoteRow {
    pub(super) speaker_id: Option<i64>,
    pub(super) speaker_name: Option<String>,
    pub(super) reporter_id: Option<i64>,
    pub(super) reporter_name: Option<String>,
    pub(super) said_on: Option<String>,
    pub(super) statement_id: i64,
}

/// An event report with the event it belongs to decided.
pub(super) struct EventRow {
    pub(super) event_id: i64,
    pub(super) actors: Vec<i64>,
    pub(super) topics: Vec<i64>,
}

/// An event the article reports first. Its slug is decided as it is inserted: the first free
/// one for its base, after the article's earlier new events with the same base.
pub(super) struct NewEvent {
    pub(super) id: i64,
    pub(super) slug_base: String,
    pub(super) same_base_before: usize,
    /// Index into `Facts::events` of the report that created it.
    pub(super) report: usize,
}

/// The rows of one article that need ids decided before they can be written.
pub(super) struct Plan {
    pub(super) article_id: i64,
    /// Index into `Facts::new_actors` and the id given.
    pub(super) actors: Vec<(usize, i64)>,
    pub(super) statements: Vec<(i64, String, Option<String>)>,
    pub(super) quotes: Vec<QuoteRow>,
    pub(super) new_events: Vec<NewEvent>,
    pub(super) events: Vec<EventRow>,
}

impl Plan {
    fn new(article_id: i64) -> Self {
        Plan {
            article_id,
            actors: Vec::new(),
            statements: Vec::new(),
            quotes: Vec::new(),
            new_events: Vec::new(),
            events: Vec::new(),
        }
    }

    /// Actors the article introduces. A gazetteer entry (or an actor another article
    /// introduced) always wins, so only unknown slugs are added.
    fn new_actors(&mut self, ids: &mut Ids, next: &mut NextIds, facts: &Facts) {
        for (i, actor) in facts.new_actors.iter().enumerate() {
            if ids.actor(&actor.slug).is_none() {
                let id = next.actor;
                next.actor += 1;
                ids.add_actor(&actor.slug, id, &actor.name);
                self.actors.push((i, id));
            }
        }
    }


    /// Decides each quote's statement: the one another outlet already carries for the same
    /// speaker within a week in close enough words (a copy or a translation), or a new one.
    async fn quotes(
        &mut self,
        conn: &mut Connection,
        ids: &Ids,
        wordings: &mut Wordings,
        next: &mut NextIds,
        facts: &Facts,
    ) -> sqlx::Result<()> {
        for quote in &facts.quotes {
            let (speaker_id, speaker_name) = ids.speaker(quote.speaker.as_ref());
            let (reporter_id, reporter_name) = ids.speaker(quote.reported_by.as_ref());
            let speaker_key = match &quote.speaker {
                Some(Speaker::Actor(slug)) => slug.as_str(),
                _ => UNNAMED,
            };
            for month in wordings.speaker_mut(speaker_key).unread(quote.date) {
                read_month(conn.tx().await?, wordings, speaker_key, month).await?;
            }
            let words = wordings.vocabulary.words(&quote.text);
            let (statement_id, said_on) = match same_statement(wordings.speaker(speaker_key), speaker_key, quote, &words, self.article_id) {
                Some(found) => found,
                None => {
                    let id = next.statement;
                    next.statement += 1;
                    self.statements.push((id, speaker_key.to_string(), quote.date.map(|d| d.to_string())));
                    (id, quote.date)
                }
            };
            wordings.speaker_mut(speaker_key).add(
                said_on,
                Wording {
                    statement: statement_id,
                    article: self.article_id,
                    words,
                },
            );
            self.quotes.push(QuoteRow {
                speaker_id,
                speaker_name,
                reporter_id,
                reporter_name,
                said_on: quote.date.map(|d| d.to_string()),
                statement_id,
            });
        }
        Ok(())
    }


    /// Attaches each event report to the same happening already reported elsewhere (the same
    /// dates and lead actor), or creates the event.
    async fn events(
        &mut self,
        conn: &mut Connection,
        ids: &Ids,
        days: &mut EventDays,
        next: &mut NextIds,
        facts: &Facts,
    ) -> sqlx::Result<()> {
        for (i, event) in facts.events.iter().enumerate() {
            let key: EventKey = (event.start.to_string(), event.end.to_string(), event.precision.as_str());
            if days.get(&key).is_none() {
                let known: Vec<(i64, String, Option<String>)> = sqlx::query_as(
                    "SELECT id, title, principal FROM events
                     WHERE date_start = ? AND date_end = ? AND precision = ? ORDER BY id",
                )
                .bind(&key.0)
                .bind(&key.1)
                .bind(key.2)
                .fetch_all(&mut **conn.tx().await?)
                .await?;
                let known = known
                    .into_iter()
                    .map(|(id, title, principal)| KnownEvent { id, title, principal })
                    .collect();
                days.load(key.clone(), known);
            }
            let principal = event.actors.first();
            let same = days.get(&key).into_iter().flatten().find(|other| {
                same_happening(principal.map(String::as_str), other.principal.as_deref(), &event.title, &other.title)
            });
            let event_id = match same {
                Some(other) => other.id,
                None => {
                    let id = next.event;
                    next.event += 1;
                    let base = format!("{}-{}", key.0, slugify_words(&event.title, 7));
                    let slug_base = base.trim_end_matches('-').to_string();
                    let same_base_before = self.new_events.iter().filter(|e| e.slug_base == slug_base).count();
                    self.new_events.push(NewEvent {
                        id,
                        slug_base,
                        same_base_before,
                        report: i,
                    });
                    days.add(
                        &key,
                        KnownEvent {
                            id,
                            title: event.title.clone(),
                            principal: principal.cloned(),
                        },
                    );
                    id
                }
            };
            self.events.push(EventRow {
                event_id,
                actors: event.actors.iter().filter_map(|slug| Some(ids.actor(slug)?.0)).collect(),
                topics: event.topics.iter().filter_map(|slug| ids.topic(slug)).collect(),
            });
        }
        Ok(())
    }

}

/// Reads the wordings of a speaker's statements said in `month`, once per import.
async fn read_month(
    tx: &mut Transaction<'static, Sqlite>,
    wordings: &mut Wordings,
    key: &str,
    month: Month,
) -> sqlx::Result<()> {
    let days = month.and_then(month_days).map(|(first, last)| (first.to_string(), last.to_string()));
    let rows: Vec<(i64, Option<NaiveDate>, i64, String)> = sqlx::query_as(
        "SELECT s.id, s.said_on, q.article_id, q.text FROM statements s JOIN quotes q ON q.statement_id = s.id
         WHERE s.speaker_key = ?1
           AND ((?2 IS NULL AND s.said_on IS NULL) OR s.said_on BETWEEN ?2 AND ?3)",
    )
    .bind(key)
    .bind(days.as_ref().map(|d| d.0.as_str()))
    .bind(days.as_ref().map(|d| d.1.as_str()))
    .fetch_all(&mut **tx)
    .await?;
    for (statement, said_on, article, text) in rows {
        let words = wordings.vocabulary.words(&text);
        // Wordings this import already added are found again here; `add` keeps one of each.
        wordings.speaker_mut(key).add(said_on, Wording { statement, article, words });
    }
    wordings.speaker_mut(key).mark_read(month);
    Ok(())
}

/// The statement (and the day it is dated) another article carries that `quote` is a wording
/// of: the closest match above the threshold, the earliest statement on a tie.
fn same_statement(
    speaker: Option<&SpeakerWordings>,
    speaker_key: &str,
    quote: &QuoteFact,
    words: &Words,
    article_id: i64,
) -> Option<(i64, Option<NaiveDate>)> {
    let threshold = if speaker_key == UNNAMED { 0.6 } else { 0.5 };
    let mut best: Option<(f64, i64, Option<NaiveDate>)> = None;
    for (wording, said_on) in speaker?.near(quote.date, article_id) {
        let score = same_words(words, &wording.words, threshold);
        if score < threshold {
            continue;
        }
        let better = match best {
            None => true,
            Some((s, id, _)) => score > s || (score == s && wording.statement < id),
        };
        if better {
            best = Some((score, wording.statement, said_on));
        }
    }
    best.map(|(_, id, said_on)| (id, said_on))
}

/// Two reports on the same dates describe one happening when they are about the same actor,
/// or, when neither names one, when their titles share most of their words.
fn same_happening(principal: Option<&str>, other: Option<&str>, title: &str, other_title: &str) -> bool {
    match (principal, other) {
        (Some(a), Some(b)) => a == b,
        (None, None) => word_overlap(title, other_title) >= 0.5,
        _ => false,
    }
}

fn word_overlap(a: &str, b: &str) -> f64 {
    let words = |s: &str| -> HashSet<String> {
        s.split(|c: char| !c.is_alphanumeric())
            .filter(|w| w.len() > 2)
            .map(str::to_lowercase)
            .collect()
    };
    let (a, b) = (words(a), words(b));
    let union = a.union(&b).count();
    if union == 0 {
        return 0.0;
    }
    a.intersection(&b).count() as f64 / union as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn happenings_match_on_principal_or_title_words() {
        assert!(same_happening(Some("emmanuel-macron"), Some("emmanuel-macron"), "a", "b"));
        assert!(!same_happening(Some("emmanuel-macron"), Some("friedrich-merz"), "x y z", "x y z"));
        assert!(same_happening(None, None, "European Council meets on defence", "European Council meeting on defence"));
        assert!(!same_happening(None, None, "European Council meets", "Ministers sign minerals deal"));
    }
}
