-- A guest's Web Push subscriptions: where the push service takes messages for that browser, and
-- the keys the messages are encrypted with (RFC 8291). The guest id is the credential, as for
-- the guest's orders. Removed when the push service says it is gone (404, 410) and when the
-- guest's orders are all delivered or cancelled.
create table push_subscriptions (
  id bigint generated always as identity primary key,
  guest_id uuid not null,
  endpoint text not null unique,
  p256dh text not null,
  auth text not null,
  language text not null check (language in ('en', 'de', 'fr', 'it')),
  created_at timestamptz not null default now()
);

create index push_subscriptions_guest_idx on push_subscriptions (guest_id, created_at);

-- The pushes that announce a ready order, one row per order and subscription: the primary key is
-- what keeps an order from being pushed twice to one browser (an undo and a second "ready" find
-- the row there). Written in the transaction that marks the order ready. Until lease_until the
-- process that wrote or claimed the row is sending it; after it, a row not yet sent is the
-- relay's, and a failed one waits until then for its next try.
create table push_outbox (
  order_id uuid not null references orders (id) on delete cascade,
  subscription_id bigint not null references push_subscriptions (id) on delete cascade,
  payload text not null,
  attempts integer not null default 0,
  lease_until timestamptz not null,
  -- Set once the push service took the message (2xx), or when it was given up on.
  sent_at timestamptz,
  gave_up boolean not null default false,
  primary key (order_id, subscription_id)
);

create index push_outbox_due_idx on push_outbox (lease_until) where sent_at is null;
