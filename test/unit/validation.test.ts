import 'reflect-metadata';
import { validate } from 'class-validator';
import fc from 'fast-check';
import { IsDescription, IsEmailAddress, IsName, codePointLength, isPrintableText } from '../../src/core/validation/text';
import { isId } from '../../src/core/validation/id';
import { newId } from '../../src/core/database/ids';

class Sample {
  @IsName()
  name?: string;

  @IsDescription()
  description?: string;

  @IsEmailAddress()
  email?: string;
}

const failures = async (values: Partial<Sample>): Promise<Record<string, string[]>> => {
  const errors = await validate(Object.assign(new Sample(), values), { skipMissingProperties: true });
  return Object.fromEntries(errors.map((error) => [error.property, Object.keys(error.constraints ?? {}).sort()]));
};

describe('bounded text (IsText)', () => {
  it('counts code points, as a utf8mb4 varchar counts characters', () => {
    expect(codePointLength('a\uFE0F'.repeat(60))).toBe(120);
    expect(codePointLength('😀'.repeat(3))).toBe(3);
  });

  it('refuses a name of 120 code points that class-validator would count as 60', async () => {
    expect(await failures({ name: 'a\uFE0F'.repeat(60) })).toEqual({ name: ['isLength'] });
    expect(await failures({ name: 'a\uFE0F'.repeat(50) })).toEqual({});
  });

  it('never accepts more code points than the limit, whatever the text', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'grapheme', maxLength: 150 }), async (name) => {
        const refused = 'name' in (await failures({ name }));
        if (!refused) expect(codePointLength(name)).toBeLessThanOrEqual(100);
      }),
      { numRuns: 300, seed: 9 },
    );
  });

  it.each(['\u0000', '\u0007', '\r', '\n', '\t', '\u0085', '\u2028', '\u202E', '\u2066', '\uFEFF', '\uFFFF', '\ud800'])('refuses %j in a name', async (char) => {
    expect((await failures({ name: `a${char}b` })).name).toContain('isPrintable');
  });

  it('lets a description span lines with LF and tabs, but not CR or other controls', async () => {
    expect(await failures({ description: 'one\n\ttwo' })).toEqual({});
    expect(await failures({ description: 'one\r\ntwo' })).toEqual({ description: ['isPrintable'] });
  });

  it('refuses a blank name or one with nothing visible', async () => {
    for (const name of ['', ' ', '\u200B', '\u0301']) expect(Object.keys(await failures({ name }))).toEqual(['name']);
  });

  it('refuses an e-mail with an unpaired surrogate instead of throwing', async () => {
    expect((await failures({ email: '\ud800@x.io' })).email).toEqual(['isEmail', 'isPrintable']);
    expect(await failures({ email: 'ana@example.com' })).toEqual({});
  });

  it('never throws, whatever the text', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'binary', maxLength: 300 }), async (text) => {
        await failures({ name: text, description: text, email: text });
      }),
      { numRuns: 300, seed: 10 },
    );
  });

  it('knows printable text', () => {
    expect(isPrintableText('Ünïcödé 👩‍👩‍👧 שלום')).toBe(true);
    expect(isPrintableText('a\nb')).toBe(false);
    expect(isPrintableText('a\nb', true)).toBe(true);
  });
});

describe('ids (isId)', () => {
  it('accepts the ids the server makes', () => {
    for (let i = 0; i < 100; i += 1) expect(isId(newId())).toBe(true);
  });

  it.each(['', 'not-a-uuid', `${newId()}0`, newId().toUpperCase(), ` ${newId()}`, 'x'.repeat(36), 42])('refuses %j', (value) => {
    expect(isId(value)).toBe(false);
  });
});
