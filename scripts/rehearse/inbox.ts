/**
 * Every email Alertmanager sends, read back as (recipient, alert, firing/resolved) and attributed
 * to the scenario that expects it. What no scenario expects is an extra notification: someone
 * was told something nobody should have been.
 */

import { loadMonitoringConfig } from '@brainbytes/monitoring/config';
import { allAlerts } from '@brainbytes/monitoring/rules';
import type { Mail } from '@brainbytes/testkit/services';

export interface Notice {
  at: number;
  to: string;
  alertname: string;
  status: 'firing' | 'resolved';
  subject: string;
}

export interface Expectation {
  to: string;
  alertname: string;
  status: 'firing' | 'resolved';
  /** Held until then (business hours): arriving earlier is a failure. */
  notBefore?: number;
  /** Seconds after the scenario starts by which it must have arrived. */
  within: number;
}

/** Budget emails carry the alert's summary, not its name. */
const BY_SUMMARY = new Map(allAlerts(loadMonitoringConfig({})).map((rule) => [rule.summary, rule.alert]));

export function readNotice(mail: Mail, at: number): Notice[] {
  const subject = mail.parsed.subject ?? '';
  const team = /^\[BrainBytes (FIRING|RESOLVED)\] (\S+) — /.exec(subject);
  const budget = /^\[BrainBytes budget\] (.*?)( \(resolved\))?$/.exec(subject);
  const [alertname, status] = team
    ? [team[2] as string, team[1] === 'FIRING' ? 'firing' : 'resolved']
    : budget
      ? [BY_SUMMARY.get(budget[1] as string) ?? `? ${budget[1]}`, budget[2] ? 'resolved' : 'firing']
      : [`? ${subject}`, 'firing'];
  return mail.to.map((to) => ({ at, to, alertname, status: status as Notice['status'], subject }));
}

export const describe = (e: Pick<Expectation, 'to' | 'alertname' | 'status'>) =>
  `${e.alertname} ${e.status === 'firing' ? 'FIRING' : 'RESOLVED'} → ${e.to.split('@')[0]}`;

export const matches = (n: Notice, e: Pick<Expectation, 'to' | 'alertname' | 'status'>) =>
  n.to === e.to && n.alertname === e.alertname && n.status === e.status;
