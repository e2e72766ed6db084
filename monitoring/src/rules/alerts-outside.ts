import { PROBE_JOB } from '../blackbox';
import type { AlertRule } from './types';

const PROBES = `job="${PROBE_JOB}"`;
const DAYS_LEFT = `(min by (entry, instance) (probe_ssl_earliest_cert_expiry{${PROBES}}) - time()) / 86400`;

/** The synthetic student's steps, in order: only the first failing one pages (the later ones were not reached). */
const STEPS = ['login', 'session', 'ask', 'history'] as const;
const step = (name: string) => `max by (step) (brainbytes_synthetic_journey_success{step="${name}"})`;
/** A step failed and every step before it passed: the failure is that step's. */
const firstFailure = (name: (typeof STEPS)[number]) => {
  const before = STEPS.slice(0, STEPS.indexOf(name));
  return [`${step(name)} == 0`, ...before.map((b) => `on () ${step(b)} == 1`)].join(' and ');
};

/** Days before a certificate expires at which someone should renew it, and at which it is urgent. */
export const CERTIFICATE_WARNING_DAYS = 14;
export const CERTIFICATE_CRITICAL_DAYS = 3;

/**
 * The student's path seen from outside (the blackbox exporter's probes of each public entry):
 * symptoms first, whatever the processes report about themselves.
 */
export const outsideAlerts = (slowSeconds: number): AlertRule[] => [
  {
    alert: 'StudentPathDown',
    expr: `max by (entry, instance) (probe_success{${PROBES}}) == 0`,
    for: '2m',
    severity: 'critical',
    team: 'infrastructure',
    service: '{{ $labels.entry }}',
    summary: 'A public entry of BrainBytes fails from outside.',
    description:
      '{{ $labels.instance }} ({{ $labels.entry }}) has failed its probe for 2 minutes: wrong status, missing body, a TLS error or no answer. Students on that path get an error page.',
  },
  {
    alert: 'TlsCertificateExpiresSoon',
    expr: `${DAYS_LEFT} < ${CERTIFICATE_WARNING_DAYS} >= ${CERTIFICATE_CRITICAL_DAYS}`,
    for: '10m',
    severity: 'warning',
    team: 'infrastructure',
    service: '{{ $labels.entry }}',
    summary: 'A TLS certificate expires within two weeks.',
    description: `The certificate of {{ $labels.instance }} expires in {{ $value | printf "%.1f" }} days (warning under ${CERTIFICATE_WARNING_DAYS}): renew it (Heroku ACM renews its own; a custom certificate is yours).`,
  },
  {
    alert: 'TlsCertificateExpiresSoon',
    expr: `${DAYS_LEFT} < ${CERTIFICATE_CRITICAL_DAYS}`,
    for: '10m',
    severity: 'critical',
    team: 'infrastructure',
    service: '{{ $labels.entry }}',
    summary: 'A TLS certificate expires within days.',
    description: `The certificate of {{ $labels.instance }} expires in {{ $value | printf "%.1f" }} days (critical under ${CERTIFICATE_CRITICAL_DAYS}): when it does, every phone refuses the page. Renew it now.`,
  },
  // The synthetic student: the team that owns the first step that failed. Each step was tried
  // twice in its run, and a failed run holds until the next (SYNTHETIC_INTERVAL_SECONDS).
  {
    alert: 'SyntheticJourneyFailing',
    expr: [firstFailure('login'), firstFailure('session'), firstFailure('history')]
      .map((e) => `(${e})`)
      .join('\nor\n'),
    for: '1m',
    severity: 'critical',
    team: 'engineering',
    service: 'api',
    summary: 'The synthetic student cannot get through.',
    description:
      'The synthetic student’s last journey failed at {{ $labels.step }} (every step before it passed): a student doing the same gets an error. The job’s log names the request and its answer.',
  },
  {
    alert: 'SyntheticJourneyFailing',
    expr: firstFailure('ask'),
    for: '1m',
    severity: 'critical',
    team: 'ai',
    service: 'ai',
    summary: 'The synthetic student cannot get through.',
    description:
      'The synthetic student logged in and opened a session, but its question got no answer: the tutor path is broken even if every health check passes. Look at the AI provider, the AI function and the spend ceiling.',
  },
  {
    alert: 'SyntheticJourneySlow',
    expr: `max(brainbytes_synthetic_journey_duration_seconds{step="journey"}) > ${slowSeconds}`,
    for: '15m',
    severity: 'warning',
    team: 'engineering',
    service: 'api',
    summary: 'The synthetic student’s journey is slow.',
    description: `The synthetic student’s last journey (log in, open a session, ask, read back) took {{ $value | humanizeDuration }} (threshold ${slowSeconds} s, SYNTHETIC_JOURNEY_SLOW_SECONDS): the System Overview shows which step.`,
  },
];
