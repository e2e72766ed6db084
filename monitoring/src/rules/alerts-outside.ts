import { PROBE_JOB } from '../blackbox';
import type { AlertRule } from './types';

const PROBES = `job="${PROBE_JOB}"`;
const DAYS_LEFT = `(min by (entry, instance) (probe_ssl_earliest_cert_expiry{${PROBES}}) - time()) / 86400`;

/** Days before a certificate expires at which someone should renew it, and at which it is urgent. */
export const CERTIFICATE_WARNING_DAYS = 14;
export const CERTIFICATE_CRITICAL_DAYS = 3;

/**
 * The student's path seen from outside (the blackbox exporter's probes of each public entry):
 * symptoms first, whatever the processes report about themselves.
 */
export const outsideAlerts: AlertRule[] = [
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
];
