#!/usr/bin/env node
// The IAM evaluation (tests/README.md, "IAM evaluation"): every AWS call the provider made in
// the end-to-end tests (target/iam-calls/*.jsonl, written by the harness from the emulator's
// call log) is evaluated with @cloud-copilot/iam-simulate against the shipped roles'
// statements: the provider role of each synthesized template of the CDK example app
// (cdk/cdk.out) and the role of examples/provider.yaml. A call a shipped role would deny,
// or an operation the emulator does not map to IAM actions, fails the check.
//
//   node tests/iam/evaluate.mjs [--calls DIR] [--cdk-out DIR] [--provider-yaml FILE]
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { runSimulation } from '@cloud-copilot/iam-simulate';
import { functionOf, loadTemplate, parametersOf, providerRoles, roleStatements } from './cfn.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** What ClonesApi adds to the provider's role (cdk/construct/lib/api.ts; provider.ts grantApiClones, its statements in provider-policy.ts). */
export const API_SIDS = ['ApiListDistributions', 'ApiPlanAliases', 'ChangeApiClones', 'UntagApiClones'];
/** SSM paths the provider owns itself; any other parameter lies under a clone's declared prefix. */
const OWN_PARAMETER_PATHS = ['/cfclone/records/', '/cfclone/certificates/'];
/**
 * Features a stack's role has only when one of its clones declares them, each with the
 * statement that marks it (certificate-policy.ts certificateRequestStatements) and its calls. Where the
 * example app declares none, its role is not the role to judge them by.
 */
const FEATURES = [
  {
    name: 'certificate requests (CertificateValidation)',
    sid: 'CertificateLedgers',
    covers: (action, arn) =>
      action.startsWith('route53:') ||
      ['acm:RequestCertificate', 'acm:AddTagsToCertificate', 'acm:ListTagsForCertificate', 'acm:DeleteCertificate'].includes(action) ||
      arn.includes(':parameter/cfclone/certificates/'),
  },
];

/** A shipped role: where its template is, and how it is granted for one call. */
export function cdkRole(file, template, roleId) {
  const fn = functionOf(template, roleId);
  const sids = new Set(
    roleStatements(template, roleId, worldFor({ account: '0', stack_id: 'arn:aws:cloudformation:r:0:stack/s/1' }, {}))
      .map((s) => s.Sid),
  );
  const missing = API_SIDS.filter((sid) => !sids.has(sid));
  return {
    name: `cdk:${path.basename(file)}:${roleId}`,
    kind: 'cdk',
    // The example app's stack has the REST API: without ClonesApi's grants (a stack's own
    // resources and sync) and with them (the REST front).
    statements(call) {
      const all = roleStatements(template, roleId, worldFor(call, fn ? { [`${fn}.Arn`]: call.function_arn } : {}));
      const granted = call.front === 'rest' ? all : all.filter((s) => !API_SIDS.includes(s.Sid));
      return [...granted, ...declaredPrefixGrant(all, call)];
    },
    warnings: missing.length > 0
      ? [`${file}: ClonesApi's statements ${missing.join(', ')} are not in the template (renamed? API_SIDS in tests/iam/evaluate.mjs)`]
      : [],
  };
}

/** examples/provider.yaml with the parameters a deployment serving this call would set. */
export function yamlRole(file, template, zonesOf) {
  return {
    name: path.relative(ROOT, file).startsWith('..') ? file : path.relative(ROOT, file),
    kind: 'yaml',
    statements(call) {
      const zones = zonesOf(call.test);
      const parameters = parametersOf(template, {
        RestApi: call.front === 'rest' ? 'true' : 'false',
        CertificateRequests: 'true',
        ValidationHostedZoneArns: zones.length > 0 ? zones : [''],
        SyncReferenceDistributionIds: call.front === 'sync' ? ['EREFERENCE'] : [''],
      });
      const world = worldFor(call, {
        'Function.Arn': call.function_arn,
        'LogGroup.Arn': `arn:aws:logs:${regionOf(call)}:${call.account}:log-group:cfclone-provider:*`,
      });
      const [roleId] = providerRoles(template);
      return roleStatements(template, roleId, { ...world, parameters });
    },
    warnings: [],
  };
}

const regionOf = (call) => call.stack_id.split(':')[3];

function worldFor(call, attributes) {
  return {
    partition: 'aws',
    account: call.account,
    region: regionOf(call),
    stackId: call.stack_id,
    stackName: call.stack_id.split('/')[1],
    parameters: {},
    attributes,
    refs: {},
  };
}

