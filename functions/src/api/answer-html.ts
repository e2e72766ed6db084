import MarkdownIt from 'markdown-it';
import type StateBlock from 'markdown-it/lib/rules_block/state_block.mjs';
import type StateInline from 'markdown-it/lib/rules_inline/state_inline.mjs';
import temml from 'temml';
import { z } from 'zod';
import { type QuestionRow, questionRow } from './question-row';

/**
 * A tutor's answer as a lesson: Markdown (what a real model writes: bold, lists, code, tables) and
 * TeX math (`$…$`, `$$…$$`, `\(…\)`, `\[…\]`) rendered here, once, into HTML with MathML that a
 * phone shows with no script, stylesheet or font to download. Safe to put into a page: raw HTML
 * in the answer is shown as text, links only to http(s) and mailto, math with no \href, \url or
 * \includegraphics (temml's `trust: false`) and bounded macro expansion.
 */
const md = new MarkdownIt({ html: false, linkify: false, breaks: true, typographer: false });
md.validateLink = (url) => /^(https?:|mailto:)/i.test(url.trim());

/** At most this many macro expansions per formula: `\def\a{\a\a}` cannot loop. */
const MAX_EXPAND = 1000;

function mathml(tex: string, displayMode: boolean): string {
  try {
    return temml.renderToString(tex, {
      displayMode,
      throwOnError: true,
      trust: false,
      maxExpand: MAX_EXPAND,
    });
  } catch {
    // Not TeX after all (a price in pesos, a typo): the text as written.
    return md.utils.escapeHtml(displayMode ? `$$${tex}$$` : `$${tex}$`);
  }
}

/** `$…$` (not `$ …` or `… $`, and not `$5 and $6`), `\(…\)` and `\[…\]` inside a paragraph. */
function inlineMath(state: StateInline, silent: boolean): boolean {
  const src = state.src;
  const start = state.pos;
  let open: string;
  let close: string;
  if (src.startsWith('\\(', start)) [open, close] = ['\\(', '\\)'];
  else if (src.startsWith('\\[', start)) [open, close] = ['\\[', '\\]'];
  else if (src.startsWith('$$', start)) [open, close] = ['$$', '$$'];
  else if (src[start] === '$') [open, close] = ['$', '$'];
  else return false;
  const from = start + open.length;
  let end = src.indexOf(close, from);
  while (end > 0 && close === '$' && src[end - 1] === '\\') end = src.indexOf(close, end + 1);
  if (end < 0 || end === from) return false;
  const tex = src.slice(from, end);
  if (close === '$' && (/^\s|\s$/.test(tex) || /^\d/.test(src.slice(end + 1)))) return false;
  if (!silent) {
    const token = state.push(open === '\\(' || open === '$' ? 'math_inline' : 'math_display', 'math', 0);
    token.content = tex;
  }
  state.pos = end + close.length;
  return true;
}

/** A `$$…$$` or `\[…\]` block, on one line or several. */
function blockMath(state: StateBlock, startLine: number, endLine: number, silent: boolean): boolean {
  const first = state.src.slice(state.bMarks[startLine]! + state.tShift[startLine]!, state.eMarks[startLine]);
  const open = first.startsWith('$$') ? '$$' : first.startsWith('\\[') ? '\\[' : undefined;
  if (!open) return false;
  const close = open === '$$' ? '$$' : '\\]';
  let tex = first.slice(open.length);
  let line = startLine;
  let closed = tex.trimEnd().endsWith(close);
  while (!closed && line + 1 < endLine) {
    line++;
    const text = state.src.slice(state.bMarks[line]! + state.tShift[line]!, state.eMarks[line]);
    tex += `\n${text}`;
    closed = text.trimEnd().endsWith(close);
  }
  if (!closed) return false;
  if (silent) return true;
  tex = tex.trimEnd().slice(0, -close.length);
  const token = state.push('math_block', 'math', 0);
  token.content = tex;
  token.map = [startLine, line + 1];
  state.line = line + 1;
  return true;
}

md.inline.ruler.before('escape', 'math_inline', inlineMath);
md.block.ruler.before('fence', 'math_block', blockMath, {
  alt: ['paragraph', 'reference', 'blockquote', 'list'],
});
md.renderer.rules.math_inline = (tokens, i) => mathml(tokens[i]!.content, false);
md.renderer.rules.math_display = (tokens, i) => mathml(tokens[i]!.content, true);
md.renderer.rules.math_block = (tokens, i) => `${mathml(tokens[i]!.content, true)}\n`;
// A model's answer has no use for images: fetching one would spend the student's data. A link instead.
md.renderer.rules.image = (tokens, i) => {
  const src = tokens[i]!.attrGet('src') ?? '';
  const alt = md.utils.escapeHtml(tokens[i]!.content || src);
  return `<a href="${md.utils.escapeHtml(src)}" rel="noopener noreferrer nofollow" target="_blank">${alt}</a>`;
};
// Links open outside the app, and tell the page they lead to nothing of its own.
md.renderer.rules.link_open = (tokens, i, options, _env, self) => {
  tokens[i]!.attrSet('rel', 'noopener noreferrer nofollow');
  tokens[i]!.attrSet('target', '_blank');
  return self.renderToken(tokens, i, options);
};

/** The answer's HTML (see above); an empty answer is an empty string. */
export function answerHtml(markdown: string): string {
  return md.render(markdown);
}

/** A question and its answer as the API returns them (asked, or in a session's history): the wire contract. */
export const storedQuestion = questionRow.extend({ answer_html: z.string() }).strict();
export type StoredQuestion = z.infer<typeof storedQuestion>;

export const withAnswerHtml = (q: QuestionRow): StoredQuestion => ({
  ...q,
  answer_html: answerHtml(q.answer),
});
