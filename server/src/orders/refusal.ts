import { problemBody } from '../errors'
import type { ErrorCode } from '../contract/vocabulary.gen'

/** Why an order was refused, and what the buyer is told about it: one wording for the batched and the unbatched path. */
export type RefusalCode = Extract<ErrorCode, 'NOT_FOUND' | 'DROP_NOT_LIVE' | 'SOLD_OUT' | 'PURCHASE_LIMIT_EXCEEDED'>

/** The stored answer to a refused order (a retry with the same key replays it): status and problem+json body. */
export function refusalBody(code: RefusalCode, drop: { status: string; ended: boolean; availableStock: number }, requestId: string): { status: number; body: string } {
  const answer = (detail: string, extra?: Record<string, unknown>) => {
    const p = problemBody(code, requestId, detail, extra)
    return { status: p.status, body: JSON.stringify(p) }
  }
  switch (code) {
    case 'NOT_FOUND':
      return answer('drop not found')
    case 'DROP_NOT_LIVE': {
      const state = drop.ended && drop.status === 'live' ? 'over' : drop.status
      return answer(`The drop is ${state}; orders are taken only while it is live`, { dropStatus: drop.ended ? 'ended' : drop.status })
    }
    case 'SOLD_OUT':
      return answer(drop.availableStock === 0 ? 'The drop is sold out' : `Only ${drop.availableStock} left`, { availableStock: drop.availableStock })
    case 'PURCHASE_LIMIT_EXCEEDED':
      return answer('This order would take you over the per-buyer limit of this drop')
  }
}
