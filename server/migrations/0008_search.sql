-- Full-text search over products, drops (through their product) and creators (issue 19).
--
-- Each searchable table carries a stored generated tsvector, so a document is re-indexed by the very statement
-- that changes its row (same transaction, no trigger or queue to lag behind). Weights: a product's title is A,
-- its creator's handle and display name B, its description C; a creator's handle and display name are A (they
-- are what a creator is found by). Trigram indexes (pg_trgm) give typo-tolerant matches on titles, handles and
-- display names.
--
-- The text search configuration (language) is a setting, SEARCH_LANGUAGE. A generated column needs an immutable
-- expression, so the language cannot be read at query time inside it: search_set_language() bakes the chosen
-- configuration into the column expressions as a constant and records it in search_settings; queries read the
-- configuration from search_settings, so query parsing always matches the stored vectors whatever a process's
-- setting says. Changing the language rebuilds the columns (a table rewrite under an exclusive lock), which
-- happens once, at the first boot with the new setting.

create extension if not exists pg_trgm;

-- A product's document includes its creator's names. A generated column may only read its own row, so the
-- names are copied onto the product: on insert (a BEFORE trigger runs before generated columns are computed)
-- and whenever the creator's names change.
alter table products
  add column creator_handle text not null default '',
  add column creator_name   text not null default '';
update products p set creator_handle = c.handle, creator_name = c.display_name from creators c where c.id = p.creator_id;

create function products_copy_creator_names() returns trigger language plpgsql as $$
begin
  select c.handle, c.display_name into new.creator_handle, new.creator_name from creators c where c.id = new.creator_id;
  return new;
end $$;
create trigger products_copy_creator_names before insert or update of creator_id on products
  for each row execute function products_copy_creator_names();

create function creators_propagate_names() returns trigger language plpgsql as $$
begin
  update products set creator_handle = new.handle, creator_name = new.display_name where creator_id = new.id;
  return null;
end $$;
create trigger creators_propagate_names after update of handle, display_name on creators
  for each row when (old.handle is distinct from new.handle or old.display_name is distinct from new.display_name)
  execute function creators_propagate_names();

create table search_settings (
  singleton boolean primary key default true check (singleton),
  language  regconfig not null
);

-- (Re)builds the search columns for a text search configuration; a no-op when it is already the one in use.
create function search_set_language(cfg regconfig) returns boolean language plpgsql as $$
declare
  current_cfg regconfig;
begin
  -- Two instances booting with a new setting at once: one rebuilds, the other then finds nothing to do.
  perform pg_advisory_xact_lock(hashtext('livedrop:search-language'));
  select language into current_cfg from search_settings;
  if current_cfg = cfg then
    return false;
  end if;
  -- Dropping a column drops its indexes with it.
  alter table products drop column if exists search_doc;
  alter table creators drop column if exists search_doc;
  execute format($ddl$
    alter table products add column search_doc tsvector generated always as (
      setweight(to_tsvector(%1$L::regconfig, title), 'A') ||
      setweight(to_tsvector(%1$L::regconfig, creator_handle || ' ' || creator_name), 'B') ||
      setweight(to_tsvector(%1$L::regconfig, description), 'C')
    ) stored $ddl$, cfg::text);
  execute format($ddl$
    alter table creators add column search_doc tsvector generated always as (
      setweight(to_tsvector(%1$L::regconfig, handle || ' ' || display_name), 'A')
    ) stored $ddl$, cfg::text);
  create index products_search_idx on products using gin (search_doc);
  create index creators_search_idx on creators using gin (search_doc);
  insert into search_settings (singleton, language) values (true, cfg)
    on conflict (singleton) do update set language = excluded.language;
  return true;
end $$;

select search_set_language('english');

-- Typos and as-you-type on the short fields (`word <% title`, `handle % word`).
create index products_title_trgm_idx on products using gin (title gin_trgm_ops);
create index creators_handle_trgm_idx on creators using gin (handle gin_trgm_ops);
create index creators_name_trgm_idx on creators using gin (display_name gin_trgm_ops);
-- Drops are found through their product's document: product → its drops.
create index drops_product_idx on drops (product_id);
