import { describe, expect, it } from 'vitest';
import { answerHtml } from '../src/api/answer-html';

describe("a tutor's answer as a lesson (Markdown and TeX → HTML with MathML)", () => {
  it('renders what a real model writes: bold, lists, code, and math inline, displayed and in \\( \\[ form', () => {
    const html = answerHtml(
      [
        '**Fractions** are _parts_ of a whole.',
        '',
        '- a half: $\\frac{1}{2}$',
        '- by hand: \\(\\frac{2}{4}\\)',
        '',
        '$$x = \\frac{-b \\pm \\sqrt{b^2-4ac}}{2a}$$',
        '',
        '\\[a^2 + b^2 = c^2\\]',
        '',
        '```',
        'print(1 < 2)',
        '```',
      ].join('\n'),
    );
    expect(html).toContain('<strong>Fractions</strong> are <em>parts</em>');
    expect(html).toMatch(/<ul>\s*<li>a half: <math><mfrac><mn>1<\/mn><mn>2<\/mn><\/mfrac><\/math><\/li>/);
    expect(html).toContain('<li>by hand: <math><mfrac><mn>2</mn><mn>4</mn></mfrac></math></li>');
    expect(html.match(/<math display="block"/g)).toHaveLength(2);
    expect(html).toContain('<msqrt>');
    expect(html).toContain('<pre><code>print(1 &lt; 2)');
  });

  it('leaves money and lone dollar signs as text', () => {
    for (const text of ['It costs $5 and $6 today.', 'Save $ 20 now', 'Only $1,000.'])
      expect(answerHtml(text)).toBe(`<p>${text}</p>\n`);
  });

  it('is safe to put into a page: raw HTML is text, links only http(s) and mailto, images become links', () => {
    const html = answerHtml(
      [
        '<script>alert(1)</script> <img src=x onerror=alert(1)>',
        '[bad](javascript:alert(1)) [data](data:text/html,x) [good](https://deped.gov.ph) [mail](mailto:a@b.ph)',
        '![diagram](https://example.ph/big.png)',
      ].join('\n\n'),
    );
    expect(html).not.toMatch(/<script|<img|href="javascript|href="data/i);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain(
      '<a href="https://deped.gov.ph" rel="noopener noreferrer nofollow" target="_blank">good</a>',
    );
    expect(html).toContain('<a href="mailto:a@b.ph"');
    expect(html).toContain(
      '<a href="https://example.ph/big.png" rel="noopener noreferrer nofollow" target="_blank">diagram</a>',
    );
  });

  it('refuses TeX that could act (\\href, \\url) or loop (\\def), showing it as written', () => {
    const html = answerHtml('$\\href{javascript:alert(1)}{x}$ and $\\def\\a{\\a\\a}\\a$');
    expect(html).not.toContain('<math');
    expect(html).not.toContain('<a ');
    expect(html).toContain('$\\href{javascript:alert(1)}{x}$');
  });

  it('renders hostile shapes of a long answer without blowing up (a runaway would time the test out)', () => {
    const max = 8000;
    for (const bomb of [
      '>'.repeat(max),
      '- '.repeat(max / 2),
      '$'.repeat(max),
      '\\('.repeat(max / 2),
      '*a'.repeat(max / 2),
    ]) {
      const html = answerHtml(bomb);
      expect(html.length, bomb.slice(0, 10)).toBeLessThan(20 * max);
    }
  });
});
