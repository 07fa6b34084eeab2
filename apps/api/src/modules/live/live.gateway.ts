import { Logger, OnModuleDestroy } from '@nestjs/common';
import {
  ConnectedSocket,
  MessageBody,
  OnGatewayConnection,
  OnGatewayDisconnect,
  OnGatewayInit,
  SubscribeMessage,
  WebSocketGateway,
  WebSocketServer,
} from '@nestjs/websockets';
import type { Namespace, Socket } from 'socket.io';
import { z } from 'zod';
import { AppConfig } from '../../infra/config/app-config';
import { RevocationBus } from '../../infra/revocation/revocation.bus';
import { API_TOKEN_PREFIX, ApiTokenAuthenticator } from '../auth/api-token-authenticator.service';
import { OperatorDirectory } from '../auth/operator-directory.service';
import { TokenService } from '../auth/token.service';
import { ProcessReadPolicy, type ReadScope } from '../processes/process-read.policy';
import { LiveAccessPolicy } from './live-access.policy';
import {
  LIVE_NAMESPACE,
  type ClientToServerEvents,
  type LiveAck,
  type LiveSocketData,
  type ServerToClientEvents,
  type SlaMilestoneMessage,
  type TaskChangedMessage,
} from './live-events.type';
import { MONITOR_ROOM, operatorRoom, parseRoom, roleRoom } from './rooms';

type LiveNamespace = Namespace<ClientToServerEvents, ServerToClientEvents, Record<string, never>, LiveSocketData>;
type LiveSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, LiveSocketData>;

const RoomRequest = z.object({ room: z.string().min(1).max(500) });

/** Server-to-server event (Redis adapter) carrying a `task.changed` outbox message to every replica. */
const SERVER_TASK_CHANGED = 'opkernel:task.changed';
/** Server-to-server event carrying an `sla.milestone` message to every replica. */
const SERVER_SLA_MILESTONE = 'opkernel:sla.milestone';

/** Longest a socket timer may be set for (setTimeout's 32-bit limit), ms. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * socket.io gateway on namespace `/live`.
 *
 * Handshake: the access token as `auth: { token }` (or an `Authorization: Bearer` header) — a person's JWT
 * (refused when expired, revoked by a newer token version, or the operator is locked) or an integrator API token
 * with `processes:read`. On connect the socket joins `operator:<key>`, `role:<r>` for each role, and `monitor`
 * for administrators. The socket is disconnected when its access token expires (the client reconnects with a
 * fresh one) and at once when the operator's tokens are revoked (password or role change, lock, logout), on every
 * replica (socket.io's Redis adapter).
 * Messages: `subscribe` / `unsubscribe` `{ room }`, acknowledged with `{ ok, error? }` (see `LiveAccessPolicy`).
 * Server events: `task.changed` ({@link LiveTaskChange}), delivered at least once — dedupe by (pid, version).
 * A room membership is not a read grant: each change is sent only to the sockets of the rooms whose operator may
 * read that process under the process read policy.
 */
