-- A guest's open orders, counted for every order placed (at most three open at once). Without
-- this index the planner, its statistics behind during a rush, scanned every open order of the
-- event for each batch: milliseconds of database time growing with the night.
create index orders_guest_open_idx on orders (guest_id, event_id) where status in ('placed', 'preparing', 'ready');
