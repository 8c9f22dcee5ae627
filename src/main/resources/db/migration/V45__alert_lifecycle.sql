-- Acknowledgements, escalations and reminders (docs/lifecycle.md), one row per alert occurrence
-- (fingerprint + startsAt): a new firing after a resolve is a new occurrence, so it starts
-- un-acknowledged, un-escalated and un-reminded. Portable between H2 2.x and PostgreSQL 12+.
CREATE TABLE alert_lifecycle (
    fingerprint          VARCHAR(64)   NOT NULL,
    starts_at            TIMESTAMP WITH TIME ZONE NOT NULL,
    acknowledged_by      VARCHAR(256),
    acknowledged_at      TIMESTAMP WITH TIME ZONE,
    ack_comment          VARCHAR(4096),
    -- the escalation page (dedup_key escalation:<fingerprint>): when it was queued, and when its resolve was
    escalated_at         TIMESTAMP WITH TIME ZONE,
    escalation_closed_at TIMESTAMP WITH TIME ZONE,
    reminded_at          TIMESTAMP WITH TIME ZONE,
    updated_at           TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT alert_lifecycle_pk PRIMARY KEY (fingerprint, starts_at)
);
CREATE INDEX alert_lifecycle_open_escalations ON alert_lifecycle (escalation_closed_at, escalated_at);

-- what a delivery is beyond the alert's own notification: ack, reminder, escalation (NULL: the notification)
ALTER TABLE deliveries ADD COLUMN kind VARCHAR(16);
-- the message thread it belongs to (the alert's fingerprint): Slack Web API mode replies in that thread
ALTER TABLE deliveries ADD COLUMN thread_key VARCHAR(256);
