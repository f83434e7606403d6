-- Product images (products/images/): a row per image, from the presigned upload (pending) to the attached,
-- verified image with its variants (ready). Only storage keys are kept, never URLs: the public base (a CDN in
-- front of S3, PUBLIC_URL for the local folder) is configuration and may change.

create table product_images (
  id                 uuid primary key,
  product_id         uuid not null references products (id) on delete cascade,
  status             text not null check (status in ('pending', 'ready')),
  -- What the owner declared at step 1 (bound into the presigned URL) and checked against the bytes at step 3.
  content_type       text not null,
  declared_size      integer check (declared_size > 0),
  -- Where the presigned PUT writes the original; deleted once the variants exist (it keeps the EXIF metadata).
  upload_key         text not null,
  upload_expires_at  timestamptz not null,
  width              integer check (width > 0),
  height             integer check (height > 0),
  -- {"thumb": {"width", "height", "webp": key, "avif": key}, "display": {…}}
  files              jsonb,
  created_at         timestamptz not null default date_trunc('milliseconds', now()),
  completed_at       timestamptz,
  check (status = 'pending' or (width is not null and height is not null and files is not null and completed_at is not null))
);
-- A product's images in upload order (ids are UUIDv7), and the count against IMAGE_MAX_PER_PRODUCT.
create index product_images_product_idx on product_images (product_id, id);
-- The maintenance sweep's abandoned uploads.
create index product_images_abandoned_idx on product_images (upload_expires_at) where status = 'pending';
