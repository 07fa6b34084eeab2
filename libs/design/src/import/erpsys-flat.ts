import { DesignDocument, Event, Instruction, Service } from '../model';
import { type DesignIssue, DesignValidationError } from '../validation/design-issue';
import { validateDesign } from '../validation/validate-design';
import { eventFromRow, instructionFromRow, rulesFromRows } from './erpsys-elements';
import { FixtureIndex, type FixtureRow, readFixtureRows, str } from './erpsys-rows';

/**
 * Upsert by key; for an existing key the incoming element wins, except that declared `parameters` the
 * flat file leaves null (read as `[]`) keep the base's list.
 */
function upsertKeepingParameters<T extends { key: string; parameters: string[] }>(base: T[], incoming: T[]): T[] {
  const out = base.map((el) => structuredClone(el));
  for (const el of incoming) {
    const at = out.findIndex((b) => b.key === el.key);
    if (at < 0) out.push(structuredClone(el));
    else
      out[at] = {
        ...structuredClone(el),
        parameters: el.parameters.length > 0 ? [...el.parameters] : out[at].parameters,
      };
  }
  return out;
}

/** kernel.serviceprogram rows → services of kind `program` (new) or merged into existing base services. */
function upsertPrograms(base: Service[], programs: readonly FixtureRow[]): Service[] {
  const out = base.map((s) => structuredClone(s));
  for (const row of programs) {
    const key = str(row, 'name');
    if (!key) continue;
    const manualStart = row.fields.manual_start === true;
    const at = out.findIndex((s) => s.key === key);
    if (at >= 0) {
      out[at] = { ...out[at], kind: 'program', manualStart };
      continue;
    }
    const erpsysId = str(row, 'erpsys_id');
    out.push({
      key,
      label: str(row, 'label') ?? key,
      kind: 'program',
      entityType: 'Operator',
      form: null,
      recordModel: null,
      routeTo: null,
      defaultPriority: 0,
      manualStart,
      resourceRequirements: [],
      consists: [],
      skills: [],
      capacityWeight: 1,
      expectedDuration: 'PT30M',
      sla: null,
      automation: null,
      ...(erpsysId ? { external: { erpsysId } } : {}),
    });
  }
  return out;
}

/**
 * Import the older, flat erpsys rule set (`kernel/business_define.json`, reference §8.6) on top of a base
 * design (normally the result of `importErpsysFixture(backup.json)`).
 * - Its rules name services by **kernel pk** (463…501); they are resolved through
 *   `base.services[].external.kernelPk`. Events and instructions are resolved by the file's own pks first,
 *   then through the base's `external.kernelPk`.
 * - kernel.serviceprogram rows become services of kind `program`: `standard_service_program` (标准服务程序)
 *   is new (manualStart from the row, entityType `Operator`, external.erpsysId only: a serviceprogram pk is
 *   not a kernel.service pk); `biao_zhun_deng_lu_cheng_xu` already exists in the base and is kept, with kind
 *   `program` and manualStart from the row.
 * - Events and instructions are upserted by key (the file's element wins; null `parameters` keep the base's
 *   declared list). `calling_service` and `batch_completed` are new events.
 * - Rule `program` = the serviceprogram's key; `parameter_values` strings such as `{"active": True}` are read
 *   as Python literals (dict/list/str/number/True/False/None).
 * - The flat file is a whole rule set: the result's rules are **replaced** by the flat rules.
 *
 * @param rows the parsed file (JSON array; the original lacks the enclosing `[ ]`).
 * @param base the design to import into (not modified).
 * @returns the new, validated design.
 * @throws {DesignValidationError} for malformed rows, an unknown service/event/instruction/program pk
 *   (the issue names the rule), an unreadable `parameter_values`, an untranslatable event expression, or a
 *   result that fails `validateDesign`.
 */
export function importErpsysFlat(rows: unknown[], base: DesignDocument): DesignDocument {
  const index = new FixtureIndex(readFixtureRows(rows, 'erpsys flat rule set'));
  const issues: DesignIssue[] = [];

  const events: Event[] = index.of('kernel.event').flatMap((row) => eventFromRow(row, issues) ?? []);
  const instructions: Instruction[] = index
    .of('kernel.instruction')
    .flatMap((row) => instructionFromRow(row, issues) ?? []);
  const programs = index.of('kernel.serviceprogram');

  const byKernelPk = <T extends { key: string; external?: { kernelPk?: number } }>(list: readonly T[]) => {
    const map = new Map<unknown, string>();
    for (const el of list) if (el.external?.kernelPk !== undefined) map.set(el.external.kernelPk, el.key);
    return map;
  };
  const baseServices = byKernelPk(base.services);
  const baseEvents = byKernelPk(base.events);
  const baseInstructions = byKernelPk(base.instructions);
  const fileKey = (model: string) => (pk: unknown) => str(index.get(model, pk), 'name') ?? undefined;

  const rules = rulesFromRows(
    index.of('kernel.servicerule'),
    {
      programField: 'service_program',
      program: fileKey('kernel.serviceprogram'),
      service: (pk) => baseServices.get(pk),
      event: (pk) => fileKey('kernel.event')(pk) ?? baseEvents.get(pk),
      instruction: (pk) => fileKey('kernel.instruction')(pk) ?? baseInstructions.get(pk),
    },
    issues,
  );
  if (issues.length > 0) throw new DesignValidationError(issues, 'erpsys flat rule set cannot be imported');

  const doc: DesignDocument = {
    ...structuredClone(base),
    services: upsertPrograms(base.services, programs),
    events: upsertKeepingParameters(base.events, events),
    instructions: upsertKeepingParameters(base.instructions, instructions),
    rules,
  };
  const result = validateDesign(doc);
  if (!result.ok) throw new DesignValidationError(result.issues, 'erpsys flat rule set gives an invalid design');
  return result.design;
}
