import { describe, expect, test } from 'bun:test'
import { AppError } from '../errors'
import { parseQuery } from './query'

const refused = (q: string) => {
  try {
    parseQuery(q)
  } catch (err) {
    expect(err).toBeInstanceOf(AppError)
    expect((err as AppError).status).toBe(400)
    return (err as AppError).options.errors
  }
  throw new Error(`"${q}" was accepted`)
}

describe('parseQuery', () => {
  test('the last bare word is a prefix while it is being typed', () => {
    expect(parseQuery('red snea')).toMatchObject({ head: 'red', prefix: 'snea', prefixIsAlternative: false, plain: 'red snea' })
    expect(parseQuery('snea')).toMatchObject({ head: '', prefix: 'snea' })
  })

  test('a trailing space, a quote, an exclusion or an operator ends the word: no prefix', () => {
    expect(parseQuery('red sneaker ').prefix).toBeNull()
    expect(parseQuery('"red snea').prefix).toBeNull()
    expect(parseQuery('"red sneaker"').prefix).toBeNull()
    expect(parseQuery('sneaker -red').prefix).toBeNull()
    expect(parseQuery('sneaker or').prefix).toBeNull()
    expect(parseQuery("women's").prefix).toBeNull()
  })

  test('after "or" the prefix word is an alternative', () => {
    expect(parseQuery('hoodie or snea')).toMatchObject({ head: 'hoodie', prefix: 'snea', prefixIsAlternative: true })
  })

  test('typo tolerance only for queries without operators', () => {
    expect(parseQuery('blue suede shoes').plain).toBe('blue suede shoes')
    expect(parseQuery('"blue suede" shoes').plain).toBeNull()
    expect(parseQuery('suede shoes -red').plain).toBeNull()
    expect(parseQuery('shoes or boots').plain).toBeNull()
    expect(parseQuery('sneakr').singleWord).toBe(true)
    expect(parseQuery('red sneakr').singleWord).toBe(false)
    expect(parseQuery('"sneakr"').singleWord).toBe(false)
  })

  test('refuses an empty or blank query, one over 200 characters, and one of exclusions only', () => {
    expect(refused('')).toEqual([{ field: 'q', message: expect.stringContaining('word') }])
    expect(refused('   ')).toEqual([{ field: 'q', message: expect.any(String) }])
    expect(refused('a'.repeat(201))).toEqual([{ field: 'q', message: 'at most 200 characters' }])
    expect(refused('-red -blue')).toEqual([{ field: 'q', message: expect.stringContaining('excluded') }])
    expect(refused('-red or')).toBeDefined()
    expect(parseQuery('a'.repeat(200)).text).toHaveLength(200)
  })
})
