import { Injectable, PipeTransform } from '@nestjs/common';
import type { z } from 'zod';
import { PROBLEM_TYPES, ProblemException, validationProblem } from '../problem/problem.exception';
import { zodIssuesToFieldErrors } from '../problem/to-problem.util';

/**
 * {@link ZodPipe} for a list's `@Query()` whose paging parameters answer 400 (not 422) when bad: a cursor or
 * limit the client should have taken from a previous page is a malformed request, not a content error.
 * @throws ProblemException 400 naming each failing field of `badRequestFields` (e.g. `cursor`, `limit`) when any
 *   of them fails; else 422 naming every failing field, like {@link ZodPipe}.
 * @example list(@Query(new PagedQueryPipe(TaskListQuery, ['cursor', 'limit'])) q: TaskListDto) {}
 */
@Injectable()
export class PagedQueryPipe<TSchema extends z.ZodType> implements PipeTransform<unknown, z.output<TSchema>> {
  constructor(
    private readonly schema: TSchema,
    private readonly badRequestFields: readonly string[],
  ) {}

  /** @returns the parsed query. @throws ProblemException 400 / 422 as described on the class. */
  transform(value: unknown): z.output<TSchema> {
    const result = this.schema.safeParse(value ?? {});
    if (result.success) return result.data;
    const errors = zodIssuesToFieldErrors(result.error.issues);
    const paging = errors.filter((e) => this.badRequestFields.includes(e.field.split('.')[0]!));
    if (paging.length === 0) throw validationProblem(errors);
    throw new ProblemException({
      status: 400,
      type: PROBLEM_TYPES.validation,
      title: 'Bad Request',
      detail: paging.map((e) => `${e.field} ${e.message}`).join('; '),
      errors: paging,
    });
  }
}
