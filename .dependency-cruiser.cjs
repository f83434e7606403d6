/**
 * The rooms of the codebase and which way their arrows go (ARCHITECTURE.md explains them). Checked by
 * `npm run check:deps` (part of `npm run check`, so CI refuses a change that breaks one).
 */
const FEATURES = '(auth|users|creators|products|drops|orders|events|follows|notifications|queue|webhooks|search|images|storefront)'

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'A cycle makes two modules one: neither can be read, tested or moved alone.',
      from: { path: '^(server|sdk|cli|loadtest|scripts)/' },
      to: { circular: true },
    },
    {
      name: 'feature-repo-is-private',
      severity: 'error',
      comment: "A feature's repo (its SQL) is its own: other features call its service functions or the shared platform code.",
      from: { path: `^server/src/([^/]+)/`, pathNot: '\\.test\\.ts$' },
      to: { path: '^server/src/[^/]+/repo\\.ts$', pathNot: '^server/src/$1/' },
    },
    {
      name: 'lib-names-no-feature',
      severity: 'error',
      comment: 'lib/ is generic plumbing (http, cache, sse, breaker…): it knows no feature.',
      from: { path: '^server/src/lib/' },
      to: { path: `^server/src/${FEATURES}/` },
    },
    {
      name: 'platform-names-no-feature',
      severity: 'error',
      comment: 'platform/ is shared server plumbing (outbox, auth guard, error mapping): features depend on it, never the reverse.',
      from: { path: '^server/src/platform/' },
      to: { path: `^server/src/${FEATURES}/` },
    },
    {
      name: 'sdk-stands-alone',
      severity: 'error',
      comment: 'The SDK ships to browsers and other programs: it imports nothing of the server, the CLI or the load tests.',
      from: { path: '^sdk/src/', pathNot: '\\.test\\.ts$' },
      to: { path: '^(server|cli|loadtest)/' },
    },
    {
      name: 'clients-speak-through-the-sdk',
      severity: 'error',
      comment: 'Everything outside the server talks to it through @livedrop/sdk, never through its source.',
      from: { path: '^(cli/src|loadtest)/', pathNot: '\\.test\\.ts$' },
      to: { path: '^server/src/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)node_modules/|\\.gen\\.ts$|schema\\.d\\.ts$|/dist/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'], extensions: ['.ts', '.tsx', '.js', '.json'] },
  },
}
