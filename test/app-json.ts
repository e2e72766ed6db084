/**
 * The rules of Heroku's app.json schema (devcenter.heroku.com/articles/app-json-schema) that a
 * Deploy button enforces: known keys, env entries, the secret generator, formation, add-ons,
 * buildpacks and environments.
 */
export function appJsonProblems(app: Record<string, unknown>, processTypes: string[]): string[] {
  const problems: string[] = [];
  const known = [
    'name',
    'description',
    'keywords',
    'website',
    'repository',
    'logo',
    'success_url',
    'scripts',
    'env',
    'formation',
    'image',
    'addons',
    'buildpacks',
    'environments',
    'stack',
  ];
  for (const key of Object.keys(app)) if (!known.includes(key)) problems.push(`unknown key ${key}`);
  if (typeof app.name !== 'string' || app.name.length < 3 || app.name.length > 30)
    problems.push('name: 3 to 30 characters');
  if (app.keywords && !(Array.isArray(app.keywords) && app.keywords.every((k) => typeof k === 'string')))
    problems.push('keywords: strings');
  for (const [name, spec] of Object.entries((app.env ?? {}) as Record<string, unknown>)) {
    if (!/^[A-Z_][A-Z0-9_]*$/.test(name)) problems.push(`env ${name}: not a config var name`);
    if (typeof spec === 'string') continue;
    const s = spec as Record<string, unknown>;
    for (const k of Object.keys(s))
      if (!['description', 'value', 'required', 'generator'].includes(k))
        problems.push(`env ${name}: unknown ${k}`);
    if (typeof s.description !== 'string' || !s.description)
      problems.push(`env ${name}: needs a description`);
    if (s.generator !== undefined && s.generator !== 'secret')
      problems.push(`env ${name}: generator must be "secret"`);
    if (s.value !== undefined && typeof s.value !== 'string')
      problems.push(`env ${name}: value must be a string`);
    if (s.required !== undefined && typeof s.required !== 'boolean')
      problems.push(`env ${name}: required must be a boolean`);
  }
  const sizes = [
    'eco',
    'basic',
    'standard-1x',
    'standard-2x',
    'performance-m',
    'performance-l',
    'performance-l-ram',
    'performance-xl',
    'performance-2xl',
  ];
  for (const [type, f] of Object.entries(
    (app.formation ?? {}) as Record<string, { quantity?: unknown; size?: unknown }>,
  )) {
    if (!processTypes.includes(type)) problems.push(`formation ${type}: not a Procfile process type`);
    if (!Number.isInteger(f.quantity) || (f.quantity as number) < 0)
      problems.push(`formation ${type}: quantity`);
    if (f.size !== undefined && !sizes.includes(String(f.size).toLowerCase()))
      problems.push(`formation ${type}: size ${String(f.size)}`);
  }
  for (const addon of (app.addons ?? []) as unknown[]) {
    const plan = typeof addon === 'string' ? addon : (addon as { plan?: unknown }).plan;
    if (typeof plan !== 'string' || !/^[a-z0-9-]+(:[a-z0-9-]+)?$/.test(plan))
      problems.push(`addon ${JSON.stringify(addon)}`);
  }
  for (const b of (app.buildpacks ?? []) as { url?: unknown }[])
    if (typeof b.url !== 'string') problems.push('buildpacks: {url}');
  for (const [name, environment] of Object.entries(
    (app.environments ?? {}) as Record<string, Record<string, unknown>>,
  )) {
    if (!['test', 'review', 'production'].includes(name)) problems.push(`environments.${name}`);
    for (const k of Object.keys(environment))
      if (!['scripts', 'addons', 'env', 'formation', 'buildpacks'].includes(k))
        problems.push(`environments.${name}.${k}`);
  }
  return problems;
}
