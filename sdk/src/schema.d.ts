// generated from openapi.yaml by scripts/gen-contract.ts — do not edit. Regenerate: npm run gen
export interface paths {
    "/healthz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Process liveness */
        get: operations["healthz"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/readyz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Readiness (can this instance serve?)
         * @description Ready means "can serve": PostgreSQL is reachable and the server is not draining. Redis is not required: while it is down or hung, rate limits, caches and fan-out run on their in-process fallbacks, so the answer is 200 with `status: degraded` and `checks.redis: down` (also `livedrop_redis_fallback_active{component="redis"}` 1 in /metrics), never a 503 that would take every instance out of a load balancer at once.
         */
        get: operations["readyz"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/openapi.yaml": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** This contract, as served */
        get: operations["getOpenApi"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/docs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Rendered API reference (works offline) */
        get: operations["getDocs"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/docs/scalar.js": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The reference renderer's script, served locally */
        get: operations["getDocsScript"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The storefront (upcoming and live drops)
         * @description A small reference client of the SDK's browser build: drops with countdowns, a drop page with a live stock
         *     bar, sign-in, buying and "my orders". Every asset is served by this server (works offline).
         */
        get: operations["getStorefront"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/drops/{dropId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The storefront's page of one drop
         * @description The same HTML shell as `/`; the page reads the drop through the API (an unknown id shows "not found").
         */
        get: operations["getStorefrontDrop"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/orders": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The storefront's "my orders" page */
        get: operations["getStorefrontOrders"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/assets/livedrop.browser.js": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The SDK's browser build (`@livedrop/sdk`, one ES module), as the storefront imports it */
        get: operations["getSdkBrowserBundle"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/assets/altcha-worker.js": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The SDK's proof-of-work Web Worker (altcha-lib's solver), loaded beside `livedrop.browser.js`
         * @description The SDK starts it with `new Worker(new URL('./altcha-worker.js', import.meta.url))` to solve a drop's
         *     challenge off the page's thread (`ld.queue.join` on a drop with `access.challenge = pow`).
         */
        get: operations["getSdkPowWorker"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/assets/storefront.js": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The storefront's script */
        get: operations["getStorefrontScript"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/assets/storefront.css": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The storefront's style sheet */
        get: operations["getStorefrontStyles"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/metrics": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Prometheus metrics
         * @description Prometheus text exposition: `livedrop_http_requests_total` and `livedrop_http_request_duration_seconds`
         *     (by method, route template and status), `livedrop_orders_confirmed_total`, `livedrop_orders_refused_total`
         *     (by reason), `livedrop_drop_stock_outs_total`, `livedrop_sse_connections`, `livedrop_cache_hits_total` /
         *     `livedrop_cache_misses_total`, `livedrop_rate_limit_refusals_total`, `livedrop_redis_fallback_active`,
         *     `livedrop_db_connections`, `livedrop_outbox_consumer_lag_events` / `livedrop_outbox_consumer_lag_seconds` (by
         *     consumer: how far the notifier and the webhook fan-out are behind; pruning keeps what they have not read),
         *     plus process metrics. Unauthenticated like the other probes: keep it internal.
         */
        get: operations["getMetrics"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/uploads/images/{imageId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /**
         * The local storage's presigned upload (step 2 of 3 with the embedded default storage)
         * @description Where `uploadUrl` points when the server keeps images in its own folder (no `S3_BUCKET`). The query is
         *     signed (HMAC-SHA256 under a server key): it binds the image, the content type, the size bound and the expiry,
         *     so it cannot be edited. The body must be sent with exactly the signed `Content-Type` and be at most the signed
         *     size. The bytes are written to a temporary file and moved into place only when complete. With S3 storage the
         *     URL is an S3 presigned `PUT` instead, and S3 answers it.
         */
        put: operations["putLocalImageUpload"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/media/images/{imageId}/{file}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * An image variant kept in the local storage
         * @description Variant URLs are content-addressed (the file name carries a hash of its bytes): a changed image is a new URL,
         *     so the answer is `Cache-Control: public, max-age=31536000, immutable` with a strong `ETag`, for browsers and
         *     CDNs alike.
         */
        get: operations["getLocalImageFile"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/auth/register": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Create an account */
        post: operations["register"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/auth/login": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Log in with email and password */
        post: operations["login"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/auth/refresh": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Exchange a refresh token for a new pair
         * @description Refresh tokens rotate: each is good for one exchange. A repeat of the same exchange within a short grace
         *     window (10 s by default, `REFRESH_GRACE_SEC`; RFC 9700 §4.14.2) answers the same new pair again, as long as
         *     that pair's refresh token has not been exchanged itself — so two tabs refreshing at once, or a retry after
         *     a lost response, keep the session. Any other presentation of an exchanged token (after the grace window, or
         *     of an older generation) revokes its whole family (every token descended from the same log-in: the
         *     access tokens' session ends too, see `GET /v1/me/events`) and answers 401.
         */
        post: operations["refresh"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/auth/logout": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Revoke a refresh token's family
         * @description Ends the session the token belongs to: every refresh token of its family is refused from then on, even one
         *     minted by a refresh racing this call, and the session's personal event streams close with `stream.closed`
         *     (`reason: logged_out`).
         */
        post: operations["logout"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/me": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The caller, with email and creator profile */
        get: operations["getMe"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/users/{userId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A public profile */
        get: operations["getUser"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/creators": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Become a creator */
        post: operations["createCreator"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/creators/{creatorId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A creator profile */
        get: operations["getCreator"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/products": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List products, newest first */
        get: operations["listProducts"];
        put?: never;
        /** Add a product to the caller's catalog */
        post: operations["createProduct"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/products/{productId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A product */
        get: operations["getProduct"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /** Change a product (owner only) */
        patch: operations["updateProduct"];
        trace?: never;
    };
    "/v1/products/{productId}/images": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Start an image upload (owner only) — step 1 of 3
         * @description Reserves an image on the product and answers a presigned `PUT` URL valid until `expiresAt`
         *     (`IMAGE_UPLOAD_TTL_SEC`, default 15 min). The declared `contentType` and the size bound (`size` when
         *     given, otherwise `maxBytes`) are bound into the signature. Send the bytes with `uploadMethod` to `uploadUrl`
         *     with exactly the `uploadHeaders`, then call `…/images/{imageId}/complete`. At most `IMAGE_MAX_PER_PRODUCT`
         *     images (default 12, uploads in progress included) per product. Anybody but the product's creator gets 404.
         */
        post: operations["createProductImageUpload"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/products/{productId}/images/{imageId}/complete": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Verify the uploaded bytes and attach the image (owner only) — step 3 of 3
         * @description The server reads what arrived and checks it itself — never trusting the client's content type: its size
         *     (at most `IMAGE_MAX_BYTES`, and exactly the declared `size`), its type from its magic bytes (JPEG, PNG, WebP,
         *     AVIF or GIF, and the declared one), and its pixel dimensions (each side 1–16383, at most `IMAGE_MAX_PIXELS`
         *     pixels in all). It then renders the variants — `thumb` (within 320×320) and `display` (within 1600×1600),
         *     each as WebP and AVIF, turned upright by the EXIF orientation and with every piece of metadata (EXIF, GPS,
         *     XMP, ICC comments) removed — stores them under content-addressed names, deletes the original upload and
         *     attaches the image to the product. A refused upload is deleted at once with its reservation: nothing is
         *     attached and nothing stays in storage (start again with step 1). Completing an attached image again
         *     answers it again (idempotent).
         */
        post: operations["completeProductImage"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/products/{productId}/images/{imageId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Remove an image and all its variants (owner only)
         * @description Detaches the image (or abandons an upload in progress) and deletes every stored file of it. Idempotent only in effect; a second call is 404.
         */
        delete: operations["deleteProductImage"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/drops": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List drops
         * @description Scheduled drops come soonest first (by `startsAt`); every other filter lists newest first.
         */
        get: operations["listDrops"];
        put?: never;
        /** Schedule a drop of one of the caller's products */
        post: operations["createDrop"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/drops/{dropId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A drop, with its live stock */
        get: operations["getDrop"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /** Change a scheduled drop (owner only) */
        patch: operations["updateDrop"];
        trace?: never;
    };
    "/v1/drops/{dropId}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Cancel a scheduled or live drop (owner only)
         * @description Cancelling a live drop cancels every confirmed order of it in the same transaction: the stock returns
         *     to the drop (one `cancel` ledger row per order), each buyer gets `order.cancelled` with
         *     `reason: drop_cancelled` on their stream and as a stored notification, and the drop stream gets
         *     `drop.cancelled`. Idempotent: cancelling a cancelled drop answers 200 and changes nothing.
         */
        post: operations["cancelDrop"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/drops/{dropId}/audit": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Stock audit of a drop from its ledger (owner only) */
        get: operations["getDropAudit"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/drops/{dropId}/queue": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The caller's place in the waiting room
         * @description 404 when the caller has not joined (or the drop does not exist).
         */
        get: operations["getMyQueuePlace"];
        put?: never;
        /**
         * Join the waiting room of a queued drop (idempotent per buyer)
         * @description Opens at `startsAt − access.preQueueSeconds`. Everyone who joins before `startsAt` (the pre-queue) is put in a
         *     uniformly random order at `startsAt` (`status: pre_queue`, no position until then); whoever joins later goes
         *     to the back, in arrival order. One entry per buyer: joining again answers the caller's current place. A
         *     position never moves backwards. Buyers are admitted in order at `access.admitPerSecond` (over all server
         *     instances), and never more at once than the units left; an admitted buyer gets an admission token
         *     (`admission`) for `POST /v1/orders`, valid for `access.admissionTtlSeconds` and once. Joining a sold-out drop
         *     is `409 SOLD_OUT`, an ended or cancelled one `409 DROP_NOT_LIVE`, an open drop `409 QUEUE_NOT_ENABLED`, and
         *     before the pre-queue opens `409 QUEUE_NOT_OPEN`.
         *
         *     A drop with `access.challenge = pow` also asks every join for a solved proof-of-work challenge from
         *     `GET /v1/challenges` (an ALTCHA challenge: solve it with `altcha-lib`'s `solveChallenge`), sent as the `Altcha`
         *     header: base64 of the JSON `{challenge, solution}`. Each solution is good for one join.
         */
        post: operations["joinQueue"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/drops/{dropId}/queue/stats": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The waiting room in figures (owner only)
         * @description Anybody but the drop's creator gets 404.
         */
        get: operations["getQueueStats"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/drops/{dropId}/queue/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The caller's place in the waiting room, live (Server-Sent Events)
         * @description For a buyer who has joined (404 otherwise). Opens with `queue.position` (the place as it stands), then
         *     `queue.position` whenever it changes (at most about once a second), and ends with either `queue.admitted`
         *     (the place with its `admission` token) or `queue.closed` (`reason`: `sold_out`, `ended` or `cancelled`; a
         *     buyer who joins again while a sold-out drop has stock back goes to the back of the line). When the drop sells out or ends, everybody still waiting gets `queue.closed` within 2 seconds.
         *     Events carry no `id`: a reconnecting client gets the current place again. Comment lines (`: ping`) every
         *     15 s keep the connection open. Each `data:` line is a `QueueStreamEvent`.
         *     Authenticate with `Authorization: Bearer` or, where headers cannot be set (a browser's `EventSource`),
         *     with `?ticket=` from `POST /v1/realtime/tickets` (single use; a header wins over a ticket).
         *     While the waiting room's store is unreachable the answer is `503` with `Retry-After`; an open stream stays
         *     open and resumes when the store answers again.
         */
        get: operations["streamQueueEvents"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/challenges": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A proof-of-work challenge for joining a drop's waiting room
         * @description For drops with `access.challenge = pow`: an ALTCHA (v2) challenge, valid 5 minutes, bound to the drop; its
         *     difficulty is the drop's `access.challengeDifficulty`. A drop without one answers `409 CHALLENGE_NOT_ENABLED`.
         */
        get: operations["getChallenge"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/orders": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Order from a live drop
         * @description The stock decrement, the per-user limit check and the order row commit in one atomic step: stock never
         *     goes below zero. `Idempotency-Key` is required: a retry with the same key and body replays the first
         *     answer (status and body, refusals included) with `Idempotent-Replayed: true`; the same key with another
         *     body is a 422; the same key while the first request still runs is a 409 with `Retry-After` (never the
         *     answer to a key's first use). Keys are scoped to the caller and kept 24 hours.
         *
         *     Orders of one drop that arrive together are placed together — one statement and one commit for the
         *     batch — with exactly the answers placing them one by one in arrival order would give. A refusal reports
         *     the drop as the statement that refused saw it (`availableStock` with `SOLD_OUT`, `dropStatus` with
         *     `DROP_NOT_LIVE`). No order is confirmed after `endsAt`.
         */
        post: operations["createOrder"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/orders/{orderId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * One of the caller's orders
         * @description Anybody but the buyer gets 404, never 403, so order ids leak nothing.
         */
        get: operations["getOrder"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/orders/{orderId}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Cancel one of the caller's orders; its stock returns to the drop
         * @description Idempotent; cancelling a cancelled order returns it unchanged.
         */
        post: operations["cancelOrder"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/me/orders": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The caller's orders, newest first */
        get: operations["listMyOrders"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/creators/{creatorId}/follow": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Follow a creator (idempotent)
         * @description Following a creator you already follow changes nothing. You cannot follow yourself (`CANNOT_FOLLOW_SELF`).
         */
        post: operations["followCreator"];
        /** Stop following a creator (idempotent) */
        delete: operations["unfollowCreator"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/creators/{creatorId}/followers": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A creator's followers, most recent first */
        get: operations["listFollowers"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/users/{userId}/following": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The creators a user follows, most recent first */
        get: operations["listFollowing"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/search": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Search drops, products and creators
         * @description Full-text search, best match first. `q` follows web-search syntax: words are all required, `"a phrase"`
         *     must appear as written, `-word` excludes, `or` between words accepts either. The last word also matches
         *     as a prefix while it is being typed (`snea` finds "sneaker"; a trailing space ends the word). Words are
         *     stemmed in the server's configured language (`SEARCH_LANGUAGE`). Typos: creator handles and display names
         *     also match by trigram similarity (≥ 0.3); when a one-word query matches nothing as written, drops and
         *     products whose title has a close word (strict word similarity ≥ 0.5) are answered instead.
         *
         *     Ranking (`rank`, higher is better): a match in a title weighs most, then in the creator's handle or display
         *     name, then in the description; closeness of a title, handle or display name to the query adds a little.
         *     Ties are broken by id, newest first. Pages are keyset-paginated on (`rank`, `id`): rows inserted or changed
         *     while a client pages do not shift the rows it has not yet seen. A cursor belongs to the query and filters
         *     it was issued for; reusing it with others is a 400 `INVALID_CURSOR`.
         *
         *     Without `type`, every kind of result that can satisfy all the given filters is searched (`status` and the
         *     start times only apply to drops; `creatorId` and the price bounds to drops and products); with a `type`,
         *     a filter that does not apply to it is a 400 `INVALID_PARAMETER`. Results reflect a change to a product,
         *     drop or creator as soon as the change is answered (answers are cached, and every such change replaces
         *     them; without an invalidation they are at most 30 s old).
         */
        get: operations["search"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/me/notifications": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The caller's stored notifications, newest first */
        get: operations["listNotifications"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/me/notifications/{notificationId}/read": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Mark one notification read (idempotent) */
        post: operations["markNotificationRead"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/me/notifications/read-all": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Mark every notification of the caller read */
        post: operations["markAllNotificationsRead"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/realtime/tickets": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * A short-lived ticket to open `/v1/me/events` or `/v1/drops/{dropId}/queue/events` without an Authorization header
         * @description For clients that cannot set headers on an SSE request (browsers' `EventSource`). Single use, valid 60
         *     seconds, bound to the caller, to the caller's session and to the expiry of the access token that asked
         *     for it: the stream it opens closes when that token would have expired.
         */
        post: operations["createRealtimeTicket"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/drops/{dropId}/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Live events of one drop (Server-Sent Events)
         * @description Opens with `state` (the drop as it stands), then `drop.live`, `drop.ended`, `drop.cancelled`, `drop.stock`
         *     (`availableStock`, coalesced to at most 4 a second), `drop.low_stock` and `drop.sold_out` as they happen.
         *     Every event carries an `id`; reconnecting with `Last-Event-ID` replays what was missed, in order and without
         *     duplicates. A client further behind than the replay window (1,000 events, 1 hour) gets `reset` with the
         *     current state instead. Comment lines (`: ping`) every 15 s keep the connection open; `retry:` is 2 s.
         *     Each `data:` line is a `DropStreamEvent` (JSON: `{type, dropId, data, createdAt}`; `type` repeats the SSE
         *     `event:` field).
         */
        get: operations["streamDropEvents"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/me/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The caller's live notifications (Server-Sent Events)
         * @description Authenticate with `Authorization: Bearer` or with `?ticket=` from `POST /v1/realtime/tickets`.
         *     Opens with `state` (`unreadNotifications`), then `order.confirmed`, `order.cancelled` (the caller's orders),
         *     `drop.live` (drops of creators the caller follows) and `drop.sold_out` (drops the caller bought from).
         *     Ids, `Last-Event-ID`, `reset`, heartbeats and `retry:` work as on the drop stream. Each `data:` line is a
         *     `MeStreamEvent`.
         *
         *     The stream is bound to the credentials that opened it. When the access token expires (for a ticket: the
         *     token that asked for it) the server sends `stream.closed` with `reason: token_expired` and closes: reconnect
         *     with a fresh token and `Last-Event-ID`. When the session ends — log-out (`logged_out`) or a refresh token
         *     reused outside the grace window (`session_revoked`) — it sends `stream.closed` with that reason and closes;
         *     do not reconnect with the same session (opening a stream for an ended session is a 401). `stream.closed`
         *     has no `id:`, so `Last-Event-ID` stays that of the last real event.
         */
        get: operations["streamMyEvents"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/webhooks": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The caller's webhook endpoints, newest first (creators only) */
        get: operations["listWebhooks"];
        put?: never;
        /**
         * Register a webhook endpoint (creators only); the signing secret is shown only in this answer
         * @description The URL must be https and its host must resolve only to public addresses (checked now and again before
         *     every delivery); refusals are 422 with a `WEBHOOK_URL_*` code.
         */
        post: operations["createWebhook"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/webhooks/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The events your webhooks receive, live (Server-Sent Events; creators only)
         * @description What `livedrop listen` forwards to a local URL: every event of the caller's own drops that a webhook can
         *     subscribe to (`order.confirmed`, `order.cancelled`, `drop.live`, `drop.sold_out`, `drop.low_stock`,
         *     `drop.ended`, `drop.cancelled`), whatever endpoints are registered. Each event's `data:` line is the
         *     `WebhookEvent` a delivery would POST — the same `id` (`evt_<n>`, deduplicate on it), type and payload — and
         *     the SSE `event:` field is its type. No other creator's event ever appears.
         *
         *     Authenticate with `Authorization: Bearer` or with `?ticket=` from `POST /v1/realtime/tickets`. Opens with
         *     `state` (`{creatorId}`); ids, `Last-Event-ID`, `reset` (further behind than the replay window: events were
         *     missed), heartbeats, `retry:` and `stream.closed` (token expiry, log-out) work as on `GET /v1/me/events`.
         *     Each `data:` line is a `WebhookStreamEvent`.
         */
        get: operations["streamWebhookEvents"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/webhooks/{webhookId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One of the caller's webhook endpoints (anyone else's is a 404) */
        get: operations["getWebhook"];
        put?: never;
        post?: never;
        /** Remove an endpoint and its delivery log (owner only) */
        delete: operations["deleteWebhook"];
        options?: never;
        head?: never;
        /** Change an endpoint's URL, events, description, or enable it again (owner only) */
        patch: operations["updateWebhook"];
        trace?: never;
    };
    "/v1/webhooks/{webhookId}/rotate-secret": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** A new signing secret (shown once); the previous one keeps signing alongside for 24 h */
        post: operations["rotateWebhookSecret"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/webhooks/{webhookId}/test": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Queue a `ping` event to the endpoint */
        post: operations["testWebhook"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/webhooks/{webhookId}/deliveries": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The endpoint's delivery log, newest first (owner only) */
        get: operations["listWebhookDeliveries"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/webhooks/{webhookId}/deliveries/{deliveryId}/redeliver": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Send a delivery again now, with the same event id and body (owner only) */
        post: operations["redeliverWebhookDelivery"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export interface webhooks {
    webhookEvent: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * What LiveDrop POSTs to a registered endpoint
         * @description Verify `LiveDrop-Signature` over the raw body before parsing (the SDK's `verifyWebhook` does), reject old
         *     timestamps, deduplicate on `LiveDrop-Event-Id`, and answer 2xx within 10 s; anything else is retried.
         */
        post: operations["receiveWebhookEvent"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export interface components {
    schemas: {
        /**
         * @description The stable machine-readable `code` of every problem. `x-errors` gives each code its one HTTP status and title
         *     (the server, the SDK's typed `error.code` and the CLI's exit codes are generated from it).
         * @enum {string}
         */
        ErrorCode: "VALIDATION_FAILED" | "INVALID_PARAMETER" | "MALFORMED_JSON" | "JSON_TOO_DEEP" | "UNSUPPORTED_MEDIA_TYPE" | "PAYLOAD_TOO_LARGE" | "INVALID_CURSOR" | "UNAUTHORIZED" | "INVALID_CREDENTIALS" | "INVALID_REFRESH_TOKEN" | "FORBIDDEN" | "NOT_A_CREATOR" | "NOT_FOUND" | "ROUTE_NOT_FOUND" | "USERNAME_TAKEN" | "EMAIL_TAKEN" | "HANDLE_TAKEN" | "ALREADY_A_CREATOR" | "SOLD_OUT" | "DROP_NOT_LIVE" | "PURCHASE_LIMIT_EXCEEDED" | "DROP_NOT_SCHEDULED" | "DROP_NOT_CANCELLABLE" | "IDEMPOTENCY_KEY_MISSING" | "IDEMPOTENCY_KEY_REUSED" | "IDEMPOTENCY_KEY_IN_USE" | "STARTS_IN_PAST" | "INVALID_SCHEDULE" | "CANNOT_FOLLOW_SELF" | "RATE_LIMITED" | "WEBHOOK_URL_INVALID" | "WEBHOOK_URL_NOT_HTTPS" | "WEBHOOK_URL_UNRESOLVABLE" | "WEBHOOK_URL_FORBIDDEN_ADDRESS" | "TOO_MANY_STREAMS" | "QUEUE_NOT_ENABLED" | "QUEUE_NOT_OPEN" | "CHALLENGE_NOT_ENABLED" | "CHALLENGE_REQUIRED" | "CHALLENGE_FAILED" | "ADMISSION_REQUIRED" | "ADMISSION_INVALID" | "ADMISSION_EXPIRED" | "ADMISSION_USED" | "IMAGE_LIMIT_REACHED" | "IMAGE_NOT_UPLOADED" | "IMAGE_UPLOAD_EXPIRED" | "IMAGE_TOO_LARGE" | "IMAGE_UNSUPPORTED_TYPE" | "IMAGE_TYPE_MISMATCH" | "IMAGE_SIZE_MISMATCH" | "IMAGE_UNREADABLE" | "IMAGE_DIMENSIONS_OUT_OF_RANGE" | "UPLOAD_URL_INVALID" | "UPLOAD_URL_EXPIRED" | "SERVICE_UNAVAILABLE" | "INTERNAL";
        /** @description RFC 9457 problem details. */
        Problem: {
            /** @description A URI naming the problem type. */
            type: string;
            title: string;
            status: number;
            detail?: string;
            instance?: string;
            code: components["schemas"]["ErrorCode"];
            requestId: string;
            /** @description One entry per invalid field. */
            errors?: {
                /** @description JSON pointer of the field, or the parameter name. */
                field: string;
                message: string;
            }[];
            /** @description `SOLD_OUT`: the units that were left when the order was refused (read by the statement that refused it). */
            availableStock?: number;
            /** @description `WEBHOOK_URL_FORBIDDEN_ADDRESS`: the range the address falls in (`loopback`, `private`, `linkLocal`, `carrierGradeNat`, `unspecified`, `multicast`, `broadcast`, `reserved`, `uniqueLocal`, `ipv4Mapped`, …). */
            addressRange?: string;
            /** @description `WEBHOOK_URL_FORBIDDEN_ADDRESS`: the refused address. */
            address?: string;
            /** @description `DROP_NOT_LIVE`: the drop's status when the order was refused (`ended` once `endsAt` has passed). */
            dropStatus?: components["schemas"]["DropStatus"];
        };
        Health: {
            /** @enum {string} */
            status: "ok";
        };
        Readiness: {
            /**
             * @description `degraded`: serving, with Redis down and its in-process fallbacks in use (answered with 200).
             * @enum {string}
             */
            status: "ready" | "degraded" | "unavailable" | "draining";
            checks: {
                /** @enum {string} */
                postgres: "up" | "down";
                /**
                 * @description `down` while Redis fails or hangs (its circuit breaker is open); `memory`: no Redis configured.
                 * @enum {string}
                 */
                redis: "up" | "down" | "memory";
            };
        };
        RegisterRequest: {
            /** @description Letters, digits and underscore; unique, case-insensitive. */
            username: string;
            /** Format: email */
            email: string;
            password: string;
        };
        LoginRequest: {
            /** Format: email */
            email: string;
            password: string;
        };
        RefreshRequest: {
            refreshToken: string;
        };
        AuthSession: {
            user: components["schemas"]["Me"];
            accessToken: string;
            refreshToken: string;
            /** @description Seconds until the access token expires. */
            expiresIn: number;
        };
        User: {
            /** Format: uuid */
            id: string;
            username: string;
            /** Format: date-time */
            createdAt: string;
        };
        Me: {
            /** Format: uuid */
            id: string;
            username: string;
            /** Format: email */
            email: string;
            creator: components["schemas"]["Creator"] | null;
            /** Format: date-time */
            createdAt: string;
        };
        CreateCreatorRequest: {
            /** @description Lower-case letters, digits, `-` and `_`; unique. */
            handle: string;
            displayName: string;
        };
        Creator: {
            /** Format: uuid */
            id: string;
            /** Format: uuid */
            userId: string;
            handle: string;
            displayName: string;
            followerCount: number;
            /** Format: date-time */
            createdAt: string;
        };
        CreateProductRequest: {
            title: string;
            /** @default  */
            description?: string;
            priceCents: number;
            /** @description ISO 4217 code. */
            currency: string;
        };
        UpdateProductRequest: {
            title?: string;
            description?: string;
            priceCents?: number;
            currency?: string;
        };
        Product: {
            /** Format: uuid */
            id: string;
            /** Format: uuid */
            creatorId: string;
            title: string;
            description: string;
            priceCents: number;
            currency: string;
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            updatedAt: string;
            /** @description The product's attached images, oldest first (uploads in progress are not listed). */
            images: components["schemas"]["ProductImage"][];
        };
        /**
         * @description The image types accepted for upload (checked against the bytes' magic numbers, not trusted).
         * @enum {string}
         */
        ImageContentType: "image/jpeg" | "image/png" | "image/webp" | "image/avif" | "image/gif";
        CreateImageUploadRequest: {
            contentType: components["schemas"]["ImageContentType"];
            /**
             * @description The file's length in bytes. When given, the upload must be exactly this long (bound into the signature: S3
             *     refuses any other `Content-Length`); otherwise it may be up to `maxBytes`. Over `IMAGE_MAX_BYTES` → 413.
             */
            size?: number;
        };
        ImageUpload: {
            /** Format: uuid */
            imageId: string;
            /** @description Absolute URL to send the bytes to (presigned; no Authorization header). */
            uploadUrl: string;
            /** @enum {string} */
            uploadMethod: "PUT";
            /** @description Headers to send with the bytes, exactly (they are part of the signature), e.g. `Content-Type`. */
            uploadHeaders: {
                [key: string]: string;
            };
            /** Format: date-time */
            expiresAt: string;
            /** @description The most bytes the upload may have. */
            maxBytes: number;
        };
        /** @description One variant in both formats, with its pixel size (for `<picture>`, `srcset` and layout). */
        ImageSource: {
            width: number;
            height: number;
            /** @description URL of the WebP rendering. */
            webp: string;
            /** @description URL of the AVIF rendering. */
            avif: string;
        };
        /**
         * @description An attached image. `variants` maps each size to the URL of its WebP rendering (decoded by every current
         *     browser); `sources` gives each size in both formats with its pixel size. Every URL is content-addressed
         *     (a hash of the bytes is in the file name) and served with a year-long immutable cache.
         */
        ProductImage: {
            /** Format: uuid */
            id: string;
            /** Format: uuid */
            productId: string;
            /** @description The original's width in pixels (upright). */
            width: number;
            /** @description The original's height in pixels (upright). */
            height: number;
            variants: {
                /** @description WebP, within 320×320. */
                thumb: string;
                /** @description WebP, within 1600×1600. */
                display: string;
            };
            sources: {
                thumb: components["schemas"]["ImageSource"];
                display: components["schemas"]["ImageSource"];
            };
            /** Format: date-time */
            createdAt: string;
        };
        ProductPage: {
            items: components["schemas"]["Product"][];
            nextCursor: string | null;
        };
        /** @enum {string} */
        DropStatus: "scheduled" | "live" | "ended" | "cancelled";
        CreateDropRequest: {
            /** Format: uuid */
            productId: string;
            /**
             * Format: date-time
             * @description Must be in the future.
             */
            startsAt: string;
            /**
             * Format: date-time
             * @description After `startsAt`; open-ended when absent.
             */
            endsAt?: string;
            initialStock: number;
            /** @description `drop.low_stock` fires once when stock falls to it. */
            lowStockThreshold?: number;
            /** @description Most units one buyer may hold over all confirmed orders. */
            perUserLimit?: number;
            access?: components["schemas"]["DropAccessInput"];
        };
        UpdateDropRequest: {
            /** Format: date-time */
            startsAt?: string;
            /**
             * Format: date-time
             * @description `null` makes the drop open-ended.
             */
            endsAt?: string | null;
            initialStock?: number;
            lowStockThreshold?: number | null;
            perUserLimit?: number | null;
            access?: components["schemas"]["DropAccessInput"];
        };
        /**
         * @description Who may order, and how. `open` (the default): anyone, first come first served. `queue`: through the waiting
         *     room (`/v1/drops/{dropId}/queue`); `POST /v1/orders` then requires an admission token. Settings left out take
         *     their defaults; they are ignored for `open`.
         */
        DropAccessInput: {
            /** @enum {string} */
            mode: "open" | "queue";
            /**
             * @description Buyers admitted per second, over all instances.
             * @default 10
             */
            admitPerSecond?: number;
            /**
             * @description How long before `startsAt` the line opens; joiners before `startsAt` get a random order.
             * @default 900
             */
            preQueueSeconds?: number;
            /**
             * @description How long an admission token is valid.
             * @default 120
             */
            admissionTtlSeconds?: number;
            /**
             * @description `pow`: joining the line takes a solved proof-of-work challenge (`GET /v1/challenges`), one per join.
             * @default none
             * @enum {string}
             */
            challenge?: "none" | "pow";
            /**
             * @description About how many attempts a solution takes.
             * @default 50000
             */
            challengeDifficulty?: number;
        };
        /** @description The drop's access settings; the queue settings are `null` for an open drop. */
        DropAccess: {
            /** @enum {string} */
            mode: "open" | "queue";
            admitPerSecond: number | null;
            preQueueSeconds: number | null;
            admissionTtlSeconds: number | null;
            /** @enum {string} */
            challenge: "none" | "pow";
            challengeDifficulty: number | null;
        };
        Drop: {
            /** Format: uuid */
            id: string;
            /** Format: uuid */
            productId: string;
            /** Format: uuid */
            creatorId: string;
            status: components["schemas"]["DropStatus"];
            /** Format: date-time */
            startsAt: string;
            /** Format: date-time */
            endsAt: string | null;
            initialStock: number;
            availableStock: number;
            lowStockThreshold: number | null;
            perUserLimit: number | null;
            access: components["schemas"]["DropAccess"];
            /** Format: date-time */
            createdAt: string;
        };
        DropPage: {
            items: components["schemas"]["Drop"][];
            nextCursor: string | null;
        };
        /** @enum {string} */
        SearchResultType: "drop" | "product" | "creator";
        /**
         * @description One match. `title` is the product's title (drops and products) or the creator's display name. Fields that do
         *     not apply to the result's `type` are `null`.
         */
        SearchResult: {
            type: components["schemas"]["SearchResultType"];
            /**
             * Format: uuid
             * @description The drop, product or creator.
             */
            id: string;
            title: string;
            /**
             * @description An excerpt around the matches (title and description; for a creator, display name and handle) as
             *     HTML-safe text: every `&`, `<`, `>`, `"` and `'` of the source is escaped as an entity, and the only
             *     markup is `<mark>`…`</mark>` around each matched word. It can be inserted as HTML as it is, or shown as
             *     text after replacing the two tags and decoding the five entities.
             */
            snippet: string;
            /** @description Relevance; higher is better. Only comparable within one query. */
            rank: number;
            /** Format: uuid */
            creatorId: string;
            creatorHandle: string;
            creatorDisplayName: string;
            /**
             * Format: uuid
             * @description The product (of a drop, or the product itself).
             */
            productId: string | null;
            /** @description A product's price, or a drop's unit price. */
            priceCents: number | null;
            currency: string | null;
            /** @description A drop's status. */
            status: components["schemas"]["DropStatus"] | null;
            /** Format: date-time */
            startsAt: string | null;
            /** Format: date-time */
            endsAt: string | null;
        };
        SearchPage: {
            items: components["schemas"]["SearchResult"][];
            nextCursor: string | null;
        };
        DropAudit: {
            /** Format: uuid */
            dropId: string;
            initialStock: number;
            availableStock: number;
            /** @description Units taken by orders (ledger rows of kind order). */
            sold: number;
            /** @description Units returned by cancellations. */
            cancelled: number;
            /** @description Net units of stock adjustments (e.g. edits while scheduled). */
            adjusted: number;
            /** @description Sum of quantity over confirmed orders. */
            confirmedQuantity: number;
            /** @description The ledger's running total; equals availableStock. */
            ledgerSum: number;
            /** @description true when `initialStock = availableStock + confirmedQuantity` and `ledgerSum = availableStock`. */
            invariantHolds: boolean;
        };
        /**
         * @description `pre_queue`: joined before `startsAt`, place drawn at `startsAt`; `waiting`: in line; `admitted`: may order
         *     with `admission.token` until `admission.expiresAt`; `bought`: ordered with it; `expired`: admitted but did not
         *     order in time; `closed`: the line closed while the buyer waited (`closedReason`).
         * @enum {string}
         */
        QueueStatus: "pre_queue" | "waiting" | "admitted" | "bought" | "expired" | "closed";
        Admission: {
            /** @description Send it as the `Admission-Token` header of `POST /v1/orders` (once). */
            token: string;
            /** Format: date-time */
            expiresAt: string;
        };
        QueuePlace: {
            /** Format: uuid */
            dropId: string;
            status: components["schemas"]["QueueStatus"];
            /** @description 1 = next to be admitted; `null` unless `waiting`. */
            position: number | null;
            /** @description Buyers ahead in line; `null` unless `waiting`. */
            ahead: number | null;
            /** @description From `ahead` and the admission rate; `null` unless `waiting`. */
            estimatedWaitSeconds: number | null;
            admission: components["schemas"]["Admission"] | null;
            closedReason: components["schemas"]["QueueClosedReason"] | null;
        };
        /**
         * @description `sold_out`, `ended`, `cancelled`: the drop's state closed the line; `expired`: admitted, but no order came
         *     before the admission expired; `order_refused`: the admission was spent on an order that was refused (its
         *     answer says why).
         * @enum {string}
         */
        QueueClosedReason: "sold_out" | "ended" | "cancelled" | "expired" | "order_refused";
        QueueStats: {
            /** Format: uuid */
            dropId: string;
            /** @description Buyers in line now (pre-queue included). */
            waiting: number;
            /** @description Buyers admitted since the line opened. */
            admitted: number;
            /** @description Admitted buyers whose order was confirmed. */
            bought: number;
            /** @description Admitted buyers who did not order in time. */
            expired: number;
            /** @description The configured rate. */
            admitPerSecond: number;
            /** @description Buyers admitted per second over the last 10 seconds. */
            admissionRate: number;
        };
        /** @description An ALTCHA v2 challenge, as `altcha-lib`'s `createChallenge` makes it. */
        PowChallenge: {
            parameters: {
                algorithm: string;
                nonce: string;
                salt: string;
                cost: number;
                keyLength: number;
                keyPrefix: string;
                expiresAt?: number;
                data?: Record<string, never>;
            };
            signature: string;
        };
        QueueClosedData: {
            reason: components["schemas"]["QueueClosedReason"];
        };
        /** @description The JSON of each `data:` line on `GET /v1/drops/{dropId}/queue/events`; `type` repeats the SSE `event:` field. */
        QueueStreamEvent: {
            /** @enum {string} */
            type: "queue.position" | "queue.admitted";
            /** Format: uuid */
            dropId: string;
            data: components["schemas"]["QueuePlace"];
            /** Format: date-time */
            createdAt: string;
        } | {
            /** @enum {string} */
            type: "queue.closed";
            /** Format: uuid */
            dropId: string;
            data: components["schemas"]["QueueClosedData"];
            /** Format: date-time */
            createdAt: string;
        };
        CreateOrderRequest: {
            /** Format: uuid */
            dropId: string;
            quantity: number;
        };
        /** @enum {string} */
        OrderStatus: "confirmed" | "cancelled";
        Order: {
            /** Format: uuid */
            id: string;
            /** Format: uuid */
            dropId: string;
            /** Format: uuid */
            userId: string;
            quantity: number;
            unitPriceCents: number;
            totalCents: number;
            currency: string;
            status: components["schemas"]["OrderStatus"];
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            cancelledAt: string | null;
        };
        OrderPage: {
            items: components["schemas"]["Order"][];
            nextCursor: string | null;
        };
        Follower: {
            user: components["schemas"]["User"];
            /** Format: date-time */
            followedAt: string;
        };
        FollowerPage: {
            items: components["schemas"]["Follower"][];
            nextCursor: string | null;
        };
        FollowedCreator: {
            creator: components["schemas"]["Creator"];
            /** Format: date-time */
            followedAt: string;
        };
        FollowingPage: {
            items: components["schemas"]["FollowedCreator"][];
            nextCursor: string | null;
        };
        /** @enum {string} */
        NotificationType: "drop.live" | "drop.sold_out" | "order.confirmed" | "order.cancelled" | "webhook.disabled";
        Notification: {
            /** Format: uuid */
            id: string;
            type: components["schemas"]["NotificationType"];
            /** @description The event's data: the drop for `drop.live`, `{order, availableStock}` for orders, `{availableStock}` for `drop.sold_out`, `{webhookId, url, disabledAt}` for `webhook.disabled` (one of the caller's webhook endpoints failed for too long and no longer receives events; enable it again with PATCH). */
            data: Record<string, never>;
            /** Format: date-time */
            readAt: string | null;
            /** Format: date-time */
            createdAt: string;
        };
        NotificationPage: {
            items: components["schemas"]["Notification"][];
            nextCursor: string | null;
        };
        RealtimeTicket: {
            ticket: string;
            /** Format: date-time */
            expiresAt: string;
        };
        /** @description Where a drop stands, sent first on its stream (`state`) and after a too-long absence (`reset`). */
        DropStreamState: {
            /** Format: uuid */
            id: string;
            /** Format: uuid */
            creatorId: string;
            status: components["schemas"]["DropStatus"];
            availableStock: number;
            lowStockThreshold: number | null;
        };
        /** @description Sent first on the personal stream (`state`) and after a too-long absence (`reset`). */
        MeStreamState: {
            unreadNotifications: number;
        };
        /**
         * @description Why the server ended the stream (`stream.closed`, always its last event): `token_expired` (reconnect with a
         *     fresh token), `logged_out` (the session was logged out), `session_revoked` (the session was revoked because
         *     one of its refresh tokens was reused).
         */
        StreamClosedData: {
            /** @enum {string} */
            reason: "token_expired" | "logged_out" | "session_revoked";
        };
        StockEventData: {
            availableStock: number;
        };
        LowStockEventData: {
            availableStock: number;
            lowStockThreshold: number;
        };
        OrderEventData: {
            order: components["schemas"]["Order"];
            availableStock: number;
            /**
             * @description Why an `order.cancelled` happened when the buyer did not cancel it: `drop_cancelled` = the creator
             *     cancelled the live drop, and every confirmed order of it was cancelled with it (stock returned).
             *     Absent on `order.confirmed` and on a cancellation by the buyer.
             * @enum {string}
             */
            reason?: "drop_cancelled";
        };
        /** @description The JSON of each `data:` line on `GET /v1/drops/{dropId}/events`; `type` repeats the SSE `event:` field. */
        DropStreamEvent: {
            /** @enum {string} */
            type: "state" | "reset";
            /** Format: uuid */
            dropId: string;
            data: components["schemas"]["DropStreamState"];
            /** Format: date-time */
            createdAt: string;
        } | {
            /** @enum {string} */
            type: "drop.live" | "drop.ended" | "drop.cancelled";
            /** Format: uuid */
            dropId: string;
            data: components["schemas"]["Drop"];
            /** Format: date-time */
            createdAt: string;
        } | {
            /** @enum {string} */
            type: "drop.stock" | "drop.sold_out";
            /** Format: uuid */
            dropId: string;
            data: components["schemas"]["StockEventData"];
            /** Format: date-time */
            createdAt: string;
        } | {
            /** @enum {string} */
            type: "drop.low_stock";
            /** Format: uuid */
            dropId: string;
            data: components["schemas"]["LowStockEventData"];
            /** Format: date-time */
            createdAt: string;
        };
        /** @description The JSON of each `data:` line on `GET /v1/me/events`; `type` repeats the SSE `event:` field. */
        MeStreamEvent: {
            /** @enum {string} */
            type: "state" | "reset";
            data: components["schemas"]["MeStreamState"];
            /** Format: date-time */
            createdAt: string;
        } | {
            /** @enum {string} */
            type: "order.confirmed" | "order.cancelled";
            /** Format: uuid */
            dropId: string;
            data: components["schemas"]["OrderEventData"];
            /** Format: date-time */
            createdAt: string;
        } | {
            /** @enum {string} */
            type: "drop.live";
            /** Format: uuid */
            dropId: string;
            data: components["schemas"]["Drop"];
            /** Format: date-time */
            createdAt: string;
        } | {
            /** @enum {string} */
            type: "drop.sold_out";
            /** Format: uuid */
            dropId: string;
            data: components["schemas"]["StockEventData"];
            /** Format: date-time */
            createdAt: string;
        } | {
            /** @enum {string} */
            type: "stream.closed";
            data: components["schemas"]["StreamClosedData"];
            /** Format: date-time */
            createdAt: string;
        };
        /** @description Sent first on the webhook event stream (`state`) and after a too-long absence (`reset`). */
        WebhookStreamState: {
            /** Format: uuid */
            creatorId: string;
        };
        /**
         * @description The JSON of each `data:` line on `GET /v1/webhooks/events`; `type` repeats the SSE `event:` field. An
         *     event's line is exactly the `WebhookEvent` a webhook delivery carries.
         */
        WebhookStreamEvent: {
            /** @enum {string} */
            type: "state" | "reset";
            data: components["schemas"]["WebhookStreamState"];
            /** Format: date-time */
            createdAt: string;
        } | {
            /** @description The `LiveDrop-Event-Id` a delivery of this event carries (`evt_<n>`). */
            id: string;
            type: components["schemas"]["WebhookEventType"];
            /** Format: date-time */
            createdAt: string;
            /** Format: uuid */
            creatorId: string;
            /** Format: uuid */
            dropId: string;
            data: {
                [key: string]: unknown;
            };
        } | {
            /** @enum {string} */
            type: "stream.closed";
            data: components["schemas"]["StreamClosedData"];
            /** Format: date-time */
            createdAt: string;
        };
        /**
         * @description The events an endpoint can subscribe to (all of the caller's own drops).
         * @enum {string}
         */
        WebhookEventType: "order.confirmed" | "order.cancelled" | "drop.live" | "drop.sold_out" | "drop.low_stock" | "drop.ended" | "drop.cancelled";
        CreateWebhookRequest: {
            /** @description An https URL whose host resolves to public addresses only. */
            url: string;
            events: components["schemas"]["WebhookEventType"][];
            /** @default  */
            description?: string;
        };
        UpdateWebhookRequest: {
            url?: string;
            events?: components["schemas"]["WebhookEventType"][];
            description?: string;
            /** @description `true` enables a disabled endpoint again (its failure clock restarts). */
            enabled?: boolean;
        };
        Webhook: {
            /** Format: uuid */
            id: string;
            url: string;
            events: components["schemas"]["WebhookEventType"][];
            description: string;
            enabled: boolean;
            /**
             * Format: date-time
             * @description When it was disabled for failing too long (null while enabled).
             */
            disabledAt: string | null;
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            updatedAt: string;
        };
        WebhookWithSecret: {
            /** Format: uuid */
            id: string;
            url: string;
            events: components["schemas"]["WebhookEventType"][];
            description: string;
            enabled: boolean;
            /** Format: date-time */
            disabledAt: string | null;
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            updatedAt: string;
            /** @description The signing secret (`whsec_…`). Shown only here. */
            secret: string;
        };
        WebhookSecret: {
            /** @description The new signing secret (`whsec_…`). Shown only here. */
            secret: string;
            /**
             * Format: date-time
             * @description Until then deliveries carry a second `v1=` signed with the previous secret.
             */
            previousSecretExpiresAt: string;
        };
        WebhookPage: {
            items: components["schemas"]["Webhook"][];
            nextCursor: string | null;
        };
        WebhookAttempt: {
            attempt: number;
            /** @description The endpoint's HTTP status; null when no answer came. */
            statusCode: number | null;
            latencyMs: number;
            /** @description Why the attempt failed (timeout, refused address, connection error, non-2xx). */
            error: string | null;
            /** Format: date-time */
            at: string;
        };
        WebhookDelivery: {
            /** Format: uuid */
            id: string;
            /** Format: uuid */
            webhookId: string;
            /** @description The `LiveDrop-Event-Id` (stable across retries and redeliveries). */
            eventId: string;
            eventType: string;
            /** @enum {string} */
            status: "pending" | "succeeded" | "failed";
            attempts: number;
            /** Format: date-time */
            nextAttemptAt: string | null;
            /** Format: date-time */
            createdAt: string;
            /** @description Every attempt, oldest first. */
            log: components["schemas"]["WebhookAttempt"][];
        };
        WebhookDeliveryPage: {
            items: components["schemas"]["WebhookDelivery"][];
            nextCursor: string | null;
        };
        /**
         * @description The JSON body POSTed to a webhook endpoint. `id` equals the `LiveDrop-Event-Id` header; `data` is the event's
         *     data as on the live streams (the drop for `drop.live`/`drop.ended`/`drop.cancelled`, `{order, availableStock}`
         *     for orders, `{availableStock}` or `{availableStock, lowStockThreshold}` for stock events, `{webhookId}` for `ping`).
         */
        WebhookEvent: {
            id: string;
            /** @enum {string} */
            type: "ping" | "order.confirmed" | "order.cancelled" | "drop.live" | "drop.sold_out" | "drop.low_stock" | "drop.ended" | "drop.cancelled";
            /** Format: date-time */
            createdAt: string;
            /** Format: uuid */
            creatorId: string;
            /** Format: uuid */
            dropId: string | null;
            data: {
                [key: string]: unknown;
            };
        };
    };
    responses: {
        /**
         * @description `RATE_LIMITED`: the caller's budget for this kind of request is spent (per user when authenticated, per client
         *     address otherwise; log-in and registration also per account). Retry after `Retry-After` seconds.
         */
        TooManyRequests: {
            headers: {
                "Retry-After": components["headers"]["Retry-After"];
                "RateLimit-Limit": components["headers"]["RateLimit-Limit"];
                "RateLimit-Remaining": components["headers"]["RateLimit-Remaining"];
                "RateLimit-Reset": components["headers"]["RateLimit-Reset"];
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /**
         * @description `TOO_MANY_STREAMS`: this client address (after `TRUSTED_PROXIES`, as for rate limits) or this user already
         *     holds as many open event streams as an instance allows (`SSE_MAX_STREAMS_PER_ADDRESS`, default 200, both
         *     streams; `SSE_MAX_STREAMS_PER_USER`, default 10, the personal stream); a slot frees as soon as one of them
         *     closes. Or `RATE_LIMITED`, as for any request. Retry after `Retry-After` seconds.
         */
        TooManyStreams: {
            headers: {
                "Retry-After": components["headers"]["Retry-After"];
                "RateLimit-Limit": components["headers"]["RateLimit-Limit"];
                "RateLimit-Remaining": components["headers"]["RateLimit-Remaining"];
                "RateLimit-Reset": components["headers"]["RateLimit-Reset"];
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description `SERVICE_UNAVAILABLE`: a backing service (PostgreSQL) is unreachable or too slow; retry after `Retry-After`. */
        ServiceUnavailable: {
            headers: {
                "Retry-After": components["headers"]["Retry-After"];
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description The representation matches `If-None-Match`; no body. */
        NotModified: {
            headers: {
                ETag: components["headers"]["ETag"];
                [name: string]: unknown;
            };
            content?: never;
        };
        /** @description A malformed parameter, header, cursor or JSON body (`MALFORMED_JSON`; `JSON_TOO_DEEP` past 32 levels of nesting). */
        BadRequest: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description Missing, invalid or expired credentials. */
        Unauthorized: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description Authenticated but not allowed. */
        Forbidden: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description No such resource (or not visible to the caller). */
        NotFound: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description The request conflicts with the current state. */
        Conflict: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description The body is over 64 KiB. */
        PayloadTooLarge: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description The body is not `application/json`. */
        UnsupportedMediaType: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description The body does not match the schema; `errors` names each field. */
        ValidationFailed: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
    };
    parameters: {
        /**
         * @description The content hash the storefront's page puts in its asset URLs. With the current one the answer may be
         *     cached for a year (`immutable`); without it, or with an old one, it is revalidated (`no-cache`).
         */
        AssetVersion: string;
        /** @description An `ETag` from an earlier answer; a match is answered 304 without a body. */
        IfNoneMatch: string;
        UserId: string;
        CreatorId: string;
        DropId: string;
        OrderId: string;
        ProductId: string;
        ImageId: string;
        WebhookId: string;
        /** @description Page size. */
        Limit: number;
        /** @description The `nextCursor` of the previous page. Opaque. */
        Cursor: string;
        /** @description The `id` of the last event the client received; the stream resumes after it. */
        LastEventId: string;
    };
    requestBodies: never;
    headers: {
        /** @description Requests allowed in the current window of the budget this request was counted against. */
        "RateLimit-Limit": number;
        /** @description Requests left in the current window. */
        "RateLimit-Remaining": number;
        /** @description Seconds until the window resets. */
        "RateLimit-Reset": number;
        /** @description Seconds to wait before retrying. */
        "Retry-After": number;
        /** @description Strong validator of the representation; send it back in `If-None-Match`. */
        ETag: string;
    };
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    healthz: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The process is alive. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Health"];
                };
            };
        };
    };
    readyz: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Ready to serve (`ready`), or serving on fallbacks (`degraded`). */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Readiness"];
                };
            };
            /** @description PostgreSQL is unreachable or the server is draining. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Readiness"];
                };
            };
        };
    };
    getOpenApi: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The OpenAPI document. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/yaml": string;
                };
            };
        };
    };
    getDocs: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description An HTML page rendering this contract. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/html": string;
                };
            };
        };
    };
    getDocsScript: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description JavaScript. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/javascript": string;
                };
            };
        };
    };
    getStorefront: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The storefront's HTML shell. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/html": string;
                };
            };
        };
    };
    getStorefrontDrop: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                dropId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The storefront's HTML shell. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/html": string;
                };
            };
            400: components["responses"]["BadRequest"];
        };
    };
    getStorefrontOrders: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The storefront's HTML shell. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/html": string;
                };
            };
        };
    };
    getSdkBrowserBundle: {
        parameters: {
            query?: {
                /**
                 * @description The content hash the storefront's page puts in its asset URLs. With the current one the answer may be
                 *     cached for a year (`immutable`); without it, or with an old one, it is revalidated (`no-cache`).
                 */
                v?: components["parameters"]["AssetVersion"];
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description JavaScript (ES module). */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/javascript": string;
                };
            };
            400: components["responses"]["BadRequest"];
        };
    };
    getSdkPowWorker: {
        parameters: {
            query?: {
                /**
                 * @description The content hash the storefront's page puts in its asset URLs. With the current one the answer may be
                 *     cached for a year (`immutable`); without it, or with an old one, it is revalidated (`no-cache`).
                 */
                v?: components["parameters"]["AssetVersion"];
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description JavaScript (ES module). */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/javascript": string;
                };
            };
            400: components["responses"]["BadRequest"];
        };
    };
    getStorefrontScript: {
        parameters: {
            query?: {
                /**
                 * @description The content hash the storefront's page puts in its asset URLs. With the current one the answer may be
                 *     cached for a year (`immutable`); without it, or with an old one, it is revalidated (`no-cache`).
                 */
                v?: components["parameters"]["AssetVersion"];
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description JavaScript (ES module). */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/javascript": string;
                };
            };
            400: components["responses"]["BadRequest"];
        };
    };
    getStorefrontStyles: {
        parameters: {
            query?: {
                /**
                 * @description The content hash the storefront's page puts in its asset URLs. With the current one the answer may be
                 *     cached for a year (`immutable`); without it, or with an old one, it is revalidated (`no-cache`).
                 */
                v?: components["parameters"]["AssetVersion"];
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description CSS. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/css": string;
                };
            };
            400: components["responses"]["BadRequest"];
        };
    };
    getMetrics: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The metrics. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/plain": string;
                };
            };
        };
    };
    putLocalImageUpload: {
        parameters: {
            query: {
                contentType: string;
                maxBytes: number;
                /** @description Unix seconds. */
                expires: number;
                signature: string;
            };
            header?: never;
            path: {
                imageId: components["parameters"]["ImageId"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "image/*": string;
            };
        };
        responses: {
            /** @description Stored; now call `…/complete`. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["BadRequest"];
            /** @description `UPLOAD_URL_INVALID` (the signature does not match the URL) or `UPLOAD_URL_EXPIRED`. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description `NOT_FOUND`: the upload is no longer waiting for bytes (completed, deleted or swept). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description `IMAGE_TOO_LARGE`: the body is longer than the signed size bound. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description `IMAGE_TYPE_MISMATCH`: the `Content-Type` is not the signed one. */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getLocalImageFile: {
        parameters: {
            query?: never;
            header?: {
                /** @description An `ETag` from an earlier answer; a match is answered 304 without a body. */
                "If-None-Match"?: components["parameters"]["IfNoneMatch"];
            };
            path: {
                imageId: components["parameters"]["ImageId"];
                file: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The image. */
            200: {
                headers: {
                    ETag: components["headers"]["ETag"];
                    [name: string]: unknown;
                };
                content: {
                    "image/webp": string;
                    "image/avif": string;
                };
            };
            304: components["responses"]["NotModified"];
            400: components["responses"]["BadRequest"];
            404: components["responses"]["NotFound"];
        };
    };
    register: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["RegisterRequest"];
            };
        };
        responses: {
            /** @description The account and a token pair. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AuthSession"];
                };
            };
            400: components["responses"]["BadRequest"];
            409: components["responses"]["Conflict"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            422: components["responses"]["ValidationFailed"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    login: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["LoginRequest"];
            };
        };
        responses: {
            /** @description The account and a token pair. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AuthSession"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            422: components["responses"]["ValidationFailed"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    refresh: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["RefreshRequest"];
            };
        };
        responses: {
            /** @description The account and a new token pair. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AuthSession"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            422: components["responses"]["ValidationFailed"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    logout: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["RefreshRequest"];
            };
        };
        responses: {
            /** @description Logged out (also when the token was unknown or already revoked). */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["BadRequest"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            422: components["responses"]["ValidationFailed"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    getMe: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The caller. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Me"];
                };
            };
            401: components["responses"]["Unauthorized"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    getUser: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                userId: components["parameters"]["UserId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The user's public profile (never the email). */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["User"];
                };
            };
            400: components["responses"]["BadRequest"];
            404: components["responses"]["NotFound"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    createCreator: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateCreatorRequest"];
            };
        };
        responses: {
            /** @description The caller's new creator profile. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Creator"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            409: components["responses"]["Conflict"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            422: components["responses"]["ValidationFailed"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    getCreator: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                creatorId: components["parameters"]["CreatorId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The creator. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Creator"];
                };
            };
            400: components["responses"]["BadRequest"];
            404: components["responses"]["NotFound"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    listProducts: {
        parameters: {
            query?: {
                /** @description Only this creator's products. */
                creatorId?: string;
                /** @description Page size. */
                limit?: components["parameters"]["Limit"];
                /** @description The `nextCursor` of the previous page. Opaque. */
                cursor?: components["parameters"]["Cursor"];
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of products. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProductPage"];
                };
            };
            400: components["responses"]["BadRequest"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    createProduct: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateProductRequest"];
            };
        };
        responses: {
            /** @description The new product. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Product"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            422: components["responses"]["ValidationFailed"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    getProduct: {
        parameters: {
            query?: never;
            header?: {
                /** @description An `ETag` from an earlier answer; a match is answered 304 without a body. */
                "If-None-Match"?: components["parameters"]["IfNoneMatch"];
            };
            path: {
                productId: components["parameters"]["ProductId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The product. */
            200: {
                headers: {
                    ETag: components["headers"]["ETag"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Product"];
                };
            };
            304: components["responses"]["NotModified"];
            400: components["responses"]["BadRequest"];
            404: components["responses"]["NotFound"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    updateProduct: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                productId: components["parameters"]["ProductId"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UpdateProductRequest"];
            };
        };
        responses: {
            /** @description The changed product. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Product"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            422: components["responses"]["ValidationFailed"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    createProductImageUpload: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                productId: components["parameters"]["ProductId"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateImageUploadRequest"];
            };
        };
        responses: {
            /** @description Where and how to upload the bytes. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ImageUpload"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            /** @description `IMAGE_LIMIT_REACHED`: the product already has `IMAGE_MAX_PER_PRODUCT` images (uploads in progress included). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description `IMAGE_TOO_LARGE`: the declared `size` is over `IMAGE_MAX_BYTES` (`maxBytes` says the limit); or the JSON body is over 64 KiB. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            415: components["responses"]["UnsupportedMediaType"];
            422: components["responses"]["ValidationFailed"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    completeProductImage: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                productId: components["parameters"]["ProductId"];
                imageId: components["parameters"]["ImageId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The attached image. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProductImage"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            /** @description `IMAGE_NOT_UPLOADED`: nothing has arrived at the upload URL yet (it stays valid until `expiresAt`). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description `IMAGE_UPLOAD_EXPIRED`: the upload URL expired before any bytes arrived; the reservation is gone. */
            410: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description `IMAGE_TOO_LARGE`: the uploaded object is over `IMAGE_MAX_BYTES`; it was deleted. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /**
             * @description `IMAGE_UNSUPPORTED_TYPE`: the bytes are not a JPEG, PNG, WebP, AVIF or GIF image (by their magic bytes);
             *     `IMAGE_TYPE_MISMATCH`: they are another type than the declared `contentType`, or were stored under another
             *     content type. The object was deleted.
             */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /**
             * @description `IMAGE_SIZE_MISMATCH`: the object's size is not the declared `size`; `IMAGE_UNREADABLE`: the bytes start like
             *     an image but do not decode; `IMAGE_DIMENSIONS_OUT_OF_RANGE`: a side over 16383 pixels or more than
             *     `IMAGE_MAX_PIXELS` pixels. The object was deleted.
             */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    deleteProductImage: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                productId: components["parameters"]["ProductId"];
                imageId: components["parameters"]["ImageId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Removed. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    listDrops: {
        parameters: {
            query?: {
                status?: components["schemas"]["DropStatus"];
                creatorId?: string;
                /** @description Page size. */
                limit?: components["parameters"]["Limit"];
                /** @description The `nextCursor` of the previous page. Opaque. */
                cursor?: components["parameters"]["Cursor"];
            };
            header?: {
                /** @description An `ETag` from an earlier answer; a match is answered 304 without a body. */
                "If-None-Match"?: components["parameters"]["IfNoneMatch"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of drops (cached up to 1 s; `ETag` answers `If-None-Match` with 304). */
            200: {
                headers: {
                    ETag: components["headers"]["ETag"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DropPage"];
                };
            };
            304: components["responses"]["NotModified"];
            400: components["responses"]["BadRequest"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    createDrop: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateDropRequest"];
            };
        };
        responses: {
            /** @description The scheduled drop. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Drop"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            422: components["responses"]["ValidationFailed"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    getDrop: {
        parameters: {
            query?: never;
            header?: {
                /** @description An `ETag` from an earlier answer; a match is answered 304 without a body. */
                "If-None-Match"?: components["parameters"]["IfNoneMatch"];
            };
            path: {
                dropId: components["parameters"]["DropId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The drop. */
            200: {
                headers: {
                    ETag: components["headers"]["ETag"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Drop"];
                };
            };
            304: components["responses"]["NotModified"];
            400: components["responses"]["BadRequest"];
            404: components["responses"]["NotFound"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    updateDrop: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                dropId: components["parameters"]["DropId"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UpdateDropRequest"];
            };
        };
        responses: {
            /** @description The changed drop. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Drop"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            422: components["responses"]["ValidationFailed"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    cancelDrop: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                dropId: components["parameters"]["DropId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The cancelled drop (also when it was already cancelled). */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Drop"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    getDropAudit: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                dropId: components["parameters"]["DropId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description What the ledger and the orders say about the stock. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DropAudit"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    getMyQueuePlace: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                dropId: components["parameters"]["DropId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The caller's place in the line. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["QueuePlace"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    joinQueue: {
        parameters: {
            query?: never;
            header?: {
                /** @description Drops with `access.challenge = pow`: base64 of the JSON `{challenge, solution}`. */
                Altcha?: string;
            };
            path: {
                dropId: components["parameters"]["DropId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The caller's place in the line. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["QueuePlace"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            /** @description `CHALLENGE_REQUIRED` (no `Altcha` header) or `CHALLENGE_FAILED` (a wrong, expired or reused solution, or one for another drop). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            404: components["responses"]["NotFound"];
            /** @description `QUEUE_NOT_ENABLED`, `QUEUE_NOT_OPEN`, `SOLD_OUT` or `DROP_NOT_LIVE` (`dropStatus` says why). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    getQueueStats: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                dropId: components["parameters"]["DropId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The line now and since it opened. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["QueueStats"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    streamQueueEvents: {
        parameters: {
            query?: {
                /** @description A ticket from `POST /v1/realtime/tickets` (single use). */
                ticket?: string;
            };
            header?: never;
            path: {
                dropId: components["parameters"]["DropId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description An event stream; each `data:` line is a `QueueStreamEvent`. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/event-stream": string;
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    getChallenge: {
        parameters: {
            query: {
                dropId: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The challenge, to be solved by the client. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PowChallenge"];
                };
            };
            400: components["responses"]["BadRequest"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    createOrder: {
        parameters: {
            query?: never;
            header: {
                /** @description A unique key per intended purchase, 1–255 characters; reuse it on every retry. */
                "Idempotency-Key": string;
                /**
                 * @description Required for a queued drop (`access.mode = queue`): the `admission.token` the waiting room gave the caller
                 *     for this drop. Single use: the first order that presents it spends it, whatever that order's answer
                 *     (a retry with the same `Idempotency-Key` is the same order and passes). Ignored for open drops.
                 */
                "Admission-Token"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateOrderRequest"];
            };
        };
        responses: {
            /** @description The confirmed order. */
            201: {
                headers: {
                    /** @description `true` when this is the stored answer to an earlier request with the same key. */
                    "Idempotent-Replayed"?: "true";
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Order"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            /**
             * @description Queued drops only: `ADMISSION_REQUIRED` (no `Admission-Token`), `ADMISSION_INVALID` (forged, or issued to
             *     another buyer or for another drop), `ADMISSION_EXPIRED` (past its `expiresAt`; the slot went to the next
             *     in line), `ADMISSION_USED` (spent by another order).
             */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            404: components["responses"]["NotFound"];
            /**
             * @description `SOLD_OUT` (not enough stock; `availableStock` says how many units were left), `DROP_NOT_LIVE`
             *     (`dropStatus` says why), `PURCHASE_LIMIT_EXCEEDED`, or `IDEMPOTENCY_KEY_IN_USE` (the first request
             *     with this key is still running; retry after `Retry-After`).
             */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            422: components["responses"]["ValidationFailed"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    getOrder: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                orderId: components["parameters"]["OrderId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The order. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Order"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    cancelOrder: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                orderId: components["parameters"]["OrderId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The cancelled order. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Order"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    listMyOrders: {
        parameters: {
            query?: {
                /** @description Page size. */
                limit?: components["parameters"]["Limit"];
                /** @description The `nextCursor` of the previous page. Opaque. */
                cursor?: components["parameters"]["Cursor"];
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of orders. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OrderPage"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    followCreator: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                creatorId: components["parameters"]["CreatorId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The caller follows the creator. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            /** @description The caller is this creator (`CANNOT_FOLLOW_SELF`). */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    unfollowCreator: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                creatorId: components["parameters"]["CreatorId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The caller does not follow the creator (any more). */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    listFollowers: {
        parameters: {
            query?: {
                /** @description Page size. */
                limit?: components["parameters"]["Limit"];
                /** @description The `nextCursor` of the previous page. Opaque. */
                cursor?: components["parameters"]["Cursor"];
            };
            header?: never;
            path: {
                creatorId: components["parameters"]["CreatorId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of followers. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FollowerPage"];
                };
            };
            400: components["responses"]["BadRequest"];
            404: components["responses"]["NotFound"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    listFollowing: {
        parameters: {
            query?: {
                /** @description Page size. */
                limit?: components["parameters"]["Limit"];
                /** @description The `nextCursor` of the previous page. Opaque. */
                cursor?: components["parameters"]["Cursor"];
            };
            header?: never;
            path: {
                userId: components["parameters"]["UserId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of followed creators. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FollowingPage"];
                };
            };
            400: components["responses"]["BadRequest"];
            404: components["responses"]["NotFound"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    search: {
        parameters: {
            query: {
                /** @description The query (1–200 characters, not only spaces; at least one word that is not excluded with `-`). */
                q: string;
                /** @description Only results of this kind. */
                type?: components["schemas"]["SearchResultType"];
                /** @description Only drops in this status. */
                status?: components["schemas"]["DropStatus"];
                /** @description Only this creator's drops and products. */
                creatorId?: string;
                /** @description Only drops starting strictly after this time. */
                startsAfter?: string;
                /** @description Only drops starting strictly before this time (after `startsAfter` when both are given). */
                startsBefore?: string;
                /** @description Only drops and products priced at least this, in minor units (whatever the currency). */
                priceMin?: number;
                /** @description Only drops and products priced at most this, in minor units; not below `priceMin`. */
                priceMax?: number;
                /** @description Page size. */
                limit?: components["parameters"]["Limit"];
                /** @description The `nextCursor` of the previous page. Opaque. */
                cursor?: components["parameters"]["Cursor"];
            };
            header?: {
                /** @description An `ETag` from an earlier answer; a match is answered 304 without a body. */
                "If-None-Match"?: components["parameters"]["IfNoneMatch"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of results (`ETag` answers `If-None-Match` with 304). */
            200: {
                headers: {
                    ETag: components["headers"]["ETag"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SearchPage"];
                };
            };
            304: components["responses"]["NotModified"];
            /**
             * @description `INVALID_PARAMETER` naming the parameter in `errors`: `q` missing, empty, only spaces, over 200 characters
             *     or only exclusions; an unknown `type` or `status`; a malformed `creatorId`, time or price; `priceMin`
             *     above `priceMax`; `startsAfter` not before `startsBefore`; a filter that does not apply to `type`.
             *     `INVALID_CURSOR`: a cursor of another query or list.
             */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    listNotifications: {
        parameters: {
            query?: {
                /** @description `true`: only unread ones; `false`: only read ones; absent: all. */
                unread?: boolean;
                /** @description Page size. */
                limit?: components["parameters"]["Limit"];
                /** @description The `nextCursor` of the previous page. Opaque. */
                cursor?: components["parameters"]["Cursor"];
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of notifications. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["NotificationPage"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    markNotificationRead: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                notificationId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The notification, with `readAt` set. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Notification"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    markAllNotificationsRead: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Every notification of the caller is read. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            401: components["responses"]["Unauthorized"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    createRealtimeTicket: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The ticket; pass it as `?ticket=`. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RealtimeTicket"];
                };
            };
            401: components["responses"]["Unauthorized"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    streamDropEvents: {
        parameters: {
            query?: never;
            header?: {
                /** @description The `id` of the last event the client received; the stream resumes after it. */
                "Last-Event-ID"?: components["parameters"]["LastEventId"];
            };
            path: {
                dropId: components["parameters"]["DropId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description An event stream; each `data:` line is a `DropStreamEvent`. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/event-stream": string;
                };
            };
            400: components["responses"]["BadRequest"];
            404: components["responses"]["NotFound"];
            429: components["responses"]["TooManyStreams"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    streamMyEvents: {
        parameters: {
            query?: {
                /** @description A ticket from `POST /v1/realtime/tickets` (single use). */
                ticket?: string;
            };
            header?: {
                /** @description The `id` of the last event the client received; the stream resumes after it. */
                "Last-Event-ID"?: components["parameters"]["LastEventId"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description An event stream; each `data:` line is a `MeStreamEvent`. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/event-stream": string;
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            429: components["responses"]["TooManyStreams"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    listWebhooks: {
        parameters: {
            query?: {
                /** @description Page size. */
                limit?: components["parameters"]["Limit"];
                /** @description The `nextCursor` of the previous page. Opaque. */
                cursor?: components["parameters"]["Cursor"];
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of endpoints (without secrets). */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookPage"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    createWebhook: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateWebhookRequest"];
            };
        };
        responses: {
            /** @description The endpoint, with its signing `secret` (never shown again; rotate it to get a new one). */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookWithSecret"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            422: components["responses"]["ValidationFailed"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    streamWebhookEvents: {
        parameters: {
            query?: {
                /** @description A ticket from `POST /v1/realtime/tickets` (single use). */
                ticket?: string;
            };
            header?: {
                /** @description The `id` of the last event the client received; the stream resumes after it. */
                "Last-Event-ID"?: components["parameters"]["LastEventId"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description An event stream; each `data:` line is a `WebhookStreamEvent`. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/event-stream": string;
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            429: components["responses"]["TooManyStreams"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    getWebhook: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                webhookId: components["parameters"]["WebhookId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The endpoint (without its secret). */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Webhook"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    deleteWebhook: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                webhookId: components["parameters"]["WebhookId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Removed; nothing more is delivered to it. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    updateWebhook: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                webhookId: components["parameters"]["WebhookId"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UpdateWebhookRequest"];
            };
        };
        responses: {
            /** @description The changed endpoint. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Webhook"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            422: components["responses"]["ValidationFailed"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    rotateWebhookSecret: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                webhookId: components["parameters"]["WebhookId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The new secret. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookSecret"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    testWebhook: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                webhookId: components["parameters"]["WebhookId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The ping's delivery, queued; follow it in the delivery log. */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookDelivery"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    listWebhookDeliveries: {
        parameters: {
            query?: {
                /** @description Page size. */
                limit?: components["parameters"]["Limit"];
                /** @description The `nextCursor` of the previous page. Opaque. */
                cursor?: components["parameters"]["Cursor"];
            };
            header?: never;
            path: {
                webhookId: components["parameters"]["WebhookId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of deliveries, each with its attempts. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookDeliveryPage"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    redeliverWebhookDelivery: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                webhookId: components["parameters"]["WebhookId"];
                deliveryId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The delivery, queued again. */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookDelivery"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    receiveWebhookEvent: {
        parameters: {
            query?: never;
            header: {
                /** @description `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`, a second `v1` during a rotation. */
                "LiveDrop-Signature": string;
                /** @description Stable across retries and redeliveries; equals the body's `id`. */
                "LiveDrop-Event-Id": string;
                "LiveDrop-Event-Type": string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["WebhookEvent"];
            };
        };
        responses: {
            /** @description Any 2xx acknowledges the event. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
}
