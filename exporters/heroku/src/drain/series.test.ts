import { expect, it } from 'vitest';
import { DRAIN_METRICS as M } from './catalog';
import { HistogramMap, SeriesMap } from './series';

it('writes values as the text format spells them: +Inf, not JavaScript’s Infinity', () => {
  const load = new SeriesMap(M.dynoLoad);
  load.set(load.key(['api', 'web', 'web.1', '1m']), Number.POSITIVE_INFINITY);
  expect(load.render().toString()).toContain(
    'heroku_dyno_load_average{app="api",process_type="web",source="web.1",window="1m"} +Inf\n',
  );
  const service = new HistogramMap(M.routerService);
  service.observe(service.key(['api']), Number.POSITIVE_INFINITY);
  expect(service.render().toString()).toContain('heroku_router_service_seconds_sum{app="api"} +Inf\n');
});
