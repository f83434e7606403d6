import type { components } from './schema'
import type { ErrorCode } from './vocabulary.gen'

/** The spec's RFC 9457 problem body (`application/problem+json`), with its stable `code`. */
export type Problem = components['schemas']['Problem']

/**
 * Thrown only where a value cannot be returned: by iterators (`paginate`, `subscribe`) when the server refuses.
 * Plain calls never throw for an HTTP error; they answer `{ error, response }`.
 */
export class LiveDropError extends Error {
  readonly status: number
  /** The problem's contract code, or `HTTP_<status>` when the body was not a problem (a proxy's 502 page…). */
  readonly code: ErrorCode | `HTTP_${number}`
  readonly problem: Problem | undefined
  readonly response: Response

  constructor(response: Response, problem: unknown) {
    const p = isProblem(problem) ? problem : undefined
    super(p ? `${p.status} ${p.code}: ${p.detail ?? p.title}` : `HTTP ${response.status}`)
    this.name = 'LiveDropError'
    this.status = response.status
    this.code = p?.code ?? `HTTP_${response.status}`
    this.problem = p
    this.response = response
  }
}

export function isProblem(x: unknown): x is Problem {
  return typeof x === 'object' && x !== null && typeof (x as Problem).code === 'string' && typeof (x as Problem).status === 'number'
}

/** Reads a failed response's body as a problem when it is one. */
export async function readProblem(response: Response): Promise<Problem | undefined> {
  try {
    const body: unknown = JSON.parse(await response.text())
    return isProblem(body) ? body : undefined
  } catch {
    return undefined
  }
}
