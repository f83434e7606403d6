export { createLiveDrop, type LiveDrop, type LiveDropOptions, type SearchQuery } from './client.js'
export { LiveDropError, isProblem, type Problem } from './errors.js'
export { ENUMS, ERROR_CODES, EVENT_TYPES, FIELD_DEFAULTS, FIELD_LIMITS, PARAMETERS, type ErrorCode } from './vocabulary.gen.js'
export { isExpiring, type FetchLike, type RefreshOutcome, type TokenPair } from './session.js'
export { newIdempotencyKey, type CreateOrderBody, type CreateOrderOptions } from './orders.js'
export type { ImageContentType, ProductImage, UploadProductImageOptions, UploadProductImageResult } from './images.js'
export { backoffDelay, parseRetryAfter, type RetryOptions } from './retry.js'
export type { ListInit, ListItem, ListPath } from './paginate.js'
export type { DropEvent, DropEventType, LiveDropEvent, MeEvent, MeEventType, QueueEvent, StreamTarget, SubscribeOptions, WebhookStreamEvent } from './events.js'
export { QueueClosedError, type QueueClosedReason, type QueueJoinOptions, type QueuePlace } from './queue.js'
export { createPowSolver, type PowOptions, type PowSolver } from './pow.js'
export type { paths, components, operations } from './schema.js'

import type { components } from './schema.js'
type S = components['schemas']
export type User = S['User']
export type Me = S['Me']
export type Creator = S['Creator']
export type Product = S['Product']
export type Drop = S['Drop']
export type Order = S['Order']
export type SearchResult = S['SearchResult']
export type SearchResultType = S['SearchResultType']
export { signWebhook, verifyWebhook, WebhookVerificationError, type VerifyWebhookOptions, type WebhookEvent, type WebhookEventType, type WebhookVerificationReason } from './webhooks.js'
