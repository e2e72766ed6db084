import type * as Heroku from '@heroku-cli/schema';
import { z } from 'zod';

// What we read of each Platform API resource (https://devcenter.heroku.com/articles/platform-api-reference).
// The published types make nearly every field optional, so each response is checked here before use;
// `satisfies` keeps these shapes in step with @heroku-cli/schema.

const named = z.object({ name: z.string().optional() }).optional();

export const appSchema = z.object({ name: z.string(), region: named, stack: named }) satisfies z.ZodType<
  Pick<Heroku.App, 'name' | 'region' | 'stack'>
>;
export const dynoSchema = z.object({
  name: z.string(),
  type: z.string(),
  size: z.string(),
  state: z.string(),
}) satisfies z.ZodType<Pick<Heroku.Dyno, 'name' | 'type' | 'size' | 'state'>>;
export const formationSchema = z.object({
  type: z.string(),
  quantity: z.number().int().nonnegative(),
  size: z.string(),
}) satisfies z.ZodType<Pick<Heroku.Formation, 'type' | 'quantity' | 'size'>>;
export const releaseSchema = z.object({
  version: z.number().int(),
  status: z.string().optional(),
  created_at: z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'not a date-time'),
  // Any status string is kept: a status added to the API later must not fail the poll.
}) satisfies z.ZodType<Pick<Heroku.Release, 'version' | 'created_at'>>;
export const addOnSchema = z.object({
  addon_service: z.object({ name: z.string() }),
  plan: z.object({ name: z.string() }),
  billed_price: z
    .object({
      cents: z.number().nonnegative().optional(),
      contract: z.boolean().optional(),
      unit: z.string().optional(),
    })
    .nullish()
    .transform((price) => price ?? null),
}) satisfies z.ZodType<Pick<Heroku.AddOn, 'addon_service' | 'plan' | 'billed_price'>>;
export const featureSchema = z.object({ name: z.string(), enabled: z.boolean() }) satisfies z.ZodType<
  Pick<Heroku.AppFeature, 'name' | 'enabled'>
>;
export const dynoSizeSchema = z.object({
  name: z.string(),
  cost: z
    .object({ cents: z.number().nonnegative().optional(), unit: z.string().optional() })
    .loose()
    .nullish(),
});
export const rateLimitSchema = z.object({ remaining: z.number() }) satisfies z.ZodType<
  Pick<Heroku.RateLimit, 'remaining'>
>;

export type App = z.infer<typeof appSchema>;
export type Dyno = z.infer<typeof dynoSchema>;
export type Formation = z.infer<typeof formationSchema>;
export type Release = z.infer<typeof releaseSchema>;
export type AddOn = z.infer<typeof addOnSchema>;
export type AppFeature = z.infer<typeof featureSchema>;
export type DynoSize = z.infer<typeof dynoSizeSchema>;
