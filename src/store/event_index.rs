//! The timeline's index, in memory: every event's dates, kind, actors, topics and outlets, and
//! the sentences that report it, in timeline order (start date, then id). A filtered view is a
//! bitmap over the events, so its count, its page and position, its exact facet counts and its
//! weekly density are passes over that bitmap, not queries that each read tens of thousands of
//! events. [`EventIndex::build`] reads it from the database in a few grouped queries;
//! [`LiveIndex`] keeps one per state of the database files and rebuilds it after an import.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{Datelike, NaiveDate};
use sqlx::SqlitePool;

use super::timeline::{Cursor, Facet, FacetValue, PageAt, TimelineFilter};
use super::{Generation, generation};

/// A set of event positions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Bits {
    words: Vec<u64>,
}

impl Bits {
    fn none(len: usize) -> Self {
        Bits {
            words: vec![0; len.div_ceil(64)],
        }
    }

    fn all(len: usize) -> Self {
        let mut bits = Bits {
            words: vec![u64::MAX; len.div_ceil(64)],
        };
        if !len.is_multiple_of(64)
            && let Some(last) = bits.words.last_mut()
        {
            *last = low(len % 64);
        }
        bits
    }

    fn with(len: usize, keep: impl Fn(usize) -> bool) -> Self {
        let mut bits = Bits::none(len);
        for p in (0..len).filter(|&p| keep(p)) {
            bits.insert(p);
        }
        bits
    }

    fn insert(&mut self, p: usize) {
        self.words[p / 64] |= 1 << (p % 64);
    }

    fn and(&mut self, other: &Bits) {
        for (w, o) in self.words.iter_mut().zip(&other.words) {
            *w &= o;
        }
    }

    fn count(&self) -> usize {
        self.words.iter().map(|w| w.count_ones() as usize).sum()
    }

    /// How many positions below `p` are in the set.
    fn count_below(&self, p: usize) -> usize {
        let whole: usize = self.words[..p / 64].iter().map(|w| w.count_ones() as usize).sum();
        let part = self.words.get(p / 64).map_or(0, |w| (w & low(p % 64)).count_ones() as usize);
        whole + part
    }

    /// The positions from `p` on, in order.
    fn from(&self, p: usize) -> impl Iterator<Item = usize> + '_ {
        let first = p / 64;
        self.words.iter().enumerate().skip(first).flat_map(move |(i, &w)| {
            let w = if i == first { w & !low(p % 64) } else { w };
            Ones(w).map(move |b| i * 64 + b)
        })
    }

    /// The positions below `p`, last first.
    fn below(&self, p: usize) -> impl Iterator<Item = usize> + '_ {
        let last = p / 64;
        self.words[..(last + 1).min(self.words.len())]
            .iter()
            .enumerate()
            .rev()
            .flat_map(move |(i, &w)| {
                let w = if i == last { w & low(p % 64) } else { w };
                OnesDown(w).map(move |b| i * 64 + b)
            })
    }
}

/// A word with its `n` lowest bits set (`n` < 64).
fn low(n: usize) -> u64 {
    (1u64 << n) - 1
}

/// The set bits of a word, lowest first.
struct Ones(u64);

impl Iterator for Ones {
    type Item = usize;
    fn next(&mut self) -> Option<usize> {
        (self.0 != 0).then(|| {
            let b = self.0.trailing_zeros() as usize;
            self.0 &= self.0 - 1;
            b
        })
    }
}

/// The set bits of a word, highest first.
struct OnesDown(u64);

impl Iterator for OnesDown {
    type Item = usize;
    fn next(&mut self) -> Option<usize> {
        (self.0 != 0).then(|| {
            let b = 63 - self.0.leading_zeros() as usize;
            self.0 &= !(1u64 << b);
            b
        })
    }
}

/// One facet's values: their slugs and labels, each event's values and each value's events.
#[derive(Debug, Default)]
struct Values {
    slugs: Vec<String>,
    labels: Vec<String>,
    by_slug: HashMap<String, u32>,
    /// Each event's values are `of_event[start[p]..start[p + 1]]`.
    start: Vec<u32>,
    of_event: Vec<u32>,
    /// Each value's event positions, in order.
    events: Vec<Vec<u32>>,
}

