/**
 * The Web Worker that solves proof-of-work challenges in browsers (built to dist/altcha-worker.js). altcha-lib
 * ships the worker's message handler; its own `workers/sha` entry derives keys with node:crypto, so this one
 * hands the handler the WebCrypto derivation instead, which browsers have.
 */
import { handler } from 'altcha-lib/workers/shared'
import { deriveKey } from 'altcha-lib/algorithms/web/sha'

handler({ deriveKey })
