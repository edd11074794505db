-- Until lease_until the function that wrote the row is publishing it; then the relay may.
-- Rows written before this column existed are the relay's at once.
alter table outbox add column lease_until timestamptz not null default now();