impl Values {
    fn new(named: Vec<(String, String)>) -> Self {
        let by_slug = named.iter().enumerate().map(|(i, (slug, _))| (slug.clone(), i as u32)).collect();
        let (slugs, labels) = named.into_iter().unzip();
        Values {
            slugs,
            labels,
            by_slug,
            ..Values::default()
        }
    }

    /// Takes each event's values (positions in order, values deduplicated here).
    fn link(&mut self, per_event: Vec<Vec<u32>>) {
        self.events = vec![Vec::new(); self.slugs.len()];
        self.start = Vec::with_capacity(per_event.len() + 1);
        self.start.push(0);
        for (p, mut values) in per_event.into_iter().enumerate() {
            values.sort_unstable();
            values.dedup();
            for &v in &values {
                self.events[v as usize].push(p as u32);
            }
            self.of_event.extend(values);
            self.start.push(self.of_event.len() as u32);
        }
    }

    fn of(&self, p: usize) -> &[u32] {
        &self.of_event[self.start[p] as usize..self.start[p + 1] as usize]
    }

    /// The events of any of `values`.
    fn any(&self, values: &[u32], len: usize) -> Bits {
        let mut bits = Bits::none(len);
        for &v in values {
            for &p in &self.events[v as usize] {
                bits.insert(p as usize);
            }
        }
        bits
    }

    fn ids(&self, slugs: &[String]) -> Vec<u32> {
        slugs.iter().filter_map(|s| self.by_slug.get(s).copied()).collect()
    }
}

const NO_KIND: u16 = u16::MAX;

/// Every event, in timeline order, with what the filters and facets look at.
#[derive(Debug, Default)]
pub struct EventIndex {
    ids: Vec<i64>,
    /// Days since the common era of each event's first and last day.
    starts: Vec<i32>,
    ends: Vec<i32>,
    kinds: Vec<u16>,
    kind_names: Vec<String>,
    months: Vec<u16>,
    /// Every month with events, as YYYY-MM, in order.
    month_names: Vec<String>,
    position: HashMap<i64, u32>,
    actors: Values,
    /// Countries are not offered as actor facets: every event has some.
    countries: Vec<bool>,
    topics: Values,
    /// Each topic's parent, for filters that take in subtopics.
    parents: Vec<Option<u32>>,
    outlets: Values,
    /// See [`EventIndex::reporting_sentences`].
    sentences: tokio::sync::OnceCell<Vec<(i64, u32)>>,
}

fn days(date: &str) -> sqlx::Result<i32> {
    NaiveDate::parse_from_str(date, "%Y-%m-%d")
        .map(|d| d.num_days_from_ce())
        .map_err(|e| sqlx::Error::Decode(format!("event date {date:?}: {e}").into()))
}

/// A cursor as the (start, id) key of the timeline's order; an unreadable date sorts first.
fn cursor_key(cursor: &Cursor) -> (i32, i64) {
    (days(&cursor.date).unwrap_or(i32::MIN), cursor.id)
}

fn date_of(days: i32) -> NaiveDate {
    NaiveDate::from_num_days_from_ce_opt(days).unwrap_or_default()
}

/// The rows of a query that returns them as one JSON array (of arrays): at tens of thousands of
/// rows, fetching them one by one through the driver costs more than the query itself.
async fn json_rows<T: serde::de::DeserializeOwned>(pool: &SqlitePool, sql: &'static str) -> sqlx::Result<Vec<T>> {
    let json: String = sqlx::query_scalar(sql).fetch_one(pool).await?;
    serde_json::from_str(&json).map_err(|e| sqlx::Error::Decode(Box::new(e)))
}

/// The numbers of a `group_concat` of integers.
fn numbers(list: &str) -> impl Iterator<Item = i64> + '_ {
    list.split(',').filter_map(|n| n.parse().ok())
}