@WebSocketGateway({ namespace: LIVE_NAMESPACE, cors: { origin: true } })
export class LiveGateway
  implements
    OnGatewayInit<LiveNamespace>,
    OnGatewayConnection<LiveSocket>,
    OnGatewayDisconnect<LiveSocket>,
    OnModuleDestroy
{
  private readonly logger = new Logger('LiveGateway');
  private readonly expiryTimers = new Map<string, NodeJS.Timeout>();
  private unsubscribeRevocations: (() => void) | null = null;

  @WebSocketServer()
  private readonly server!: LiveNamespace;

  constructor(
    private readonly tokens: TokenService,
    private readonly directory: OperatorDirectory,
    private readonly apiTokens: ApiTokenAuthenticator,
    private readonly policy: LiveAccessPolicy,
    private readonly readPolicy: ProcessReadPolicy,
    private readonly revocations: RevocationBus,
    private readonly config: AppConfig,
  ) {}

  /**
   * Installs the handshake middleware (a connection without a valid token is refused, "unauthorized"), the
   * replica-to-replica delivery of changes, and the revocation listener.
   */
  afterInit(namespace: LiveNamespace): void {
    namespace.use((socket, next) => {
      this.authenticate(socket).then(
        () => next(),
        (error: unknown) => next(error instanceof Error ? error : new Error('unauthorized')),
      );
    });
    (namespace as unknown as { on(event: string, listener: (message: TaskChangedMessage) => void): void }).on(
      SERVER_TASK_CHANGED,
      (message) => void this.deliverLocally(message),
    );
    (namespace as unknown as { on(event: string, listener: (message: SlaMilestoneMessage) => void): void }).on(
      SERVER_SLA_MILESTONE,
      (message) => void this.deliverMilestoneLocally(message),
    );
    this.unsubscribeRevocations = this.revocations.subscribe((keys) => {
      for (const key of keys) this.server.in(operatorRoom(key)).disconnectSockets(true);
    });
  }

  /** Stops listening for revocations and clears the expiry timers. */
  onModuleDestroy(): void {
    this.unsubscribeRevocations?.();
    for (const timer of this.expiryTimers.values()) clearTimeout(timer);
    this.expiryTimers.clear();
  }

  /** Joins the new socket to its operator room, its role rooms and (administrators) `monitor`; arms its expiry. */
  handleConnection(socket: LiveSocket): void {
    const { operator, expiresAt } = socket.data;
    if (!operator) {
      socket.disconnect(true);
      return;
    }
    const rooms = [operatorRoom(operator.key), ...operator.roles.map(roleRoom)];
    if (operator.admin) rooms.push(MONITOR_ROOM);
    void socket.join(rooms);
    if (expiresAt !== null) {
      const timer = setTimeout(
        () => socket.disconnect(true),
        Math.min(MAX_TIMER_MS, Math.max(0, expiresAt - Date.now())),
      );
      timer.unref();
      this.expiryTimers.set(socket.id, timer);
    }
  }

  /** Clears the socket's expiry timer. */
  handleDisconnect(socket: LiveSocket): void {
    clearTimeout(this.expiryTimers.get(socket.id));
    this.expiryTimers.delete(socket.id);
  }

  /**
   * Joins a room the operator may see. The operator (roles, admin, staff, lock, token version) is reloaded from the
   * database for every request, so a revoked role or a deleted operator takes effect at once; a deleted, locked or
   * revoked operator is answered `unauthorized` and disconnected.
   * @returns `{ ok: true }`, or `{ ok: false, error }` for a malformed request, an unknown room or a refusal.
   */
  @SubscribeMessage('subscribe')
  async subscribe(@ConnectedSocket() socket: LiveSocket, @MessageBody() body: unknown): Promise<LiveAck> {
    const request = RoomRequest.safeParse(body);
    if (!request.success) return { ok: false, error: 'invalid request: expected { room: string }' };
    const { room } = request.data;
    if (!parseRoom(room)) return { ok: false, error: `unknown room "${room}"` };
    if (!(await this.reload(socket))) {
      // After the acknowledgement has been sent.
      setImmediate(() => socket.disconnect(true));
      return { ok: false, error: 'unauthorized' };
    }
    if (!(await this.policy.canJoin(socket.data.operator, room))) return { ok: false, error: 'forbidden' };
    await socket.join(room);
    return { ok: true };
  }

  /** Leaves a room (always allowed). @returns `{ ok: true }`, or `{ ok: false, error }` for a malformed request. */
  @SubscribeMessage('unsubscribe')
  async unsubscribe(@ConnectedSocket() socket: LiveSocket, @MessageBody() body: unknown): Promise<LiveAck> {
    const request = RoomRequest.safeParse(body);
    if (!request.success) return { ok: false, error: 'invalid request: expected { room: string }' };
    await socket.leave(request.data.room);
    return { ok: true };
  }

  /**
   * Delivers one committed `task.changed` message: to this replica's sockets here, and to the other replicas'
   * through the Redis adapter (each filters its own sockets).
   */
  async deliver(message: TaskChangedMessage): Promise<void> {
    if (this.config.redisUrl) this.server.serverSideEmit(SERVER_TASK_CHANGED as never, message as never);
    await this.deliverLocally(message);
  }

  /**
   * Sends `message.change` once to every local socket in any of its rooms whose operator may read the process
   * (process read policy, judged on the change's facts; the reader's scope was resolved on connect).
   */
  private async deliverLocally(message: TaskChangedMessage): Promise<void> {
    const ids = new Set<string>();
    for (const room of message.rooms) for (const id of this.server.adapter.rooms.get(room) ?? []) ids.add(id);
    const facts = { ...message.change, ...message.audience };
    for (const id of ids) {
      const socket = this.server.sockets.get(id);
      if (!socket?.connected) continue;
      const { scope } = socket.data;
      // A customer (no read scope) gets no process changes.
      if (scope && (await this.readPolicy.mayRead(scope, facts))) socket.emit('task.changed', message.change);
    }
  }

  /** Delivers one committed `sla.milestone` message here and, through the Redis adapter, on every replica. */
  async deliverMilestone(message: SlaMilestoneMessage): Promise<void> {
    if (this.config.redisUrl) this.server.serverSideEmit(SERVER_SLA_MILESTONE as never, message as never);
    await this.deliverMilestoneLocally(message);
  }

  /** Sends the milestone once to every local socket in its rooms whose operator may read the process. */
  private async deliverMilestoneLocally(message: SlaMilestoneMessage): Promise<void> {
    const ids = new Set<string>();
    for (const room of message.rooms) for (const id of this.server.adapter.rooms.get(room) ?? []) ids.add(id);
    for (const id of ids) {
      const socket = this.server.sockets.get(id);
      if (!socket?.connected) continue;
      const { scope } = socket.data;
      if (scope && (await this.readPolicy.mayRead(scope, message.facts)))
        socket.emit('sla.milestone', message.milestone);
    }
  }

  /** The operator's read scope, or null for a customer (who may read no process). */
  private async scopeOf(operator: LiveSocketData['operator']): Promise<ReadScope | null> {
    return this.readPolicy.maySeeProcesses(operator) ? this.readPolicy.scope(operator) : null;
  }

  /** Re-reads the socket's operator; false when it is gone, locked or its token was revoked (then disconnect). */
  private async reload(socket: LiveSocket): Promise<boolean> {
    const known = socket.data.operator;
    if (socket.data.apiToken) return (await this.apiTokens.authenticate(socket.data.apiToken)) !== null;
    const fresh = known.username
      ? await this.directory.credentials(known.username)
      : await this.directory.credentialsByKey(known.key);
    if (!fresh || fresh.locked || fresh.tokenVersion !== socket.data.tokenVersion) return false;
    socket.data.operator = fresh.operator;
    socket.data.scope = await this.scopeOf(fresh.operator);
    return true;
  }

  private async authenticate(socket: LiveSocket): Promise<void> {
    const auth = socket.handshake.auth as { token?: unknown } | undefined;
    const token =
      (typeof auth?.token === 'string' && auth.token.replace(/^Bearer\s+/i, '')) ||
      TokenService.fromAuthorizationHeader(socket.handshake.headers.authorization);
    const refuse = (): never => {
      this.logger.debug(`Refused live connection from ${socket.handshake.address}`);
      throw new Error('unauthorized');
    };
    if (!token) refuse();
    if (token!.startsWith(API_TOKEN_PREFIX)) {
      const identity = await this.apiTokens.authenticate(token!);
      if (!identity || !identity.principal.scopes.includes('processes:read')) refuse();
      socket.data.operator = identity!.operator;
      socket.data.scope = { kind: 'all' };
      socket.data.apiToken = token!;
      socket.data.tokenVersion = 0;
      socket.data.expiresAt = null;
      return;
    }
    const subject = await this.tokens.verify(token!);
    const found = subject ? await this.directory.credentials(subject.username) : null;
    if (!subject || !found || found.locked || found.tokenVersion !== subject.tokenVersion) refuse();
    socket.data.operator = found!.operator;
    // Resolved once here (not at the first push): roles only change with a revocation, which disconnects.
    socket.data.scope = await this.scopeOf(found!.operator);
    socket.data.tokenVersion = subject!.tokenVersion;
    socket.data.expiresAt = subject!.expiresAt * 1000;
  }
}
