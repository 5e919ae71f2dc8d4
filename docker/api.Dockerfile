# syntax=docker/dockerfile:1.7
# The Mimsy API (mimsy-api). Build context: the repository root.
#   docker build -f docker/api.Dockerfile -t mimsy-api .

FROM node:22-bookworm-slim AS build
ENV PNPM_HOME=/pnpm
ENV PATH=/pnpm:$PATH
RUN npm install -g pnpm@10.34.9
WORKDIR /src
# Manifests first: the dependency layer is reused until a lockfile or package.json changes.
COPY package.json pnpm-lock.yaml pnpm-workspace.yaml ./
COPY core/package.json core/
COPY api/package.json api/
COPY cli/package.json cli/
COPY web/package.json web/
RUN --mount=type=cache,id=pnpm-store,target=/pnpm/store pnpm install --frozen-lockfile
COPY tsconfig.base.json ./
COPY core core
COPY api api
RUN pnpm --filter @mimsy/core --filter @mimsy/api run build \
 && pnpm --filter @mimsy/api deploy --prod --legacy /out

FROM node:22-bookworm-slim AS runtime
# git: the content repository is a Git work tree; tini: signals reach Node (graceful SIGTERM).
RUN apt-get update \
 && apt-get install -y --no-install-recommends git ca-certificates tini \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --uid 10001 --user-group --create-home --home-dir /home/mimsy mimsy \
 && mkdir -p /content /etc/mimsy \
 && chown mimsy:mimsy /content
WORKDIR /app
COPY --from=build --chown=root:root /out /app
ENV NODE_ENV=production \
    MIMSY_HOST=0.0.0.0 \
    MIMSY_PORT=4000 \
    MIMSY_REPO_DIR=/content \
    MIMSY_USERS_FILE=/etc/mimsy/users.json
VOLUME ["/content"]
EXPOSE 4000
USER 10001:10001
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.MIMSY_PORT || 4000) + '/api/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "bin/mimsy-api.js"]
