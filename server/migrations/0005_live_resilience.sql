-- Live path under long snapshots, lean replays, and follow changes the hubs can see.

-- 1. The relay's search for unnumbered rows, independent of other sessions' snapshots.
--
-- Numbering a row is an UPDATE (seq null → n): the old version stays in the `seq is null` index until no
-- snapshot can see it any more. One session holding a REPEATABLE READ snapshot (a report, a psql prompt, a
-- pg_dump) kept every row numbered since in that index, and the relay, which searched it from the start 40
-- times a second, walked all of them: < 1 ms became ~10 ms at 100,000 events, and kept growing.
--
-- Each row now records the transaction that wrote it (`xid`). Once the relay has numbered every visible
-- pending row, every row whose writer is older than its snapshot's xmin (the oldest transaction still
-- running) is numbered or rolled back, for good; so the relay remembers that xmin and searches
-- `(xid, id) where seq is null` from there. The dead entries of rows numbered earlier lie below that key and
-- are never visited, whatever snapshot is held open. A read-only snapshot has no xid and does not hold xmin
-- back; a long *writing* transaction does, and then the search costs what it used to, never more.
alter table outbox add column xid xid8;
-- Set as a default (not in the ADD COLUMN) so existing rows are not rewritten; the ALTER waited for every
-- transaction that had inserted into the outbox, so the pending rows below are all there is.
alter table outbox alter column xid set default pg_current_xact_id();
update outbox set xid = pg_current_xact_id() where seq is null;
create index outbox_pending_xid_idx on outbox (xid, id) where seq is null;
drop index outbox_pending_idx;

-- 2. A drop stream's replay reads the drop's own events, not the thousand orders in between (their stock is
-- sent once, from the newest order: see events/service.ts).
create index outbox_drop_level_idx on outbox (drop_id, seq)
  where seq is not null and drop_id is not null and type not in ('order.confirmed', 'order.cancelled');

-- 3. follow.changed: an internal event (never sent to clients) that tells every instance's hub that a user
-- followed or unfollowed a creator, in event order, so that the hub knows in memory whom a drop.live goes to.
-- NOT VALID: the existing rows all satisfy the wider list; no need to scan them under the lock.
alter table outbox drop constraint outbox_type_check;
alter table outbox add constraint outbox_type_check
  check (type in ('drop.live', 'drop.ended', 'drop.cancelled', 'drop.stock', 'drop.low_stock', 'drop.sold_out',
                  'order.confirmed', 'order.cancelled', 'session.revoked', 'follow.changed')) not valid;