impl EventIndex {
    /// Reads the index from the database, each table once in the order of an index, as one JSON
    /// value per query; the reads run side by side on the pool's connections. The sentences
    /// that report events come later ([`EventIndex::reporting_sentences`]).
    pub async fn build(pool: &SqlitePool) -> sqlx::Result<EventIndex> {
        let (events, actors, event_actors, topics, event_topics, outlets, sources) = tokio::try_join!(
            json_rows::<(i64, String, String, Option<String>)>(
                pool,
                "SELECT json_group_array(json_array(id, date_start, date_end, kind)) FROM events",
            ),
            json_rows::<(i64, String, String, u8)>(
                pool,
                "SELECT json_group_array(json_array(a.id, a.slug, a.name, a.kind = 'country'))
                 FROM (SELECT DISTINCT actor_id FROM event_actors) ea JOIN actors a ON a.id = ea.actor_id",
            ),
            json_rows::<(i64, String)>(
                pool,
                "SELECT json_group_array(json_array(event_id, actors)) FROM (
                     SELECT event_id, group_concat(DISTINCT actor_id) AS actors FROM event_actors GROUP BY event_id)",
            ),
            json_rows::<(i64, String, String, Option<String>)>(
                pool,
                "SELECT json_group_array(json_array(id, slug, name, parent)) FROM topics",
            ),
            json_rows::<(i64, String)>(
                pool,
                "SELECT json_group_array(json_array(event_id, topics)) FROM (
                     SELECT event_id, group_concat(DISTINCT topic_id) AS topics FROM event_topics GROUP BY event_id)",
            ),
            // The outlet index covers (outlet_slug, id): reading article rows would read their text.
            json_rows::<(String, Option<String>, String)>(
                pool,
                "SELECT json_group_array(json_array(o.outlet_slug, o.label, o.articles)) FROM (
                     SELECT a.outlet_slug,
                            (SELECT outlet FROM articles x WHERE x.outlet_slug = a.outlet_slug AND x.outlet IS NOT NULL LIMIT 1) AS label,
                            group_concat(a.id) AS articles
                     FROM articles a WHERE a.outlet_slug IS NOT NULL GROUP BY a.outlet_slug) o",
            ),
            json_rows::<(i64, String)>(
                pool,
                "SELECT json_group_array(json_array(event_id, articles)) FROM (
                     SELECT event_id, group_concat(DISTINCT article_id) AS articles FROM event_sources GROUP BY event_id)",
            ),
        )?;
        let mut index = EventIndex::default();
        let mut events = events
            .into_iter()
            .map(|(id, start, end, kind)| Ok((days(&start)?, id, days(&end)?, start, kind)))
            .collect::<sqlx::Result<Vec<_>>>()?;
        events.sort_unstable_by_key(|e| (e.0, e.1));
        let mut kinds: HashMap<String, u16> = HashMap::new();
        let mut months: HashMap<String, u16> = HashMap::new();
        for (p, (start, id, end, date, kind)) in events.into_iter().enumerate() {
            index.ids.push(id);
            index.position.insert(id, p as u32);
            index.starts.push(start);
            index.ends.push(end);
            let kind = match kind {
                Some(kind) => *kinds.entry(kind.clone()).or_insert_with(|| {
                    index.kind_names.push(kind);
                    (index.kind_names.len() - 1) as u16
                }),
                None => NO_KIND,
            };
            index.kinds.push(kind);
            let next = months.len() as u16;
            index.months.push(*months.entry(date.get(..7).unwrap_or_default().to_string()).or_insert(next));
        }
        // Months were numbered as met, which is in order: the events are sorted by date.
        index.month_names = vec![String::new(); months.len()];
        for (name, i) in months {
            index.month_names[i as usize] = name;
        }

        let dense: HashMap<i64, u32> = actors.iter().enumerate().map(|(i, a)| (a.0, i as u32)).collect();
        index.countries = actors.iter().map(|a| a.3 == 1).collect();
        index.actors = Values::new(actors.into_iter().map(|(_, slug, name, _)| (slug, name)).collect());
        let per_event = index.per_event(event_actors, |id| dense.get(&id).copied());
        index.actors.link(per_event);

        let dense: HashMap<i64, u32> = topics.iter().enumerate().map(|(i, t)| (t.0, i as u32)).collect();
        let by_slug: HashMap<&str, u32> = topics.iter().enumerate().map(|(i, t)| (t.1.as_str(), i as u32)).collect();
        index.parents = topics.iter().map(|t| t.3.as_deref().and_then(|p| by_slug.get(p).copied())).collect();
        index.topics = Values::new(topics.into_iter().map(|(_, slug, name, _)| (slug, name)).collect());
        let per_event = index.per_event(event_topics, |id| dense.get(&id).copied());
        index.topics.link(per_event);

        let mut outlet_of: HashMap<i64, u32> = HashMap::new();
        let mut named = Vec::with_capacity(outlets.len());
        for (i, (slug, label, articles)) in outlets.into_iter().enumerate() {
            outlet_of.extend(numbers(&articles).map(|a| (a, i as u32)));
            named.push((slug.clone(), label.unwrap_or(slug)));
        }
        index.outlets = Values::new(named);
        let per_event = index.per_event(sources, |article| outlet_of.get(&article).copied());
        index.outlets.link(per_event);
        Ok(index)
    }

    /// (sentence id, event position) for every sentence that reports an event, by sentence:
    /// the longest read of the index, which only searches need, so it is read after the rest
    /// (by [`LiveIndex`] in the background, or by the first search that comes before that).
    async fn reporting_sentences(&self, pool: &SqlitePool) -> sqlx::Result<&[(i64, u32)]> {
        let sentences = self
            .sentences
            .get_or_try_init(|| async {
                // In article order, the sentences are looked up in the order of their index.
                let rows = json_rows::<(i64, i64)>(
                    pool,
                    "SELECT json_group_array(json_array(es.event_id, s.id))
                     FROM event_sources es INDEXED BY event_sources_article
                     JOIN sentences s ON s.article_id = es.article_id AND s.idx = es.sentence_idx",
                )
                .await?;
                let mut sentences: Vec<(i64, u32)> = rows
                    .into_iter()
                    .filter_map(|(event, sentence)| self.position.get(&event).map(|&p| (sentence, p)))
                    .collect();
                sentences.sort_unstable();
                Ok::<_, sqlx::Error>(sentences)
            })
            .await?;
        Ok(sentences)
    }

    /// Each event's values from rows of (event id, comma-separated ids), mapped by `dense`.
    fn per_event(&self, rows: Vec<(i64, String)>, dense: impl Fn(i64) -> Option<u32>) -> Vec<Vec<u32>> {
        let mut per_event = vec![Vec::new(); self.ids.len()];
        for (event, list) in rows {
            if let Some(&p) = self.position.get(&event) {
                per_event[p as usize].extend(numbers(&list).filter_map(&dense));
            }
        }
        per_event
    }

    /// How many events there are.
    pub(crate) fn len(&self) -> usize {
        self.ids.len()
    }

    /// Every month that has events, as YYYY-MM, in order.
    pub fn months(&self) -> &[String] {
        &self.month_names
    }

    /// The events a search matched: by the ids of events whose title matched and of sentences
    /// that matched (each a `group_concat` of ids), the latter mapped to the events they report.
    pub(crate) async fn search_hits(&self, pool: &SqlitePool, titles: &str, sentences: &str) -> sqlx::Result<Bits> {
        let mut bits = Bits::none(self.len());
        for p in numbers(titles).filter_map(|id| self.position.get(&id)) {
            bits.insert(*p as usize);
        }
        let reporting = self.reporting_sentences(pool).await?;
        for s in numbers(sentences) {
            let from = reporting.partition_point(|&(id, _)| id < s);
            for &(_, p) in reporting[from..].iter().take_while(|&&(id, _)| id == s) {
                bits.insert(p as usize);
            }
        }
        Ok(bits)
    }

    /// The events a filter selects; `hits` are the events its words match, when it has words.
    pub(crate) fn select(self: &Arc<Self>, filter: &TimelineFilter, hits: Option<Bits>) -> Selection {
        let terms = Terms::new(self, filter, hits);
        let bits = terms.matching(self, None);
        Selection {
            index: self.clone(),
            terms,
            bits,
        }
    }

    /// The topics `slugs` name and all their subtopics.
    fn topics_under(&self, slugs: &[String]) -> Vec<u32> {
        let named = self.topics.ids(slugs);
        (0..self.parents.len() as u32)
            .filter(|&t| {
                let mut at = Some(t);
                // Parents form a tree from the taxonomy; the bound guards against a cycle.
                for _ in 0..=self.parents.len() {
                    match at {
                        Some(a) if named.contains(&a) => return true,
                        Some(a) => at = self.parents[a as usize],
                        None => return false,
                    }
                }
                false
            })
            .collect()
    }

    /// The position of the first event after `cursor` in timeline order.
    fn after(&self, cursor: &Cursor) -> usize {
        let key = cursor_key(cursor);
        self.first_where(|k| k > key)
    }

    /// The position of the first event at or after `cursor`.
    fn at_or_after(&self, cursor: &Cursor) -> usize {
        let key = cursor_key(cursor);
        self.first_where(|k| k >= key)
    }

    /// The first position whose (start, id) satisfies `past`, which holds from some position on.
    fn first_where(&self, past: impl Fn((i32, i64)) -> bool) -> usize {
        let (mut lo, mut hi) = (0, self.len());
        while lo < hi {
            let mid = (lo + hi) / 2;
            if past((self.starts[mid], self.ids[mid])) { hi = mid } else { lo = mid + 1 }
        }
        lo
    }

    fn cursor(&self, p: usize) -> Cursor {
        Cursor {
            date: date_of(self.starts[p]).to_string(),
            id: self.ids[p],
        }
    }
}

