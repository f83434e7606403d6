# The API server on the official Bun image. Build context: the repository root.
FROM oven/bun:1.4.4-slim AS deps
WORKDIR /app
COPY package.json package-lock.json bunfig.toml ./
# Every workspace the root package.json names must be present for the install to resolve.
COPY server/package.json server/package.json
COPY sdk/package.json sdk/package.json
COPY cli/package.json cli/package.json
COPY loadtest/package.json loadtest/package.json
# npm's lockfile is the record; bun installs from it (text lockfile migration) without dev dependencies.
RUN bun install --production --ignore-scripts
# The fixes to postgres.js in patches/ (see README) are applied by npm's postinstall in development; here, where
# install scripts are off, the same patch-package applies them (and fails the build if one no longer fits).
COPY patches patches
RUN bunx patch-package@8.0.1 --error-on-fail

FROM oven/bun:1.4.4-slim
WORKDIR /app
ENV NODE_ENV=production PORT=3000
COPY --from=deps /app/node_modules node_modules
COPY package.json bunfig.toml openapi.yaml ./
COPY server server
# The storefront at / bundles the SDK's browser build from its source when the server starts.
COPY sdk/package.json sdk/package.json
COPY sdk/src sdk/src
# Product images in the server's own folder (the default without S3_BUCKET): a volume in docker-compose.yml.
RUN mkdir -p /app/media && chown bun:bun /app/media
ENV IMAGES_DIR=/app/media
USER bun
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --retries=3 CMD bun -e "fetch('http://127.0.0.1:3000/healthz').then(r => process.exit(r.ok ? 0 : 1)).catch(() => process.exit(1))"
CMD ["bun", "server/src/main.ts"]