/**
 * A clone's SsmParameterPrefix is granted by the construct for that clone (a statement per
 * prefix): the example app's clones declare theirs, the tests' clones others. A parameter
 * outside the provider's own paths is granted as the construct grants a declared prefix,
 * its parent path, if the template grants a declared prefix at all.
 */
function declaredPrefixGrant(statements, call) {
  const template = statements.find((s) => s.Sid === 'SsmParametersUnderPrefix');
  if (!template) return [];
  return (call.iam?.actions ?? [])
    .flatMap((a) => a.resources.map((r) => r.arn))
    .filter((arn) => arn.includes(':parameter/'))
    .map((arn) => arn.slice(arn.indexOf(':parameter') + ':parameter'.length))
    .filter((name) => !OWN_PARAMETER_PATHS.some((own) => name.startsWith(own)))
    .map((name) => ({
      Sid: 'SsmParametersUnderPrefix (the prefix this clone declares)',
      Effect: 'Allow',
      Action: template.Action,
      Resource: `arn:aws:ssm:*:${call.account}:parameter${path.posix.dirname(name)}/*`,
    }));
}

const undeclaredFeature = (statements, action, arn, call) =>
  FEATURES.some((f) => f.covers(action, arn, call) && !statements.some((s) => s.Sid === f.sid));
const asList = (v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
const globMatch = (pattern, value) =>
  new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 'i').test(value);
const grants = (statement, action) => asList(statement.Action).some((a) => globMatch(a, action));

/** The role's statements for `call`, the same array (and id) for calls of the same world. */
function statementsFor(role, call, memo) {
  const key = JSON.stringify([role.name, call.front, call.stack_id, call.function_arn, call.account, call.test,
    declaredPrefixGrant([{ Sid: 'SsmParametersUnderPrefix', Action: [] }], call).map((s) => s.Resource)]);
  if (!memo.has(key)) memo.set(key, { id: memo.size, statements: role.statements(call) });
  return memo.get(key);
}

/** The evaluations of one call against one role: [{action, resource, context, decision, errors}]. */
async function evaluateCall(call, role, cache) {
  const { id, statements } = statementsFor(role, call, cache.statements);
  const out = [];
  for (const entry of call.iam.actions) {
    for (const resource of entry.resources) {
      if (role.kind === 'cdk' && undeclaredFeature(statements, entry.action, resource.arn, call)) {
        out.push({ action: entry.action, decision: 'Undeclared' });
        continue;
      }
      const context = { ...call.iam.context };
      for (const [key, value] of Object.entries(resource.tags ?? {})) context[`aws:ResourceTag/${key}`] = value;
      const key = JSON.stringify([id, entry.action, resource.arn, context, call.account]);
      if (!cache.results.has(key)) cache.results.set(key, simulate(statements, entry.action, resource.arn, context, call.account));
      const { decision, errors } = await cache.results.get(key);
      out.push({ action: entry.action, resource: resource.arn, context, decision, errors, statements });
    }
  }
  return out;
}

async function simulate(statements, action, resource, context, account) {
  const policy = { Version: '2012-10-17', Statement: statements.map(({ Policy, ...s }) => s) };
  const response = await runSimulation(
    {
      identityPolicies: [{ name: 'provider-role', policy }],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      request: {
        action,
        principal: `arn:aws:sts::${account}:assumed-role/cfclone-provider/cfclone-provider`,
        resource: { accountId: account, resource },
        contextVariables: context,
      },
    },
    {},
  );
  if (response.resultType === 'error') return { decision: 'Error', errors: response.errors };
  return { decision: response.overallResult };
}

/** Every failure of `calls` against `roles`, and counts. */
export async function evaluate(calls, roles) {
  const cache = { statements: new Map(), results: new Map() };
  const failures = [];
  const counts = { calls: calls.length, evaluations: 0, undeclared: 0 };
  for (const call of calls) {
    if (call.iam === null || call.iam === undefined) {
      failures.push({ call, message: `unmapped operation ${call.service}:${call.operation}: the emulator does not know which IAM actions it is authorised as; add a row to ACTIONS in emulator/cfclone_emulator/iam.py (source: the Service Authorization Reference)` });
      continue;
    }
    if (!['rest', 'stack', 'sync'].includes(call.front)) {
      failures.push({ call, message: `call ${call.trace_id} is not attributed to an invocation (front ${call.front})` });
      continue;
    }
    for (const role of roles) {
      for (const result of await evaluateCall(call, role, cache)) {
        if (result.decision === 'Undeclared') {
          counts.undeclared += 1;
          continue;
        }
        counts.evaluations += 1;
        if (result.decision !== 'Allowed') failures.push({ call, role: role.name, ...result });
      }
    }
  }
  return { failures, counts };
}

