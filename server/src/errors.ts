/**
 * Domain errors and their one mapping to RFC 9457 problem+json. Services throw AppError; nothing else in the
 * server builds an error response.
 */
export const PROBLEM_CONTENT_TYPE = 'application/problem+json'

const TITLES: Record<string, string> = {
  VALIDATION_FAILED: 'The request body is invalid',
  INVALID_PARAMETER: 'A request parameter is invalid',
  MALFORMED_JSON: 'The request body is not valid JSON',
  JSON_TOO_DEEP: 'The request body nests too deeply',
  UNSUPPORTED_MEDIA_TYPE: 'The request body must be application/json',
  PAYLOAD_TOO_LARGE: 'The request body is too large',
  INVALID_CURSOR: 'The pagination cursor is invalid',
  UNAUTHORIZED: 'Authentication required',
  INVALID_CREDENTIALS: 'Invalid email or password',
  INVALID_REFRESH_TOKEN: 'The refresh token is invalid',
  FORBIDDEN: 'Not allowed',
  NOT_A_CREATOR: 'Only creators may do this',
  NOT_FOUND: 'Not found',
  ROUTE_NOT_FOUND: 'No such route',
  USERNAME_TAKEN: 'The username is taken',
  EMAIL_TAKEN: 'The email is already registered',
  HANDLE_TAKEN: 'The handle is taken',
  ALREADY_A_CREATOR: 'The caller is already a creator',
  CANNOT_FOLLOW_SELF: 'A creator cannot follow themselves',
  WEBHOOK_URL_INVALID: 'The webhook URL is invalid',
  WEBHOOK_URL_NOT_HTTPS: 'The webhook URL must be https',
  WEBHOOK_URL_UNRESOLVABLE: 'The webhook URL does not resolve',
  WEBHOOK_URL_FORBIDDEN_ADDRESS: 'The webhook URL points at a forbidden address',
  QUEUE_NOT_ENABLED: 'This drop has no waiting room',
  QUEUE_NOT_OPEN: 'The waiting room is not open yet',
  ADMISSION_REQUIRED: 'An admission token is required',
  ADMISSION_INVALID: 'The admission token is not valid here',
  ADMISSION_EXPIRED: 'The admission token has expired',
  ADMISSION_USED: 'The admission token was already used',
  CHALLENGE_NOT_ENABLED: 'This drop asks for no proof of work',
  CHALLENGE_REQUIRED: 'A proof-of-work solution is required',
  CHALLENGE_FAILED: 'The proof-of-work solution was not accepted',
  IMAGE_LIMIT_REACHED: 'The product has as many images as it may have',
  IMAGE_NOT_UPLOADED: 'Nothing has been uploaded yet',
  IMAGE_UPLOAD_EXPIRED: 'The upload URL expired before anything was uploaded',
  IMAGE_TOO_LARGE: 'The image is too large',
  IMAGE_UNSUPPORTED_TYPE: 'The upload is not an accepted image type',
  IMAGE_TYPE_MISMATCH: 'The upload is not of the declared type',
  IMAGE_SIZE_MISMATCH: 'The upload is not of the declared size',
  IMAGE_UNREADABLE: 'The image cannot be decoded',
  IMAGE_DIMENSIONS_OUT_OF_RANGE: 'The image has too many pixels',
  UPLOAD_URL_INVALID: 'The upload URL is not valid',
  UPLOAD_URL_EXPIRED: 'The upload URL has expired',
  RATE_LIMITED: 'Too many requests',
  TOO_MANY_STREAMS: 'Too many open event streams',
  SERVICE_UNAVAILABLE: 'Service temporarily unavailable',
  INTERNAL: 'Internal server error',
}

export interface FieldError {
  field: string
  message: string
}

export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail?: string,
    readonly options: { headers?: Record<string, string>; errors?: FieldError[]; extra?: Record<string, unknown> } = {},
  ) {
    super(detail ?? code)
  }
}

export const notFound = (what: string) => new AppError(404, 'NOT_FOUND', `${what} not found`)
export const unauthorized = (detail = 'A valid access token is required') => new AppError(401, 'UNAUTHORIZED', detail, {
  headers: { 'www-authenticate': 'Bearer realm="livedrop"' },
})

export function problemBody(code: string, status: number, requestId: string, detail?: string, extra?: Record<string, unknown>) {
  return {
    type: `urn:livedrop:problem:${code.toLowerCase().replaceAll('_', '-')}`,
    title: TITLES[code] ?? code,
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
  return new Response(JSON.stringify(problemBody(err.code, err.status, requestId, err.detail, extra)), {
    status: err.status,
    headers: { 'content-type': PROBLEM_CONTENT_TYPE, ...err.options.headers },
  })
}
