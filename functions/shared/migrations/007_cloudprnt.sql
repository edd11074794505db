-- Star CloudPRNT printers that subscribe to the broker themselves (contract/cloudprnt.ts).
-- The functions register them; the broker reads them to authenticate the printers, sends them
-- their jobs and keeps their status here, where every replica sees it.
create table cloudprnt_printers (
  mac text primary key check (mac ~ '^[0-9a-f]{2}(:[0-9a-f]{2}){5}$'),
  station text not null check (station ~ '^[a-z0-9-]{1,32}$'),
  name text not null,
  -- Language of the drink names and words on its tickets.
  language text not null default 'en' check (language in ('en', 'de', 'fr', 'it')),
  -- MQTT user name and client id, derived from the MAC.
  username text not null unique,
  -- runtime/password-hash.ts; the password itself is never stored.
  password_hash text not null,
  created_at timestamptz not null default now(),
  -- The last client-status code (decoded) and the last failed job since one printed.
  status_code text,
  failure_code text,
  failure_token text,
  status_at timestamptz
);
create index cloudprnt_printers_station on cloudprnt_printers (station);

-- One row per (printer, order): the broker that inserts it sends the job, so a job is sent
-- once however many replicas see the order. `sent_at` null past the lease: sent again.
create table cloudprnt_jobs (
  mac text not null references cloudprnt_printers (mac) on delete cascade,
  order_id uuid not null,
  payload text not null,
  created_at timestamptz not null default now(),
  sent_at timestamptz,
  result_code text,
  primary key (mac, order_id)
);
create index cloudprnt_jobs_unsent on cloudprnt_jobs (created_at) where sent_at is null;
