/**
 * Values an attacker (or a broken client) sends instead of what the contract asks for, as fast-check
 * arbitraries: the corpus the request fuzzer draws from.
 */
import fc from 'fast-check'

const LONE = ['\uD800', '\uDBFF', '\uDC00', '\uDFFF']

/** Text PostgreSQL cannot store: U+0000 and unpaired surrogates, alone or among ordinary characters. */
export const unstorableString: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('\u0000', 'a\u0000b', '\u0000'.repeat(50), 'x\uD800', '\uDFFFy', 'a\uDBFF\uDBFFb', '\uDC00\uD800'),
  fc.tuple(fc.string({ maxLength: 8 }), fc.constantFrom('\u0000', ...LONE), fc.string({ maxLength: 8 })).map(([a, s, b]) => a + s + b),
)

export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: unstorableString },
  { weight: 6, arbitrary: fc.constantFrom(
    '', ' ', '\uFEFFbom', '\u202Eevil', '\u00e9', 'e\u0301', '\uFFFD', '\uFFFF',
    'null', 'undefined', 'true', 'NaN', 'Infinity', '-1', '0', '1e309', '0x10', '١٢٣',
    "' OR '1'='1", "'; DROP TABLE users; --", '" OR ""="', '1; select pg_sleep(10)--', "$$; select pg_sleep(10); $$", "') or pg_sleep(10) is null--",
    '\\', "\\'", '%00', '%s%s%s%n', '%ED%A0%80', '*', '%', '_',
    '../../../../etc/passwd', '..%2F..%2Fetc%2Fpasswd', '....//....//etc/passwd', '/etc/passwd\u0000.png', '..\\..\\windows\\win.ini', 'file:///etc/passwd',
    '<script>alert(1)</script>', '{{7*7}}', '${7*7}', '__proto__', 'constructor', 'prototype', '{"$gt":""}',
    '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b', '00000000-0000-0000-0000-000000000000', 'ffffffff-ffff-ffff-ffff-ffffffffffff',
    '0190A1B2-C3D4-7E5F-8A9B-0C1D2E3F4A5B', 'urn:uuid:0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b', '0190a1b2c3d47e5f8a9b0c1d2e3f4a5b',
    '2026-13-45T25:61:61Z', '0000-00-00T00:00:00Z', '9999-12-31T23:59:59Z', '+275760-09-13T00:00:00Z', '1970-01-01T00:00:00Z', '2026-02-30T00:00:00Z',
    'a@b', '@', 'a@b.c\u0000', `${'x'.repeat(300)}@example.com`, 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.',
  ) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.constantFrom(256, 1025, 5001, 70_000).map((n) => 'x'.repeat(n)) },
  { weight: 1, arbitrary: fc.constantFrom(101, 2600).map((n) => '😀'.repeat(n)) },
)

export const hostileNumber: fc.Arbitrary<number> = fc.oneof(
  fc.constantFrom(0, -0, -1, 0.5, -0.5, 1e-9, 2 ** 31 - 1, 2 ** 31, 2 ** 32, 2 ** 53, -(2 ** 53), Number.MAX_SAFE_INTEGER + 2, 1e21, 1e308, -1e308, Number.MIN_VALUE),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
)

/** JSON number tokens JSON.stringify never writes, spliced into raw bodies. */
export const rawNumberToken = fc.constantFrom('1e1000', '-1e1000', '123456789012345678901234567890', '1.0', '-0', '1E2', '0.0000000000000000000001', '1e-400')

const nest = (depth: number, open: string, close: string) => open.repeat(depth) + close.repeat(depth)

/** Any JSON value that is not what a field asks for. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: hostileString },
  { weight: 3, arbitrary: hostileNumber },
  { weight: 1, arbitrary: fc.constantFrom(true, false, null, [], {}, [1], { a: 1 }, ['x'], [null]) },
  { weight: 1, arbitrary: fc.constantFrom(8, 33, 500).map((d) => JSON.parse(nest(d, '[', ']'))) },
  { weight: 1, arbitrary: fc.constantFrom(1000, 10_000).map((n) => new Array(n).fill(0)) },
  { weight: 1, arbitrary: fc.constantFrom(500, 3000).map((n) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, i]))) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
)

/** Whole bodies that are not JSON objects, or not JSON at all, as raw text. */
export const hostileRawBody: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '', ' ', 'null', 'true', '0', '"x"', '[]', '[{}]', '{', '{"a":', '{"a":1,}', "{'a':1}", '{"a":1}{"b":2}', '\uFEFF{}', '{"__proto__":{"admin":true}}',
    '{"constructor":{"prototype":{"admin":true}}}', '{"a":1,"a":2}', '{"title":"x\\u0000y"}', '{"title":"\\ud800"}', '{"x":NaN}', '{"x":Infinity}', '\u0000',
    nest(33, '[', ']'), nest(33, '{"a":', '}').replace(/}$/, '1}'),
  ),
  rawNumberToken.map((n) => `{"priceCents":${n},"quantity":${n},"limit":${n}}`),
  fc.string({ unit: 'binary', maxLength: 200 }),
)

/**
 * Bodies that cost the server to look at: deep nesting (20,000 and 32,000 levels, 40 and 64 KiB, once froze
 * the instance for 7–9 s each, issue 12), long arrays, long escape runs. The concurrent probe times them.
 */
export const costlyRawBody: fc.Arbitrary<string> = fc.constantFrom(
  nest(5000, '[', ']'), nest(20_000, '[', ']'), nest(32_000, '[', ']'), nest(10_000, '{"a":', '}').replace(/}/, '1}'),
  `[${'1,'.repeat(30_000)}1]`, `{"s":"${'\\\\'.repeat(30_000)}"}`, `{"title":"${'\\u0000'.repeat(10_000)}"}`,
)

/** Header values the HTTP layer carries (visible ASCII and Latin-1, no controls), hostile in content. */
export const hostileHeader: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '', 'x', '*', 'null', '0', '-1', '99999999999999999999', "' OR 1=1--", '../../etc/passwd', '%00', '%ED%A0%80', '\u00e9\u00ff', 'W/"x"', '"x", W/"y", *',
    '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b', 'x'.repeat(256), 'x'.repeat(4000), ',,,,', ';;;', '1.1.1.1, 2.2.2.2, ::1, garbage',
  ),
  fc.string({ unit: fc.constantFrom(...'abcXYZ019 -_./:;,=+*"\'\\()<>@?[]{}%$#!~`|^&'.split('')), maxLength: 120 }),
)

/** Authorization headers that are not a valid access token. */
export const hostileAuthorization: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    'Bearer', 'Bearer ', 'Bearer x', 'bearer x', 'BEARER x', 'Basic YTpi', 'Bearer a.b.c', 'Bearer ....', 'Bearer null', 'Digest x',
    // alg "none", an HS256 token signed with another key, an expired one: headers and payloads, no valid signature
    'Bearer eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJzdWIiOiIwMTkwYTFiMi1jM2Q0LTdlNWYtOGE5Yi0wYzFkMmUzZjRhNWIiLCJleHAiOjk5OTk5OTk5OTl9.',
    'Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl',
    `Bearer ${'a'.repeat(8000)}`,
  ),
  hostileHeader.map((h) => `Bearer ${h}`),
)
