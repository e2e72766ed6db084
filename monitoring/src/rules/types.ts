import type { Team } from '../config';

export type Severity = 'critical' | 'warning' | 'info' | 'none';

export interface RecordingRule {
  record: string;
  expr: string;
  labels?: Record<string, string>;
}

/** An alert as written by hand: no runbook_url (see `withRunbooks`). */
export interface AlertRule {
  alert: string;
  expr: string;
  for?: string;
  /** Stay firing this long after the condition last held: one missed scrape sends no "resolved". */
  keepFiringFor?: string;
  severity: Severity;
  team: Team;
  /** The component the alert is about; inhibition and grouping use it. */
  service: string;
  /** Extra routing labels, e.g. `category: budget` sends the alert to the owner's email. */
  labels?: Record<string, string>;
  summary: string;
  /** Go template: `{{ $labels.x }}`, `{{ $value }}`. */
  description: string;
  /** More annotations for the notification templates (the budget breakdown). */
  annotations?: Record<string, string>;
}

export interface RuleGroup<R> {
  name: string;
  interval?: string;
  rules: R[];
}

/** The Prometheus rule-file form of an alert. */
export interface RenderedAlert {
  alert: string;
  expr: string;
  for?: string;
  keep_firing_for?: string;
  labels: Record<string, string>;
  annotations: { summary: string; description: string; runbook_url: string } & Record<string, string>;
}

export type RenderedRule = RecordingRule | RenderedAlert;