/// A filter in the index's terms. `None` is no condition; values that name nothing in the
/// index (an actor in no event) leave an empty list, which matches nothing.
#[derive(Debug, Clone)]
struct Terms {
    from: Option<i32>,
    to: Option<i32>,
    actors: Option<Vec<u32>>,
    topics: Option<Vec<u32>>,
    outlets: Option<Vec<u32>>,
    kinds: Option<Vec<u16>>,
    months: Option<Vec<u16>>,
    hits: Option<Bits>,
}

impl Terms {
    fn new(index: &EventIndex, filter: &TimelineFilter, hits: Option<Bits>) -> Self {
        fn listed(values: &[String]) -> Option<&[String]> {
            (!values.is_empty()).then_some(values)
        }
        let names = |names: &[String], wanted: &[String]| -> Vec<u16> {
            (0..names.len() as u16).filter(|&i| wanted.contains(&names[i as usize])).collect()
        };
        Terms {
            from: filter.from.map(|d| d.num_days_from_ce()),
            to: filter.to.map(|d| d.num_days_from_ce()),
            actors: listed(&filter.actors).map(|s| index.actors.ids(s)),
            topics: listed(&filter.topics).map(|s| index.topics_under(s)),
            outlets: listed(&filter.outlets).map(|s| index.outlets.ids(s)),
            kinds: listed(&filter.kinds).map(|k| names(&index.kind_names, k)),
            months: listed(&filter.months).map(|m| names(&index.month_names, m)),
            hits,
        }
    }

