/** Stable codes of kernel errors; the API maps each one to an HTTP status in one place. */
export type KernelErrorCode =
  | 'ILLEGAL_TRANSITION'
  | 'PROCESS_NOT_FOUND'
  | 'FORBIDDEN'
  | 'ALREADY_CLAIMED'
  | 'NOT_ASSIGNEE'
  | 'UNKNOWN_SERVICE'
  | 'UNKNOWN_OPERATOR'
  | 'NOT_A_TASK'
  | 'INVALID_INPUT'
  | 'CASCADE_LIMIT'
  | 'VERSION_CONFLICT'
  | 'NOT_AVAILABLE'
  | 'CAPACITY_FULL'
  | 'RESOURCE_BUSY'
  | 'INVALID_ROUTE';

/** Base class of every error the kernel throws on purpose. `kernel` marks it across bundle copies. */
export class KernelError extends Error {
  readonly kernel = true as const;
  constructor(
    readonly code: KernelErrorCode,
    message: string,
    /** Ids and fields involved, e.g. `{ pid: 12, from: 'TERMINATED' }` or `{ field: 'operator' }`. */
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'KernelError';
  }
}

/** Thrown when a transition is not allowed from the process's current state. */
export class IllegalTransitionError extends KernelError {
  constructor(pid: number, from: string, event: string) {
    super('ILLEGAL_TRANSITION', `process ${pid} cannot ${event} from state ${from}`, { pid, from, event });
  }
}

/** Thrown when a process id does not exist. */
export class ProcessNotFoundError extends KernelError {
  constructor(pid: number) {
    super('PROCESS_NOT_FOUND', `process ${pid} does not exist`, { pid });
  }
}

/** Thrown when an operator may not act on a process (roles do not allow the service, or not theirs/their pool). */
export class ForbiddenError extends KernelError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super('FORBIDDEN', message, details);
  }
}

/** Type guard that also works across bundle copies. */
export function isKernelError(e: unknown): e is KernelError {
  return typeof e === 'object' && e !== null && (e as { kernel?: unknown }).kernel === true && 'code' in e;
}
