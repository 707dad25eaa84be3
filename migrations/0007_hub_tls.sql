-- 0007: the hub's TLS certificate (PEM), pinned at enrolment when the hub serves TLS itself:
-- from the enrolment file, or from the hub's health answer, vouched for by the hub key the
-- terminal pinned. NULL: plain HTTP, or TLS checked against the public CAs (a reverse proxy).
ALTER TABLE hub_enrolment ADD COLUMN tls_certificate TEXT;
