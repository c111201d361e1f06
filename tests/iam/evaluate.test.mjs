// The evaluation itself: it denies what a shipped role would deny (the REST API's clones
// under the grants before issue 25), allows what it grants, and fails unmapped operations.
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { cdkRole, evaluate, yamlRole } from './evaluate.mjs';
import { loadTemplate, providerRoles } from './cfn.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const FUNCTION = 'arn:aws:lambda:eu-west-1:123456789012:function:cfclone-provider';
const STACK = 'arn:aws:cloudformation:eu-west-1:123456789012:stack/shop/0f1e2d3c';
const CLONE = 'arn:aws:cloudfront::123456789012:distribution/E2CLONE';

/** A provider call as the harness writes it. */
function call(front, operation, action, owner, context = {}) {
  return {
    test: 'rest.a_test', front, stack_id: STACK, function_arn: FUNCTION, service: 'cloudfront', operation,
    status: 200, region: 'us-east-1', account: '123456789012', trace_id: 'Root=1-0-0',
    iam: { actions: [{ action, kind: 'distribution', resources: [{ arn: CLONE, tags: { 'cfclone:stack-id': owner } }] }], context },
  };
}

const yaml = path.join(ROOT, 'examples', 'provider.yaml');
const snapshot = path.join(ROOT, 'cdk', 'test', 'snapshots', 'clones-stack.template.json');
const roles = (template, cdk) => [
  cdk
    ? cdkRole(snapshot, template, providerRoles(template)[0])
    : yamlRole(yaml, template, () => []),
];
/** The template without ClonesApi's grants for the API's clones (the grants before issue 25). */
function withoutApiClones(template) {
  const copy = structuredClone(template);
  for (const [id, r] of Object.entries(copy.Resources)) {
    if (r.Type === 'AWS::IAM::Policy' && /ApiClonesPolicy/.test(id)) delete copy.Resources[id];
  }
  return copy;
}

const apiClone = [
  call('rest', 'UpdateDistribution', 'cloudfront:UpdateDistribution', FUNCTION),
  call('rest', 'DeleteDistribution', 'cloudfront:DeleteDistribution', FUNCTION),
  call('rest', 'UntagResource', 'cloudfront:UntagResource', FUNCTION, { 'aws:TagKeys': ['team'] }),
];

for (const [name, file, cdk] of [['examples/provider.yaml', yaml, false], ['the CDK example app', snapshot, true]]) {
  describe(`the IAM evaluation against ${name}`, () => {
    it("allows PATCH, DELETE and untagging of the API's clones, owned by the function", async () => {
      const { failures } = await evaluate(apiClone, roles(loadTemplate(file), cdk));
      assert.deepEqual(failures.map((f) => f.decision), []);
    });

    it("denies them without ClonesApi's grants for the API's clones (the break of issue 25)", async () => {
      const { failures } = await evaluate(apiClone, roles(withoutApiClones(loadTemplate(file)), cdk));
      assert.deepEqual(failures.map((f) => [f.action, f.decision]), [
        ['cloudfront:UpdateDistribution', 'ImplicitlyDenied'],
        ['cloudfront:DeleteDistribution', 'ImplicitlyDenied'],
        ['cloudfront:UntagResource', 'ImplicitlyDenied'],
      ]);
    });

    it("denies a stack's resource changing a clone the API made, and removing an ownership tag", async () => {
      const { failures } = await evaluate(
        [
          call('stack', 'UpdateDistribution', 'cloudfront:UpdateDistribution', FUNCTION),
          call('stack', 'UntagResource', 'cloudfront:UntagResource', STACK, { 'aws:TagKeys': ['cfclone:stack-id'] }),
        ],
        roles(loadTemplate(file), cdk),
      );
      assert.deepEqual(failures.map((f) => f.action), ['cloudfront:UpdateDistribution', 'cloudfront:UntagResource']);
    });
  });
}

describe('the IAM evaluation of the log', () => {
  it('fails an operation the emulator does not map, naming where to add it', async () => {
    const unmapped = { ...call('stack', 'ListDomainConflicts', 'x', STACK), iam: null };
    const { failures } = await evaluate([unmapped], roles(loadTemplate(yaml), false));
    assert.equal(failures.length, 1);
    assert.match(failures[0].message, /unmapped operation cloudfront:ListDomainConflicts.*emulator\/cfclone_emulator\/iam\.py/);
  });
});

describe('the IAM evaluation against the CDK example app', () => {
  it('fails an action the role stops granting altogether (no statement left to undeclare it)', async () => {
    const template = structuredClone(loadTemplate(snapshot));
    for (const r of Object.values(template.Resources)) {
      if (r.Type !== 'AWS::IAM::Policy') continue;
      const statements = r.Properties.PolicyDocument.Statement;
      r.Properties.PolicyDocument.Statement = statements.filter((s) => ![s.Action].flat().includes('cloudfront:UntagResource'));
    }
    const { failures } = await evaluate([apiClone[2]], roles(template, true));
    assert.deepEqual(failures.map((f) => [f.action, f.decision]), [['cloudfront:UntagResource', 'ImplicitlyDenied']]);
  });
});
