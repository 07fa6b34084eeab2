import type { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { OperatorEntity } from '../../src/infra/database/entities/operator.entity';
import { PasswordHasher } from '../../src/modules/auth/password-hasher.service';

/** Inserts a real operator row (password hashed like production) and returns it. */
export async function createOperator(
  app: INestApplication,
  values: {
    key: string;
    password?: string;
    roles?: string[];
    staff?: boolean;
    admin?: boolean;
    label?: string;
    username?: string | null;
  },
): Promise<OperatorEntity> {
  const repository = app.get(DataSource).getRepository(OperatorEntity);
  const passwordHash = values.password ? await app.get(PasswordHasher).hash(values.password) : null;
  return repository.save(
    repository.create({
      key: values.key,
      username: values.username === undefined ? values.key : values.username,
      label: values.label ?? values.key,
      roles: values.roles ?? [],
      staff: values.staff ?? true,
      admin: values.admin ?? false,
      passwordHash,
    }),
  );
}
