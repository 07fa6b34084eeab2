import {
  DESIGN_SCHEMA_VERSION,
  DesignDocument,
  EntityType,
  Operator,
  ResourceType,
  Role,
  Service,
  ServiceKind,
  WorkOrder,
} from '../model';
import { type DesignIssue, DesignValidationError } from '../validation/design-issue';
import { validateDesign } from '../validation/validate-design';
import { eventFromRow, instructionFromRow, rulesFromRows } from './erpsys-elements';
import { buildRecordForm } from './erpsys-forms';
import { ERPSYS_ROLE_GRANT_PROPOSAL } from './erpsys-role-proposal';
import { FixtureIndex, type FixtureRow, externalOf, obj, readFixtureRows, rowPath, str } from './erpsys-rows';

/** Options of {@link importErpsysFixture}. */
export type ErpsysFixtureOptions = {
  /**
   * `'fixture'`: role grants exactly as in kernel.role; `'fixture+proposal'` (default): plus the
   * reference §8.2 proposal ({@link ERPSYS_ROLE_GRANT_PROPOSAL}).
   */
  roleGrants?: 'fixture' | 'fixture+proposal';
  /** Document name; default: the design.project label (颜青诊所 in the demo), else `erpsys`. */
  name?: string;
};

/** erpsys design.resource `res_type` → {@link ResourceType} `usage`. */
const RESOURCE_USAGE: Record<string, ResourceType['usage']> = {
  Consumption: 'consumption',
  TDM: 'tdm',
  Recycle: 'recycle',
  Shared: 'shared',
};

/** Service.config requirement lists → kernel.resource names (resource type keys). */
const REQUIREMENT_TYPES: ReadonlyArray<[string, string]> = [
  ['material_requirements', 'Material'],
  ['equipment_requirements', 'Equipment'],
  ['device_requirements', 'Device'],
  ['capital_requirements', 'Capital'],
  ['knowledge_requirements', 'Knowledge'],
];

function serviceKind(row: FixtureRow, config: Record<string, unknown>, programsOnly: Set<unknown>): ServiceKind {
  if (programsOnly.has(row.pk)) return 'program';
  const type = config.service_type;
  return type === 'SYSTEM' || type === 'AGENT' ? 'system' : 'manual'; // MANUAL, and the invalid USER
}

function servicesFromFixture(index: FixtureIndex): Service[] {
  const rules = index.of('kernel.servicerule');
  const programs = new Set(rules.map((r) => r.fields.target_service));
  const steps = new Set(rules.flatMap((r) => [r.fields.service, r.fields.operand_service]));
  const programsOnly = new Set([...programs].filter((pk) => pk !== null && !steps.has(pk)));

  return index.of('kernel.service').flatMap((row): Service[] => {
    const key = str(row, 'name');
    if (!key) return [];
    const config = obj(row.fields.config);
    const designRow = index.byId('design.service', row.fields.erpsys_id);
    // Record model: design.service.subject, or (kernel-only services) the data item named in config.subject.
    const subjectRef = obj(config.subject);
    const dataItem = designRow ? designRow.fields.subject : index.byId('design.dataitem', subjectRef.erpsys_id)?.pk;
    const requirements = REQUIREMENT_TYPES.flatMap(([field, resourceType]) => {
      const list = Array.isArray(config[field]) ? (config[field] as unknown[]) : [];
      const quantity = list.reduce<number>((sum, item) => {
        const q = obj(item).quantity;
        return sum + (typeof q === 'number' && q > 0 ? Math.round(q) : 1);
      }, 0);
      return quantity > 0 ? [{ resourceType, quantity }] : [];
    });
    return [
      {
        key,
        label: str(row, 'label') ?? key,
        kind: serviceKind(row, config, programsOnly),
        entityType: typeof config.serve_content_type === 'string' ? config.serve_content_type : null,
        form: buildRecordForm(index, dataItem),
        recordModel: typeof subjectRef.name === 'string' ? subjectRef.name : null,
        routeTo: typeof obj(config.route_to).name === 'string' ? (obj(config.route_to).name as string) : null,
        defaultPriority: 0,
        manualStart: row.fields.manual_start === true,
        resourceRequirements: requirements,
        consists: (Array.isArray(config.consists) ? config.consists : [])
          .map((c) => obj(c).name)
          .filter((n): n is string => typeof n === 'string'),
        skills: [],
        capacityWeight: 1,
        expectedDuration: 'PT30M',
        sla: null,
        automation: null,
        external: externalOf(row, 'kernel', designRow),
      },
    ];
  });
}

