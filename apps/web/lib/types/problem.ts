/** RFC 9457 problem documents (the wire contract in libs/contracts). */
export type { ProblemDocument, ProblemFieldError } from '@opkernel/contracts';
