# syntax=docker/dockerfile:1
# The pgmeta hook service image (ghcr.io/pgmeta/pgmeta). Build: docker build -t ghcr.io/pgmeta/pgmeta:0.1.0 .
#
# Node 22 in both stages: Node 20 is past its end of life, and the runtime's major must match the one
# that installed node_modules.

# ---- build: compile TypeScript, then keep only the production dependencies --------------------------
FROM node:22-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
# --ignore-scripts: nothing the build needs runs an install script, and the devDependencies include the
# embedded PostgreSQL binaries of every major (for tests only), whose scripts would unpack them.
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY hooks/ hooks/
# prune removes every devDependency (TypeScript, jest, the embedded PostgreSQL binaries, ...), so only
# what `npm ci --omit=dev` would install reaches the runtime image.
RUN npm run build && npm prune --omit=dev --ignore-scripts --no-audit --no-fund

# ---- runtime: distroless Node, no shell, no package manager, runs as uid 65532 ------------------------
FROM gcr.io/distroless/nodejs22-debian12:nonroot AS runtime
WORKDIR /app
ENV NODE_ENV=production
COPY --from=build /src/package.json ./package.json
COPY --from=build /src/node_modules ./node_modules
COPY --from=build /src/dist ./dist
USER 65532:65532
EXPOSE 8080
# The image's entrypoint is node itself.
CMD ["dist/hooks/main.js"]
