-- Events: every order belongs to one, and each event counts its pickup numbers from 1. The
-- current event is the one started last.
create table events (
  id integer generated always as identity primary key,
  -- Null until named: the first event takes EVENT_NAME (`nameFirstEvent`).
  name text check (char_length(name) between 1 and 200),
  started_at timestamptz(3) not null default now(),
  -- This event's pickup numbers. A sequence of its own, rather than a counter row, so that
  -- concurrent batches of orders (on any pod) take numbers without waiting for each other's
  -- commit; like any sequence it skips the numbers of orders refused or rolled back.
  numbers regclass not null
);

-- Starts an event: its row and its sequence, in the caller's transaction.
create function start_event(event_name text) returns events
language plpgsql as $$
declare
  new_id integer := nextval(pg_get_serial_sequence('events', 'id'));
  sequence_name text := format('pickup_numbers_%s', new_id);
  started events;
begin
  execute format('create sequence %I as integer minvalue 1', sequence_name);
  insert into events (id, name, numbers) overriding system value
  values (new_id, event_name, sequence_name::regclass)
  returning * into started;
  return started;
end
$$;

-- Defaults for inserts that give neither (the order writer gives both, from one statement).
-- Evaluated in one statement, they agree on the event.
create function current_event_id() returns integer
language sql stable as $$ select max(id) from events $$;

create function next_pickup_number() returns integer
language sql volatile as $$
  select nextval(numbers)::integer from events order by id desc limit 1
$$;

select start_event(null);

alter table orders add column event_id integer references events (id);
update orders set event_id = current_event_id();
alter table orders alter column event_id set not null;
alter table orders alter column event_id set default current_event_id();

-- The first event goes on where the database-wide numbers stopped.
select setval(e.numbers, o.last)
from events e, (select max(number) as last from orders) o
where o.last is not null;

alter table orders alter column number drop identity;
alter table orders alter column number set default next_pickup_number();
-- Pods of the previous version, still serving until they are replaced, take their numbers from
-- pg_get_serial_sequence('orders', 'number'): the first event's sequence answers them, so their
-- orders and the new pods' share one count.
do $$
begin
  execute format('alter sequence %s owned by orders.number', (select numbers from events order by id limit 1));
end
$$;
alter table orders drop constraint orders_number_key;
alter table orders add constraint orders_event_number_key unique (event_id, number);
create index orders_event_created_idx on orders (event_id, created_at desc, id desc);
