import { Elysia } from 'elysia'
import type { Principal, TokenService } from './tokens'

/** What a feature's routes hand the guard: the token service that checks bearers. */
export interface AuthGuardDeps {
  tokens: TokenService
}

/**
 * `{ auth: true }` on a route resolves `userId` (and the whole `principal`) from the Bearer token or answers 401.
 * The token is checked in the transform stage, before body validation, so an anonymous caller learns nothing
 * about the body schema.
 */
export const authGuard = (tokens: TokenService) => {
  const verified = new WeakMap<Request, Principal>()
  return new Elysia().macro({
    auth: {
      async transform({ request }) {
        verified.set(request, await tokens.authenticate(request.headers.get('authorization')))
      },
      resolve({ request }) {
        const principal = verified.get(request)!
        return { userId: principal.userId, principal }
      },
    },
  })
}
