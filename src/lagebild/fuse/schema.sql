-- lagebild fuse tables: event clusters across articles, their members (with why they joined), their figures.
CREATE TABLE IF NOT EXISTS clusters (
    id VARCHAR PRIMARY KEY, type VARCHAR, mode VARCHAR, place_name VARCHAR, country VARCHAR, lat DOUBLE, lon DOUBLE,
    earliest DATE, latest DATE, first_reported DATE, last_reported DATE, mention_count INTEGER, article_count INTEGER,
    label VARCHAR, sources INTEGER);
-- sources: independent sources, a wire copy counted with its original (added after layout 1 was first used)
ALTER TABLE clusters ADD COLUMN IF NOT EXISTS sources INTEGER;
CREATE TABLE IF NOT EXISTS cluster_members (
    cluster_id VARCHAR, article_id VARCHAR, event_id VARCHAR, reasons JSON, pinned VARCHAR);
CREATE TABLE IF NOT EXISTS cluster_figures (
    cluster_id VARCHAR, category VARCHAR, article_id VARCHAR, quantity_id VARCHAR, text VARCHAR,
    value DOUBLE, low DOUBLE, high DOUBLE, source_kind VARCHAR, source_name VARCHAR, reported DATE, modality VARCHAR,
    claimant_key VARCHAR, scope VARCHAR);
-- Stores fused before claims and scopes: the two columns are added in place.
ALTER TABLE cluster_figures ADD COLUMN IF NOT EXISTS claimant_key VARCHAR;
ALTER TABLE cluster_figures ADD COLUMN IF NOT EXISTS scope VARCHAR;
-- Internal: a digest of each cluster's rows, so re-fusing rewrites only clusters that changed.
CREATE TABLE IF NOT EXISTS cluster_digests (cluster_id VARCHAR PRIMARY KEY, type VARCHAR, digest VARCHAR);
-- A user's corrections, by mention: 'split' keeps a mention apart; 'merge:<group>' keeps mentions of one group together.
-- Keyed by content-derived event ids, so they survive re-extraction, re-fusing and new articles.
CREATE TABLE IF NOT EXISTS cluster_pins (article_id VARCHAR, event_id VARCHAR, pin VARCHAR, pinned_at TIMESTAMP);
-- Cluster ids persist across re-fusing; an id that disappears (its cluster merged into another) points to its successor.
CREATE TABLE IF NOT EXISTS cluster_redirects (old_id VARCHAR PRIMARY KEY, new_id VARCHAR, reason VARCHAR,
    redirected_at TIMESTAMP);
