-- Log-in sessions as rows of their own, so that rotation and revocation of a refresh-token family serialize.
--
-- Why a row to lock: revoking a family with `update refresh_tokens … where family_id = $1` under READ COMMITTED
-- misses a successor inserted by a rotation still in flight (its row is not visible yet); that rotation then
-- commits a live token into a family that was just revoked (reuse detection, or a logout, racing a refresh).
-- Every rotation now locks its family's row (`select … for update`) before it reads the presented token, and
-- every revocation updates that row, so the two take turns and the family's `revoked_at` is the one truth.
create table refresh_families (
  id          uuid primary key,
  user_id     uuid not null references users (id) on delete cascade,
  revoked_at  timestamptz,
  created_at  timestamptz not null default now()
);

insert into refresh_families (id, user_id, revoked_at, created_at)
  select family_id, (array_agg(user_id))[1], max(revoked_at), min(created_at)
  from refresh_tokens group by family_id;

alter table refresh_tokens
  add constraint refresh_tokens_family_fk foreign key (family_id) references refresh_families (id) on delete cascade;

-- A ticket opens a stream for the session and until the expiry of the access token that asked for it.
alter table realtime_tickets
  add column session_id uuid,
  add column access_expires_at timestamptz;

-- session.revoked: a family was revoked (log-out or reuse detection); instances close that session's streams.
alter table outbox drop constraint outbox_type_check;
alter table outbox add constraint outbox_type_check check (type in (
  'drop.live', 'drop.ended', 'drop.cancelled', 'drop.stock', 'drop.low_stock', 'drop.sold_out',
  'order.confirmed', 'order.cancelled', 'session.revoked'));