function rolesFromFixture(
  index: FixtureIndex,
  services: readonly Service[],
  serviceKey: (pk: unknown) => string | undefined,
  withProposal: boolean,
  issues: DesignIssue[],
): Role[] {
  const known = new Set(services.map((s) => s.key));
  return index.of('kernel.role').flatMap((row): Role[] => {
    const key = str(row, 'name');
    if (!key) return [];
    const granted: string[] = [];
    for (const pk of Array.isArray(row.fields.services) ? row.fields.services : []) {
      const service = serviceKey(pk);
      if (service === undefined) {
        issues.push({
          path: rowPath(row, 'services'),
          code: 'unknown_reference',
          message: `role "${key}": service pk ${JSON.stringify(pk)} is not a kernel.service`,
        });
      } else if (!granted.includes(service)) granted.push(service);
    }
    if (withProposal) {
      for (const proposal of ERPSYS_ROLE_GRANT_PROPOSAL.filter((p) => p.role === key)) {
        const extra =
          proposal.services === 'every-non-program-service'
            ? services.filter((s) => s.kind !== 'program').map((s) => s.key)
            : proposal.services.filter((s) => known.has(s));
        for (const service of extra) if (!granted.includes(service)) granted.push(service);
      }
    }
    return [
      { key, label: str(row, 'label') ?? key, services: granted, scheduler: null, external: externalOf(row, 'kernel') },
    ];
  });
}

function operatorsFromFixture(index: FixtureIndex): Operator[] {
  return index.of('design.operator').flatMap((row): Operator[] => {
    const key = str(row, 'name');
    if (!key) return [];
    const user = index.get('auth.user', row.fields.user);
    const roles = (Array.isArray(row.fields.role) ? row.fields.role : [])
      .map((pk) => str(index.get('design.role', pk), 'name'))
      .filter((n): n is string => n !== null);
    return [
      {
        key,
        label: str(row, 'label') ?? key,
        username: str(user, 'username'),
        roles,
        organisation: str(index.get('design.organization', row.fields.organization), 'label'),
        staff: user?.fields.is_staff === true,
        admin: user?.fields.is_superuser === true,
        relatedStaff: str(index.get('design.operator', row.fields.related_staff), 'name'),
        skills: [],
        capacity: null,
        calendar: null,
        external: externalOf(row, 'design', index.byId('kernel.operator', row.fields.erpsys_id)),
      },
    ];
  });
}

function resourceTypesFromFixture(index: FixtureIndex, issues: DesignIssue[]): ResourceType[] {
  return index.of('kernel.resource').flatMap((row): ResourceType[] => {
    const key = str(row, 'name');
    if (!key) return [];
    const designRow =
      index.byId('design.resource', row.fields.erpsys_id) ??
      index.of('design.resource').find((d) => str(d, 'name') === key);
    const usage = RESOURCE_USAGE[str(designRow, 'res_type') ?? ''];
    if (!usage) {
      issues.push({
        path: rowPath(row),
        code: 'unknown_resource_usage',
        message: `resource type "${key}": no design.resource res_type (Consumption/TDM/Recycle/Shared) found`,
      });
      return [];
    }
    return [{ key, label: str(row, 'label') ?? key, usage, external: externalOf(row, 'kernel', designRow) }];
  });
}

function entityTypesFromFixture(index: FixtureIndex): EntityType[] {
  const params = index
    .of('kernel.sysparams')
    .find((row) => str(row, 'label') === '实体类型' || str(row, 'name') === 'shi_ti_lei_xing');
  if (!params || !Array.isArray(params.fields.config)) return [];
  return params.fields.config.flatMap((entry): EntityType[] => {
    const model = obj(entry).model;
    const verbose = obj(entry).verbose_name;
    if (typeof model !== 'string' || model.length === 0) return [];
    return [{ key: model, label: typeof verbose === 'string' && verbose.length > 0 ? verbose : model }];
  });
}

