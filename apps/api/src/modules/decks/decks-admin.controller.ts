import { Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { BoardSessionSchema, DeckFailureSchema, DeckFailuresQuerySchema, DeckViewSchema } from '@opkernel/contracts';
import { ZodPipe } from '../../infra/validation/zod-body.pipe';
import { zodToOpenApi } from '../../infra/validation/zod-openapi.util';
import { CurrentOperator, type AuthenticatedOperator } from '../auth/current-operator.decorator';
import { AdminOnly } from '../auth/decorators/admin-only.decorator';
import { BoardSessions, type BoardResponse } from './board-session';
import { DecksAdminService } from './decks-admin.service';

const DECK = zodToOpenApi(DeckViewSchema, 'output');

/** The decks for admins: queues, counts, workers, pause/resume, failed jobs, and a session for Bull Board. */
@ApiTags('decks')
@ApiBearerAuth()
@Controller('v1/decks')
export class DecksAdminController {
  constructor(
    private readonly decks: DecksAdminService,
    private readonly board: BoardSessions,
  ) {}

  @AdminOnly()
  @Get()
  @ApiOperation({ summary: "The current design's decks and the execution deck with their queues' counts (admin)" })
  @ApiOkResponse({ schema: zodToOpenApi(z.array(DeckViewSchema), 'output') })
  list() {
    return this.decks.list();
  }

  /** @throws ProblemException 404 for an unknown deck */
  @AdminOnly()
  @Post(':key/pause')
  @HttpCode(200)
  @ApiOperation({ summary: "Pause a deck's queue: no worker takes its jobs until it is resumed (admin)" })
  @ApiOkResponse({ schema: DECK })
  @ApiNotFoundResponse({ description: 'no such deck' })
  pause(@Param('key') key: string, @CurrentOperator() op: AuthenticatedOperator) {
    return this.decks.setPaused(key, true, op);
  }

  /** @throws ProblemException 404 for an unknown deck */
  @AdminOnly()
  @Post(':key/resume')
  @HttpCode(200)
  @ApiOperation({ summary: "Resume a paused deck's queue (admin)" })
  @ApiOkResponse({ schema: DECK })
  @ApiNotFoundResponse({ description: 'no such deck' })
  resume(@Param('key') key: string, @CurrentOperator() op: AuthenticatedOperator) {
    return this.decks.setPaused(key, false, op);
  }

  /** @throws ProblemException 404 for an unknown deck, 422 for a bad limit */
  @AdminOnly()
  @Get(':key/failures')
  @ApiOperation({ summary: "A deck's failed jobs, newest first (?limit=1–500, default 50) (admin)" })
  @ApiQuery({ name: 'limit', required: false })
  @ApiOkResponse({ schema: zodToOpenApi(z.array(DeckFailureSchema), 'output') })
  @ApiNotFoundResponse({ description: 'no such deck' })
  failures(
    @Param('key') key: string,
    @Query(new ZodPipe(DeckFailuresQuerySchema)) q: z.infer<typeof DeckFailuresQuerySchema>,
  ) {
    return this.decks.failures(key, q.limit);
  }

  /**
   * Opens Bull Board for this admin: sets its HttpOnly, SameSite=Strict cookie on the path `/admin/queues` (a
   * signed token of the admin, short-lived, revoked with their sessions) and answers the board's address.
   */
  @AdminOnly()
  @Post('board-session')
  @HttpCode(200)
  @ApiOperation({ summary: 'A short-lived Bull Board session (HttpOnly cookie on /admin/queues) (admin)' })
  @ApiOkResponse({ schema: zodToOpenApi(BoardSessionSchema, 'output') })
  async boardSession(
    @CurrentOperator() op: AuthenticatedOperator,
    @Res({ passthrough: true }) res: Pick<BoardResponse, 'req' | 'setHeader'>,
  ) {
    return this.board.open(op, res);
  }
}
