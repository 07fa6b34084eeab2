import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import * as argon2 from 'argon2';

/** argon2id password hashing (library defaults: 64 MiB, 3 passes). */
@Injectable()
export class PasswordHasher {
  private dummyHash: Promise<string> | null = null;

  /** An argon2id hash (PHC string with salt and parameters) of `password`. */
  hash(password: string): Promise<string> {
    return argon2.hash(password, { type: argon2.argon2id });
  }

  /** True when `password` matches `hash`; false for a malformed hash. */
  async verify(hash: string, password: string): Promise<boolean> {
    try {
      return await argon2.verify(hash, password);
    } catch {
      return false;
    }
  }

  /**
   * Spends the time of one verification without a real hash, so unknown usernames answer as slowly as
   * wrong passwords (no user enumeration by timing).
   */
  async verifyNothing(password: string): Promise<false> {
    this.dummyHash ??= this.hash(randomBytes(16).toString('hex'));
    await this.verify(await this.dummyHash, password);
    return false;
  }
}
