import { Elysia } from 'elysia'
import type { TokenService } from './tokens'

/** `{ auth: true }` on a route resolves `userId` from the Bearer token or answers 401. */
export const authGuard = (tokens: TokenService) =>
  new Elysia({ name: 'auth-guard' }).macro({
    auth: {
      async resolve({ request }) {
        return { userId: await tokens.authenticate(request.headers.get('authorization')) }
      },
    },
  })
