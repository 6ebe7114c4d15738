-- The importer indexes its new rows for full-text search once per group of articles, with one
-- statement per table. A trigger per row made FTS5 write a segment for every INSERT statement
-- (each statement opens a savepoint, and FTS5 flushes on a savepoint) and merge them again,
-- a third of the import's database work. Deletions still go through the triggers.
DROP TRIGGER sentences_fts_insert;
DROP TRIGGER quotes_fts_insert;
DROP TRIGGER events_fts_insert;
DROP TRIGGER articles_fts_insert;
