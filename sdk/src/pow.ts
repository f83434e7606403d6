import { solveChallenge, solveChallengeWorkers, type Challenge, type Solution } from 'altcha-lib'
import { deriveKey } from 'altcha-lib/algorithms/web/sha'

export type { Challenge, Solution }

/** Solves an ALTCHA challenge; null when it could not (aborted, or the challenge expired first). */
export type PowSolver = (challenge: Challenge, signal?: AbortSignal) => Promise<Solution | null>

export interface PowOptions {
  /**
   * Where the solving worker lives, in browsers. Default: `altcha-worker.js` beside the SDK's own module
   * (dist/altcha-worker.js, or the file a bundler emits for this URL).
   */
  workerUrl?: string | URL
  /** Workers solving in parallel (browsers). Default: the device's cores, at most 4. */
  concurrency?: number
}

const isBrowser = () => typeof Worker === 'function' && typeof document !== 'undefined'

/**
 * altcha-lib's solver: in browsers in Web Workers (the page stays responsive while it grinds), elsewhere
 * (Node, Bun, scripts) on the calling thread with WebCrypto. A worker that cannot start (a strict CSP, a
 * missing worker file) falls back to the calling thread rather than leave the buyer outside the line.
 */
export function createPowSolver(opts: PowOptions = {}): PowSolver {
  return async (challenge, signal) => {
    const controller = new AbortController()
    const abort = () => controller.abort()
    signal?.addEventListener('abort', abort, { once: true })
    try {
      if (isBrowser()) {
        try {
          const url = opts.workerUrl ?? new URL('./altcha-worker.js', import.meta.url)
          return await solveChallengeWorkers({
            challenge, controller,
            concurrency: opts.concurrency ?? Math.min(4, navigator.hardwareConcurrency || 1),
            createWorker: () => new Worker(url, { type: 'module' }),
          })
        } catch (err) {
          if (signal?.aborted) return null
          console.warn('livedrop: proof-of-work worker unavailable, solving on the page', err)
        }
      }
      return await solveChallenge({ challenge, controller, deriveKey })
    } finally {
      signal?.removeEventListener('abort', abort)
    }
  }
}

/** The `Altcha` header the server expects: base64 of `{challenge, solution}`. */
export function altchaHeader(challenge: Challenge, solution: Solution): string {
  const bytes = new TextEncoder().encode(JSON.stringify({ challenge, solution }))
  let bin = ''
  for (const b of bytes) bin += String.fromCharCode(b)
  return btoa(bin)
}
