/**
 * Reads the client side of the PostgreSQL wire protocol (v3) as it passes a test's TCP proxy, so that a test
 * can cut a connection at one exact message — e.g. right before a COMMIT reaches the server.
 */
import type { Interceptor } from './tcp-proxy'

export interface FrontendMessage {
  /** the message type ('Q' simple query, 'P' parse, 'B' bind, 'E' execute, 'S' sync…); '' for the startup packet */
  type: string
  body: Uint8Array
}

/** Splits a connection's client bytes into messages, across chunk boundaries. */
export function frontendFramer() {
  let buf = new Uint8Array(0)
  let started = false
  return (chunk: Uint8Array): FrontendMessage[] => {
    const joined = new Uint8Array(buf.length + chunk.length)
    joined.set(buf)
    joined.set(chunk, buf.length)
    buf = joined
    const out: FrontendMessage[] = []
    for (;;) {
      const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength)
      // The startup packet (and an SSLRequest before it) has no type byte: int32 length, then the body.
      const head = started ? 5 : 4
      if (buf.length < head) break
      const len = started ? view.getInt32(1) + 1 : view.getInt32(0)
      if (buf.length < len) break
      const type = started ? String.fromCharCode(buf[0]) : ''
      out.push({ type, body: buf.subarray(head, len) })
      // An SSLRequest (code 80877103) is followed by the real startup packet, also untyped.
      if (!started && !(len === 8 && view.getInt32(4) === 80877103)) started = true
      buf = buf.subarray(len)
    }
    return out
  }
}

const cstring = (b: Uint8Array, from: number) => {
  const end = b.indexOf(0, from)
  return { text: new TextDecoder().decode(b.subarray(from, end)), next: end + 1 }
}

/**
 * Follows one connection's statements: → the SQL that each message runs, if it runs one. A simple query ('Q')
 * runs its text; a bind ('B') runs the statement it names, whose text came with that name's parse ('P')
 * earlier on the connection — postgres.js prepares each statement once per connection and afterwards sends
 * only binds, so matching parses alone would miss every later run.
 */
export function statementTracker() {
  const prepared = new Map<string, string>()
  return (m: FrontendMessage): string | null => {
    if (m.type === 'Q') return cstring(m.body, 0).text
    if (m.type === 'P') {
      const name = cstring(m.body, 0)
      prepared.set(name.text, cstring(m.body, name.next).text)
      return null
    }
    if (m.type === 'B') {
      const portal = cstring(m.body, 0)
      return prepared.get(cstring(m.body, portal.next).text) ?? null
    }
    return null
  }
}

/**
 * An interceptor that, once armed, cuts the first connection whose client sends a query matching `pattern` —
 * before the query reaches PostgreSQL — and lets everything pass after that. Install it before the client
 * connects (it must see every statement prepared), arm it when the fault is due. With `after`, only a connection that has
 * already sent a query matching it counts (e.g. the COMMIT of the transaction that inserted an order, not
 * that of a background job). `state.cuts` counts the connections cut. /^commit/i is "the link dies right
 * before COMMIT": the transaction's writes are done, and never committed.
 */
export function cutOnQuery(pattern: RegExp, opts: { after?: RegExp; times?: number } = {}) {
  const times = opts.times ?? 1
  const conns = new WeakMap<object, { framer: ReturnType<typeof frontendFramer>; run: ReturnType<typeof statementTracker>; primed: boolean }>()
  const state = { cuts: 0, armed: false }
  const intercept: Interceptor = (conn, chunk) => {
    let c = conns.get(conn)
    if (!c) conns.set(conn, (c = { framer: frontendFramer(), run: statementTracker(), primed: !opts.after }))
    // Framed even when no longer cutting: the framer's position must follow the whole stream.
    const messages = c.framer(chunk)
    for (const m of messages) {
      // Tracked even when no longer cutting: a later bind names a statement parsed now.
      const text = c.run(m)
      if (text === null || !state.armed || state.cuts >= times) continue
      if (c.primed && pattern.test(text)) {
        state.cuts++
        return 'cut'
      }
      if (opts.after?.test(text)) c.primed = true
    }
    return 'pass'
  }
  return { intercept, state, arm: () => void (state.armed = true) }
}
