FROM node:20-bookworm
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY src ./src
EXPOSE 3000
CMD ["node", "--import", "tsx", "src/main.ts"]
