import type { Tx } from '../db'
import type { CursorKey } from '../lib/pagination'

export interface ProductRow {
  id: string
  creatorId: string
  title: string
  description: string
  priceCents: number
  currency: string
  createdAt: Date
  updatedAt: Date
}

// Named columns, not `*`: products also carry search columns (0008_search.sql) no product read needs.
const COLUMNS = ['id', 'creator_id', 'title', 'description', 'price_cents', 'currency', 'created_at', 'updated_at']

export async function insertProduct(sql: Tx, p: Omit<ProductRow, 'createdAt' | 'updatedAt'>): Promise<ProductRow> {
  const [row] = await sql<ProductRow[]>`
    insert into products (id, creator_id, title, description, price_cents, currency)
    values (${p.id}, ${p.creatorId}, ${p.title}, ${p.description}, ${p.priceCents}, ${p.currency})
    returning ${sql(COLUMNS)}`
  return row
}

export async function findProduct(sql: Tx, id: string): Promise<ProductRow | undefined> {
  const [row] = await sql<ProductRow[]>`select ${sql(COLUMNS)} from products where id = ${id}`
  return row
}

/** Only the listed columns can change: the patch object never reaches SQL as a whole (no mass assignment). */
export async function updateProduct(
  sql: Tx,
  id: string,
  patch: { title?: string; description?: string; priceCents?: number; currency?: string },
): Promise<ProductRow | undefined> {
  const [row] = await sql<ProductRow[]>`
    update products set
      title = coalesce(${patch.title ?? null}, title),
      description = coalesce(${patch.description ?? null}, description),
      price_cents = coalesce(${patch.priceCents ?? null}::integer, price_cents),
      currency = coalesce(${patch.currency ?? null}, currency),
      updated_at = now()
    where id = ${id}
    returning ${sql(COLUMNS)}`
  return row
}

/** Newest first; ids are UUIDv7 so id order is creation order and the id alone is the keyset. */
export async function listProducts(sql: Tx, q: { creatorId?: string; after: CursorKey | null; limit: number }): Promise<ProductRow[]> {
  return sql<ProductRow[]>`
    select ${sql(COLUMNS)} from products
    where true
      ${q.creatorId ? sql`and creator_id = ${q.creatorId}` : sql``}
      ${q.after ? sql`and id < ${q.after[0] as string}` : sql``}
    order by id desc
    limit ${q.limit + 1}`
}