    /// The events every condition but `except`'s lets through.
    fn matching(&self, index: &EventIndex, except: Option<Facet>) -> Bits {
        let n = index.len();
        let mut bits = Bits::all(n);
        if self.from.is_some() || self.to.is_some() {
            let (from, to) = (self.from.unwrap_or(i32::MIN), self.to.unwrap_or(i32::MAX));
            bits.and(&Bits::with(n, |p| index.ends[p] >= from && index.starts[p] <= to));
        }
        let own = |facet| except == Some(facet);
        if let Some(actors) = self.actors.as_deref().filter(|_| !own(Facet::Actor)) {
            bits.and(&index.actors.any(actors, n));
        }
        if let Some(topics) = self.topics.as_deref().filter(|_| !own(Facet::Topic)) {
            bits.and(&index.topics.any(topics, n));
        }
        if let Some(outlets) = self.outlets.as_deref().filter(|_| !own(Facet::Outlet)) {
            bits.and(&index.outlets.any(outlets, n));
        }
        if let Some(kinds) = self.kinds.as_deref().filter(|_| !own(Facet::Kind)) {
            bits.and(&Bits::with(n, |p| kinds.contains(&index.kinds[p])));
        }
        if let Some(months) = self.months.as_deref().filter(|_| !own(Facet::Month)) {
            bits.and(&Bits::with(n, |p| months.contains(&index.months[p])));
        }
        if let Some(hits) = &self.hits {
            bits.and(hits);
        }
        bits
    }
}

