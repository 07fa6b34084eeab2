import { ConsoleLogger, Logger } from '@nestjs/common';
import { logLevelsUpTo, parseLogLevel } from '../src/infra/config/app-config';

/** Quiets Nest/TypeORM logs outside apps (LOG_LEVEL, default `warn`); apps started by tests set their own. */
export function quietTestLogs(): void {
  Logger.overrideLogger(
    new ConsoleLogger({ json: true, logLevels: logLevelsUpTo(parseLogLevel(process.env.LOG_LEVEL, 'warn')) }),
  );
}

quietTestLogs();
