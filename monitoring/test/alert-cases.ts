import { ADVANCED_CASES } from './alert-cases/advanced';
import { BASIC_CASES } from './alert-cases/basic';
import { BUDGET_CASES } from './alert-cases/budget';
import { DATASTORE_CASES } from './alert-cases/datastores';
import type { AlertCase } from './alert-cases/inputs';
import { LAMBDA_CASES } from './alert-cases/lambda';
import { META_CASES } from './alert-cases/meta';
import { OUTSIDE_CASES } from './alert-cases/outside';
import { PIPELINE_CASES } from './alert-cases/pipeline';

export type { AlertCase };

/**
 * promtool unit tests for every alert: one case where it fires (with the labels and the
 * description a person will read) and one where it stays quiet.
 */
export const ALERT_CASES: AlertCase[] = [
  ...BASIC_CASES,
  ...ADVANCED_CASES,
  ...BUDGET_CASES,
  ...META_CASES,
  ...PIPELINE_CASES,
  ...LAMBDA_CASES,
  ...OUTSIDE_CASES,
  ...DATASTORE_CASES,
];