/// The events one filter selects.
pub struct Selection {
    index: Arc<EventIndex>,
    terms: Terms,
    bits: Bits,
}

/// Where one page sits: its events' ids, how many matching events come before it, and the
/// cursors of the pages before and after it, if there are such pages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PagePlace {
    pub ids: Vec<i64>,
    pub offset: i64,
    pub earlier: Option<Cursor>,
    pub later: Option<Cursor>,
}

impl Selection {
    /// How many events match.
    pub fn count(&self) -> i64 {
        self.bits.count() as i64
    }

    /// The ids of every matching event, in timeline order.
    pub fn ids(&self) -> Vec<i64> {
        self.bits.from(0).map(|p| self.index.ids[p]).collect()
    }

    /// The ids of the `n` latest matching events, in timeline order.
    pub fn latest(&self, n: usize) -> Vec<i64> {
        let mut positions: Vec<usize> = self.bits.below(self.index.len()).take(n).collect();
        positions.reverse();
        positions.into_iter().map(|p| self.index.ids[p]).collect()
    }

    /// One page of at most `size` matching events at `at`.
    pub fn page(&self, at: &PageAt, size: usize) -> PagePlace {
        let positions: Vec<usize> = match at {
            PageAt::First => self.bits.from(0).take(size).collect(),
            PageAt::After(c) => self.bits.from(self.index.after(c)).take(size).collect(),
            PageAt::Before(c) => {
                let mut back: Vec<usize> = self.bits.below(self.index.at_or_after(c)).take(size).collect();
                back.reverse();
                back
            }
        };
        let offset = positions.first().map_or(0, |&p| self.bits.count_below(p));
        let shown = positions.len();
        let total = self.bits.count();
        PagePlace {
            ids: positions.iter().map(|&p| self.index.ids[p]).collect(),
            offset: offset as i64,
            earlier: positions.first().filter(|_| offset > 0).map(|&p| self.index.cursor(p)),
            later: positions.last().filter(|_| offset + shown < total).map(|&p| self.index.cursor(p)),
        }
    }

    /// The counts of one facet's values, best first (months in order), at most `limit`: the
    /// other facets' conditions apply and its own does not, so that each value says how many
    /// events choosing it (too) would show.
    pub fn facet(&self, facet: Facet, limit: usize) -> Vec<FacetValue> {
        let index = &*self.index;
        let own = match facet {
            Facet::Actor => self.terms.actors.is_some(),
            Facet::Topic => self.terms.topics.is_some(),
            Facet::Outlet => self.terms.outlets.is_some(),
            Facet::Kind => self.terms.kinds.is_some(),
            Facet::Month => self.terms.months.is_some(),
        };
        if own {
            counted(index, &self.terms.matching(index, Some(facet)), facet, limit)
        } else {
            counted(index, &self.bits, facet, limit)
        }
    }

    /// The counts of one facet's values among the selected events themselves, best first:
    /// who appears with an actor, on the actor's own page.
    pub fn values(&self, facet: Facet, limit: usize) -> Vec<FacetValue> {
        counted(&self.index, &self.bits, facet, limit)
    }

