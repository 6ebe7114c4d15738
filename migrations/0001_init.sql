-- Entente schema, version 1.
-- Everything extracted from an article carries its article_id and goes with it (ON DELETE CASCADE),
-- so replacing an article is "delete, then insert" inside one transaction.

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE articles (
    id           INTEGER PRIMARY KEY,
    slug         TEXT NOT NULL UNIQUE,
    path         TEXT NOT NULL UNIQUE,       -- canonical path of the imported file
    file         TEXT NOT NULL,              -- its file name
    raw_hash     TEXT NOT NULL,              -- sha256 of the file's bytes
    content_hash TEXT NOT NULL,              -- sha256 of the bytes, the reference data and the rules
    title        TEXT NOT NULL,
    outlet       TEXT,
    outlet_slug  TEXT,                       -- the outlet as a URL slug, for the outlet facet
    via          TEXT,                       -- the outlet it reports or republishes
    url          TEXT,
    published    TEXT,                       -- YYYY-MM-DD, NULL when undated
    author       TEXT,
    language     TEXT,
    body         TEXT NOT NULL,              -- cleaned text; every span indexes into it (bytes)
    imported_at  TEXT NOT NULL
);
CREATE INDEX articles_published ON articles (published, id);
CREATE INDEX articles_raw_hash ON articles (raw_hash);
CREATE INDEX articles_outlet ON articles (outlet_slug, id);
-- The source list's order, newest first with undated articles last (see store::read).
CREATE INDEX articles_listing ON articles (COALESCE(published, '0000-01-01'), id);

CREATE TABLE actors (
    id          INTEGER PRIMARY KEY,
    slug        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('person', 'organization', 'country', 'group')),
    country     TEXT,                        -- slug of the country actor
    origin      TEXT NOT NULL CHECK (origin IN ('gazetteer', 'extracted'))
);
CREATE INDEX actors_kind_name ON actors (kind, name);

CREATE TABLE actor_aliases (
    actor_id INTEGER NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    alias    TEXT NOT NULL,
    PRIMARY KEY (actor_id, alias)
) WITHOUT ROWID;

CREATE TABLE actor_roles (
    actor_id   INTEGER NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    title      TEXT NOT NULL,
    of_slug    TEXT,
    date_from  TEXT,
    date_to    TEXT
);
CREATE INDEX actor_roles_actor ON actor_roles (actor_id);

CREATE TABLE topics (
    id       INTEGER PRIMARY KEY,
    slug     TEXT NOT NULL UNIQUE,
    name     TEXT NOT NULL,
    parent   TEXT,                           -- slug of the parent topic
    keywords TEXT NOT NULL                   -- JSON array
);

CREATE TABLE sentences (
    id         INTEGER PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    idx        INTEGER NOT NULL,
    start      INTEGER NOT NULL,
    end        INTEGER NOT NULL,
    text       TEXT NOT NULL,                -- copy of the body's span, for search and citations
    UNIQUE (article_id, idx)
);

CREATE TABLE mentions (
    id           INTEGER PRIMARY KEY,
    article_id   INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    actor_id     INTEGER NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    sentence_idx INTEGER NOT NULL,
    start        INTEGER NOT NULL,
    end          INTEGER NOT NULL,
    rule         TEXT NOT NULL,
    confidence   REAL NOT NULL
);
CREATE INDEX mentions_article ON mentions (article_id, start);
CREATE INDEX mentions_actor ON mentions (actor_id, article_id);

CREATE TABLE date_mentions (
    id           INTEGER PRIMARY KEY,
    article_id   INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    sentence_idx INTEGER NOT NULL,
    start        INTEGER NOT NULL,
    end          INTEGER NOT NULL,
    date_start   TEXT,
    date_end     TEXT,
    precision    TEXT NOT NULL,
    rule         TEXT NOT NULL,
    confidence   REAL NOT NULL
);
CREATE INDEX date_mentions_article ON date_mentions (article_id, start);

-- One statement, however many outlets and translations carry it; each quote is one wording.
CREATE TABLE statements (
    id          INTEGER PRIMARY KEY,
    speaker_key TEXT NOT NULL,               -- actor slug, or "unnamed" for unnamed sources
    said_on     TEXT
);
CREATE INDEX statements_speaker ON statements (speaker_key, said_on);

CREATE TABLE quotes (
    id               INTEGER PRIMARY KEY,
    statement_id     INTEGER REFERENCES statements (id) ON DELETE SET NULL,
    article_id       INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    sentence_idx     INTEGER NOT NULL,
    start            INTEGER NOT NULL,
    end              INTEGER NOT NULL,
    text             TEXT NOT NULL,
    speaker_id       INTEGER REFERENCES actors (id) ON DELETE SET NULL,
    speaker_name     TEXT,                   -- display name, or an unnamed source's description
    speaker_text     TEXT,                   -- how the article named the speaker
    reported_by_id   INTEGER REFERENCES actors (id) ON DELETE SET NULL,
    reported_by_name TEXT,
    said_on          TEXT,
    sort_date        TEXT NOT NULL,          -- said_on, else the article's date, else 0000-01-01
    rule             TEXT NOT NULL,
    confidence       REAL NOT NULL
);
CREATE INDEX quotes_article ON quotes (article_id, start);
CREATE INDEX quotes_speaker ON quotes (speaker_id, sort_date, id);
CREATE INDEX quotes_statement ON quotes (statement_id);

