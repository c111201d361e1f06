// Synth-time validation of a ClonedDistribution's literal values (tokens are left to the
// provider at deploy time): the first prop the provider would refuse, named. One check per
// prop or group of props, run in the order of the props.
import { Token } from 'aws-cdk-lib';
import { DeletionMode } from './clone-options';
import type { ClonedDistributionProps } from './cloned-distribution-props';
import { ClonedDistributionPropsError } from './errors';
import { MAX_ALIASES, MAX_COMMENT_CHARS, MAX_SERVICE_TIMEOUT_SECONDS, PRICE_CLASSES, RESERVED_TAG_PREFIX } from './schema';

/** Throws a ClonedDistributionPropsError naming the first prop with an invalid literal value. */
export function validateProps(props: ClonedDistributionProps, constructPath: string): void {
  const fail: Fail = (prop, detail) => {
    throw new ClonedDistributionPropsError(prop, detail, constructPath);
  };
  for (const check of CHECKS) check(props, fail);
}

type Fail = (prop: keyof ClonedDistributionProps, detail: string) => never;
type Check = (props: ClonedDistributionProps, fail: Fail) => void;

const literal = (value: unknown): boolean => value !== undefined && !Token.isUnresolved(value);
const q = (value: string): string => JSON.stringify(value);

function isHost(host: string): boolean {
  const label = /^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$/i;
  return host.length <= 253 && host.includes('.') && host.split('.').every((l) => label.test(l));
}

function isOriginPath(path: string): boolean {
  return path === '' || (path.startsWith('/') && !path.endsWith('/') && path.length <= 255);
}

const checkReference: Check = (props, fail) => {
  if (literal(props.referenceDistributionId) && !/^[A-Z0-9]{1,32}$/.test(props.referenceDistributionId)) {
    fail('referenceDistributionId', `${q(props.referenceDistributionId)} is not a CloudFront distribution id (like E2QWRUHAPOMQZL)`);
  }
};

const checkAliases: Check = (props, fail) => {
  if (Token.isUnresolved(props.aliases)) return;
  if (!Array.isArray(props.aliases)) fail('aliases', 'is required: a list of domain names (use [] for none)');
  if (props.aliases.length > MAX_ALIASES) {
    fail('aliases', `${props.aliases.length} aliases given; CloudFront allows at most ${MAX_ALIASES}`);
  }
  const seen = new Set<string>();
  for (const alias of props.aliases) {
    if (!literal(alias)) continue;
    if (alias !== alias.toLowerCase()) fail('aliases', `${q(alias)} must be lowercase (write ${q(alias.toLowerCase())})`);
    if (!isHost(alias.startsWith('*.') ? alias.slice(2) : alias)) fail('aliases', `${q(alias)} is not a valid domain name`);
    if (seen.has(alias)) fail('aliases', `${q(alias)} appears twice`);
    seen.add(alias);
  }
};

const checkOrigin: Check = (props, fail) => {
  if (literal(props.originDomainName) && !isHost(props.originDomainName!)) {
    fail('originDomainName', `${q(props.originDomainName!)} is not a valid domain name`);
  }
  if (literal(props.originPath) && !isOriginPath(props.originPath!)) {
    fail('originPath', `${q(props.originPath!)} must start with "/" and not end with "/" (like /prod), or be "" to clear it`);
  }
};

const checkOrigins: Check = (props, fail) => {
  const originIds = new Set<string>();
  for (const [i, origin] of (props.origins ?? []).entries()) {
    if (literal(origin.id)) {
      if (origin.id === '') fail('origins', `item ${i}: id is required (the reference origin's id)`);
      if (originIds.has(origin.id)) fail('origins', `origin id ${q(origin.id)} appears twice; merge the two entries`);
      originIds.add(origin.id);
    }
    if (literal(origin.domainName) && !isHost(origin.domainName!)) {
      fail('origins', `item ${i}: ${q(origin.domainName!)} is not a valid domain name`);
    }
    if (literal(origin.originPath) && !isOriginPath(origin.originPath!)) {
      fail('origins', `item ${i}: origin path ${q(origin.originPath!)} must start with "/" and not end with "/", or be ""`);
    }
  }
};

const checkCertificateArn: Check = (props, fail) => {
  if (!literal(props.certificateArn)) return;
  const parts = props.certificateArn!.split(':');
  if (parts.length < 6 || parts[0] !== 'arn' || parts[2] !== 'acm' || !parts[5].startsWith('certificate/')) {
    fail('certificateArn', `${q(props.certificateArn!)} is not an ACM certificate ARN`);
  }
  if (parts[3] !== 'us-east-1') {
    fail('certificateArn', `${q(props.certificateArn!)} is in ${parts[3]}; CloudFront takes certificates from us-east-1 only`);
  }
  if (Array.isArray(props.aliases) && props.aliases.length === 0) {
    fail('certificateArn', 'is set but aliases is empty; a certificate needs at least one alias');
  }
};

