import { isProblem, type Problem } from '@livedrop/sdk'

/** The exit codes scripts can rely on (documented in cli/README.md). */
export const EXIT = {
  ok: 0,
  failure: 1,
  usage: 2,
  auth: 4,
  notFound: 5,
  conflict: 6,
  /** Ctrl-C: what a shell reports for a program ended by SIGINT (128 + 2), and what `npx` passes on anyway. */
  interrupted: 130,
} as const
export type ExitCode = (typeof EXIT)[keyof typeof EXIT]

/** Every failure the CLI reports: a message for humans, an exit code for scripts, never a stack trace. */
export class CliError extends Error {
  readonly exitCode: ExitCode
  readonly code: string
  readonly hint: string | undefined

  constructor(message: string, opts: { exitCode?: ExitCode; code?: string; hint?: string } = {}) {
    super(message)
    this.name = 'CliError'
    this.exitCode = opts.exitCode ?? EXIT.failure
    this.code = opts.code ?? 'FAILED'
    this.hint = opts.hint
  }
}

/** Bad flags or arguments, found before any request is sent. */
export class UsageError extends CliError {
  constructor(message: string, hint?: string) {
    super(message, { exitCode: EXIT.usage, code: 'USAGE', hint })
    this.name = 'UsageError'
  }
}

/** The API refused: carries the problem body (its `detail` and `code` are what the user sees). */
export class ApiError extends CliError {
  readonly status: number
  readonly problem: Problem | undefined
  readonly requestId: string | undefined

  constructor(status: number, problem: Problem | undefined) {
    super(problem?.detail ?? problem?.title ?? `the API answered HTTP ${status}`, {
      exitCode: exitCodeForStatus(status),
      code: problem?.code ?? `HTTP_${status}`,
      hint: status === 401 ? 'Run `livedrop login` (or set LIVEDROP_TOKEN) and try again.' : undefined,
    })
    this.name = 'ApiError'
    this.status = status
    this.problem = problem
    this.requestId = problem?.requestId
  }
}

export function exitCodeForStatus(status: number): ExitCode {
  if (status === 401) return EXIT.auth
  if (status === 404) return EXIT.notFound
  if (status === 409) return EXIT.conflict
  return EXIT.failure
}

export const authRequired = () =>
  new CliError('you are not logged in', { exitCode: EXIT.auth, code: 'AUTH_REQUIRED', hint: 'Run `livedrop login` (or set LIVEDROP_TOKEN) and try again.' })

/** An SDK result (`{ data, error, response }`) → its data, or an ApiError. */
export function unwrap<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.data !== undefined && result.response.ok) return result.data
  throw new ApiError(result.response.status, isProblem(result.error) ? result.error : undefined)
}

/**
 * Turns anything thrown into a CliError. Unknown errors keep only their message: a stack trace helps nobody
 * who runs a command (LIVEDROP_DEBUG=1 prints it).
 */
export function toCliError(err: unknown, apiUrl?: string): CliError {
  if (err instanceof CliError) return err
  const e = err as { name?: string; message?: string; status?: number; problem?: unknown; code?: string } | undefined
  // The SDK's iterators (paginate, subscribe) throw LiveDropError with the status and problem.
  if (e?.name === 'LiveDropError' && typeof e.status === 'number') return new ApiError(e.status, isProblem(e.problem) ? e.problem : undefined)
  if (/ECONNREFUSED|ECONNRESET|Unable to connect|fetch failed|ConnectionRefused|ConnectionClosed|FailedToOpenSocket/i.test(`${e?.name} ${e?.message} ${e?.code}`)) {
    return new CliError(`cannot reach the LiveDrop API${apiUrl ? ` at ${apiUrl}` : ''}`, {
      code: 'NETWORK',
      hint: 'Check --api-url / LIVEDROP_API_URL, or start a server with `npm start`.',
    })
  }
  return new CliError(e?.message || String(err), { code: 'INTERNAL' })
}
