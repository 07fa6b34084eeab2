import { Logger } from '@nestjs/common';
import type { Job } from 'bullmq';
import type { PostEventBody } from '@opkernel/contracts';
import type { Device } from '@opkernel/design';
import { deviceQueueName, type StageJob } from '@opkernel/kernel';
import type { DeckHandlers } from '../../api/src/modules/decks/deck-handlers';
import type { WorkerTuning } from '../../api/src/modules/decks/decks.options';
import { runHop, type HopSink } from '../../api/src/modules/decks/hop-runner';
import type { QueueFactory } from '../../api/src/modules/decks/queue-factory';
import { KERNEL_EVENTS_QUEUE, kernelEventOptions } from '../../api/src/modules/events/kernel-events.queue';
import { kernelEventOf, statusEventOf } from './device-events';
import type { DeviceDriver, DeviceStatus } from './drivers/device-driver';

/**
 * One device in the adapter (reference/decks.md §3.1): its driver, and the BullMQ worker of its queue `hw-<key>`
 * (concurrency = the device's) running {@link runHop} with the adapter's handlers. Device events go to the
 * `kernel-events` queue; a status change pauses (`offline`) or resumes (`online`) the device's queue — jobs wait
 * there, their processes stay WAITING — and is itself sent as a `device.offline` / `device.online` kernel event.
 */
export class DeviceRuntime {
  private readonly log: Logger;
  private status: DeviceStatus | null = null;
  /** Status changes are applied one after the other (pause/resume are asynchronous). */
  private chain: Promise<void> = Promise.resolve();

  constructor(
    readonly device: Device,
    readonly driver: DeviceDriver,
    private readonly queues: QueueFactory,
  ) {
    this.log = new Logger(`Device ${device.key}`);
  }

  /** The device's queue name, `hw-<key>`. */
  get queueName(): string {
    return deviceQueueName(this.device.key);
  }

  /** Connects the driver, applies its status to the queue, then starts the queue's worker. */
  async start(handlers: DeckHandlers, sink: HopSink, tuning: WorkerTuning): Promise<void> {
    await this.driver.start(this.device, {
      event: (e) => void this.publish(kernelEventOf(this.device, e)),
      status: (s) => this.onStatus(s),
    });
    this.onStatus(this.driver.status());
    await this.chain;
    this.queues.worker(this.queueName, (job) => runHop(job as Job<StageJob>, handlers, sink), {
      concurrency: this.device.concurrency,
      maxStalledCount: 2,
      lockDuration: tuning.lockDurationMs,
      stalledInterval: tuning.stalledIntervalMs,
    });
    this.log.log(`queue ${this.queueName}: worker started, concurrency ${this.device.concurrency}`);
  }

  /** Waits until the status changes seen so far are applied to the queue. */
  settled(): Promise<void> {
    return this.chain;
  }

  private onStatus(s: DeviceStatus): void {
    if (s === this.status) return;
    this.status = s;
    const at = Date.now();
    this.chain = this.chain
      .then(async () => {
        const queue = this.queues.queue(this.queueName);
        if (s === 'offline') await queue.pause();
        else await queue.resume();
        this.log.log(`${s}: queue ${this.queueName} ${s === 'offline' ? 'paused' : 'resumed'}`);
        await this.publish(statusEventOf(this.device.key, s, at));
      })
      .catch((e: unknown) => this.log.warn(`status ${s}: ${e instanceof Error ? e.message : String(e)}`));
  }

  /** Adds a kernel event (deduplicated by its job id, then by `(source, eventId)` in the API). */
  private async publish(body: PostEventBody): Promise<void> {
    try {
      await this.queues.queue(KERNEL_EVENTS_QUEUE).add(body.type, body, kernelEventOptions(body));
    } catch (e) {
      this.log.warn(`event ${body.eventId} not queued: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  async stop(): Promise<void> {
    await this.driver.stop();
  }
}
