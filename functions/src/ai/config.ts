import {
  ConfigError,
  type Env,
  hostSetting,
  type LogLevel,
  logLevelSetting,
  numberSetting,
  portSetting,
} from '@brainbytes/telemetry/service';
import { loadPushSettings, type PushSettings } from '../push';
import { DEFAULT_AI_TIMEOUT_MS, FRONT_DOOR_LIMIT_MS, RESPONSE_MARGIN_MS } from '../time-budget';

export { ConfigError };

export interface AiConfig extends PushSettings {
  port: number;
  /** AI_HOST; else every interface on a dyno, loopback elsewhere (it spends AI money and has no auth of its own). */
  host: string;
  logLevel: LogLevel;
  apiKey: string | undefined;
  baseUrl: string | undefined;
  model: string;
  /** The provider label: from AI_PROVIDER, else the base URL's host (openai, groq), else openai-compatible. */
  provider: string;
  timeoutMs: number;
  fallback: 'offline' | 'none';
}

function providerFor(baseUrl: string | undefined): string {
  if (!baseUrl) return 'openai';
  const host = new URL(baseUrl).hostname;
  if (host.endsWith('openai.com')) return 'openai';
  if (host.endsWith('groq.com')) return 'groq';
  return 'openai-compatible';
}

export function loadAiConfig(env: Env = process.env): AiConfig {
  const get = (name: string) => env[name]?.trim() || undefined;
  const baseUrl = get('OPENAI_BASE_URL');
  if (baseUrl && !/^https?:\/\//.test(baseUrl))
    throw new ConfigError(`OPENAI_BASE_URL="${baseUrl}" must be an http(s) URL`);
  const provider = get('AI_PROVIDER') ?? providerFor(baseUrl);
  if (!/^[a-z0-9-]{1,32}$/.test(provider))
    throw new ConfigError(`AI_PROVIDER="${provider}" must be 1-32 lowercase letters, digits or -`);
  // Two attempts and the fallback must end before the API's AI_CALL_TIMEOUT_MS (time-budget.ts).
  const timeoutMs = numberSetting('AI_TIMEOUT_MS', env.AI_TIMEOUT_MS, DEFAULT_AI_TIMEOUT_MS, {
    min: 50,
    max: (FRONT_DOOR_LIMIT_MS - RESPONSE_MARGIN_MS - 2_000) / 2,
    integer: true,
  });
  const fallback = get('AI_FALLBACK') ?? 'offline';
  if (fallback !== 'offline' && fallback !== 'none')
    throw new ConfigError(`AI_FALLBACK="${fallback}" must be offline or none`);
  return {
    ...loadPushSettings(env),
    port: portSetting(env, 'AI_PORT', 3002),
    host: hostSetting(env, 'AI_HOST'),
    logLevel: logLevelSetting(env),
    apiKey: get('OPENAI_API_KEY'),
    baseUrl,
    model: get('AI_MODEL') ?? 'gpt-4o-mini',
    provider,
    timeoutMs,
    fallback,
  };
}
