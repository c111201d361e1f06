// The shipped roles' statements, read from CloudFormation templates: the CDK example app's
// synthesized templates (cdk/cdk.out) and examples/provider.yaml. Intrinsic functions are
// resolved for one call's world (account, region, stack, function ARN, template parameters);
// what cannot be resolved becomes a string that matches nothing.
import fs from 'node:fs';
import { parse } from 'yaml';

const SHORT_FORMS = {
  Ref: 'Ref', Sub: 'Fn::Sub', GetAtt: 'Fn::GetAtt', If: 'Fn::If', Equals: 'Fn::Equals', Not: 'Fn::Not',
  Join: 'Fn::Join', Select: 'Fn::Select', And: 'Fn::And', Or: 'Fn::Or', Condition: 'Condition',
  Split: 'Fn::Split', FindInMap: 'Fn::FindInMap', Base64: 'Fn::Base64', ImportValue: 'Fn::ImportValue',
  GetAZs: 'Fn::GetAZs', Cidr: 'Fn::Cidr',
};

/** A template, JSON or YAML with CloudFormation's short forms (`!Ref`, `!Sub`, …). */
export function loadTemplate(file) {
  const text = fs.readFileSync(file, 'utf8');
  if (file.endsWith('.json')) return JSON.parse(text);
  const customTags = Object.entries(SHORT_FORMS).flatMap(([short, long]) => [
    { tag: `!${short}`, resolve: (v) => ({ [long]: short === 'GetAtt' ? v.split('.') : v }) },
    { tag: `!${short}`, collection: 'seq', resolve: (v) => ({ [long]: v.toJSON() }) },
    { tag: `!${short}`, collection: 'map', resolve: (v) => ({ [long]: v.toJSON() }) },
  ]);
  return parse(text, { customTags });
}

const NO_VALUE = Symbol('AWS::NoValue');

/**
 * Resolves `value` in `world`: { partition, account, region, stackId, stackName,
 * parameters: {name: value}, attributes: {"Logical.Attr": value}, refs: {Logical: value} }.
 */
export function resolve(value, world, conditions) {
  if (Array.isArray(value)) {
    return value.map((v) => resolve(v, world, conditions)).filter((v) => v !== NO_VALUE);
  }
  if (value === null || typeof value !== 'object') return value;
  const keys = Object.keys(value);
  if (keys.length !== 1 || !(keys[0] === 'Ref' || keys[0].startsWith('Fn::') || keys[0] === 'Condition')) {
    const out = {};
    for (const [k, v] of Object.entries(value)) {
      const r = resolve(v, world, conditions);
      if (r !== NO_VALUE) out[k] = r;
    }
    return out;
  }
  const [fn] = keys;
  const arg = value[fn];
  switch (fn) {
    case 'Ref':
      return ref(arg, world);
    case 'Fn::GetAtt': {
      const [logical, attribute] = Array.isArray(arg) ? arg : String(arg).split('.');
      return world.attributes[`${logical}.${attribute}`] ?? `unresolved:${logical}.${attribute}`;
    }
    case 'Fn::Join': {
      const parts = resolve(arg[1], world, conditions);
      return (Array.isArray(parts) ? parts : [parts]).join(arg[0]);
    }
    case 'Fn::Sub': {
      const [text, vars] = Array.isArray(arg) ? [arg[0], resolve(arg[1], world, conditions)] : [arg, {}];
      return text.replace(/\$\{([^}!]+)\}/g, (_, name) => {
        if (vars && name in vars) return vars[name];
        if (name.includes('.')) return resolve({ 'Fn::GetAtt': name.split('.') }, world, conditions);
        const r = ref(name, world);
        return Array.isArray(r) ? r.join(',') : r;
      });
    }
    case 'Fn::Select':
      return resolve(arg[1], world, conditions)[Number(resolve(arg[0], world, conditions))];
    case 'Fn::Split':
      return String(resolve(arg[1], world, conditions)).split(arg[0]);
    case 'Fn::If':
      return resolve(conditions(arg[0]) ? arg[1] : arg[2], world, conditions);
    case 'Fn::Equals':
      return JSON.stringify(resolve(arg[0], world, conditions)) === JSON.stringify(resolve(arg[1], world, conditions));
    case 'Fn::Not':
      return !resolve(arg[0], world, conditions);
    case 'Fn::And':
      return arg.every((a) => resolve(a, world, conditions));
    case 'Fn::Or':
      return arg.some((a) => resolve(a, world, conditions));
    case 'Condition':
      return conditions(arg);
    default:
      return `unresolved:${fn}`;
  }
}

