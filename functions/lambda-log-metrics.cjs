// CloudFormation for serverless.yml's `resources`: what each function's REPORT says, as CloudWatch
// custom metrics. Lambda writes one `platform.report` record per invocation to the function's log
// group (JSON log format, set here); a metric filter per field publishes it under the namespace
// BrainBytes/Lambda/<full function name>, which the Heroku exporter reads with GetMetricData
// (exporters/heroku/src/lambda/cloudwatch.ts holds the same names).
//
//   BilledDuration  ms, every invocation: billedDurationMs (INIT included since 1 August 2025)
//   InitDuration    ms, cold starts only: initDurationMs
//   MaxMemoryUsed   MB, every invocation: maxMemoryUsedMB
//   Timeouts        1 per invocation Lambda stopped at its timeout (status "timeout")
//   OutOfMemory     1 per invocation killed for memory (errorType "Runtime.OutOfMemory")
//
// Timeouts and OutOfMemory have no default value, so they exist (and cost) only in hours they happen.
const REPORT = '$.type = "platform.report"';
const FILTERS = [
  ['BilledDuration', `{ ${REPORT} }`, '$.record.metrics.billedDurationMs', 'Milliseconds'],
  [
    'InitDuration',
    `{ ${REPORT} && $.record.metrics.initDurationMs > 0 }`,
    '$.record.metrics.initDurationMs',
    'Milliseconds',
  ],
  ['MaxMemoryUsed', `{ ${REPORT} }`, '$.record.metrics.maxMemoryUsedMB', 'Megabytes'],
  ['Timeouts', `{ ${REPORT} && $.record.status = "timeout" }`, '1', 'Count'],
  ['OutOfMemory', `{ ${REPORT} && $.record.errorType = "Runtime.OutOfMemory" }`, '1', 'Count'],
];

/** Serverless's logical id for a function key (ours are single words): `api` → `Api`. */
const logicalId = (key) => key.charAt(0).toUpperCase() + key.slice(1);

module.exports = async ({ resolveVariable }) => {
  const service = await resolveVariable('self:service');
  const stage = await resolveVariable('sls:stage');
  const functions = await resolveVariable('self:functions');
  const Resources = {};
  const extensions = {};
  for (const key of Object.keys(functions)) {
    const id = logicalId(key);
    const namespace = `BrainBytes/Lambda/${service}-${stage}-${key}`;
    extensions[`${id}LambdaFunction`] = {
      Properties: { LoggingConfig: { LogFormat: 'JSON', SystemLogLevel: 'INFO' } },
    };
    for (const [metric, pattern, value, unit] of FILTERS) {
      Resources[`${id}${metric}MetricFilter`] = {
        Type: 'AWS::Logs::MetricFilter',
        DependsOn: [`${id}LogGroup`],
        Properties: {
          LogGroupName: { Ref: `${id}LogGroup` },
          FilterPattern: pattern,
          MetricTransformations: [
            { MetricNamespace: namespace, MetricName: metric, MetricValue: value, Unit: unit },
          ],
        },
      };
    }
  }
  return { Resources, extensions };
};
