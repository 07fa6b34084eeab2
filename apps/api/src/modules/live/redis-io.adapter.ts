import type { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { createAdapter } from '@socket.io/redis-adapter';
import { Redis } from 'ioredis';
import type { Server, ServerOptions } from 'socket.io';

/**
 * socket.io adapter over Redis pub/sub (`@socket.io/redis-adapter`), used when `REDIS_URL` is set: several API
 * replicas then share rooms, so a change whose outbox row is relayed by replica A reaches a client connected to
 * replica B. Without Redis a single replica serves every client and the in-memory adapter is enough.
 * Pattern: NestJS docs, "WebSockets › Adapters" (RedisIoAdapter).
 */
export class RedisIoAdapter extends IoAdapter {
  private pub: Redis | null = null;
  private sub: Redis | null = null;

  /**
   * @param channel the Redis channel prefix shared by the replicas of one deployment (derived from its database,
   *   so deployments — or test apps — sharing one Redis server never see each other's rooms, events or
   *   `disconnectSockets`).
   */
  constructor(
    app: INestApplicationContext,
    private readonly redisUrl: string,
    private readonly channel = 'socket.io',
  ) {
    super(app);
  }

  /** Connects the publisher and subscriber clients. @throws when Redis cannot be reached */
  async connect(): Promise<void> {
    this.pub = new Redis(this.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 3 });
    this.sub = this.pub.duplicate();
    await Promise.all([this.pub.connect(), this.sub.connect()]);
  }

  override createIOServer(port: number, options?: ServerOptions): Server {
    const server = super.createIOServer(port, options) as Server;
    if (!this.pub || !this.sub) throw new Error('RedisIoAdapter.connect() must be awaited before use');
    server.adapter(createAdapter(this.pub, this.sub, { key: this.channel }));
    return server;
  }

  override async close(server: Server): Promise<void> {
    await super.close(server);
    this.pub?.disconnect();
    this.sub?.disconnect();
  }
}
