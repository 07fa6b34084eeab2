import type { KernelErrorCode } from '@opkernel/kernel';
import { PROBLEM_TYPES, type ProblemInit } from './problem.exception';

/** The shape the problem filter recognises as a kernel error (see {@link isKernelError}). */
export type KernelErrorLike = Error & { code: string; details?: unknown };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * True for errors thrown by `@opkernel/kernel`: `name === 'KernelError'`, or an `Error` with a string `code`
 * and `kernel === true`. Nothing is imported from the kernel here on purpose.
 */
export function isKernelError(error: unknown): error is KernelErrorLike {
  if (!(error instanceof Error)) return false;
  const candidate = error as Error & { code?: unknown; kernel?: unknown };
  if (error.name === 'KernelError') return true;
  return typeof candidate.code === 'string' && candidate.kernel === true;
}

function assertUnreachable(x: never): never {
  throw new Error(`unmapped kernel error code: ${String(x)}`);
}

/** HTTP status and title per kernel error code. Adding a code to the kernel without mapping it fails to compile. */
function statusOf(code: KernelErrorCode): { status: number; title: string; type: string } {
  switch (code) {
    case 'ILLEGAL_TRANSITION':
      return { status: 409, title: 'Illegal state transition', type: PROBLEM_TYPES.conflict };
    case 'ALREADY_CLAIMED':
      return { status: 409, title: 'Task already claimed', type: PROBLEM_TYPES.conflict };
    case 'VERSION_CONFLICT':
      return { status: 409, title: 'Concurrent modification', type: PROBLEM_TYPES.conflict };
    case 'PROCESS_NOT_FOUND':
      return { status: 404, title: 'Process not found', type: PROBLEM_TYPES.notFound };
    case 'FORBIDDEN':
      return { status: 403, title: 'Not allowed', type: PROBLEM_TYPES.forbidden };
    case 'NOT_ASSIGNEE':
      return { status: 403, title: 'Task is assigned to someone else', type: PROBLEM_TYPES.forbidden };
    case 'NOT_AVAILABLE':
      return { status: 409, title: 'Not available for work', type: PROBLEM_TYPES.conflict };
    case 'CAPACITY_FULL':
      return { status: 409, title: 'Capacity full', type: PROBLEM_TYPES.conflict };
    case 'RESOURCE_BUSY':
      return { status: 409, title: 'Resources not available', type: PROBLEM_TYPES.conflict };
    case 'NOT_A_TASK':
      return { status: 409, title: 'Not a task', type: PROBLEM_TYPES.conflict };
    case 'UNKNOWN_SERVICE':
    case 'UNKNOWN_OPERATOR':
    case 'INVALID_INPUT':
      return { status: 422, title: 'Invalid input', type: PROBLEM_TYPES.validation };
    case 'INVALID_ROUTE':
      return { status: 422, title: 'Invalid automation route', type: PROBLEM_TYPES.validation };
    case 'CASCADE_LIMIT':
      return { status: 422, title: 'Rule cascade limit exceeded (the design loops)', type: PROBLEM_TYPES.kernel };
    default:
      return assertUnreachable(code);
  }
}

/**
 * Kernel error → RFC 9457 problem, exhaustively by code. A `details.field` becomes `errors[0].field`, so clients
 * can show the message at the failing field (e.g. `operator` for a transfer to someone without the role).
 */
export function mapKernelError(error: KernelErrorLike): ProblemInit {
  const { status, title, type } = statusOf(error.code as KernelErrorCode);
  const details = isRecord(error.details) ? error.details : {};
  const field = typeof details['field'] === 'string' ? (details['field'] as string) : null;
  return {
    status,
    type,
    title,
    detail: error.message,
    ...(field ? { errors: [{ field, message: error.message }] } : {}),
    extra: { code: error.code, ...(Object.keys(details).length ? { details } : {}) },
  };
}