function ref(name, world) {
  switch (name) {
    case 'AWS::Partition': return world.partition;
    case 'AWS::AccountId': return world.account;
    case 'AWS::Region': return world.region;
    case 'AWS::StackId': return world.stackId;
    case 'AWS::StackName': return world.stackName;
    case 'AWS::URLSuffix': return 'amazonaws.com';
    case 'AWS::NoValue': return NO_VALUE;
    default:
      if (name in world.parameters) return world.parameters[name];
      return world.refs[name] ?? `unresolved:${name}`;
  }
}

/** The template's conditions, evaluated once each in `world`. */
export function conditionsOf(template, world) {
  const cache = new Map();
  const evaluate = (name) => {
    if (!cache.has(name)) {
      const definition = template.Conditions?.[name];
      if (definition === undefined) throw new Error(`the template has no condition ${name}`);
      cache.set(name, Boolean(resolve(definition, world, evaluate)));
    }
    return cache.get(name);
  };
  return evaluate;
}

/** The parameters' defaults, with `overrides` over them (lists split as CloudFormation does). */
export function parametersOf(template, overrides) {
  const out = {};
  for (const [name, p] of Object.entries(template.Parameters ?? {})) {
    const value = name in overrides ? overrides[name] : p.Default;
    out[name] = p.Type === 'CommaDelimitedList' && !Array.isArray(value) ? String(value ?? '').split(',') : value;
  }
  return out;
}

/** Logical ids of the roles Lambda assumes whose policies create distributions: the providers'. */
export function providerRoles(template) {
  return Object.entries(template.Resources ?? {})
    .filter(([, r]) => r.Type === 'AWS::IAM::Role')
    .filter(([, r]) => JSON.stringify(r.Properties?.AssumeRolePolicyDocument ?? {}).includes('lambda.amazonaws.com'))
    .map(([id]) => id)
    .filter((id) => policyDocuments(template, id).some((d) => JSON.stringify(d.document).includes('cloudfront:CreateDistribution')));
}

/**
 * Every policy document granted to role `roleId`: its inline policies and the
 * AWS::IAM::Policy resources naming it, each with the resource condition guarding it.
 */
export function policyDocuments(template, roleId) {
  const resources = template.Resources ?? {};
  const role = resources[roleId];
  const documents = (role.Properties?.Policies ?? []).map((p) => ({ name: p.PolicyName, document: p.PolicyDocument }));
  for (const [id, r] of Object.entries(resources)) {
    if (r.Type !== 'AWS::IAM::Policy') continue;
    if (!(r.Properties?.Roles ?? []).some((x) => x?.Ref === roleId)) continue;
    documents.push({ name: id, document: r.Properties.PolicyDocument, condition: r.Condition });
  }
  const managed = role.Properties?.ManagedPolicyArns ?? [];
  for (const arn of managed) {
    const id = arn?.Ref;
    if (id && resources[id]?.Type === 'AWS::IAM::ManagedPolicy') {
      documents.push({ name: id, document: resources[id].Properties.PolicyDocument, condition: resources[id].Condition });
    } else {
      throw new Error(`role ${roleId} has a managed policy the template does not define (${JSON.stringify(arn)}): its statements cannot be read`);
    }
  }
  return documents;
}

/** The role's statements, resolved in `world`, each with the policy it came from. */
export function roleStatements(template, roleId, world) {
  const conditions = conditionsOf(template, world);
  return policyDocuments(template, roleId)
    .filter((d) => d.condition === undefined || conditions(d.condition))
    .flatMap((d) => {
      const statements = resolve(d.document, world, conditions).Statement ?? [];
      return (Array.isArray(statements) ? statements : [statements]).map((s) => ({ ...s, Policy: d.name }));
    });
}

/** The logical id of the function whose role is `roleId`. */
export function functionOf(template, roleId) {
  const found = Object.entries(template.Resources ?? {}).find(
    ([, r]) => r.Type === 'AWS::Lambda::Function' && JSON.stringify(r.Properties?.Role ?? {}).includes(`"${roleId}"`),
  );
  return found?.[0];
}
