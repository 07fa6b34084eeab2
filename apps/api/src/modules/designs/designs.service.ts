import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import {
  DesignValidationError,
  designHash,
  importErpsysFixture,
  importErpsysFlat,
  mergeDesigns,
  parseNativeDesign,
  validateDesign,
  type DesignDocument,
} from '@opkernel/design';
import { allowedServices, entryPoints, indexDesign, mayWorkOn, type Actor } from '@opkernel/kernel';
import { ProblemException } from '../../infra/problem/problem.exception';
import { RevocationBus, revokeTokens } from '../../infra/revocation/revocation.bus';
import { assertSafeInput } from '../../infra/validation/input-safety';
import { diffDesigns, type DesignDiff } from './design-diff';
import { DesignRegistry } from './design-registry.service';

/** Import formats: our native YAML/JSON document, the erpsys Django fixture, the erpsys flat rule set. */
export type DesignFormat = 'native' | 'erpsys' | 'erpsys-flat';

/**
 * Key of the transaction-scoped advisory lock serializing design imports (any constant; it only has to be the
 * same in every API process on the database, and differ from the migration lock).
 */
export const DESIGN_IMPORT_LOCK_KEY = 727_002;

/** Options of {@link DesignsService.import}. */
export type ImportOptions = {
  /** Store the import even when it removes every rule or the entry points of running journeys. */
  force?: boolean;
  /** Check and summarise only: nothing is stored (`created` is false, `version` the current one). */
  dryRun?: boolean;
  /**
   * The import comes from an integrator API token (`designs:write`): it may not add or change operators — their
   * roles and admin flag are people's administration, done by a person.
   */
  byApiToken?: boolean;
};

/** Result of an import: the version now current, whether the import created it, counts and what it changes. */
export type ImportResult = {
  version: number;
  created: boolean;
  hash: string;
  counts: Record<string, number>;
  dryRun: boolean;
  /** What the import adds, changes and removes, per collection. */
  changes: DesignDiff;
  /** Why the import would be refused without `force` (empty when it is safe). */
  refusals: { field: string; message: string }[];
};

/** Thrown inside the import transaction to roll a dry run back after computing its answer. */
class DryRunDone extends Error {
  constructor(readonly result: ImportResult) {
    super('dry run');
  }
}

const counts = (d: DesignDocument): Record<string, number> => ({
  services: d.services.length,
  events: d.events.length,
  instructions: d.instructions.length,
  rules: d.rules.length,
  roles: d.roles.length,
  operators: d.operators.length,
  entityTypes: d.entityTypes.length,
  workOrders: d.workOrders.length,
  resourceTypes: d.resourceTypes.length,
  resources: d.resources.length,
  skills: d.skills.length,
  calendars: d.calendars.length,
  slas: d.slas.length,
  decks: d.decks.length,
  eventTriggers: d.eventTriggers.length,
  devices: d.devices.length,
  schedules: d.schedules.length,
});

function problemFromDesignError(e: unknown): never {
  if (e instanceof DesignValidationError) {
    throw ProblemException.unprocessable(
      'the design is invalid',
      e.issues.map((i) => ({ field: i.path, message: `${i.code}: ${i.message}` })),
    );
  }
  if (e instanceof Error && e.name === 'ExpressionTranslationError') {
    const t = e as Error & { eventKey?: string };
    throw ProblemException.unprocessable(e.message, [
      { field: `events.${t.eventKey ?? '?'}.expression`, message: e.message },
    ]);
  }
  throw e;
}

/**
 * Design import and lookup. An import parses the incoming document, merges it into the current design
 * (upsert by stable key; an erpsys-flat rule set replaces the rules), validates the whole result, and stores a
 * new version only when the canonical hash changed — importing the same document twice changes nothing.
 * Running processes keep the version they started on. Operators are upserted into the `operators` table
 * (matched by username first, so the fixture's `admin` user becomes the bootstrap admin account) and each
 * operator is also an entity of type `Operator` (customers are operators in erpsys).
 */
@Injectable()
export class DesignsService {
  private readonly log = new Logger(DesignsService.name);

  constructor(
    private readonly db: DataSource,
    private readonly registry: DesignRegistry,
    private readonly revocations: RevocationBus,
  ) {}

