import { PROBLEM_TYPES, type ProblemInit } from './problem.exception';

/** The shape the problem filter recognises as a kernel error (see {@link isKernelError}). */
export type KernelErrorLike = Error & { code: string };

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

/**
 * LEAD HOOK — replace with the exhaustive `kernelErrorToProblem` mapping (switch on `error.code`, `default:`
 * `assertUnreachable`). Until then every kernel error is a 409 Conflict carrying its `code`.
 */
export function mapKernelError(error: KernelErrorLike): ProblemInit {
  return {
    status: 409,
    type: PROBLEM_TYPES.kernel,
    title: 'Conflict',
    detail: error.message,
    extra: { code: typeof error.code === 'string' ? error.code : 'KERNEL_ERROR' },
  };
}
