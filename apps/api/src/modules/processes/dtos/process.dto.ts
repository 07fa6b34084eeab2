import { z } from 'zod';
import { StartProcessBodySchema } from '@opkernel/contracts';
import { PROCESS_STATES } from '@opkernel/kernel';
import { cursorParam, decodeProcessCursor, KEYSET_FIELDS, LimitParam, PAGE_LIMIT } from './keyset.dto';

/** The request bodies of the process routes: the wire contracts of `@opkernel/contracts`. */
export {
  CompleteBodySchema as CompleteBody,
  ReasonBodySchema as ReasonBody,
  StartProcessBodySchema as StartProcessBody,
  TransferBodySchema as TransferBody,
} from '@opkernel/contracts';
/** A parsed `POST /processes` body (times as epoch ms). */
export type StartProcessDto = z.output<typeof StartProcessBodySchema>;

/**
 * GET /processes filters; `state` may list several states separated by commas. Paging is one of two forms:
 * - page-based (`page` and/or `pageSize`, 1-based, `pageSize` ≤ 200): OFFSET paging with a `total` count;
 * - keyset (`limit` ≤ {@link PAGE_LIMIT}.max and `cursor`, also when neither form is given): no count, each page
 *   after the previous page's last pid. Mixing the two is a 400 naming `cursor` / `limit`.
 */
export const ListProcessesQuery = z
  .object({
    state: z
      .string()
      .transform((s) => s.split(',').map((x) => x.trim().toUpperCase()))
      .pipe(z.array(z.enum(PROCESS_STATES)))
      .optional(),
    service: z.string().optional(),
    entityType: z.string().optional(),
    entityId: z.string().optional(),
    assignee: z.string().optional(),
    page: z.coerce.number().int().min(1).optional(),
    pageSize: z.coerce.number().int().min(1).max(200).optional(),
    limit: LimitParam.optional(),
    cursor: cursorParam(decodeProcessCursor).optional(),
  })
  .strict()
  .superRefine((q, ctx) => {
    if (q.page === undefined && q.pageSize === undefined) return;
    for (const field of KEYSET_FIELDS) {
      if (q[field] !== undefined) {
        ctx.addIssue({ code: 'custom', path: [field], message: 'cannot be combined with page / pageSize' });
      }
    }
  })
  .transform(({ page, pageSize, limit, cursor, ...filters }) => ({
    ...filters,
    paging:
      page !== undefined || pageSize !== undefined
        ? { kind: 'page' as const, page: page ?? 1, pageSize: pageSize ?? 50 }
        : { kind: 'keyset' as const, limit: limit ?? PAGE_LIMIT.default, after: cursor ?? null },
  }));
export type ListProcessesDto = z.infer<typeof ListProcessesQuery>;

/** The answer of GET /processes (`@opkernel/contracts`). */
export { ProcessPageSchema as ProcessPageResponse } from '@opkernel/contracts';
