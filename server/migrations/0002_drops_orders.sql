-- Drops, orders, the stock ledger and idempotency keys.

create table drops (
  id                  uuid primary key,
  product_id          uuid not null references products (id),
  creator_id          uuid not null references creators (id),
  status              text not null default 'scheduled' check (status in ('scheduled', 'live', 'ended', 'cancelled')),
  starts_at           timestamptz not null,
  ends_at             timestamptz,
  initial_stock       integer not null check (initial_stock between 1 and 1000000),
  -- The invariant the whole product rests on, enforced by the schema: stock is never negative and never
  -- more than was put up for sale.
  available_stock     integer not null check (available_stock >= 0 and available_stock <= initial_stock),
  low_stock_threshold integer check (low_stock_threshold >= 0),
  per_user_limit      integer check (per_user_limit >= 1),
  -- The price is fixed when the drop is scheduled (or edited while scheduled): later product edits do not
  -- change what buyers of this drop pay.
  unit_price_cents    integer not null check (unit_price_cents >= 0),
  currency            char(3) not null,
  created_at          timestamptz not null default now(),
  updated_at          timestamptz not null default now(),
  constraint drops_schedule_check check (ends_at is null or ends_at > starts_at)
);
create index drops_due_idx on drops (starts_at, id) where status = 'scheduled';
create index drops_ending_idx on drops (ends_at) where status = 'live' and ends_at is not null;
create index drops_creator_idx on drops (creator_id, id desc);
create index drops_status_idx on drops (status, id desc);

-- Every status change, recorded once: the unique key makes a second transition to the same status impossible.
create table drop_transitions (
  id          bigserial primary key,
  drop_id     uuid not null references drops (id) on delete cascade,
  from_status text not null,
  to_status   text not null,
  due_at      timestamptz,
  at          timestamptz not null default clock_timestamp(),
  actor       text not null,
  unique (drop_id, to_status)
);

create table orders (
  id                uuid primary key,
  drop_id           uuid not null references drops (id),
  user_id           uuid not null references users (id),
  quantity          integer not null check (quantity between 1 and 100),
  unit_price_cents  integer not null check (unit_price_cents >= 0),
  total_cents       integer not null check (total_cents = unit_price_cents * quantity),
  currency          char(3) not null,
  status            text not null default 'confirmed' check (status in ('confirmed', 'cancelled')),
  created_at        timestamptz not null default now(),
  cancelled_at      timestamptz,
  check ((status = 'cancelled') = (cancelled_at is not null))
);
create index orders_user_idx on orders (user_id, id desc);
create index orders_drop_idx on orders (drop_id) where status = 'confirmed';

-- Units each buyer holds in a drop. The check constraint is the per-user limit: the order statement's upsert
-- takes this row's lock and sees its latest version, so two concurrent orders of one buyer cannot both pass.
create table drop_purchases (
  drop_id         uuid not null references drops (id),
  user_id         uuid not null references users (id),
  quantity        integer not null check (quantity >= 0),
  per_user_limit  integer,
  primary key (drop_id, user_id),
  constraint drop_purchases_limit_check check (per_user_limit is null or quantity <= per_user_limit)
);

-- Append-only audit trail of every stock movement; sum(delta) per drop = drops.available_stock.
create table stock_ledger (
  id          bigserial primary key,
  drop_id     uuid not null references drops (id),
  kind        text not null check (kind in ('initial', 'order', 'cancel', 'adjustment')),
  delta       integer not null,
  order_id    uuid references orders (id),
  created_at  timestamptz not null default now()
);
create index stock_ledger_drop_idx on stock_ledger (drop_id);

create function stock_ledger_append_only() returns trigger language plpgsql as $$
begin
  raise exception 'stock_ledger is append-only' using errcode = 'insufficient_privilege';
end $$;
create trigger stock_ledger_no_update before update or delete on stock_ledger
  for each row execute function stock_ledger_append_only();

-- Idempotency keys (per user), kept 24 h. A request claims its key with a lease; the order statement only
-- runs while it still holds the lease and completes the key in the same statement, so a crash mid-way
-- leaves an expired lease that a retry can take over, never a half-done order.
create table idempotency_keys (
  user_id          uuid not null references users (id) on delete cascade,
  key              text not null check (length(key) between 1 and 255),
  fingerprint      bytea not null,
  lease            uuid,
  locked_until     timestamptz,
  response_status  integer,
  response_body    text,
  created_at       timestamptz not null default now(),
  completed_at     timestamptz,
  primary key (user_id, key)
);
create index idempotency_keys_created_idx on idempotency_keys (created_at);
