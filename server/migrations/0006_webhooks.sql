-- Creator webhooks: endpoints, one delivery per (endpoint, event), and the log of every attempt.

create table webhook_endpoints (
  id                   uuid primary key,
  creator_id           uuid not null references creators (id) on delete cascade,
  url                  text not null,
  description          text not null default '',
  events               text[] not null,
  -- The signing secret must be usable (HMAC needs the key itself), so it cannot be hashed like a password:
  -- it is stored sealed with AES-256-GCM under a key derived from the server's configuration (webhooks/secrets.ts).
  -- A database dump alone does not reveal it.
  secret_sealed        bytea not null,
  -- After a rotation the previous secret signs alongside the new one until previous_expires_at.
  previous_sealed      bytea,
  previous_expires_at  timestamptz,
  enabled              boolean not null default true,
  disabled_at          timestamptz,
  -- Start of the current run of failed attempts (null after any success): an endpoint failing for longer than
  -- WEBHOOKS_DISABLE_AFTER_SEC is disabled.
  failing_since        timestamptz,
  created_at           timestamptz not null default date_trunc('milliseconds', now()),
  updated_at           timestamptz not null default date_trunc('milliseconds', now())
);
create index webhook_endpoints_creator_idx on webhook_endpoints (creator_id, id desc);

create table webhook_deliveries (
  id               uuid primary key,
  endpoint_id      uuid not null references webhook_endpoints (id) on delete cascade,
  -- LiveDrop-Event-Id: `evt_<outbox seq>` for outbox events (the same for every endpoint and every retry).
  event_id         text not null,
  event_type       text not null,
  -- null for pings; otherwise the outbox event, at most one delivery per endpoint and event whoever fans out.
  event_seq        bigint,
  -- The exact bytes that are signed and sent (the outbox row may be pruned before the last retry).
  body             text not null,
  status           text not null default 'pending' check (status in ('pending', 'succeeded', 'failed')),
  attempts         integer not null default 0,
  -- When the next attempt is due. A claim moves it to the end of the claim's lease, so a worker that dies
  -- mid-delivery leaves the delivery due again once the lease is over (nothing is lost, see worker.ts).
  next_attempt_at  timestamptz not null default now(),
  -- Set while an attempt is in flight (the lease's end): other workers do not start a second request to the same
  -- endpoint meanwhile, so one slow endpoint holds one worker slot, not many.
  in_flight_until  timestamptz,
  -- Retries stop after this (WEBHOOKS_RETRY_WINDOW_SEC from the first attempt's due time).
  give_up_at       timestamptz not null,
  created_at       timestamptz not null default date_trunc('milliseconds', now()),
  unique (endpoint_id, event_seq)
);
create index webhook_deliveries_due_idx on webhook_deliveries (next_attempt_at) where status = 'pending';
create index webhook_deliveries_endpoint_idx on webhook_deliveries (endpoint_id, id desc);

create table webhook_attempts (
  delivery_id  uuid not null references webhook_deliveries (id) on delete cascade,
  attempt      integer not null,
  status_code  integer,
  latency_ms   integer not null,
  error        text,
  at           timestamptz not null default now(),
  primary key (delivery_id, attempt)
);

-- webhook.disabled: an endpoint was disabled for failing too long; the notifier stores it as its owner's
-- notification (never sent on a stream). The list repeats every type main knows of, follow.changed included, so
-- this constraint is a superset of the one before it whichever migration ran last. NOT VALID: existing rows
-- all satisfy it; no need to scan them under the lock.
alter table outbox drop constraint outbox_type_check;
alter table outbox add constraint outbox_type_check
  check (type in ('drop.live', 'drop.ended', 'drop.cancelled', 'drop.stock', 'drop.low_stock', 'drop.sold_out',
                  'order.confirmed', 'order.cancelled', 'session.revoked', 'follow.changed', 'webhook.disabled')) not valid;

-- The fan-out's cursor: every outbox event up to seq has its deliveries written (same pattern as 'notified').
-- It starts at the current end of the outbox: endpoints registered from now on get events from now on.
insert into outbox_cursors (name, seq) values ('webhooks', coalesce((select max(seq) from outbox), 0));
