/**
 * The decks' REST shapes — `GET /decks`, failures, Bull Board sessions and a process's stages: the wire contracts
 * of `@opkernel/contracts` (types only here).
 */
export type {
  BoardSession,
  DeckCounts,
  DeckFailure,
  DeckView,
  ProcessStages,
  StageHopView,
  StageRunView,
} from '@opkernel/contracts';
