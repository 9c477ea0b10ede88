import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

/** bench/budgets.json, which tests/e2e/budgets.spec.ts enforces. */
interface Budgets {
  measuredOn: string;
  pages: Record<
    string,
    {
      match: string;
      budget: { jsKB: number; cssKB: number };
      measured: { jsKB: number; cssKB: number };
    }
  >;
  firstVisit: Record<string, { budgetMB: number; measuredMB: number }>;
}

const budgets = JSON.parse(readFileSync('bench/budgets.json', 'utf8')) as Budgets;
const readme = readFileSync('README.md', 'utf8');
const section = readme.slice(readme.indexOf('## Performance budgets'));

/** README's row for a page group: budget, then today's measure in parentheses. */
export function pageRow(name: string, g: Budgets['pages'][string]): string {
  const where = g.match === '' ? 'every other page' : `\`${g.match}\``;
  return `| ${name} | ${where} | ${g.budget.jsKB} kB (${g.measured.jsKB}) | ${g.budget.cssKB} kB (${g.measured.cssKB}) |`;
}

/** README's row for a chapter's first visit. */
export function firstVisitRow(path: string, f: Budgets['firstVisit'][string]): string {
  return `| \`${path}\` | ${f.budgetMB} MB (${f.measuredMB}) |`;
}

describe('the README shows the budgets that the e2e tests enforce', () => {
  it('has a "Performance budgets" section', () => {
    expect(readme).toContain('## Performance budgets');
  });

  it('lists every page group of bench/budgets.json with its numbers', () => {
    for (const [name, g] of Object.entries(budgets.pages))
      expect(section).toContain(pageRow(name, g));
  });

  it('lists every chapter first visit of bench/budgets.json with its numbers', () => {
    for (const [path, f] of Object.entries(budgets.firstVisit))
      expect(section).toContain(firstVisitRow(path, f));
  });

  it('states the date the numbers were measured', () => {
    expect(section).toContain(`measured ${budgets.measuredOn}`);
  });

  it('keeps every budget above what was measured', () => {
    for (const g of Object.values(budgets.pages)) {
      expect(g.budget.jsKB).toBeGreaterThanOrEqual(g.measured.jsKB);
      expect(g.budget.cssKB).toBeGreaterThanOrEqual(g.measured.cssKB);
    }
    for (const f of Object.values(budgets.firstVisit))
      expect(f.budgetMB).toBeGreaterThanOrEqual(f.measuredMB);
  });
});
