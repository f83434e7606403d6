import { randomInt } from 'node:crypto'
import { createChallenge, verifySolution, type Challenge, type Solution } from 'altcha-lib'
import { deriveKey } from 'altcha-lib/algorithms/sha'

/**
 * Proof of work before joining a line (ALTCHA v2 through altcha-lib): the server picks a counter at random
 * below the drop's difficulty and publishes the prefix of the key it derives, so a client must try about
 * that many counters to find it; checking a solution takes one derivation. Challenges are HMAC-signed and
 * bound to their drop (`data.dropId`); single use is the store's job (the signature is the id).
 */
const TTL_MS = 5 * 60_000
// One SHA-256 per attempt: the difficulty is the number of attempts.
const ALGORITHM = 'SHA-256'

export function createPow(secret: string) {
  return {
    ttlMs: TTL_MS,
    issue: (dropId: string, difficulty: number): Promise<Challenge> =>
      createChallenge({
        algorithm: ALGORITHM, cost: 1, deriveKey, hmacSignatureSecret: secret,
        counter: randomInt(Math.ceil(difficulty / 2), difficulty + 1),
        expiresAt: new Date(Date.now() + TTL_MS), data: { dropId },
      }),
    /** → the challenge's signature (its id) when the `Altcha` header solves a live challenge of this drop, else null */
    async verify(header: string, dropId: string): Promise<string | null> {
      let payload: { challenge: Challenge; solution: Solution }
      try {
        payload = JSON.parse(Buffer.from(header, 'base64').toString('utf8'))
      } catch {
        return null
      }
      const { challenge, solution } = payload ?? {}
      if (!challenge?.parameters || typeof challenge.signature !== 'string' || typeof solution?.counter !== 'number' || typeof solution.derivedKey !== 'string') return null
      if (challenge.parameters.algorithm !== ALGORITHM || challenge.parameters.data?.dropId !== dropId) return null
      try {
        const result = await verifySolution({ challenge, solution, deriveKey, hmacSignatureSecret: secret })
        return result.verified ? challenge.signature : null
      } catch {
        return null
      }
    },
  }
}

export type Pow = ReturnType<typeof createPow>
