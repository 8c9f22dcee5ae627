-- Recurring silences (maintenance windows): a silence may follow a named time interval of
-- time-intervals.yaml instead of one startsAt/endsAt span; it is then stored with an open end and
-- is active whenever that interval is.
ALTER TABLE silences ADD COLUMN time_interval VARCHAR(256);
-- An inhibited firing is muted like a silenced one (alert_mutes), by a rule and a source alert
-- instead of a silence, so that it is told when the source resolves (routes/route/silence-end.camel.yaml).
ALTER TABLE alert_mutes ALTER COLUMN silence_id DROP NOT NULL;
ALTER TABLE alert_mutes ADD COLUMN inhibit_rule VARCHAR(256);
ALTER TABLE alert_mutes ADD COLUMN inhibit_source VARCHAR(64);
CREATE INDEX alert_mutes_fingerprint ON alert_mutes (fingerprint);
CREATE INDEX alert_mutes_inhibit_source ON alert_mutes (inhibit_source);
