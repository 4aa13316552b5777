-- One row per accepted upload. The verdict columns are written once, by the first worker that
-- finishes (UPDATE … WHERE verdict IS NULL), so a job retried after a crash cannot record twice.
CREATE TABLE applications (
  id            uuid PRIMARY KEY,
  -- sha256 over the signature, then the document when one came with it: the same upload posted
  -- twice is recognised by this and answered with the first application's id.
  content_hash  bytea NOT NULL UNIQUE,
  format        text NOT NULL,
  file_name     text,
  signature     bytea NOT NULL,
  document      bytea,
  received_at   timestamptz NOT NULL DEFAULT clock_timestamp(),
  verdict       text CHECK (verdict IN ('valid', 'invalid', 'indeterminate')),
  code          text,
  report        jsonb,
  signer_serial text,
  signer_issuer text,
  evidence      bytea,
  attempts      integer NOT NULL DEFAULT 0,
  verified_at   timestamptz,
  verified_by   text
);

-- The recovery sweep looks for applications still without a verdict.
CREATE INDEX applications_pending ON applications (received_at) WHERE verdict IS NULL;
