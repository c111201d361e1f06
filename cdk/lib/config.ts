import * as fs from 'node:fs';
import * as path from 'node:path';

/** One clone of the app's configuration: the construct's props in JSON. */
export interface CloneConfig {
  /** Construct id of the clone, like `Shop`. */
  readonly id: string;
  /** Reference to copy; omitted: the example reference distribution of the app (`referenceApi`). */
  readonly referenceDistributionId?: string;
  readonly aliases: string[];
  readonly originDomainName?: string;
  readonly originPath?: string;
  readonly origins?: { id: string; domainName?: string; originPath?: string }[];
  readonly certificateArn?: string;
  readonly comment?: string;
  readonly enabled?: boolean;
  readonly priceClass?: string;
  readonly webAclId?: string;
  readonly loggingPrefix?: string;
  readonly tags?: Record<string, string>;
  readonly ssmParameterPrefix?: string;
  readonly ssmRegions?: string[];
  readonly waitForDeployment?: boolean;
  readonly referenceRevision?: string;
  /** Seconds, at most 3600. */
  readonly serviceTimeoutSeconds?: number;
  /**
   * A bucket of the clone's own for the example reference's `static/*` behaviour: the clone's
   * origin `static` points at it and the clone may read it through the reference's OAC
   * (`grantOriginAccess`). Needs `referenceApi`. @default false
   */
  readonly staticBucket?: boolean;
}

/** The example reference distribution in front of a regional API Gateway REST API. */
export interface ReferenceApiConfig {
  /** API stage, also the distribution's origin path (`/prod`). */
  readonly stageName: string;
  /** Custom domain of the reference distribution (needs `certificateArn`). */
  readonly domainName?: string;
  /** ACM certificate in us-east-1 for `domainName`. */
  readonly certificateArn?: string;
}

/** Route 53 zone in which the consumer stack points each clone's aliases at the clone. */
export interface DnsConfig {
  readonly hostedZoneId: string;
  readonly zoneName: string;
}

/** The app's configuration (`config/clones.json`, or the file named by context `config`). */
export interface AppConfig {
  /** Prefix of every stack name. */
  readonly stackPrefix: string;
  /** Account of every stack. */
  readonly account: string;
  /** Region of the clones' stack (and of the example reference, when deployed). */
  readonly clonesRegion: string;
  /** Region of the stack that reads the clones' SSM parameters. */
  readonly consumerRegion: string;
  /** The example reference distribution; omitted: not deployed. */
  readonly referenceApi?: ReferenceApiConfig;
  /** DNS records for the clones' aliases; omitted: the consumer only outputs the values. */
  readonly dns?: DnsConfig;
  /** A role (your deploy pipeline's) that may invalidate every clone. @default - none */
  readonly deployRoleArn?: string;
  /** The REST API (`ClonesApi`) in the clones' stack, with its Cognito domain prefix. @default - none */
  readonly api?: { readonly domainPrefix: string };
  readonly clones: CloneConfig[];
}

/** The configuration file is unusable; the message says where and why. */
export class ConfigError extends Error {
  constructor(file: string, detail: string) {
    super(`cfclone: ${file}: ${detail}`);
    this.name = 'ConfigError';
  }
}

const REGION = /^[a-z0-9]+(-[a-z0-9]+)+-\d+$/;

/** Reads and checks the app's configuration file. */
export function loadConfig(file: string): AppConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new ConfigError(file, `cannot read it as JSON: ${(e as Error).message}`);
  }
  const relative = path.relative(process.cwd(), file);
  return checkConfig(raw, relative === '' || relative.startsWith('..') ? file : relative);
}

