-- What the Aedes persistence (broker/persistence) keeps across broker restarts and shares between
-- replicas. A packet is stored as `header`, the JSON of its fields without the payload, and
-- `payload`, the bytes exactly as received; `payload_is_text` records that the payload was given
-- as a string, so that it is handed back as one.

create table mqtt_retained (
  -- "C": byte order, so that the topics under a prefix are one index range.
  topic text collate "C" primary key,
  header text not null,
  payload bytea not null,
  payload_is_text boolean not null default false,
  updated_at timestamptz not null default now()
);

-- Subscriptions of persistent sessions. Each replica matches them in memory; the table is the
-- truth it loads at start and reloads from, per client, when another replica announces a change.
create table mqtt_subscriptions (
  -- Subscription order: kept on update, so a client's subscriptions come back in the order made.
  id bigint generated always as identity,
  client_id text not null,
  topic text not null,
  qos smallint not null,
  rh smallint,
  rap boolean,
  nl boolean,
  subscription_identifier integer,
  primary key (client_id, topic)
);
create index mqtt_subscriptions_topic on mqtt_subscriptions (topic, id);

-- Offline queues: one row per message and client, in send order (`id`).
create table mqtt_outgoing (
  id bigint generated always as identity,
  client_id text not null,
  -- Identify the message: set by the broker that published it, copied from the header.
  broker_id text,
  broker_counter bigint,
  -- The MQTT packet identifier, once the message has been sent.
  message_id integer,
  header text not null,
  payload bytea,
  payload_is_text boolean not null default false,
  primary key (client_id, id)
);
create index mqtt_outgoing_counter on mqtt_outgoing (client_id, broker_id, broker_counter);
create index mqtt_outgoing_message_id on mqtt_outgoing (client_id, message_id) where message_id is not null;

-- Incoming QoS 2 messages between PUBREC and PUBREL.
create table mqtt_incoming (
  client_id text not null,
  message_id integer not null,
  header text not null,
  payload bytea,
  payload_is_text boolean not null default false,
  primary key (client_id, message_id)
);

-- Last wills, with the broker that holds the client's connection.
create table mqtt_wills (
  client_id text primary key,
  broker_id text not null,
  header text not null,
  payload bytea,
  payload_is_text boolean not null default false
);
