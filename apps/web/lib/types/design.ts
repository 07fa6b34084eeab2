/** A service of the current design (only what the web app reads). */
export type DesignService = {
  key: string;
  label: string;
  kind: 'manual' | 'system' | 'program';
  entityType: string | null;
  /** JSON Schema of the task's form, or null. */
  form: Record<string, unknown> | null;
  manualStart: boolean;
};

/** A list-column layout (erpsys WorkOrder); `path` is an erpsys dot path into the task row. */
export type WorkOrderColumn = { label: string; name: string; path: string; visible: boolean; order: number };
export type WorkOrder = { key: string; label: string; columns: WorkOrderColumn[] };

/** GET /api/v1/designs/current (the parts the web app reads). */
export type CurrentDesign = {
  version: number;
  name: string;
  services: DesignService[];
  roles: { key: string; label: string }[];
  entityTypes: { key: string; label: string }[];
  /** Kinds of rooms and machines (absent in designs without them). */
  resourceTypes?: { key: string; label?: string }[];
  workOrders: WorkOrder[];
};
