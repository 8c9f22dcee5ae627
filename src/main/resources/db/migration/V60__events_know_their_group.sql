-- A group's delivery waits while alerts of its group are still being routed (docs/sinks.md#grouping).
-- Asking that through the alerts table meant a scan of the whole group per look (every 250 ms while a
-- storm's group settles); each event now carries its group, and the open events of a group are one
-- index range. NULL: an event without a group, or stored before this version (treated as settled).
ALTER TABLE alert_events ADD COLUMN group_hash VARCHAR(64);
CREATE INDEX alert_events_group_open ON alert_events (group_hash, state, id);
