import { DATASOURCE } from './panel';

/**
 * Grafana provisioning. Paths and the Prometheus URL are Grafana environment expansions, so one
 * rendered copy serves a laptop, a container and a dyno.
 */
export const datasourceProvisioning = {
  apiVersion: 1,
  datasources: [
    {
      name: 'Prometheus',
      uid: DATASOURCE.uid,
      type: DATASOURCE.type,
      access: 'proxy',
      url: '${PROMETHEUS_URL}',
      isDefault: true,
      editable: false,
      // Prometheus behind basic auth (a dyno, docker compose): PROMETHEUS_BASIC_AUTH_USER and
      // _PASSWORD in Grafana's environment. Unset, the header is empty and an open Prometheus ignores it.
      basicAuth: true,
      basicAuthUser: '${PROMETHEUS_BASIC_AUTH_USER}',
      secureJsonData: { basicAuthPassword: '${PROMETHEUS_BASIC_AUTH_PASSWORD}' },
      jsonData: { timeInterval: '15s', httpMethod: 'POST' },
    },
  ],
};

export const dashboardProvisioning = {
  apiVersion: 1,
  providers: [
    {
      name: 'brainbytes',
      folder: 'BrainBytes',
      type: 'file',
      disableDeletion: true,
      allowUiUpdates: false,
      options: { path: '${BRAINBYTES_DASHBOARDS_DIR}' },
    },
  ],
};
