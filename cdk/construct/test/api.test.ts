// ClonesApi: every method behind the Cognito authorizer with the route's scope, the routes
// api/openapi.json describes (and no other), the client-credentials client, throttling and
// access logs, cdk-nag clean.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import type { CfnResource } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { API_ROUTES, ClonesApi, RESOURCE_SERVER } from '../lib/api';
import { ClonedDistributionProvider } from '../lib/provider';
import { REPO_ROOT, newApp, newStack } from './helpers';

function built() {
  const app = newApp();
  const stack = newStack(app, 'Api');
  const api = new ClonesApi(stack, 'ClonesApi', { domainPrefix: 'shop-cfclone' });
  return { app, stack, api, template: Template.fromStack(stack) };
}

/** `METHOD /path` of each API Gateway method, with the scopes it requires. */
function methods(template: Template): Map<string, string[]> {
  const resources = template.toJSON().Resources as Record<string, { Type: string; Properties: any }>;
  const pathOf = (id: string): string => {
    const r = resources[id];
    if (r === undefined || r.Type !== 'AWS::ApiGateway::Resource') return '';
    const parent = r.Properties.ParentId['Ref'] as string | undefined;
    return `${parent === undefined ? '' : pathOf(parent)}/${r.Properties.PathPart}`;
  };
  const found = new Map<string, string[]>();
  for (const r of Object.values(resources)) {
    if (r.Type !== 'AWS::ApiGateway::Method') continue;
    assert.equal(r.Properties.AuthorizationType, 'COGNITO_USER_POOLS', 'every method needs the Cognito authorizer');
    const route = `${r.Properties.HttpMethod} ${pathOf(r.Properties.ResourceId.Ref)}`;
    found.set(route, r.Properties.AuthorizationScopes);
  }
  return found;
}

