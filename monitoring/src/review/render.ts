import type { Review } from './review';

const escapeHtml = (s: string) =>
  s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');

/** The review as Markdown (the CLI's output, and the file kept). */
export function toMarkdown(review: Review): string {
  const out = [`# ${review.title}`, ''];
  for (const section of review.sections) {
    out.push(`## ${section.title}`, '', ...section.lines.map((l) => `- ${l}`), '');
    for (const table of section.tables) {
      if (!table.rows.length) continue;
      out.push(`| ${table.columns.join(' | ')} |`, `|${table.columns.map(() => '---').join('|')}|`);
      for (const row of table.rows) out.push(`| ${row.join(' | ')} |`);
      out.push('');
    }
  }
  return out.join('\n');
}

/** The review as the email's HTML: every number and name escaped. */
export function toHtml(review: Review): string {
  const parts = [
    `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(review.title)}</title></head>`,
    '<body style="font-family: system-ui, sans-serif; color: #1f2933; max-width: 720px">',
    `<h1>${escapeHtml(review.title)}</h1>`,
  ];
  for (const section of review.sections) {
    parts.push(
      `<h2>${escapeHtml(section.title)}</h2><ul>${section.lines.map((l) => `<li>${escapeHtml(l)}</li>`).join('')}</ul>`,
    );
    for (const table of section.tables) {
      if (!table.rows.length) continue;
      parts.push(
        `<table cellpadding="6" style="border-collapse: collapse"><tr>${table.columns.map((c) => `<th align="left">${escapeHtml(c)}</th>`).join('')}</tr>`,
        ...table.rows.map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`),
        '</table>',
      );
    }
  }
  parts.push('</body></html>');
  return parts.join('\n');
}