    /// Matching events per week (weeks start on Monday), oldest first; weeks without events
    /// are not listed.
    pub fn weekly(&self) -> Vec<(String, i64)> {
        let mut weeks: Vec<(i32, i64)> = Vec::new();
        for p in self.bits.from(0) {
            let day = self.index.starts[p];
            let monday = day - date_of(day).weekday().num_days_from_monday() as i32;
            match weeks.last_mut() {
                Some((week, n)) if *week == monday => *n += 1,
                _ => weeks.push((monday, 1)),
            }
        }
        weeks.into_iter().map(|(week, n)| (date_of(week).to_string(), n)).collect()
    }
}

/// The counts of `facet`'s values over the events in `bits`, best first (months in order).
fn counted(index: &EventIndex, bits: &Bits, facet: Facet, limit: usize) -> Vec<FacetValue> {
    let (values, labels, counts): (&[String], &[String], Vec<u32>) = match facet {
        Facet::Actor => {
            let mut counts = tally(bits, &index.actors);
            for (count, &country) in counts.iter_mut().zip(&index.countries) {
                if country {
                    *count = 0;
                }
            }
            (&index.actors.slugs, &index.actors.labels, counts)
        }
        Facet::Topic => (&index.topics.slugs, &index.topics.labels, tally(bits, &index.topics)),
        Facet::Outlet => (&index.outlets.slugs, &index.outlets.labels, tally(bits, &index.outlets)),
        Facet::Kind => {
            let mut counts = vec![0u32; index.kind_names.len()];
            for p in bits.from(0).filter(|&p| index.kinds[p] != NO_KIND) {
                counts[index.kinds[p] as usize] += 1;
            }
            (&index.kind_names, &index.kind_names, counts)
        }
        Facet::Month => {
            let mut counts = vec![0u32; index.month_names.len()];
            for p in bits.from(0) {
                counts[index.months[p] as usize] += 1;
            }
            (&index.month_names, &index.month_names, counts)
        }
    };
    let mut found: Vec<usize> = (0..counts.len()).filter(|&i| counts[i] > 0).collect();
    if facet != Facet::Month {
        found.sort_by(|&a, &b| counts[b].cmp(&counts[a]).then_with(|| labels[a].cmp(&labels[b])));
    }
    found
        .into_iter()
        .take(limit)
        .map(|i| FacetValue {
            value: values[i].clone(),
            label: labels[i].clone(),
            count: i64::from(counts[i]),
        })
        .collect()
}

/// Events per value of a joined facet, over the events in `bits`.
fn tally(bits: &Bits, values: &Values) -> Vec<u32> {
    let mut counts = vec![0u32; values.slugs.len()];
    for p in bits.from(0) {
        for &v in values.of(p) {
            counts[v as usize] += 1;
        }
    }
    counts
}

/// The index of the database as its files are now: rebuilt, once, on the first request after
/// they change (an import), while other requests wait for it, or by [`LiveIndex::follow`]
/// before any request comes.
#[derive(Clone)]
pub struct LiveIndex(Arc<LiveInner>);

struct LiveInner {
    pool: SqlitePool,
    files: [PathBuf; 2],
    current: tokio::sync::Mutex<Option<(Generation, Arc<EventIndex>)>>,
}

impl LiveIndex {
    pub fn new(pool: SqlitePool) -> Self {
        let files = super::files_of(Path::new(pool.connect_options().get_filename()));
        LiveIndex(Arc::new(LiveInner {
            pool,
            files,
            current: tokio::sync::Mutex::new(None),
        }))
    }

