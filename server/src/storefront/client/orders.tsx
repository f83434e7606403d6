import { useEffect, useState } from 'preact/hooks'
import type { Order } from '@livedrop/sdk'
import { AuthForm } from './auth-form'
import { money, shortId, when } from './format'
import { productOf } from './hooks'
import { Link } from './router'
import { ld, useMe } from './session'

type Row = Order & { title: string }

/** "My orders": the signed-in buyer's orders, newest first, with the product each came from. */
export function Orders() {
  const { me, known } = useMe()
  const [rows, setRows] = useState<Row[] | null>(null)
  useEffect(() => {
    if (!me) return
    let on = true
    void (async () => {
      const { data } = await ld.GET('/v1/me/orders', { params: { query: { limit: 50 } } })
      const orders = data?.items ?? []
      const titles = await Promise.all(orders.map(async (o) => {
        const drop = await ld.GET('/v1/drops/{dropId}', { params: { path: { dropId: o.dropId } } })
        return drop.data ? ((await productOf(drop.data.productId))?.title ?? 'Drop') : 'Drop'
      }))
      if (on) setRows(orders.map((o, i) => ({ ...o, title: titles[i]! })))
    })()
    return () => void (on = false)
  }, [me?.id])

  return (
    <>
      <h1 tabIndex={-1}>My orders</h1>
      {!known ? (
        <p class="muted">Loading…</p>
      ) : !me ? (
        <AuthForm title="Sign in to see your orders" />
      ) : !rows ? (
        <p class="muted">Loading…</p>
      ) : rows.length === 0 ? (
        <p>
          No orders yet. <Link href="/">Find a drop</Link>
        </p>
      ) : (
        <ul class="cards">
          {rows.map((o) => (
            <li class="card" key={o.id}>
              <Link href={`/drops/${o.dropId}`}>
                <span class="card-title">{o.title}</span>
              </Link>
              <span>
                {o.quantity} × {money(o.unitPriceCents, o.currency)} = <strong>{money(o.totalCents, o.currency)}</strong>
              </span>
              <span class={o.status === 'confirmed' ? 'badge live' : 'badge over'}>{o.status === 'confirmed' ? 'Confirmed' : 'Cancelled'}</span>
              <span class="muted">
                Order <code>{shortId(o.id)}</code> · {when(o.createdAt)}
              </span>
            </li>
          ))}
        </ul>
      )}
    </>
  )
}
