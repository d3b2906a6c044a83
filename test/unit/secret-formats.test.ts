import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SECRET_PREFIXES, generateSecret } from '../../src/core/secrets/secret-format';

/**
 * docs/gitleaks.toml and docs/SECRET-FORMATS.md tell secret scanners what Tessera secrets look
 * like. gitleaks (Go, RE2) cannot run here, so its rules are read from the file and run in JS:
 * they must stay RE2-compatible (no lookaround, no backreferences), find every freshly generated
 * secret of their prefix wherever it sits in text, and nothing else.
 */

const ROOT = join(__dirname, '..', '..');

interface Rule {
  id: string;
  description: string;
  regex: string;
  keywords: string[];
}

/** The [[rules]] tables of a gitleaks config: the subset of TOML the file uses (one `key = value` per line). */
function gitleaksRules(text: string): Rule[] {
  return text
    .split(/^\[\[rules\]\]$/m)
    .slice(1)
    .map((block) => {
      const value = (key: string): string | undefined => new RegExp(`^${key} = (.*)$`, 'm').exec(block)?.[1];
      return {
        id: JSON.parse(value('id')!) as string,
        description: JSON.parse(value('description')!) as string,
        regex: /^'''(.*)'''$/.exec(value('regex')!)![1],
        keywords: JSON.parse(value('keywords')!) as string[],
      };
    });
}

const rules = gitleaksRules(readFileSync(join(ROOT, 'docs', 'gitleaks.toml'), 'utf8'));
const documented = readFileSync(join(ROOT, 'docs', 'SECRET-FORMATS.md'), 'utf8');
const prefixes = Object.values(SECRET_PREFIXES);
const ruleFor = (prefix: string): Rule => {
  const found = rules.filter((rule) => rule.keywords.includes(`${prefix}_`));
  expect(found).toHaveLength(1);
  return found[0];
};
const matchesIn = (rule: Rule, text: string): string[] => [...text.matchAll(new RegExp(rule.regex, 'g'))].map((m) => m[1]);

describe('secret formats for scanners (docs/gitleaks.toml, docs/SECRET-FORMATS.md)', () => {
  it('has one rule per secret prefix, with a unique id and nothing else', () => {
    expect(rules.map((rule) => rule.keywords[0]).sort()).toEqual(prefixes.map((prefix) => `${prefix}_`).sort());
    expect(new Set(rules.map((rule) => rule.id)).size).toBe(rules.length);
  });

  it.each(prefixes)('%s: the rule uses RE2 syntax only (no lookaround, no backreferences)', (prefix) => {
    const { regex } = ruleFor(prefix);
    expect(regex).not.toMatch(/\(\?<?[=!]/);
    expect(regex).not.toMatch(/\\[1-9]|\\k</);
  });

  it.each(prefixes)('%s: docs/SECRET-FORMATS.md lists the same regex', (prefix) => {
    expect(documented).toContain(`\`${ruleFor(prefix).regex}\``);
  });

  it.each(prefixes)('%s: finds 200 freshly generated secrets in code, config and URLs', (prefix) => {
    const rule = ruleFor(prefix);
    for (let i = 0; i < 200; i += 1) {
      const secret = generateSecret(prefix);
      for (const text of [secret, `TOKEN=${secret}\n`, `"authorization": "Bearer ${secret}",`, `https://x.test/?token=${secret}&a=1`, `token: '${secret}'`]) {
        expect(matchesIn(rule, text)).toEqual([secret]);
      }
    }
  });

  it.each(prefixes)('%s: rejects near-misses', (prefix) => {
    const rule = ruleFor(prefix);
    const secret = generateSecret(prefix);
    const [, random, check] = secret.split('_');
    const nearMisses = [
      `${prefix}_${random.slice(1)}_${check}`, // 29 random characters
      `${prefix}_${random}x_${check}`, // 31
      `${prefix}_${random}_${check.slice(1)}`, // 5-character checksum
      `${prefix}_${random}_${check}x`, // 7
      `${prefix}_${random.slice(1)}-_${check}`, // not base62
      `${prefix}-${random}_${check}`, // wrong separator
      `${prefix.toUpperCase()}_${random}_${check}`, // prefixes are lower case
      `x${secret}`, // inside a longer word
      `${prefix}_${random}${check}`, // no second separator
      ...prefixes.filter((other) => other !== prefix).map((other) => generateSecret(other)), // another kind of secret
    ];
    for (const text of nearMisses) expect(matchesIn(rule, text)).toEqual([]);
  });

  it('the combined regex of docs/SECRET-FORMATS.md finds a secret of every prefix, and only those', () => {
    const combined = new RegExp(/^Any Tessera secret at once: `(.*)`\.$/m.exec(documented)![1], 'g');
    const secrets = prefixes.map((prefix) => generateSecret(prefix));
    expect([...` ${secrets.join(' ')} tsxyz_${'a'.repeat(30)}_abcdef `.matchAll(combined)].map((m) => m[1])).toEqual(secrets);
  });
});
