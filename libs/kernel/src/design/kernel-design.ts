import type { KernelEventTrigger } from '../events/triggers';
import type { KernelAutomation, KernelDeck } from '../routes/automation';
import {
  schedulerIndex,
  type SchedulerDesignInput,
  type SchedulerIndex,
  type SchedulerServiceInput,
} from '../scheduler/design';

/**
 * The parts of a design the kernel reads. `@opkernel/design`'s `DesignDocument` satisfies these types
 * structurally; the kernel does not import the design library (dependencies point inward).
 */
export type KernelService = {
  key: string;
  label: string;
  kind: 'manual' | 'system' | 'program';
  entityType: string | null;
  routeTo: string | null;
  defaultPriority: number;
  manualStart: boolean;
  form?: Record<string, unknown> | null;
  /** A system service's automation (route or DAG on decks); absent or null: it waits in the system pool. */
  automation?: KernelAutomation | null;
} & Omit<SchedulerServiceInput, 'key' | 'routeTo'>;
export type KernelEvent = { key: string; label: string; expression: string };
export type KernelInstruction = { key: string; label: string; sysCall: string; parameters: string[] };
export type KernelRule = {
  key: string;
  label: string;
  program: string;
  order: number;
  subject: string;
  event: string;
  instruction: string | null;
  operand: string | null;
  parameterValues: Record<string, unknown>;
};
export type KernelRole = { key: string; label: string; services: string[] } & Pick<
  SchedulerDesignInput['roles'][number],
  'scheduler'
>;
export type KernelDesign = {
  services: KernelService[];
  events: KernelEvent[];
  instructions: KernelInstruction[];
  rules: KernelRule[];
  roles: KernelRole[];
  /** Decks (queue-worker groups) automation routes run on; absent = none. */
  decks?: KernelDeck[];
  /** Inbound events that start services; absent = none. */
  eventTriggers?: KernelEventTrigger[];
} & Omit<SchedulerDesignInput, 'services' | 'roles'>;

/** A design prepared for fast lookups; build once per design version with {@link indexDesign}. */
export type DesignIndex = {
  version: number;
  services: Map<string, KernelService>;
  events: Map<string, KernelEvent>;
  instructions: Map<string, KernelInstruction>;
  roles: Map<string, KernelRole>;
  /** Rules by `program|subject`, sorted by (order, key). */
  rulesByScope: Map<string, KernelRule[]>;
  /** Services that own rules (rules whose program is the service): their processes are program instances. */
  composites: Set<string>;
  /** Role keys allowing each service. */
  rolesByService: Map<string, string[]>;
  /** The scheduler's view of the design: settings, skills, weights, calendars, SLAs, lanes. */
  scheduler: SchedulerIndex;
  /** Decks by key. */
  decks: Map<string, KernelDeck>;
  /** Event triggers, in design order. */
  eventTriggers: KernelEventTrigger[];
};

const scopeKey = (program: string, subject: string) => `${program}|${subject}`;

/** Builds the lookup index of a design version. Pure; O(size of the design). */
export function indexDesign(version: number, design: KernelDesign): DesignIndex {
  const rulesByScope = new Map<string, KernelRule[]>();
  const composites = new Set<string>();
  for (const rule of design.rules) {
    const k = scopeKey(rule.program, rule.subject);
    rulesByScope.set(k, [...(rulesByScope.get(k) ?? []), rule]);
  }
  for (const list of rulesByScope.values()) {
    list.sort((a, b) => a.order - b.order || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }
  const services = new Map(design.services.map((s) => [s.key, s]));
  for (const rule of design.rules) {
    const s = services.get(rule.program);
    if (s && s.kind !== 'program') composites.add(s.key);
  }
  const rolesByService = new Map<string, string[]>();
  for (const role of design.roles) {
    for (const svc of role.services) rolesByService.set(svc, [...(rolesByService.get(svc) ?? []), role.key]);
  }
  return {
    version,
    services,
    events: new Map(design.events.map((e) => [e.key, e])),
    instructions: new Map(design.instructions.map((i) => [i.key, i])),
    roles: new Map(design.roles.map((r) => [r.key, r])),
    rulesByScope,
    composites,
    rolesByService,
    scheduler: schedulerIndex(design),
    decks: new Map((design.decks ?? []).map((d) => [d.key, d])),
    eventTriggers: design.eventTriggers ?? [],
  };
}

/**
 * Rules that apply to a process of `service` running in `program` (reference §3.7): the rules of its program
 * scope whose subject is the service, then — for a program instance — the service's own program rules about
 * itself (e.g. "客户接待 NEW → start 到诊确认"). Each list is in (order, key) order. `includeOwn` is false for a
 * program instance that has TERMINATED: its own program is over, and only its caller's rules about it apply.
 */
export function rulesFor(index: DesignIndex, program: string | null, service: string, includeOwn = true): KernelRule[] {
  const outer = program ? (index.rulesByScope.get(scopeKey(program, service)) ?? []) : [];
  const own =
    includeOwn && index.composites.has(service) && program !== service
      ? (index.rulesByScope.get(scopeKey(service, service)) ?? [])
      : [];
  return [...outer, ...own];
}

/** Services allowed by a set of roles. */
export function allowedServices(index: DesignIndex, roles: readonly string[]): string[] {
  const out = new Set<string>();
  for (const r of roles) for (const s of index.roles.get(r)?.services ?? []) out.add(s);
  return [...out].sort();
}

/** An entry point: a service an operator may start by hand, and the program scope it starts in. */
export type EntryPoint = { service: string; label: string; program: string | null; entityType: string | null };

/**
 * Services that may be started by hand: for each `program` service with `manualStart`, the subject of its
 * lowest-order rule (erpsys `get_program_entrypoints` as intended, reference §6.3: rule 59 → 客户服务);
 * plus every non-program service with `manualStart` itself. Filtered by entity type when given.
 */
export function entryPoints(index: DesignIndex, entityType?: string): EntryPoint[] {
  const out = new Map<string, EntryPoint>();
  for (const svc of index.services.values()) {
    if (!svc.manualStart) continue;
    if (svc.kind === 'program') {
      const rules = [...index.rulesByScope.values()].flat().filter((r) => r.program === svc.key);
      rules.sort((a, b) => a.order - b.order || (a.key < b.key ? -1 : 1));
      const first = rules[0];
      const subject = first ? index.services.get(first.subject) : undefined;
      if (subject && !out.has(subject.key)) {
        out.set(subject.key, {
          service: subject.key,
          label: subject.label,
          program: svc.key,
          entityType: subject.entityType ?? svc.entityType,
        });
      }
    } else if (!out.has(svc.key)) {
      out.set(svc.key, { service: svc.key, label: svc.label, program: null, entityType: svc.entityType });
    }
  }
  return [...out.values()].filter((e) => !entityType || e.entityType === entityType);
}
