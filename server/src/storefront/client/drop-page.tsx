import { useEffect, useRef, useState } from 'preact/hooks'
import { LiveDropError, newIdempotencyKey, type Drop, type Order, type QueuePlace } from '@livedrop/sdk'
import { AuthForm } from './auth-form'
import { countdown, money, shortId, when } from './format'
import { useNow, useProduct } from './hooks'
import { Link } from './router'
import { ld, useMe } from './session'
import { QueueLine } from './queue-line'

type DropStatus = Drop['status']
/** What the drop's stream says now; it wins over the (possibly cached) GET. */
type Live = { status: DropStatus; availableStock: number }

/** The drop's details from the API, kept current by its event stream. */
function useDrop(dropId: string) {
  const [drop, setDrop] = useState<Drop | null>(null)
  const [live, setLive] = useState<Live | null>(null)
  const [missing, setMissing] = useState(false)
  useEffect(() => {
    const stop = new AbortController()
    void ld.GET('/v1/drops/{dropId}', { params: { path: { dropId } } }).then((r) => (r.data ? setDrop(r.data) : setMissing(true)), () => {})
    void (async () => {
      try {
        for await (const e of ld.subscribe({ dropId }, { signal: stop.signal })) {
          switch (e.type) {
            case 'state':
            case 'reset':
              setLive({ status: e.data.status, availableStock: e.data.availableStock })
              break
            case 'drop.live':
            case 'drop.ended':
            case 'drop.cancelled':
              setDrop(e.data)
              setLive({ status: e.data.status, availableStock: e.data.availableStock })
              break
            case 'drop.stock':
            case 'drop.sold_out':
            case 'drop.low_stock': {
              const stock = e.data.availableStock
              setLive((l) => l && { ...l, availableStock: stock })
              break
            }
          }
        }
      } catch (err) {
        // The stream refused (unknown drop); network cuts are retried inside subscribe().
        if (err instanceof LiveDropError && err.status < 500) setMissing(true)
      }
    })()
    return () => stop.abort()
  }, [dropId])
  const setStock = (availableStock: number) => setLive((l) => l && { ...l, availableStock })
  return { drop: drop && live ? { ...drop, ...live } : drop, missing, setStock }
}

export function DropPage({ dropId }: { dropId: string }) {
  const { drop, missing, setStock } = useDrop(dropId)
  const product = useProduct(drop?.productId)
  const now = useNow()

  if (missing) {
    return (
      <>
        <h1 tabIndex={-1}>Drop not found</h1>
        <p>
          <Link href="/">See the drops that are on</Link>
        </p>
      </>
    )
  }
  if (!drop || product === undefined) return <p class="muted">Loading…</p>

  // A product that could not be read (gone, or the API briefly away) must not hide the drop and its Buy button.
  const title = product?.title ?? 'Drop'
  const price = product ? money(product.priceCents, product.currency) : ''
  const soldOut = drop.status === 'live' && drop.availableStock === 0
  return (
    <article class="drop">
      <p class="crumb">
        <Link href="/">← All drops</Link>
      </p>
      <h1 tabIndex={-1}>{title}</h1>
      {price && <p class="price big">{price}</p>}
      {product?.description && <p>{product.description}</p>}
      <Status drop={drop} soldOut={soldOut} now={now} />
      {drop.status !== 'cancelled' && <Stock drop={drop} />}
      <BuyBox drop={drop} soldOut={soldOut} priceLabel={price} title={title} now={now} onSoldOut={() => setStock(0)} />
    </article>
  )
}

function Status({ drop, soldOut, now }: { drop: Drop; soldOut: boolean; now: number }) {
  const startsIn = Date.parse(drop.startsAt) - now
  const low = drop.status === 'live' && !soldOut && drop.lowStockThreshold !== null && drop.availableStock <= drop.lowStockThreshold
  const [label, tone] =
    drop.status === 'scheduled' ? ['Upcoming', 'soon'] : drop.status === 'ended' ? ['Ended', 'over'] : drop.status === 'cancelled' ? ['Cancelled', 'over'] : soldOut ? ['Sold out', 'out'] : ['Live now', 'live']
  return (
    <div class="status">
      {/* Only the state is announced, not the ticking countdown next to it. */}
      <p aria-live="polite" class="status-line">
        <span class={`badge ${tone}`} data-testid="drop-status">
          {label}
        </span>
        {low && <span class="hint"> Only {drop.availableStock} left</span>}
      </p>
      {drop.status === 'scheduled' && (
        <p class="countdown">
          {startsIn > 0 ? (
            <>
              Opens in <time dateTime={drop.startsAt}>{countdown(startsIn)}</time> <span class="muted">({when(drop.startsAt)})</span>
            </>
          ) : (
            'Opening…'
          )}
        </p>
      )}
      {drop.status === 'live' && drop.endsAt && <p class="muted">Ends {when(drop.endsAt)}</p>}
      {drop.status === 'ended' && <p>This drop has ended{drop.endsAt ? ` (${when(drop.endsAt)})` : ''}.</p>}
      {drop.status === 'cancelled' && <p>The creator cancelled this drop; its orders were cancelled too.</p>}
    </div>
  )
}