describe('ClonesApi', () => {
  it('puts every route api/openapi.json describes, and no other, behind the authorizer with its scope', () => {
    const document = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'api', 'openapi.json'), 'utf8'));
    const described = new Map<string, string[]>();
    for (const [route, item] of Object.entries<Record<string, any>>(document.paths)) {
      for (const [method, operation] of Object.entries<any>(item)) {
        described.set(`${method.toUpperCase()} ${route}`, operation.security[0].cognito);
      }
    }
    const { template } = built();
    assert.deepEqual([...methods(template)].sort(), [...described].sort());
    assert.equal(API_ROUTES.length, described.size);
  });

  it('proxies every method to the provider, which API Gateway may invoke', () => {
    const { template, stack } = built();
    const integrations = Object.values(template.findResources('AWS::ApiGateway::Method')).map((m) => m.Properties.Integration);
    assert.ok(integrations.every((i) => i.Type === 'AWS_PROXY' && i.IntegrationHttpMethod === 'POST'));
    const provider = ClonedDistributionProvider.getOrCreate(stack);
    const fn = stack.getLogicalId(provider.function.node.defaultChild as CfnResource);
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Principal: 'apigateway.amazonaws.com',
      Action: 'lambda:InvokeFunction',
      FunctionName: { 'Fn::GetAtt': [fn, 'Arn'] },
    });
  });

  it("grants the provider's role what the API reads beyond a stack's clones", () => {
    const { template, stack } = built();
    const role = stack.getLogicalId(ClonedDistributionProvider.getOrCreate(stack).role.node.defaultChild as CfnResource);
    const statements = Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((p) => JSON.stringify(p.Properties.Roles).includes(role))
      .flatMap((p) => p.Properties.PolicyDocument.Statement);
    const sid = (name: string) => statements.find((s) => s.Sid === name);
    assert.deepEqual(sid('ApiListDistributions')?.Action, 'cloudfront:ListDistributions');
    assert.equal(sid('ApiListDistributions')?.Resource, '*');
    assert.deepEqual(sid('ApiPlanAliases')?.Action, ['cloudfront:ListConflictingAliases', 'cloudfront:ListDomainConflicts']);
    assert.match(JSON.stringify(sid('ApiPlanAliases')?.Resource), /:distribution\/\*/);
  });

  it("lets the provider change, untag and delete only the clones the API made: those tagged with the function's ARN", () => {
    const { template, stack } = built();
    const provider = ClonedDistributionProvider.getOrCreate(stack);
    const fnArn = { 'Fn::GetAtt': [stack.getLogicalId(provider.function.node.defaultChild as CfnResource), 'Arn'] };
    const role = stack.getLogicalId(provider.role.node.defaultChild as CfnResource);
    const statements = Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((p) => JSON.stringify(p.Properties.Roles).includes(role))
      .flatMap((p) => p.Properties.PolicyDocument.Statement);
    const owned = { 'aws:ResourceTag/cfclone:stack-id': fnArn };
    const change = statements.find((s) => s.Sid === 'ChangeApiClones');
    assert.deepEqual(change?.Action, ['cloudfront:DeleteDistribution', 'cloudfront:UpdateDistribution']);
    assert.match(JSON.stringify(change?.Resource), /:distribution\/\*/);
    assert.deepEqual(change?.Condition, { StringEquals: owned });
    const untag = statements.find((s) => s.Sid === 'UntagApiClones');
    assert.equal(untag?.Action, 'cloudfront:UntagResource');
    assert.deepEqual(untag?.Condition, {
      StringEquals: owned,
      'ForAllValues:StringNotLike': { 'aws:TagKeys': ['cfclone:*'] },
    });
    // Every other grant of these actions stays on the stack's own clones.
    for (const s of statements) {
      const actions: string[] = Array.isArray(s.Action) ? s.Action : [s.Action];
      if (!actions.some((a) => ['cloudfront:UpdateDistribution', 'cloudfront:DeleteDistribution', 'cloudfront:UntagResource'].includes(a))) continue;
      const tag = s.Condition?.StringEquals?.['aws:ResourceTag/cfclone:stack-id'];
      assert.ok(
        JSON.stringify(tag) === JSON.stringify(fnArn) || JSON.stringify(tag) === JSON.stringify({ Ref: 'AWS::StackId' }),
        `${s.Sid} is conditioned on the owner tag: ${JSON.stringify(s.Condition)}`,
      );
    }
  });

  it('makes a client for the client-credentials flow with both scopes, and no sign-up', () => {
    const { template } = built();
    template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      GenerateSecret: true,
      AllowedOAuthFlows: ['client_credentials'],
      AllowedOAuthScopes: [`${RESOURCE_SERVER}/read`, `${RESOURCE_SERVER}/write`],
    });
    template.hasResourceProperties('AWS::Cognito::UserPoolResourceServer', { Identifier: RESOURCE_SERVER });
    const [client] = Object.values(template.findResources('AWS::Cognito::UserPoolClient'));
    const [server] = Object.keys(template.findResources('AWS::Cognito::UserPoolResourceServer'));
    assert.ok(client.DependsOn?.includes(server), 'the client is made after the scopes it names');
    template.hasResourceProperties('AWS::Cognito::UserPool', { AdminCreateUserConfig: { AllowAdminCreateUserOnly: true } });
    template.hasResourceProperties('AWS::Cognito::UserPoolDomain', { Domain: 'shop-cfclone' });
  });

  it('throttles the stage and logs every request as JSON', () => {
    const { template } = built();
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      StageName: 'v1',
      MethodSettings: [{ ThrottlingRateLimit: 10, ThrottlingBurstLimit: 20, HttpMethod: '*', ResourcePath: '/*' }],
    });
    const [stage] = Object.values(template.findResources('AWS::ApiGateway::Stage'));
    assert.ok(stage.Properties.AccessLogSetting.DestinationArn, 'access logs go to the log group');
  });

  it('requires the article call query parameters at API Gateway already', () => {
    const { template } = built();
    const required = Object.values(template.findResources('AWS::ApiGateway::Method'))
      .map((m) => m.Properties.RequestParameters)
      .filter((p) => p !== undefined && Object.keys(p).length > 0);
    assert.equal(required.length, 2);
    for (const parameters of required) {
      assert.deepEqual(Object.keys(parameters).sort(), ['domain', 'origin', 'ref_dist'].map((n) => `method.request.querystring.${n}`));
    }
  });

  it('leaves no cdk-nag finding: each is fixed or acknowledged with a reason', () => {
    const { app } = built();
    app.synth();
    const report = new AwsSolutionsChecks(app).validateScope(app);
    assert.deepEqual(
      report.violations.map((v) => `${v.ruleName} at ${v.violatingResources.map((r) => r.constructPath).join(', ')}`),
      [],
    );
  });
});
