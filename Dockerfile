# Switchboard in a container: `docker build -t switchboard .`, then mount a
# config file at /etc/switchboard/switchboard.yaml. compose.sqlite.yaml runs
# one node on SQLite; compose.yaml two replicas on PostgreSQL and Redis behind
# nginx (docs/deploy.md).
#
# The build stage runs CI's own build steps (.ci/run; test/deploy checks they
# stay the same): `npm ci`, whose `prepare` script is `npm run build` (the
# server into dist/, the dashboard into web/dist). Nothing is downloaded beyond
# npm packages: better-sqlite3 is compiled from source against the image's own
# Node headers instead of fetching a prebuilt binary.

# --- build: every dependency, the compilers, the build; then only what runs is kept ---
FROM node:20-bookworm AS build
WORKDIR /app
ENV npm_config_build_from_source=true \
    npm_config_nodedir=/usr/local
COPY package.json package-lock.json .npmrc tsconfig.json tsconfig.build.json ./
COPY bin ./bin
COPY scripts ./scripts
COPY src ./src
COPY web ./web
RUN npm ci --no-audit --no-fund
# Dev dependencies go; the production ones stay as built (better-sqlite3's binary included).
RUN npm prune --omit=dev --no-audit --no-fund

# --- the runtime: compiled JavaScript only, no compilers, no dev dependencies, not root ---
FROM node:20-bookworm-slim AS runtime
WORKDIR /app
ENV NODE_ENV=production
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/bin ./bin
COPY --from=build /app/dist ./dist
COPY --from=build /app/web/dist ./web/dist
# The data folder: the SQLite database and a generated admin key (one node; PostgreSQL replicas keep nothing here).
RUN mkdir -p /app/data && chown node:node /app/data
USER node
EXPOSE 8788
# The config's server.port must match (8788 here); the image has no curl, Node asks instead.
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:8788/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "bin/switchboard.js"]
CMD ["start", "--config", "/etc/switchboard/switchboard.yaml"]
