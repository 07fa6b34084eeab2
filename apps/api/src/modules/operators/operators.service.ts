import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { OperatorEntity } from '../../infra/database/entities/operator.entity';
import { PasswordHasher } from '../auth/password-hasher.service';
import { toOperatorView, type OperatorView } from './dtos/operator-view.dto';
import { operatorNotFound } from './operators.errors';

/** Administration of operators. */
@Injectable()
export class OperatorsService {
  constructor(
    @InjectRepository(OperatorEntity) private readonly operators: Repository<OperatorEntity>,
    private readonly hasher: PasswordHasher,
  ) {}

  /** All operators, by key. */
  async list(): Promise<OperatorView[]> {
    const rows = await this.operators.find({ order: { key: 'ASC' } });
    return rows.map(toOperatorView);
  }

  /**
   * Sets (or replaces) the password of operator `key`; only the argon2 hash is stored.
   * @throws ProblemException 404 for an unknown key.
   */
  async setPassword(key: string, password: string): Promise<void> {
    const passwordHash = await this.hasher.hash(password);
    const result = await this.operators.update({ key }, { passwordHash });
    if (!result.affected) throw operatorNotFound(key);
  }
}
