import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { BOARD_PATH, BoardSessions } from './board-session';
import { DecksAdminService, EXECUTION_DECK_KEY, type AdminDeck } from './decks-admin.service';
import { QueueFactory } from './queue-factory';

/** What a deck's queue says in the board (its label and role). */
const describe = (d: AdminDeck) =>
  d.key === EXECUTION_DECK_KEY
    ? 'Deck 0: results and failures of runs, consumed by the API'
    : `Deck ${d.id} (${d.key}): ${d.handlers.join(', ') || 'no handlers'}`;

/**
 * Bull Board at {@link BOARD_PATH} (`/admin/queues`, outside `/api`), behind {@link BoardSessions.guard} (admins
 * only). It shows the queues of the current design's decks and the execution deck; the list is brought up to date
 * on each board request (a design import that adds decks shows them on the next refresh). Retrying a job from the
 * board is off: a failed run is retried from its process (`POST /processes/{pid}/retry`), which keeps the kernel's
 * generations and audit straight. Mounted only when the app has an HTTP server (not in a worker process).
 */
@Injectable()
export class DeckBoard implements OnModuleInit {
  private readonly log = new Logger(DeckBoard.name);
  private board: ReturnType<typeof createBullBoard> | null = null;
  private shown = '';
  private syncing: Promise<void> | null = null;

  constructor(
    private readonly host: HttpAdapterHost,
    private readonly sessions: BoardSessions,
    private readonly decks: DecksAdminService,
    private readonly queues: QueueFactory,
  ) {}

  onModuleInit(): void {
    const http = this.host.httpAdapter;
    if (!http) return;
    const server = new ExpressAdapter();
    server.setBasePath(BOARD_PATH);
    this.board = createBullBoard({
      queues: [],
      serverAdapter: server,
      options: { uiConfig: { boardTitle: 'opkernel decks', hideRedisDetails: this.queues.backend !== 'redis' } },
    });
    const app = http.getInstance<{ use(path: string, ...handlers: unknown[]): void }>();
    app.use(BOARD_PATH, this.sessions.guard(), this.refresh(), server.getRouter());
  }

  /** Middleware: shows the current decks' queues before the board answers. */
  private refresh() {
    return (_req: unknown, _res: unknown, next: () => void): void => {
      this.syncing ??= this.sync().finally(() => (this.syncing = null));
      void this.syncing.then(
        () => next(),
        (e: unknown) => {
          this.log.warn(`board: decks not refreshed: ${e instanceof Error ? e.message : String(e)}`);
          next();
        },
      );
    };
  }

  /** Replaces the board's queues when the decks changed. */
  async sync(): Promise<void> {
    if (!this.board) return;
    const decks = await this.decks.decks();
    const shown = decks.map((d) => d.queue).join(',');
    if (shown === this.shown) return;
    this.board.replaceQueues(
      decks.map(
        (d) =>
          new BullMQAdapter(this.queues.queue(d.queue), {
            allowRetries: false,
            displayName: d.key === EXECUTION_DECK_KEY ? `0 · ${d.label}` : `${d.id} · ${d.label}`,
            description: describe(d),
          }),
      ),
    );
    this.shown = shown;
  }
}
