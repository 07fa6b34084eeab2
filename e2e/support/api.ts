import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { ApiClient, ApiProblem } from '../../apps/api/src/journey/api-client';
import { sampleForm } from '../../apps/api/src/journey/sample-form';
import type { ProcessView } from '../../apps/api/src/modules/processes/process-view';

export { ApiClient, ApiProblem };

/** The app started by e2e/global-setup.ts. */
export function e2eEnv(): { baseURL: string; adminPassword: string } {
  return { baseURL: inject('e2eBaseUrl'), adminPassword: inject('e2eAdminPassword') };
}

/** The clinic's staff: login name → operator key (erpsys fixture). */
export const STAFF = { fang: 'xiao_fang', jiang: 'xiao_jiang', chen: 'chen_yi_sheng' } as const;
export type StaffName = keyof typeof STAFF;

/** The password the browser tests give each staff member. */
export const staffPassword = (username: string) => `${username}-e2e-password-1`;

/** A customer label no other test uses. */
export const uniqueLabel = (prefix: string) => `${prefix}-${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;

/** A process as the REST API answers it (the fields the tests read). */
export type Task = ProcessView;
export type EntityTasks = { scheduled: Task[]; running: Task[]; paused: Task[]; done: Task[] };
export type Journey = { root: Task; entity: { type: string; id: string }; label: string };
type Design = {
  services: { key: string; label: string; form: Record<string, unknown> | null }[];
  rules: { subject: string; event: string }[];
  events: { key: string; expression: string }[];
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * REST set-up for the browser tests: the admin gives the clinic staff their passwords, then journeys can be
 * started and advanced quickly through the API (the way apps/api/src/journey/clinic-journey.ts works them).
 */
export class Clinic {
  private designCache: Design | null = null;

  private constructor(
    readonly baseURL: string,
    readonly admin: ApiClient,
    readonly staff: Record<StaffName, ApiClient>,
  ) {}

  /** Logs in the admin, sets the staff passwords ({@link staffPassword}) and logs them in. */
  static async setup(): Promise<Clinic> {
    const { baseURL, adminPassword } = e2eEnv();
    const admin = await ApiClient.login(baseURL, 'admin', adminPassword);
    const staff = {} as Record<StaffName, ApiClient>;
    for (const [username, key] of Object.entries(STAFF) as [StaffName, string][]) {
      await admin.put(`/v1/operators/${encodeURIComponent(key)}/password`, { password: staffPassword(username) });
      staff[username] = await ApiClient.login(baseURL, username, staffPassword(username));
    }
    return new Clinic(baseURL, admin, staff);
  }

  get fang() {
    return this.staff.fang;
  }
  get jiang() {
    return this.staff.jiang;
  }
  get chen() {
    return this.staff.chen;
  }

  async design(): Promise<Design> {
    return (this.designCache ??= await this.admin.get<Design>('/v1/designs/current'));
  }

  /** The JSON Schema of a service's form. */
  async form(service: string): Promise<Record<string, unknown>> {
    const form = (await this.design()).services.find((s) => s.key === service)?.form;
    if (!form) throw new Error(`service ${service} has no form`);
    return form;
  }

  process(pid: number): Promise<Task & { children: Task[] }> {
    return this.admin.get(`/v1/processes/${pid}`);
  }

  events(pid: number): Promise<{ id: number; actor: string | null; action: string; toState: string }[]> {
    return this.admin.get(`/v1/processes/${pid}/events`);
  }

  /** Starts 客户服务 (ke_hu_fu_wu) as 小方 for a new customer called `label`. */
  async startJourney(label: string): Promise<Journey> {
    const root = await this.fang.post<Task & { entity: { type: string; id: string } }>('/v1/processes', {
      service: 'ke_hu_fu_wu',
      entity: { type: 'Operator', label },
    });
    return { root, entity: root.entity, label };
  }

  /** The root 客户服务 process started for the customer called `label` (e.g. one started in the browser). */
  async findJourney(label: string): Promise<Journey | null> {
    const page = await this.admin.get<{ items: Task[] }>(
      '/v1/processes?service=ke_hu_fu_wu&entityType=Operator&pageSize=100',
    );
    const root = page.items.find((p) => p.entity?.label === label);
    return root?.entity ? { root, entity: root.entity, label } : null;
  }

  entityTasks(entity: { type: string; id: string }): Promise<EntityTasks> {
    return this.admin.get(`/v1/entities/${encodeURIComponent(entity.type)}/${encodeURIComponent(entity.id)}/tasks`);
  }

  /** Waits until the customer has an open (not TERMINATED) task of `service`; @returns it */
  async openTask(journey: Journey, service: string, timeoutMs = 10_000): Promise<Task> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const groups = await this.entityTasks(journey.entity);
      const task = [...groups.scheduled, ...groups.running, ...groups.paused].find(
        (t) => t.kind === 'task' && t.service === service,
      );
      if (task) return task;
      if (Date.now() > deadline) throw new Error(`no open ${service} task for ${journey.label}`);
      await sleep(100);
    }
  }

  /** Waits until process `pid` is in `state`. */
  async waitForState(pid: number, state: string, timeoutMs = 10_000): Promise<Task> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const p = await this.process(pid);
      if (p.state === state) return p;
      if (Date.now() > deadline) throw new Error(`process ${pid} is ${p.state}, expected ${state}`);
      await sleep(100);
    }
  }

  /**
   * Works the customer's open tasks through the API — the assignee completes them with a sample form; pool tasks
   * are claimed first (陈医生 for the doctor's pool, else 小方); 面诊评估 is suspended ("request service") the
   * first time — until an open task of `service` exists. @returns that task
   */
  async advanceTo(journey: Journey, service: string): Promise<Task> {
    const design = await this.design();
    const suspendEvents = new Set(design.events.filter((e) => /"SUSPENDED"/.test(e.expression)).map((e) => e.key));
    const suspendServices = new Set(design.rules.filter((r) => suspendEvents.has(r.event)).map((r) => r.subject));
    const suspended = new Set<number>();
    const byKey = new Map<string, ApiClient>(Object.entries(STAFF).map(([u, k]) => [k, this.staff[u as StaffName]]));
    for (let round = 0; round < 40; round++) {
      const groups = await this.entityTasks(journey.entity);
      const open = [...groups.scheduled, ...groups.running].filter((t) => t.kind === 'task');
      const target = open.find((t) => t.service === service);
      if (target) return target;
      const task = open.sort((a, b) => a.pid - b.pid)[0];
      if (!task) throw new Error(`journey ${journey.label}: no open task before ${service}`);
      let client = task.assignee ? byKey.get(task.assignee) : undefined;
      if (!task.assignee) {
        client = task.candidateRoles.includes('yi_sheng') ? this.chen : this.fang;
        await client.post(`/v1/processes/${task.pid}/claim`);
      }
      if (!client) throw new Error(`no client for the assignee ${task.assignee} of ${task.service}`);
      if (suspendServices.has(task.service) && !suspended.has(task.pid)) {
        if (task.state === 'READY') await client.post(`/v1/processes/${task.pid}/start`);
        await client.post(`/v1/processes/${task.pid}/suspend`, { reason: 'request service: skin examination' });
        suspended.add(task.pid);
        continue;
      }
      await client.post(`/v1/processes/${task.pid}/complete`, {
        form: sampleForm(design.services.find((s) => s.key === task.service)?.form),
      });
    }
    throw new Error(`journey ${journey.label} did not reach ${service}`);
  }
}
