-- Firings a silence muted. Alertmanager re-sends a still-firing alert unchanged, which is no new
-- event to the hub: this record is how a muted alert is still told when its silence ends
-- (routes/route/silence-end.camel.yaml). A row goes when the firing is routed after all, or when
-- its occurrence is over.
CREATE TABLE alert_mutes (
    event_id    BIGINT       NOT NULL PRIMARY KEY,
    fingerprint VARCHAR(64)  NOT NULL,
    starts_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    silence_id  VARCHAR(36)  NOT NULL,
    muted_at    TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX alert_mutes_silence ON alert_mutes (silence_id);
