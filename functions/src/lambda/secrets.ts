import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';

/**
 * Secrets come from SSM Parameter Store at cold start, never from the CloudFormation template:
 * `SSM_PARAMETERS=DATABASE_URL=/brainbytes/prod/database-url,AUTH_SECRET=/brainbytes/prod/auth-secret`.
 * A path starting with `?` is optional: a parameter that does not exist leaves the variable unset
 * (a feature not turned on), any other failure still stops the cold start. A variable already set
 * in the environment wins (serverless-offline, tests).
 */
export async function loadSsmParameters(spec = process.env.SSM_PARAMETERS ?? '', client?: SSMClient) {
  if (process.env.IS_OFFLINE) return; // serverless-offline: the local environment is the source
  const wanted = spec
    .split(',')
    .map((entry) => entry.trim().split('='))
    .filter(
      (pair): pair is [string, string] =>
        pair.length === 2 && !!pair[0] && !!pair[1] && !process.env[pair[0]],
    );
  if (wanted.length === 0) return;
  const ssm = client ?? new SSMClient({});
  await Promise.all(
    wanted.map(async ([name, parameter]) => {
      const optional = parameter.startsWith('?');
      const path = optional ? parameter.slice(1) : parameter;
      try {
        const { Parameter } = await ssm.send(new GetParameterCommand({ Name: path, WithDecryption: true }));
        if (Parameter?.Value) process.env[name] = Parameter.Value;
      } catch (error) {
        if (!(optional && (error as Error).name === 'ParameterNotFound')) throw error;
      }
    }),
  );
}
