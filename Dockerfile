# The orchestrator GitHub App (webhook server). The host-side runner ships in the same package:
# run it with `npx orchestrator-runner start` on the Docker host (see README).
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY contract ./contract
COPY github ./github
COPY src ./src
COPY runner ./runner
RUN npm run build && npm prune --omit=dev

# The host-side runner: `docker build --target runner -t orchestrator-runner .` (see examples/).
# It drives the host's Docker through the mounted socket, so it runs as root inside its container.
FROM node:20-bookworm-slim AS runner
RUN apt-get update \
  && apt-get install -y --no-install-recommends docker.io docker-compose git ca-certificates \
  && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production RUNNER_STATE_DIR=/var/lib/orchestrator RUNNER_STATUS_PORT=8787
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY bin ./bin
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.RUNNER_STATUS_PORT||8787)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
ENTRYPOINT ["node", "bin/orchestrator-runner.js"]
CMD ["start"]

# The app (default target).
FROM node:20-bookworm-slim AS app
ENV NODE_ENV=production PORT=3000 HOST=0.0.0.0
WORKDIR /app
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
COPY --chown=node:node package.json app.yml ./
COPY --chown=node:node bin ./bin
COPY --chown=node:node schema ./schema
USER node
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/ping').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "dist/src/server.js"]
