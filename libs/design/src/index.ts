/**
 * @opkernel/design — the design model (services, events, instructions, rules, roles, operators, …),
 * its validation, safe FEEL expressions, and importers (native YAML/JSON, erpsys fixtures).
 */

// The design-model contract (zod schemas and their types).
export * from './model';

// Validation.
export { validateDesign, SYS_CALLS_NEEDING_OPERAND } from './validation/validate-design';
export type { DesignValidationResult } from './validation/validate-design';
export { DesignValidationError, formatIssuePath } from './validation/design-issue';
export type { DesignIssue } from './validation/design-issue';

// FEEL expressions.
export { checkFeelExpression, evaluateFeel, FEEL_MAX_EXPRESSION_LENGTH } from './feel/check-expression';
export type { FeelIssue, FeelIssueCode, FeelEvaluation } from './feel/check-expression';
export { FEEL_BUILTIN_FUNCTIONS, FEEL_FORBIDDEN_NAMES } from './feel/builtins';
export { translatePythonExpression, ExpressionTranslationError } from './feel/python-to-feel';
export { parsePythonLiteral, PythonLiteralError } from './python/literal';

// Native format, hashing.
export { parseNativeDesign, serializeNativeDesign, canonicalJson, designHash } from './import/native';

// erpsys importers.
export { importErpsysFixture } from './import/erpsys-fixture';
export type { ErpsysFixtureOptions } from './import/erpsys-fixture';
export { ERPSYS_ROLE_GRANT_PROPOSAL } from './import/erpsys-role-proposal';
export type { RoleGrantProposal } from './import/erpsys-role-proposal';
export { importErpsysFlat } from './import/erpsys-flat';

// Merging.
export { mergeDesigns } from './merge/merge-designs';
export type { MergeDesignsOptions } from './merge/merge-designs';
