import type { MonitoringConfig } from '../config';
import { advancedAlerts, trafficMissingAlert } from './alerts-advanced';
import { basicAlerts } from './alerts-basic';
import { budgetAlerts } from './alerts-budget';
import { datastoreAlerts } from './alerts-datastores';
import { lambdaAlerts } from './alerts-lambda';
import { metaAlerts } from './alerts-meta';
import { outsideAlerts } from './alerts-outside';
import { herokuCodeAlerts, pipelineAlerts } from './alerts-pipeline';
import { recordingRules } from './recording';
import { withRunbooks } from './runbook';
import type { AlertRule, RenderedRule, RuleGroup } from './types';

export function alertGroups(config: MonitoringConfig): RuleGroup<AlertRule>[] {
  return [
    { name: 'brainbytes-basic.alerts', rules: basicAlerts },
    { name: 'brainbytes-outside.alerts', rules: outsideAlerts(config.probes.journeySlowSeconds) },
    { name: 'brainbytes-advanced.alerts', rules: [...advancedAlerts, trafficMissingAlert(config)] },
    { name: 'brainbytes-budget.alerts', interval: config.spendEvaluationInterval, rules: budgetAlerts },
    { name: 'brainbytes-meta.alerts', rules: metaAlerts(config) },
    { name: 'brainbytes-pipeline.alerts', rules: [...herokuCodeAlerts, ...pipelineAlerts] },
    { name: 'brainbytes-lambda.alerts', rules: lambdaAlerts(config) },
    { name: 'brainbytes-datastores.alerts', rules: datastoreAlerts },
  ];
}

/**
 * One rule file per group, named after it (`brainbytes-http.rules.yml`), so a unit test can load
 * just the groups it exercises.
 */
export function ruleFiles(config: MonitoringConfig): Map<string, { groups: RuleGroup<RenderedRule>[] }> {
  const alerts = withRunbooks(alertGroups(config), config.runbookBaseUrl).map((group) => ({
    ...group,
    rules: group.rules.map((rule) =>
      config.alertForOverride && rule.for ? { ...rule, for: config.alertForOverride } : rule,
    ),
  }));
  const groups: RuleGroup<RenderedRule>[] = [...recordingRules(config), ...alerts];
  return new Map(groups.map((group) => [`${group.name}.yml`, { groups: [group] }]));
}

export function allAlerts(config: MonitoringConfig): AlertRule[] {
  return alertGroups(config).flatMap((g) => g.rules);
}
