import { DeleteObjectsCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3'
import { getSignedUrl } from '@aws-sdk/s3-request-presigner'
import type { S3Settings } from '../../config'
import { IMMUTABLE, type ObjectStore } from './storage'

const notFound = (err: unknown) =>
  err instanceof S3ServiceException && (err.$metadata.httpStatusCode === 404 || err.name === 'NotFound' || err.name === 'NoSuchKey')

/**
 * Any S3-compatible bucket (AWS, MinIO, R2, Ceph…). Path-style addressing when an endpoint is given: the
 * servers that are not AWS rarely have per-bucket host names. Variants are written with a year-long immutable
 * Cache-Control so that S3 (or a CDN in front, S3_PUBLIC_URL) serves them to be cached forever; the bucket's
 * read policy (public read of `images/`) is the operator's.
 */
export function createS3Store(s: S3Settings): ObjectStore {
  const client = new S3Client({
    region: s.region,
    endpoint: s.endpoint,
    forcePathStyle: s.endpoint !== undefined,
    credentials: { accessKeyId: s.accessKeyId, secretAccessKey: s.secretAccessKey },
    // Otherwise the SDK signs a CRC32 of the presigned PUT's (empty) body into the URL, and S3 refuses every real upload.
    requestChecksumCalculation: 'WHEN_REQUIRED',
  })
  const base = s.publicUrl ?? (s.endpoint ? `${s.endpoint}/${s.bucket}` : `https://${s.bucket}.s3.${s.region}.amazonaws.com`)
  return {
    kind: 's3',
    async presignPut(key, o) {
      const expiresIn = Math.max(1, Math.round((o.expiresAt.getTime() - Date.now()) / 1000))
      // Content-Type and (with a declared size) Content-Length become signed headers: S3 refuses a PUT whose
      // headers differ. A presigned PUT cannot express "at most n bytes" (only a POST policy can), so without a
      // declared size the limit is enforced by /complete, which reads the object's length before anything else.
      const url = await getSignedUrl(client, new PutObjectCommand({
        Bucket: s.bucket, Key: key, ContentType: o.contentType, ...(o.size !== undefined ? { ContentLength: o.size } : {}),
      }), { expiresIn, signableHeaders: new Set(o.size !== undefined ? ['content-type', 'content-length'] : ['content-type']) })
      return { url, headers: { 'Content-Type': o.contentType } }
    },
    async head(key) {
      try {
        const r = await client.send(new HeadObjectCommand({ Bucket: s.bucket, Key: key }))
        return { size: r.ContentLength ?? 0, contentType: r.ContentType }
      } catch (err) {
        if (notFound(err)) return null
        throw err
      }
    },
    async read(key) {
      try {
        const r = await client.send(new GetObjectCommand({ Bucket: s.bucket, Key: key }))
        return r.Body ? await r.Body.transformToByteArray() : new Uint8Array(0)
      } catch (err) {
        if (notFound(err)) return null
        throw err
      }
    },
    async put(key, body, contentType) {
      await client.send(new PutObjectCommand({ Bucket: s.bucket, Key: key, Body: body, ContentType: contentType, CacheControl: IMMUTABLE }))
    },
    async delete(keys) {
      // DeleteObjects takes up to 1,000 keys; a key that does not exist counts as deleted.
      for (let i = 0; i < keys.length; i += 1000) {
        const chunk = keys.slice(i, i + 1000)
        const r = await client.send(new DeleteObjectsCommand({ Bucket: s.bucket, Delete: { Objects: chunk.map((Key) => ({ Key })), Quiet: true } }))
        if (r.Errors?.length) throw new Error(`S3 refused to delete ${r.Errors.length} object(s): ${r.Errors[0].Code} ${r.Errors[0].Message}`)
      }
    },
    publicUrl: (key) => `${base}/${key}`,
  }
}
