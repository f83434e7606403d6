import { Elysia } from 'elysia'
import { operations as op } from '../contract/schemas.gen'
import { AppError, PROBLEM_CONTENT_TYPE } from '../errors'
import { authGuard, type AuthGuardDeps } from '../platform/auth-guard'
import { cancelOrder, getOrder, listOrders, placeOrder, type OrdersDeps } from './service'
import { pageOf } from '../lib/pagination'

// The Idempotency-Key header is checked here rather than by the generated header schema so that a missing
// key gets its own documented code (IDEMPOTENCY_KEY_MISSING) instead of a generic INVALID_PARAMETER.
function idempotencyKey(value: string | undefined): string {
  if (value === undefined || value === '') {
    throw new AppError('IDEMPOTENCY_KEY_MISSING', 'Send an Idempotency-Key header (1–255 characters), unique per intended purchase', {
      errors: [{ field: 'idempotency-key', message: 'required' }],
    })
  }
  if (value.length > 255) {
    throw new AppError('INVALID_PARAMETER', 'Idempotency-Key must be at most 255 characters', { errors: [{ field: 'idempotency-key', message: 'at most 255 characters' }] })
  }
  return value
}

export const ordersRoutes = (deps: OrdersDeps & AuthGuardDeps) =>
  new Elysia()
    .use(authGuard(deps.tokens))
    .post('/v1/orders', async ({ userId, body, headers, set }) => {
      const result = await placeOrder(deps, userId, idempotencyKey(headers['idempotency-key']), body, String(set.headers['x-request-id']), headers['admission-token'])
      const responseHeaders: Record<string, string> = {
        'content-type': result.status < 400 ? 'application/json' : PROBLEM_CONTENT_TYPE,
      }
      if (result.replayed) responseHeaders['idempotent-replayed'] = 'true'
      return new Response(result.body, { status: result.status, headers: responseHeaders })
    }, { body: op.createOrder.body, auth: true })
    .get('/v1/orders/:orderId', ({ userId, params }) => getOrder(deps, userId, params.orderId), { ...op.getOrder, auth: true })
    .post('/v1/orders/:orderId/cancel', ({ userId, params }) => cancelOrder(deps, userId, params.orderId), { ...op.cancelOrder, auth: true })
    .get('/v1/me/orders', ({ userId, query }) => listOrders(deps, userId, pageOf(query)), { ...op.listMyOrders, auth: true })
