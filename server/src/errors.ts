/**
 * Domain errors and their one mapping to RFC 9457 problem+json. Services throw AppError; nothing else in the
 * server builds an error response.
 */
import { ERROR_CODES, type ErrorCode } from './contract/vocabulary.gen'

export const PROBLEM_CONTENT_TYPE = 'application/problem+json'

// The codes, their statuses and titles are the contract's (ErrorCode and its x-errors): one vocabulary.
export { ERROR_CODES, type ErrorCode }

export interface FieldError {
  field: string
  message: string
}

export class AppError extends Error {
  /** The code's one status, from the contract. */
  readonly status: number

  constructor(
    readonly code: ErrorCode,
    readonly detail?: string,
    readonly options: { headers?: Record<string, string>; errors?: FieldError[]; extra?: Record<string, unknown> } = {},
  ) {
    super(detail ?? code)
    this.status = ERROR_CODES[code].status
  }
}

export const notFound = (what: string) => new AppError('NOT_FOUND', `${what} not found`)
export const unauthorized = (detail = 'A valid access token is required') => new AppError('UNAUTHORIZED', detail, {
  headers: { 'www-authenticate': 'Bearer realm="livedrop"' },
})

export function problemBody(code: ErrorCode, requestId: string, detail?: string, extra?: Record<string, unknown>) {
  const { status, title } = ERROR_CODES[code]
  return {
    type: `urn:livedrop:problem:${code.toLowerCase().replaceAll('_', '-')}`,
    title,
    status,
    ...(detail !== undefined ? { detail } : {}),
    code,
    requestId,
    ...extra,
  }
}

export function problemResponse(err: AppError, requestId: string): Response {
  const extra: Record<string, unknown> = { ...err.options.extra }
  if (err.options.errors) extra.errors = err.options.errors
  return new Response(JSON.stringify(problemBody(err.code, requestId, err.detail, extra)), {
    status: err.status,
    headers: { 'content-type': PROBLEM_CONTENT_TYPE, ...err.options.headers },
  })
}
