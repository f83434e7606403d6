// generated from openapi.yaml by scripts/gen-contract.ts — do not edit. Regenerate: npm run gen
import { t } from 'elysia'
import { Type as T } from '@sinclair/typebox'

// Component schemas
export const Admission = T.Object({ "token": T.String(), "expiresAt": T.String({"format":"date-time"}) })
export type Admission = typeof Admission.static
export const Creator = T.Object({ "id": T.String({"format":"uuid"}), "userId": T.String({"format":"uuid"}), "handle": T.String(), "displayName": T.String(), "followerCount": T.Integer({"minimum":0}), "createdAt": T.String({"format":"date-time"}) })
export type Creator = typeof Creator.static
export const Me = T.Object({ "id": T.String({"format":"uuid"}), "username": T.String(), "email": T.String({"format":"email"}), "creator": T.Union([Creator, T.Null()]), "createdAt": T.String({"format":"date-time"}) })
export type Me = typeof Me.static
export const AuthSession = T.Object({ "user": Me, "accessToken": T.String(), "refreshToken": T.String(), "expiresIn": T.Integer() })
export type AuthSession = typeof AuthSession.static
export const CreateCreatorRequest = T.Object({ "handle": T.String({"minLength":2,"maxLength":30,"pattern":"^[a-z0-9][a-z0-9_-]*$"}), "displayName": T.String({"minLength":1,"maxLength":80}) }, {"additionalProperties":false})
export type CreateCreatorRequest = typeof CreateCreatorRequest.static
export const DropAccessInput = T.Object({ "mode": T.Union([T.Literal("open"), T.Literal("queue")]), "admitPerSecond": T.Optional(T.Integer({"minimum":1,"maximum":10000,"default":10})), "preQueueSeconds": T.Optional(T.Integer({"minimum":0,"maximum":86400,"default":900})), "admissionTtlSeconds": T.Optional(T.Integer({"minimum":10,"maximum":3600,"default":120})), "challenge": T.Optional(T.Union([T.Literal("none"), T.Literal("pow")])), "challengeDifficulty": T.Optional(T.Integer({"minimum":1,"maximum":10000000,"default":50000})) }, {"additionalProperties":false})
export type DropAccessInput = typeof DropAccessInput.static
export const CreateDropRequest = T.Object({ "productId": T.String({"format":"uuid"}), "startsAt": T.String({"format":"date-time"}), "endsAt": T.Optional(T.String({"format":"date-time"})), "initialStock": T.Integer({"minimum":1,"maximum":1000000}), "lowStockThreshold": T.Optional(T.Integer({"minimum":0,"maximum":1000000})), "perUserLimit": T.Optional(T.Integer({"minimum":1,"maximum":1000})), "access": T.Optional(DropAccessInput) }, {"additionalProperties":false})
export type CreateDropRequest = typeof CreateDropRequest.static
export const CreateOrderRequest = T.Object({ "dropId": T.String({"format":"uuid"}), "quantity": T.Integer({"minimum":1,"maximum":100}) }, {"additionalProperties":false})
export type CreateOrderRequest = typeof CreateOrderRequest.static
export const CreateProductRequest = T.Object({ "title": T.String({"minLength":1,"maxLength":200}), "description": T.Optional(T.String({"maxLength":5000,"default":""})), "priceCents": T.Integer({"minimum":0,"maximum":100000000}), "currency": T.String({"pattern":"^[A-Z]{3}$"}) }, {"additionalProperties":false})
export type CreateProductRequest = typeof CreateProductRequest.static
export const DropStatus = T.Union([T.Literal("scheduled"), T.Literal("live"), T.Literal("ended"), T.Literal("cancelled")])
export type DropStatus = typeof DropStatus.static
export const DropAccess = T.Object({ "mode": T.Union([T.Literal("open"), T.Literal("queue")]), "admitPerSecond": T.Union([T.Integer({"minimum":1}), T.Null()]), "preQueueSeconds": T.Union([T.Integer({"minimum":0}), T.Null()]), "admissionTtlSeconds": T.Union([T.Integer({"minimum":10}), T.Null()]), "challenge": T.Union([T.Literal("none"), T.Literal("pow")]), "challengeDifficulty": T.Union([T.Integer({"minimum":1}), T.Null()]) })
export type DropAccess = typeof DropAccess.static
export const Drop = T.Object({ "id": T.String({"format":"uuid"}), "productId": T.String({"format":"uuid"}), "creatorId": T.String({"format":"uuid"}), "status": DropStatus, "startsAt": T.String({"format":"date-time"}), "endsAt": T.Union([T.String({"format":"date-time"}), T.Null()]), "initialStock": T.Integer({"minimum":1}), "availableStock": T.Integer({"minimum":0}), "lowStockThreshold": T.Union([T.Integer(), T.Null()]), "perUserLimit": T.Union([T.Integer(), T.Null()]), "access": DropAccess, "createdAt": T.String({"format":"date-time"}) })
export type Drop = typeof Drop.static
export const DropAudit = T.Object({ "dropId": T.String({"format":"uuid"}), "initialStock": T.Integer(), "availableStock": T.Integer(), "sold": T.Integer(), "cancelled": T.Integer(), "adjusted": T.Integer(), "confirmedQuantity": T.Integer(), "ledgerSum": T.Integer(), "invariantHolds": T.Boolean() })
export type DropAudit = typeof DropAudit.static
export const DropPage = T.Object({ "items": T.Array(Drop), "nextCursor": T.Union([T.String(), T.Null()]) })
export type DropPage = typeof DropPage.static
export const DropStreamState = T.Object({ "id": T.String({"format":"uuid"}), "creatorId": T.String({"format":"uuid"}), "status": DropStatus, "availableStock": T.Integer({"minimum":0}), "lowStockThreshold": T.Union([T.Integer(), T.Null()]) })
export type DropStreamState = typeof DropStreamState.static
export const StockEventData = T.Object({ "availableStock": T.Integer({"minimum":0}) })
export type StockEventData = typeof StockEventData.static
export const LowStockEventData = T.Object({ "availableStock": T.Integer({"minimum":0}), "lowStockThreshold": T.Integer({"minimum":0}) })
export type LowStockEventData = typeof LowStockEventData.static
export const DropStreamEvent = T.Union([T.Object({ "type": T.Union([T.Literal("state"), T.Literal("reset")]), "dropId": T.String({"format":"uuid"}), "data": DropStreamState, "createdAt": T.String({"format":"date-time"}) }), T.Object({ "type": T.Union([T.Literal("drop.live"), T.Literal("drop.ended"), T.Literal("drop.cancelled")]), "dropId": T.String({"format":"uuid"}), "data": Drop, "createdAt": T.String({"format":"date-time"}) }), T.Object({ "type": T.Union([T.Literal("drop.stock"), T.Literal("drop.sold_out")]), "dropId": T.String({"format":"uuid"}), "data": StockEventData, "createdAt": T.String({"format":"date-time"}) }), T.Object({ "type": T.Union([T.Literal("drop.low_stock")]), "dropId": T.String({"format":"uuid"}), "data": LowStockEventData, "createdAt": T.String({"format":"date-time"}) })])
export type DropStreamEvent = typeof DropStreamEvent.static
export const FollowedCreator = T.Object({ "creator": Creator, "followedAt": T.String({"format":"date-time"}) })
export type FollowedCreator = typeof FollowedCreator.static
export const User = T.Object({ "id": T.String({"format":"uuid"}), "username": T.String(), "createdAt": T.String({"format":"date-time"}) })
export type User = typeof User.static
export const Follower = T.Object({ "user": User, "followedAt": T.String({"format":"date-time"}) })
export type Follower = typeof Follower.static
export const FollowerPage = T.Object({ "items": T.Array(Follower), "nextCursor": T.Union([T.String(), T.Null()]) })
export type FollowerPage = typeof FollowerPage.static
export const FollowingPage = T.Object({ "items": T.Array(FollowedCreator), "nextCursor": T.Union([T.String(), T.Null()]) })
export type FollowingPage = typeof FollowingPage.static
export const Health = T.Object({ "status": T.Union([T.Literal("ok")]) })
export type Health = typeof Health.static
export const LoginRequest = T.Object({ "email": T.String({"format":"email","maxLength":254}), "password": T.String({"minLength":1,"maxLength":256}) }, {"additionalProperties":false})
export type LoginRequest = typeof LoginRequest.static
export const MeStreamState = T.Object({ "unreadNotifications": T.Integer({"minimum":0}) })
export type MeStreamState = typeof MeStreamState.static
export const OrderStatus = T.Union([T.Literal("confirmed"), T.Literal("cancelled")])
export type OrderStatus = typeof OrderStatus.static
export const Order = T.Object({ "id": T.String({"format":"uuid"}), "dropId": T.String({"format":"uuid"}), "userId": T.String({"format":"uuid"}), "quantity": T.Integer({"minimum":1}), "unitPriceCents": T.Integer({"minimum":0}), "totalCents": T.Integer({"minimum":0}), "currency": T.String(), "status": OrderStatus, "createdAt": T.String({"format":"date-time"}), "cancelledAt": T.Union([T.String({"format":"date-time"}), T.Null()]) })
export type Order = typeof Order.static
export const OrderEventData = T.Object({ "order": Order, "availableStock": T.Integer({"minimum":0}), "reason": T.Optional(T.Union([T.Literal("drop_cancelled")])) })
export type OrderEventData = typeof OrderEventData.static
export const StreamClosedData = T.Object({ "reason": T.Union([T.Literal("token_expired"), T.Literal("logged_out"), T.Literal("session_revoked")]) })
export type StreamClosedData = typeof StreamClosedData.static
export const MeStreamEvent = T.Union([T.Object({ "type": T.Union([T.Literal("state"), T.Literal("reset")]), "data": MeStreamState, "createdAt": T.String({"format":"date-time"}) }), T.Object({ "type": T.Union([T.Literal("order.confirmed"), T.Literal("order.cancelled")]), "dropId": T.String({"format":"uuid"}), "data": OrderEventData, "createdAt": T.String({"format":"date-time"}) }), T.Object({ "type": T.Union([T.Literal("drop.live")]), "dropId": T.String({"format":"uuid"}), "data": Drop, "createdAt": T.String({"format":"date-time"}) }), T.Object({ "type": T.Union([T.Literal("drop.sold_out")]), "dropId": T.String({"format":"uuid"}), "data": StockEventData, "createdAt": T.String({"format":"date-time"}) }), T.Object({ "type": T.Union([T.Literal("stream.closed")]), "data": StreamClosedData, "createdAt": T.String({"format":"date-time"}) })])
export type MeStreamEvent = typeof MeStreamEvent.static
export const NotificationType = T.Union([T.Literal("drop.live"), T.Literal("drop.sold_out"), T.Literal("order.confirmed"), T.Literal("order.cancelled")])
export type NotificationType = typeof NotificationType.static
export const Notification = T.Object({ "id": T.String({"format":"uuid"}), "type": NotificationType, "data": T.Object({  }), "readAt": T.Union([T.String({"format":"date-time"}), T.Null()]), "createdAt": T.String({"format":"date-time"}) })
export type Notification = typeof Notification.static
export const NotificationPage = T.Object({ "items": T.Array(Notification), "nextCursor": T.Union([T.String(), T.Null()]) })
export type NotificationPage = typeof NotificationPage.static
export const OrderPage = T.Object({ "items": T.Array(Order), "nextCursor": T.Union([T.String(), T.Null()]) })
export type OrderPage = typeof OrderPage.static
export const PowChallenge = T.Object({ "parameters": T.Object({ "algorithm": T.String(), "nonce": T.String(), "salt": T.String(), "cost": T.Integer(), "keyLength": T.Integer(), "keyPrefix": T.String(), "expiresAt": T.Optional(T.Integer()), "data": T.Optional(T.Object({  })) }), "signature": T.String() })
export type PowChallenge = typeof PowChallenge.static
export const Problem = T.Object({ "type": T.String(), "title": T.String(), "status": T.Integer({"minimum":400,"maximum":599}), "detail": T.Optional(T.String()), "instance": T.Optional(T.String()), "code": T.String({"pattern":"^[A-Z][A-Z0-9_]*$"}), "requestId": T.String(), "errors": T.Optional(T.Array(T.Object({ "field": T.String(), "message": T.String() }))), "availableStock": T.Optional(T.Integer({"minimum":0})), "dropStatus": T.Optional(DropStatus) })
export type Problem = typeof Problem.static
export const Product = T.Object({ "id": T.String({"format":"uuid"}), "creatorId": T.String({"format":"uuid"}), "title": T.String(), "description": T.String(), "priceCents": T.Integer({"minimum":0}), "currency": T.String(), "createdAt": T.String({"format":"date-time"}), "updatedAt": T.String({"format":"date-time"}) })
export type Product = typeof Product.static
export const ProductPage = T.Object({ "items": T.Array(Product), "nextCursor": T.Union([T.String(), T.Null()]) })
export type ProductPage = typeof ProductPage.static
export const QueueClosedReason = T.Union([T.Literal("sold_out"), T.Literal("ended"), T.Literal("cancelled"), T.Literal("expired"), T.Literal("order_refused")])
export type QueueClosedReason = typeof QueueClosedReason.static
export const QueueClosedData = T.Object({ "reason": QueueClosedReason })
export type QueueClosedData = typeof QueueClosedData.static
export const QueueStatus = T.Union([T.Literal("pre_queue"), T.Literal("waiting"), T.Literal("admitted"), T.Literal("bought"), T.Literal("expired"), T.Literal("closed")])
export type QueueStatus = typeof QueueStatus.static
export const QueuePlace = T.Object({ "dropId": T.String({"format":"uuid"}), "status": QueueStatus, "position": T.Union([T.Integer({"minimum":1}), T.Null()]), "ahead": T.Union([T.Integer({"minimum":0}), T.Null()]), "estimatedWaitSeconds": T.Union([T.Integer({"minimum":0}), T.Null()]), "admission": T.Union([Admission, T.Null()]), "closedReason": T.Union([QueueClosedReason, T.Null()]) })
export type QueuePlace = typeof QueuePlace.static
export const QueueStats = T.Object({ "dropId": T.String({"format":"uuid"}), "waiting": T.Integer({"minimum":0}), "admitted": T.Integer({"minimum":0}), "bought": T.Integer({"minimum":0}), "expired": T.Integer({"minimum":0}), "admitPerSecond": T.Integer({"minimum":1}), "admissionRate": T.Number({"minimum":0}) })
export type QueueStats = typeof QueueStats.static
export const QueueStreamEvent = T.Union([T.Object({ "type": T.Union([T.Literal("queue.position"), T.Literal("queue.admitted")]), "dropId": T.String({"format":"uuid"}), "data": QueuePlace, "createdAt": T.String({"format":"date-time"}) }), T.Object({ "type": T.Union([T.Literal("queue.closed")]), "dropId": T.String({"format":"uuid"}), "data": QueueClosedData, "createdAt": T.String({"format":"date-time"}) })])
export type QueueStreamEvent = typeof QueueStreamEvent.static
export const Readiness = T.Object({ "status": T.Union([T.Literal("ready"), T.Literal("unavailable"), T.Literal("draining")]), "checks": T.Object({ "postgres": T.Union([T.Literal("up"), T.Literal("down")]), "redis": T.Union([T.Literal("up"), T.Literal("down"), T.Literal("memory")]) }) })
export type Readiness = typeof Readiness.static
export const RealtimeTicket = T.Object({ "ticket": T.String(), "expiresAt": T.String({"format":"date-time"}) })
export type RealtimeTicket = typeof RealtimeTicket.static
export const RefreshRequest = T.Object({ "refreshToken": T.String({"minLength":1,"maxLength":512}) }, {"additionalProperties":false})
export type RefreshRequest = typeof RefreshRequest.static
export const RegisterRequest = T.Object({ "username": T.String({"minLength":3,"maxLength":32,"pattern":"^[a-zA-Z0-9_]+$"}), "email": T.String({"format":"email","maxLength":254}), "password": T.String({"minLength":8,"maxLength":256}) }, {"additionalProperties":false})
export type RegisterRequest = typeof RegisterRequest.static
export const UpdateDropRequest = T.Object({ "startsAt": T.Optional(T.String({"format":"date-time"})), "endsAt": T.Optional(T.Union([T.String({"format":"date-time"}), T.Null()])), "initialStock": T.Optional(T.Integer({"minimum":1,"maximum":1000000})), "lowStockThreshold": T.Optional(T.Union([T.Integer({"minimum":0,"maximum":1000000}), T.Null()])), "perUserLimit": T.Optional(T.Union([T.Integer({"minimum":1,"maximum":1000}), T.Null()])), "access": T.Optional(DropAccessInput) }, {"additionalProperties":false,"minProperties":1})
export type UpdateDropRequest = typeof UpdateDropRequest.static
export const UpdateProductRequest = T.Object({ "title": T.Optional(T.String({"minLength":1,"maxLength":200})), "description": T.Optional(T.String({"maxLength":5000})), "priceCents": T.Optional(T.Integer({"minimum":0,"maximum":100000000})), "currency": T.Optional(T.String({"pattern":"^[A-Z]{3}$"})) }, {"additionalProperties":false,"minProperties":1})
export type UpdateProductRequest = typeof UpdateProductRequest.static

