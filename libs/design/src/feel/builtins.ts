/**
 * Names of the FEEL built-in functions an event expression may call: the DMN 1.4 built-ins plus those
 * feelin 8 implements (its `builtins` table in node_modules/feelin/dist/index.js). Multi-word names are
 * written with single spaces, as {@link normaliseFeelName} produces them.
 *
 * Note: a few DMN names (`is defined`, `get or else`, `last day of month`) are allowed by the checker but
 * not implemented by feelin 8; calling them evaluates to `null` with a warning.
 */
export const FEEL_BUILTIN_FUNCTIONS: ReadonlySet<string> = new Set([
  // conversion
  'number',
  'string',
  'date',
  'time',
  'date and time',
  'duration',
  'years and months duration',
  '@',
  'now',
  'today',
  // boolean
  'not',
  'is defined',
  'get or else',
  // string
  'substring',
  'string length',
  'upper case',
  'lower case',
  'substring before',
  'substring after',
  'replace',
  'contains',
  'matches',
  'starts with',
  'ends with',
  'split',
  'string join',
  // list
  'list contains',
  'list replace',
  'count',
  'min',
  'max',
  'sum',
  'mean',
  'all',
  'any',
  'sublist',
  'append',
  'concatenate',
  'insert before',
  'remove',
  'reverse',
  'index of',
  'union',
  'distinct values',
  'flatten',
  'product',
  'median',
  'stddev',
  'mode',
  'sort',
  // numeric
  'decimal',
  'floor',
  'ceiling',
  'abs',
  'round up',
  'round down',
  'round half up',
  'round half down',
  'modulo',
  'sqrt',
  'log',
  'exp',
  'odd',
  'even',
  // temporal
  'is',
  'day of year',
  'day of week',
  'month of year',
  'week of year',
  'last day of month',
  // range
  'before',
  'after',
  'meets',
  'met by',
  'overlaps',
  'overlaps before',
  'overlaps after',
  'finishes',
  'finished by',
  'includes',
  'during',
  'starts',
  'started by',
  'coincides',
  // context
  'get value',
  'get entries',
  'context',
  'context put',
  'context merge',
]);

/**
 * Names that reach host (JavaScript) objects or evoke code loading; forbidden as a variable name, path
 * segment or context key anywhere in an expression. Compared case-sensitively.
 */
export const FEEL_FORBIDDEN_NAMES: ReadonlySet<string> = new Set([
  '__proto__',
  'constructor',
  'prototype',
  'globalThis',
  'process',
  'require',
  'import',
  'eval',
  'Function',
  'this',
  '__defineGetter__',
  '__defineSetter__',
  '__lookupGetter__',
  '__lookupSetter__',
]);

/**
 * Collapse the whitespace inside a (possibly multi-word) FEEL name: `"string   length"` → `"string length"`.
 * @param name raw name text from the source.
 * @returns the normalised name.
 */
export function normaliseFeelName(name: string): string {
  return name.trim().split(/\s+/).join(' ');
}
