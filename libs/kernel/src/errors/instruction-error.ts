/**
 * Thrown by an instruction handler when the instruction cannot run as designed (bad parameter, no program
 * instance to return from, an operator without the role…). The kernel undoes the instruction's partial effects
 * and records an incident; any other error (e.g. from the database) aborts the whole command.
 */
export class InstructionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InstructionError';
  }
}
