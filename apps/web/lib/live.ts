'use client';
import { useEffect, useSyncExternalStore } from 'react';
import { io, type Socket } from 'socket.io-client';
import { signedOut } from './api';
import { freshAccessToken, refreshAccessToken } from './token-refresh';
import type { LiveSlaMilestone, LiveState, LiveTaskChange } from './types/live';
import { useLatest } from './use-latest';

/** socket.io namespace of the live channel (same origin). */
export const LIVE_NAMESPACE = '/live';
const ACK_TIMEOUT_MS = 3000;
const RETRY_AFTER_REFUSAL_MS = 5000;
/** At most one refresh-and-reconnect per this period (a server refusing fresh tokens must not spin). */
const RECOVERY_INTERVAL_MS = 10_000;

type Listener<T> = (value: T) => void;

/** A room held by some component; released with `release()`. `ready` settles once the server acknowledged it. */
export type RoomLease = { ready: Promise<void>; release(): void };

/**
 * The one live connection of this tab: socket.io namespace `/live` with `auth: { token }`, the session's
 * current access token read anew for every (re)connect.
 * - `task.changed` events are deduped by (pid, version): a version not newer than the last seen is dropped;
 * - rooms are reference-counted and re-joined after every (re)connect;
 * - after every connect (the first included, so nothing between a list's first load and the subscription is
 *   lost) and when the tab becomes visible again after a disconnect, `resync` listeners reload from REST;
 * - when the server refuses the handshake or disconnects the socket (revoked tokens), the session is refreshed
 *   and the socket reconnected; when it cannot be refreshed, the tab signs out.
 */
class LiveChannel {
  private socket: Socket | null = null;
  private identity: string | null = null;
  /** The access token sent in the latest handshake. */
  private handshakeToken: string | null = null;
  private lastRecovery = 0;
  private state: LiveState = 'idle';
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private missedWhileHidden = false;
  private readonly rooms = new Map<string, number>();
  private readonly versions = new Map<number, number>();
  private readonly stateListeners = new Set<() => void>();
  private readonly changeListeners = new Set<Listener<LiveTaskChange>>();
  private readonly milestoneListeners = new Set<Listener<LiveSlaMilestone>>();
  private readonly resyncListeners = new Set<() => void>();
  private visibilityBound = false;

  getState = (): LiveState => this.state;

  /**
   * Opens the connection for the signed-in operator `identity` (no-op when already open for them; a token
   * refresh does not reconnect).
   */
  connect(identity: string): void {
    if (this.socket && this.identity === identity) return;
    this.disconnect();
    this.identity = identity;
    this.bindVisibility();
    const socket = io(LIVE_NAMESPACE, {
      auth: (cb) => {
        void freshAccessToken().then((token) => {
          this.handshakeToken = token;
          cb({ token });
        });
      },
      transports: ['websocket', 'polling'],
      tryAllTransports: true,
    });
    this.socket = socket;
    this.setState('connecting');
    socket.on('connect', () => {
      this.setState('connected');
      void Promise.all([...this.rooms.keys()].map((room) => this.join(room))).then(() => this.resync());
    });
    socket.on('disconnect', (reason) => {
      this.setState('disconnected');
      if (typeof document !== 'undefined' && document.visibilityState === 'hidden') this.missedWhileHidden = true;
      // The server closed it (tokens revoked, operator gone): socket.io does not reconnect by itself.
      if (reason === 'io server disconnect') void this.recover(socket);
    });
    socket.on('connect_error', () => {
      this.setState('disconnected');
      // A refusal by the server's middleware is not retried by socket.io itself.
      if (!socket.active) void this.recover(socket);
    });
    socket.on('task.changed', (change: LiveTaskChange) => this.receive(change));
    socket.on('sla.milestone', (m: LiveSlaMilestone) => this.milestoneListeners.forEach((l) => l(m)));
  }

  /** Closes the connection (sign-out). */
  disconnect(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.socket?.removeAllListeners();
    this.socket?.disconnect();
    this.socket = null;
    this.identity = null;
    this.handshakeToken = null;
    this.versions.clear();
    this.setState('idle');
  }

