/**
 * cfclone's own errors: a prop the provider would refuse, a missing provider zip. Each
 * message names the prop (or the file) and the way out, so an app prints it without a stack
 * trace; `CfcloneErrors.isCfcloneError` tells them from any other error, in every jsii
 * language (the classes themselves extend `Error`, which jsii cannot export).
 */

const MARK = Symbol.for('cfclone-cdk.error');

/** The base of cfclone's errors (not exported from the package: see `CfcloneErrors`). */
export class CfcloneError extends Error {
  constructor(message: string) {
    super(message);
    Object.defineProperty(this, MARK, { value: true });
  }
}

/** Tells cfclone's own errors apart. */
export class CfcloneErrors {
  /**
   * Whether `x` is an error cfclone threw for a value it refuses or a file it misses: its
   * message says what to change; a stack trace would only hide it.
   */
  static isCfcloneError(x: any): boolean {
    return x !== null && typeof x === 'object' && (x as Record<symbol, unknown>)[MARK] === true;
  }

  private constructor() {}
}
