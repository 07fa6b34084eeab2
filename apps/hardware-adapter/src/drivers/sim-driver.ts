import type { Device } from '@opkernel/design';
import type {
  CommandOutcome,
  DeviceCommandRequest,
  DeviceDriver,
  DeviceEmitted,
  DeviceStatus,
  DriverListener,
} from './device-driver';
import { SimulatedDevice } from './simulated-device';

/**
 * The `sim` driver: a {@link SimulatedDevice} inside the adapter (no field bus), always online unless told
 * otherwise. Tests drive it through {@link emit} and {@link setStatus}; `latencyMs` delays every command.
 */
export class SimDriver implements DeviceDriver {
  private listener: DriverListener | null = null;
  private state: DeviceStatus = 'offline';
  private sim: SimulatedDevice | null = null;

  constructor(private readonly options: { latencyMs: number; dedupe: boolean } = { latencyMs: 0, dedupe: true }) {}

  async start(device: Device, listener: DriverListener): Promise<void> {
    this.sim = new SimulatedDevice(device.key, this.options);
    this.listener = listener;
    this.setStatus('online');
  }

  /** The simulated device (its execution counts). */
  get device(): SimulatedDevice | null {
    return this.sim;
  }

  /** Emits a device event as the device would. */
  emit(e: DeviceEmitted): void {
    this.listener?.event(e);
  }

  /** Changes the link state (a simulated heartbeat loss or return). */
  setStatus(s: DeviceStatus): void {
    if (s === this.state) return;
    this.state = s;
    this.listener?.status(s);
  }

  /** @throws Error when offline or not started; the abort reason when `signal` aborts first */
  async command(c: DeviceCommandRequest, signal: AbortSignal): Promise<CommandOutcome> {
    if (!this.sim || this.state !== 'online') throw new Error('device offline');
    signal.throwIfAborted();
    const aborted = new Promise<never>((_, reject) =>
      signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true }),
    );
    return Promise.race([this.sim.handle(c), aborted]);
  }

  status(): DeviceStatus {
    return this.state;
  }

  async stop(): Promise<void> {
    this.listener = null; // a stopping adapter does not report its devices offline
    this.state = 'offline';
  }
}
