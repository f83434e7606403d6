import { useEffect, useState } from 'preact/hooks'
import type { Drop } from '@livedrop/sdk'
import { countdown, money } from './format'
import { useNow, useProduct } from './hooks'
import { Link } from './router'
import { ld } from './session'

const REFRESH_MS = 15_000

/** Home: live drops first, then upcoming ones with a countdown. */
export function DropList() {
  const [drops, setDrops] = useState<{ live: Drop[]; scheduled: Drop[] } | null>(null)
  const [failed, setFailed] = useState(false)
  const now = useNow()

  const load = async () => {
    const [live, scheduled] = await Promise.all([
      ld.GET('/v1/drops', { params: { query: { status: 'live', limit: 50 } } }),
      ld.GET('/v1/drops', { params: { query: { status: 'scheduled', limit: 50 } } }),
    ])
    if (!live.data || !scheduled.data) return setFailed(true)
    setFailed(false)
    setDrops({ live: live.data.items, scheduled: scheduled.data.items })
  }
  useEffect(() => {
    void load().catch(() => setFailed(true))
    const t = setInterval(() => void load().catch(() => setFailed(true)), REFRESH_MS)
    return () => clearInterval(t)
  }, [])
  // A drop whose countdown just ran out is live (or about to be): fetch the lists again shortly after.
  const nextStart = drops?.scheduled.reduce((min, d) => Math.min(min, Date.parse(d.startsAt)), Infinity) ?? Infinity
  useEffect(() => {
    if (!Number.isFinite(nextStart)) return
    const t = setTimeout(() => void load().catch(() => setFailed(true)), Math.max(0, nextStart - Date.now()) + 1200)
    return () => clearTimeout(t)
  }, [nextStart])

  return (
    <>
      <h1 tabIndex={-1}>Drops</h1>
      {failed && <p role="alert" class="notice error">Could not reach the API; retrying.</p>}
      {!drops ? (
        <p class="muted">Loading…</p>
      ) : (
        <>
          <section aria-labelledby="live-h">
            <h2 id="live-h">Live now</h2>
            {drops.live.length ? <ul class="cards">{drops.live.map((d) => <DropCard key={d.id} drop={d} now={now} />)}</ul> : <p class="muted">Nothing live right now.</p>}
          </section>
          <section aria-labelledby="next-h">
            <h2 id="next-h">Upcoming</h2>
            {drops.scheduled.length ? <ul class="cards">{drops.scheduled.map((d) => <DropCard key={d.id} drop={d} now={now} />)}</ul> : <p class="muted">No drop is scheduled.</p>}
          </section>
        </>
      )}
    </>
  )
}

function DropCard({ drop, now }: { drop: Drop; now: number }) {
  const product = useProduct(drop.productId)
  const title = product?.title ?? 'Drop'
  return (
    <li class="card">
      <Link href={`/drops/${drop.id}`}>
        <span class="card-title">{title}</span>
      </Link>
      {product && <span class="price">{money(product.priceCents, product.currency)}</span>}
      {drop.status === 'live' ? (
        <span class={drop.availableStock > 0 ? 'badge live' : 'badge out'}>{drop.availableStock > 0 ? `Live · ${drop.availableStock} left` : 'Sold out'}</span>
      ) : (
        <span class="badge soon">
          Starts in <time dateTime={drop.startsAt}>{countdown(Date.parse(drop.startsAt) - now)}</time>
        </span>
      )}
    </li>
  )
}
