# opkernel: one image for the API, the deck workers and the hardware adapter (compose.yaml picks the command).
# Build: docker build -t opkernel .   Run: docker compose up (see compose.yaml and docs/operations.md).
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# npm ci refuses this lockfile's optional platform packages on some hosts; npm install honours it.
RUN npm install --no-audit --no-fund
COPY . .
RUN npm run build

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app /app
USER node
EXPOSE 3000
# The API's JavaScript build (what `npm start` runs once it is built); workers and the adapter override the command.
CMD ["node", "dist/api/apps/api/src/main.js"]
