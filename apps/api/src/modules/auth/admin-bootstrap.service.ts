import { randomBytes } from 'node:crypto';
import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { AppConfig } from '../../infra/config/app-config';
import { OperatorEntity } from '../../infra/database/entities/operator.entity';
import { PasswordHasher } from './password-hasher.service';
import { PasswordPolicy } from './password-policy.service';

/** Where the `admin` password comes from, for the start-up banner. */
export type AdminPasswordSource =
  /** `ADMIN_PASSWORD` (used to create the account at this start). */
  | 'env'
  /** Generated at this start and printed once on stdout. */
  | 'generated'
  /** Set earlier (at first start, or changed since); unknown to this process. `ADMIN_PASSWORD` is not applied. */
  | 'existing';

/** Username, key and role of the operator created at first start. */
export const ADMIN_USERNAME = 'admin';
export const ADMIN_ROLE = 'guan_li_yuan';

/**
 * Ensures an administrator can log in: creates operator `admin` (label Administrator, role `guan_li_yuan`,
 * admin, staff) when no operator has username `admin`. Its password is `ADMIN_PASSWORD`, or else a generated
 * one that is printed once on stdout; only the argon2 hash is stored. `ADMIN_PASSWORD` only ever creates the
 * account: once it exists, a password changed later (Admin › Staff, `PUT /me/password`) is never overwritten.
 */
@Injectable()
export class AdminBootstrapService implements OnApplicationBootstrap {
  private readonly logger = new Logger('AdminBootstrap');
  private source: AdminPasswordSource = 'existing';

  constructor(
    private readonly config: AppConfig,
    private readonly hasher: PasswordHasher,
    private readonly policy: PasswordPolicy,
    @InjectRepository(OperatorEntity) private readonly operators: Repository<OperatorEntity>,
  ) {}

  /** Where the current admin password comes from (valid after bootstrap). */
  get passwordSource(): AdminPasswordSource {
    return this.source;
  }

  /** Creates the `admin` operator when missing (see the class comment). */
  async onApplicationBootstrap(): Promise<void> {
    const existing = await this.operators.findOne({ where: { username: ADMIN_USERNAME } });
    if (existing) {
      if (this.config.adminPassword) {
        this.logger.log('Operator admin exists: ADMIN_PASSWORD is only used to create it and was not applied');
      }
      return;
    }

    const weak = this.config.adminPassword ? this.policy.assess(this.config.adminPassword, [ADMIN_USERNAME]) : null;
    if (weak) throw new Error(`ADMIN_PASSWORD ${weak}`);
    const generated = this.config.adminPassword ? null : randomBytes(12).toString('base64url');
    const password = this.config.adminPassword ?? (generated as string);
    const result = await this.operators
      .createQueryBuilder()
      .insert()
      .values({
        key: ADMIN_USERNAME,
        username: ADMIN_USERNAME,
        label: 'Administrator',
        roles: [ADMIN_ROLE],
        admin: true,
        staff: true,
        passwordHash: await this.hasher.hash(password),
      })
      .orIgnore()
      .execute();
    if ((result.raw as unknown[]).length === 0) {
      // Another process created it concurrently, or an operator with key `admin` has another username.
      this.logger.warn('Operator key "admin" already exists; no administrator was created');
      return;
    }
    this.logger.log('Created operator admin');
    this.source = generated ? 'generated' : 'env';
    if (generated) printGeneratedPassword(generated);
  }
}

function printGeneratedPassword(password: string): void {
  const lines = [
    'opkernel: created the administrator account',
    `  username: ${ADMIN_USERNAME}`,
    `  password: ${password}`,
    'This password is shown only once (only its hash is stored).',
    'Change it after signing in (Change my password).',
  ];
  const width = Math.max(...lines.map((line) => line.length));
  const rule = `+${'-'.repeat(width + 2)}+`;
  process.stdout.write(`\n${rule}\n${lines.map((line) => `| ${line.padEnd(width)} |`).join('\n')}\n${rule}\n\n`);
}
