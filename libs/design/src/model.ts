import { z } from 'zod';
import { SYS_CALLS } from '@opkernel/kernel';

/**
 * The design-time model of opkernel: services, events, instructions, service rules, roles, operators,
 * resources, entity types and work-order layouts. One {@link DesignDocument} is the unit that is imported,
 * validated, versioned and handed to the kernel. Every element has a stable `key`; imports upsert by key.
 *
 * Source of the vocabulary: the Django original (reference/erpsys-original.md §1.2, §1.3).
 */

/** A stable key: letters, digits, `_`, `-`, `.`; 1–120 characters. erpsys `name`s fit. */
export const Key = z
  .string()
  .min(1)
  .max(120)
  .regex(/^[A-Za-z0-9_.\-]+$/, 'must contain only letters, digits, "_", "-" or "."');
export type Key = z.infer<typeof Key>;

/** Where an element came from in a foreign system (erpsys ids and primary keys), kept for traceability. */
export const ExternalRef = z
  .object({
    erpsysId: z.string().optional(),
    kernelPk: z.number().int().optional(),
    designPk: z.number().int().optional(),
  })
  .strict();
export type ExternalRef = z.infer<typeof ExternalRef>;

/**
 * Kind of service:
 * - `manual`: a human task (appears in task lists);
 * - `system`: automated work (run by a deck worker; until then it stays READY in the system pool);
 * - `program`: a pure rule scope (e.g. erpsys 标准服务程序) that is never instantiated as a task.
 * A `manual` or `system` service that owns rules (rules whose `program` is its key) is *composite*:
 * its processes are program instances run by the kernel (reference §3.7).
 */
export const ServiceKind = z.enum(['manual', 'system', 'program']);
export type ServiceKind = z.infer<typeof ServiceKind>;

/** One resource a service needs while it runs: `quantity` units of `resourceType`. */
export const ResourceRequirement = z.object({ resourceType: Key, quantity: z.number().int().positive() }).strict();

/** A JSON Schema object (draft 2020-12 subset) describing the form submitted when a task completes. */
export const JsonSchema = z.record(z.string(), z.unknown());
export type JsonSchema = z.infer<typeof JsonSchema>;

export const Service = z
  .object({
    key: Key,
    label: z.string().min(1),
    kind: ServiceKind,
    /** Entity type served (an {@link EntityType} key, e.g. `Operator`), or null. */
    entityType: Key.nullable().default(null),
    /** Form as JSON Schema; null when the service has no form (e.g. a Log record). */
    form: JsonSchema.nullable().default(null),
    /** Name of the original record model (erpsys `config.subject.name`), informational. */
    recordModel: z.string().nullable().default(null),
    /** Role key that new tasks of this service are routed to, or null. */
    routeTo: Key.nullable().default(null),
    /** Priority given to new processes when the rule or request names none (0 = lowest). */
    defaultPriority: z.number().int().min(0).max(1000).default(0),
    /** True when an operator may start this service by hand (an entry point). */
    manualStart: z.boolean().default(false),
    resourceRequirements: z.array(ResourceRequirement).default([]),
    /** Sub-services this service consists of (bill of materials), informational. */
    consists: z.array(Key).default([]),
    external: ExternalRef.optional(),
  })
  .strict();
export type Service = z.infer<typeof Service>;

export const Event = z
  .object({
    key: Key,
    label: z.string().min(1),
    description: z.string().nullable().default(null),
    /** FEEL expression evaluated against the process's evaluation context; true fires the rule. */
    expression: z.string().min(1),
    /** Names of parameters the event declares (informational). */
    parameters: z.array(z.string()).default([]),
    external: ExternalRef.optional(),
  })
  .strict();
export type Event = z.infer<typeof Event>;

/** The kernel's system calls (reference §3.5), plus `terminate`. */
/** The kernel's system calls: the one list is the kernel's registry (`SYS_CALLS`), so the two cannot drift. */
export const SysCall = z.enum(SYS_CALLS);
export type SysCall = z.infer<typeof SysCall>;

export const Instruction = z
  .object({
    key: Key,
    label: z.string().min(1),
    sysCall: SysCall,
    /** Declared parameter names; values come from each rule's `parameterValues`. */
    parameters: z.array(z.string()).default([]),
    external: ExternalRef.optional(),
  })
  .strict();
