// generated from openapi.yaml by scripts/gen-contract.ts — do not edit. Regenerate: npm run gen

/** Every problem `code` with its one HTTP status and title (openapi.yaml: ErrorCode and its x-errors). */
export const ERROR_CODES = {
  VALIDATION_FAILED: { status: 422, title: "The request body is invalid" },
  INVALID_PARAMETER: { status: 400, title: "A request parameter is invalid" },
  MALFORMED_JSON: { status: 400, title: "The request body is not valid JSON" },
  JSON_TOO_DEEP: { status: 400, title: "The request body nests too deeply" },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, title: "The request body must be application/json" },
  PAYLOAD_TOO_LARGE: { status: 413, title: "The request body is too large" },
  INVALID_CURSOR: { status: 400, title: "The pagination cursor is invalid" },
  UNAUTHORIZED: { status: 401, title: "Authentication required" },
  INVALID_CREDENTIALS: { status: 401, title: "Invalid email or password" },
  INVALID_REFRESH_TOKEN: { status: 401, title: "The refresh token is invalid" },
  FORBIDDEN: { status: 403, title: "Not allowed" },
  NOT_A_CREATOR: { status: 403, title: "Only creators may do this" },
  NOT_FOUND: { status: 404, title: "Not found" },
  ROUTE_NOT_FOUND: { status: 404, title: "No such route" },
  USERNAME_TAKEN: { status: 409, title: "The username is taken" },
  EMAIL_TAKEN: { status: 409, title: "The email is already registered" },
  HANDLE_TAKEN: { status: 409, title: "The handle is taken" },
  ALREADY_A_CREATOR: { status: 409, title: "The caller is already a creator" },
  SOLD_OUT: { status: 409, title: "The drop is sold out" },
  DROP_NOT_LIVE: { status: 409, title: "The drop is not live" },
  PURCHASE_LIMIT_EXCEEDED: { status: 409, title: "The order would exceed the per-buyer limit" },
  DROP_NOT_SCHEDULED: { status: 409, title: "The drop is no longer scheduled" },
  DROP_NOT_CANCELLABLE: { status: 409, title: "The drop cannot be cancelled" },
  IDEMPOTENCY_KEY_MISSING: { status: 400, title: "An Idempotency-Key header is required" },
  IDEMPOTENCY_KEY_REUSED: { status: 422, title: "The idempotency key was used for a different request" },
  IDEMPOTENCY_KEY_IN_USE: { status: 409, title: "A request with this idempotency key is in progress" },
  STARTS_IN_PAST: { status: 422, title: "The start time is in the past" },
  INVALID_SCHEDULE: { status: 422, title: "The schedule is invalid" },
  CANNOT_FOLLOW_SELF: { status: 422, title: "A creator cannot follow themselves" },
  RATE_LIMITED: { status: 429, title: "Too many requests" },
  WEBHOOK_URL_INVALID: { status: 422, title: "The webhook URL is invalid" },
  WEBHOOK_URL_NOT_HTTPS: { status: 422, title: "The webhook URL must be https" },
  WEBHOOK_URL_UNRESOLVABLE: { status: 422, title: "The webhook URL does not resolve" },
  WEBHOOK_URL_FORBIDDEN_ADDRESS: { status: 422, title: "The webhook URL points at a forbidden address" },
  TOO_MANY_STREAMS: { status: 429, title: "Too many open event streams" },
  QUEUE_NOT_ENABLED: { status: 409, title: "This drop has no waiting room" },
  QUEUE_NOT_OPEN: { status: 409, title: "The waiting room is not open yet" },
  CHALLENGE_NOT_ENABLED: { status: 409, title: "This drop asks for no proof of work" },
  CHALLENGE_REQUIRED: { status: 403, title: "A proof-of-work solution is required" },
  CHALLENGE_FAILED: { status: 403, title: "The proof-of-work solution was not accepted" },
  ADMISSION_REQUIRED: { status: 403, title: "An admission token is required" },
  ADMISSION_INVALID: { status: 403, title: "The admission token is not valid here" },
  ADMISSION_EXPIRED: { status: 403, title: "The admission token has expired" },
  ADMISSION_USED: { status: 403, title: "The admission token was already used" },
  IMAGE_LIMIT_REACHED: { status: 409, title: "The product has as many images as it may have" },
  IMAGE_NOT_UPLOADED: { status: 409, title: "Nothing has been uploaded yet" },
  IMAGE_UPLOAD_EXPIRED: { status: 410, title: "The upload URL expired before anything was uploaded" },
  IMAGE_TOO_LARGE: { status: 413, title: "The image is too large" },
  IMAGE_UNSUPPORTED_TYPE: { status: 415, title: "The upload is not an accepted image type" },
  IMAGE_TYPE_MISMATCH: { status: 415, title: "The upload is not of the declared type" },
  IMAGE_SIZE_MISMATCH: { status: 422, title: "The upload is not of the declared size" },
  IMAGE_UNREADABLE: { status: 422, title: "The image cannot be decoded" },
  IMAGE_DIMENSIONS_OUT_OF_RANGE: { status: 422, title: "The image has too many pixels" },
  UPLOAD_URL_INVALID: { status: 403, title: "The upload URL is not valid" },
  UPLOAD_URL_EXPIRED: { status: 403, title: "The upload URL has expired" },
  SERVICE_UNAVAILABLE: { status: 503, title: "Service temporarily unavailable" },
  INTERNAL: { status: 500, title: "Internal server error" },
} as const
export type ErrorCode = keyof typeof ERROR_CODES