    /// Builds the index in the background now, and again whenever the database files have
    /// changed and then stayed `still` (an import has ended), so that the first request after
    /// start-up or an import finds it ready. An import commits every few seconds; rebuilding
    /// after each commit would take a core from it.
    pub fn follow(&self, still: std::time::Duration) {
        let live = self.clone();
        tokio::spawn(async move {
            let mut last = generation(&live.0.files);
            // Still enough already: build at once.
            let mut changed = std::time::Instant::now().checked_sub(still).unwrap_or_else(std::time::Instant::now);
            loop {
                let now = generation(&live.0.files);
                if now != last {
                    (last, changed) = (now, std::time::Instant::now());
                } else if changed.elapsed() >= still
                    && live.0.current.lock().await.as_ref().map(|(built, _)| *built) != Some(now)
                    && let Err(err) = live.get().await
                {
                    tracing::warn!("timeline index: {err}");
                }
                tokio::time::sleep(still / 5).await;
            }
        });
    }

    /// The index of the database as it is now.
    pub async fn get(&self) -> sqlx::Result<Arc<EventIndex>> {
        let mut current = self.0.current.lock().await;
        // Read before building: a write during the build makes the next call build again.
        let now = generation(&self.0.files);
        if let Some((built, index)) = current.as_ref()
            && *built == now
        {
            return Ok(index.clone());
        }
        let started = std::time::Instant::now();
        let index = Arc::new(EventIndex::build(&self.0.pool).await?);
        tracing::info!("timeline index: {} events in {:.0?}", index.len(), started.elapsed());
        *current = Some((now, index.clone()));
        // Read what searches need now, in the background, rather than on the first search.
        let (ahead, pool) = (index.clone(), self.0.pool.clone());
        tokio::spawn(async move {
            if let Err(err) = ahead.reporting_sentences(&pool).await {
                tracing::warn!("timeline index: reading the sentences that report events: {err}");
            }
        });
        Ok(index)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_followed_index_is_read_at_start_and_after_an_import_without_a_request() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("follow.db");
        let writer = crate::store::open_rw(&path).await.expect("open");
        let live = LiveIndex::new(crate::store::open_ro(&path, 2).await.expect("open read-only"));
        live.follow(std::time::Duration::from_millis(20));
        // The events of the index built for the files as they are, once it is.
        let followed = async || {
            for _ in 0..500 {
                let now = generation(&live.0.files);
                if let Some((built, index)) = live.0.current.lock().await.as_ref()
                    && *built == now
                {
                    return index.len();
                }
                tokio::time::sleep(std::time::Duration::from_millis(10)).await;
            }
            panic!("the index did not follow the database");
        };
        assert_eq!(followed().await, 0);
        let seeds = Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds");
        let reference = crate::reference::Reference::load(&seeds).expect("reference");
        crate::import::import(&writer, &reference, &[seeds], &mut Vec::new()).await.expect("import");
        assert!(followed().await >= 8);
    }

    fn set(len: usize, positions: &[usize]) -> Bits {
        let mut bits = Bits::none(len);
        for &p in positions {
            bits.insert(p);
        }
        bits
    }

    #[test]
    fn bits_count_and_walk_both_ways_across_words() {
        let bits = set(200, &[0, 5, 63, 64, 130, 199]);
        assert_eq!(bits.count(), 6);
        assert_eq!(Bits::all(130).count(), 130);
        assert_eq!(bits.count_below(64), 3);
        assert_eq!(bits.count_below(65), 4);
        assert_eq!(bits.count_below(0), 0);
        assert_eq!(bits.from(6).collect::<Vec<_>>(), vec![63, 64, 130, 199]);
        assert_eq!(bits.from(64).collect::<Vec<_>>(), vec![64, 130, 199]);
        assert_eq!(bits.below(130).collect::<Vec<_>>(), vec![64, 63, 5, 0]);
        assert_eq!(bits.below(200).next(), Some(199));
        assert_eq!(bits.below(0).next(), None);
        let mut both = Bits::all(200);
        both.and(&set(200, &[1, 64, 150]));
        assert_eq!(both.from(0).collect::<Vec<_>>(), vec![1, 64, 150]);
    }

    #[test]
    fn a_full_last_word_walks_back_from_the_end() {
        let bits = Bits::all(128);
        assert_eq!(bits.below(128).take(2).collect::<Vec<_>>(), vec![127, 126]);
        assert_eq!(bits.count_below(128), 128);
    }
}
