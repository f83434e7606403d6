// `livedrop creators create` against the real server in process, real Postgres and Redis underneath.
import { describe, expect, test } from 'bun:test'
import { unique } from '../../../server/test/helpers'
import { useInProcessApi } from '../../test/in-process'

const api = useInProcessApi()
const { creatorMachine } = api

describe('creators create', () => {
  test('creators create twice → ALREADY_A_CREATOR, exit 6 (conflict)', async () => {
    const m = await creatorMachine()
    const r = await m.run(['creators', 'create', '--handle', unique('h').toLowerCase(), '--display-name', 'Again'])
    expect(r.code).toBe(6)
    expect(r.stderr).toMatch(/\(ALREADY_A_CREATOR\)/)
  })
})
