import { useEffect, useRef, useState } from 'preact/hooks'
import { LiveDropError, QueueClosedError, type Drop, type QueuePlace } from '@livedrop/sdk'
import { countdown } from './format'
import { ld } from './session'

type LineState =
  | { kind: 'idle' }
  | { kind: 'joining' }
  | { kind: 'place'; place: QueuePlace }
  | { kind: 'closed'; reason: string }
  | { kind: 'error'; message: string }

const CLOSED: Record<string, string> = {
  sold_out: 'Sold out: the line has closed. Thanks for waiting.',
  ended: 'The drop has ended; the line has closed.',
  cancelled: 'The creator cancelled this drop; the line has closed.',
  expired: 'Your turn came and went: the admission expired before an order.',
  order_refused: 'Your admission was used on an order that was refused.',
}

/**
 * A queued drop's waiting room: join the line (the SDK solves the drop's proof of work in a Web Worker when it
 * has one), watch your place move, and once admitted hand over to the Buy button — the SDK sends the admission
 * token with that order by itself.
 */
export function QueueLine(props: { drop: Drop; now: number; onAdmitted(place: QueuePlace): void }) {
  const { drop } = props
  const [state, setState] = useState<LineState>({ kind: 'idle' })
  const stop = useRef<AbortController | null>(null)
  useEffect(() => () => stop.current?.abort(), [])

  const join = async () => {
    if (stop.current) return
    const signal = (stop.current = new AbortController()).signal
    setState({ kind: 'joining' })
    try {
      for await (const place of ld.queue.join(drop.id, { signal })) {
        setState({ kind: 'place', place })
        if (place.status === 'admitted') props.onAdmitted(place)
      }
    } catch (err) {
      if (signal.aborted) return
      if (err instanceof QueueClosedError) setState({ kind: 'closed', reason: err.reason })
      else if (err instanceof LiveDropError) setState({ kind: 'error', message: err.problem?.detail ?? err.message })
      else setState({ kind: 'error', message: 'The network failed while joining. Try again: you keep your place.' })
    } finally {
      stop.current = null
    }
  }

  const opensAt = Date.parse(drop.startsAt) - (drop.access.preQueueSeconds ?? 0) * 1000
  if (state.kind === 'idle' || state.kind === 'error') {
    if (props.now < opensAt) {
      return <p class="muted" data-testid="queue-opens">The line opens in <time dateTime={new Date(opensAt).toISOString()}>{countdown(opensAt - props.now)}</time>.</p>
    }
    return (
      <div class="queue">
        {state.kind === 'error' && <p role="alert" class="notice error">{state.message}</p>}
        <p class="muted">This drop has a waiting room: join the line and buy when it is your turn.</p>
        <button type="button" class="primary" data-testid="queue-join" onClick={() => void join()}>
          Join the line
        </button>
      </div>
    )
  }
  if (state.kind === 'joining') return <p class="queue" aria-busy="true" data-testid="queue-joining">Joining the line…</p>
  if (state.kind === 'closed') return <p role="alert" class="notice error" data-testid="queue-closed">{CLOSED[state.reason] ?? `The line has closed (${state.reason}).`}</p>
  const p = state.place
  return (
    <div class="queue" aria-live="polite" data-testid="queue-place" data-status={p.status}>
      {p.status === 'pre_queue' && <p>You are in the line. Your place is drawn at random when the drop opens — arriving earlier does not help, so relax.</p>}
      {p.status === 'waiting' && (
        <p>
          Your place in line: <strong data-testid="queue-position">{p.position}</strong>
          <span class="muted"> · {p.ahead} ahead of you · about {countdown((p.estimatedWaitSeconds ?? 0) * 1000)} to wait</span>
        </p>
      )}
      {p.status === 'admitted' && p.admission && (
        <p data-testid="queue-admitted">It is your turn: buy before <time dateTime={p.admission.expiresAt}>{countdown(Date.parse(p.admission.expiresAt) - props.now)}</time> runs out.</p>
      )}
      {p.status === 'bought' && <p>You bought from this drop through the line.</p>}
    </div>
  )
}
