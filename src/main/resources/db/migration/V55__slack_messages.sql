-- Slack Web API mode (docs/sinks.md#slack-web-api): the message each key (an alert's fingerprint, or
-- a group's key) was posted as, per target, so that a later change of the same alert or group edits
-- that message (chat.update) and reminders and remediation actions reply in its thread, also after a
-- restart. A key longer than 255 characters is stored as its SHA-256.
CREATE TABLE slack_messages (
    target      VARCHAR(128) NOT NULL,
    thread_key  VARCHAR(255) NOT NULL,
    channel     VARCHAR(64)  NOT NULL,
    ts          VARCHAR(32)  NOT NULL,
    posted_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (target, thread_key)
);

-- Exchange properties a sink needs at send time (the Slack thread key, "this is a reminder", the
-- group id), kept with the delivery so that a retry, the recovery poller and a dead-letter replay
-- send it the same way as the fast path. JSON object of strings; NULL: none.
ALTER TABLE deliveries ADD COLUMN context VARCHAR;
