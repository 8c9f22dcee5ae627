-- Probe state (dev.alerthub.probe). Portable between H2 2.x and PostgreSQL 12+.

-- One row per probe alert instance that is pending or firing: Prometheus' "active alerts" of a
-- rule, kept here so a restart does not restart a long `for`. Inactive instances have no row;
-- a resolved instance's row is removed once its resolved alert is stored.
CREATE TABLE probe_instances (
    probe_id     VARCHAR(128) NOT NULL,
    fingerprint  VARCHAR(64)  NOT NULL,
    state        VARCHAR(16)  NOT NULL,
    active_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    fired_at     TIMESTAMP WITH TIME ZONE,
    labels       VARCHAR      NOT NULL,
    annotations  VARCHAR      NOT NULL,
    sample_value DOUBLE PRECISION,
    updated_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT probe_instances_pk PRIMARY KEY (probe_id, fingerprint)
);
CREATE INDEX probe_instances_state ON probe_instances (state);