/** Checks the shape of a parsed configuration; the values of the clones are the construct's job. */
export function checkConfig(raw: unknown, file: string): AppConfig {
  const fail = (detail: string): never => {
    throw new ConfigError(file, detail);
  };
  if (typeof raw !== 'object' || raw === null) fail('expected a JSON object');
  const config = raw as AppConfig;
  for (const key of ['stackPrefix', 'account', 'clonesRegion', 'consumerRegion'] as const) {
    if (typeof config[key] !== 'string' || config[key] === '') fail(`"${key}" is required (a string)`);
  }
  if (!/^\d{12}$/.test(config.account)) fail(`"account" must be a 12-digit AWS account id, got "${config.account}"`);
  for (const key of ['clonesRegion', 'consumerRegion'] as const) {
    if (!REGION.test(config[key])) fail(`"${key}" must be a region name like eu-west-1, got "${config[key]}"`);
  }
  if (config.clonesRegion === config.consumerRegion) {
    fail('"consumerRegion" should differ from "clonesRegion": the consumer shows the cross-region read');
  }
  if (config.referenceApi !== undefined) {
    const api = config.referenceApi;
    if (typeof api.stageName !== 'string' || !/^[A-Za-z0-9_-]+$/.test(api.stageName)) {
      fail('"referenceApi.stageName" must be a stage name like prod');
    }
    if ((api.domainName === undefined) !== (api.certificateArn === undefined)) {
      fail('"referenceApi.domainName" and "referenceApi.certificateArn" go together: set both or neither');
    }
  }
  if (config.dns !== undefined && (typeof config.dns.hostedZoneId !== 'string' || typeof config.dns.zoneName !== 'string')) {
    fail('"dns" needs "hostedZoneId" and "zoneName"');
  }
  if (config.deployRoleArn !== undefined && !/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/.test(config.deployRoleArn)) {
    fail(`"deployRoleArn" must be an IAM role ARN like arn:aws:iam::123456789012:role/site-deploy, got "${config.deployRoleArn}"`);
  }
  if (config.api !== undefined && (typeof config.api.domainPrefix !== 'string' || !/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/.test(config.api.domainPrefix))) {
    fail('"api.domainPrefix" must be a Cognito domain prefix: lowercase letters, digits and hyphens, like cfclone-shop');
  }
  if (!Array.isArray(config.clones)) fail('"clones" is required (a list)');
  const ids = new Set<string>();
  for (const [i, clone] of config.clones.entries()) {
    const at = `clones[${i}]`;
    if (typeof clone.id !== 'string' || !/^[A-Za-z][A-Za-z0-9]*$/.test(clone.id)) {
      fail(`${at}.id must be a construct id like Shop (letters and digits)`);
    }
    if (ids.has(clone.id)) fail(`${at}.id "${clone.id}" appears twice`);
    ids.add(clone.id);
    if (clone.referenceDistributionId === undefined && config.referenceApi === undefined) {
      fail(`${at} (${clone.id}) has no referenceDistributionId and there is no "referenceApi" to clone`);
    }
    if (clone.staticBucket === true && (config.referenceApi === undefined || clone.referenceDistributionId !== undefined)) {
      fail(`${at}.staticBucket (${clone.id}) needs the example reference ("referenceApi"), whose static/* behaviour reads the S3 origin "static"`);
    }
    if (clone.ssmParameterPrefix !== undefined) {
      const regions = clone.ssmRegions ?? [config.clonesRegion];
      if (!regions.includes(config.consumerRegion)) {
        fail(
          `${at}.ssmRegions (${clone.id}) must include the consumer region ${config.consumerRegion}, ` +
            'or the consumer stack cannot read its parameters',
        );
      }
    }
    if (config.dns !== undefined) {
      const zone = config.dns.zoneName.replace(/\.$/, '').toLowerCase();
      for (const alias of clone.aliases ?? []) {
        const name = alias.toLowerCase();
        if (name !== zone && !name.endsWith(`.${zone}`)) fail(`${at}.aliases: "${alias}" is not in the zone ${zone}`);
      }
      if (clone.ssmParameterPrefix === undefined && (clone.aliases ?? []).length > 0) {
        fail(`${at} (${clone.id}) needs an ssmParameterPrefix: the consumer reads the domain name from SSM for its DNS records`);
      }
    }
  }
  return config;
}
