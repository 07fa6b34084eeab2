import { Init1763700000000 } from './1763700000000-Init';
import { JoinIndexes1795237211521 } from './1795237211521-JoinIndexes';
import { Trust1796200000000 } from './1796200000000-Trust';
import { OpenTaskIndexes1796300000000 } from './1796300000000-OpenTaskIndexes';
import { CommandPath1796400000000 } from './1796400000000-CommandPath';
import { Scheduler1796500000000 } from './1796500000000-Scheduler';
import { RuntimeCalendars1796510000000 } from './1796510000000-RuntimeCalendars';
import { TaskDrafts1796630000000 } from './1796630000000-TaskDrafts';
import { EntitySearch1796650000000 } from './1796650000000-EntitySearch';
import { SkillsRelaxed1796700000000 } from './1796700000000-SkillsRelaxed';
import { InboundEvents1796800000000 } from './1796800000000-InboundEvents';
import { DeviceCommands1796900000000 } from './1796900000000-DeviceCommands';
import { ScheduleFires1797050000000 } from './1797050000000-ScheduleFires';

/**
 * Every migration, oldest first. Register new files here: the list is explicit (not a glob) so the same
 * code runs under `node -r scripts/register.cjs` and under Vitest. An integration test fails when a
 * `migrations/*.ts` file is missing from this list.
 */
export const MIGRATIONS = [
  Init1763700000000,
  JoinIndexes1795237211521,
  Trust1796200000000,
  OpenTaskIndexes1796300000000,
  CommandPath1796400000000,
  Scheduler1796500000000,
  RuntimeCalendars1796510000000,
  TaskDrafts1796630000000,
  EntitySearch1796650000000,
  SkillsRelaxed1796700000000,
  InboundEvents1796800000000,
  DeviceCommands1796900000000,
  ScheduleFires1797050000000,
];
