import type { AppMetrics } from '@brainbytes/telemetry/metrics';
import type { Logger } from '@brainbytes/telemetry/service';
import OpenAI from 'openai';
import { tutorBoundMs } from '../time-budget';
import type { AiConfig } from './config';
import type { TutorAnswer, TutorRequest } from './contract';
import type { Language, Subject } from './curriculum';
import { detectLanguage, OFFLINE_MODEL, offlineAnswer } from './offline-tutor';
import { costDollars, type TokenUsage } from './prices';

/** The wire answer (./contract.ts) and what the AI function itself reports. */
export interface AnswerResult extends TutorAnswer {
  offline: boolean;
  usage: TokenUsage;
}

export type Outcome = 'success' | 'error' | 'timeout' | 'rate_limited' | 'fallback';

/** The provider failed and no fallback is configured; answered 503. */
export class TutorUnavailable extends Error {}

/** The language the student wrote in, said outright: a model left to notice answers Taglish math in English. */
const IN_LANGUAGE = {
  en: 'The student wrote in English: answer in English',
  fil: 'The student wrote in Filipino: answer in Filipino (Tagalog), keeping the English terms the lesson uses',
} as const;

const SYSTEM_PROMPT = (subject: Subject, brief: boolean, language: Language) =>
  `You are BrainBytes, a patient tutor for Filipino high-school students. Subject: ${subject}. ` +
  `${IN_LANGUAGE[language]}, step by step, in at most ${brief ? 60 : 150} words, in Markdown with math as $…$: ` +
  'many students pay for every megabyte.';

/** The most tokens a brief answer (the API's spend ceiling is near) may take. */
export const BRIEF_MAX_TOKENS = 120;