  /** Joins `room` while the lease is held. */
  subscribe(room: string): RoomLease {
    const count = this.rooms.get(room) ?? 0;
    this.rooms.set(room, count + 1);
    const ready = count === 0 && this.socket?.connected ? this.join(room) : Promise.resolve();
    let released = false;
    return {
      ready,
      release: () => {
        if (released) return;
        released = true;
        const left = (this.rooms.get(room) ?? 1) - 1;
        if (left > 0) {
          this.rooms.set(room, left);
          return;
        }
        this.rooms.delete(room);
        if (this.socket?.connected) this.socket.emit('unsubscribe', { room }, () => undefined);
      },
    };
  }

  onChange(listener: Listener<LiveTaskChange>): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  /** `sla.milestone` events (not deduped: each is one milestone falling due). */
  onSlaMilestone(listener: Listener<LiveSlaMilestone>): () => void {
    this.milestoneListeners.add(listener);
    return () => this.milestoneListeners.delete(listener);
  }

  onResync(listener: () => void): () => void {
    this.resyncListeners.add(listener);
    return () => this.resyncListeners.delete(listener);
  }

  onState(listener: () => void): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  private join(room: string): Promise<void> {
    const socket = this.socket;
    if (!socket) return Promise.resolve();
    return new Promise<void>((resolve) => {
      socket.timeout(ACK_TIMEOUT_MS).emit('subscribe', { room }, () => resolve());
    });
  }

  private receive(change: LiveTaskChange): void {
    const seen = this.versions.get(change.pid);
    if (seen !== undefined && change.version <= seen) return;
    this.versions.set(change.pid, change.version);
    this.changeListeners.forEach((l) => l(change));
  }

  private resync(): void {
    this.missedWhileHidden = false;
    this.resyncListeners.forEach((l) => l());
  }

  private setState(state: LiveState): void {
    if (this.state === state) return;
    this.state = state;
    this.stateListeners.forEach((l) => l());
  }

  /**
   * After a refusal or a server-side disconnect: refreshes the token the handshake used and reconnects; signs
   * out when the session cannot be refreshed; retries later when the refresh could not be tried or a recovery
   * just happened.
   */
  private async recover(socket: Socket): Promise<void> {
    const used = this.handshakeToken;
    const now = Date.now();
    if (!used || now - this.lastRecovery < RECOVERY_INTERVAL_MS) return this.scheduleRetry();
    this.lastRecovery = now;
    let fresh: string | null;
    try {
      fresh = await refreshAccessToken(used);
    } catch {
      return this.scheduleRetry();
    }
    if (this.socket !== socket) return; // signed out or switched meanwhile
    if (fresh === null) {
      this.disconnect();
      signedOut();
      return;
    }
    socket.connect();
  }

  private scheduleRetry(): void {
    if (this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (this.socket && !this.socket.connected) this.socket.connect();
    }, RETRY_AFTER_REFUSAL_MS);
  }

  private bindVisibility(): void {
    if (this.visibilityBound || typeof document === 'undefined') return;
    this.visibilityBound = true;
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState !== 'visible' || !this.socket) return;
      if (!this.socket.connected) {
        this.socket.connect(); // the connect handler resyncs
      } else if (this.missedWhileHidden) {
        this.resync();
      }
    });
  }
}

/** The tab's live channel. */
export const live = new LiveChannel();

/** Connection state, re-rendering on change. */
export function useLiveState(): LiveState {
  return useSyncExternalStore(
    (l) => live.onState(l),
    live.getState,
    () => 'idle',
  );
}

/** Holds `room` while mounted (null = none); `onReady` runs once the server acknowledged it. */
export function useLiveRoom(room: string | null, onReady?: () => void): void {
  const ready = useLatest(onReady);
  useEffect(() => {
    if (!room) return;
    const lease = live.subscribe(room);
    void lease.ready.then(() => ready.current?.());
    return () => lease.release();
  }, [room, ready]);
}

/** Calls the latest `listener` for every (deduped) task change while mounted. */
export function useTaskChanges(listener: (change: LiveTaskChange) => void): void {
  const latest = useLatest(listener);
  useEffect(() => live.onChange((c) => latest.current(c)), [latest]);
}

/** Calls the latest `listener` for every `sla.milestone` (goal, deadline, passed deadline) while mounted. */
export function useSlaMilestones(listener: (milestone: LiveSlaMilestone) => void): void {
  const latest = useLatest(listener);
  useEffect(() => live.onSlaMilestone((m) => latest.current(m)), [latest]);
}

/** Calls the latest `listener` whenever lists must reload from REST (after a reconnect). */
export function useResync(listener: () => void): void {
  const latest = useLatest(listener);
  useEffect(() => live.onResync(() => latest.current()), [latest]);
}
