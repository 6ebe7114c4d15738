-- Summaries of the whole archive that pages would otherwise aggregate over every event on
-- each cold render: the unfiltered timeline's facet counts and weekly density, and the actor
-- list's counts. They are rebuilt by store::summary::refresh_summaries at the end of an
-- import. Readers use them only while summary_state holds its row: any write that can change
-- a count deletes that row (triggers below), and the pages then count live.

CREATE TABLE summary_state (
    id           INTEGER PRIMARY KEY CHECK (id = 1),
    events       INTEGER NOT NULL,           -- how many events there are
    longest_days INTEGER,                    -- the most days between an event's start and end
    refreshed_at TEXT NOT NULL
);

-- Events per facet value with no filter: facet is 'actor', 'topic', 'outlet', 'kind' or 'month'.
CREATE TABLE summary_facets (
    facet TEXT NOT NULL,
    value TEXT NOT NULL,
    label TEXT NOT NULL,
    count INTEGER NOT NULL,
    PRIMARY KEY (facet, value)
) WITHOUT ROWID;
CREATE INDEX summary_facets_count ON summary_facets (facet, count DESC, label);

-- Events per week (weeks start on Monday).
CREATE TABLE summary_weeks (
    week  TEXT PRIMARY KEY,
    count INTEGER NOT NULL
) WITHOUT ROWID;

-- Per actor seen in at least one article: articles that mention it, its quotes, its events.
CREATE TABLE summary_actors (
    actor_id INTEGER PRIMARY KEY,
    articles INTEGER NOT NULL,
    quotes   INTEGER NOT NULL,
    events   INTEGER NOT NULL
);

-- The timeline form lists the gazetteer's people, a few dozen among tens of thousands.
CREATE INDEX actors_origin ON actors (origin, kind, name);

-- Every fact belongs to an article, so inserting or deleting articles covers new and replaced
-- facts (cascades included); events, actors and topics can also go, or be renamed, on their own.
CREATE TRIGGER summary_stale_article_insert AFTER INSERT ON articles BEGIN
    DELETE FROM summary_state;
END;
CREATE TRIGGER summary_stale_article_delete AFTER DELETE ON articles BEGIN
    DELETE FROM summary_state;
END;
CREATE TRIGGER summary_stale_event_delete AFTER DELETE ON events BEGIN
    DELETE FROM summary_state;
END;
CREATE TRIGGER summary_stale_actor_delete AFTER DELETE ON actors BEGIN
    DELETE FROM summary_state;
END;
CREATE TRIGGER summary_stale_actor_update AFTER UPDATE OF slug, name, kind ON actors BEGIN
    DELETE FROM summary_state;
END;
CREATE TRIGGER summary_stale_topic_delete AFTER DELETE ON topics BEGIN
    DELETE FROM summary_state;
END;
CREATE TRIGGER summary_stale_topic_update AFTER UPDATE OF slug, name, parent ON topics BEGIN
    DELETE FROM summary_state;
END;
