import { afterAll, describe, expect, test } from 'bun:test'
import { createLogger } from '../logger'
import { createRedisClient, type RedisClient } from '../redis'
import { unique, describeWithRedis } from '../../test/helpers'
import { createMemoryPubSub, createRedisPubSub, type PubSub } from './pubsub'

const log = createLogger({ logLevel: 'silent' })
const url = process.env.TEST_REDIS_URL || 'redis://127.0.0.1:6379'
const closers: Array<() => unknown> = []
afterAll(async () => {
  for (const c of closers) await c()
})

async function redisInstance(): Promise<PubSub> {
  const client: RedisClient = createRedisClient(url, log, 'pubsub-test')
  const ps = createRedisPubSub(url, client, log)
  closers.push(() => ps.close(), () => client.disconnect())
  // Publishing fails fast while the command connection is not up (no offline queue, by design).
  for (let i = 0; i < 100 && client.status !== 'ready'; i++) await Bun.sleep(20)
  return ps
}

async function received(into: string[], n: number) {
  for (let i = 0; i < 100 && into.length < n; i++) await Bun.sleep(20)
  return into
}

describeWithRedis('pub/sub', () => {
  test('Redis: a message reaches subscribers on every instance, the publisher included; unsubscribe stops it', async () => {
    const [x, y] = await Promise.all([redisInstance(), redisInstance()])
    const channel = unique('ps:')
    const onX: string[] = []
    const onY: string[] = []
    const offX = x.subscribe(channel, (m) => onX.push(m))
    y.subscribe(channel, (m) => onY.push(m))
    // SUBSCRIBE is asynchronous: publish until both listen, then count from a marker.
    for (let i = 0; i < 100 && !(onX.includes('ping') && onY.includes('ping')); i++) {
      await x.publish(channel, 'ping')
      await Bun.sleep(20)
    }
    onX.length = 0
    onY.length = 0
    await x.publish(channel, 'one')
    await y.publish(channel, 'two\nlines')
    expect(await received(onY, 2)).toEqual(['one', 'two\nlines'])
    expect(await received(onX, 2)).toEqual(['one', 'two\nlines'])
    offX()
    await y.publish(channel, 'three')
    expect(await received(onY, 3)).toEqual(['one', 'two\nlines', 'three'])
    expect(onX).toEqual(['one', 'two\nlines'])
  })
})

describe('in-process pub/sub', () => {
  test('memory: same contract in one process; a throwing handler does not starve the others', async () => {
    const ps = createMemoryPubSub(log)
    const got: string[] = []
    ps.subscribe('c', () => {
      throw new Error('bad subscriber')
    })
    const off = ps.subscribe('c', (m) => got.push(m))
    await ps.publish('c', 'a')
    await ps.publish('other', 'x')
    expect(await received(got, 1)).toEqual(['a'])
    off()
    await ps.publish('c', 'b')
    await Bun.sleep(10)
    expect(got).toEqual(['a'])
  })
})