CREATE TABLE article_topics (
    article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    topic_id   INTEGER NOT NULL REFERENCES topics (id) ON DELETE CASCADE,
    hits       INTEGER NOT NULL,
    PRIMARY KEY (article_id, topic_id)
) WITHOUT ROWID;
CREATE INDEX article_topics_topic ON article_topics (topic_id, article_id);

-- An event is one happening; each article that reports it adds an event_sources row.
CREATE TABLE events (
    id         INTEGER PRIMARY KEY,
    slug       TEXT NOT NULL UNIQUE,
    date_start TEXT NOT NULL,
    date_end   TEXT NOT NULL,
    precision  TEXT NOT NULL CHECK (precision IN ('day', 'week', 'month', 'year')),
    title      TEXT NOT NULL,
    kind       TEXT,
    principal  TEXT                          -- slug of the actor the event is mainly about
);
CREATE INDEX events_date ON events (date_start, id);

CREATE TABLE event_sources (
    event_id     INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    article_id   INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    sentence_idx INTEGER NOT NULL,
    start        INTEGER NOT NULL,
    end          INTEGER NOT NULL,
    title        TEXT NOT NULL,              -- this article's own one-line wording
    rule         TEXT NOT NULL,
    confidence   REAL NOT NULL,
    PRIMARY KEY (event_id, article_id, sentence_idx)
) WITHOUT ROWID;
CREATE INDEX event_sources_article ON event_sources (article_id);

CREATE TABLE event_actors (
    event_id   INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    actor_id   INTEGER NOT NULL REFERENCES actors (id) ON DELETE CASCADE,
    article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    PRIMARY KEY (event_id, actor_id, article_id)
) WITHOUT ROWID;
CREATE INDEX event_actors_actor ON event_actors (actor_id, event_id);
CREATE INDEX event_actors_article ON event_actors (article_id);

CREATE TABLE event_topics (
    event_id   INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    topic_id   INTEGER NOT NULL REFERENCES topics (id) ON DELETE CASCADE,
    article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    PRIMARY KEY (event_id, topic_id, article_id)
) WITHOUT ROWID;
CREATE INDEX event_topics_topic ON event_topics (topic_id, event_id);
CREATE INDEX event_topics_article ON event_topics (article_id);

-- Full-text search (FTS5), kept in step with its tables by triggers. Foreign-key cascades fire
-- the delete triggers too, so replacing an article cleans its entries.
CREATE VIRTUAL TABLE sentences_fts USING fts5 (text, content = 'sentences', content_rowid = 'id');
CREATE TRIGGER sentences_fts_insert AFTER INSERT ON sentences BEGIN
    INSERT INTO sentences_fts (rowid, text) VALUES (new.id, new.text);
END;
CREATE TRIGGER sentences_fts_delete AFTER DELETE ON sentences BEGIN
    INSERT INTO sentences_fts (sentences_fts, rowid, text) VALUES ('delete', old.id, old.text);
END;

CREATE VIRTUAL TABLE quotes_fts USING fts5 (text, content = 'quotes', content_rowid = 'id');
CREATE TRIGGER quotes_fts_insert AFTER INSERT ON quotes BEGIN
    INSERT INTO quotes_fts (rowid, text) VALUES (new.id, new.text);
END;
CREATE TRIGGER quotes_fts_delete AFTER DELETE ON quotes BEGIN
    INSERT INTO quotes_fts (quotes_fts, rowid, text) VALUES ('delete', old.id, old.text);
END;

CREATE VIRTUAL TABLE events_fts USING fts5 (title, content = 'events', content_rowid = 'id');
CREATE TRIGGER events_fts_insert AFTER INSERT ON events BEGIN
    INSERT INTO events_fts (rowid, title) VALUES (new.id, new.title);
END;
CREATE TRIGGER events_fts_delete AFTER DELETE ON events BEGIN
    INSERT INTO events_fts (events_fts, rowid, title) VALUES ('delete', old.id, old.title);
END;

CREATE VIRTUAL TABLE articles_fts USING fts5 (title, body, content = 'articles', content_rowid = 'id');
CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
    INSERT INTO articles_fts (rowid, title, body) VALUES (new.id, new.title, new.body);
END;
CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
    INSERT INTO articles_fts (articles_fts, rowid, title, body) VALUES ('delete', old.id, old.title, old.body);
END;
