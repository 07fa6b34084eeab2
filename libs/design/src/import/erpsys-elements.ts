import { ExpressionTranslationError, translatePythonExpression } from '../feel/python-to-feel';
import { Event, Instruction, ServiceRule, SysCall } from '../model';
import { PythonLiteralError, parsePythonLiteral } from '../python/literal';
import type { DesignIssue } from '../validation/design-issue';
import { type FixtureRow, externalOf, rowPath, str, strings } from './erpsys-rows';

/*
 * Converters from erpsys kernel rows (event, instruction, servicerule) to design elements, shared by the
 * backup.json importer and the flat business_define.json importer. Problems are pushed to `issues`.
 */

/**
 * Convert a rule's `parameter_values` (null, a JSON object, or a Python-literal string such as
 * `{"active": True}`) to a JSON object; pushes an issue and returns {} when it is anything else.
 */
export function readParameterValues(row: FixtureRow, issues: DesignIssue[]): Record<string, unknown> {
  const raw = row.fields.parameter_values;
  if (raw === null || raw === undefined || raw === '') return {};
  let value: unknown = raw;
  if (typeof raw === 'string') {
    try {
      value = parsePythonLiteral(raw);
    } catch (err) {
      if (!(err instanceof PythonLiteralError)) throw err;
      issues.push({
        path: rowPath(row, 'parameter_values'),
        code: 'invalid_parameter_values',
        message: `rule ${JSON.stringify(str(row, 'name'))}: ${err.message}`,
      });
      return {};
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    issues.push({
      path: rowPath(row, 'parameter_values'),
      code: 'invalid_parameter_values',
      message: `rule ${JSON.stringify(str(row, 'name'))}: parameter_values must be a dictionary, got ${JSON.stringify(raw)}`,
    });
    return {};
  }
  return value as Record<string, unknown>;
}

/** Build an {@link Event} from a kernel.event row, translating its Python expression to FEEL. */
export function eventFromRow(row: FixtureRow, issues: DesignIssue[]): Event | null {
  const key = str(row, 'name');
  if (!key) {
    issues.push({ path: rowPath(row, 'name'), code: 'missing_name', message: 'event without a name' });
    return null;
  }
  const source = typeof row.fields.expression === 'string' ? row.fields.expression : '';
  let expression = source;
  try {
    expression = translatePythonExpression(key, source);
  } catch (err) {
    if (!(err instanceof ExpressionTranslationError)) throw err;
    issues.push({ path: rowPath(row, 'expression'), code: 'untranslatable_expression', message: err.message });
  }
  return {
    key,
    label: str(row, 'label') ?? key,
    description: str(row, 'description'),
    expression,
    parameters: strings(row.fields.parameters),
    external: externalOf(row, 'kernel'),
  };
}

/** Build an {@link Instruction} from a kernel.instruction row. */
export function instructionFromRow(row: FixtureRow, issues: DesignIssue[]): Instruction | null {
  const key = str(row, 'name');
  const sysCall = SysCall.safeParse(row.fields.sys_call);
  if (!key || !sysCall.success) {
    issues.push({
      path: rowPath(row, key ? 'sys_call' : 'name'),
      code: key ? 'unknown_sys_call' : 'missing_name',
      message: key
        ? `instruction "${key}": unknown sys_call ${JSON.stringify(row.fields.sys_call)}`
        : 'instruction without a name',
    });
    return null;
  }
  return {
    key,
    label: str(row, 'label') ?? key,
    sysCall: sysCall.data,
    parameters: strings(row.fields.parameters),
    external: externalOf(row, 'kernel'),
  };
}

/**
 * Build rules from kernel.servicerule rows. Keys: the rule `name` when unique among the rows, else
 * `<name>_<order>` (then `_<pk>` if still taken); `rule_<pk>` for a rule without name.
 * `programField` names the row field holding the program pk (`target_service` in backup.json,
 * `service_program` in the flat file); the `resolve` functions map pks to keys (undefined when unknown,
 * which is reported as an `unknown_reference` issue naming the rule). `parameter_values` may be null, an
 * object or a Python-literal string. Rules with an unresolvable program, subject or event are dropped.
 */
export function rulesFromRows(
  rows: readonly FixtureRow[],
  resolve: {
    programField: 'target_service' | 'service_program';
    program: (pk: unknown) => string | undefined;
    service: (pk: unknown) => string | undefined;
    event: (pk: unknown) => string | undefined;
    instruction: (pk: unknown) => string | undefined;
  },
  issues: DesignIssue[],
): ServiceRule[] {
  const nameCount = new Map<string, number>();
  for (const row of rows) {
    const name = str(row, 'name');
    if (name) nameCount.set(name, (nameCount.get(name) ?? 0) + 1);
  }
  const used = new Set<string>();
  const rules: ServiceRule[] = [];
  for (const row of rows) {
    const name = str(row, 'name');
    const order = typeof row.fields.order === 'number' ? row.fields.order : 0;
    let key = name && nameCount.get(name) === 1 ? name : name ? `${name}_${order}` : `rule_${row.pk}`;
    if (used.has(key)) key = `${key}_${row.pk}`;
    used.add(key);
    const who = `rule ${JSON.stringify(name ?? key)} (pk ${row.pk})`;
    const need = (field: string, value: string | undefined, raw: unknown, what: string, nullable: boolean) => {
      if (value !== undefined || (nullable && (raw === null || raw === undefined))) return value ?? null;
      issues.push({
        path: rowPath(row, field),
        code: 'unknown_reference',
        message: `${who}: ${field} ${JSON.stringify(raw)} is not a known ${what}`,
      });
      return null;
    };
    const programPk = row.fields[resolve.programField];
    const program = need(resolve.programField, resolve.program(programPk), programPk, 'program', false);
    const subject = need('service', resolve.service(row.fields.service), row.fields.service, 'service', false);
    const event = need('event', resolve.event(row.fields.event), row.fields.event, 'event', false);
    const instruction = need(
      'system_instruction',
      resolve.instruction(row.fields.system_instruction),
      row.fields.system_instruction,
      'instruction',
      true,
    );
    const operand = need(
      'operand_service',
      resolve.service(row.fields.operand_service),
      row.fields.operand_service,
      'service',
      true,
    );
    const parameterValues = readParameterValues(row, issues);
    if (program === null || subject === null || event === null) continue;
    rules.push({
      key,
      label: str(row, 'label') ?? key,
      program,
      order,
      subject,
      event,
      instruction,
      operand,
      parameterValues,
      external: externalOf(row, 'kernel'),
    });
  }
  return rules;
}
