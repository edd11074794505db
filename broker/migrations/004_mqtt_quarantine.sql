-- Stored packets that cannot be published (a will, a retained message, a queued message whose
-- topic or header is unusable) are moved here rather than retried, so that one bad row never
-- stops the broker or everyone else's deliveries. Kept for an operator to inspect; nothing
-- reads this table.
create table mqtt_quarantine (
  id bigint generated always as identity primary key,
  -- The table the row came from: mqtt_wills, mqtt_retained or mqtt_outgoing.
  source text not null,
  client_id text,
  topic text,
  header text not null,
  payload bytea,
  payload_is_text boolean not null default false,
  reason text not null,
  quarantined_at timestamptz not null default now()
);