const checkDeletionMode: Check = (props, fail) => {
  if (props.deletionMode !== undefined && !Object.values(DeletionMode).includes(props.deletionMode)) {
    fail('deletionMode', `${q(props.deletionMode)} is not a deletion mode; use DeletionMode.DELETE or DeletionMode.DISABLE`);
  }
};

const checkCertificateValidation: Check = (props, fail) => {
  if (props.certificateValidation === undefined) return;
  if (props.certificateArn !== undefined) {
    fail('certificateValidation', 'is set together with certificateArn; give the certificate or let the provider request one, not both');
  }
  if (Array.isArray(props.aliases) && props.aliases.length === 0) {
    fail('certificateValidation', 'is set but aliases is empty; a certificate is requested for the aliases');
  }
};

const checkComment: Check = (props, fail) => {
  if (literal(props.comment) && [...props.comment!].length > MAX_COMMENT_CHARS) {
    fail('comment', `is ${[...props.comment!].length} characters long; CloudFront allows at most ${MAX_COMMENT_CHARS}`);
  }
};

const checkPriceClass: Check = (props, fail) => {
  if (literal(props.priceClass) && !(PRICE_CLASSES as readonly string[]).includes(props.priceClass!)) {
    fail('priceClass', `${q(props.priceClass!)} is not a price class; use ${PRICE_CLASSES.join(', ')}`);
  }
};

const checkLoggingPrefix: Check = (props, fail) => {
  if (literal(props.loggingPrefix) && props.loggingPrefix!.startsWith('/')) {
    fail('loggingPrefix', `${q(props.loggingPrefix!)} must not start with "/" (CloudFront log prefixes look like logs/shop/)`);
  }
};

const checkTags: Check = (props, fail) => {
  for (const [key, value] of Object.entries(props.tags ?? {})) {
    if (Token.isUnresolved(key)) continue;
    if (key === '') fail('tags', 'a tag key is empty');
    if (key.startsWith(RESERVED_TAG_PREFIX)) {
      fail('tags', `${q(key)}: keys starting with ${RESERVED_TAG_PREFIX} are reserved for the provider's ownership tags`);
    }
    if (key.length > 128) fail('tags', `${q(key)} is longer than 128 characters`);
    if (literal(value) && value.length > 256) fail('tags', `the value of ${q(key)} is longer than 256 characters`);
  }
};

const checkSsmParameterPrefix: Check = (props, fail) => {
  if (!literal(props.ssmParameterPrefix)) return;
  const prefix = props.ssmParameterPrefix!;
  if (!prefix.startsWith('/')) fail('ssmParameterPrefix', `${q(prefix)} must start with "/" (like /cfclone/shop)`);
  if (prefix.endsWith('/')) fail('ssmParameterPrefix', `${q(prefix)} must not end with "/" (like /cfclone/shop)`);
  if (prefix.length > 1000 || prefix.includes('//') || !/^[A-Za-z0-9/_.-]+$/.test(prefix)) {
    fail('ssmParameterPrefix', `${q(prefix)} must look like /team/app: only letters, digits and _ . - /, no "//"`);
  }
  if (/^\/(aws|ssm)/i.test(prefix)) fail('ssmParameterPrefix', `${q(prefix)}: names beginning with /aws or /ssm are reserved by AWS`);
};

const checkSsmRegions: Check = (props, fail) => {
  if (props.ssmRegions !== undefined && props.ssmParameterPrefix === undefined) {
    fail('ssmRegions', 'is set but ssmParameterPrefix is not; set a prefix such as /cfclone/shop');
  }
  if (props.ssmRegions === undefined || Token.isUnresolved(props.ssmRegions)) return;
  const seen = new Set<string>();
  for (const region of props.ssmRegions) {
    if (!literal(region)) continue;
    if (!/^[a-z0-9]+(-[a-z0-9]+)+-\d+$/.test(region)) fail('ssmRegions', `${q(region)} is not a region name (like eu-west-1)`);
    if (seen.has(region)) fail('ssmRegions', `${q(region)} appears twice`);
    seen.add(region);
  }
};

const checkServiceTimeout: Check = (props, fail) => {
  if (props.serviceTimeout === undefined || props.serviceTimeout.isUnresolved()) return;
  const seconds = props.serviceTimeout.toSeconds({ integral: false });
  if (!(seconds >= 1 && seconds <= MAX_SERVICE_TIMEOUT_SECONDS && Number.isInteger(seconds))) {
    fail('serviceTimeout', `is ${seconds} seconds; CloudFormation accepts a whole number from 1 to ${MAX_SERVICE_TIMEOUT_SECONDS}`);
  }
};

/** In the order of the props, so the first prop in error is the one named. */
const CHECKS: Check[] = [
  checkReference,
  checkAliases,
  checkOrigin,
  checkOrigins,
  checkCertificateArn,
  checkDeletionMode,
  checkCertificateValidation,
  checkComment,
  checkPriceClass,
  checkLoggingPrefix,
  checkTags,
  checkSsmParameterPrefix,
  checkSsmRegions,
  checkServiceTimeout,
];