/** The calls of every log in `dir`. */
export function readCalls(dir) {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.jsonl'))
    .sort()
    .flatMap((f) =>
      fs.readFileSync(path.join(dir, f), 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line)),
    );
}

/** The hosted zones each test's calls touched: the zones its deployment would list. */
export function zonesByTest(calls) {
  const zones = new Map();
  for (const call of calls) {
    for (const entry of call.iam?.actions ?? []) {
      for (const r of entry.resources) {
        if (r.arn.includes(':hostedzone/')) zones.set(call.test, [...new Set([...(zones.get(call.test) ?? []), r.arn])]);
      }
    }
  }
  return (test) => zones.get(test) ?? [];
}

function describeFailure(f) {
  const c = f.call;
  const lines = [`✗ ${c.test}: ${c.front} front: ${c.service} ${c.operation} (answered ${c.status})`];
  if (f.message) return [...lines, `  ${f.message}`].join('\n');
  lines.push(`  ${f.decision} by ${f.role}: ${f.action} on ${f.resource}`);
  if (Object.keys(f.context).length > 0) lines.push(`  context: ${JSON.stringify(f.context)}`);
  if (f.errors) lines.push(`  iam-simulate refused the request: ${JSON.stringify(f.errors)}`);
  const relevant = f.statements.filter((s) => grants(s, f.action));
  lines.push(relevant.length > 0 ? `  the statements that grant ${f.action}:` : `  no statement grants ${f.action}; the role's statements:`);
  for (const s of relevant.length > 0 ? relevant : f.statements) {
    lines.push(`    ${s.Sid ?? '(no Sid)'} [${s.Policy}]: ${JSON.stringify({ Action: s.Action, Resource: s.Resource, Condition: s.Condition })}`);
  }
  return lines.join('\n');
}

async function main(argv) {
  const arg = (name, fallback) => {
    const i = argv.indexOf(name);
    return i >= 0 ? path.resolve(argv[i + 1]) : fallback;
  };
  const started = process.hrtime.bigint();
  const target = process.env.CARGO_TARGET_DIR ? path.resolve(process.env.CARGO_TARGET_DIR) : path.join(ROOT, 'target');
  const callsDir = arg('--calls', path.join(target, 'iam-calls'));
  const cdkOut = arg('--cdk-out', path.join(ROOT, 'cdk', 'cdk.out'));
  const yamlFile = arg('--provider-yaml', path.join(ROOT, 'examples', 'provider.yaml'));
  const calls = readCalls(callsDir);
  if (calls.length === 0) {
    console.error(`iam-evaluate: no provider calls in ${callsDir}: run the end-to-end tests first (cargo test --workspace --release --test '*')`);
    return 1;
  }
  const templates = fs.existsSync(cdkOut) ? fs.readdirSync(cdkOut).filter((f) => f.endsWith('.template.json')) : [];
  const roles = templates.flatMap((f) => {
    const template = loadTemplate(path.join(cdkOut, f));
    return providerRoles(template).map((roleId) => cdkRole(path.join(cdkOut, f), template, roleId));
  });
  if (roles.length === 0) {
    console.error(`iam-evaluate: no provider role in ${cdkOut}/*.template.json: run cdk synth first (scripts/cdk-check.sh)`);
    return 1;
  }
  roles.push(yamlRole(yamlFile, loadTemplate(yamlFile), zonesByTest(calls)));
  if (providerRoles(loadTemplate(yamlFile)).length !== 1) {
    console.error(`iam-evaluate: ${yamlFile}: expected one provider role (a Lambda role that creates distributions)`);
    return 1;
  }
  for (const warning of roles.flatMap((r) => r.warnings)) console.log(`iam-evaluate: warning: ${warning}`);
  const { failures, counts } = await evaluate(calls, roles);
  for (const f of failures.slice(0, 25)) console.log(describeFailure(f));
  if (failures.length > 25) console.log(`… and ${failures.length - 25} more`);
  const tests = new Set(calls.map((c) => c.test)).size;
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  console.log(
    `IAM evaluation: ${counts.calls} provider calls of ${tests} tests, ${counts.evaluations} evaluations against ` +
      `${roles.map((r) => r.name).join(', ')}; ${counts.undeclared} of features the example app does not declare ` +
      `(certificate requests, sync: actions it grants nowhere) left to provider.yaml; ${failures.length} denied or unmapped (${ms.toFixed(0)} ms)`,
  );
  return failures.length === 0 ? 0 : 1;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  process.exitCode = await main(process.argv.slice(2));
}
