import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { EntitySearchHit } from '@opkernel/contracts';
import { ProcessReadPolicy, type ReadScope } from '../processes/process-read.policy';

/** What {@link EntitySearchRepository.search} looks for. */
export type EntitySearch = {
  /** The text to find (1–100 characters), case-insensitive, anywhere in a label or form value. */
  q: string;
  /** Only entities of this type; undefined for every type. */
  type?: string;
  /** Hits wanted, 1–50. */
  limit: number;
};

type LabelRow = { type: string; id: string; label: string };
type FormRow = LabelRow & { service: string; design_version: number; form_data: Record<string, unknown> };

/** Shortest text looked for in form values (pg_trgm extracts no trigram from fewer characters). */
export const FORM_SEARCH_MIN_CHARS = 3;

/** How many matching processes are read per wanted hit (one entity has several processes with forms). */
const FORM_ROWS_PER_HIT = 4;

/** `q` as an ILIKE pattern matching it anywhere (its `%`, `_` and `\` taken literally). */
export const containsPattern = (q: string) => `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/**
 * Customer search over the trigram indexes of migration `EntitySearch1796650000000`: entities whose label
 * contains the text, then entities with a process whose form data holds it (`opk_form_text`). Only entities the
 * reader may see: one of their processes is readable ({@link ProcessReadPolicy.where}), and a form value counts
 * only when the reader may see that service's forms (the match would otherwise reveal a redacted value).
 */
@Injectable()
export class EntitySearchRepository {
  constructor(
    private readonly db: DataSource,
    private readonly policy: ProcessReadPolicy,
  ) {}

  /**
   * Up to `limit` hits: label matches first (by label), then form matches (newest process first; only for a text of
   * {@link FORM_SEARCH_MIN_CHARS} characters or more).
   */
  async search(scope: ReadScope, s: EntitySearch): Promise<EntitySearchHit[]> {
    const pattern = containsPattern(s.q);
    const hits = await this.byLabel(scope, pattern, s);
    // A trigram index finds nothing shorter than 3 characters: form values are searched from 3 on (labels always).
    if (hits.length >= s.limit || [...s.q].length < FORM_SEARCH_MIN_CHARS) return hits;
    const seen = new Set(hits.map((h) => `${h.type}\u0000${h.id}`));
    const needle = s.q.toLowerCase();
    for (const r of await this.byForm(scope, pattern, s)) {
      const key = `${r.type}\u0000${r.id}`;
      if (seen.has(key)) continue;
      if (!(await this.policy.formVisibility(scope, r.design_version)).sees(r.service)) continue;
      const field = matchingField(r.form_data, needle);
      if (!field) continue;
      seen.add(key);
      hits.push({ type: r.type, id: r.id, label: r.label, match: { ...field, service: r.service } });
      if (hits.length >= s.limit) break;
    }
    return hits;
  }

  private async byLabel(scope: ReadScope, pattern: string, s: EntitySearch): Promise<EntitySearchHit[]> {
    const params: unknown[] = [pattern, s.type ?? null, s.limit];
    const readable =
      scope.kind === 'all'
        ? ''
        : `AND EXISTS (SELECT 1 FROM processes p WHERE p.entity_type = e.type AND p.entity_id = e.id
                          AND ${this.policy.where(scope, params)})`;
    const rows = await this.db.query<LabelRow[]>(
      `SELECT e.type, e.id, e.label FROM entities e
        WHERE e.label ILIKE $1 AND ($2::text IS NULL OR e.type = $2) ${readable}
        ORDER BY e.label, e.id LIMIT $3`,
      params,
    );
    return rows.map((r) => ({ ...r, match: { field: null, service: null, value: r.label } }));
  }

  private async byForm(scope: ReadScope, pattern: string, s: EntitySearch): Promise<FormRow[]> {
    const params: unknown[] = [pattern, s.type ?? null, s.limit * FORM_ROWS_PER_HIT];
    const readable = this.policy.where(scope, params);
    return this.db.query<FormRow[]>(
      `SELECT p.entity_type AS type, p.entity_id AS id, e.label, p.service, p.design_version, p.form_data
         FROM processes p JOIN entities e ON e.type = p.entity_type AND e.id = p.entity_id
        WHERE p.entity_id IS NOT NULL AND p.form_data IS NOT NULL AND opk_form_text(p.form_data) ILIKE $1
          AND ($2::text IS NULL OR p.entity_type = $2) AND ${readable}
        ORDER BY p.pid DESC LIMIT $3`,
      params,
    );
  }
}

/**
 * The first string or number value of `form` (nested objects and arrays too) containing `needle` (lower case),
 * with the key of the top-level field that holds it; null when none does.
 */
export function matchingField(form: Record<string, unknown>, needle: string): { field: string; value: string } | null {
  const find = (v: unknown): string | null => {
    if (typeof v === 'string' || typeof v === 'number')
      return String(v).toLowerCase().includes(needle) ? String(v) : null;
    if (v && typeof v === 'object') {
      for (const x of Object.values(v)) {
        const found = find(x);
        if (found !== null) return found;
      }
    }
    return null;
  };
  for (const [field, v] of Object.entries(form)) {
    const value = find(v);
    if (value !== null) return { field, value };
  }
  return null;
}
