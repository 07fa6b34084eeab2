import type { Pcb, ProcessState } from '../pcb/pcb';
import type { EntityView } from '../ports/ports';

/**
 * The variables a rule expression sees (FEEL context), in increasing precedence:
 * 1. context variables (inherited ∪ local, local winning), e.g. `parallel_completed`, `iteration_index`;
 * 2. process fields, both plain and with the erpsys `process_` prefix (`state`/`process_state`,
 *    `service`/`process_service`, `priority`, `pid`, `assignee`/`process_operator`, `terminated_reason`, …);
 * 3. `entity` (`{ type, id, label, …attributes }` or null) and `form` (the form data submitted with the
 *    transition, `{}` when none) — so a rule can branch on a form field: `form.confirmed = true`.
 * `state` is the state whose entry is being evaluated (captured at the transition).
 */
export function evaluationContext(
  pcb: Pcb,
  state: ProcessState,
  vars: Record<string, unknown>,
  entity: EntityView | null,
  serviceLabel: string,
): Record<string, unknown> {
  const createdAt = new Date(pcb.createdAt).toISOString();
  const updatedAt = new Date(pcb.updatedAt).toISOString();
  const fields = {
    pid: pcb.pid,
    state,
    service: pcb.service,
    service_label: serviceLabel,
    priority: pcb.priority,
    assignee: pcb.assignee,
    creator: pcb.creator,
    program: pcb.program,
    terminated_reason: pcb.terminatedReason,
    created_at: createdAt,
    updated_at: updatedAt,
  };
  return {
    ...vars,
    ...fields,
    process_id: pcb.pid,
    process_state: state,
    process_service: pcb.service,
    process_name: serviceLabel,
    process_priority: pcb.priority,
    process_operator: pcb.assignee,
    process_created_at: createdAt,
    process_updated_at: updatedAt,
    entity: entity ? { ...entity.attributes, type: entity.type, id: entity.id, label: entity.label } : null,
    form: pcb.formData ?? {},
  };
}
