-- Remediation requests move onto the store's one leased work queue (store/WorkQueue), which counts
-- the claims of each row. States keep their stored names (queued, claimed, acting, decided).
-- Portable between H2 2.x and PostgreSQL 12+.
ALTER TABLE remediation_actions ADD COLUMN attempts INT DEFAULT 0 NOT NULL;