// Per-operation validation hooks for Elysia routes, keyed by operationId
export const operations = {
  healthz: {  },
  readyz: {  },
  getOpenApi: {  },
  getDocs: {  },
  getDocsScript: {  },
  getMetrics: {  },
  register: { body: RegisterRequest },
  login: { body: LoginRequest },
  refresh: { body: RefreshRequest },
  logout: { body: RefreshRequest },
  getMe: {  },
  getUser: { params: t.Object({ "userId": t.String({"format":"uuid"}) }, { additionalProperties: false }) },
  createCreator: { body: CreateCreatorRequest },
  getCreator: { params: t.Object({ "creatorId": t.String({"format":"uuid"}) }, { additionalProperties: false }) },
  listProducts: { query: t.Object({ "creatorId": t.Optional(t.String({"format":"uuid"})), "limit": t.Optional(t.Integer({"minimum":1,"maximum":100,"default":20})), "cursor": t.Optional(t.String({"minLength":1,"maxLength":512})) }) },
  createProduct: { body: CreateProductRequest },
  getProduct: { params: t.Object({ "productId": t.String({"format":"uuid"}) }, { additionalProperties: false }), headers: t.Object({ "if-none-match": t.Optional(t.String({"maxLength":1024})) }) },
  updateProduct: { params: t.Object({ "productId": t.String({"format":"uuid"}) }, { additionalProperties: false }), body: UpdateProductRequest },
  listDrops: { query: t.Object({ "status": t.Optional(DropStatus), "creatorId": t.Optional(t.String({"format":"uuid"})), "limit": t.Optional(t.Integer({"minimum":1,"maximum":100,"default":20})), "cursor": t.Optional(t.String({"minLength":1,"maxLength":512})) }) },
  createDrop: { body: CreateDropRequest },
  getDrop: { params: t.Object({ "dropId": t.String({"format":"uuid"}) }, { additionalProperties: false }), headers: t.Object({ "if-none-match": t.Optional(t.String({"maxLength":1024})) }) },
  updateDrop: { params: t.Object({ "dropId": t.String({"format":"uuid"}) }, { additionalProperties: false }), body: UpdateDropRequest },
  cancelDrop: { params: t.Object({ "dropId": t.String({"format":"uuid"}) }, { additionalProperties: false }) },
  getDropAudit: { params: t.Object({ "dropId": t.String({"format":"uuid"}) }, { additionalProperties: false }) },
  getMyQueuePlace: { params: t.Object({ "dropId": t.String({"format":"uuid"}) }, { additionalProperties: false }) },
  joinQueue: { params: t.Object({ "dropId": t.String({"format":"uuid"}) }, { additionalProperties: false }), headers: t.Object({ "altcha": t.Optional(t.String({"minLength":1,"maxLength":4096})) }) },
  getQueueStats: { params: t.Object({ "dropId": t.String({"format":"uuid"}) }, { additionalProperties: false }) },
  streamQueueEvents: { params: t.Object({ "dropId": t.String({"format":"uuid"}) }, { additionalProperties: false }) },
  getChallenge: { query: t.Object({ "dropId": t.String({"format":"uuid"}) }) },
  createOrder: { headers: t.Object({ "idempotency-key": t.String({"minLength":1,"maxLength":255}), "admission-token": t.Optional(t.String({"minLength":1,"maxLength":1024})) }), body: CreateOrderRequest },
  getOrder: { params: t.Object({ "orderId": t.String({"format":"uuid"}) }, { additionalProperties: false }) },
  cancelOrder: { params: t.Object({ "orderId": t.String({"format":"uuid"}) }, { additionalProperties: false }) },
  listMyOrders: { query: t.Object({ "limit": t.Optional(t.Integer({"minimum":1,"maximum":100,"default":20})), "cursor": t.Optional(t.String({"minLength":1,"maxLength":512})) }) },
  followCreator: { params: t.Object({ "creatorId": t.String({"format":"uuid"}) }, { additionalProperties: false }) },
  unfollowCreator: { params: t.Object({ "creatorId": t.String({"format":"uuid"}) }, { additionalProperties: false }) },
  listFollowers: { params: t.Object({ "creatorId": t.String({"format":"uuid"}) }, { additionalProperties: false }), query: t.Object({ "limit": t.Optional(t.Integer({"minimum":1,"maximum":100,"default":20})), "cursor": t.Optional(t.String({"minLength":1,"maxLength":512})) }) },
  listFollowing: { params: t.Object({ "userId": t.String({"format":"uuid"}) }, { additionalProperties: false }), query: t.Object({ "limit": t.Optional(t.Integer({"minimum":1,"maximum":100,"default":20})), "cursor": t.Optional(t.String({"minLength":1,"maxLength":512})) }) },
  listNotifications: { query: t.Object({ "unread": t.Optional(t.Boolean()), "limit": t.Optional(t.Integer({"minimum":1,"maximum":100,"default":20})), "cursor": t.Optional(t.String({"minLength":1,"maxLength":512})) }) },
  markNotificationRead: { params: t.Object({ "notificationId": t.String({"format":"uuid"}) }, { additionalProperties: false }) },
  markAllNotificationsRead: {  },
  createRealtimeTicket: {  },
  streamDropEvents: { params: t.Object({ "dropId": t.String({"format":"uuid"}) }, { additionalProperties: false }), headers: t.Object({ "last-event-id": t.Optional(t.String({"maxLength":64})) }) },
  streamMyEvents: { query: t.Object({ "ticket": t.Optional(t.String({"minLength":1,"maxLength":128})) }), headers: t.Object({ "last-event-id": t.Optional(t.String({"maxLength":64})) }) },
} as const
