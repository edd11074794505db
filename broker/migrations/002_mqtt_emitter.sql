-- Messages too large for NOTIFY (8000 bytes) travel through this table: the NOTIFY carries the
-- row id, every replica reads the row, and rows older than a minute or so are deleted
-- (broker/emitter/attachments.ts). Small and short-lived: no index beyond the key.
create table mqtt_emitter_attachments (
  id bigint generated always as identity primary key,
  header text not null,
  -- 'b' bytes, 'j' JSON text, 'u' no payload (broker/emitter/wire.ts).
  kind text not null,
  body bytea,
  created_at timestamptz not null default now()
);
