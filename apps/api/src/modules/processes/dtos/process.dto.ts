import { z } from 'zod';
import { ProcessViewSchema } from '@opkernel/contracts';
import { PROCESS_STATES } from '@opkernel/kernel';
import { cursorParam, decodeProcessCursor, KEYSET_FIELDS, LimitParam, PAGE_LIMIT } from './keyset.dto';

const isoDate = z.iso.datetime({ offset: true }).transform((s) => Date.parse(s));

/** POST /processes: start a journey for an existing entity ({type, id}) or a new one ({type, label}). */
export const StartProcessBody = z
  .object({
    service: z.string().min(1),
    entity: z.union([
      z.object({ type: z.string().min(1), id: z.string().min(1) }).strict(),
      z.object({ type: z.string().min(1), label: z.string().min(1).max(200) }).strict(),
    ]),
    priority: z.number().int().min(0).max(1000).optional(),
    scheduledAt: isoDate.optional(),
    deadline: isoDate.optional(),
  })
  .strict();
export type StartProcessDto = z.infer<typeof StartProcessBody>;

export const CompleteBody = z.object({ form: z.record(z.string(), z.unknown()).default({}) }).strict();
export const ReasonBody = z.object({ reason: z.string().trim().min(1).max(500) }).strict();
export const TransferBody = z.object({ operator: z.string().min(1) }).strict();

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

/** The answer of GET /processes (for the OpenAPI document). */
export const ProcessPageResponse = z.object({
  items: z.array(ProcessViewSchema).describe('processes, newest (highest pid) first'),
  total: z.number().int().nullable().describe('readable matches; null in the keyset form (not counted)'),
  page: z.number().int().nullable().describe('the page asked for; null in the keyset form'),
  pageSize: z.number().int().describe('pageSize, or limit in the keyset form'),
  nextCursor: z.string().nullable().describe('pass as `cursor` (with `limit`) for the next page; null on the last'),
});
