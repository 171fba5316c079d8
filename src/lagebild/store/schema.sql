-- lagebild store, layout version 2 (report schema v2; a layout-1 store is migrated when opened). One row per article; report lists flattened into tables keyed by (article_id, id).
CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR);
CREATE TABLE IF NOT EXISTS articles (
    id VARCHAR PRIMARY KEY, lang VARCHAR, source VARCHAR, url VARCHAR, title VARCHAR, text VARCHAR,
    text_hash VARCHAR, published_text VARCHAR, published_value VARCHAR, published_earliest DATE,
    published_latest DATE, published_granularity VARCHAR, report JSON, ingested_at TIMESTAMP, generator JSON);
CREATE TABLE IF NOT EXISTS entities (
    article_id VARCHAR, id VARCHAR, label VARCHAR, name VARCHAR, aliases JSON, mentions JSON,
    place_name VARCHAR, country VARCHAR, lat DOUBLE, lon DOUBLE, geonames_id BIGINT, place_kind VARCHAR);
CREATE TABLE IF NOT EXISTS times (
    article_id VARCHAR, id VARCHAR, "start" INTEGER, "end" INTEGER, text VARCHAR, value VARCHAR,
    earliest DATE, latest DATE, granularity VARCHAR);
CREATE TABLE IF NOT EXISTS quantities (
    article_id VARCHAR, id VARCHAR, "start" INTEGER, "end" INTEGER, text VARCHAR, value DOUBLE, low DOUBLE,
    high DOUBLE, approximate BOOLEAN, unit VARCHAR, category VARCHAR, scope_place VARCHAR, scope_level VARCHAR,
    scope_group VARCHAR);
CREATE TABLE IF NOT EXISTS quotes (
    article_id VARCHAR, id VARCHAR, "start" INTEGER, "end" INTEGER, text VARCHAR, kind VARCHAR,
    speaker VARCHAR, speaker_text VARCHAR, cue VARCHAR);
CREATE TABLE IF NOT EXISTS events (
    article_id VARCHAR, id VARCHAR, type VARCHAR, mode VARCHAR, trigger_start INTEGER, trigger_end INTEGER,
    trigger_text VARCHAR, sentence_start INTEGER, sentence_end INTEGER, actors JSON, targets JSON,
    location VARCHAR, time VARCHAR, quantities JSON, source_kind VARCHAR, source_entity VARCHAR,
    source_text VARCHAR, modality VARCHAR);
-- One row per claim: who (claimant, with its canonical key) says what (event, figure) with which modality, where.
CREATE TABLE IF NOT EXISTS claims (
    article_id VARCHAR, id VARCHAR, claimant_kind VARCHAR, claimant_entity VARCHAR, claimant_text VARCHAR,
    claimant_start INTEGER, claimant_end INTEGER, claimant_key VARCHAR, cue_start INTEGER, cue_end INTEGER,
    cue_text VARCHAR, modality VARCHAR, event_id VARCHAR, quantity_id VARCHAR, quote_id VARCHAR,
    evidence_start INTEGER, evidence_end INTEGER);
CREATE TABLE IF NOT EXISTS rejects (origin VARCHAR, code VARCHAR, reason VARCHAR, rejected_at TIMESTAMP);
-- Articles written since their event types were last fused; cleared after a fuse, so a crash before it is repaired.
CREATE TABLE IF NOT EXISTS fuse_pending (article_id VARCHAR PRIMARY KEY);