  /**
   * Imports a design document: parses `body` in `format` (native: a YAML/JSON string or a JSON value;
   * erpsys / erpsys-flat: a JSON array of fixture rows), merges it into the current design (an erpsys-flat rule
   * set replaces the rules), validates the result and stores it as a new version when its canonical hash
   * differs from the current one; operators of the design are upserted (and mirrored as `Operator` entities).
   *
   * Concurrency: the whole read-current → merge → insert runs in ONE transaction holding
   * `pg_advisory_xact_lock(DESIGN_IMPORT_LOCK_KEY)`, re-reading the current version inside it, so concurrent
   * imports (also from other API replicas) are serialized and none is lost: the second merges onto the first.
   *
   * Safety: an import that would remove every rule, or the entry point of a journey still running, is refused
   * (422 naming `rules` / `services`) unless `options.force`; `options.dryRun` stores nothing and answers with the
   * same summary (`changes`: keys added, changed, removed per collection; `refusals`).
   *
   * @returns `{ version, created, hash, counts, dryRun, changes, refusals }` — `created: false` and the current
   *   version when nothing changed or on a dry run.
   * @throws ProblemException 422 for an unreadable or invalid design (`errors[]` name each failing path, e.g.
   *   `events[0].expression`) or a non-array body for the erpsys formats (field `body`); 409 for an erpsys-flat
   *   rule set without a current design.
   */
  async import(
    format: DesignFormat,
    body: unknown,
    actor: string | null,
    options: ImportOptions = {},
  ): Promise<ImportResult> {
    try {
      return await this.importOrRollBack(format, body, actor, options);
    } catch (e) {
      if (e instanceof DryRunDone) return e.result;
      throw e;
    }
  }

  /**
   * Why storing `design` would hurt running work: it has no rule left while the current design has some, or it
   * drops the entry point (a manually started service, or a schedule's service) of a journey that is still running.
   */
  private async refusals(
    em: { query<T>(sql: string, params?: unknown[]): Promise<T> },
    current: DesignDocument | null,
    design: DesignDocument,
  ): Promise<{ field: string; message: string }[]> {
    const out: { field: string; message: string }[] = [];
    if (design.rules.length === 0 && (current?.rules.length ?? 0) > 0) {
      out.push({ field: 'rules', message: `the import would remove all ${current!.rules.length} rules` });
    }
    const running = await em.query<{ service: string }[]>(
      `SELECT DISTINCT service FROM processes WHERE parent_pid IS NULL AND state <> 'TERMINATED' ORDER BY service`,
    );
    const entries = new Set(entryPoints(indexDesign(0, design)).map((e) => e.service));
    // A journey a schedule started keeps its way in while the design names the schedule.
    for (const s of design.schedules) entries.add(s.start);
    const lost = running.map((r) => r.service).filter((s) => !entries.has(s));
    if (lost.length > 0) {
      out.push({
        field: 'services',
        message: `the import would remove the entry point of running journeys: ${lost.join(', ')}`,
      });
    }
    return out;
  }