function Stock({ drop }: { drop: Drop }) {
  const pct = Math.round((100 * drop.availableStock) / drop.initialStock)
  return (
    <div class={drop.status === 'live' || drop.status === 'scheduled' ? 'stock' : 'stock over'}>
      <div class="bar" role="progressbar" aria-label="Stock left" aria-valuemin={0} aria-valuemax={drop.initialStock} aria-valuenow={drop.availableStock} aria-valuetext={`${drop.availableStock} of ${drop.initialStock} left`}>
        <div class="fill" style={{ width: `${pct}%` }} />
      </div>
      <p class="stock-text">
        {drop.status === 'ended' ? (
          <>
            <strong>{drop.initialStock - drop.availableStock}</strong> of {drop.initialStock} sold
          </>
        ) : (
          <>
            <strong>{drop.availableStock}</strong> of {drop.initialStock} left{drop.perUserLimit ? ` · at most ${drop.perUserLimit} per buyer` : ''}
          </>
        )}
      </p>
    </div>
  )
}

const REFUSALS: Record<string, string> = {
  SOLD_OUT: 'Sold out: the last one just went.',
  PURCHASE_LIMIT_EXCEEDED: 'You already hold as many as one buyer may have of this drop.',
  DROP_NOT_LIVE: 'This drop is not open for orders.',
  ADMISSION_REQUIRED: 'This drop has a waiting room: join the line first.',
  ADMISSION_EXPIRED: 'Your turn in line has expired.',
  ADMISSION_USED: 'Your admission was already used on an order.',
}

function BuyBox(props: { drop: Drop; soldOut: boolean; priceLabel: string; title: string; now: number; onSoldOut(): void }) {
  const { drop } = props
  const { me, known } = useMe()
  // A queued drop: the Buy button only once the line has admitted this buyer (the SDK holds the token).
  const [admission, setAdmission] = useState<QueuePlace | null>(null)
  const [order, setOrder] = useState<Order | null>(null)
  const [refusal, setRefusal] = useState<string | null>(null)
  const [buying, setBuying] = useState(false)
  // One intended purchase = one Idempotency-Key, kept until the server gives a final answer: a double click,
  // or a click again after a network failure, replays the same purchase instead of making a second one.
  const intent = useRef<string | null>(null)
  const busy = useRef(false) // synchronous: the second click of a double click comes before a re-render

  const buy = async () => {
    if (busy.current) return
    busy.current = true
    setBuying(true)
    setRefusal(null)
    intent.current ??= newIdempotencyKey()
    try {
      const res = await ld.createOrder({ dropId: drop.id, quantity: 1 }, { idempotencyKey: intent.current })
      intent.current = null
      if (res.data) setOrder(res.data)
      else {
        if (res.error.code === 'SOLD_OUT') props.onSoldOut()
        setRefusal(REFUSALS[res.error.code] ?? res.error.detail ?? res.error.title)
      }
    } catch {
      setRefusal('The network failed before an answer came. Press Buy again: it retries the same order, it never buys twice.')
    } finally {
      busy.current = false
      setBuying(false)
    }
  }

  const queued = drop.access.mode === 'queue'
  const selling = drop.status === 'live' && !props.soldOut
  const open = selling && (!queued || (admission !== null && !order))
  // The line stays shown once admitted (it counts the admission's time down above the Buy button).
  const lineOpen = queued && me && !order && (selling || drop.status === 'scheduled')
  return (
    <section class="buy" aria-label="Buy">
      {order && (
        <div class="confirmation" role="status">
          <h2>Order confirmed</h2>
          <p>
            {order.quantity} × {props.title} · {money(order.totalCents, order.currency)} · order <code>{shortId(order.id)}</code>
          </p>
          <p>
            <Link href="/orders">See my orders</Link>
          </p>
        </div>
      )}
      {refusal && (
        <p role="alert" class="notice error">
          {refusal}
        </p>
      )}
      {lineOpen && <QueueLine drop={drop} now={props.now} onAdmitted={setAdmission} />}
      {open && me && (
        <button type="button" class="primary buy-button" onClick={() => void buy()} disabled={buying} aria-busy={buying}>
          {buying ? 'Buying…' : `${order ? 'Buy another' : 'Buy now'}${props.priceLabel ? ` · ${props.priceLabel}` : ''}`}
        </button>
      )}
      {(selling || drop.status === 'scheduled') && !me && known && <AuthForm title={selling ? (queued ? 'Sign in to join the line' : 'Sign in to buy') : 'Sign in now, buy the moment it opens'} />}
      {drop.status === 'scheduled' && me && !queued && <p class="muted">You are signed in: the Buy button appears here when the drop opens.</p>}
    </section>
  )
}
