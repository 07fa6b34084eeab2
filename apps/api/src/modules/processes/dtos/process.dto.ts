import { z } from 'zod';
import { PROCESS_STATES } from '@opkernel/kernel';

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

/** GET /processes filters; `state` may list several states separated by commas. */
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
    page: z.coerce.number().int().min(1).default(1),
    pageSize: z.coerce.number().int().min(1).max(200).default(50),
  })
  .strict();
export type ListProcessesDto = z.infer<typeof ListProcessesQuery>;
