import type { KernelRule, KernelService } from '../design/kernel-design';

/** A design service for kernel tests (no route, priority 0). */
export function serviceDef(
  key: string,
  options: { label?: string; kind?: KernelService['kind']; manualStart?: boolean; entityType?: string | null } = {},
): KernelService {
  return {
    key,
    label: options.label ?? key,
    kind: options.kind ?? 'manual',
    entityType: options.entityType ?? null,
    routeTo: null,
    defaultPriority: 0,
    manualStart: options.manualStart ?? false,
  };
}

/** A service rule for kernel tests; the label is the key. */
export function ruleDef(
  key: string,
  program: string,
  order: number,
  subject: string,
  event: string,
  instruction: string | null,
  operand: string | null,
  parameterValues: Record<string, unknown> = {},
): KernelRule {
  return { key, label: key, program, order, subject, event, instruction, operand, parameterValues };
}
