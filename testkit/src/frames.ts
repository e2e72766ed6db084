/** Builds a logplex body: each message octet-counted, the count including the trailing newline. */
export function logplexBody(messages: string[], { newline = true } = {}): string {
  return messages
    .map((m) => {
      const message = newline ? `${m}\n` : m;
      return `${Buffer.byteLength(message)} ${message}`;
    })
    .join('');
}

const TS = '2026-11-26T03:00:00.123456+00:00';
export const DYNO_UUID = 'd97d0ea7-cf3d-411b-b453-d2943a50b456';
export const REQUEST_ID = '0c9a7e3f-6f1b-4d8e-9c41-5a2f0b8e1d77';

// Line formats as Heroku documents them (Dev Center: "HTTP Routing", "Log Runtime Metrics",
// "Heroku Postgres Metrics Logs", "Heroku Key-Value Store", "Error Codes").
export const lines = {
  routerOk: `<158>1 ${TS} host heroku router - at=info method=GET path="/api/sessions/123?page=2" host=brainbytes-api.herokuapp.com request_id=${REQUEST_ID} fwd="203.0.113.9" dyno=web.1 connect=1ms service=18ms status=200 bytes=1548 protocol=https`,
  routerPost: `<158>1 ${TS} host heroku router - at=info method=POST path="/api/questions" host=brainbytes-api.herokuapp.com request_id=${REQUEST_ID} fwd="198.51.100.7" dyno=web.2 connect=0ms service=250ms status=201 bytes=900 protocol=https`,
  routerH12: `<158>1 ${TS} host heroku router - at=error code=H12 desc="Request timeout" method=POST path="/api/ask" host=brainbytes-api.herokuapp.com request_id=${REQUEST_ID} fwd="203.0.113.9" dyno=web.1 connect=0ms service=30000ms status=503 bytes=0 protocol=https`,
  routerH10: `<158>1 ${TS} host heroku router - at=error code=H10 desc="App crashed" method=GET path="/" host=brainbytes-api.herokuapp.com request_id=${REQUEST_ID} fwd="203.0.113.9" dyno= connect= service= status=503 bytes= protocol=https`,
  memory: `<45>1 ${TS} host heroku web.1 - source=web.1 dyno=heroku.2808254.${DYNO_UUID} sample#memory_total=21.00MB sample#memory_rss=20.50MB sample#memory_cache=0.50MB sample#memory_swap=0.00MB sample#memory_pgpgin=348836pages sample#memory_pgpgout=343403pages sample#memory_quota=512.00MB`,
  load: `<45>1 ${TS} host heroku web.1 - source=web.1 dyno=heroku.2808254.${DYNO_UUID} sample#load_avg_1m=0.01 sample#load_avg_5m=0.02 sample#load_avg_15m=0.03`,
  r14: `<45>1 ${TS} host heroku web.1 - Error R14 (Memory quota exceeded)`,
  crash: `<45>1 ${TS} host heroku worker.1 - State changed from up to crashed`,
  restart: `<45>1 ${TS} host heroku web.1 - Restarting`,
  postgres: `<134>1 ${TS} host app heroku-postgres - source=DATABASE addon=postgresql-curved-12345 sample#current_transaction=1873 sample#db_size=26311164bytes sample#tables=14 sample#active-connections=5 sample#waiting-connections=1 sample#index-cache-hit-rate=0.99 sample#table-cache-hit-rate=0.98 sample#load-avg-1m=0.005 sample#load-avg-5m=0 sample#load-avg-15m=0 sample#read-iops=0 sample#write-iops=0.1 sample#tmp-disk-used=543600640 sample#tmp-disk-available=72435191808 sample#memory-total=4045012kB sample#memory-free=3048096kB sample#memory-cached=553572kB sample#memory-postgres=21864kB sample#wal-percentage-used=0.07`,
  redis: `<134>1 ${TS} host app heroku-redis - source=REDIS addon=redis-rigid-67890 sample#active-connections=3 sample#load-avg-1m=0.01 sample#load-avg-5m=0.02 sample#load-avg-15m=0.03 sample#read-iops=0 sample#write-iops=0 sample#memory-total=15664264kB sample#memory-free=13458496kB sample#memory-cached=1048576kB sample#memory-redis=1356192bytes sample#hit-rate=0.5 sample#evicted-keys=0`,
  l10: `<172>1 ${TS} host heroku logplex - Error L10 (output buffer overflow): 500 messages dropped since ${TS}.`,
  appOutput: `<190>1 ${TS} host app web.1 - {"level":"info","msg":"listening"}`,
};

/** POSTs messages to an exporter's drain as Logplex does (one frame, its token and message count). */
export function postDrain(exporterUrl: string, app: string, token: string, messages: string[]) {
  return fetch(`${exporterUrl}/drain/${app}`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/logplex-1',
      'Logplex-Drain-Token': token,
      'Logplex-Msg-Count': String(messages.length),
    },
    body: logplexBody(messages),
  });
}