  /** @see import */
  private async importOrRollBack(
    format: DesignFormat,
    body: unknown,
    actor: string | null,
    options: ImportOptions,
  ): Promise<ImportResult> {
    const outcome = await this.db.transaction(async (em) => {
      // Imports queue behind each other for as long as it takes (not the connections' 5 s lock timeout).
      await em.query('SET LOCAL lock_timeout = 0');
      await em.query('SELECT pg_advisory_xact_lock($1)', [DESIGN_IMPORT_LOCK_KEY]);
      // Read inside the lock: the version another import committed while we waited is the base to merge onto.
      const currentVersion = (
        await em.query<{ v: number | null }[]>('SELECT max(version) AS v FROM design_versions')
      )[0]?.v;
      const current = currentVersion != null ? await this.registry.version(currentVersion) : null;
      let incoming: DesignDocument;
      try {
        if (format === 'native') {
          incoming = parseNativeDesign(typeof body === 'string' ? body : JSON.stringify(body ?? null));
          // YAML escapes ("\0", "\uD800", .inf) only exist after parsing: the same input rule as for JSON bodies.
          assertSafeInput(incoming, 'body');
        } else if (!Array.isArray(body)) {
          throw ProblemException.unprocessable(`format ${format} expects a JSON array of fixture rows`, [
            { field: 'body', message: 'must be an array' },
          ]);
        } else if (format === 'erpsys') {
          incoming = importErpsysFixture(body);
        } else {
          if (!current)
            throw ProblemException.conflict(
              'an erpsys-flat rule set needs the erpsys design imported first (its services)',
            );
          incoming = importErpsysFlat(body, current.document);
        }
      } catch (e) {
        problemFromDesignError(e);
      }
      const merged = mergeDesigns(current?.document ?? null, incoming, { replaceRules: format === 'erpsys-flat' });
      const checked = validateDesign(merged);
      if (!checked.ok) problemFromDesignError(new DesignValidationError(checked.issues));
      const design = checked.design;
      const hash = designHash(design);
      const changes = diffDesigns(current?.document ?? null, design);
      // The current document's own hash, not the stored one: a version stored before the model gained defaults
      // hashes differently as stored, yet is the same design.
      const unchanged = current !== null && designHash(current.document) === hash;
      const refusals = unchanged ? [] : await this.refusals(em, current?.document ?? null, design);
      if (options.byApiToken && changes.operators) {
        throw ProblemException.forbidden(
          'an API token may not add or change operators (roles, admin); an administrator must import this design',
        );
      }
      const base = { hash, counts: counts(design), dryRun: options.dryRun === true, changes, refusals };
      if (options.dryRun) {
        throw new DryRunDone({ ...base, version: current?.version ?? 0, created: false });
      }
      if (unchanged) {
        return { result: { ...base, version: current.version, created: false }, design, revoked: [] as string[] };
      }
      if (refusals.length > 0 && !options.force) {
        throw ProblemException.unprocessable(
          `the import was refused: ${refusals.map((r) => r.message).join('; ')} ` +
            '(check it with ?dryRun=true, or store it anyway with ?force=true)',
          refusals,
        );
      }
      const rows = await em.query<{ version: number }[]>(
        'INSERT INTO design_versions (name, hash, document, format, created_by) VALUES ($1, $2, $3, $4, $5) RETURNING version',
        [design.name, hash, JSON.stringify(design), format, actor],
      );
      const revoked: string[] = [];
      for (const op of design.operators) {
        const before = await em.query<{ key: string; roles: string[]; staff: boolean }[]>(
          'SELECT key, roles, staff FROM operators WHERE ($1::text IS NOT NULL AND username = $1) OR key = $2',
          [op.username, op.key],
        );
        const changed = before.some(
          (b) => b.staff !== op.staff || [...b.roles].sort().join('\u0000') !== [...op.roles].sort().join('\u0000'),
        );
        const params = [
          op.key,
          op.username,
          op.label,
          op.roles,
          op.organisation,
          op.staff,
          op.admin,
          op.relatedStaff,
          op.external ? JSON.stringify(op.external) : null,
        ];
        const byName = op.username
          ? await em.query<{ key: string }[]>('SELECT key FROM operators WHERE username = $1', [op.username])
          : [];
        if (byName[0]) {
          await em.query(
            `UPDATE operators SET key = $1, label = $3, roles = $4, organisation = $5, staff = $6, admin = admin OR $7,
               related_staff = $8, external = $9, updated_at = now() WHERE username = $2`,
            params,
          );
        } else {
          await em.query(
            `INSERT INTO operators (key, username, label, roles, organisation, staff, admin, related_staff, external)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
             ON CONFLICT (key) DO UPDATE SET username = EXCLUDED.username, label = EXCLUDED.label, roles = EXCLUDED.roles,
               organisation = EXCLUDED.organisation, staff = EXCLUDED.staff, admin = operators.admin OR EXCLUDED.admin,
               related_staff = EXCLUDED.related_staff, external = EXCLUDED.external, updated_at = now()`,
            params,
          );
        }
        // The scheduler's runtime row: the design's capacity, calendar and skills (a re-keyed operator keeps theirs).
        if (byName[0] && byName[0].key !== op.key)
          await em.query(
            `UPDATE operator_state SET operator = $1 WHERE operator = $2
               AND NOT EXISTS (SELECT 1 FROM operator_state WHERE operator = $1)`,
            [op.key, byName[0].key],
          );
        await em.query(
          `INSERT INTO operator_state (operator, capacity, calendar, skills) VALUES ($1, $2, $3, $4)
           ON CONFLICT (operator) DO UPDATE SET capacity = EXCLUDED.capacity, calendar = EXCLUDED.calendar,
             skills = EXCLUDED.skills`,
          [
            op.key,
            op.capacity,
            op.calendar,
            JSON.stringify(Object.fromEntries(op.skills.map((k) => [k.skill, k.level]))),
          ],
        );
        await em.query(
          `INSERT INTO entities (type, id, label, attributes) VALUES ('Operator', $1, $2, $3)
           ON CONFLICT (type, id) DO UPDATE SET label = EXCLUDED.label`,
          [op.key, op.label, JSON.stringify({ username: op.username, roles: op.roles })],
        );
        if (changed) revoked.push(op.key);
      }
      // The scheduler's runtime resources: the design's rooms and machines (a blocked one stays blocked).
      for (const r of design.resources)
        await em.query(
          `INSERT INTO resources (key, type, capacity, calendar, label) VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (key) DO UPDATE SET type = EXCLUDED.type, capacity = EXCLUDED.capacity, calendar = EXCLUDED.calendar,
             label = EXCLUDED.label`,
          [r.key, r.type, r.capacity, r.calendar, r.label],
        );
      // The scheduler's runtime calendars: the ones this import adds or changes (an admin's edits of the others,
      // and an admin's own calendars and leaves, stay).
      const touched = new Set([...(changes.calendars?.added ?? []), ...(changes.calendars?.changed ?? [])]);
      for (const c of design.calendars.filter((k) => touched.has(k.key))) {
        await em.query(
          `INSERT INTO calendars (key, label, tz, attendances, holidays) VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (key) DO UPDATE SET label = EXCLUDED.label, tz = EXCLUDED.tz,
             attendances = EXCLUDED.attendances, holidays = EXCLUDED.holidays`,
          [c.key, c.label ?? null, c.tz, JSON.stringify(c.attendances), JSON.stringify(c.holidays)],
        );
        await em.query(`DELETE FROM calendar_leaves WHERE calendar = $1 AND source = 'design'`, [c.key]);
        for (const l of c.leaves)
          await em.query(
            `INSERT INTO calendar_leaves (calendar, during, reason, source)
             VALUES ($1, tstzrange($2::timestamptz, $3::timestamptz), $4, 'design')`,
            [c.key, l.from, l.to, l.reason ?? null],
          );
      }
      // An operator whose roles or staff flag changed signs in again (their tokens carried the old grants).
      await revokeTokens(em, revoked);
      return { result: { ...base, version: rows[0]!.version, created: true }, design, revoked };
    });
    this.revocations.revoked(outcome.revoked);
    if (outcome.result.created) {
      this.registry.noteImported(outcome.result.version);
      await this.registry.calendarsChanged();
      this.log.log(`design "${outcome.design.name}" imported as version ${outcome.result.version} (${format})`);
    }
    return outcome.result;
  }

