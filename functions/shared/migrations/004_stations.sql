-- The counters of a venue. Each drink belongs to one (or to none at a one-bar event); its
-- orders go to that station's screens and printers, and the guest picks up there.
create table stations (
  id text primary key check (id ~ '^[a-z0-9-]{1,32}$'),
  name jsonb not null,
  -- Where guests pick up, in the four languages; null when the name says it all.
  location jsonb,
  position integer not null default 0,
  updated_at timestamptz not null default now()
);

insert into stations (id, name, location, position) values
  ('coffee', '{"en": "Coffee", "de": "Kaffee", "fr": "Café", "it": "Caffè"}',
    '{"en": "Coffee cart by the entrance", "de": "Kaffeewagen beim Eingang", "fr": "Chariot à café près de l''entrée", "it": "Carretto del caffè all''ingresso"}', 10),
  ('bar', '{"en": "Bar", "de": "Bar", "fr": "Bar", "it": "Bar"}',
    '{"en": "Left of the stage", "de": "Links der Bühne", "fr": "À gauche de la scène", "it": "A sinistra del palco"}', 20);

-- The seeded drinks named their counters before stations existed.
update drinks set station = 'coffee' where station = 'barista';
update drinks set station = null where station is not null and station not in (select id from stations);
-- A station with drinks cannot be removed (409 station_in_use); ids never change.
alter table drinks add constraint drinks_station_fkey foreign key (station) references stations (id);
create index drinks_station_idx on drinks (station);

-- The station of the drink when the order was placed or its drink changed: an order keeps its
-- station when the drink later moves, since its ticket was printed there. No foreign key: a
-- removed station's past orders stay as they were.
alter table orders add column station text;
update orders set station = drinks.station from drinks where drinks.id = orders.drink_id;
