import { describe, expect, it } from 'vitest';
import * as design from './index';

describe('@opkernel/design public API', () => {
  it('exports the functions, errors and model schemas by name', () => {
    const functions = [
      'validateDesign',
      'formatIssuePath',
      'checkFeelExpression',
      'evaluateFeel',
      'translatePythonExpression',
      'parsePythonLiteral',
      'parseNativeDesign',
      'serializeNativeDesign',
      'canonicalJson',
      'designHash',
      'importErpsysFixture',
      'importErpsysFlat',
      'mergeDesigns',
      'DesignValidationError',
      'ExpressionTranslationError',
      'PythonLiteralError',
    ] as const;
    for (const name of functions) expect(typeof design[name], name).toBe('function');
    expect(design.DesignDocument.parse({ schemaVersion: 1, name: 'x' }).services).toEqual([]);
    expect(design.DESIGN_SCHEMA_VERSION).toBe(1);
    for (const schema of [design.Skill, design.Calendar, design.Sla, design.SlaAction, design.SchedulerSettings]) {
      expect(typeof schema.safeParse).toBe('function');
    }
    expect(design.BUILTIN_CALENDAR_KEY).toBe('24x7');
    expect(design.ERPSYS_ROLE_GRANT_PROPOSAL.map((p) => p.role)).toEqual([
      'ke_fu',
      'hu_shi',
      'yi_sheng',
      'guan_li_yuan',
    ]);
    expect(design.FEEL_BUILTIN_FUNCTIONS.has('string length')).toBe(true);
    expect(design.FEEL_FORBIDDEN_NAMES.has('__proto__')).toBe(true);
  });
});
