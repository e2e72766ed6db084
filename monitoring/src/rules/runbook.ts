import type { AlertRule, RenderedAlert, RuleGroup } from './types';

/** The README anchor of an alert's row: GitHub lowercases the heading text. */
export const runbookAnchor = (alert: string) => alert.toLowerCase();

/**
 * The one transform from hand-written alerts to rule-file alerts: routing labels from the typed
 * fields, and a `runbook_url` pointing at the alert's section of monitoring/README.md.
 */
export function withRunbooks(
  groups: RuleGroup<AlertRule>[],
  runbookBaseUrl: string,
): RuleGroup<RenderedAlert>[] {
  return groups.map((group) => ({
    ...group,
    rules: group.rules.map(
      (rule): RenderedAlert => ({
        alert: rule.alert,
        expr: rule.expr,
        ...(rule.for ? { for: rule.for } : {}),
        ...(rule.keepFiringFor ? { keep_firing_for: rule.keepFiringFor } : {}),
        labels: { severity: rule.severity, team: rule.team, service: rule.service, ...rule.labels },
        annotations: {
          summary: rule.summary,
          description: rule.description,
          ...rule.annotations,
          runbook_url: `${runbookBaseUrl}#${runbookAnchor(rule.alert)}`,
        },
      }),
    ),
  }));
}
