import { Injectable, PipeTransform } from '@nestjs/common';
import type { z } from 'zod';
import { validationProblem } from '../problem/problem.exception';
import { zodIssuesToFieldErrors } from '../problem/to-problem.util';

/**
 * Validates (and parses: defaults, coercion, stripping) a `@Body()` or `@Query()` value with a zod schema.
 * @throws ProblemException 422 whose `errors[]` name each failing field by dot path (`password`, `entity.type`).
 * @example create(@Body(new ZodPipe(CreateThing)) body: CreateThing) {}
 */
@Injectable()
export class ZodPipe<TSchema extends z.ZodType> implements PipeTransform<unknown, z.output<TSchema>> {
  constructor(private readonly schema: TSchema) {}

  /** @returns the parsed value (`undefined` is parsed as `{}`). @throws ProblemException 422 with `errors[]`. */
  transform(value: unknown): z.output<TSchema> {
    const result = this.schema.safeParse(value ?? {});
    if (!result.success) throw validationProblem(zodIssuesToFieldErrors(result.error.issues));
    return result.data;
  }
}
