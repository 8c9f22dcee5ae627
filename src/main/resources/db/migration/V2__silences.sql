-- Alertmanager-style silences: while active, matching alerts notify nobody.
CREATE TABLE silences (
    id         VARCHAR(36)   NOT NULL PRIMARY KEY,
    matchers   VARCHAR       NOT NULL,
    starts_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    ends_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    created_by VARCHAR(256)  NOT NULL,
    comment    VARCHAR(4096) NOT NULL,
    updated_at TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX silences_ends ON silences (ends_at);
