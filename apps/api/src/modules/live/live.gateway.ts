import { Logger } from '@nestjs/common';
import {
  ConnectedSocket,
  MessageBody,
  OnGatewayConnection,
  OnGatewayInit,
  SubscribeMessage,
  WebSocketGateway,
  WebSocketServer,
} from '@nestjs/websockets';
import type { Namespace, Socket } from 'socket.io';
import { z } from 'zod';
import { OperatorDirectory } from '../auth/operator-directory.service';
import type { AuthenticatedOperator } from '../auth/types/authenticated-operator.type';
import { TokenService } from '../auth/token.service';
import { LiveAccessPolicy } from './live-access.policy';
import {
  LIVE_NAMESPACE,
  type ClientToServerEvents,
  type LiveAck,
  type LiveEventName,
  type LiveEventPayload,
  type LiveSocketData,
  type ServerToClientEvents,
} from './live-events.type';
import { MONITOR_ROOM, operatorRoom, parseRoom, roleRoom } from './rooms';

type LiveNamespace = Namespace<ClientToServerEvents, ServerToClientEvents, Record<string, never>, LiveSocketData>;
type LiveSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, LiveSocketData>;

const RoomRequest = z.object({ room: z.string().min(1).max(500) });

/**
 * socket.io gateway on namespace `/live`.
 *
 * Handshake: the access token as `auth: { token }` (or an `Authorization: Bearer` header); without a valid
 * token the connection is refused (`connect_error` "unauthorized"). On connect the socket joins
 * `operator:<key>`, `role:<r>` for each role, and `monitor` for administrators.
 * Messages: `subscribe` / `unsubscribe` `{ room }`, acknowledged with `{ ok, error? }` (see `LiveAccessPolicy`).
 * Server events: `task.changed` ({@link LiveTaskChange}), delivered at least once — dedupe by (pid, version).
 */
@WebSocketGateway({ namespace: LIVE_NAMESPACE, cors: { origin: true } })
export class LiveGateway implements OnGatewayInit<LiveNamespace>, OnGatewayConnection<LiveSocket> {
  private readonly logger = new Logger('LiveGateway');

  @WebSocketServer()
  private readonly server!: LiveNamespace;

  constructor(
    private readonly tokens: TokenService,
    private readonly directory: OperatorDirectory,
    private readonly policy: LiveAccessPolicy,
  ) {}

  /** Installs the handshake middleware: a connection without a valid token is refused ("unauthorized"). */
  afterInit(namespace: LiveNamespace): void {
    namespace.use((socket, next) => {
      this.authenticate(socket).then(
        () => next(),
        (error: unknown) => next(error instanceof Error ? error : new Error('unauthorized')),
      );
    });
  }

  /** Joins the new socket to its operator room, its role rooms and (administrators) `monitor`. */
  handleConnection(socket: LiveSocket): void {
    const operator = socket.data.operator;
    if (!operator) {
      socket.disconnect(true);
      return;
    }
    const rooms = [operatorRoom(operator.key), ...operator.roles.map(roleRoom)];
    if (operator.admin) rooms.push(MONITOR_ROOM);
    void socket.join(rooms);
  }

  /**
   * Joins a room the operator may see. The operator (roles, admin, staff) is reloaded from the database for
   * every request — by the token's username, which survives a re-key by a design import — so a revoked role
   * or a deleted operator takes effect at once; a deleted operator is answered `unauthorized` and disconnected.
   * @returns `{ ok: true }`, or `{ ok: false, error }` for a malformed request, an unknown room or a refusal.
   */
  @SubscribeMessage('subscribe')
  async subscribe(@ConnectedSocket() socket: LiveSocket, @MessageBody() body: unknown): Promise<LiveAck> {
    const request = RoomRequest.safeParse(body);
    if (!request.success) return { ok: false, error: 'invalid request: expected { room: string }' };
    const { room } = request.data;
    if (!parseRoom(room)) return { ok: false, error: `unknown room "${room}"` };
    const operator = await this.reload(socket);
    if (!operator) {
      // After the acknowledgement has been sent.
      setImmediate(() => socket.disconnect(true));
      return { ok: false, error: 'unauthorized' };
    }
    if (!(await this.policy.canJoin(operator, room))) return { ok: false, error: 'forbidden' };
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

  /** Sends `event` once to every socket in any of `rooms` (across replicas with the Redis adapter); no-op for none. */
  emitToRooms<E extends LiveEventName>(rooms: string[], event: E, payload: LiveEventPayload<E>): void {
    if (rooms.length === 0) return;
    // The typed emit needs a tuple of the event's parameters.
    const args = [payload] as unknown as Parameters<ServerToClientEvents[E]>;
    this.server.to(rooms).emit(event, ...args);
  }

  /** The socket's operator as stored now (null when deleted); refreshes `socket.data.operator`. */
  private async reload(socket: LiveSocket): Promise<AuthenticatedOperator | null> {
    const known = socket.data.operator;
    const fresh = known.username
      ? await this.directory.findByUsername(known.username)
      : await this.directory.findByKey(known.key);
    if (fresh) socket.data.operator = fresh;
    return fresh;
  }

  private async authenticate(socket: LiveSocket): Promise<void> {
    const auth = socket.handshake.auth as { token?: unknown } | undefined;
    const token =
      (typeof auth?.token === 'string' && auth.token.replace(/^Bearer\s+/i, '')) ||
      TokenService.fromAuthorizationHeader(socket.handshake.headers.authorization);
    const key = token ? await this.tokens.verify(token) : null;
    const operator = key ? await this.directory.findByUsername(key) : null;
    if (!operator) {
      this.logger.debug(`Refused live connection from ${socket.handshake.address}`);
      throw new Error('unauthorized');
    }
    socket.data.operator = operator;
  }
}
