import { createLiveDrop, type Me, type TokenPair } from '@livedrop/sdk'
import { useEffect, useState } from 'preact/hooks'

// The token pair survives a reload in localStorage: a reference client's trade-off for simplicity. An app
// with third-party scripts on its pages would keep the refresh token in an httpOnly cookie instead.
const STORE = 'livedrop.tokens'

function saved(): TokenPair | null {
  try {
    return JSON.parse(localStorage.getItem(STORE) ?? 'null')
  } catch {
    return null
  }
}

export const ld = createLiveDrop({
  baseUrl: location.origin,
  tokens: saved(),
  onTokens(pair) {
    if (pair) localStorage.setItem(STORE, JSON.stringify(pair))
    else {
      localStorage.removeItem(STORE)
      setMe(null)
    }
  },
})

// The signed-in user, shared by every component that asks (useMe).
let me: Me | null = null
let known = false
const listeners = new Set<() => void>()
function setMe(next: Me | null) {
  me = next
  known = true
  for (const l of listeners) l()
}

export function useMe(): { me: Me | null; known: boolean } {
  const [, tick] = useState(0)
  useEffect(() => {
    const l = () => tick((n) => n + 1)
    listeners.add(l)
    return () => void listeners.delete(l)
  }, [])
  return { me, known }
}

export async function loadMe() {
  if (!ld.tokens) return setMe(null)
  try {
    const { data } = await ld.GET('/v1/me')
    setMe(data ?? null)
  } catch {
    setMe(null) // the API is unreachable: offer sign-in rather than wait forever
  }
}

/** null when signed in, else what to tell the user. */
export async function signIn(email: string, password: string): Promise<string | null> {
  const { error } = await ld.login({ email, password })
  if (error) return error.code === 'INVALID_CREDENTIALS' ? 'Wrong email or password.' : error.detail ?? error.title
  await loadMe()
  return null
}

export async function signUp(username: string, email: string, password: string): Promise<string | null> {
  const { error } = await ld.register({ username, email, password })
  if (error) {
    if (error.code === 'EMAIL_TAKEN') return 'An account with this email exists: sign in instead.'
    if (error.code === 'USERNAME_TAKEN') return 'This username is taken.'
    const field = error.errors?.[0]
    return field ? `${field.field.replace(/^\//, '')}: ${field.message}` : error.detail ?? error.title
  }
  await loadMe()
  return null
}

export async function signOut() {
  await ld.logout()
  setMe(null)
}
