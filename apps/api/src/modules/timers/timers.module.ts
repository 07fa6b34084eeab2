import { Module, type DynamicModule } from '@nestjs/common';
import { manualClockRequested } from '../../infra/clock/clock.module';
import { ProcessesModule } from '../processes/processes.module';
import { TestClockController } from './test-clock.controller';
import { TimerSweep } from './timer-sweep.service';

/** Due timers: the sweep, and under `OPKERNEL_CLOCK=manual` the test clock's REST route. */
@Module({})
export class TimersModule {
  /** The module, with `TestClockController` only when the manual clock is on (read from the environment). */
  static forRoot(): DynamicModule {
    return {
      module: TimersModule,
      imports: [ProcessesModule],
      providers: [TimerSweep],
      controllers: manualClockRequested() ? [TestClockController] : [],
      exports: [TimerSweep],
    };
  }
}
