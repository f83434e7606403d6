import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto'
import { mkdir, open, rename, rm, rmdir, stat } from 'node:fs/promises'
import { dirname, join, resolve, sep } from 'node:path'
import type { ObjectStore } from './storage'

export interface UploadGrant {
  contentType: string
  maxBytes: number
  /** Unix seconds */
  expires: number
  signature: string
}

export interface LocalStore extends ObjectStore {
  readonly kind: 'local'
  /** Whether the query of an upload URL is one this server signed for this key, and still valid. */
  checkGrant(key: string, g: UploadGrant, now?: number): 'ok' | 'invalid' | 'expired'
  /**
   * Streams a body to a temporary file and moves it into place only when it is whole and within `maxBytes`: a
   * reader never sees a partial upload, and an oversized one leaves nothing behind.
   */
  receive(key: string, body: ReadableStream<Uint8Array> | null, maxBytes: number): Promise<'ok' | 'too-large'>
  /** The file of a key, or null when it does not exist. */
  file(key: string): Promise<ReturnType<typeof Bun.file> | null>
}

/** A body's chunks; leaving the loop early (too large) cancels the rest of the stream. */
async function* chunksOf(stream: ReadableStream<Uint8Array>) {
  const reader = stream.getReader()
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) return
      yield value
    }
  } finally {
    reader.cancel().catch(() => {})
  }
}

/**
 * The embedded default: objects are files under `dir`, served by the server itself (`/media/…`), and the
 * "presigned PUT" is the server's own `/uploads/images/{id}` route with an HMAC-signed, expiring query that
 * binds the content type and the size bound (the server key never leaves the server).
 */
export function createLocalStore(opts: { dir: string; publicUrl: string; signingKey: string }): LocalStore {
  const root = resolve(opts.dir)
  const tmp = join(root, '.tmp')
  const pathOf = (key: string) => {
    const p = resolve(root, key)
    // Keys are built from UUIDs and fixed names; this keeps any other key from naming a file outside the folder.
    if (!p.startsWith(root + sep) || p.startsWith(tmp + sep)) throw new Error(`invalid storage key ${JSON.stringify(key)}`)
    return p
  }
  const sign = (key: string, contentType: string, maxBytes: number, expires: number) =>
    createHmac('sha256', opts.signingKey).update(`PUT\n${key}\n${contentType}\n${maxBytes}\n${expires}`).digest('base64url')

  async function writeAtomically(key: string, chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, maxBytes: number): Promise<'ok' | 'too-large'> {
    const target = pathOf(key)
    await mkdir(tmp, { recursive: true })
    await mkdir(dirname(target), { recursive: true })
    const part = join(tmp, randomUUID())
    const fh = await open(part, 'wx')
    let size = 0
    let ok = false
    try {
      for await (const chunk of chunks) {
        size += chunk.byteLength
        if (size > maxBytes) return 'too-large'
        await fh.write(chunk)
      }
      await fh.sync()
      ok = true
    } finally {
      await fh.close()
      if (!ok) await rm(part, { force: true })
    }
    await rename(part, target)
    return 'ok'
  }

  return {
    kind: 'local',
    async presignPut(key, o) {
      const maxBytes = o.size ?? o.maxBytes
      const expires = Math.floor(o.expiresAt.getTime() / 1000)
      const q = new URLSearchParams({ contentType: o.contentType, maxBytes: String(maxBytes), expires: String(expires), signature: sign(key, o.contentType, maxBytes, expires) })
      return { url: `${opts.publicUrl}/${key.replace(/^uploads\//, 'uploads/images/')}?${q}`, headers: { 'Content-Type': o.contentType } }
    },
    checkGrant(key, g, now = Date.now()) {
      const want = Buffer.from(sign(key, g.contentType, g.maxBytes, g.expires))
      const got = Buffer.from(g.signature)
      if (want.length !== got.length || !timingSafeEqual(want, got)) return 'invalid'
      return g.expires * 1000 < now ? 'expired' : 'ok'
    },
    async receive(key, body, maxBytes) {
      return writeAtomically(key, body ? chunksOf(body) : [], maxBytes)
    },
    async head(key) {
      const s = await stat(pathOf(key)).catch(() => null)
      return s?.isFile() ? { size: s.size, contentType: undefined } : null
    },
    async read(key) {
      const f = Bun.file(pathOf(key))
      return (await f.exists()) ? new Uint8Array(await f.arrayBuffer()) : null
    },
    async put(key, body) {
      await writeAtomically(key, [body], Infinity)
    },
    async delete(keys) {
      const dirs = new Set<string>()
      for (const key of keys) {
        const p = pathOf(key)
        await rm(p, { force: true })
        dirs.add(dirname(p))
      }
      // An image's folder goes with its last file (rmdir refuses a folder that is not empty).
      for (const d of dirs) if (d !== root && dirname(d) !== root) await rmdir(d).catch(() => {})
    },
    async file(key) {
      const f = Bun.file(pathOf(key))
      return (await f.exists()) ? f : null
    },
    publicUrl: (key) => `${opts.publicUrl}/media/${key}`,
  }
}
