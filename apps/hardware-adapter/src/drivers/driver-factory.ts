import type { Device } from '@opkernel/design';
import type { DeviceDriver } from './device-driver';
import { MqttDriver } from './mqtt-driver';
import { SimDriver } from './sim-driver';

/**
 * The driver of a device by its `driver` kind: `sim` (in-process), `mqtt` (broker client id
 * `opk-adapter-<adapter>-<pid>-<device>`, a clean session: the ledger, not the broker, keeps what was sent).
 * Serial (`serialport`, the `line-kv` profile) is not implemented yet.
 * @throws Error for `serial`
 */
export function driverFor(device: Device, adapterName: string): DeviceDriver {
  switch (device.driver) {
    case 'sim':
      return new SimDriver();
    case 'mqtt':
      return new MqttDriver(`opk-adapter-${adapterName}-${process.pid}-${device.key}`);
    case 'serial':
      throw new Error(`device ${device.key}: the serial driver is not implemented yet`);
  }
}
