# syntax=docker/dockerfile:1
# Comment moderation service: API and worker share this image; the role is chosen by the command
# (`node dist/src/main.js --role api|worker`, or no role for both in one process).

ARG NODE_IMAGE=node:20-bookworm-slim

# --- build: full install, compile TypeScript to dist/ ------------------------------------------
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
# models/ may be absent from a fresh checkout until a trained model is committed.
RUN npm run build && mkdir -p models

# --- deps: production dependencies only ---------------------------------------------------------
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# --- runtime ------------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime
# NODE_OPTIONS: a 64 MB young generation, as package.json's start scripts give (src/runtime-flags.ts).
ENV NODE_ENV=production \
    NODE_OPTIONS=--max-semi-space-size=64 \
    PORT=3000 \
    WORKER_METRICS_PORT=9100 \
    REDIS_START_LOCAL=false
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json ./
COPY --from=build /app/dist ./dist
COPY config ./config
COPY public ./public
COPY --from=build /app/models ./models
# Code that finds the model relative to its own file (`../../models` from src/classifier) looks in
# dist/models once compiled: point that at the one copy.
RUN ln -s ../models dist/models
# Files stay root-owned and read-only for the app; it runs as the image's unprivileged `node` user.
USER node
EXPOSE 3000 9100
# Probes the API's /healthz by default; HEALTHCHECK_URL points it elsewhere (compose does, per role).
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch(process.env.HEALTHCHECK_URL || 'http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz', { signal: AbortSignal.timeout(4000) }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/src/main.js"]
