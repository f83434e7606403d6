/**
 * Registers a throw-away buyer, picks a drop (argument, or the next live or scheduled one), waits on its live
 * stream until it is live, buys one unit, then prints the order and the stock update that follows.
 * Plain JavaScript for Node 20+: `npm run example` builds the SDK (dist/) and runs this file with Node.
 *
 *   npm start                             # terminal 1: the API with a demo drop going live two minutes after start
 *   npm run example -w sdk [-- <dropId>]  # terminal 2: LIVEDROP_API_URL defaults to http://localhost:3000
 */
import { createLiveDrop } from '@livedrop/sdk'

const baseUrl = process.env.LIVEDROP_API_URL ?? 'http://localhost:3000'

async function main() {
  const ld = createLiveDrop({ baseUrl })

  const name = `buyer_${Math.random().toString(36).slice(2, 10)}`
  const reg = await ld.register({ username: name, email: `${name}@example.test`, password: 'correct horse battery' })
  if (reg.error) throw new Error(`register: ${reg.error.code}`)
  console.error(`registered ${reg.data.user.username}`)

  let dropId = process.argv[2]
  if (!dropId) {
    const next = async (status) => (await ld.paginate('/v1/drops', { params: { query: { status } } }).next()).value
    const drop = (await next('live')) ?? (await next('scheduled'))
    if (!drop) throw new Error('no scheduled or live drop: schedule one first')
    dropId = drop.id
  }
  console.error(`watching drop ${dropId}`)

  const stop = new AbortController()
  const giveUp = setTimeout(() => stop.abort(), 10 * 60_000) // give up after 10 minutes
  let bought = false
  for await (const event of ld.subscribe({ dropId }, { signal: stop.signal })) {
    const live = event.type === 'drop.live' || (event.type === 'state' && event.data.status === 'live')
    if (live && !bought) {
      bought = true
      // One Idempotency-Key for this purchase, reused by every retry: a lost answer never buys twice.
      const order = await ld.createOrder({ dropId, quantity: 1 })
      if (order.error) {
        console.error(`refused: ${order.error.code}`) // SOLD_OUT, PURCHASE_LIMIT_EXCEEDED… are final
        break
      }
      console.log(JSON.stringify({ order: order.data }))
    } else if (event.type === 'drop.stock') {
      console.log(JSON.stringify({ availableStock: event.data.availableStock }))
      if (bought) break
    } else if (event.type === 'drop.ended' || event.type === 'drop.cancelled' || event.type === 'drop.sold_out') {
      console.error(event.type)
      break
    }
  }
  clearTimeout(giveUp)
  await ld.logout()
}

/** One line for a person: a network failure names the URL it tried; HTTP refusals are values, handled above. */
function explain(err) {
  const code = err?.cause?.code ?? err?.code
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'ECONNRESET' || (err instanceof TypeError && /fetch failed/i.test(err.message))) {
    return `cannot reach the LiveDrop API at ${baseUrl}${code ? ` (${code})` : ''}: start it with \`npm start\`, or set LIVEDROP_API_URL`
  }
  return err instanceof Error ? err.message : String(err)
}

try {
  await main()
} catch (err) {
  console.error(`watch-and-buy: ${explain(err)}`)
  process.exitCode = 1
}
