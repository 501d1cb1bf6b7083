# Switchboard in a container: `docker build -t switchboard .`, then mount a
# config file at /etc/switchboard/switchboard.yaml (compose.yaml runs two
# replicas on PostgreSQL and Redis behind nginx; see docs/scaling.md).
#
# Nothing is downloaded beyond npm packages: better-sqlite3 is compiled from
# source against the image's own Node headers instead of fetching a prebuilt
# binary from GitHub.

# --- production dependencies (native modules built here, where the compilers are) ---
FROM node:20-bookworm AS deps
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
ENV npm_config_build_from_source=true \
    npm_config_nodedir=/usr/local
RUN npm ci --omit=dev --no-audit --no-fund

# --- the dashboard (Vite, a dev dependency); install scripts are not needed to build it ---
FROM node:20-bookworm AS web
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY web ./web
RUN npm run build:web

# --- the runtime: no compilers, no dev dependencies, not root ---
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY --from=deps /app/node_modules ./node_modules
# tsconfig.json: tsx compiles src/ as the tests and `npm start` do.
COPY package.json tsconfig.json ./
COPY bin ./bin
COPY src ./src
COPY --from=web /app/web/dist ./web/dist
# The data folder is only used with SQLite (a single replica); PostgreSQL replicas keep nothing on disk.
RUN mkdir -p /app/data && chown node:node /app/data
USER node
EXPOSE 8788
# The config's server.port must match (8788 here); the image has no curl, Node asks instead.
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:8788/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "bin/switchboard.js"]
CMD ["start", "--config", "/etc/switchboard/switchboard.yaml"]
