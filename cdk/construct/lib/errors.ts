/**
 * cfclone's own errors: a prop the provider would refuse, a missing provider zip. Each
 * message names the prop (or the file) and the way out, so an app prints it without a stack
 * trace; `CfcloneErrors.isCfcloneError` tells them from any other error, in every jsii
 * language (the classes themselves extend `Error`, which jsii cannot export).
 */
import type { ClonedDistributionProps } from './cloned-distribution-props';
import type { ClonedDistributionProviderProps } from './provider-props';

const MARK = Symbol.for('cfclone-cdk.error');

/**
 * The one class of cfclone's refusals: every error the package throws for a value it refuses
 * or a file it misses is one (or a subclass naming the prop), never a plain `Error`, so
 * `CfcloneErrors.isCfcloneError` recognises it (not exported from the package: see
 * `CfcloneErrors`; `test/errors.test.ts` holds every throw in `lib/` to it).
 */
export class CfcloneError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CfcloneError';
    Object.defineProperty(this, MARK, { value: true });
  }
}

/** A prop of `ClonedDistribution` holds a literal value the provider would refuse. */
export class ClonedDistributionPropsError extends CfcloneError {
  constructor(
    readonly prop: keyof ClonedDistributionProps,
    detail: string,
    readonly constructPath: string,
  ) {
    super(`ClonedDistribution ${prop}: ${detail} (at ${constructPath})`);
    this.name = 'ClonedDistributionPropsError';
  }
}

/** A prop of `ClonedDistributionProvider` holds a value the provider's IAM cannot use. */
export class ClonedDistributionProviderPropsError extends CfcloneError {
  constructor(readonly prop: keyof ClonedDistributionProviderProps, detail: string, readonly constructPath: string) {
    super(`ClonedDistributionProvider ${prop}: ${detail} (at ${constructPath})`);
    this.name = 'ClonedDistributionProviderPropsError';
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
