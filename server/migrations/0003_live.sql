-- Live: transactional event outbox, follows, notifications, realtime tickets.

-- UUIDv7 generated in SQL, for set-based inserts (a drop.live notification for every follower in one statement).
-- 48-bit Unix-millisecond prefix, version 7, variant 10, the rest random.
create function livedrop_uuidv7() returns uuid language sql volatile parallel safe as $$
  select encode(
    set_bit(set_bit(overlay(uuid_send(gen_random_uuid())
      placing substring(int8send((extract(epoch from clock_timestamp()) * 1000)::bigint) from 3)
      from 1 for 6), 52, 1), 53, 1),
    'hex')::uuid
$$;

-- The transactional outbox. Writers insert a row in the same transaction as the change it describes (one
-- INSERT, nothing else: it sits on the hot order path). `seq` stays null until the relay assigns it.
--
-- Why seq is assigned by the relay and not taken from `id`: bigserial values are allocated at INSERT time, not
-- commit time, so two concurrent transactions can commit ids 11 then 10. A reader that had already moved past
-- 11 would skip 10 forever. The relay (one leader at a time, see events/relay.ts) numbers rows only once they
-- are committed and visible, so `seq` order is visibility order: a late commit simply gets a later seq.
create table outbox (
  id          bigserial primary key,
  seq         bigint,
  type        text not null check (type in ('drop.live', 'drop.ended', 'drop.cancelled', 'drop.stock', 'drop.low_stock',
                                            'drop.sold_out', 'order.confirmed', 'order.cancelled')),
  drop_id     uuid,
  user_id     uuid,
  creator_id  uuid,
  data        jsonb not null,
  created_at  timestamptz not null default now()
);
-- What the relay has still to number (tiny: rows leave it within milliseconds).
create index outbox_pending_idx on outbox (id) where seq is null;
create unique index outbox_seq_key on outbox (seq) where seq is not null;
-- Replay (Last-Event-ID) per stream. Partial, so the hot-path INSERT (seq still null) does not touch them.
create index outbox_drop_seq_idx on outbox (drop_id, seq) where seq is not null and drop_id is not null;
create index outbox_user_seq_idx on outbox (user_id, seq) where seq is not null and user_id is not null;
create index outbox_creator_live_idx on outbox (creator_id, seq) where seq is not null and type = 'drop.live';

-- Progress of background consumers of the outbox: 'notified' = every event up to seq has its stored
-- notifications written. (Publishing needs no cursor: instances reconcile against max(seq), see events/hub.ts.)
create table outbox_cursors (
  name  text primary key,
  seq   bigint not null default 0
);
insert into outbox_cursors (name) values ('notified');

create table follows (
  creator_id   uuid not null references creators (id) on delete cascade,
  follower_id  uuid not null references users (id) on delete cascade,
  -- Millisecond precision, so that the keyset cursor (an RFC 3339 string with ms) matches stored values exactly.
  created_at   timestamptz not null default date_trunc('milliseconds', now()),
  primary key (creator_id, follower_id)
);
-- Keyset pagination of both lists, newest first.
create index follows_creator_page_idx on follows (creator_id, created_at desc, follower_id desc);
create index follows_follower_page_idx on follows (follower_id, created_at desc, creator_id desc);

create table notifications (
  id          uuid primary key,
  user_id     uuid not null references users (id) on delete cascade,
  type        text not null,
  data        jsonb not null,
  -- The outbox event it came from: at most one notification per user and event, whoever retries.
  event_seq   bigint not null,
  read_at     timestamptz,
  created_at  timestamptz not null default now(),
  unique (user_id, event_seq)
);
create index notifications_user_page_idx on notifications (user_id, event_seq desc);
create index notifications_unread_idx on notifications (user_id, event_seq desc) where read_at is null;

-- Single-use tickets for SSE clients that cannot send an Authorization header. Only the SHA-256 is stored.
create table realtime_tickets (
  ticket_hash  bytea primary key,
  user_id      uuid not null references users (id) on delete cascade,
  expires_at   timestamptz not null
);
create index realtime_tickets_expiry_idx on realtime_tickets (expires_at);
