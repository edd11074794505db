create table drinks (
  id text primary key,
  name jsonb not null,
  image text,
  available boolean not null default true,
  station text,
  position integer not null default 0,
  updated_at timestamptz not null default now()
);

insert into drinks (id, name, image, station, position) values
  ('coffee', '{"en": "Coffee", "de": "Kaffee", "fr": "Café", "it": "Caffè"}', '/drinks/coffee.svg', 'barista', 10),
  ('espresso', '{"en": "Espresso", "de": "Espresso", "fr": "Espresso", "it": "Espresso"}', '/drinks/espresso.svg', 'barista', 20),
  ('tea', '{"en": "Tea", "de": "Tee", "fr": "Thé", "it": "Tè"}', '/drinks/tea.svg', 'barista', 30),
  ('water', '{"en": "Water", "de": "Wasser", "fr": "Eau", "it": "Acqua"}', '/drinks/water.svg', 'bar', 40),
  ('orange-juice', '{"en": "Orange juice", "de": "Orangensaft", "fr": "Jus d''orange", "it": "Succo d''arancia"}', '/drinks/juice.svg', 'bar', 50),
  ('beer', '{"en": "Beer", "de": "Bier", "fr": "Bière", "it": "Birra"}', '/drinks/beer.svg', 'bar', 60),
  ('white-wine', '{"en": "White wine", "de": "Weisswein", "fr": "Vin blanc", "it": "Vino bianco"}', '/drinks/white-wine.svg', 'bar', 70),
  ('red-wine', '{"en": "Red wine", "de": "Rotwein", "fr": "Vin rouge", "it": "Vino rosso"}', '/drinks/red-wine.svg', 'bar', 80);
