import type { components } from '@livedrop/sdk'
import { UsageError } from '../../errors'
import { contractInt } from '../../parse'

export type DropAccessInput = components['schemas']['DropAccessInput']

/** The waiting-room flags of `drops schedule`, as commander hands them over (`--queue` is a boolean). */
export interface AccessFlags {
  queue?: unknown
  admitPerSecond?: unknown
  preQueue?: unknown
  admissionTtl?: unknown
  challenge?: unknown
  difficulty?: unknown
}

export const ACCESS_FLAG_KEYS = ['queue', 'admitPerSecond', 'preQueue', 'admissionTtl', 'challenge', 'difficulty'] as const


/**
 * `--queue [--admit-per-second N] [--pre-queue S] [--admission-ttl S] [--challenge pow --difficulty N]` →
 * the drop's `access`, or undefined for an open drop. Every problem is reported at once; a queue setting
 * without `--queue`, or a difficulty without `--challenge pow`, is a usage error rather than silently ignored.
 */
export function checkAccessFlags(f: AccessFlags, problems: string[]): DropAccessInput | undefined {
  const given = (v: unknown) => v !== undefined && v !== false
  // The contract's ranges (DropAccessInput), so that a typo is a usage error here and not a 422 after the echo.
  const number = (v: unknown, flag: string, key: 'admitPerSecond' | 'preQueueSeconds' | 'admissionTtlSeconds' | 'challengeDifficulty') => {
    if (!given(v)) return undefined
    try {
      return contractInt(String(v), flag, 'DropAccessInput', key)
    } catch (err) {
      if (!(err instanceof UsageError)) throw err
      problems.push(err.message)
      return undefined
    }
  }
  if (!f.queue) {
    const stray = ([['admitPerSecond', '--admit-per-second'], ['preQueue', '--pre-queue'], ['admissionTtl', '--admission-ttl'], ['challenge', '--challenge'], ['difficulty', '--difficulty']] as const)
      .filter(([k]) => given(f[k])).map(([, flag]) => flag)
    if (stray.length) problems.push(`${stray.join(', ')} ${stray.length === 1 ? 'needs' : 'need'} --queue (a waiting room for the drop)`)
    return undefined
  }
  const access: DropAccessInput = { mode: 'queue' }
  const admit = number(f.admitPerSecond, '--admit-per-second', 'admitPerSecond')
  if (admit !== undefined) access.admitPerSecond = admit
  const pre = number(f.preQueue, '--pre-queue', 'preQueueSeconds')
  if (pre !== undefined) access.preQueueSeconds = pre
  const ttl = number(f.admissionTtl, '--admission-ttl', 'admissionTtlSeconds')
  if (ttl !== undefined) access.admissionTtlSeconds = ttl
  if (given(f.challenge)) {
    if (f.challenge !== 'pow' && f.challenge !== 'none') problems.push(`--challenge must be pow or none, got "${String(f.challenge)}"`)
    else access.challenge = f.challenge
  }
  const difficulty = number(f.difficulty, '--difficulty', 'challengeDifficulty')
  if (difficulty !== undefined) {
    if (access.challenge !== 'pow') problems.push('--difficulty needs --challenge pow')
    else access.challengeDifficulty = difficulty
  }
  return access
}
