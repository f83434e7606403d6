/** What the storage holds at a key: its length and the content type it was stored with (when the store keeps one). */
export interface StoredObject {
  size: number
  contentType: string | undefined
}

export interface PresignedPut {
  url: string
  /** sent with the bytes, exactly: they are part of the signature */
  headers: Record<string, string>
}

/**
 * Object storage as the images feature needs it. Two implementations: a folder of this server (the embedded
 * default, whose "presigned PUT" is a route of the server itself) and any S3-compatible bucket.
 */
export interface ObjectStore {
  readonly kind: 'local' | 's3'
  /** A URL the client PUTs the bytes to: content type and size bound (`size` exact when given, else at most `maxBytes`). */
  presignPut(key: string, o: { contentType: string; size: number | undefined; maxBytes: number; expiresAt: Date }): Promise<PresignedPut>
  head(key: string): Promise<StoredObject | null>
  /** The object's bytes; null when there is none. */
  read(key: string): Promise<Uint8Array | null>
  /** Stores a public, immutable object (its key is content-addressed). */
  put(key: string, body: Uint8Array, contentType: string): Promise<void>
  /** Deletes the keys; a key that is already gone is no error. */
  delete(keys: string[]): Promise<void>
  /** Where a browser or CDN reads a public object. */
  publicUrl(key: string): string
}

/** Public objects never change under their key (the name carries a hash of the bytes): cache them forever. */
export const IMMUTABLE = 'public, max-age=31536000, immutable'

export const uploadKey = (imageId: string) => `uploads/${imageId}`
export const variantKey = (imageId: string, file: string) => `images/${imageId}/${file}`