  /**
   * The current design for clients: version, name, hash, ISO-8601 creation time, and the document's services,
   * events, instructions, rules, roles, entity types and work orders (operators are left out).
   * @throws ProblemException 404 when no design has been imported yet.
   */
  async current() {
    const c = await this.registry.current();
    if (!c) throw ProblemException.notFound('no design has been imported yet');
    const d = c.version.document;
    return {
      version: c.version.version,
      name: d.name,
      hash: c.version.hash,
      createdAt: c.version.createdAt.toISOString(),
      services: d.services,
      events: d.events,
      instructions: d.instructions,
      rules: d.rules,
      roles: d.roles,
      entityTypes: d.entityTypes,
      resourceTypes: d.resourceTypes,
      workOrders: d.workOrders,
    };
  }

  /** Services the actor may start by hand (optionally for one entity type), in the current design. */
  async entryPoints(actor: Actor, entityType?: string) {
    const c = await this.registry.current();
    if (!c) return [];
    return entryPoints(c.index, entityType).filter((e) => mayWorkOn(c.index, actor, e.service));
  }

  /** Services the given roles allow in the current design. */
  async allowedServices(roles: string[]): Promise<string[]> {
    const c = await this.registry.current();
    return c ? allowedServices(c.index, roles) : [];
  }
}
