-- Who may order from a drop: anyone (open), or buyers admitted through the waiting room (queue). The line
-- itself lives in Redis (server/src/queue/); only the settings are part of the drop.
alter table drops
  add column access_mode           text not null default 'open' check (access_mode in ('open', 'queue')),
  add column admit_per_second      integer check (admit_per_second between 1 and 10000),
  add column pre_queue_seconds     integer check (pre_queue_seconds between 0 and 86400),
  add column admission_ttl_seconds integer check (admission_ttl_seconds between 10 and 3600),
  -- proof of work before joining the line ('pow'), with about how many attempts a solution takes
  add column access_challenge      text not null default 'none' check (access_challenge in ('none', 'pow')),
  add column challenge_difficulty  integer check (challenge_difficulty between 1 and 10000000),
  add constraint drops_access_check check (
    access_mode = 'open'
    or (admit_per_second is not null and pre_queue_seconds is not null and admission_ttl_seconds is not null));
