"""A Python CDK app using cfclone-cdk's generated Python package (jsii): the same clone as
the TypeScript app's, with its DNS records, an invalidation grant and the OAC grant. The
packed-package test runs it with the wheel on PYTHONPATH and checks the template."""

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from aws_cdk import aws_route53 as route53
from aws_cdk import aws_s3 as s3
from cfclone_cdk import ClonedDistribution, DeletionMode

app = cdk.App()
stack = cdk.Stack(
    app, "ShopClones", env=cdk.Environment(account="123456789012", region="eu-west-1")
)

assets = s3.Bucket(
    stack, "Assets", block_public_access=s3.BlockPublicAccess.BLOCK_ALL, enforce_ssl=True
)

clone = ClonedDistribution(
    stack,
    "Shop",
    reference_distribution_id="E2QWRUHAPOMQZL",
    aliases=["shop.example.com", "www.shop.example.com"],
    certificate_arn="arn:aws:acm:us-east-1:123456789012:certificate/0b5ab7c4-2f43-4b70-9f4b-1d3c3c7e6f10",
    origin_domain_name=assets.bucket_regional_domain_name,
    deletion_mode=DeletionMode.DISABLE,
)

zone = route53.HostedZone.from_hosted_zone_attributes(
    stack, "Zone", hosted_zone_id="Z0123456789ABCDEFGHIJ", zone_name="example.com"
)
clone.add_alias_records(zone)

deployer = iam.Role(stack, "Deployer", assumed_by=iam.AccountRootPrincipal())
clone.grant_create_invalidation(deployer)
clone.grant_origin_access(assets)

app.synth()
