import type { Sql, Tx } from '../../db'
import type { Format, VariantName } from './process'

export type StoredVariant = { width: number; height: number } & Record<Format, string>
export type ImageFiles = Record<VariantName, StoredVariant>

export interface ImageRow {
  id: string
  productId: string
  status: 'pending' | 'ready'
  contentType: string
  declaredSize: number | null
  uploadKey: string
  uploadExpiresAt: Date
  width: number | null
  height: number | null
  files: ImageFiles | null
  createdAt: Date
  completedAt: Date | null
}

/**
 * Reserves an image on a product if it has room. The product row is locked for the count: two uploads started
 * at once cannot both take the last place. → undefined when the product is full.
 */
export async function insertPendingImage(sql: Sql, row: Pick<ImageRow, 'id' | 'productId' | 'contentType' | 'declaredSize' | 'uploadKey' | 'uploadExpiresAt'>, maxPerProduct: number) {
  return sql.begin(async (tx) => {
    await tx`select 1 from products where id = ${row.productId} for update`
    const [{ n }] = await tx<{ n: number }[]>`select count(*)::int as n from product_images where product_id = ${row.productId}`
    if (n >= maxPerProduct) return undefined
    const [inserted] = await tx<ImageRow[]>`
      insert into product_images (id, product_id, status, content_type, declared_size, upload_key, upload_expires_at)
      values (${row.id}, ${row.productId}, 'pending', ${row.contentType}, ${row.declaredSize}, ${row.uploadKey}, ${row.uploadExpiresAt})
      returning *`
    return inserted
  })
}

export async function findImage(sql: Tx, productId: string, id: string): Promise<ImageRow | undefined> {
  const [row] = await sql<ImageRow[]>`select * from product_images where id = ${id} and product_id = ${productId}`
  return row
}

/** pending → ready, once: a concurrent completion or deletion makes this return undefined. */
export async function attachImage(sql: Tx, id: string, a: { width: number; height: number; files: ImageFiles }): Promise<ImageRow | undefined> {
  const [row] = await sql<ImageRow[]>`
    update product_images set status = 'ready', width = ${a.width}, height = ${a.height}, files = ${sql.json(a.files)},
      completed_at = date_trunc('milliseconds', now())
    where id = ${id} and status = 'pending'
    returning *`
  return row
}

/** Only a pending reservation: a refused upload ends it (the owner starts again). */
export async function deletePendingImage(sql: Tx, id: string): Promise<void> {
  await sql`delete from product_images where id = ${id} and status = 'pending'`
}

export async function deleteImage(sql: Tx, productId: string, id: string): Promise<ImageRow | undefined> {
  const [row] = await sql<ImageRow[]>`delete from product_images where id = ${id} and product_id = ${productId} returning *`
  return row
}

/** Whether an upload may still write its bytes (the local upload route asks before it stores anything). */
export async function isPending(sql: Tx, id: string): Promise<boolean> {
  const [row] = await sql`select 1 from product_images where id = ${id} and status = 'pending'`
  return row !== undefined
}

/** The attached images of some products, oldest first (one statement for a whole page of products). */
export async function readyImagesOf(sql: Tx, productIds: string[]): Promise<ImageRow[]> {
  if (productIds.length === 0) return []
  return sql<ImageRow[]>`
    select * from product_images where product_id = any(${productIds}::uuid[]) and status = 'ready' order by product_id, id`
}

/** Uploads whose URL expired more than `graceSec` ago without being completed, oldest first. */
export async function abandonedUploads(sql: Tx, graceSec: number, limit: number): Promise<Pick<ImageRow, 'id' | 'uploadKey'>[]> {
  return sql<Pick<ImageRow, 'id' | 'uploadKey'>[]>`
    select id, upload_key from product_images
    where status = 'pending' and upload_expires_at < now() - make_interval(secs => ${graceSec})
    order by upload_expires_at
    limit ${limit}`
}

export async function deletePendingImages(sql: Tx, ids: string[]): Promise<number> {
  const rows = await sql`delete from product_images where id = any(${ids}::uuid[]) and status = 'pending' returning id`
  return rows.length
}
