-- The timeline now selects, counts and pages its events on an index in memory
-- (store::event_index), built from the event tables when the server first needs it, so the
-- unfiltered timeline's stored facet counts and weekly density, and the longest event's span
-- that helped its date queries, are no longer read.
DROP TABLE summary_facets;
DROP TABLE summary_weeks;
ALTER TABLE summary_state DROP COLUMN longest_days;
