import type { ImagesConfig } from '../../config'
import { createLocalStore, type LocalStore } from './local-store'
import { createS3Store } from './s3-store'
import type { ObjectStore } from './storage'

/** The configured storage; `local` is set when it is the server's own folder (whose routes the server then serves). */
export function createImageStore(storage: ImagesConfig['storage'], opts: { publicUrl: string; signingKey: string }): { store: ObjectStore; local: LocalStore | null } {
  if (storage.kind === 's3') return { store: createS3Store(storage), local: null }
  const local = createLocalStore({ dir: storage.dir, publicUrl: opts.publicUrl, signingKey: opts.signingKey })
  return { store: local, local }
}
