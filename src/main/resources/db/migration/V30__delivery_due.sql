-- Delivery as a time budget (docs/sinks.md#retries): a waiting retry is a row with a due time, not a
-- worker thread; leases name their owner so a restarted hub takes its own back at once.
-- Portable between H2 2.x and PostgreSQL 12+.

ALTER TABLE alert_events ADD COLUMN due_at TIMESTAMP WITH TIME ZONE;
ALTER TABLE alert_events ADD COLUMN lease_owner VARCHAR(255);

ALTER TABLE deliveries ADD COLUMN due_at TIMESTAMP WITH TIME ZONE;
ALTER TABLE deliveries ADD COLUMN lease_owner VARCHAR(255);
-- when the first send failed: the give-up-after budget counts from here
ALTER TABLE deliveries ADD COLUMN first_failed_at TIMESTAMP WITH TIME ZONE;
-- a message rendered before it was queued (a remediation's audit post); NULL: rendered from its event
ALTER TABLE deliveries ADD COLUMN request VARCHAR;
ALTER TABLE deliveries ALTER COLUMN event_id DROP NOT NULL;
CREATE INDEX deliveries_due ON deliveries (state, due_at);
CREATE INDEX alert_events_due ON alert_events (state, due_at);

-- an alert event that could not be routed is kept as a dead letter too (sink 'route')
ALTER TABLE dead_letters ADD COLUMN event_id BIGINT REFERENCES alert_events (id);

ALTER TABLE remediation_actions ADD COLUMN due_at TIMESTAMP WITH TIME ZONE;
ALTER TABLE remediation_actions ADD COLUMN lease_owner VARCHAR(255);