export type Instruction = z.infer<typeof Instruction>;

/**
 * "When `event` holds for a process of service `subject` inside program `program`, run `instruction`
 * on `operand`." Rules of one program are evaluated in `order`, then `key`.
 */
export const ServiceRule = z
  .object({
    key: Key,
    label: z.string().min(1),
    /** The program (a service key) this rule belongs to: its scope. */
    program: Key,
    order: z.number().int(),
    /** Service of the process being evaluated. */
    subject: Key,
    event: Key,
    /** Instruction key, or null for a rule that is only logged. */
    instruction: Key.nullable().default(null),
    /** Service started/called by the instruction, or null. */
    operand: Key.nullable().default(null),
    /** Instruction parameter values, e.g. `{ iterations: 3 }`, `{ operators: ['chen_yi_sheng'] }`. */
    parameterValues: z.record(z.string(), z.unknown()).default({}),
    external: ExternalRef.optional(),
  })
  .strict();
export type ServiceRule = z.infer<typeof ServiceRule>;

export const Role = z
  .object({
    key: Key,
    label: z.string().min(1),
    /** Services operators holding this role may work on. */
    services: z.array(Key).default([]),
    external: ExternalRef.optional(),
  })
  .strict();
export type Role = z.infer<typeof Role>;

export const Operator = z
  .object({
    key: Key,
    label: z.string().min(1),
    /** Login name, or null for an operator that cannot log in (e.g. a customer without account). */
    username: z.string().min(1).nullable().default(null),
    roles: z.array(Key).default([]),
    organisation: z.string().nullable().default(null),
    /** Staff can log in to the operator app; customers cannot. */
    staff: z.boolean().default(false),
    admin: z.boolean().default(false),
    /** Key of a related staff operator (e.g. a customer's account manager). */
    relatedStaff: Key.nullable().default(null),
    external: ExternalRef.optional(),
  })
  .strict();
export type Operator = z.infer<typeof Operator>;

export const ResourceType = z
  .object({
    key: Key,
    label: z.string().min(1),
    /** erpsys ResourceType: consumption, time-division multiplexed, recycle, shared. */
    usage: z.enum(['consumption', 'tdm', 'recycle', 'shared']),
    external: ExternalRef.optional(),
  })
  .strict();
export type ResourceType = z.infer<typeof ResourceType>;

export const Resource = z
  .object({
    key: Key,
    label: z.string().min(1),
    type: Key,
    /** Units usable at once (1 = exclusive). */
    capacity: z.number().int().positive().default(1),
    external: ExternalRef.optional(),
  })
  .strict();
export type Resource = z.infer<typeof Resource>;

export const EntityType = z.object({ key: Key, label: z.string().min(1), external: ExternalRef.optional() }).strict();
export type EntityType = z.infer<typeof EntityType>;

/** A list-column layout (erpsys WorkOrder): `path` is a dot path into the task row. */
export const WorkOrderColumn = z
  .object({
    label: z.string(),
    name: z.string(),
    path: z.string(),
    visible: z.boolean().default(true),
    order: z.number().int().default(0),
  })
  .strict();
export const WorkOrder = z
  .object({
    key: Key,
    label: z.string().min(1),
    columns: z.array(WorkOrderColumn).default([]),
    external: ExternalRef.optional(),
  })
  .strict();
export type WorkOrder = z.infer<typeof WorkOrder>;

export const DESIGN_SCHEMA_VERSION = 1 as const;

export const DesignDocument = z
  .object({
    schemaVersion: z.literal(DESIGN_SCHEMA_VERSION),
    name: z.string().min(1),
    services: z.array(Service).default([]),
    events: z.array(Event).default([]),
    instructions: z.array(Instruction).default([]),
    rules: z.array(ServiceRule).default([]),
    roles: z.array(Role).default([]),
    operators: z.array(Operator).default([]),
    resourceTypes: z.array(ResourceType).default([]),
    resources: z.array(Resource).default([]),
    entityTypes: z.array(EntityType).default([]),
    workOrders: z.array(WorkOrder).default([]),
  })
  .strict();
/** A whole design, as imported and versioned. All arrays are present after parsing. */
export type DesignDocument = z.infer<typeof DesignDocument>;
/** A design document as written by hand: defaults may be omitted. */
export type DesignDocumentInput = z.input<typeof DesignDocument>;
