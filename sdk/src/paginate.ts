import type { Client, MaybeOptionalInit } from 'openapi-fetch'
import type { paths } from './schema.js'
import { LiveDropError } from './errors.js'

type Page = { items: unknown[]; nextCursor: string | null }
type PageOf<P extends keyof paths> = paths[P]['get'] extends { responses: { 200: { content: { 'application/json': infer B } } } } ? B : never

/** Every GET operation that answers `{ items, nextCursor }`: derived from the spec, so new lists join by themselves. */
export type ListPath = { [P in keyof paths]: [PageOf<P>] extends [never] ? never : PageOf<P> extends Page ? P : never }[keyof paths]
export type ListItem<P extends ListPath> = PageOf<P> extends { items: Array<infer I> } ? I : never
export type ListInit<P extends ListPath> = MaybeOptionalInit<paths[P], 'get'>

type GetPage = (path: string, init: { params: { query: Record<string, unknown> } & Record<string, unknown> } & Record<string, unknown>) =>
  Promise<{ data?: Page; error?: unknown; response: Response }>

/**
 * Walks `nextCursor` until it is null, yielding items one by one; a page's refusal is thrown as LiveDropError
 * (an iterator has no `{ error }` to return). Pages are fetched lazily: breaking out of the loop stops them.
 */
export async function* paginate<P extends ListPath>(client: Client<paths>, path: P, init?: ListInit<P>): AsyncGenerator<ListItem<P>, void, undefined> {
  // openapi-fetch cannot check a path that is still generic; the public signature above carries the types.
  const get = client.GET as unknown as GetPage
  const base = (init ?? {}) as { params?: { query?: Record<string, unknown> } & Record<string, unknown> } & Record<string, unknown>
  let cursor = base.params?.query?.cursor as string | undefined
  for (;;) {
    const { data, error, response } = await get(path, {
      ...base,
      params: { ...base.params, query: { ...base.params?.query, cursor } },
    })
    if (!data) throw new LiveDropError(response, error)
    yield* data.items as ListItem<P>[]
    if (!data.nextCursor) return
    cursor = data.nextCursor
  }
}
