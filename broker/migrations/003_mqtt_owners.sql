-- Who a persistent session and a will belong to: the role (broker/access.ts) of the client that
-- made them. Another identity using the same client id is refused at CONNECT, and a will is
-- published only if its owner may publish on its topic, also when the broker that held it died.

create table mqtt_sessions (
  client_id text primary key,
  -- Null for a session made before owners were recorded: refused to everyone until the first
  -- identity other than a guest reconnects with it and so claims it.
  owner text,
  created_at timestamptz not null default now()
);

insert into mqtt_sessions (client_id)
select client_id from mqtt_subscriptions
union
select client_id from mqtt_outgoing;

-- Null for wills stored before owners were recorded: those are never published.
alter table mqtt_wills add column owner text;
