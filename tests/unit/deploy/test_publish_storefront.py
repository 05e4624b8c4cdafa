"""The storefront's upload: Cache-Control per file, unchanged files left alone, only changed paths invalidated."""

from __future__ import annotations

import boto3
import pytest
from moto import mock_aws

from scripts.publish_storefront import IMMUTABLE, NO_CACHE, publish, site_files


@pytest.fixture
def aws():
    with mock_aws():
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket="storefront")
        cloudfront = boto3.client("cloudfront", region_name="us-east-1")
        distribution = cloudfront.create_distribution(DistributionConfig={
            "CallerReference": "test", "Comment": "", "Enabled": True,
            "Origins": {"Quantity": 1, "Items": [{"Id": "s3", "DomainName": "storefront.s3.amazonaws.com",
                                                  "S3OriginConfig": {"OriginAccessIdentity": ""}}]},
            "DefaultCacheBehavior": {"TargetOriginId": "s3", "ViewerProtocolPolicy": "redirect-to-https",
                                     "MinTTL": 0, "ForwardedValues": {"QueryString": False, "Cookies": {"Forward": "none"}}},
        })["Distribution"]["Id"]
        yield s3, cloudfront, distribution


def build(tmp_path, index="<html>v1</html>", asset="app-abc123.js"):
    dist = tmp_path / "dist"
    (dist / "assets").mkdir(parents=True, exist_ok=True)
    (dist / "index.html").write_text(index)
    (dist / "assets" / asset).write_text("console.log(1)")
    return dist


def test_files_carry_their_cache_control_and_the_same_origin_config(aws, tmp_path):
    s3, cloudfront, distribution = aws
    publish(site_files(build(tmp_path)), "storefront", distribution, s3=s3, cloudfront=cloudfront)

    index = s3.get_object(Bucket="storefront", Key="index.html")
    asset = s3.get_object(Bucket="storefront", Key="assets/app-abc123.js")
    config = s3.get_object(Bucket="storefront", Key="config.json")
    assert index["CacheControl"] == NO_CACHE and index["ContentType"].startswith("text/html")
    assert asset["CacheControl"] == IMMUTABLE
    assert config["Body"].read() == b'{"apiUrl": ""}' and config["CacheControl"] == NO_CACHE


def test_a_second_deploy_of_the_same_build_uploads_and_invalidates_nothing(aws, tmp_path):
    s3, cloudfront, distribution = aws
    dist = build(tmp_path)
    publish(site_files(dist), "storefront", distribution, s3=s3, cloudfront=cloudfront)
    again = publish(site_files(dist), "storefront", distribution, s3=s3, cloudfront=cloudfront)
    assert again.uploaded == [] and again.invalidation_id is None


def test_a_new_build_uploads_and_invalidates_only_what_changed_and_drops_old_assets(aws, tmp_path):
    s3, cloudfront, distribution = aws
    publish(site_files(build(tmp_path)), "storefront", distribution, s3=s3, cloudfront=cloudfront)
    (tmp_path / "dist" / "assets" / "app-abc123.js").unlink()
    result = publish(site_files(build(tmp_path, "<html>v2</html>", "app-def456.js")), "storefront", distribution,
                     s3=s3, cloudfront=cloudfront)

    assert result.uploaded == ["assets/app-def456.js", "index.html"]
    assert result.deleted == ["assets/app-abc123.js"]
    paths = cloudfront.get_invalidation(DistributionId=distribution, Id=result.invalidation_id)[
        "Invalidation"]["InvalidationBatch"]["Paths"]["Items"]
    assert sorted(paths) == ["/", "/assets/app-abc123.js", "/assets/app-def456.js", "/index.html"]
