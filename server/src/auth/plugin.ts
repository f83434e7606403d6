import { Elysia } from 'elysia'
import type { TokenService } from './tokens'

/**
 * `{ auth: true }` on a route resolves `userId` from the Bearer token or answers 401. The token is checked in
 * the transform stage, before body validation, so an anonymous caller learns nothing about the body schema.
 */
export const authGuard = (tokens: TokenService) => {
  const verified = new WeakMap<Request, string>()
  return new Elysia().macro({
    auth: {
      async transform({ request }) {
        verified.set(request, await tokens.authenticate(request.headers.get('authorization')))
      },
      resolve({ request }) {
        return { userId: verified.get(request)! }
      },
    },
  })
}