function outcomeOf(error: unknown): Outcome {
  if (error instanceof OpenAI.RateLimitError) return 'rate_limited';
  if (error instanceof OpenAI.APIConnectionTimeoutError) return 'timeout';
  if (error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError'))
    return 'timeout';
  return 'error';
}

/**
 * Answers questions with any OpenAI-compatible API, or with the offline tutor when no key is set
 * (or, with AI_FALLBACK=offline, when the provider fails). Records every answer in the
 * brainbytes_ai_* metrics: outcome, latency, time to first token, tokens by type and cost.
 */
export class Tutor {
  private readonly client: OpenAI | undefined;
  private readonly unpricedLogged = new Set<string>();

  constructor(
    private readonly config: AiConfig,
    private readonly metrics: AppMetrics,
    private readonly logger: Logger,
  ) {
    if (config.apiKey) {
      // One retry at most: every retry is billed Lambda time.
      this.client = new OpenAI({
        apiKey: config.apiKey,
        baseURL: config.baseUrl,
        timeout: config.timeoutMs,
        maxRetries: 1,
      });
    }
  }

  async answer(request: TutorRequest, onDelta?: (text: string) => void): Promise<AnswerResult> {
    if (!this.client) return this.offline(request, onDelta, 'success');
    const { provider, model } = this.config;
    const started = performance.now();
    try {
      const { answer, usage } = await this.askProvider(request, started, onDelta);
      const cost = this.record(provider, model, request.subject, 'success', started, usage);
      return { answer, provider, model, offline: false, usage, costDollars: cost ?? null };
    } catch (error) {
      const outcome = outcomeOf(error);
      this.metrics.aiRequests.inc({ provider, model, subject: request.subject, outcome });
      this.metrics.aiDuration.observe({ provider, model }, (performance.now() - started) / 1000);
      // Status and type only: a provider's message can quote the key (OpenAI's 401 shows its last characters).
      const { status, type, code } = error as { status?: number; type?: string; code?: string };
      this.logger.warn('AI provider failed', {
        provider,
        model,
        outcome,
        status,
        type: type ?? code ?? (error as Error).name,
      });
      if (this.config.fallback !== 'offline')
        throw new TutorUnavailable(`the AI provider is unavailable (${outcome}); try again shortly`);
      return this.offline(request, onDelta, 'fallback');
    }
  }

  private async askProvider(request: TutorRequest, started: number, onDelta?: (text: string) => void) {
    const messages: OpenAI.Chat.ChatCompletionMessageParam[] = [
      {
        role: 'system',
        content: SYSTEM_PROMPT(request.subject, request.brief === true, detectLanguage(request.question)),
      },
      ...request.history.map((h) => ({
        role: h.role === 'student' ? ('user' as const) : ('assistant' as const),
        content: h.text,
      })),
      { role: 'user', content: request.question },
    ];
    const { model, provider } = this.config;
    // The SDK's timeout covers each attempt; this bounds the whole answer, stream included.
    const signal = AbortSignal.timeout(tutorBoundMs(this.config.timeoutMs));
    // Always streamed from the provider, even when our caller wants one JSON answer: time to
    // first token is the provider's, and every answer should measure it.
    const stream = await this.client!.chat.completions.create(
      {
        model,
        messages,
        stream: true,
        stream_options: { include_usage: true },
        ...(request.brief ? { max_tokens: BRIEF_MAX_TOKENS } : {}),
      },
      { signal },
    );
    let answer = '';
    let usage: TokenUsage = { input: 0, cachedInput: 0, output: 0 };
    for await (const chunk of stream) {
      const delta = chunk.choices[0]?.delta?.content;
      if (delta) {
        if (!answer)
          this.metrics.aiTimeToFirstToken.observe({ provider, model }, (performance.now() - started) / 1000);
        answer += delta;
        onDelta?.(delta);
      }
      if (chunk.usage) usage = usageOf(chunk.usage);
    }
    return { answer, usage };
  }

  private offline(
    request: TutorRequest,
    onDelta: ((text: string) => void) | undefined,
    outcome: Outcome,
  ): AnswerResult {
    const started = performance.now();
    const { answer } = offlineAnswer(request.question, request.subject);
    if (onDelta) {
      const parts = answer.split(/(?<= )/);
      this.metrics.aiTimeToFirstToken.observe(
        { provider: 'offline', model: OFFLINE_MODEL },
        (performance.now() - started) / 1000,
      );
      for (let i = 0; i < parts.length; i += 8) onDelta(parts.slice(i, i + 8).join(''));
    }
    const usage = { input: 0, cachedInput: 0, output: 0 };
    this.record('offline', OFFLINE_MODEL, request.subject, outcome, started, usage);
    return { answer, provider: 'offline', model: OFFLINE_MODEL, offline: true, usage, costDollars: 0 };
  }

  private record(
    provider: string,
    model: string,
    subject: Subject,
    outcome: Outcome,
    started: number,
    usage: TokenUsage,
  ) {
    const m = this.metrics;
    m.aiRequests.inc({ provider, model, subject, outcome });
    m.aiDuration.observe({ provider, model }, (performance.now() - started) / 1000);
    m.aiTokens.inc({ provider, model, type: 'input' }, usage.input);
    m.aiTokens.inc({ provider, model, type: 'cached_input' }, usage.cachedInput);
    m.aiTokens.inc({ provider, model, type: 'output' }, usage.output);
    const cost = costDollars(model, usage);
    if (cost === undefined) {
      m.aiUnpriced.inc({ provider, model });
      if (!this.unpricedLogged.has(model)) {
        this.unpricedLogged.add(model);
        this.logger.warn('AI model has no price in the dated price table; its cost is counted as unknown', {
          provider,
          model,
        });
      }
    } else m.aiCost.inc({ provider, model }, cost);
    return cost;
  }
}

/** Prompt tokens split into fresh and cached input; completion tokens are output. */
function usageOf(usage: OpenAI.CompletionUsage | null | undefined): TokenUsage {
  const cached = usage?.prompt_tokens_details?.cached_tokens ?? 0;
  return {
    input: Math.max(0, (usage?.prompt_tokens ?? 0) - cached),
    cachedInput: cached,
    output: usage?.completion_tokens ?? 0,
  };
}
