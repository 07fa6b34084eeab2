import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '../config/app-config';
import { buildDataSourceOptions, openMigratedDataSource } from './data-source';
import { ENTITIES } from './entities';

/**
 * The TypeORM connection. The DataSource is created migrated (see `runMigrations`) before any other
 * provider's `onModuleInit` runs, so bootstrap code can rely on the schema.
 */
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        ...buildDataSourceOptions(config.databaseUrl, { logQueries: config.logLevel === 'verbose' }),
        retryAttempts: 5,
        retryDelay: 1000,
      }),
      dataSourceFactory: async (options) => {
        if (!options || !('url' in options) || typeof options.url !== 'string') throw new Error('No database URL');
        return openMigratedDataSource(options.url, options);
      },
    }),
    TypeOrmModule.forFeature(ENTITIES),
  ],
  exports: [TypeOrmModule],
})
export class DatabaseModule {}
