/**
 * Dollars per million tokens, by model, as the providers published them (dated). An answer's cost is
 * input × input price + cached input × cached price + output × output price. A model missing here
 * is "unpriced": counted and logged, never silently priced at zero.
 */
export const PRICES_DATED = '2025-06';

export interface ModelPrice {
  input: number;
  cachedInput: number;
  output: number;
}

export const PRICE_TABLE: Readonly<Record<string, ModelPrice>> = {
  // OpenAI
  'gpt-4o-mini': { input: 0.15, cachedInput: 0.075, output: 0.6 },
  'gpt-4o': { input: 2.5, cachedInput: 1.25, output: 10 },
  'gpt-4.1-mini': { input: 0.4, cachedInput: 0.1, output: 1.6 },
  'gpt-4.1-nano': { input: 0.1, cachedInput: 0.025, output: 0.4 },
  // Groq
  'llama-3.1-8b-instant': { input: 0.05, cachedInput: 0.05, output: 0.08 },
  'llama-3.3-70b-versatile': { input: 0.59, cachedInput: 0.59, output: 0.79 },
  // The offline tutor costs nothing.
  'curriculum-v1': { input: 0, cachedInput: 0, output: 0 },
};

export interface TokenUsage {
  input: number;
  cachedInput: number;
  output: number;
}

export function costDollars(model: string, usage: TokenUsage): number | undefined {
  const price = PRICE_TABLE[model];
  if (!price) return undefined;
  return (
    (usage.input * price.input + usage.cachedInput * price.cachedInput + usage.output * price.output) / 1e6
  );
}
