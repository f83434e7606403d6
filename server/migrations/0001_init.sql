-- Foundation: accounts, refresh-token families, creators, products.

create table users (
  id            uuid primary key,
  username      text not null check (username ~ '^[a-zA-Z0-9_]{3,32}$'),
  email         text not null check (length(email) <= 254),
  password_hash text not null,
  created_at    timestamptz not null default now()
);
create unique index users_username_key on users (lower(username));
create unique index users_email_key on users (lower(email));

-- Refresh tokens are stored as SHA-256 hashes only. Each log-in starts a family; rotation marks the presented
-- token used and adds its successor to the same family; presenting a used token revokes the family.
create table refresh_tokens (
  id          uuid primary key,
  user_id     uuid not null references users (id) on delete cascade,
  family_id   uuid not null,
  token_hash  bytea not null unique,
  expires_at  timestamptz not null,
  used_at     timestamptz,
  revoked_at  timestamptz,
  created_at  timestamptz not null default now()
);
create index refresh_tokens_family_idx on refresh_tokens (family_id);
create index refresh_tokens_expiry_idx on refresh_tokens (expires_at);

create table creators (
  id              uuid primary key,
  user_id         uuid not null unique references users (id) on delete cascade,
  handle          text not null check (handle ~ '^[a-z0-9][a-z0-9_-]{1,29}$'),
  display_name    text not null check (length(display_name) between 1 and 80),
  follower_count  integer not null default 0 check (follower_count >= 0),
  created_at      timestamptz not null default now()
);
create unique index creators_handle_key on creators (lower(handle));

create table products (
  id           uuid primary key,
  creator_id   uuid not null references creators (id) on delete cascade,
  title        text not null check (length(title) between 1 and 200),
  description  text not null default '' check (length(description) <= 5000),
  price_cents  integer not null check (price_cents >= 0),
  currency     char(3) not null check (currency ~ '^[A-Z]{3}$'),
  created_at   timestamptz not null default now(),
  updated_at   timestamptz not null default now()
);
create index products_creator_idx on products (creator_id, id desc);
