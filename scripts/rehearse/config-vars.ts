import type { Topology } from './topology';

/** The functions serverless.yml deploys to the prod stage: name, memory, timeout. */
export const LAMBDA_FUNCTIONS =
  'brainbytes-prod-api:512:29,brainbytes-prod-ai:512:30,brainbytes-prod-job:256:60';

/** Config vars every app of ours has on Heroku (app.json, the README). */
function dyno(role: string, port: number, vars: Record<string, string>) {
  return {
    BRAINBYTES_ROLE: role,
    BRAINBYTES_ENVIRONMENT: 'production',
    NODE_ENV: 'production',
    DYNO: 'web.1',
    PORT: String(port),
    LOG_LEVEL: 'warn',
    ...vars,
  };
}

/** Each Heroku app's config vars, as the README's `heroku config:set` lines set them. */
export function appConfigVars(t: Topology): Record<string, Record<string, string>> {
  const { creds, outside } = t;
  const pushing = {
    PUSHGATEWAY_URL: t.url('gateway'),
    PUSHGATEWAY_PUSH_CREDENTIALS: creds.push,
    PUSH_INTERVAL_SECONDS: '1',
  };
  return {
    pushgateway: dyno('pushgateway', t.ports.gateway as number, {
      PUSHGATEWAY_PUSH_CREDENTIALS: creds.push,
      PUSHGATEWAY_SCRAPE_CREDENTIALS: `prometheus:${creds.gatewayScrape}`,
      PUSHGATEWAY_ADMIN_CREDENTIALS: creds.gatewayAdmin,
      REDIS_URL: 'redis://127.0.0.1:6379',
      PUSHGATEWAY_REDIS_PREFIX: t.redisPrefix,
    }),
    api: dyno('api', t.ports.api as number, {
      AUTH_SECRET: creds.authSecret,
      OPENAI_API_KEY: 'sk-rehearsal',
      OPENAI_BASE_URL: outside.openaiUrl,
      AI_MODEL: 'gpt-4o-mini',
      AI_PORT: String(t.ports.ai),
      AI_TIMEOUT_MS: '2000',
      API_PROXY_SECRET: creds.proxySecret,
      DATABASE_URL: t.databaseUrl,
      BUSINESS_METRICS_INTERVAL_SECONDS: '2',
      ...pushing,
    }),
    web: dyno('web', t.ports.web as number, {
      BRAINBYTES_API_URL: t.url('api'),
      API_PROXY_SECRET: creds.proxySecret,
      NEXT_TELEMETRY_DISABLED: '1',
    }),
    'heroku-exporter': dyno('heroku-exporter', t.ports.exporter as number, {
      HEROKU_API_TOKEN: outside.herokuToken,
      HEROKU_API_URL: outside.herokuApiUrl,
      HEROKU_APPS: outside.herokuApps.join(','),
      HEROKU_DRAIN_CREDENTIALS: `drain:${creds.drain}`,
      HEROKU_EXPORTER_SCRAPE_CREDENTIALS: `prometheus:${creds.exporterScrape}`,
      REDIS_URL: 'redis://127.0.0.1:6379', // the gateway's Redis, attached (README)
      HEROKU_EXPORTER_STATE_KEY: `${t.redisPrefix}exporter`, // this rehearsal's own key
      HEROKU_POLL_INTERVAL_SECONDS: '2',
      HEROKU_API_TIMEOUT_SECONDS: '4',
      LAMBDA_FUNCTIONS,
      AWS_REGION: outside.cloudWatch.region,
      AWS_ENDPOINT_URL_CLOUDWATCH: outside.cloudWatch.endpoint,
      AWS_ACCESS_KEY_ID: outside.cloudWatch.accessKeyId,
      AWS_SECRET_ACCESS_KEY: outside.cloudWatch.secretAccessKey,
      CLOUDWATCH_PERIOD_SECONDS: '60',
      CLOUDWATCH_DURATION_PERCENTILES: '', // moto 5.2 does not compute percentiles
    }),
  };
}