/** The values of every string enum schema, by schema name. */
export const ENUMS = {
  ImageContentType: ["image/jpeg","image/png","image/webp","image/avif","image/gif"],
  DropStatus: ["scheduled","live","ended","cancelled"],
  SearchResultType: ["drop","product","creator"],
  QueueStatus: ["pre_queue","waiting","admitted","bought","expired","closed"],
  QueueClosedReason: ["sold_out","ended","cancelled","expired","order_refused"],
  OrderStatus: ["confirmed","cancelled"],
  NotificationType: ["drop.live","drop.sold_out","order.confirmed","order.cancelled","webhook.disabled"],
  WebhookEventType: ["order.confirmed","order.cancelled","drop.live","drop.sold_out","drop.low_stock","drop.ended","drop.cancelled"],
} as const

/** The `type` values of every event schema (stream frames, webhook bodies), by schema name. */
export const EVENT_TYPES = {
  QueueStreamEvent: ["queue.position","queue.admitted","queue.closed"],
  DropStreamEvent: ["state","reset","drop.live","drop.ended","drop.cancelled","drop.stock","drop.sold_out","drop.low_stock"],
  MeStreamEvent: ["state","reset","order.confirmed","order.cancelled","drop.live","drop.sold_out","stream.closed"],
  WebhookStreamEvent: ["state","reset","order.confirmed","order.cancelled","drop.live","drop.sold_out","drop.low_stock","drop.ended","drop.cancelled","stream.closed"],
  WebhookEvent: ["ping","order.confirmed","order.cancelled","drop.live","drop.sold_out","drop.low_stock","drop.ended","drop.cancelled"],
} as const

/** The bounds of every field a client sends (minimum/maximum, minLength/maxLength), by schema and field. */
export const FIELD_LIMITS = {
  RegisterRequest: { username: {"minLength":3,"maxLength":32}, email: {"maxLength":254}, password: {"minLength":8,"maxLength":256} },
  LoginRequest: { email: {"maxLength":254}, password: {"minLength":1,"maxLength":256} },
  RefreshRequest: { refreshToken: {"minLength":1,"maxLength":512} },
  CreateCreatorRequest: { handle: {"minLength":2,"maxLength":30}, displayName: {"minLength":1,"maxLength":80} },
  CreateProductRequest: { title: {"minLength":1,"maxLength":200}, description: {"maxLength":5000}, priceCents: {"minimum":0,"maximum":100000000} },
  UpdateProductRequest: { title: {"minLength":1,"maxLength":200}, description: {"maxLength":5000}, priceCents: {"minimum":0,"maximum":100000000} },
  CreateImageUploadRequest: { size: {"minimum":1} },
  CreateDropRequest: { initialStock: {"minimum":1,"maximum":1000000}, lowStockThreshold: {"minimum":0,"maximum":1000000}, perUserLimit: {"minimum":1,"maximum":1000} },
  UpdateDropRequest: { initialStock: {"minimum":1,"maximum":1000000}, lowStockThreshold: {"minimum":0,"maximum":1000000}, perUserLimit: {"minimum":1,"maximum":1000} },
  DropAccessInput: { admitPerSecond: {"minimum":1,"maximum":10000}, preQueueSeconds: {"minimum":0,"maximum":86400}, admissionTtlSeconds: {"minimum":10,"maximum":3600}, challengeDifficulty: {"minimum":1,"maximum":10000000} },
  CreateOrderRequest: { quantity: {"minimum":1,"maximum":100} },
  CreateWebhookRequest: { url: {"minLength":1,"maxLength":2048}, events: {"minItems":1,"maxItems":7}, description: {"maxLength":500} },
  UpdateWebhookRequest: { url: {"minLength":1,"maxLength":2048}, events: {"minItems":1,"maxItems":7}, description: {"maxLength":500} },
} as const

/** What the server assumes for a field a client leaves out (the contract's `default`), by schema and field. */
export const FIELD_DEFAULTS = {
  CreateProductRequest: { description: "" },
  DropAccessInput: { admitPerSecond: 10, preQueueSeconds: 900, admissionTtlSeconds: 120, challenge: "none", challengeDifficulty: 50000 },
  CreateWebhookRequest: { description: "" },
} as const

/** The shared parameters' bounds and defaults (components.parameters), e.g. a page's `limit`. */
export const PARAMETERS = {
  AssetVersion: {"maxLength":64},
  IfNoneMatch: {"maxLength":1024},
  Limit: {"minimum":1,"maximum":100,"default":20},
  Cursor: {"minLength":1,"maxLength":512},
  LastEventId: {"maxLength":64},
} as const
