-- Intake accepts label values up to 2048 characters (IntakeLimits.STORE_LABEL_VALUE_LENGTH), and
-- alertname is a label value: the columns that keep it must fit it, or the store would refuse what
-- intake accepted (a 503 Alertmanager repeats forever). Widening a VARCHAR is metadata-only on
-- PostgreSQL. Portable between H2 2.x and PostgreSQL.
ALTER TABLE alerts ALTER COLUMN alertname SET DATA TYPE VARCHAR(2048);
ALTER TABLE dead_letters ALTER COLUMN alertname SET DATA TYPE VARCHAR(2048);
