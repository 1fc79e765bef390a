"""Floats through service calls (tests/test_aws_integrations.py): a float argument reaches the
service as a plain JSON number, and a double in the response (an alarm's Threshold) is a float
in the workflow as boto3 gives it natively, whole or not."""
import pysfn as PSF
from pysfn import aws


@PSF.main
def alarm(name: str, threshold: float):
    aws.cloudwatch.put_metric_alarm(AlarmName=name, MetricName="latency", Namespace="shop", Statistic="Sum",
                                    Period=60, EvaluationPeriods=1, Threshold=threshold,
                                    ComparisonOperator="GreaterThanThreshold")
    found = aws.cloudwatch.describe_alarms(AlarmNames=[name])["MetricAlarms"][0]
    limit = found["Threshold"]
    return {"text": f"{limit}", "twice": str(limit * 2), "periods": str(found["EvaluationPeriods"])}
