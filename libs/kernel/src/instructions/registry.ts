import type { InstructionHandler } from '../engine/run';
import { callSubService } from './call-sub-service';
import { callingReturn, terminate } from './calling-return';
import { startIterationService, startParallelService } from './fan-out';
import { startService } from './start-service';

/** The kernel's system calls by name (reference §3.5 CALL_REGISTRY, all five working, plus `terminate`). */
export const INSTRUCTIONS: Record<string, InstructionHandler> = {
  start_service: startService,
  call_sub_service: callSubService,
  calling_return: callingReturn,
  start_iteration_service: startIterationService,
  start_parallel_service: startParallelService,
  terminate,
};
