create table orders (
  id uuid primary key,
  -- The pickup number: from a sequence, so it never repeats within a database.
  number integer generated always as identity unique,
  guest_id uuid not null,
  nickname text not null,
  drink_id text not null references drinks (id),
  quantity integer not null check (quantity between 1 and 10),
  note text not null default '',
  status text not null default 'placed'
    check (status in ('placed', 'preparing', 'ready', 'delivered', 'cancelled')),
  -- Milliseconds, as the API shows them: a cursor made from an order's createdAt then points
  -- exactly at that order.
  created_at timestamptz(3) not null default now(),
  updated_at timestamptz(3) not null default now()
);

create index orders_guest_idx on orders (guest_id, created_at desc);
create index orders_created_idx on orders (created_at desc, id desc);
create index orders_open_idx on orders (status) where status in ('placed', 'preparing', 'ready');

-- Messages that belong to a committed change and have not been confirmed by the broker yet.
-- Written in the same transaction as the order; deleted once the broker acknowledged them;
-- whatever stays is relayed by the broker.
create table outbox (
  id bigint generated always as identity primary key,
  topic text not null,
  payload bytea not null,
  qos smallint not null default 1,
  retain boolean not null default false,
  created_at timestamptz not null default now()
);
