import { z } from 'zod';
import { type DesignIssue, DesignValidationError, formatIssuePath } from '../validation/design-issue';

/** One row of a Django fixture dump: `{ model: 'kernel.service', pk: 463, fields: {...} }`. */
export type FixtureRow = { model: string; pk: number | string; fields: Record<string, unknown> };

const FixtureRowSchema = z.object({
  model: z.string().min(1),
  pk: z.union([z.number().int(), z.string()]),
  fields: z.record(z.string(), z.unknown()),
});

/**
 * Check the shape of fixture rows (every row is `{ model, pk, fields }`; other members are ignored).
 * @param rows the parsed fixture (a JSON array).
 * @param source name of the input for messages, e.g. `backup.json`.
 * @returns the rows, typed.
 * @throws {DesignValidationError} listing every malformed row (`rows[7].fields: ...`).
 */
export function readFixtureRows(rows: unknown[], source: string): FixtureRow[] {
  if (!Array.isArray(rows)) {
    throw new DesignValidationError([{ path: '', code: 'invalid_type', message: `${source} must be a JSON array` }]);
  }
  const issues: DesignIssue[] = [];
  const out: FixtureRow[] = [];
  rows.forEach((row, index) => {
    const parsed = FixtureRowSchema.safeParse(row);
    if (parsed.success) out.push(parsed.data);
    else {
      for (const issue of parsed.error.issues) {
        issues.push({
          path: formatIssuePath(['rows', index, ...issue.path]),
          code: issue.code,
          message: `${source}: ${issue.message}`,
        });
      }
    }
  });
  if (issues.length > 0) throw new DesignValidationError(issues, `${source} is not a Django fixture`);
  return out;
}

/** Lookup helpers over fixture rows: by model, by (model, pk) and by (model, erpsys_id). */
export class FixtureIndex {
  private readonly byModel = new Map<string, FixtureRow[]>();
  private readonly byPk = new Map<string, FixtureRow>();
  private readonly byErpsysId = new Map<string, FixtureRow>();

  constructor(rows: readonly FixtureRow[]) {
    for (const row of rows) {
      const list = this.byModel.get(row.model) ?? [];
      list.push(row);
      this.byModel.set(row.model, list);
      this.byPk.set(`${row.model}#${row.pk}`, row);
      const erpsysId = row.fields.erpsys_id;
      if (typeof erpsysId === 'string' && !this.byErpsysId.has(`${row.model}#${erpsysId}`)) {
        this.byErpsysId.set(`${row.model}#${erpsysId}`, row);
      }
    }
  }

  /** All rows of `model`, in file order. */
  of(model: string): FixtureRow[] {
    return this.byModel.get(model) ?? [];
  }

  /** The row of `model` with primary key `pk`, if any. */
  get(model: string, pk: unknown): FixtureRow | undefined {
    if (typeof pk !== 'number' && typeof pk !== 'string') return undefined;
    return this.byPk.get(`${model}#${pk}`);
  }

  /** The first row of `model` with this `erpsys_id`, if any. */
  byId(model: string, erpsysId: unknown): FixtureRow | undefined {
    if (typeof erpsysId !== 'string') return undefined;
    return this.byErpsysId.get(`${model}#${erpsysId}`);
  }
}

/** `row.fields[name]` if it is a non-empty string, else null. */
export function str(row: FixtureRow | undefined, name: string): string | null {
  const value = row?.fields[name];
  return typeof value === 'string' && value.length > 0 ? value : null;
}

/** A plain-object value (e.g. a JSON `config`), or an empty object. */
export function obj(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** The string members of an array value (non-arrays → []). */
export function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** Path of a fixture field in issue messages: `kernel.servicerule[pk=59].operand_service`. */
export function rowPath(row: FixtureRow, field?: string): string {
  return `${row.model}[pk=${row.pk}]${field ? `.${field}` : ''}`;
}

/** `{ erpsysId, kernelPk }` or `{ erpsysId, designPk }` for a row, skipping what is unknown. */
export function externalOf(
  row: FixtureRow,
  layer: 'kernel' | 'design',
  other?: FixtureRow,
): { erpsysId?: string; kernelPk?: number; designPk?: number } {
  const out: { erpsysId?: string; kernelPk?: number; designPk?: number } = {};
  const erpsysId = str(row, 'erpsys_id');
  if (erpsysId) out.erpsysId = erpsysId;
  const pk = typeof row.pk === 'number' ? row.pk : undefined;
  const otherPk = other && typeof other.pk === 'number' ? other.pk : undefined;
  if (layer === 'kernel') {
    if (pk !== undefined) out.kernelPk = pk;
    if (otherPk !== undefined) out.designPk = otherPk;
  } else {
    if (otherPk !== undefined) out.kernelPk = otherPk;
    if (pk !== undefined) out.designPk = pk;
  }
  return out;
}
