-- The bar's last move of an order, so that the bar can take that one move back within
-- UNDO_SECONDS: the status it left and when. Cleared by an undo and by a guest's change, since
-- only the bar's own latest move may be undone.
alter table orders
  add column previous_status text
    check (previous_status in ('placed', 'preparing', 'ready', 'delivered', 'cancelled')),
  add column moved_at timestamptz(3);
