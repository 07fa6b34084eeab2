import { callSubService } from './call-sub-service';
import { callingReturn, terminate } from './calling-return';
import type { InstructionHandler } from './context';
import { startIterationService, startParallelService } from './fan-out';
import { startService } from './start-service';

/**
 * The names of the kernel's system calls (reference §3.5 CALL_REGISTRY, all five working, plus `terminate`).
 * `@opkernel/design`'s `SysCall` enum must list exactly these (a unit test holds the two together).
 */
export const SYS_CALLS = [
  'start_service',
  'call_sub_service',
  'calling_return',
  'start_iteration_service',
  'start_parallel_service',
  'terminate',
] as const;
export type KernelSysCall = (typeof SYS_CALLS)[number];

/** The kernel's instruction handlers by system call: the default registry a `Kernel` is given. */
export const INSTRUCTIONS: Readonly<Record<KernelSysCall, InstructionHandler>> = {
  start_service: startService,
  call_sub_service: callSubService,
  calling_return: callingReturn,
  start_iteration_service: startIterationService,
  start_parallel_service: startParallelService,
  terminate,
};