function workOrdersFromFixture(index: FixtureIndex): WorkOrder[] {
  return index.of('kernel.workorder').flatMap((row): WorkOrder[] => {
    const key = str(row, 'name');
    if (!key) return [];
    const columns = (Array.isArray(row.fields.config) ? row.fields.config : []).map((c) => {
      const col = obj(c);
      return {
        label: typeof col.label === 'string' ? col.label : '',
        name: typeof col.name === 'string' ? col.name : '',
        path: typeof col.value_expression === 'string' ? col.value_expression : '',
        visible: col.visible !== false,
        order: typeof col.order === 'number' ? Math.trunc(col.order) : 0,
      };
    });
    return [{ key, label: str(row, 'label') ?? key, columns, external: externalOf(row, 'kernel') }];
  });
}

/** Map kernel pks of `model` rows to their `name`. */
function keyByPk(index: FixtureIndex, model: string): (pk: unknown) => string | undefined {
  return (pk) => str(index.get(model, pk), 'name') ?? undefined;
}

/**
 * Import the erpsys Django fixture dump (backup.json) as a {@link DesignDocument}.
 *
 * Sources (reference/erpsys-original.md §1.2–§1.4, §8): the **kernel** layer for services, events,
 * instructions, service rules, roles, resource types, work orders and the 实体类型 sysparams (entity types);
 * the **design** layer for operators (design.operator + auth.user — not the 105 kernel.operator rows, whose
 * 91 "未知" customers are runtime data), resource usages and the record-model forms. erpsys ids and pks are
 * kept in `external`.
 * - Keys are erpsys `name`s (`ke_hu_fu_wu`, `completed`, `start_service`, `guan_li_yuan`, `Manager`, …);
 *   rule keys are the rule name when unique, else `<name>_<order>`.
 * - Service kind: `program` when the service is the program (target_service) of a rule but never a rule's
 *   subject or operand (标准服务程序, 标准登录程序); else SYSTEM/AGENT → `system`, MANUAL and the invalid
 *   USER → `manual`. Forms come from {@link buildRecordForm}; `Log` records and services without a record
 *   model get `form: null`.
 * - Event expressions are translated with {@link translatePythonExpression}.
 * - Roles: kernel.role grants; with `roleGrants: 'fixture+proposal'` (default) plus the §8.2 proposal
 *   {@link ERPSYS_ROLE_GRANT_PROPOSAL} (the fixture grants nothing to 医生/护士/客服 and leaves
 *   皮肤检查/治疗服务 ungranted, so the journey would have nobody to work it).
 *
 * @param rows the parsed fixture (JSON array of `{ model, pk, fields }`).
 * @param options `{ roleGrants?: 'fixture' | 'fixture+proposal'; name?: string }`.
 * @returns the validated design.
 * @throws {DesignValidationError} for malformed rows, untranslatable event expressions (the issue names the
 *   event), unresolvable references, or a resulting document that fails {@link validateDesign}.
 */
export function importErpsysFixture(rows: unknown[], options: ErpsysFixtureOptions = {}): DesignDocument {
  const index = new FixtureIndex(readFixtureRows(rows, 'erpsys fixture'));
  const issues: DesignIssue[] = [];

  const services = servicesFromFixture(index);
  const events = index.of('kernel.event').flatMap((row) => eventFromRow(row, issues) ?? []);
  const instructions = index.of('kernel.instruction').flatMap((row) => instructionFromRow(row, issues) ?? []);
  const serviceKey = keyByPk(index, 'kernel.service');
  const rules = rulesFromRows(
    index.of('kernel.servicerule'),
    {
      programField: 'target_service',
      program: serviceKey,
      service: serviceKey,
      event: keyByPk(index, 'kernel.event'),
      instruction: keyByPk(index, 'kernel.instruction'),
    },
    issues,
  );
  const withProposal = (options.roleGrants ?? 'fixture+proposal') === 'fixture+proposal';
  const roles = rolesFromFixture(index, services, serviceKey, withProposal, issues);

  const doc = {
    schemaVersion: DESIGN_SCHEMA_VERSION,
    name: options.name ?? str(index.of('design.project')[0], 'label') ?? 'erpsys',
    services,
    events,
    instructions,
    rules,
    roles,
    operators: operatorsFromFixture(index),
    resourceTypes: resourceTypesFromFixture(index, issues),
    resources: [],
    entityTypes: entityTypesFromFixture(index),
    workOrders: workOrdersFromFixture(index),
  };
  if (issues.length > 0) throw new DesignValidationError(issues, 'erpsys fixture cannot be imported');
  const result = validateDesign(doc);
  if (!result.ok) throw new DesignValidationError(result.issues, 'imported erpsys design is invalid');
  return result.design;
}
