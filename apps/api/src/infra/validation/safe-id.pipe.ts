import { Injectable, PipeTransform } from '@nestjs/common';
import { ProblemException } from '../problem/problem.exception';

/**
 * Parses a path parameter holding a positive integer id (e.g. a pid): decimal digits only, 1 up to
 * `Number.MAX_SAFE_INTEGER` (2^53 − 1), so the number is exact in JavaScript and fits PostgreSQL `bigint`
 * (a larger value would otherwise reach the database as an out-of-range error, SQLSTATE 22003 → 500).
 * @throws ProblemException 422 naming `field` for anything else (`abc`, `0`, `-1`, `1.5`, `2^63`).
 * @example one(@Param('pid', new SafeIdPipe('pid')) pid: number) {}
 */
@Injectable()
export class SafeIdPipe implements PipeTransform<unknown, number> {
  constructor(private readonly field: string) {}

  /** @returns the id as a number. @throws ProblemException 422 naming the field. */
  transform(value: unknown): number {
    const n = typeof value === 'string' && /^[0-9]{1,16}$/.test(value) ? Number(value) : NaN;
    if (!Number.isSafeInteger(n) || n < 1) {
      throw ProblemException.unprocessable(
        `${this.field} must be a positive integer up to ${Number.MAX_SAFE_INTEGER}`,
        [{ field: this.field, message: `must be a positive integer up to ${Number.MAX_SAFE_INTEGER}` }],
      );
    }
    return n;
  }
}
